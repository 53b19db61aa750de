/* lists_api.c - HTTP handlers of work lists: lists, items, the timeline,
 * 销号 and cancelling, inspections and the CSV import.  The quarterly report's
 * handlers are in lists_report_api.c, the access rules in lists_access.c.  Who may do what:
 *   list.read      read lists and items of an org's subtree (leaders, secretaries for their branch)
 *   list.write     keep lists (the committee); list.supervise: the 监督责任清单 (discipline)
 *   list.verify    the final check (销号)
 *   item.update    post progress on items the org owns (secretaries, officers)
 *   item.respond   post progress on items one is personally responsible for (members)
 *   inspection.write  record inspections of branches (the committee) */
#include <stdlib.h>
#include <string.h>

#include "../core/auth.h"
#include "../core/err.h"
#include "../core/json.h"
#include "../core/readcache.h"
#include "../core/timeutil.h"
#include "lists.h"
#include "lists_api.h"

const struct dj_scope_kind lists_scope_kinds[] = {
    {"list", "清单", "SELECT o.path FROM lists l JOIN orgs o ON o.id = l.org_id WHERE l.id = $1"},
    {"inspection", "检查记录", "SELECT o.path FROM inspections i JOIN orgs o ON o.id = i.org_id WHERE i.id = $1"},
    {0},
};

/* ---------------------------------------------------------------- lists */

static const char *const kinds_spec[] = {"model_organ", "rectification", "concerns", "responsibility", "custom",
                                         NULL};
static const char *const subkinds_spec[] = {"principal", "supervision", NULL};

static int str_array_ok(dj_req *r, const json_t *a, const char *field, const char *label, size_t max_n,
                        size_t max_len)
{
    if (!a || json_is_null(a))
        return DJ_OK;
    if (json_array_size(a) > max_n)
        return dj_fail(r, DJ_EINVAL, field, "“%s”最多 %zu 项", label, max_n);
    size_t k;
    json_t *v;
    json_array_foreach(a, k, v) {
        if (!json_is_string(v) || lists_blank(json_string_value(v)) ||
            dj_utf8_len(json_string_value(v)) > max_len)
            return dj_fail(r, DJ_EINVAL, field, "“%s”的每一项都应是不超过 %zu 个字的非空文字", label, max_len);
    }
    return DJ_OK;
}

static json_t *lists_make(dj_req *r, void *arg, int *rc)
{
    struct lists_viewer v;
    lists_viewer_of(r, &v);
    json_t *rows = lists_store_lists(dj_db(r), &v, arg, rc);
    if (!rows)
        return NULL;
    size_t k;
    json_t *l;
    json_array_foreach(rows, k, l) json_object_set_new(l, "can_write", json_boolean(lists_can_write(r, l)));
    struct dj_page pg = {.limit = 500, .offset = 0};
    return dj_page_result(&pg, rows, (int64_t)json_array_size(rows));
}

/* GET /api/v1/lists : the lists the caller may see, with whether they may
 * write each; kept for the caller (and their grants) until a list, an item or
 * an org is written. */
static int lists_list(dj_req *r)
{
    const char *kind = dj_query(r, "kind");
    if (kind && !*kind)
        kind = NULL;
    bool ok = !kind;
    for (int k = 0; kind && lists_kinds[k]; k++)
        ok = ok || strcmp(kind, lists_kinds[k]) == 0;
    if (!ok)
        return dj_fail(r, DJ_EINVAL, "kind", "清单类型应为模范机关创建、整改、三心事、责任清单或自定义清单之一");
    char what[64];
    snprintf(what, sizeof what, "lists %s", kind ? kind : "");
    return dj_reply_user_kept(r, what, DJ_RCACHE_USER_TTL_MS, lists_make, (void *)kind);
}

