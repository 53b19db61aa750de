/* dues_todo.c - dues in the rest of the platform: the to-do list (the annual
 * base declaration in its month, a member's unpaid months, reports and
 * declarations waiting for the branch, 少交/免交 waiting for the committee,
 * members in arrears) and the org tree's warnings (members 3 and 6 months in
 * arrears; the member's status is never changed by it). */
#include <stdio.h>
#include <string.h>

#include "../core/auth.h"
#include "../core/err.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "../core/todo.h"
#include "../orgs/orgs.h"
#include "dues.h"

static void todo(json_t *items, const char *kind, const char *title, const char *detail, const char *link_type)
{
    json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:n, s:n, s:{s:s}}", "source", "dues", "kind", kind,
                                           "title", title, "detail", detail, "due_at", "org_id", "link", "type",
                                           link_type));
}

/* The member's own: this year's declaration, and months unpaid. */
static int todo_member(dj_req *r, db_conn *c, json_t *items)
{
    if (!r->user->person_id)
        return DJ_OK;
    struct dues_member_due d;
    int rc = dues_member_due(c, r->user->person_id, &d);
    if (rc)
        return rc == DJ_ENOTFOUND ? DJ_OK : rc;
    if (d.declaration_open && !d.declaration_done)
        todo(items, "dues_declaration", dj_arena_printf(r->arena, "确认%d年党费基数", d.year),
             "工资有变化请更新基数，没有变化请确认，由支部审核", "dues");
    if (d.unpaid > 0) {
        char owed[32];
        dues_yuan(d.owed_fen, owed);
        todo(items, "dues_unpaid", dj_arena_printf(r->arena, "有 %zu 个月党费未交清", d.unpaid),
             dj_arena_printf(r->arena, "共欠交 %s 元，请及时交纳", owed), "dues");
    }
    return DJ_OK;
}

/* What waits for the branch (reports, declarations) and for the committee (少交/免交). */
static const char waiting_branch_fmt[] =
    "SELECT (SELECT COUNT(*) FROM dues_payments x JOIN orgs o ON o.id = x.branch_id"
    " WHERE x.status = 'reported' AND %s) AS n,"
    " (SELECT COUNT(*) FROM dues_bases x JOIN people p ON p.id = x.person_id"
    " JOIN orgs o ON o.id = p.org_id WHERE x.status = 'pending' AND %s) AS n2";
static const char waiting_committee_fmt[] =
    "SELECT COUNT(*) AS n FROM dues_reductions x JOIN people p ON p.id = x.person_id"
    " JOIN orgs o ON o.id = p.org_id WHERE x.status = 'pending' AND %s";

/* sql_fmt with the caller's scope of a permission in each of its %s. */
static char *in_scope(dj_req *r, const char *perm, const char *sql_fmt)
{
    const char *scope = auth_scope_sql(r, perm, "o.path");
    return dj_arena_printf(r->arena, sql_fmt, scope, scope);
}

/* Counts in the caller's scope of a permission: n, and n2 if the statement has it. */
static int count_in_scope(dj_req *r, db_conn *c, const char *perm, const char *sql_fmt, int64_t *n, int64_t *n2)
{
    int rc;
    json_t *rows = db_query_rows_dynamic(c, &rc, in_scope(r, perm, sql_fmt), "");
    if (!rows)
        return rc;
    *n = dj_jint(json_array_get(rows, 0), "n", 0);
    if (n2)
        *n2 = dj_jint(json_array_get(rows, 0), "n2", 0);
    json_decref(rows);
    return DJ_OK;
}

