/* life.h - organisational life: 三会一课, activities, check-in, compliance (issue 4). */
#ifndef DJ_LIFE_H
#define DJ_LIFE_H

#include "../core/db.h"
#include "../core/http.h"

extern const struct dj_route life_routes[];
/* Adds this subject's part of the demo agency (inside the demo's transaction). */
int life_demo_load(db_conn *c, const char *password_hash);

#endif
