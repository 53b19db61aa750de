/* development_todo.c - 发展党员 in the to-do list (src/core/todo.h): the branch's
 * deadlines near or passed (谈话, 半年考察, 预备期满) for those who manage it, the
 * higher committee's approvals (two months after a resolution, overdue after
 * three) for the committee, the six-month assessments for the 联系人/介绍人, and
 * for a probationary member the 转正 application a month before the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/auth.h"
#include "../core/err.h"
#include "../core/timeutil.h"
#include "../core/todo.h"
#include "development_int.h"

static const char *due_detail(dj_req *r, const char *what, dev_day due, dev_day today)
{
    char d[24];
    dev_day_cn(due, d);
    if (today > due)
        return dj_arena_printf(r->arena, "%s · 应在%s前办理，已逾期 %lld 天", what, d, (long long)(today - due));
    if (today == due)
        return dj_arena_printf(r->arena, "%s · 今天到期", what);
    return dj_arena_printf(r->arena, "%s · 应在%s前办理，还剩 %lld 天", what, d, (long long)(due - today));
}

static void add(dj_req *r, json_t *items, const char *kind, const char *title, const char *detail, dev_day due,
                int64_t org_id, int64_t app_id)
{
    int y, m, d;
    dj_civil_from_days(due, &y, &m, &d);
    char due_at[21];
    dj_time_iso(dj_local_midnight(y, m, d) + 86400 - 1, due_at); /* the end of its Shanghai day */
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:{s:s, s:I}}", "source", "development", "kind", kind, "title",
                          title, "detail", detail, "due_at", due_at, "org_id", (json_int_t)org_id, "link", "type",
                          "development", "id", (json_int_t)app_id);
    if (o)
        json_array_append_new(items, o);
    (void)r;
}

/* Who sees which deadlines: the branch's, and the committee's approvals. */
static const struct {
    const char *perm, *cond;
} kinds[] = {{"development.manage", "d.code <> 'approval'"}, {"development.approve", "d.code = 'approval'"}};

static char *office_sql(dj_req *r, size_t k)
{
    return dj_arena_printf(r->arena,
                           "SELECT a.id, a.org_id, d.due_on, d.code AS due_code, p.name FROM dev_deadlines d"
                           " JOIN dev_applications a ON a.id = d.application_id"
                           " JOIN orgs o ON o.id = a.org_id JOIN people p ON p.id = a.person_id"
                           " WHERE %s AND %s AND a.state = 'open' AND d.warn_on <= $1"
                           " ORDER BY d.due_on, a.id LIMIT 20",
                           auth_scope_sql(r, kinds[k].perm, "o.path"), kinds[k].cond);
}

/* Deadlines of the applications in the caller's scope (cached by the projection). */
static int office_todos(dj_req *r, json_t *items, dev_day today)
{
    static const struct {
        const char *code, *what;
    } whats[] = {{"talk", "入党申请人谈话"},
                 {"assessment", "半年考察"},
                 {"approval", "上级党委审批"},
                 {"probation", "预备期满，讨论转正"}};
    char t[11];
    dev_day_format(today, t);
    for (size_t k = 0; k < 2; k++) {
        if (!auth_has_perm(r, kinds[k].perm))
            continue;
        int rc;
        json_t *rows = db_query_rows_dynamic(dj_db(r), &rc, office_sql(r, k), "t", t);
        if (!rows)
            return rc;
        size_t i;
        json_t *o;
        json_array_foreach(rows, i, o) {
            dev_day due;
            if (dev_day_parse(dj_jstr(o, "due_on", ""), &due) != DJ_OK)
                continue;
            const char *what = "发展党员";
            for (size_t w = 0; w < sizeof whats / sizeof whats[0]; w++)
                if (strcmp(dj_jstr(o, "due_code", ""), whats[w].code) == 0)
                    what = whats[w].what;
            const char *detail;
            char d[24];
            dev_day_cn(due, d);
            if (strcmp(dj_jstr(o, "due_code", ""), "probation") != 0)
                detail = due_detail(r, what, due, today);
            else if (today > due)
                detail = dj_arena_printf(r->arena, "预备期已于%s期满，已过 %lld 天，尚未讨论转正", d, (long long)(today - due));
            else
                detail = dj_arena_printf(r->arena, "预备期将于%s期满，还剩 %lld 天，请准备讨论转正", d, (long long)(due - today));
            add(r, items, today > due ? "development_overdue" : "development_due",
                dj_arena_printf(r->arena, "发展党员：%s · %s", dj_jstr(o, "name", ""), what), detail, due,
                dj_jint(o, "org_id", 0), dj_jint(o, "id", 0));
        }
        json_decref(rows);
    }
    return DJ_OK;
}

