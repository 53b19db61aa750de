/* lists.h - work lists: 模范机关, 整改, 三心事, 责任清单, inspections, reports (issue 6). */
#ifndef DJ_LISTS_H
#define DJ_LISTS_H

#include "../core/db.h"
#include "../core/http.h"

extern const struct dj_route lists_routes[];
/* Adds this subject's part of the demo agency (inside the demo's transaction). */
int lists_demo_load(db_conn *c, const char *password_hash);

#endif
