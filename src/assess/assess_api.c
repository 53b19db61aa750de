/* assess_api.c - HTTP handlers of branch assessment: schemes and versions,
 * periods, assessors' scores, computing, selection, 公示 and final results,
 * the results with their evidence, a branch's history. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/err.h"
#include "../core/timeutil.h"
#include "assess.h"

/* The agency's root organisation: schemes and periods belong to the whole agency. */
static int root_org(db_conn *c, int64_t *id)
{
    return db_query_i64(c, id, "SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1", "");
}

static int require_root(dj_req *r, const char *perm)
{
    int64_t root;
    if (root_org(dj_db(r), &root) != DJ_OK)
        return dj_fail(r, DJ_ENOTFOUND, NULL, "尚未建立组织");
    return auth_require(r, perm, root);
}

static int store_fail(dj_req *r, int rc, const struct assess_err *e)
{
    if (e->message[0])
        return dj_fail(r, rc, e->field, "%s", e->message);
    return rc;
}

/* A change and its audit record in one transaction: TX_BEGIN declares rc; TX_END
 * commits when everything in between left rc at DJ_OK, else rolls back. */
#define TX_BEGIN(c) int rc = db_begin(c)
#define TX_END(c) rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc)

/* ---------------------------------------------------------------- schemes */

static int schemes_list(dj_req *r)
{
    int rc;
    json_t *items = assess_schemes_list(dj_db(r), &rc);
    if (!items)
        return rc;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        json_t *full = assess_scheme_get(dj_db(r), dj_jint(it, "id", 0), 0, &rc);
        if (full) {
            json_object_set(it, "indicator_list", json_object_get(json_object_get(full, "version"), "indicators"));
            json_decref(full);
        }
    }
    /* the computed indicators a scheme may use, with their formulas */
    json_t *provs = json_array();
    for (const struct assess_provider *p = assess_providers; p->code; p++)
        json_array_append_new(provs, json_pack("{s:s, s:s, s:s, s:s, s:b, s:f}", "code", p->code, "name", p->name,
                                               "formula", p->formula, "unit", p->unit, "rate", p->rate, "target",
                                               p->default_target));
    return dj_reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "providers", provs));
}

static const struct dj_jfield scheme_spec[] = {
    {"name", "方案名称", DJ_J_STR, DJ_J_REQ, 1, 60, NULL},
    {"description", "方案说明", DJ_J_STR, DJ_J_NULL, 0, 500, NULL},
    {"indicators", "指标", DJ_J_ARR, DJ_J_REQ, 0, 0, NULL},
    {NULL},
};

static int schemes_create(dj_req *r)
{
    json_t *in;
    int rc0 = dj_body_json(r, scheme_spec, &in);
    if (rc0)
        return rc0;
    if ((rc0 = require_root(r, "assess.manage"))) {
        json_decref(in);
        return rc0;
    }
    db_conn *c = dj_db(r);
    struct assess_err e = {0};
    int64_t id = 0;
    TX_BEGIN(c);
    if (rc == DJ_OK)
        rc = assess_scheme_create(c, in, r->user->id, &id, &e);
    if (rc == DJ_OK)
        rc = audit_write(c, r, "create", "assess_scheme", id, NULL, in);
    TX_END(c);
    json_decref(in);
    if (rc)
        return store_fail(r, rc, &e);
    json_t *s = assess_scheme_get(c, id, 0, &rc);
    return s ? dj_reply_json(r, 201, s) : rc;
}

static int scheme_get(dj_req *r)
{
    int64_t id, version;
    int rc = dj_param_id(r, "id", &id);
    if (rc || (rc = dj_query_int(r, "version", 0, 0, 100000, &version)))
        return rc;
    json_t *s = assess_scheme_get(dj_db(r), id, version, &rc);
    if (!s)
        return rc == DJ_ENOTFOUND ? dj_fail(r, rc, "id", "找不到该考评方案或版本") : rc;
    return dj_reply_json(r, 200, s);
}