/* The office's: what waits for the branch or the committee, and arrears in scope. */
static int todo_office(dj_req *r, db_conn *c, json_t *items)
{
    int64_t n = 0, n2 = 0;
    int rc = DJ_OK;
    if (auth_has_perm(r, "dues.write")) {
        rc = count_in_scope(r, c, "dues.write", waiting_branch_fmt, &n, &n2);
        if (rc == DJ_OK && n > 0)
            todo(items, "dues_reports", dj_arena_printf(r->arena, "%lld 笔党费交纳待确认", (long long)n),
                 "党员自行转账后报告的交纳，核对到账后确认", "dues_payments");
        if (rc == DJ_OK && n2 > 0)
            todo(items, "dues_declarations", dj_arena_printf(r->arena, "%lld 份党费基数申报待审核", (long long)n2),
                 "党员申报或确认的基数，审核后生效", "dues_declarations");
    }
    if (rc == DJ_OK && auth_has_perm(r, "dues.approve")) {
        rc = count_in_scope(r, c, "dues.approve", waiting_committee_fmt, &n, NULL);
        if (rc == DJ_OK && n > 0)
            todo(items, "dues_reductions", dj_arena_printf(r->arena, "%lld 项少交/免交党费待审批", (long long)n),
                 "支部已作出决定，需党委审批", "dues_reductions");
    }
    /* arrears of the subtrees where the caller keeps dues */
    for (int i = 0; rc == DJ_OK && i < r->user->ngrants; i++) {
        const struct dj_grant *g = &r->user->grants[i];
        if (!auth_role_has(g->role, "dues.write"))
            continue;
        json_t *a = dues_arrears(c, g->org_path, &rc);
        if (!a)
            break;
        int64_t warn = dj_jint(a, "warn", 0), flag = dj_jint(a, "flag", 0);
        if (warn + flag > 0)
            todo(items, "dues_arrears",
                 dj_arena_printf(r->arena, "%s：%lld 名党员连续 %lld 个月以上未交党费", g->org_name,
                                 (long long)(warn + flag), (long long)dj_jint(a, "warn_months", 3)),
                 flag ? dj_arena_printf(r->arena, "其中 %lld 名已连续 %lld 个月以上，请按党章第九条的规定及时处理",
                                        (long long)flag, (long long)dj_jint(a, "flag_months", 6))
                      : "请提醒党员按月交纳",
                 "dues_arrears");
        json_decref(a);
    }
    return rc;
}

static int dues_todos(dj_req *r, json_t *items)
{
    db_conn *c = dj_db(r);
    int rc = todo_member(r, c, items);
    return rc == DJ_OK ? todo_office(r, c, items) : rc;
}

/* ---------------------------------------------------------------- the org tree's warnings */

static int dues_warnings(db_conn *c, json_t *orgs)
{
    size_t n = json_array_size(orgs);
    if (n == 0)
        return DJ_OK;
    /* one load for the whole listing: the paths' common prefix covers them all */
    char top[256] = "";
    bool any_branch = false;
    size_t i;
    json_t *o;
    json_array_foreach(orgs, i, o) {
        const char *p = dj_jstr(o, "path", "/"), *k = dj_jstr(o, "kind", "");
        any_branch = any_branch || strcmp(k, "branch") == 0 || strcmp(k, "general_branch") == 0 ||
                     strcmp(k, "committee") == 0;
        if (i == 0) {
            snprintf(top, sizeof top, "%s", p);
            continue;
        }
        size_t j = 0;
        while (top[j] && top[j] == p[j])
            j++;
        top[j] = '\0';
    }
    char *slash = strrchr(top, '/');
    if (slash)
        slash[1] = '\0';
    else
        snprintf(top, sizeof top, "/");
    if (!any_branch)
        return DJ_OK;
    int rc = DJ_OK;
    json_t *a = dues_arrears(c, top, &rc);
    if (!a)
        return rc;
    int flag_months = (int)dj_jint(a, "flag_months", 6), warn_months = (int)dj_jint(a, "warn_months", 3);
    json_array_foreach(orgs, i, o) {
        int64_t id = dj_jint(o, "id", 0);
        int warn = 0, flag = 0;
        size_t k;
        json_t *m;
        json_array_foreach(json_object_get(a, "items"), k, m) {
            if (dj_jint(m, "branch_id", 0) != id)
                continue;
            const char *lv = dj_jstr(m, "level", "");
            warn += strcmp(lv, "warn") == 0;
            flag += strcmp(lv, "flag") == 0;
        }
        json_t *w = json_object_get(o, "warnings");
        char msg[256];
        if (flag) {
            snprintf(msg, sizeof msg, "%d 名党员连续 %d 个月以上未交党费（党章第九条），请支部及时处理", flag, flag_months);
            json_array_append_new(w, json_pack("{s:s, s:s}", "code", "dues_arrears_flag", "message", msg));
        }
        if (warn) {
            snprintf(msg, sizeof msg, "%d 名党员连续 %d 个月以上未交党费，请提醒其按月交纳", warn, warn_months);
            json_array_append_new(w, json_pack("{s:s, s:s}", "code", "dues_arrears_warn", "message", msg));
        }
    }
    json_decref(a);
    return DJ_OK;
}

static void dues_todos_prefetch(dj_req *r, db_conn *c)
{
    if (r->user->person_id)
        dues_member_due_prefetch(c, r->user->person_id);
    if (auth_has_perm(r, "dues.write"))
        db_prefetch_dynamic(c, in_scope(r, "dues.write", waiting_branch_fmt), "");
    if (auth_has_perm(r, "dues.approve"))
        db_prefetch_dynamic(c, in_scope(r, "dues.approve", waiting_committee_fmt), "");
}

void dues_register(void)
{
    dj_todo_register("dues", dues_todos);
    dj_todo_register_prefetch(dues_todos_prefetch);
    orgs_warning_provider_add(dues_warnings);
    dues_notify_register();
}
