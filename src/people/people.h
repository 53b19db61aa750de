/* people.h - the roster: people, public profiles, import and export (issue 3). */
#ifndef DJ_PEOPLE_H
#define DJ_PEOPLE_H

#include "../core/db.h"
#include "../core/http.h"

extern const struct dj_route people_routes[];
/* Adds this subject's part of the demo agency (inside the demo's transaction). */
int people_demo_load(db_conn *c, const char *password_hash);

#endif
