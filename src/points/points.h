/* points.h - points (积分): rules, the tamper-evident ledger, claims, rankings (issue 5). */
#ifndef DJ_POINTS_H
#define DJ_POINTS_H

#include "../core/db.h"
#include "../core/http.h"

extern const struct dj_route points_routes[];
/* Adds this subject's part of the demo agency (inside the demo's transaction). */
int points_demo_load(db_conn *c, const char *password_hash);

#endif
