/* transfers_todo.c - 组织关系转接 in the to-do list (src/core/todo.h): for the
 * committee office, 介绍信 expired or without their 回执 after three months; for
 * those who keep 流动党员, the quarter's contact not yet recorded and lost contact
 * (six months without a contact: the branch decides, nothing happens by itself);
 * for the member, their own letter: where to report and by when. */
#include <stdio.h>
#include <string.h>

#include "../core/auth.h"
#include "../core/err.h"
#include "../core/timeutil.h"
#include "../core/todo.h"
#include "transfers.h"
#include "transfers_api.h"

static void add(json_t *items, const char *kind, const char *title, const char *detail, const char *due_on,
                int64_t org_id, const char *link_type, int64_t id)
{
    char due_at[21] = "";
    tr_day d;
    if (due_on && tr_day_parse(due_on, &d) == DJ_OK) {
        int y, m, dd;
        dj_civil_from_days(d, &y, &m, &dd);
        dj_time_iso(dj_local_midnight(y, m, dd) + 86400 - 1, due_at);
    }
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:I, s:{s:s, s:I}}", "source", "transfers", "kind", kind, "title",
                          title, "detail", detail, "due_at", due_at[0] ? due_at : NULL, "org_id", (json_int_t)org_id,
                          "link", "type", link_type, "id", (json_int_t)id);
    if (o)
        json_array_append_new(items, o);
}

static int office_todos(dj_req *r, json_t *items)
{
    if (!auth_has_perm(r, "transfer.manage"))
        return DJ_OK;
    char *a = auth_scope_sql(r, "transfer.manage", "fo.path"), *b = auth_scope_sql(r, "transfer.manage", "tg.path");
    struct tr_filter f = {.scope = dj_arena_printf(r->arena, "%s OR %s", a, b), .flag = "open"};
    int rc;
    json_t *rows = tr_list(dj_db(r), &f, 50, 0, NULL, &rc);
    if (!rows)
        return rc;
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o) {
        const char *name = dj_jstr(o, "person_name", "");
        bool expired = dj_jbool(o, "expired", false), overdue = dj_jbool(o, "receipt_overdue", false);
        const char *state = dj_jstr(o, "state", "");
        int64_t org = dj_jint(o, "from_org_id", 0) ? dj_jint(o, "from_org_id", 0) : dj_jint(o, "to_org_id", 0);
        if (expired)
            add(items, "transfer_expired", dj_arena_printf(r->arena, "组织关系转接：%s的介绍信已过期", name),
                dj_arena_printf(r->arena, "%s · 有效期至%s，请续开或撤回", dj_jstr(o, "letter_no", ""),
                                dj_jstr(o, "valid_until", "")),
                dj_jstr(o, "valid_until", NULL), org, "transfer", dj_jint(o, "id", 0));
        else if (overdue)
            add(items, "transfer_receipt_overdue", dj_arena_printf(r->arena, "组织关系转接：%s的回执逾期未回", name),
                dj_arena_printf(r->arena, "%s · 开具于%s，超过三个月未收到回执", dj_jstr(o, "letter_no", ""),
                                dj_jstr(o, "issued_on", "")),
                dj_jstr(o, "valid_until", NULL), org, "transfer", dj_jint(o, "id", 0));
        else if (!strcmp(state, "draft") || !strcmp(state, "registered"))
            add(items, "transfer_pending",
                dj_arena_printf(r->arena, "组织关系转接：%s · %s", name, !strcmp(state, "draft") ? "介绍信待开具" : "待安排接收支部"),
                dj_arena_printf(r->arena, "%s%s", dj_jstr(o, "kind_label", ""),
                                dj_jstr(o, "outside_org", NULL) ? dj_arena_printf(r->arena, " · %s", dj_jstr(o, "outside_org", "")) : ""),
                NULL, org, "transfer", dj_jint(o, "id", 0));
    }
    json_decref(rows);
    return DJ_OK;
}