/* An edit of a scheme is a new version; periods keep the one they were opened with. */
static int scheme_new_version(dj_req *r)
{
    int64_t id;
    int rc0 = dj_param_id(r, "id", &id);
    if (rc0)
        return rc0;
    json_t *in;
    if ((rc0 = dj_body_json(r, scheme_spec, &in)))
        return rc0;
    if ((rc0 = require_root(r, "assess.manage"))) {
        json_decref(in);
        return rc0;
    }
    db_conn *c = dj_db(r);
    struct assess_err e = {0};
    int64_t version = 0;
    json_t *before = assess_scheme_get(c, id, 0, NULL);
    TX_BEGIN(c);
    if (rc == DJ_OK)
        rc = assess_scheme_new_version(c, id, in, r->user->id, &version, &e);
    if (rc == DJ_OK)
        rc = audit_write(c, r, "new_version", "assess_scheme", id, before, in);
    TX_END(c);
    json_decref(in);
    json_decref(before);
    if (rc)
        return store_fail(r, rc, &e);
    json_t *s = assess_scheme_get(c, id, 0, &rc);
    return s ? dj_reply_json(r, 201, s) : rc;
}

/* ---------------------------------------------------------------- periods */

static int periods_list(dj_req *r)
{
    int rc;
    json_t *items = assess_periods_list(dj_db(r), &rc);
    return items ? dj_reply_json(r, 200, json_pack("{s:o}", "items", items)) : rc;
}

static int periods_create(dj_req *r)
{
    static const char *const kinds[] = {"year", "half", NULL};
    static const char *const modes[] = {"top_n", "threshold", NULL};
    static const struct dj_jfield spec[] = {
        {"scheme_id", "考评方案", DJ_J_ID, DJ_J_REQ | DJ_J_UNSCOPED, 0, 0, NULL},
        {"name", "考评期名称", DJ_J_STR, 0, 1, 80, NULL},
        {"kind", "考评周期", DJ_J_STR, DJ_J_REQ, 1, 8, kinds},
        {"year", "年份", DJ_J_INT, DJ_J_REQ, 2000, 2200, NULL},
        {"half", "半年", DJ_J_INT, 0, 1, 2, NULL},
        {"selection_mode", "评选方式", DJ_J_STR, 0, 1, 16, modes},
        {"selection_value", "评选名额或分数线", DJ_J_NUM, 0, 0, 0, NULL},
        {NULL},
    };
    json_t *in;
    int rc0 = dj_body_json(r, spec, &in);
    if (rc0)
        return rc0;
    if ((rc0 = require_root(r, "assess.manage"))) {
        json_decref(in);
        return rc0;
    }
    db_conn *c = dj_db(r);
    struct assess_err e = {0};
    int64_t id = 0;
    TX_BEGIN(c);
    if (rc == DJ_OK)
        rc = assess_period_create(c, in, r->user->id, &id, &e);
    json_t *after = rc == DJ_OK ? assess_period_get(c, id, NULL) : NULL;
    if (rc == DJ_OK)
        rc = audit_write(c, r, "create", "assess_period", id, NULL, after);
    TX_END(c);
    json_decref(in);
    if (rc) {
        json_decref(after);
        return store_fail(r, rc, &e);
    }
    return dj_reply_json(r, 201, after);
}

static int period_get(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    json_t *p = assess_period_get(dj_db(r), id, &rc);
    if (!p)
        return rc == DJ_ENOTFOUND ? dj_fail(r, rc, "id", "找不到该考评期") : rc;
    return dj_reply_json(r, 200, p);
}

