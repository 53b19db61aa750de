/* lists_todo.c - work-list items in the to-do list of the people responsible
 * for them: overdue ones, and those due within the configured days; and for
 * the 纪委, the overdue items of the 监督责任清单 it keeps. */
#include <stdio.h>

#include "../core/auth.h"
#include "../core/err.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "../core/todo.h"
#include "lists.h"

/* Open items I answer for (lead or co-responsible), not yet reported complete, due by $2. */
static const char my_items_sql[] =
    "SELECT i.id, i.list_id, i.title, i.due_on, l.title AS list_title FROM list_items i"
    " JOIN list_item_people p ON p.item_id = i.id JOIN lists l ON l.id = i.list_id"
    " WHERE p.person_id = $1 AND i.state IN ('not_started', 'in_progress')"
    " AND i.submitted_on IS NULL AND i.due_on IS NOT NULL AND i.due_on <= $2"
    " ORDER BY i.due_on, i.id LIMIT 20";

/* Today (as days) and the last due day a to-do shows, as text. */
static int64_t due_limit(db_conn *c, char limit[16])
{
    int y, m, d;
    dj_local_date(dj_now(), &y, &m, &d);
    int64_t today_days = dj_days_from_civil(y, m, d);
    int64_t soon = dj_setting_int(c, "lists.due_soon_days", 7);
    int ly, lm, ld;
    dj_civil_from_days(today_days + soon, &ly, &lm, &ld);
    snprintf(limit, 16, "%04u-%02u-%02u", (unsigned)ly % 10000u, (unsigned)lm % 13u, (unsigned)ld % 32u);
    return today_days;
}

static int lists_todos_provider(dj_req *r, json_t *items)
{
    if (!r->user->person_id)
        return DJ_OK;
    db_conn *c = dj_db(r);
    char limit[16];
    int64_t today_days = due_limit(c, limit);
    int rc;
    json_t *rows = db_query_rows(c, &rc, my_items_sql, "it", r->user->person_id, limit);
    if (!rows)
        return rc;
    size_t i;
    json_t *it;
    json_array_foreach(rows, i, it) {
        int dy, dm, dd;
        if (dj_date_parse(dj_jstr(it, "due_on", ""), &dy, &dm, &dd) != DJ_OK)
            continue;
        int64_t left = dj_days_from_civil(dy, dm, dd) - today_days;
        char due_at[21];
        /* due at the end of its Shanghai calendar day */
        dj_time_iso(dj_local_midnight(dy, dm, dd) + 86400 - 1, due_at);
        const char *detail = left < 0 ? dj_arena_printf(r->arena, "%s · 已逾期 %lld 天", dj_jstr(it, "list_title", ""),
                                                        (long long)-left)
                             : left == 0 ? dj_arena_printf(r->arena, "%s · 今天到期", dj_jstr(it, "list_title", ""))
                                         : dj_arena_printf(r->arena, "%s · 还剩 %lld 天", dj_jstr(it, "list_title", ""),
                                                           (long long)left);
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:s, s:n, s:{s:s, s:O, s:O}}", "source", "lists",
                                               "kind", left < 0 ? "item_overdue" : "item_due", "title",
                                               dj_jstr(it, "title", ""), "detail", detail, "due_at", due_at, "org_id",
                                               "link", "type", "list_item", "id", json_object_get(it, "id"), "list_id",
                                               json_object_get(it, "list_id")));
    }
    json_decref(rows);
    return DJ_OK;
}

/* The 监督责任清单's overdue items, for those who keep it (list.supervise). */
static int supervision_overdue(dj_req *r, json_t *items)
{
    if (!auth_has_perm(r, "list.supervise"))
        return DJ_OK;
    db_conn *c = dj_db(r);
    int y, m, d;
    dj_local_date(dj_now(), &y, &m, &d);
    int64_t today_days = dj_days_from_civil(y, m, d);
    char today[16];
    snprintf(today, sizeof today, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 13u, (unsigned)d % 32u);
    char *sql = dj_arena_printf(r->arena,
                                "SELECT i.id, i.list_id, i.title, i.due_on, l.title AS list_title, o.name AS org_name,"
                                " i.org_id FROM list_items i JOIN lists l ON l.id = i.list_id"
                                " JOIN orgs lo ON lo.id = l.org_id JOIN orgs o ON o.id = i.org_id"
                                " WHERE l.write_perm = 'list.supervise' AND l.archived = 0"
                                " AND i.state IN ('not_started', 'in_progress') AND i.submitted_on IS NULL"
                                " AND i.due_on IS NOT NULL AND i.due_on < $1 AND %s ORDER BY i.due_on, i.id LIMIT 100",
                                auth_scope_sql(r, "list.supervise", "lo.path"));
    int rc;
    json_t *rows = db_query_rows_dynamic(c, &rc, sql, "t", today);
    if (!rows)
        return rc;
    size_t i;
    json_t *it;
    json_array_foreach(rows, i, it) {
        int dy, dm, dd;
        if (dj_date_parse(dj_jstr(it, "due_on", ""), &dy, &dm, &dd) != DJ_OK)
            continue;
        char due_at[21];
        dj_time_iso(dj_local_midnight(dy, dm, dd) + 86400 - 1, due_at);
        json_array_append_new(
            items, json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:{s:s, s:O, s:O}}", "source", "lists", "kind",
                             "supervision_overdue", "title", dj_jstr(it, "title", ""), "detail",
                             dj_arena_printf(r->arena, "%s · %s · 已逾期 %lld 天", dj_jstr(it, "list_title", ""),
                                             dj_jstr(it, "org_name", ""),
                                             (long long)(today_days - dj_days_from_civil(dy, dm, dd))),
                             "due_at", due_at, "org_id", json_object_get(it, "org_id"), "link", "type", "list_item",
                             "id", json_object_get(it, "id"), "list_id", json_object_get(it, "list_id")));
    }
    json_decref(rows);
    return DJ_OK;
}

static int lists_all_todos(dj_req *r, json_t *items)
{
    int rc = lists_todos_provider(r, items);
    return rc == DJ_OK ? supervision_overdue(r, items) : rc;
}

static void lists_todos_prefetch(dj_req *r, db_conn *c)
{
    if (!r->user->person_id)
        return;
    char limit[16];
    due_limit(c, limit);
    db_prefetch(c, my_items_sql, "it", r->user->person_id, limit);
}

void lists_todos_register(void)
{
    dj_todo_register("lists", lists_all_todos);
    dj_todo_register_prefetch(lists_todos_prefetch);
}