/* Only the applications that may give an item are loaded whole (five statements each), by their
 * projection: one's own once the probation ends within a month (a month is at most 31 days), and
 * those one accompanies while an activist's or a probationary member's assessments run. */
static const char personal_sql[] =
    "SELECT a.id, 1 AS own FROM dev_applications a WHERE a.person_id = $1 AND a.state = 'open'"
    " AND a.probation_until IS NOT NULL AND a.probation_until <= $2"
    " UNION SELECT l.application_id, 0 FROM dev_links l JOIN dev_applications a"
    " ON a.id = l.application_id WHERE l.person_id = $1 AND a.state = 'open' AND a.stage IN ($3, $4)";
#define PERSONAL_ARGS(r, soon) "itii", (r)->user->person_id, soon, (int64_t)DEV_STAGE_ACTIVIST, (int64_t)DEV_STAGE_PROBATION

/* The caller's own probation, and the assessments of the people they accompany. */
static int personal_todos(dj_req *r, json_t *items, dev_day today)
{
    db_conn *c = dj_db(r);
    int rc;
    char soon[11];
    dev_day_format(today + 31, soon);
    json_t *ids = db_query_rows(c, &rc, personal_sql, PERSONAL_ARGS(r, soon));
    if (!ids)
        return rc;
    size_t i;
    json_t *x;
    json_array_foreach(ids, i, x) {
        struct dev_app app;
        if ((rc = dev_app_load(c, r->arena, dj_jint(x, "id", 0), &app)))
            break;
        const struct dev_state *st = &app.st;
        if (dj_jint(x, "own", 0)) {
            if (dev_done(st, 17) && !dev_done(st, 22) && st->probation_until != DEV_NO_DAY &&
                today >= dev_add_months(st->probation_until, -1))
                add(r, items, "development_full_application", "提出转正申请",
                    due_detail(r, "预备期满前提出书面转正申请", st->probation_until, today), st->probation_until,
                    app.org_id, app.id);
            continue;
        }
        /* named by an effective record of step 5 (contact) or 9 (sponsor)? */
        bool contact, sponsor;
        dev_mentor_of(c, &app, r->user->person_id, &contact, &sponsor);
        int stage = dev_state_stage(st);
        int step = stage == DEV_STAGE_ACTIVIST && contact ? 6 : stage == DEV_STAGE_PROBATION && (contact || sponsor) ? 21 : 0;
        if (!step)
            continue;
        struct dev_window w;
        dev_window_of(st, &app.ctx, step, &w);
        if (!w.open || w.due == DEV_NO_DAY || w.due > today + 30)
            continue;
        add(r, items, "development_assessment", dj_arena_printf(r->arena, "为%s填写半年考察意见", app.person_name),
            due_detail(r, step == 6 ? "入党积极分子培养考察" : "预备党员教育考察", w.due, today), w.due, app.org_id,
            app.id);
    }
    json_decref(ids);
    return rc;
}

int dev_todos_provider(dj_req *r, json_t *items)
{
    dev_day today = dev_today();
    int rc = office_todos(r, items, today);
    if (rc == DJ_OK && r->user->person_id)
        rc = personal_todos(r, items, today);
    return rc;
}

static void dev_todos_prefetch(dj_req *r, db_conn *c)
{
    dev_day today = dev_today();
    char t[11], soon[11];
    dev_day_format(today, t);
    for (size_t k = 0; k < 2; k++)
        if (auth_has_perm(r, kinds[k].perm))
            db_prefetch_dynamic(c, office_sql(r, k), "t", t);
    if (r->user->person_id) {
        dev_day_format(today + 31, soon);
        db_prefetch(c, personal_sql, PERSONAL_ARGS(r, soon));
    }
}

void development_todos_register(void)
{
    dj_todo_register("development", dev_todos_provider);
    dj_todo_register_prefetch(dev_todos_prefetch);
    development_notify_register();
}