/* A state change of a period: audit with the period before and after. */
static int period_change(dj_req *r, const char *action, int (*fn)(db_conn *, int64_t, int64_t, struct assess_err *))
{
    int64_t id;
    int rc0 = dj_param_id(r, "id", &id);
    if (rc0 || (rc0 = require_root(r, "assess.manage")))
        return rc0;
    db_conn *c = dj_db(r);
    struct assess_err e = {0};
    TX_BEGIN(c);
    json_t *before = rc == DJ_OK ? assess_period_get(c, id, NULL) : NULL;
    if (rc == DJ_OK && !before)
        rc = dj_fail(r, DJ_ENOTFOUND, "id", "找不到该考评期");
    if (rc == DJ_OK)
        rc = fn(c, id, dj_now(), &e);
    json_t *after = rc == DJ_OK ? assess_period_get(c, id, NULL) : NULL;
    if (rc == DJ_OK) {
        json_object_del(before, "indicators");
        json_object_del(after, "indicators");
        rc = audit_write(c, r, action, "assess_period", id, before, after);
    }
    TX_END(c);
    json_decref(before);
    if (rc) {
        json_decref(after);
        return store_fail(r, rc, &e);
    }
    json_decref(after);
    json_t *p = assess_period_get(c, id, &rc);
    return p ? dj_reply_json(r, 200, p) : rc;
}

static int publish_fn(db_conn *c, int64_t id, int64_t now, struct assess_err *e) { return assess_publish(c, id, now, e); }
static int finalise_fn(db_conn *c, int64_t id, int64_t now, struct assess_err *e)
{
    return assess_finalise(c, id, now, e);
}
static int period_publish(dj_req *r) { return period_change(r, "publish", publish_fn); }
static int period_finalise(dj_req *r) { return period_change(r, "finalise", finalise_fn); }

/* Computing 300 branches takes a while: it runs on the worker pool, with its own connection. */
struct compute_job {
    dj_req *r;
    int64_t id;
    int rc;
    int branches;
    struct assess_err e;
};

static void compute_work(void *arg)
{
    struct compute_job *j = arg;
    db_conn *c = db_thread();
    if (!c) {
        j->rc = DJ_EDB;
        return;
    }
    json_t *before = assess_period_get(c, j->id, NULL);
    int rc = before ? db_begin(c) : DJ_ENOTFOUND;
    if (!before) {
        j->e.field = "id";
        snprintf(j->e.message, sizeof j->e.message, "找不到该考评期");
    }
    if (rc == DJ_OK) {
        rc = assess_compute(c, j->id, dj_now(), &j->branches, &j->e);
        json_t *after = json_pack("{s:i}", "branches", j->branches);
        if (rc == DJ_OK)
            rc = audit_write(c, j->r, "compute", "assess_period", j->id, NULL, after);
        json_decref(after);
        rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    }
    json_decref(before);
    j->rc = rc;
}

static int compute_cont(dj_req *r)
{
    struct compute_job *j = r->work_arg;
    if (j->rc)
        return store_fail(r, j->rc, &j->e);
    int rc;
    json_t *p = assess_period_get(dj_db(r), j->id, &rc);
    return p ? dj_reply_json(r, 200, p) : rc;
}

static int period_compute(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc || (rc = require_root(r, "assess.manage")))
        return rc;
    struct compute_job *j = dj_arena_alloc(r->arena, sizeof *j);
    memset(j, 0, sizeof *j);
    j->r = r;
    j->id = id;
    return dj_defer(r, compute_work, j, compute_cont);
}

static int period_selection(dj_req *r)
{
    static const char *const modes[] = {"top_n", "threshold", NULL};
    static const struct dj_jfield spec[] = {
        {"selection_mode", "评选方式", DJ_J_STR, DJ_J_REQ, 1, 16, modes},
        {"selection_value", "评选名额或分数线", DJ_J_NUM, DJ_J_REQ, 0, 0, NULL},
        {NULL},
    };
    int64_t id;
    int rc0 = dj_param_id(r, "id", &id);
    if (rc0)
        return rc0;
    json_t *in;
    if ((rc0 = dj_body_json(r, spec, &in)))
        return rc0;
    if ((rc0 = require_root(r, "assess.manage"))) {
        json_decref(in);
        return rc0;
    }
    db_conn *c = dj_db(r);
    struct assess_err e = {0};
    TX_BEGIN(c);
    if (rc == DJ_OK)
        rc = assess_period_selection(c, id, dj_jstr(in, "selection_mode", ""),
                                     json_number_value(json_object_get(in, "selection_value")), &e);
    if (rc == DJ_OK)
        rc = audit_write(c, r, "selection", "assess_period", id, NULL, in);
    TX_END(c);
    json_decref(in);
    if (rc)
        return store_fail(r, rc, &e);
    json_t *p = assess_period_get(c, id, &rc);
    return p ? dj_reply_json(r, 200, p) : rc;
}