static int lists_create(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"kind", "清单类型", DJ_J_STR, DJ_J_REQ, 1, 32, kinds_spec},
        {"subkind", "责任清单类别", DJ_J_STR, DJ_J_NULL, 1, 32, subkinds_spec},
        {"title", "清单名称", DJ_J_STR, DJ_J_REQ, 1, 100, NULL},
        {"year", "年度", DJ_J_INT, 0, 2000, 2100, NULL},
        {"description", "说明", DJ_J_STR, DJ_J_NULL, 0, 2000, NULL},
        {"categories", "类别", DJ_J_ARR, 0, 0, 0, NULL},
        {"org_id", "所属组织", DJ_J_ID, 0, DJ_SCOPE("org", "list.read")},
        {NULL},
    };
    json_t *in;
    int rc = dj_body_json(r, spec, &in);
    if (rc)
        return rc;
    const char *kind = dj_jstr(in, "kind", "");
    const char *sub = dj_jstr(in, "subkind", NULL);
    if (lists_blank(dj_jstr(in, "title", ""))) {
        rc = dj_fail(r, DJ_EINVAL, "title", "清单名称不能为空");
        goto out;
    }
    if (strcmp(kind, "responsibility") == 0 && !sub) {
        rc = dj_fail(r, DJ_EINVAL, "subkind", "责任清单须指明是主体责任清单（principal）还是监督责任清单（supervision）");
        goto out;
    }
    if (strcmp(kind, "responsibility") != 0 && sub) {
        rc = dj_fail(r, DJ_EINVAL, "subkind", "只有责任清单有“责任清单类别”");
        goto out;
    }
    if ((rc = str_array_ok(r, json_object_get(in, "categories"), "categories", "类别", 50, 50)))
        goto out;
    const char *perm = sub && strcmp(sub, "supervision") == 0 ? "list.supervise" : "list.write";
    int64_t org = dj_jint(in, "org_id", 0);
    /* by default the list belongs to the org where the caller keeps lists */
    for (int i = 0; !org && r->user && i < r->user->ngrants; i++)
        if (auth_role_has(r->user->grants[i].role, perm))
            org = r->user->grants[i].org_id;
    if (!org) {
        rc = dj_fail(r, DJ_EFORBIDDEN, NULL, "没有权限建立该类清单");
        goto out;
    }
    if ((rc = auth_require(r, perm, org)))
        goto out;
    db_conn *c = dj_db(r);
    int64_t id = 0;
    if ((rc = db_begin(c)))
        goto out;
    rc = lists_store_list_create(c, r, in, org, &id);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if (rc == DJ_OK) {
        int err = 0;
        json_t *l = lists_store_list_get(c, id, &err);
        json_object_del(l, "org_path");
        rc = l ? dj_reply_json(r, 201, l) : err;
    }
out:
    json_decref(in);
    return rc;
}

static int lists_get(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    json_t *l;
    if ((rc = lists_load_visible(r, id, &l)))
        return rc;
    /* the counts the caller may see */
    struct lists_viewer v;
    lists_viewer_of(r, &v);
    int err = 0;
    json_t *all = lists_store_lists(dj_db(r), &v, NULL, &err);
    size_t k;
    json_t *x;
    json_array_foreach(all, k, x) if (dj_jint(x, "id", 0) == id) {
        json_object_set(l, "counts", json_object_get(x, "counts"));
        json_object_set(l, "total", json_object_get(x, "total"));
    }
    json_decref(all);
    json_object_set_new(l, "can_write", json_boolean(lists_can_write(r, l)));
    json_object_set_new(l, "can_verify",
                        json_boolean(auth_can(r, "list.verify", dj_jint(l, "org_id", 0)) ||
                                     (strcmp(dj_jstr(l, "write_perm", ""), "list.supervise") == 0 &&
                                      auth_can(r, "list.supervise", dj_jint(l, "org_id", 0)))));
    return dj_reply_json(r, 200, l);
}

static int lists_patch(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"title", "清单名称", DJ_J_STR, 0, 1, 100, NULL},
        {"year", "年度", DJ_J_INT, 0, 2000, 2100, NULL},
        {"description", "说明", DJ_J_STR, DJ_J_NULL, 0, 2000, NULL},
        {"categories", "类别", DJ_J_ARR, 0, 0, 0, NULL},
        {"archived", "归档", DJ_J_BOOL, 0, 0, 0, NULL},
        {NULL},
    };
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    json_t *l = NULL, *in = NULL;
    if ((rc = lists_load_visible(r, id, &l)))
        return rc;
    if (!lists_can_write(r, l)) {
        rc = dj_fail(r, DJ_EFORBIDDEN, NULL, "没有权限修改该清单");
        goto out;
    }
    if ((rc = dj_body_json(r, spec, &in)))
        goto out;
    if (dj_jhas(in, "title") && lists_blank(dj_jstr(in, "title", ""))) {
        rc = dj_fail(r, DJ_EINVAL, "title", "清单名称不能为空");
        goto out;
    }
    if ((rc = str_array_ok(r, json_object_get(in, "categories"), "categories", "类别", 50, 50)))
        goto out;
    db_conn *c = dj_db(r);
    if ((rc = db_begin(c)))
        goto out;
    rc = lists_store_list_patch(c, r, id, in);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if (rc == DJ_OK)
        rc = lists_get(r);
