/* orgs.h - the 党工妇青 organisation tree: terms, officers, brands and warnings (issue 3). */
#ifndef DJ_ORGS_H
#define DJ_ORGS_H

#include "../core/db.h"
#include "../core/http.h"

extern const struct dj_route orgs_routes[];
/* Adds this subject's part of the demo agency (inside the demo's transaction). */
int orgs_demo_load(db_conn *c, const char *password_hash);

#endif
