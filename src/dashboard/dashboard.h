/* dashboard.h - the leaders' dashboard (领导驾驶舱) and the brand wall (issue 7). */
#ifndef DJ_DASHBOARD_H
#define DJ_DASHBOARD_H

#include "../core/db.h"
#include "../core/http.h"

extern const struct dj_route dashboard_routes[];
/* Adds this subject's part of the demo agency (inside the demo's transaction). */
int dashboard_demo_load(db_conn *c, const char *password_hash);

#endif