out:
    json_decref(l);
    json_decref(in);
    return rc;
}

/* ---------------------------------------------------------------- items */

static int parse_filter(dj_req *r, struct lists_item_filter *f)
{
    memset(f, 0, sizeof *f);
    f->status = -1;
    f->due_within = -1;
    int rc;
    const char *s;
    if ((s = dj_query(r, "status")) && *s && (f->status = lists_status_parse(s)) < 0)
        return dj_fail(r, DJ_EINVAL, "status", "状态应为未开始、进行中、已完成、已逾期或已取消之一");
    if ((s = dj_query(r, "category")) && *s)
        f->category = s;
    /* each id names something the caller must be able to reach, not only a filter */
    const char *pid = dj_query(r, "person_id");
    bool self = pid && r->user && r->user->person_id && strtoll(pid, NULL, 10) == r->user->person_id;
    if ((rc = dj_query_ref(r, "org_id", "org", "list.read", &f->org_id)) ||
        (self ? (f->person_id = r->user->person_id, 0) : (rc = dj_query_ref(r, "person_id", "person", "list.read", &f->person_id))) ||
        (rc = dj_query_ref(r, "inspection_id", "inspection", "list.read", &f->inspection_id)) ||
        (rc = dj_query_int(r, "list_id", 0, 0, INT64_MAX, &f->list_id)) ||
        (rc = dj_query_int(r, "due_within", -1, -1, 3660, &f->due_within)))
        return rc;
    json_t *visible = NULL;
    if (f->list_id && (rc = lists_load_visible(r, f->list_id, &visible)))
        return rc;
    json_decref(visible);
    int64_t mine = 0;
    if ((rc = dj_query_int(r, "mine", 0, 0, 1, &mine)))
        return rc;
    f->mine = mine == 1;
    static const char *const dates[] = {"due_from", "due_to"};
    for (int k = 0; k < 2; k++)
        if ((s = dj_query(r, dates[k])) && *s) {
            if (lists_day_parse(s) < 0)
                return dj_fail(r, DJ_EINVAL, dates[k], "参数“%s”应为 YYYY-MM-DD 格式的日期", dates[k]);
            *(k ? &f->due_to : &f->due_from) = s;
        }
    if ((s = dj_query(r, "q")) && *s) {
        if (dj_utf8_len(s) > 50)
            return dj_fail(r, DJ_EINVAL, "q", "搜索词不能超过 50 个字");
        f->q = s;
    }
    if ((s = dj_query(r, "sort")) && *s) {
        if (strcmp(s, "due") != 0 && strcmp(s, "seq") != 0)
            return dj_fail(r, DJ_EINVAL, "sort", "排序只能按完成时限或序号");
        f->sort = s;
    }
    return DJ_OK;
}

struct items_args {
    struct lists_item_filter *f;
    struct dj_page pg;
};

static json_t *items_make(dj_req *r, void *arg, int *rc)
{
    struct items_args *a = arg;
    struct lists_viewer v;
    lists_viewer_of(r, &v);
    int64_t total = 0;
    json_t *rows = lists_store_items(dj_db(r), &v, a->f, a->pg.limit, a->pg.offset, &total, rc);
    if (!rows)
        return NULL;
    size_t k;
    json_t *it;
    json_array_foreach(rows, k, it) lists_item_public(it);
    return dj_page_result(&a->pg, rows, total);
}

/* Appends a text of the key, unambiguous whatever it holds: its length, then itself. */
static void key_text(dj_buf *b, const char *s)
{
    dj_buf_printf(b, " %zu:%s", s ? strlen(s) : 0, s ? s : "");
}

/* A page of items, kept for the caller (and their grants) under everything the
 * filter holds, until an item, a list or an org is written. */