/* ---------------------------------------------------------------- results */

static int period_results(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    db_conn *c = dj_db(r);
    json_t *p = assess_period_get(c, id, &rc);
    if (!p)
        return rc == DJ_ENOTFOUND ? dj_fail(r, rc, "id", "找不到该考评期") : rc;
    /* a secretary sees their own branch's figures (and its place); the committee and leaders all */
    json_t *items = assess_results(c, id, auth_scope_sql(r, "assess.read", "o.path"), false, &rc);
    if (!items) {
        json_decref(p);
        return rc;
    }
    return dj_reply_json(r, 200, json_pack("{s:o, s:o}", "period", p, "items", items));
}

static int period_branch_result(dj_req *r)
{
    int64_t id, org;
    int rc = dj_param_id(r, "id", &id);
    if (rc || (rc = dj_param_id(r, "org_id", &org)) || (rc = auth_require(r, "assess.read", org)))
        return rc;
    db_conn *c = dj_db(r);
    json_t *p = assess_period_get(c, id, &rc);
    if (!p)
        return rc == DJ_ENOTFOUND ? dj_fail(r, rc, "id", "找不到该考评期") : rc;
    char scope[48];
    snprintf(scope, sizeof scope, "t.org_id = %lld", (long long)org);
    json_t *items = assess_results(c, id, scope, true, &rc);
    if (!items) {
        json_decref(p);
        return rc;
    }
    if (json_array_size(items) == 0) {
        json_decref(p);
        json_decref(items);
        return dj_fail(r, DJ_ENOTFOUND, "org_id", "该支部在本考评期还没有计算结果");
    }
    json_t *res = json_pack("{s:o, s:O}", "period", p, "result", json_array_get(items, 0));
    json_decref(items);
    return dj_reply_json(r, 200, res);
}

/* The 公示 list: every signed-in member may read it once it is published. */
static int period_publicity(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    db_conn *c = dj_db(r);
    json_t *p = assess_period_get(c, id, &rc);
    if (!p)
        return rc == DJ_ENOTFOUND ? dj_fail(r, rc, "id", "找不到该考评期") : rc;
    if (strcmp(dj_jstr(p, "state", ""), "open") == 0) {
        json_decref(p);
        return dj_fail(r, DJ_ENOTFOUND, "id", "该考评期的结果尚未公示");
    }
    json_t *items = db_query_rows(c, &rc,
                                  "SELECT t.org_id, o.name AS org_name, o.brand_name, t.total, t.rank"
                                  " FROM assess_totals t JOIN orgs o ON o.id = t.org_id"
                                  " WHERE t.period_id = $1 AND t.selected = 1 ORDER BY t.rank, o.path",
                                  "i", id);
    json_t *out = json_pack("{s:O, s:O, s:O, s:O, s:O, s:o}", "id", json_object_get(p, "id"), "name",
                            json_object_get(p, "name"), "state", json_object_get(p, "state"), "published_at",
                            json_object_get(p, "published_at"), "publicity_ends_on",
                            json_object_get(p, "publicity_ends_on"), "items", items ? items : json_array());
    json_decref(p);
    return dj_reply_json(r, 200, out);
}

