/* dashboard.h - the leaders' dashboard (领导驾驶舱) and the brand wall
 * (一支部一品牌) (issue 7).
 *
 * dashboard.c gathers the figures (members and organisations, activities,
 * the compliance heatmap, points, work lists, warnings, the latest
 * assessment) and the brands; dashboard_api.c serves them.  Each section that
 * depends on another module's tables says "available": false with a reason
 * when that module's data is not in the database. */
#ifndef DJ_DASHBOARD_H
#define DJ_DASHBOARD_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/db.h"
#include "../core/http.h"

extern const struct dj_route dashboard_routes[];
/* Adds this subject's part of the demo agency (inside the demo's transaction). */
int dashboard_demo_load(db_conn *c, const char *password_hash);

/* ---------------------------------------------------------------- pure rules */

/* DASH_NOT_APPLICABLE: a month before the branch was set up or after it was dissolved. */
enum dashboard_cell { DASH_DONE, DASH_PARTIAL, DASH_MISSING, DASH_NOT_DUE, DASH_NOT_APPLICABLE };
/* A heatmap cell (one branch, one month): every monthly requirement met → done; some →
 * partial; none → missing once the month is over, not_due while it runs. */
enum dashboard_cell dashboard_cell_status(int met, int required, bool month_over);
const char *dashboard_cell_name(enum dashboard_cell c);
/* The bucket of a points figure in the distribution: 0 for < width, ..., nb-1 for the rest. */
int dashboard_bucket(double v, double width, int nb);

/* The deepest organisation on a materialised path ("/1/4/9/") whose id is in ids (sorted
 * ascending): its index in ids, or -1 when the path passes through none of them. */
int dashboard_path_find(const char *path, const int64_t *ids, size_t n);

/* ---------------------------------------------------------------- data (dashboard.c) */

/* The whole dashboard of the agency for the Shanghai calendar year of now. */
json_t *dashboard_build(db_conn *c, int64_t now, int *err);
/* Every branch's brand, for the wall. */
json_t *dashboard_brands(db_conn *c, int64_t now, int *err);
/* One branch's brand page: the brand, its recent activities and its published results. */
json_t *dashboard_brand(db_conn *c, int64_t org_id, int64_t now, int *err);

#endif
