/* orgs_api.c - HTTP handlers of the organisation tree: the tree the caller
 * may see, one node, its warnings; create; change (rename, move, terms,
 * officers, brand, dissolve). */
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/err.h"
#include "../core/json.h"
#include "../core/mem.h"
#include "../core/readcache.h"
#include "../core/timeutil.h"
#include "orgs.h"

static const char *const kinds[] = {"committee", "general_branch", "branch", "group", "union", "women", "youth", NULL};

/* One officer of a committee: the person must be within the caller's reach. */
static const struct dj_jfield officer_spec[] = {
    {"post", "职务", DJ_J_STR, DJ_J_REQ, 1, 32, NULL},
    {"person_id", "人员", DJ_J_ID, DJ_J_REQ, DJ_SCOPE("person", "org.write")},
    {"since", "任职日期", DJ_J_DATE, DJ_J_NULL, 0, 0, NULL},
    {NULL},
};

/* The tree depends on the caller only through the subtrees they may read: the
 * same answer for everyone with the same scope, kept as its text until one of
 * the tables it was read from is written (readcache.h), so the PC's 组织架构 and
 * every picker that lists organisations cost a copy, not four grouped passes
 * over the roster. */
struct tree_args {
    db_conn *c;
    const char *scope;
    bool with_dissolved;
};

static int tree_write(void *arg, dj_buf *out, int64_t *aux)
{
    (void)aux;
    struct tree_args *a = arg;
    int rc = DJ_OK;
    json_t *items = orgs_list(a->c, a->scope, 0, a->with_dissolved, &rc);
    if (!items)
        return rc;
    json_t *v = json_pack("{s:o}", "items", items);
    dj_json_render_into(out, v);
    json_decref(v);
    return DJ_OK;
}

static int orgs_tree(dj_req *r)
{
    const char *all = dj_query(r, "all");
    bool with_dissolved = all && strcmp(all, "1") == 0;
    const char *scope = auth_scope_sql(r, "org.read", "o.path");
    char *key = dj_asprintf("orgs.tree %d %s", with_dissolved, scope ? scope : "*");
    struct tree_args a = {dj_db(r), scope, with_dissolved};
    dj_buf out = {0};
    int rc = dj_rcache_text(dj_db(r), key, 0, tree_write, &a, &out, NULL);
    free(key);
    if (rc) {
        dj_buf_free(&out);
        return rc;
    }
    return dj_reply_buf(r, 200, &out);
}

static json_t *one_make(dj_req *r, void *arg, int *rc)
{
    int64_t id = *(int64_t *)arg;
    json_t *o = orgs_get(dj_db(r), id, rc);
    if (!o) {
        if (*rc == DJ_ENOTFOUND)
            *rc = dj_fail(r, *rc, "id", "找不到该组织");
        return NULL;
    }
    json_t *terms = orgs_terms(dj_db(r), id, rc);
    json_object_set_new(o, "terms", terms ? terms : json_array());
    *rc = DJ_OK;
    return o;
}

/* GET /api/v1/orgs/:id : the same for every reader allowed on it (checked
 * first), so kept for all of them, by the day (a term's end is counted in
 * days), until the org, its people or its terms are written. */
static int orgs_one(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc || (rc = auth_require(r, "org.read", id)))
        return rc;
    int y, m, d;
    dj_local_date(dj_now(), &y, &m, &d);
    char key[64];
    snprintf(key, sizeof key, "orgs.one %lld %04d-%02d-%02d", (long long)id, y % 10000, m % 100, d % 100);
    return dj_reply_kept(r, key, 0, one_make, &id);
}

static int orgs_warn(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc || (rc = auth_require(r, "org.read", id)))
        return rc;
    json_t *w = orgs_warnings_json(dj_db(r), id, &rc);
    if (!w)
        return rc == DJ_ENOTFOUND ? dj_fail(r, rc, "id", "找不到该组织") : rc;
    return dj_reply_json(r, 200, w);
}

/* The audit's picture of an organisation: its data and officers, not the derived counts. */
static json_t *audit_view(db_conn *c, int64_t id)
{
    json_t *o = orgs_get(c, id, NULL);
    if (o) {
        json_object_del(o, "warnings");
        json_object_del(o, "members");
        json_object_del(o, "full_members");
        json_object_del(o, "people");
        json_object_del(o, "kind_label");
    }
    return o;
}

static int finish(dj_req *r, int rc, const struct orgs_err *e)
{
    if (rc != DJ_OK && e->field)
        return dj_fail(r, rc, e->field, "%s", e->message);
    return rc;
}

