/* audit_api.c - reading the audit trail (GET /api/v1/audit), for the
 * roles with audit.read (admin, committee, auditor). */
#include <string.h>

#include "../core/err.h"
#include "../core/timeutil.h"
#include "account.h"

/* Normalises an ISO instant from the query to the stored UTC form. */
static int time_arg(dj_req *r, const char *name, char out[21])
{
    const char *v = dj_query(r, name);
    out[0] = '\0';
    if (!v || !*v)
        return DJ_OK;
    int64_t t;
    if (dj_time_parse(v, &t) != DJ_OK) {
        int y, m, d;
        if (dj_date_parse(v, &y, &m, &d) != DJ_OK)
            return dj_fail(r, DJ_EINVAL, name, "参数“%s”不是有效的时间，例如 2026-11-27 或 2026-11-27T09:00:00+08:00", name);
        t = dj_local_midnight(y, m, d) + (strcmp(name, "to") == 0 ? 86400 - 1 : 0);
    }
    dj_time_iso(t, out);
    return DJ_OK;
}

/* One statement for every filter combination: an empty filter matches all. */
#define AUDIT_WHERE                                                                                   \
    " FROM audit WHERE ($1 = '' OR login = $1) AND ($2 = '' OR action = $2)"                          \
    " AND ($3 = '' OR entity = $3) AND ($4 = 0 OR entity_id = $4)"                                    \
    " AND ($5 = '' OR at >= $5) AND ($6 = '' OR at <= $6)"

static const char count_sql[] = "SELECT COUNT(*)" AUDIT_WHERE;
static const char list_sql[] = "SELECT id, at, user_id, login, action, entity, entity_id, before AS before__json,"
                               " after AS after__json, ip" AUDIT_WHERE " ORDER BY id DESC LIMIT $7 OFFSET $8";

static int audit_list(dj_req *r)
{
    struct dj_page pg;
    int rc = dj_page_parse(r, &pg);
    if (rc)
        return rc;
    char from[21], to[21];
    if ((rc = time_arg(r, "from", from)) || (rc = time_arg(r, "to", to)))
        return rc;
    int64_t entity_id;
    if ((rc = dj_query_int(r, "entity_id", 0, 0, INT64_MAX, &entity_id)))
        return rc;
    const char *login = dj_query(r, "login"), *action = dj_query(r, "action"), *entity = dj_query(r, "entity");
    db_conn *c = dj_db(r);
    int64_t total = 0;
    rc = db_query_i64(c, &total, count_sql, "tttitt", login ? login : "", action ? action : "",
                      entity ? entity : "", entity_id, from, to);
    if (rc)
        return rc;
    json_t *items = db_query_rows(c, &rc, list_sql, "tttittii", login ? login : "", action ? action : "",
                                  entity ? entity : "", entity_id, from, to, pg.limit, pg.offset);
    if (!items)
        return rc;
    return dj_reply_json(r, 200, dj_page_result(&pg, items, total));
}

const struct dj_route audit_routes[] = {
    {"GET", "/api/v1/audit", audit_list, "audit.read", 0, 0},
    {0},
};
