/* points_todo.c - points in the to-do list: claims waiting for the
 * secretary's decision, and a member's claims decided in the last two weeks. */
#include <string.h>

#include "../core/auth.h"
#include "../core/err.h"
#include "../core/timeutil.h"
#include "../core/todo.h"
#include "points.h"

#define DECIDED_DAYS 14

static char *to_approve_sql(dj_req *r)
{
    return dj_arena_printf(r->arena,
                           "SELECT COUNT(*) AS n, MIN(cl.created_at) AS oldest FROM points_claims cl"
                           " JOIN orgs o ON o.id = cl.branch_id WHERE cl.status = 'pending' AND %s",
                           auth_scope_sql(r, "points.approve", "o.path"));
}

static const char decided_sql[] = "SELECT id, description, status, decision_reason, decided_at FROM points_claims"
                                  " WHERE person_id = $1 AND status <> 'pending' AND decided_at >= $2"
                                  " ORDER BY decided_at DESC LIMIT 5";

static void decided_since(char since[21])
{
    dj_time_iso(dj_now() - DECIDED_DAYS * 86400, since);
}

static int todo_to_approve(dj_req *r, db_conn *c, json_t *items)
{
    if (!auth_has_perm(r, "points.approve"))
        return DJ_OK;
    int rc;
    json_t *rows = db_query_rows_dynamic(c, &rc, to_approve_sql(r), "");
    if (!rows)
        return rc;
    json_t *row = json_array_get(rows, 0);
    json_int_t n = json_integer_value(json_object_get(row, "n"));
    int64_t oldest = 0;
    int y = 0, m = 0, d = 0;
    if (dj_time_parse(dj_jstr(row, "oldest", ""), &oldest) == DJ_OK)
        dj_local_date(oldest, &y, &m, &d);
    if (n > 0)
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:n, s:n, s:{s:s}}", "source", "points", "kind",
                                               "claims_to_approve", "title",
                                               dj_arena_printf(r->arena, "%lld 条积分申报待审批", (long long)n),
                                               "detail",
                                               dj_arena_printf(r->arena, "最早一条提交于 %d年%d月%d日", y, m, d),
                                               "due_at", "org_id", "link", "type", "points_claims"));
    json_decref(rows);
    return DJ_OK;
}

static int todo_decided(dj_req *r, db_conn *c, json_t *items)
{
    if (!r->user->person_id)
        return DJ_OK;
    char since[21];
    decided_since(since);
    int rc;
    json_t *rows = db_query_rows(c, &rc, decided_sql, "it", r->user->person_id, since);
    if (!rows)
        return rc;
    size_t i;
    json_t *cl;
    json_array_foreach(rows, i, cl) {
        bool ok = strcmp(dj_jstr(cl, "status", ""), "approved") == 0;
        const char *reason = dj_jstr(cl, "decision_reason", "");
        json_array_append_new(
            items, json_pack("{s:s, s:s, s:s, s:s, s:n, s:n, s:{s:s, s:O}}", "source", "points", "kind",
                             ok ? "claim_approved" : "claim_rejected", "title",
                             dj_arena_printf(r->arena, "积分申报%s：%.60s", ok ? "已通过" : "未通过",
                                             dj_jstr(cl, "description", "")),
                             "detail", *reason ? dj_arena_printf(r->arena, "审批意见：%s", reason) : "", "due_at",
                             "org_id", "link", "type", "points_claim", "id", json_object_get(cl, "id")));
    }
    json_decref(rows);
    return DJ_OK;
}

static int points_todos_provider(dj_req *r, json_t *items)
{
    db_conn *c = dj_db(r);
    int rc = todo_to_approve(r, c, items);
    if (rc == DJ_OK)
        rc = todo_decided(r, c, items);
    return rc;
}

static void points_todos_prefetch(dj_req *r, db_conn *c)
{
    if (auth_has_perm(r, "points.approve"))
        db_prefetch_dynamic(c, to_approve_sql(r), "");
    if (r->user->person_id) {
        char since[21];
        decided_since(since);
        db_prefetch(c, decided_sql, "it", r->user->person_id, since);
    }
}

void points_todos_register(void)
{
    dj_todo_register("points", points_todos_provider);
    dj_todo_register_prefetch(points_todos_prefetch);
}