static int orgs_new(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"parent_id", "上级组织", DJ_J_ID, DJ_J_REQ, DJ_SCOPE("org", "org.write")},
        {"kind", "组织类别", DJ_J_STR, DJ_J_REQ, 1, 32, kinds},
        {"name", "组织名称", DJ_J_STR, DJ_J_REQ, 1, 60, NULL},
        {"sort", "排序", DJ_J_INT, 0, 0, 100000, NULL},
        {"set_up_on", "成立日期", DJ_J_DATE, DJ_J_NULL, 0, 0, NULL},
        {"term_start", "任期开始日期", DJ_J_DATE, DJ_J_NULL, 0, 0, NULL},
        {"term_end", "任期届满日期", DJ_J_DATE, DJ_J_NULL, 0, 0, NULL},
        {"brand_name", "品牌名称", DJ_J_STR, DJ_J_NULL, 0, 60, NULL},
        {"brand_slogan", "品牌口号", DJ_J_STR, DJ_J_NULL, 0, 100, NULL},
        {"brand_description", "品牌简介", DJ_J_STR, DJ_J_NULL, 0, 2000, NULL},
        {"officers", "委员会成员", DJ_J_ARR, 0, 0, 20, NULL, officer_spec},
        {NULL},
    };
    json_t *in;
    int rc = dj_body_json(r, spec, &in);
    if (rc)
        return rc;
    db_conn *c = dj_db(r);
    int64_t id = 0;
    struct orgs_err e = {0};
    if ((rc = auth_require(r, "org.write", dj_jint(in, "parent_id", 0)))) {
        if (rc == DJ_ENOTFOUND)
            rc = dj_fail(r, DJ_EINVAL, "parent_id", "找不到上级组织");
        goto out;
    }
    if ((rc = db_begin(c)))
        goto out;
    rc = orgs_create(c, in, &id, &e);
    json_t *after = rc == DJ_OK ? audit_view(c, id) : NULL;
    if (rc == DJ_OK)
        rc = audit_write(c, r, "create", "org", id, NULL, after);
    json_decref(after);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if ((rc = finish(r, rc, &e)))
        goto out;
    json_t *o = orgs_get(c, id, &rc);
    rc = o ? dj_reply_json(r, 201, o) : rc;
out:
    json_decref(in);
    return rc;
}

/* Writes a change of org id (checked by the caller) with its audit record, and answers with the org. */
static int apply_change(dj_req *r, int64_t id, const json_t *in)
{
    db_conn *c = dj_db(r);
    struct orgs_err e = {0};
    int rc = db_begin(c);
    if (rc)
        return rc;
    json_t *before = audit_view(c, id);
    rc = orgs_update(c, id, in, &e);
    json_t *after = rc == DJ_OK ? audit_view(c, id) : NULL;
    if (rc == DJ_OK)
        rc = audit_write(c, r, dj_jhas(in, "dissolved_on") ? "dissolve" : dj_jhas(in, "parent_id") ? "move" : "update",
                         "org", id, before, after);
    json_decref(before);
    json_decref(after);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if ((rc = finish(r, rc, &e)))
        return rc;
    json_t *o = orgs_get(c, id, &rc);
    return o ? dj_reply_json(r, 200, o) : rc;
}

/* 支部品牌: a branch's own officers keep its brand (org.brand on the branch). */
static int orgs_brand(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"brand_name", "品牌名称", DJ_J_STR, DJ_J_NULL, 0, 60, NULL},
        {"brand_slogan", "品牌口号", DJ_J_STR, DJ_J_NULL, 0, 100, NULL},
        {"brand_description", "品牌简介", DJ_J_STR, DJ_J_NULL, 0, 2000, NULL},
        {NULL},
    };
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc || (rc = auth_require(r, "org.brand", id)))
        return rc;
    json_t *in;
    if ((rc = dj_body_json(r, spec, &in)))
        return rc;
    rc = json_object_size(in) ? apply_change(r, id, in) : dj_fail(r, DJ_EINVAL, NULL, "没有要修改的内容");
    json_decref(in);
    return rc;
}

static int orgs_change(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"name", "组织名称", DJ_J_STR, 0, 1, 60, NULL},
        {"sort", "排序", DJ_J_INT, 0, 0, 100000, NULL},
        {"set_up_on", "成立日期", DJ_J_DATE, DJ_J_NULL, 0, 0, NULL},
        {"term_start", "任期开始日期", DJ_J_DATE, DJ_J_NULL, 0, 0, NULL},
        {"term_end", "任期届满日期", DJ_J_DATE, DJ_J_NULL, 0, 0, NULL},
        {"brand_name", "品牌名称", DJ_J_STR, DJ_J_NULL, 0, 60, NULL},
        {"brand_slogan", "品牌口号", DJ_J_STR, DJ_J_NULL, 0, 100, NULL},
        {"brand_description", "品牌简介", DJ_J_STR, DJ_J_NULL, 0, 2000, NULL},
        {"parent_id", "上级组织", DJ_J_ID, 0, DJ_SCOPE("org", "org.write")},
        {"dissolved_on", "撤销日期", DJ_J_DATE, 0, 0, 0, NULL},
        {"officers", "委员会成员", DJ_J_ARR, 0, 0, 20, NULL, officer_spec},
        {NULL},
    };
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    json_t *in;
    if ((rc = dj_body_json(r, spec, &in)))
        return rc;
    if (json_object_size(in) == 0) {
        json_decref(in);
        return dj_fail(r, DJ_EINVAL, NULL, "没有要修改的内容");
    }
    /* everything here is the committee's (org.write); a branch keeps its own brand at /brand */
    if ((rc = auth_require(r, "org.write", id)))
        goto out;
    if (dj_jhas(in, "parent_id") && (rc = auth_require(r, "org.write", dj_jint(in, "parent_id", 0)))) {
        if (rc == DJ_ENOTFOUND)
            rc = dj_fail(r, DJ_EINVAL, "parent_id", "找不到上级组织");
        goto out;
    }
    rc = apply_change(r, id, in);
out:
    json_decref(in);
    return rc;
}

const struct dj_route orgs_routes[] = {
    {"GET", "/api/v1/orgs", orgs_tree, "org.read", 0, 0},
    {"POST", "/api/v1/orgs", orgs_new, "org.write", 0, 0},
    {"GET", "/api/v1/orgs/:id", orgs_one, "org.read", 0, 0},
    {"PATCH", "/api/v1/orgs/:id", orgs_change, "org.write", 0, 0},
    {"PATCH", "/api/v1/orgs/:id/brand", orgs_brand, "org.brand", 0, 0},
    {"GET", "/api/v1/orgs/:id/warnings", orgs_warn, "org.read", 0, 0},
    {0},
};
