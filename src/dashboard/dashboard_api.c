/* dashboard_api.c - HTTP handlers of the leaders' dashboard and the brand wall. */
#include <stdio.h>

#include "../core/auth.h"
#include "../core/err.h"
#include "../core/json.h"
#include "../core/readcache.h"
#include "../core/timeutil.h"
#include "dashboard.h"

/* How long a dashboard is kept while nothing it was read from is written (its
 * time-bound parts change by the day), and how old it may be served while a
 * newer one is computed: two of the cockpit's refreshes (a leader opening it
 * after a quiet while sees the last one at once, and the new one a refresh
 * later). */
#define DASHBOARD_TTL_MS 10000
#define DASHBOARD_LAG_MS 120000

/* The dashboard's answer when it was not kept: from the replica where there is one. */
static int dashboard_write(db_conn *c, const char *key, dj_buf *out)
{
    (void)key; /* the root's: the only dashboard there is */
    int rc;
    json_t *d = dashboard_build(c, dj_now(), &rc);
    if (!d)
        return rc;
    dj_json_render_into(out, d);
    json_decref(d);
    return DJ_OK;
}

/* The dashboard shows the whole agency: it needs dashboard.read on the root. */
static int dashboard_get(dj_req *r)
{
    db_conn *c = dj_db(r);
    int64_t root;
    if (db_query_i64(c, &root, "SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1", "") != DJ_OK)
        return dj_fail(r, DJ_ENOTFOUND, NULL, "尚未建立组织");
    int rc = auth_require(r, "dashboard.read", root);
    if (rc)
        return rc;
    /* the same agency-wide answer for every reader allowed on the root: computed
     * once until a write or ten seconds however many leaders' screens refresh (readcache.h);
     * while it is computed again (seconds for a city's 党费 roster) the others get
     * the previous one, as a replica would serve it (may lag) */
    char key[64];
    snprintf(key, sizeof key, "dashboard %lld", (long long)root);
    dj_buf out = {0};
    if ((rc = dj_rcache_text_lagging(dj_db_read(r), key, DASHBOARD_TTL_MS, DASHBOARD_LAG_MS, dashboard_write, &out))) {
        dj_buf_free(&out);
        return rc;
    }
    return dj_reply_buf(r, 200, &out);
}

/* The brand wall is for every member: no permission beyond being signed in. */
static int brands_list(dj_req *r)
{
    int rc;
    json_t *items = dashboard_brands(dj_db(r), dj_now(), &rc);
    return items ? dj_reply_json(r, 200, json_pack("{s:o}", "items", items)) : rc;
}

static int brand_get(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "org_id", &id);
    if (rc)
        return rc;
    json_t *b = dashboard_brand(dj_db(r), id, dj_now(), &rc);
    if (!b)
        return rc == DJ_ENOTFOUND ? dj_fail(r, rc, "org_id", "找不到该党支部") : rc;
    return dj_reply_json(r, 200, b);
}

const struct dj_route dashboard_routes[] = {
    {"GET", "/api/v1/dashboard", dashboard_get, "dashboard.read", DJ_ROUTE_SNAPSHOT, 0},
    {"GET", "/api/v1/brands", brands_list, NULL, 0, 0},
    {"GET", "/api/v1/brands/:org_id", brand_get, NULL, 0, 0},
    {0},
};
