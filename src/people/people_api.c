/* people_api.c - HTTP handlers of the roster: list, read, create, change,
 * public profiles, a branch's members, import and export.  Phone and birth
 * date are shown to the person, to holders of person.private on their
 * organisation (their branch's officers, the committee), masked otherwise. */
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/files.h"
#include "../core/auth.h"
#include "../core/err.h"
#include "../core/readcache.h"
#include "../core/scope.h"
#include "people.h"

static const char *const genders[] = {"male", "female", NULL};

static int64_t me(dj_req *r) { return r->user ? r->user->person_id : 0; }

/* Fills the scope part of a filter from the caller's grants. */
static void scope_filter(dj_req *r, struct people_filter *f)
{
    f->read_scope = auth_scope_sql(r, "person.read", PEOPLE_PATH_EXPR);
    f->read_scope_mass = auth_scope_sql(r, "person.read", "mo.path");
    f->private_scope = auth_scope_sql(r, "person.private", PEOPLE_PATH_EXPR);
    f->me = me(r);
}

/* The list's and the export's filters from the query string. */
static int parse_filter(dj_req *r, struct people_filter *f)
{
    memset(f, 0, sizeof *f);
    scope_filter(r, f);
    f->q = dj_query(r, "q");
    f->status = dj_query(r, "status");
    if (f->status && *f->status) {
        bool ok = false;
        for (int i = 0; people_statuses[i]; i++)
            ok = ok || strcmp(f->status, people_statuses[i]) == 0;
        if (!ok)
            return dj_fail(r, DJ_EINVAL, "status", "党员类别“%s”无效", f->status);
    }
    f->sort = dj_query(r, "sort");
    if (f->sort && *f->sort) {
        bool ok = false;
        for (int i = 0; people_sorts[i]; i++)
            ok = ok || strcmp(f->sort, people_sorts[i]) == 0;
        if (!ok)
            return dj_fail(r, DJ_EINVAL, "sort", "排序方式“%s”无效，可用 name、joined_on、id（前加 - 为倒序）", f->sort);
    }
    const char *active = dj_query(r, "active");
    f->active = !active || !*active ? 1 : !strcmp(active, "all") ? -1 : !strcmp(active, "0") ? 0 : 1;
    const char *org = dj_query(r, "org");
    if (org && *org) {
        int64_t id;
        int rc = dj_query_int(r, "org", 0, 1, INT64_MAX, &id);
        if (rc)
            return rc;
        if ((rc = auth_require(r, "person.read", id)))
            return rc;
        char *path = NULL;
        if ((rc = auth_org_path(dj_db(r), id, &path)))
            return rc;
        f->org_path = dj_arena_strdup(r->arena, path);
        free(path);
    }
    return DJ_OK;
}

/* A read of someone else's private data (phone, birth date unmasked), or an
 * export of the roster, is itself a record: who looked at whom. */
static int audit_private_read(dj_req *r, const char *action, int64_t id, json_t *what)
{
    int rc = audit_write(dj_db(r), r, action, "person", id, NULL, what);
    json_decref(what);
    return rc;
}

static int people_index(dj_req *r)
{
    struct dj_page pg = {0};
    struct people_filter f;
    struct people_cursor after = {0};
    int rc = parse_filter(r, &f);
    if (rc)
        return rc;
    const char *cursor = dj_query(r, "cursor");
    if (cursor && cursor[0] == 'k') { /* the default order's keyset cursor (people_page.c) */
        if (!people_cursor_parse(cursor, &after) || (f.sort && *f.sort) || (f.org_path && *f.org_path))
            return dj_fail(r, DJ_EINVAL, "cursor", "参数“cursor”无效，请使用上一页返回的 next 值");
        if ((rc = dj_query_int(r, "limit", 50, 1, 500, &pg.limit)))
            return rc;
    } else if ((rc = dj_page_parse(r, &pg))) {
        return rc;
    }
    /* the page is written straight from the rows (no tree of objects), or is the
     * same page written for someone with the same scopes, sent as it is kept */
    dj_blob *page = NULL;
    int64_t rows = 0;
    if ((rc = people_page_text(dj_db(r), &f, pg.limit, pg.offset, &after, &page, &rows)))
        return rc;
    /* a page that shows others' phones and birth dates unmasked is on the record:
     * answered once the record is written */
    if (strcmp(f.private_scope, "(1=0)") != 0) {
        json_t *what = json_pack("{s:s?, s:s?, s:s?, s:I, s:I}", "q", f.q, "status", f.status, "org",
                                 dj_query(r, "org"), "offset", (json_int_t)pg.offset, "rows", (json_int_t)rows);
        return audit_read_reply_blob(r, "read_private", "person", 0, what, page);
    }
    return dj_reply_blob(r, 200, "application/json; charset=utf-8", page);
}