static int items_page(dj_req *r, struct lists_item_filter *f)
{
    struct items_args a = {f, {0}};
    int rc = dj_page_parse(r, &a.pg);
    if (rc)
        return rc;
    dj_buf what = {0};
    dj_buf_printf(&what, "items %lld %d %lld %lld %lld %d %lld %lld %lld", (long long)f->list_id, f->status,
                  (long long)f->org_id, (long long)f->person_id, (long long)f->due_within, f->mine,
                  (long long)f->inspection_id, (long long)a.pg.limit, (long long)a.pg.offset);
    const char *texts[] = {f->category, f->due_from, f->due_to, f->q, f->sort};
    for (size_t k = 0; k < sizeof texts / sizeof *texts; k++)
        key_text(&what, texts[k]);
    char *key = dj_buf_cstr(&what);
    rc = dj_reply_user_kept(r, key, DJ_RCACHE_USER_TTL_MS, items_make, &a);
    free(key);
    return rc;
}

static int list_items(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    json_t *l;
    if ((rc = lists_load_visible(r, id, &l)))
        return rc;
    json_decref(l);
    struct lists_item_filter f;
    if ((rc = parse_filter(r, &f)))
        return rc;
    f.list_id = id;
    return items_page(r, &f);
}

static int items_search(dj_req *r)
{
    struct lists_item_filter f;
    int rc = parse_filter(r, &f);
    return rc ? rc : items_page(r, &f);
}

static const char *const actions_spec[] = {"mandated", "chosen", NULL};
static const char *const states_spec[] = {"not_started", "in_progress", "done", "overdue", "cancelled", NULL};

#define ITEM_FIELDS(REQ)                                                                                  \
    {"title", "事项名称", DJ_J_STR, REQ, 1, 200, NULL},                                                    \
    {"category", "类别", DJ_J_STR, REQ, 1, 50, NULL},                                                      \
    {"description", "具体内容", DJ_J_STR, DJ_J_NULL, 0, 4000, NULL},                                       \
    {"action_type", "动作类型", DJ_J_STR, 0, 1, 16, actions_spec},                                         \
    {"source", "问题来源", DJ_J_STR, DJ_J_NULL, 1, 32, lists_sources},                                     \
    {"source_detail", "来源说明", DJ_J_STR, DJ_J_NULL, 0, 200, NULL},                                      \
    {"org_id", "责任单位", DJ_J_ID, 0, DJ_SCOPE("org", "list.read")},                                      \
    {"owners", "责任人", DJ_J_IDS, 0, 0, 50, NULL, DJ_SCOPE("person", "list.read")},                       \
    {"co_owners", "协同责任人", DJ_J_IDS, 0, 0, 50, NULL, DJ_SCOPE("person", "list.read")},                \
    {"co_orgs", "协同单位", DJ_J_IDS, 0, 0, 50, NULL, DJ_SCOPE("org", "list.read")},                       \
    {"start_on", "开始日期", DJ_J_DATE, DJ_J_NULL, 0, 0, NULL},                                            \
    {"due_on", "完成时限", DJ_J_DATE, DJ_J_NULL, 0, 0, NULL},                                              \
    {"outcome", "成效", DJ_J_STR, DJ_J_NULL, 0, 4000, NULL}

/* Checks what the spec cannot: blank text, the 五型, references, dates. */
static int item_input_check(dj_req *r, const json_t *in, const json_t *list, const json_t *before)
{
    if (dj_jhas(in, "title") && lists_blank(dj_jstr(in, "title", "")))
        return dj_fail(r, DJ_EINVAL, "title", "事项名称不能为空");
    if (dj_jhas(in, "category") && lists_blank(dj_jstr(in, "category", "")))
        return dj_fail(r, DJ_EINVAL, "category", "类别不能为空");
    if (dj_jhas(in, "category") && strcmp(dj_jstr(list, "kind", ""), "model_organ") == 0) {
        bool ok = false;
        for (int k = 0; lists_five_types[k]; k++)
            ok = ok || strcmp(lists_five_types[k], dj_jstr(in, "category", "")) == 0;
        if (!ok)
            return dj_fail(r, DJ_EINVAL, "category", "模范机关创建清单的类别应为政治型、学习型、效能型、担当型或纪律型");
    }
    /* dates: the effective pair after the change */
    json_t *eff = json_pack("{s:s?, s:s?}", "start_on",
                            dj_jhas(in, "start_on") ? dj_jstr(in, "start_on", NULL)
                                                    : (before ? dj_jstr(before, "start_on", NULL) : NULL),
                            "due_on",
                            dj_jhas(in, "due_on") ? dj_jstr(in, "due_on", NULL)
                                                  : (before ? dj_jstr(before, "due_on", NULL) : NULL));
    json_t *chk = json_deep_copy(in);
    json_object_update(chk, eff);
    json_decref(eff);
    const char *field = NULL;
    char msg[200];
    int rc = lists_store_item_check(dj_db(r), chk, &field, msg, sizeof msg);
    json_decref(chk);
    if (rc == DJ_EINVAL)
        return dj_fail(r, rc, field, "%s", msg);
    return rc;
}