/* The latest published rounds (公示 or final) with their selected branches, for every member. */
static int publicity_latest(dj_req *r)
{
    int rc;
    db_conn *c = dj_db(r);
    json_t *ps = db_query_rows(c, &rc,
                               "SELECT id, name, year, state, published_at, publicity_ends_on, finalised_at"
                               " FROM assess_periods WHERE state IN ('publicity', 'final')"
                               " ORDER BY published_at DESC, id DESC LIMIT 3",
                               "");
    if (!ps)
        return rc;
    size_t i;
    json_t *p;
    json_array_foreach(ps, i, p) {
        json_t *items = db_query_rows(c, &rc,
                                      "SELECT t.org_id, o.name AS org_name, o.brand_name, t.total, t.rank"
                                      " FROM assess_totals t JOIN orgs o ON o.id = t.org_id"
                                      " WHERE t.period_id = $1 AND t.selected = 1 ORDER BY t.rank, o.path",
                                      "i", dj_jint(p, "id", 0));
        json_object_set_new(p, "items", items ? items : json_array());
    }
    return dj_reply_json(r, 200, json_pack("{s:o}", "items", ps));
}

static int org_history(dj_req *r)
{
    int64_t org;
    int rc = dj_param_id(r, "org_id", &org);
    if (rc || (rc = auth_require(r, "assess.read", org)))
        return rc;
    json_t *items = assess_history(dj_db(r), org, &rc);
    return items ? dj_reply_json(r, 200, json_pack("{s:o}", "items", items)) : rc;
}

/* ---------------------------------------------------------------- scores */

/* The assessor's form: every branch with its scored indicators, what this assessor gave,
 * and whether they may score it (not their own branch). */
static int scores_form(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc || (rc = require_root(r, "assess.score")))
        return rc;
    db_conn *c = dj_db(r);
    json_t *p = assess_period_get(c, id, &rc);
    if (!p)
        return rc == DJ_ENOTFOUND ? dj_fail(r, rc, "id", "找不到该考评期") : rc;
    json_t *own = assess_own_paths(c, r->user->id, &rc);
    size_t nown = json_array_size(own);
    const char **paths = dj_arena_alloc(r->arena, (nown + 1) * sizeof *paths);
    for (size_t i = 0; i < nown; i++)
        paths[i] = dj_jstr(json_array_get(own, i), "path", "");
    json_t *branches = db_query_rows(c, &rc,
                                     "SELECT id AS org_id, name AS org_name, path FROM orgs"
                                     " WHERE kind = 'branch' AND dissolved_on IS NULL ORDER BY path",
                                     "");
    json_t *mine = db_query_rows(c, &rc,
                                 "SELECT org_id, indicator_id, score, comment, updated_at FROM assess_scores"
                                 " WHERE period_id = $1 AND assessor_id = $2",
                                 "ii", id, r->user->id);
    size_t i, k;
    json_t *b, *s;
    json_array_foreach(branches, i, b) {
        json_object_set_new(b, "may_score", json_boolean(assess_may_score(paths, nown, dj_jstr(b, "path", ""))));
        json_t *list = json_array();
        json_array_foreach(mine, k, s) if (dj_jint(s, "org_id", 0) == dj_jint(b, "org_id", 0))
            json_array_append(list, s);
        json_object_set_new(b, "scores", list);
        json_object_del(b, "path");
    }
    json_decref(own);
    json_decref(mine);
    return dj_reply_json(r, 200, json_pack("{s:o, s:o}", "period", p, "branches", branches ? branches : json_array()));
}