static int flow_todos(dj_req *r, json_t *items)
{
    if (!auth_has_perm(r, "flow.manage"))
        return DJ_OK;
    int rc;
    json_t *rows = tr_flow_list(dj_db(r), auth_scope_sql(r, "flow.manage", "o.path"), NULL, false, &rc);
    if (!rows)
        return rc;
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o) {
        const char *name = dj_jstr(o, "person_name", "");
        const char *last = dj_jstr(o, "last_contact", NULL);
        if (dj_jbool(o, "lost_contact", false))
            add(items, "flow_lost_contact", dj_arena_printf(r->arena, "流动党员：%s已超过六个月没有联系记录", name),
                dj_arena_printf(r->arena, "%s · 最近联系：%s。请尽快联系；确已失去联系的，由支部研究决定是否启动停止党籍程序",
                                dj_jstr(o, "place", ""), last ? last : "无"),
                NULL, dj_jint(o, "org_id", 0), "flow_member", dj_jint(o, "id", 0));
        else if (dj_jbool(o, "contact_due", false))
            add(items, "flow_contact_due", dj_arena_printf(r->arena, "流动党员：本季度联系%s", name),
                dj_arena_printf(r->arena, "%s · 最近联系：%s", dj_jstr(o, "place", ""), last ? last : "无"),
                dj_jstr(o, "quarter_ends", NULL), dj_jint(o, "org_id", 0), "flow_member", dj_jint(o, "id", 0));
    }
    json_decref(rows);
    return DJ_OK;
}

/* The member's own open letter: report by its last day. */
static int own_todos(dj_req *r, json_t *items)
{
    struct tr_filter f = {.scope = "1=1", .person_id = r->user->person_id, .kind = "out", .state = "issued"};
    int rc;
    json_t *rows = tr_list(dj_db(r), &f, 5, 0, NULL, &rc);
    if (!rows)
        return rc;
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o) {
        if (dj_jbool(o, "expired", false))
            continue;
        add(items, "transfer_report", dj_arena_printf(r->arena, "持介绍信到%s报到", dj_jstr(o, "outside_org", "")),
            dj_arena_printf(r->arena, "%s · 请在有效期内报到", dj_jstr(o, "letter_no", "")), dj_jstr(o, "valid_until", NULL),
            dj_jint(o, "from_org_id", 0), "my_transfer", dj_jint(o, "id", 0));
    }
    json_decref(rows);
    return DJ_OK;
}

static int transfers_todos(dj_req *r, json_t *items)
{
    int rc = office_todos(r, items);
    if (rc == DJ_OK)
        rc = flow_todos(r, items);
    if (rc == DJ_OK && r->user->person_id)
        rc = own_todos(r, items);
    return rc;
}

static void warn(json_t *out, const char *kind, const char *level, int64_t org, const char *msg, const char *type,
                 int64_t id)
{
    json_t *o = json_pack("{s:s, s:s, s:I, s:s, s:s, s:I}", "kind", kind, "level", level, "org_id", (json_int_t)org,
                          "message", msg, "type", type, "id", (json_int_t)id);
    if (o)
        json_array_append_new(out, o);
}

json_t *tr_warnings(db_conn *c, int *err)
{
    struct tr_filter f = {.scope = "1=1", .flag = "open"};
    json_t *rows = tr_list(c, &f, 200, 0, NULL, err);
    if (!rows)
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *o;
    char msg[400];
    json_array_foreach(rows, i, o) {
        bool expired = dj_jbool(o, "expired", false), overdue = dj_jbool(o, "receipt_overdue", false);
        if (!expired && !overdue)
            continue;
        snprintf(msg, sizeof msg, "%s：%s的介绍信（%s，转往%s）%s", dj_jstr(o, "from_org_name", ""),
                 dj_jstr(o, "person_name", ""), dj_jstr(o, "letter_no", ""), dj_jstr(o, "outside_org", ""),
                 expired ? "已过期，请续开或撤回" : "开具已超过三个月，回执逾期未回");
        warn(out, expired ? "transfer_expired" : "transfer_receipt_overdue", "danger", dj_jint(o, "from_org_id", 0), msg,
             "transfer", dj_jint(o, "id", 0));
    }
    json_decref(rows);
    if (!(rows = tr_flow_list(c, "1=1", NULL, false, err))) {
        json_decref(out);
        return NULL;
    }
    json_array_foreach(rows, i, o) {
        if (!dj_jbool(o, "lost_contact", false))
            continue;
        const char *last = dj_jstr(o, "last_contact", NULL);
        snprintf(msg, sizeof msg, "%s：流动党员%s（%s）超过六个月没有联系记录（最近联系：%s），由支部研究是否启动停止党籍程序",
                 dj_jstr(o, "org_name", ""), dj_jstr(o, "person_name", ""), dj_jstr(o, "place", ""), last ? last : "无");
        warn(out, "flow_lost_contact", "warning", dj_jint(o, "org_id", 0), msg, "flow_member", dj_jint(o, "id", 0));
    }
    json_decref(rows);
    return out;
}

void transfers_todos_register(void)
{
    dj_todo_register("transfers", transfers_todos);
}