const struct dj_jfield lists_item_new_spec[] = {
    ITEM_FIELDS(DJ_J_REQ),
    {"progress", "进度", DJ_J_INT, 0, 0, 100, NULL},
    {NULL},
};

static int item_create(dj_req *r)
{
    const struct dj_jfield *spec = lists_item_new_spec;
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    json_t *l = NULL, *in = NULL;
    if ((rc = lists_load_visible(r, id, &l)))
        return rc;
    if (!lists_can_write(r, l)) {
        rc = dj_fail(r, DJ_EFORBIDDEN, NULL, "没有权限在该清单中添加事项");
        goto out;
    }
    if ((rc = dj_body_json(r, spec, &in)) || (rc = item_input_check(r, in, l, NULL)))
        goto out;
    db_conn *c = dj_db(r);
    int64_t iid = 0;
    if ((rc = db_begin(c)))
        goto out;
    rc = lists_store_item_create(c, r, id, in, &iid);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if (rc == DJ_OK) {
        json_t *it;
        if ((rc = lists_load_item(r, iid, true, &it)) == DJ_OK)
            rc = dj_reply_json(r, 201, lists_item_public(it));
    }
out:
    json_decref(l);
    json_decref(in);
    return rc;
}

static int item_get(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    json_t *it;
    if ((rc = lists_load_item(r, id, true, &it)))
        return rc;
    lists_item_permissions(r, it);
    return dj_reply_json(r, 200, lists_item_public(it));
}

static int item_patch(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        ITEM_FIELDS(0),
        {"state", "状态", DJ_J_STR, 0, 1, 16, states_spec},
        {"cancel_reason", "取消原因", DJ_J_STR, 0, 0, 500, NULL},
        {NULL},
    };
    int64_t id;
    json_t *it, *in;
    int rc = lists_item_write_in(r, lists_may_write_list, "没有权限修改该事项（进展请通过“报告进展”提交）", spec, &id, &it, &in);
    if (rc)
        return rc;
    json_t *list = json_pack("{s:s}", "kind", dj_jstr(it, "list_kind", ""));
    rc = item_input_check(r, in, list, it);
    json_decref(list);
    if (rc)
        goto out;
    db_conn *c = dj_db(r);
    if ((rc = db_begin(c)))
        goto out;
    /* the state as it is now, under the write lock */
    int err = 0;
    json_t *cur = lists_store_item_get(c, id, false, &err);
    rc = cur ? DJ_OK : err;
    if (rc == DJ_OK && (dj_jhas(in, "state") || dj_jhas(in, "cancel_reason"))) {
        const char *why = NULL;
        int st = lists_state_parse(dj_jstr(cur, "state", "not_started"));
        rc = lists_transition_check((enum lists_state)(st < 0 ? 0 : st), dj_jstr(in, "state", NULL),
                                    dj_jstr(in, "cancel_reason", NULL), !json_is_null(json_object_get(cur, "submitted_on")),
                                    &why);
        if (rc)
            dj_fail(r, rc, dj_jhas(in, "state") && strcmp(dj_jstr(in, "state", ""), "cancelled") == 0 &&
                               rc == DJ_EINVAL ? "cancel_reason" : "state", "%s", why);
        else if (dj_jhas(in, "cancel_reason") && strcmp(dj_jstr(in, "state", ""), "cancelled") != 0)
            rc = dj_fail(r, DJ_EINVAL, "cancel_reason", "只有取消事项时才填写取消原因");
    } else if (rc == DJ_OK) {
        const char *st = dj_jstr(cur, "state", "");
        if (strcmp(st, "done") == 0 || strcmp(st, "cancelled") == 0)
            rc = dj_fail(r, DJ_ECONFLICT, NULL, "该事项已%s，不能再修改", strcmp(st, "done") == 0 ? "销号" : "取消");
    }
    json_decref(cur);
    if (rc == DJ_OK)
        rc = lists_store_item_patch(c, r, id, in);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if (rc == DJ_OK)
        rc = item_get(r);
out:
    json_decref(it);
    json_decref(in);
    return rc;
}