/* May the caller read person id? *show_private says whether unmasked. */
static int can_read(dj_req *r, int64_t id, bool *show_private)
{
    int64_t org = 0;
    int rc = people_scope_org(dj_db(r), id, &org);
    if (rc == DJ_ENOTFOUND)
        return dj_fail(r, rc, "id", "找不到该人员");
    if (rc)
        return rc;
    *show_private = id == me(r) || auth_can(r, "person.private", org);
    if (id == me(r) || auth_can(r, "person.read", org))
        return DJ_OK;
    /* union, women's and youth officers read their own members */
    json_t *p = people_get(dj_db(r), id, false, &rc);
    bool ok = false;
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(p, "mass_orgs"), i, m) ok = ok || auth_can(r, "person.read", dj_jint(m, "id", 0));
    json_decref(p);
    return ok ? DJ_OK : dj_fail(r, DJ_EFORBIDDEN, "id", "无权查看该人员");
}

static json_t *self_make(dj_req *r, void *arg, int *rc)
{
    json_t *p = people_get(dj_db(r), *(int64_t *)arg, true, rc);
    if (!p && *rc == DJ_ENOTFOUND)
        *rc = dj_fail(r, DJ_ENOTFOUND, "id", "找不到该人员");
    return p;
}

/* GET /api/v1/people/:id : one person, to whoever may read them; a member's own
 * record (我的) is kept for them until a table it was read from is written. */
static int people_show(dj_req *r)
{
    int64_t id;
    bool priv = false;
    int rc = dj_param_id(r, "id", &id);
    if (rc == DJ_OK && id == me(r))
        return dj_reply_user_kept(r, "people.self", DJ_RCACHE_USER_TTL_MS, self_make, &id);
    if (rc || (rc = can_read(r, id, &priv)))
        return rc;
    json_t *p = people_get(dj_db(r), id, priv, &rc);
    if (!p)
        return rc;
    if (priv && id != me(r))
        return audit_read_reply(r, "read_private", "person", id, json_pack("{s:s}", "fields", "phone,birth_date"), p);
    return dj_reply_json(r, 200, p);
}

static const struct dj_jfield person_spec_new[] = {
    {"name", "姓名", DJ_J_STR, DJ_J_REQ, 1, 50, NULL},
    {"gender", "性别", DJ_J_STR, DJ_J_NULL, 0, 0, genders},
    {"birth_date", "出生日期", DJ_J_DATE, DJ_J_NULL, 0, 0, NULL},
    {"ethnicity", "民族", DJ_J_STR, DJ_J_NULL, 0, 50, NULL},
    {"education", "学历", DJ_J_STR, DJ_J_NULL, 0, 50, NULL},
    {"phone", "手机号", DJ_J_STR, DJ_J_NULL, 0, 20, NULL},
    {"job_post", "职务", DJ_J_STR, DJ_J_NULL, 0, 50, NULL},
    {"job_title", "职级", DJ_J_STR, DJ_J_NULL, 0, 50, NULL},
    {"org_id", "所在支部", DJ_J_ID, DJ_J_NULL, DJ_SCOPE("org", "person.write")},
    {"party_status", "党员类别", DJ_J_STR, 0, 0, 0, people_statuses},
    {"joined_on", "入党时间", DJ_J_DATE, DJ_J_NULL, 0, 0, NULL},
    {"full_on", "转正时间", DJ_J_DATE, DJ_J_NULL, 0, 0, NULL},
    {"probation_until", "预备期满", DJ_J_DATE, DJ_J_NULL, 0, 0, NULL},
    {"pledge", "承诺", DJ_J_STR, DJ_J_NULL, 0, 500, NULL},
    {"mass_orgs", "工会/妇委会/团组织", DJ_J_IDS, 0, 0, 10, NULL, DJ_SCOPE("org", "person.write")},
    {NULL},
};