static int scores_save(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"org_id", "支部", DJ_J_ID, DJ_J_REQ, DJ_SCOPE("org", "assess.score")},
        {"indicator_id", "指标", DJ_J_ID, DJ_J_REQ | DJ_J_UNSCOPED, 0, 0, NULL},
        {"score", "评分", DJ_J_NUM, DJ_J_REQ, 0, 0, NULL},
        {"comment", "评语", DJ_J_STR, DJ_J_REQ, 2, 500, NULL},
        {NULL},
    };
    int64_t id;
    int rc0 = dj_param_id(r, "id", &id);
    if (rc0)
        return rc0;
    json_t *in;
    if ((rc0 = dj_body_json(r, spec, &in)))
        return rc0;
    int64_t org = dj_jint(in, "org_id", 0);
    db_conn *c = dj_db(r);
    if ((rc0 = require_root(r, "assess.score"))) {
        json_decref(in);
        return rc0;
    }
    if (dj_str_blank(dj_jstr(in, "comment", ""))) {
        json_decref(in);
        return dj_fail(r, DJ_EINVAL, "comment", "评语不能为空");
    }
    json_t *own = assess_own_paths(c, r->user->id, &rc0);
    size_t nown = json_array_size(own);
    const char **paths = dj_arena_alloc(r->arena, (nown + 1) * sizeof *paths);
    for (size_t i = 0; i < nown; i++)
        paths[i] = dj_jstr(json_array_get(own, i), "path", "");
    struct assess_err e = {0};
    TX_BEGIN(c);
    json_t *before = rc == DJ_OK ? db_query_row(c, NULL,
                                                "SELECT score, comment FROM assess_scores WHERE period_id = $1"
                                                " AND org_id = $2 AND indicator_id = $3 AND assessor_id = $4",
                                                "iiii", id, org, dj_jint(in, "indicator_id", 0), r->user->id)
                                   : NULL;
    if (rc == DJ_OK)
        rc = assess_score_save(c, id, org, dj_jint(in, "indicator_id", 0), r->user->id, paths, nown,
                               json_number_value(json_object_get(in, "score")), dj_jstr(in, "comment", ""), &e);
    if (rc == DJ_OK)
        rc = audit_write(c, r, before ? "update" : "create", "assess_score", id, before, in);
    TX_END(c);
    json_decref(before);
    json_decref(own);
    json_decref(in);
    if (rc)
        return store_fail(r, rc, &e);
    return dj_reply_empty(r, 204);
}

const struct dj_route assess_routes[] = {
    {"GET", "/api/v1/assessment/schemes", schemes_list, "assess.read", 0, 0},
    {"POST", "/api/v1/assessment/schemes", schemes_create, "assess.manage", 0, 0},
    {"GET", "/api/v1/assessment/schemes/:id", scheme_get, "assess.read", 0, 0},
    {"POST", "/api/v1/assessment/schemes/:id/versions", scheme_new_version, "assess.manage", 0, 0},
    {"GET", "/api/v1/assessment/periods", periods_list, "assess.read", 0, 0},
    {"POST", "/api/v1/assessment/periods", periods_create, "assess.manage", 0, 0},
    {"GET", "/api/v1/assessment/periods/:id", period_get, "assess.read", 0, 0},
    {"POST", "/api/v1/assessment/periods/:id/compute", period_compute, "assess.manage", 0, 0},
    {"POST", "/api/v1/assessment/periods/:id/selection", period_selection, "assess.manage", 0, 0},
    {"POST", "/api/v1/assessment/periods/:id/publish", period_publish, "assess.manage", 0, 0},
    {"POST", "/api/v1/assessment/periods/:id/finalise", period_finalise, "assess.manage", 0, 0},
    {"GET", "/api/v1/assessment/periods/:id/results", period_results, "assess.read", 0, 0},
    {"GET", "/api/v1/assessment/periods/:id/results/:org_id", period_branch_result, "assess.read", 0, 0},
    {"GET", "/api/v1/assessment/periods/:id/publicity", period_publicity, NULL, 0, 0},
    {"GET", "/api/v1/assessment/periods/:id/scores", scores_form, "assess.score", 0, 0},
    {"POST", "/api/v1/assessment/periods/:id/scores", scores_save, "assess.score", 0, 0},
    {"GET", "/api/v1/assessment/publicity", publicity_latest, NULL, 0, 0},
    {"GET", "/api/v1/assessment/history/:org_id", org_history, "assess.read", 0, 0},
    {0},
};