static int evidence_ok(dj_req *r, const json_t *ev)
{
    if (!ev || json_is_null(ev))
        return DJ_OK;
    if (!json_is_array(ev) || json_array_size(ev) > 10)
        return dj_fail(r, DJ_EINVAL, "evidence", "佐证材料最多 10 项");
    size_t k;
    json_t *e;
    json_array_foreach(ev, k, e) {
        const char *fid = json_string_value(json_object_get(e, "file_id"));
        if (json_is_object(e) && fid && json_object_size(e) <= 2 && strlen(fid) <= 64)
            continue; /* an uploaded file; whether the caller may use it is checked when it is linked */
        const char *name = json_string_value(json_object_get(e, "name"));
        const char *url = json_string_value(json_object_get(e, "url"));
        if (!json_is_object(e) || json_object_size(e) > 2 || !name || lists_blank(name) ||
            dj_utf8_len(name) > 200 || (json_object_get(e, "url") && !url) || (url && strlen(url) > 500))
            return dj_fail(r, DJ_EINVAL, "evidence",
                           "每项佐证材料应为 {\"file_id\":\"上传的文件\"} 或 {\"name\":\"名称\",\"url\":\"链接\"}，名称不超过 200 字");
        if (url && strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0 && url[0] != '/')
            return dj_fail(r, DJ_EINVAL, "evidence", "佐证材料的链接应以 http://、https:// 或 / 开头");
    }
    return DJ_OK;
}

static int item_update_add(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"body", "进展情况", DJ_J_STR, DJ_J_REQ, 1, 2000, NULL},
        {"on_date", "日期", DJ_J_DATE, 0, 0, 0, NULL},
        {"progress", "进度", DJ_J_INT, 0, 0, 100, NULL},
        {"evidence", "佐证材料", DJ_J_ARR, 0, 0, 0, NULL},
        {"client_key", "提交编号", DJ_J_STR, 0, 8, 64, NULL},
        {NULL},
    };
    int64_t id;
    json_t *it, *in;
    int rc = lists_item_write_in(r, lists_may_report, "只有责任单位或责任人可以报告该事项的进展", spec, &id, &it, &in);
    if (rc)
        return rc;
    if (lists_blank(dj_jstr(in, "body", ""))) {
        rc = dj_fail(r, DJ_EINVAL, "body", "进展情况不能为空");
        goto out;
    }
    if ((rc = evidence_ok(r, json_object_get(in, "evidence"))))
        goto out;
    lists_day on = lists_day_parse(dj_jstr(in, "on_date", NULL));
    if (on >= 0 && on > lists_today()) {
        rc = dj_fail(r, DJ_EINVAL, "on_date", "进展日期不能晚于今天");
        goto out;
    }
    db_conn *c = dj_db(r);
    if ((rc = db_begin(c)))
        goto out;
    int err = 0;
    json_t *cur = lists_store_item_state(c, id, &err);
    rc = cur ? DJ_OK : err;
    int64_t uid = 0;
    bool dup = false;
    if (rc == DJ_OK) {
        const char *st = dj_jstr(cur, "state", "");
        bool closed = strcmp(st, "done") == 0 || strcmp(st, "cancelled") == 0;
        /* a replay of an update that was accepted is answered as before, even after closing */
        rc = lists_store_update_add(c, r, id, in, &uid, &dup);
        if (rc == DJ_OK && closed && !dup)
            rc = dj_fail(r, DJ_ECONFLICT, NULL, "该事项已%s，不能再报告进展", strcmp(st, "done") == 0 ? "销号" : "取消");
    }
    json_decref(cur);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if (rc == DJ_OK) {
        json_t *item;
        if ((rc = lists_load_item(r, id, true, &item)) == DJ_OK) {
            lists_item_permissions(r, item);
            rc = dj_reply_json(r, dup ? 200 : 201,
                               json_pack("{s:I, s:b, s:o}", "id", (json_int_t)uid, "duplicate", dup, "item",
                                         lists_item_public(item)));
        }
    }
out:
    json_decref(it);
    json_decref(in);
    return rc;
}