static const struct dj_jfield person_spec_change[] = {
    {"name", "姓名", DJ_J_STR, 0, 1, 50, NULL},
    {"gender", "性别", DJ_J_STR, DJ_J_NULL, 0, 0, genders},
    {"birth_date", "出生日期", DJ_J_DATE, DJ_J_NULL, 0, 0, NULL},
    {"ethnicity", "民族", DJ_J_STR, DJ_J_NULL, 0, 50, NULL},
    {"education", "学历", DJ_J_STR, DJ_J_NULL, 0, 50, NULL},
    {"phone", "手机号", DJ_J_STR, DJ_J_NULL, 0, 20, NULL},
    {"job_post", "职务", DJ_J_STR, DJ_J_NULL, 0, 50, NULL},
    {"job_title", "职级", DJ_J_STR, DJ_J_NULL, 0, 50, NULL},
    {"org_id", "所在支部", DJ_J_ID, DJ_J_NULL, DJ_SCOPE("org", "person.write")},
    {"party_status", "党员类别", DJ_J_STR, 0, 0, 0, people_statuses},
    {"joined_on", "入党时间", DJ_J_DATE, DJ_J_NULL, 0, 0, NULL},
    {"full_on", "转正时间", DJ_J_DATE, DJ_J_NULL, 0, 0, NULL},
    {"probation_until", "预备期满", DJ_J_DATE, DJ_J_NULL, 0, 0, NULL},
    {"pledge", "承诺", DJ_J_STR, DJ_J_NULL, 0, 500, NULL},
    {"observation_from", "留党察看起始日期", DJ_J_DATE, DJ_J_NULL, 0, 0, NULL},
    {"observation_until", "留党察看截止日期", DJ_J_DATE, DJ_J_NULL, 0, 0, NULL},
    {"mass_orgs", "工会/妇委会/团组织", DJ_J_IDS, 0, 0, 10, NULL, DJ_SCOPE("org", "person.write")},
    {"active", "在册", DJ_J_BOOL, 0, 0, 0, NULL},
    {NULL},
};

static int finish(dj_req *r, int rc, const struct people_err *e)
{
    if (rc != DJ_OK && e->field)
        return dj_fail(r, rc, e->field, "%s", e->message);
    return rc;
}

/* A person may be written where the caller has person.write on their org (root when none). */
static int require_write_org(dj_req *r, int64_t org)
{
    if (org == 0) {
        int rc = db_query_i64(dj_db(r), &org, "SELECT MIN(id) FROM orgs WHERE parent_id IS NULL", "");
        if (rc)
            return rc;
    }
    int rc = auth_require(r, "person.write", org);
    if (rc == DJ_ENOTFOUND)
        rc = dj_fail(r, DJ_EINVAL, "org_id", "找不到该组织");
    return rc;
}

static int people_new(dj_req *r)
{
    json_t *in;
    int rc = dj_body_json(r, person_spec_new, &in);
    if (rc)
        return rc;
    db_conn *c = dj_db(r);
    int64_t id = 0;
    struct people_err e = {0};
    if ((rc = require_write_org(r, dj_jint(in, "org_id", 0))))
        goto out;
    if ((rc = db_begin(c)))
        goto out;
    rc = people_create(c, in, &id, &e);
    json_t *after = rc == DJ_OK ? people_row(c, id, NULL) : NULL;
    if (rc == DJ_OK)
        rc = audit_write(c, r, "create", "person", id, NULL, after);
    json_decref(after);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if ((rc = finish(r, rc, &e)))
        goto out;
    json_t *p = people_get(c, id, true, &rc);
    rc = p ? dj_reply_json(r, 201, p) : rc;
out:
    json_decref(in);
    return rc;
}

/* Every union, women's or youth organisation the person now belongs to must be
 * in the caller's reach before the list may be replaced. */
