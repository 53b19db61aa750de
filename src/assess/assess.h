/* assess.h - branch assessment (量化考评) and 先进党支部评选 (issue 7). */
#ifndef DJ_ASSESS_H
#define DJ_ASSESS_H

#include "../core/db.h"
#include "../core/http.h"

extern const struct dj_route assess_routes[];
/* Adds this subject's part of the demo agency (inside the demo's transaction). */
int assess_demo_load(db_conn *c, const char *password_hash);

#endif