static int item_verify(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"approved", "是否同意销号", DJ_J_BOOL, 0, 0, 0, NULL},
        {"note", "审核意见", DJ_J_STR, 0, 0, 1000, NULL},
        {NULL},
    };
    int64_t id;
    json_t *it, *in;
    int rc = lists_item_write_in(r, lists_may_verify, "只有机关党委可以销号", spec, &id, &it, &in);
    if (rc)
        return rc;
    bool approve = dj_jbool(in, "approved", true);
    const char *note = dj_jstr(in, "note", NULL);
    if (!approve && lists_blank(note)) {
        rc = dj_fail(r, DJ_EINVAL, "note", "退回时须填写审核意见，说明还需做什么");
        goto out;
    }
    db_conn *c = dj_db(r);
    if ((rc = db_begin(c)))
        goto out;
    int err = 0;
    json_t *cur = lists_store_item_state(c, id, &err);
    rc = cur ? DJ_OK : err;
    if (rc == DJ_OK) {
        const char *why = NULL;
        int st = lists_state_parse(dj_jstr(cur, "state", ""));
        rc = lists_verify_check((enum lists_state)(st < 0 ? 0 : st), !json_is_null(json_object_get(cur, "submitted_on")),
                                &why);
        if (rc)
            dj_fail(r, rc, NULL, "%s", approve ? why : (st == LISTS_DONE || st == LISTS_CANCELLED ? why : "责任人尚未报告完成，无需退回"));
    }
    json_decref(cur);
    if (rc == DJ_OK)
        rc = lists_store_verify(c, r, id, approve, note);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if (rc == DJ_OK)
        rc = item_get(r);
out:
    json_decref(it);
    json_decref(in);
    return rc;
}

static int item_cancel(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"reason", "取消原因", DJ_J_STR, DJ_J_REQ, 0, 500, NULL},
        {NULL},
    };
    int64_t id;
    json_t *it, *in;
    int rc = lists_item_write_in(r, lists_may_write_list, "没有权限取消该事项", spec, &id, &it, &in);
    if (rc)
        return rc;
    db_conn *c = dj_db(r);
    if ((rc = db_begin(c)))
        goto out;
    int err = 0;
    json_t *cur = lists_store_item_state(c, id, &err);
    rc = cur ? DJ_OK : err;
    if (rc == DJ_OK) {
        const char *why = NULL;
        int st = lists_state_parse(dj_jstr(cur, "state", ""));
        rc = lists_transition_check((enum lists_state)(st < 0 ? 0 : st), "cancelled", dj_jstr(in, "reason", NULL), false,
                                    &why);
        if (rc)
            dj_fail(r, rc, rc == DJ_EINVAL ? "reason" : NULL, "%s", why);
    }
    json_decref(cur);
    if (rc == DJ_OK)
        rc = lists_store_cancel(c, r, id, dj_jstr(in, "reason", ""));
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if (rc == DJ_OK)
        rc = item_get(r);
out:
    json_decref(it);
    json_decref(in);
    return rc;
}

const struct dj_route lists_routes[] = {
    {"GET", "/api/v1/lists", lists_list, NULL, 0, 0},
    {"POST", "/api/v1/lists", lists_create, NULL, 0, 0},
    {"GET", "/api/v1/lists/report", lists_report_all, "list.read", 0, 0},
    {"GET", "/api/v1/lists/:id", lists_get, NULL, 0, 0},
    {"PATCH", "/api/v1/lists/:id", lists_patch, NULL, 0, 0},
    {"GET", "/api/v1/lists/:id/items", list_items, NULL, 0, 0},
    {"POST", "/api/v1/lists/:id/items", item_create, NULL, 0, 0},
    {"POST", "/api/v1/lists/:id/import", lists_import, NULL, DJ_ROUTE_ANY_BODY, 8u << 20},
    {"GET", "/api/v1/lists/:id/report", lists_report_one, NULL, 0, 0},
    {"GET", "/api/v1/items", items_search, NULL, 0, 0},
    {"GET", "/api/v1/items/:id", item_get, NULL, 0, 0},
    {"PATCH", "/api/v1/items/:id", item_patch, NULL, 0, 0},
    {"POST", "/api/v1/items/:id/updates", item_update_add, NULL, 0, 0},
    {"POST", "/api/v1/items/:id/verify", item_verify, NULL, 0, 0},
    {"POST", "/api/v1/items/:id/cancel", item_cancel, NULL, 0, 0},
    {"GET", "/api/v1/inspections", inspections_list, "list.read", 0, 0},
    {"POST", "/api/v1/inspections", inspection_create, "inspection.write", 0, 0},
    {"GET", "/api/v1/inspections/:id", inspection_get, "list.read", 0, 0},
    {0},
};