static int check_mass_left(dj_req *r, int64_t id)
{
    int rc = DJ_OK;
    json_t *p = people_get(dj_db(r), id, false, &rc);
    if (!p)
        return rc;
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(p, "mass_orgs"), i, m) {
        if ((rc = dj_scope_check(r, "org", "person.write", dj_jint(m, "id", 0), "mass_orgs", "工会/妇委会/团组织")))
            break;
    }
    json_decref(p);
    return rc;
}

/* party_status, joined_on, full_on and probation_until belong to the 发展党员
 * pipeline (src/development): they change only through its steps.  A PATCH
 * that repeats the current value is fine; one that changes it is refused. */
static int pipeline_fields_unchanged(dj_req *r, int64_t id, const json_t *in)
{
    static const struct {
        const char *field, *label;
    } owned[] = {{"party_status", "党员类别"}, {"joined_on", "入党时间"}, {"full_on", "转正时间"},
                 {"probation_until", "预备期满时间"}};
    json_t *row = NULL;
    int rc = DJ_OK;
    for (size_t i = 0; rc == DJ_OK && i < sizeof owned / sizeof owned[0]; i++) {
        if (!dj_jhas(in, owned[i].field))
            continue;
        if (!row && !(row = people_row(dj_db(r), id, &rc)))
            return rc == DJ_ENOTFOUND ? dj_fail(r, rc, "id", "找不到该人员") : rc;
        const char *now = dj_jstr(row, owned[i].field, NULL), *want = dj_jstr(in, owned[i].field, NULL);
        if ((now == NULL) != (want == NULL) || (now && strcmp(now, want) != 0))
            rc = dj_fail(r, DJ_EUNPROCESSABLE, owned[i].field,
                         "“%s”由发展党员流程维护，不能在名册中直接修改；请到“发展党员”中为其办理相应步骤"
                         "（确定积极分子、发展对象，接收预备党员，转正）",
                         owned[i].label);
    }
    json_decref(row);
    return rc;
}

/* A member's branch changes only by a 组织关系转接 (src/transfers), which keeps
 * the history and tells both branches; the roster may only place someone who
 * has no branch yet, and repeat the current one. */
static int branch_unchanged(dj_req *r, int64_t id, const json_t *in)
{
    int rc;
    json_t *row = people_row(dj_db(r), id, &rc);
    if (!row)
        return rc == DJ_ENOTFOUND ? dj_fail(r, rc, "id", "找不到该人员") : rc;
    int64_t now = dj_jint(row, "org_id", 0), want = dj_jint(in, "org_id", 0);
    json_decref(row);
    if (now == 0 || now == want)
        return DJ_OK;
    return dj_fail_code(r, DJ_EUNPROCESSABLE, "use_transfer", "org_id",
                        "调整所在支部须办理组织关系转接：请到“组织关系转接”中为其办理机关内部转接");
}

static int people_change(dj_req *r)
{
    int64_t id, org = 0;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    json_t *in;
    if ((rc = dj_body_json(r, person_spec_change, &in)))
        return rc;
    db_conn *c = dj_db(r);
    struct people_err e = {0};
    if (json_object_size(in) == 0) {
        rc = dj_fail(r, DJ_EINVAL, NULL, "没有要修改的内容");
        goto out;
    }
    rc = people_scope_org(c, id, &org);
    if (rc == DJ_ENOTFOUND) {
        rc = dj_fail(r, rc, "id", "找不到该人员");
        goto out;
    }
    if (rc)
        goto out;
    /* 亮承诺: everyone keeps their own pledge */
    bool own_pledge = id == me(r) && json_object_size(in) == 1 && dj_jhas(in, "pledge");
    if (!own_pledge) {
        if ((rc = auth_require(r, "person.write", org)))
            goto out;
        if (dj_jhas(in, "org_id") && (rc = branch_unchanged(r, id, in)))
            goto out;
        if (dj_jhas(in, "org_id") && (rc = require_write_org(r, dj_jint(in, "org_id", 0))))
            goto out;
        /* the new memberships were checked with the body; leaving one is a change to it too */
        if (dj_jhas(in, "mass_orgs") && (rc = check_mass_left(r, id)))
            goto out;
    }
    /* after the scope: a caller learns nothing of a person out of reach */
    if ((rc = pipeline_fields_unchanged(r, id, in)))
        goto out;
    if ((rc = db_begin(c)))
        goto out;
    json_t *before = people_row(c, id, NULL);
    rc = people_update(c, id, in, &e);
    json_t *after = rc == DJ_OK ? people_row(c, id, NULL) : NULL;
    if (rc == DJ_OK)
        rc = audit_write(c, r, "update", "person", id, before, after);
    json_decref(before);
    json_decref(after);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if ((rc = finish(r, rc, &e)))
        goto out;
    bool priv = false;
    can_read(r, id, &priv);
    json_t *p = people_get(c, id, priv, &rc);
    rc = p ? dj_reply_json(r, 200, p) : rc;
out:
    json_decref(in);
    return rc;
}

static bool sees_profiles(dj_req *r) { return auth_has_perm(r, "person.public") || auth_has_perm(r, "person.read"); }

static int people_public(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    if (!sees_profiles(r))
        return dj_fail(r, DJ_EFORBIDDEN, NULL, "无权查看党员公开信息");
    json_t *p = people_profile(dj_db(r), id, &rc);
    if (!p)
        return rc == DJ_ENOTFOUND ? dj_fail(r, rc, "id", "找不到该人员") : rc;
    return dj_reply_json(r, 200, p);
}

static int org_members(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    if (!auth_can(r, "person.public", id) && (rc = auth_require(r, "person.read", id)))
        return rc;
    json_t *items = people_org_members(dj_db(r), id, &rc);
    if (!items)
        return rc;
    return dj_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* Each imported person gets their own audit record, as any other change. */
static int audit_imported(void *arg, int64_t id, const json_t *row)
{
    dj_req *r = arg;
    return audit_write(dj_db(r), r, "import", "person", id, NULL, row);
}

static int people_import_file(dj_req *r)
{
    const char *ct = dj_header(r, "Content-Type");
    if (ct && (strncmp(ct, "application/json", 16) == 0 || strncmp(ct, "multipart/", 10) == 0))
        return dj_fail(r, DJ_EMEDIA, NULL, "请以 text/csv 上传名册文件（Excel 文件请先在页面中转换）");
    const char *dry = dj_query(r, "dry_run");
    if (dry && strcmp(dry, "0") != 0 && strcmp(dry, "1") != 0)
        return dj_fail(r, DJ_EINVAL, "dry_run", "参数 dry_run 只能是 1（试导入）或 0（正式导入）");
    if (r->body_len == 0)
        return dj_fail(r, DJ_EINVAL, "file", "文件为空");
    struct people_import_opts o = {.dry_run = !dry || strcmp(dry, "1") == 0,
                                   .write_scope = auth_scope_sql(r, "person.write", "o.path"),
                                   .on_insert = audit_imported,
                                   .arg = r};
    db_conn *c = dj_db(r);
    json_t *res = NULL;
    int64_t first = 0, last = 0;
    int rc = db_begin(c);
    if (rc)
        return rc;
    rc = people_import(c, r->body, r->body_len, &o, &res, &first, &last);
    bool bad = res && json_array_size(json_object_get(res, "errors")) > 0;
    bool wrote = rc == DJ_OK && !bad && !o.dry_run && first > 0;
    if (wrote) {
        json_t *a = json_pack("{s:O, s:I, s:I, s:O}", "rows", json_object_get(res, "rows"), "first_id",
                              (json_int_t)first, "last_id", (json_int_t)last, "encoding",
                              json_object_get(res, "encoding"));
        rc = audit_write(c, r, "import_file", "person", 0, NULL, a);
        json_decref(a);
    }
    rc = rc == DJ_OK && wrote ? db_commit(c) : (db_rollback(c), rc);
    if (rc) {
        json_decref(res);
        return rc;
    }
    json_object_set_new(res, "imported", json_integer(wrote ? json_integer_value(json_object_get(res, "rows")) : 0));
    if (bad && !o.dry_run) {
        json_object_set_new(res, "error",
                            json_pack("{s:s, s:s, s:n}", "code", "unprocessable", "message",
                                      "名册有错误，未导入任何人员；请按错误列表修改后重试", "field"));
        return dj_reply_json(r, 422, res);
    }
    return dj_reply_json(r, 200, res);
}

static int people_export(dj_req *r)
{
    struct people_filter f;
    int rc = parse_filter(r, &f);
    if (rc)
        return rc;
    const char *fmt = dj_query(r, "format");
    bool xlsx = fmt && strcmp(fmt, "xlsx") == 0;
    if (fmt && !xlsx && strcmp(fmt, "csv") != 0)
        return dj_fail(r, DJ_EINVAL, "format", "导出格式只能是 csv 或 xlsx");
    dj_buf b = {0};
    rc = xlsx ? people_export_xlsx(dj_db(r), &f, &b) : people_export_csv(dj_db(r), &f, &b);
    if (rc == DJ_OK)
        rc = audit_private_read(r, "export", 0,
                                json_pack("{s:s, s:s?, s:s?, s:s?, s:b}", "format", xlsx ? "xlsx" : "csv", "q", f.q,
                                          "status", f.status, "org", dj_query(r, "org"), "private",
                                          strcmp(f.private_scope, "(1=0)") != 0));
    if (rc) {
        dj_buf_free(&b);
        return rc;
    }
    dj_add_header(r, "Content-Disposition",
                  xlsx ? "attachment; filename=\"roster.xlsx\"; filename*=UTF-8''%E5%85%9A%E5%91%98%E5%90%8D%E5%86%8C.xlsx"
                       : "attachment; filename=\"roster.csv\"; filename*=UTF-8''%E5%85%9A%E5%91%98%E5%90%8D%E5%86%8C.csv");
    return dj_reply_heap(r, 200,
                         xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                              : "text/csv; charset=utf-8",
                         b.data, b.len);
}

/* A person belongs to their party branch (the agency's root when they have
 * none) and to each union, women's or youth organisation they are a member
 * of: a union officer reaches the union's members, a secretary the branch's. */
const struct dj_scope_kind people_scope_kinds[] = {
    {"person", "人员",
     "SELECT COALESCE(o.path, (SELECT MIN(r.path) FROM orgs r WHERE r.parent_id IS NULL)) FROM people p"
     " LEFT JOIN orgs o ON o.id = p.org_id WHERE p.id = $1"
     " UNION ALL SELECT o.path FROM person_orgs m JOIN orgs o ON o.id = m.org_id WHERE m.person_id = $1"},
    {0},
};

const struct dj_route people_routes[] = {
    {"GET", "/api/v1/people", people_index, "person.read", 0, 0},
    {"POST", "/api/v1/people", people_new, "person.write", 0, 0},
    {"POST", "/api/v1/people/import", people_import_file, "person.write", DJ_ROUTE_ANY_BODY, 64u << 20},
    {"GET", "/api/v1/people/export", people_export, "person.read", 0, 0},
    {"GET", "/api/v1/people/:id", people_show, NULL, 0, 0},
    {"PATCH", "/api/v1/people/:id", people_change, NULL, 0, 0},
    {"GET", "/api/v1/people/:id/profile", people_public, NULL, 0, 0},
    {"GET", "/api/v1/orgs/:id/members", org_members, NULL, 0, 0},
    {0},
};

/* ---------------------------------------------------------------- the file store */

/* A person's photo (for 亮身份) is read by whoever sees members' public
 * profiles; the rest (the 入党志愿书 scan) only by those who may read the
 * person's record, and the person. */
static int person_file_read(dj_req *r, int64_t id, const char *kind)
{
    bool priv = false;
    if (kind && strcmp(kind, "photo") == 0 && sees_profiles(r))
        return DJ_OK;
    return can_read(r, id, &priv);
}

static int person_file_attach(dj_req *r, int64_t id)
{
    int64_t org = 0;
    int rc = people_scope_org(dj_db(r), id, &org);
    if (rc == DJ_ENOTFOUND)
        return dj_fail(r, rc, "record", "找不到该人员");
    return rc ? rc : require_write_org(r, org);
}

static const char *const person_kinds[] = {"photo", "application", "other", NULL};
static const struct dj_file_subject person_files = {"person", "人员", person_kinds, person_file_read,
                                                     person_file_attach};

void people_files_register(void)
{
    dj_files_subject_add(&person_files);
}
