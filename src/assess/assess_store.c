/* assess_store.c - schemes and their frozen versions, periods, assessors'
 * scores, and the computation of a period's results (values, scores,
 * evidence, totals, ranks, selection) through the providers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/auth.h"
#include "../core/err.h"
#include "../core/mem.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "assess.h"

static int fail(struct assess_err *e, int rc, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(struct assess_err *e, int rc, const char *field, const char *fmt, ...)
{
    e->field = field;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return rc;
}

static void now_iso(char out[21]) { dj_time_iso(dj_now(), out); }

/* ---------------------------------------------------------------- schemes */

json_t *assess_schemes_list(db_conn *c, int *err)
{
    return db_query_rows(c, err,
                         "SELECT s.id, s.code, s.name, s.description, s.current_version, s.archived AS archived__bool,"
                         " v.id AS version_id, v.total_max, s.updated_at,"
                         " (SELECT COUNT(*) FROM assess_indicators i WHERE i.version_id = v.id) AS indicators,"
                         " (SELECT COUNT(*) FROM assess_periods p WHERE p.scheme_id = s.id) AS periods"
                         " FROM assess_schemes s JOIN assess_scheme_versions v"
                         "  ON v.scheme_id = s.id AND v.version = s.current_version"
                         " ORDER BY s.id",
                         "");
}

/* Indicators of a version, with each provider's formula and unit. */
static json_t *indicators_of(db_conn *c, int64_t version_id, int *err)
{
    json_t *rows = db_query_rows(c, err,
                                 "SELECT id, seq, code, name, dimension, kind, provider, max_score, target, guidance"
                                 " FROM assess_indicators WHERE version_id = $1 ORDER BY seq",
                                 "i", version_id);
    size_t i;
    json_t *it;
    json_array_foreach(rows, i, it) {
        const struct assess_provider *p = assess_provider_find(dj_jstr(it, "provider", NULL));
        json_object_set_new(it, "formula", p ? json_string(p->formula) : json_null());
        json_object_set_new(it, "unit", json_string(p ? p->unit : "分"));
        json_object_set_new(it, "rate", json_boolean(p && p->rate));
    }
    return rows;
}

json_t *assess_scheme_get(db_conn *c, int64_t id, int64_t version, int *err)
{
    json_t *s = db_query_row(c, err,
                             "SELECT id, code, name, description, current_version, archived AS archived__bool,"
                             " created_at, updated_at FROM assess_schemes WHERE id = $1",
                             "i", id);
    if (!s)
        return NULL;
    json_t *v = db_query_row(c, err,
                             "SELECT id, version, name, description, total_max, created_at"
                             " FROM assess_scheme_versions WHERE scheme_id = $1 AND version = $2",
                             "ii", id, version > 0 ? version : dj_jint(s, "current_version", 1));
    if (!v) {
        json_decref(s);
        return NULL;
    }
    json_t *inds = indicators_of(c, dj_jint(v, "id", 0), err);
    json_object_set_new(v, "indicators", inds ? inds : json_array());
    json_object_set_new(s, "version", v);
    json_t *vs = db_query_rows(c, err,
                               "SELECT v.version, v.name, v.total_max, v.created_at,"
                               " (SELECT COUNT(*) FROM assess_periods p WHERE p.version_id = v.id) AS periods"
                               " FROM assess_scheme_versions v WHERE v.scheme_id = $1 ORDER BY v.version DESC",
                               "i", id);
    json_object_set_new(s, "versions", vs ? vs : json_array());
    if (err)
        *err = DJ_OK;
    return s;
}

int assess_indicators_check(const json_t *indicators, struct assess_err *e)
{
    static const char *const kinds[] = {"computed", "scored", NULL};
    static const struct dj_jfield spec[] = {
        {"code", "指标代码", DJ_J_STR, DJ_J_REQ, 1, 32, NULL},
        {"name", "指标名称", DJ_J_STR, DJ_J_REQ, 1, 60, NULL},
        {"dimension", "维度", DJ_J_STR, DJ_J_NULL, 0, 30, NULL},
        {"kind", "指标类型", DJ_J_STR, DJ_J_REQ, 1, 16, kinds},
        {"provider", "计算方法", DJ_J_STR, DJ_J_NULL, 1, 32, NULL},
        {"max_score", "满分", DJ_J_NUM, DJ_J_REQ, 0, 0, NULL},
        {"target", "满分标准值", DJ_J_NUM, DJ_J_NULL, 0, 0, NULL},
        {"guidance", "评分要点", DJ_J_STR, DJ_J_NULL, 0, 200, NULL},
        {NULL},
    };
    size_t n = json_array_size(indicators);
    if (!json_is_array(indicators) || n == 0 || n > 30)
        return fail(e, DJ_EINVAL, "indicators", "指标须为 1 至 30 项");
    for (size_t i = 0; i < n; i++) {
        const json_t *it = json_array_get(indicators, i);
        struct dj_jerr je;
        if (!json_is_object(it))
            return fail(e, DJ_EINVAL, "indicators", "第 %zu 项指标格式不正确", i + 1);
        if (dj_json_validate(it, spec, &je) != 0)
            return fail(e, DJ_EINVAL, "indicators", "第 %zu 项指标：%s", i + 1, je.message);
        const char *code = dj_jstr(it, "code", "");
        for (const char *p = code; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
                return fail(e, DJ_EINVAL, "indicators", "第 %zu 项指标的代码只能由小写字母、数字和下划线组成", i + 1);
        for (size_t j = 0; j < i; j++)
            if (strcmp(dj_jstr(json_array_get(indicators, j), "code", ""), code) == 0)
                return fail(e, DJ_EINVAL, "indicators", "指标代码“%s”重复", code);
        double max = json_number_value(json_object_get(it, "max_score"));
        if (!(max > 0 && max <= 1000))
            return fail(e, DJ_EINVAL, "indicators", "第 %zu 项指标的满分须大于 0 且不超过 1000", i + 1);
        bool computed = strcmp(dj_jstr(it, "kind", ""), "computed") == 0;
        const char *prov = dj_jstr(it, "provider", NULL);
        if (computed && !assess_provider_find(prov))
            return fail(e, DJ_EINVAL, "indicators", "第 %zu 项指标：未知的计算方法“%s”", i + 1, prov ? prov : "");
        if (!computed && prov)
            return fail(e, DJ_EINVAL, "indicators", "第 %zu 项指标为评分指标，不能指定计算方法", i + 1);
        json_t *t = json_object_get(it, "target");
        if (t && !json_is_null(t) && !(json_number_value(t) > 0))
            return fail(e, DJ_EINVAL, "indicators", "第 %zu 项指标的满分标准值须大于 0", i + 1);
    }
    return DJ_OK;
}

/* Writes a version row and its indicators; *total gets the sum of max scores. */
static int version_write(db_conn *c, int64_t scheme_id, int64_t version, const json_t *in, int64_t user_id,
                         int64_t *version_id)
{
    const json_t *inds = json_object_get(in, "indicators");
    double total = 0;
    size_t i;
    const json_t *it;
    json_array_foreach(inds, i, it) total += json_number_value(json_object_get(it, "max_score"));
    char at[21];
    now_iso(at);
    int rc = db_query_i64(c, version_id,
                          "INSERT INTO assess_scheme_versions (scheme_id, version, name, description, total_max,"
                          " created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                          "iittdIt", scheme_id, version, dj_jstr(in, "name", ""), dj_jstr(in, "description", NULL),
                          total, user_id, at);
    json_array_foreach(inds, i, it) {
        if (rc != DJ_OK)
            break;
        bool computed = strcmp(dj_jstr(it, "kind", ""), "computed") == 0;
        const struct assess_provider *p = assess_provider_find(dj_jstr(it, "provider", NULL));
        json_t *t = json_object_get(it, "target");
        double target = t && !json_is_null(t) ? json_number_value(t) : (p ? p->default_target : 0);
        rc = db_exec(c,
                     "INSERT INTO assess_indicators (version_id, seq, code, name, dimension, kind, provider,"
                     " max_score, target, guidance) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                     "iitttttddt", *version_id, (int64_t)(i + 1), dj_jstr(it, "code", ""), dj_jstr(it, "name", ""),
                     dj_jstr(it, "dimension", NULL), dj_jstr(it, "kind", ""), computed ? p->code : NULL,
                     json_number_value(json_object_get(it, "max_score")), computed ? target : 0.0,
                     dj_jstr(it, "guidance", NULL));
    }
    if (rc == DJ_OK && total <= 0)
        rc = DJ_EINVAL;
    return rc;
}

int assess_scheme_create(db_conn *c, const json_t *in, int64_t user_id, int64_t *id, struct assess_err *e)
{
    int rc = assess_indicators_check(json_object_get(in, "indicators"), e);
    if (rc)
        return rc;
    char at[21];
    now_iso(at);
    rc = db_query_i64(c, id,
                      "INSERT INTO assess_schemes (name, description, current_version, created_by, created_at,"
                      " updated_at) VALUES ($1, $2, 1, $3, $4, $4) RETURNING id",
                      "ttIt", dj_jstr(in, "name", ""), dj_jstr(in, "description", NULL), user_id, at);
    if (rc == DJ_ECONFLICT)
        return fail(e, rc, "name", "方案名称重复");
    int64_t vid;
    return rc ? rc : version_write(c, *id, 1, in, user_id, &vid);
}

int assess_scheme_new_version(db_conn *c, int64_t id, const json_t *in, int64_t user_id, int64_t *version,
                              struct assess_err *e)
{
    int rc = assess_indicators_check(json_object_get(in, "indicators"), e);
    if (rc)
        return rc;
    int64_t cur;
    if (db_query_i64(c, &cur, "SELECT current_version FROM assess_schemes WHERE id = $1", "i", id) != DJ_OK)
        return fail(e, DJ_ENOTFOUND, "id", "找不到该考评方案");
    *version = cur + 1;
    int64_t vid;
    char at[21];
    now_iso(at);
    rc = version_write(c, id, *version, in, user_id, &vid);
    if (rc == DJ_OK)
        rc = db_exec(c,
                     "UPDATE assess_schemes SET current_version = $2, name = $3, description = $4, updated_at = $5"
                     " WHERE id = $1",
                     "iittt", id, *version, dj_jstr(in, "name", ""), dj_jstr(in, "description", NULL), at);
    return rc;
}

/* ---------------------------------------------------------------- periods */

#define PERIOD_COLS                                                                                              \
    "SELECT p.id, p.name, p.scheme_id, s.name AS scheme_name, p.version_id, v.version, v.total_max, p.kind,"     \
    " p.year, p.half, p.starts_on, p.ends_on, p.state, p.selection_mode, p.selection_value, p.computed_at,"     \
    " p.published_at, p.publicity_days, p.publicity_ends_on, p.finalised_at, p.created_at,"                     \
    " (SELECT COUNT(*) FROM assess_totals t WHERE t.period_id = p.id) AS branches,"                              \
    " (SELECT COUNT(*) FROM assess_totals t WHERE t.period_id = p.id AND t.selected = 1) AS selected"            \
    " FROM assess_periods p JOIN assess_schemes s ON s.id = p.scheme_id"                                         \
    " JOIN assess_scheme_versions v ON v.id = p.version_id"

json_t *assess_periods_list(db_conn *c, int *err)
{
    return db_query_rows(c, err, PERIOD_COLS " ORDER BY p.year DESC, COALESCE(p.half, 0) DESC, p.id DESC", "");
}

json_t *assess_period_get(db_conn *c, int64_t id, int *err)
{
    json_t *p = db_query_row(c, err, PERIOD_COLS " WHERE p.id = $1", "i", id);
    if (!p)
        return NULL;
    json_t *inds = indicators_of(c, dj_jint(p, "version_id", 0), err);
    json_object_set_new(p, "indicators", inds ? inds : json_array());
    if (err)
        *err = DJ_OK;
    return p;
}

static bool mode_valid(const char *mode, double value, struct assess_err *e)
{
    if (strcmp(mode, "top_n") == 0) {
        if (value < 1 || value > 1000 || value != (double)(int64_t)value)
            return fail(e, DJ_EINVAL, "selection_value", "评选名额须为 1 至 1000 的整数"), false;
    } else if (strcmp(mode, "threshold") == 0) {
        if (value <= 0 || value > 1000)
            return fail(e, DJ_EINVAL, "selection_value", "分数线须大于 0 且不超过方案满分"), false;
    } else {
        return fail(e, DJ_EINVAL, "selection_mode", "评选方式须为 top_n（前 N 名）或 threshold（分数线）"), false;
    }
    return true;
}

int assess_period_create(db_conn *c, const json_t *in, int64_t user_id, int64_t *id, struct assess_err *e)
{
    const char *kind = dj_jstr(in, "kind", "year");
    int year = (int)dj_jint(in, "year", 0);
    int half = (int)dj_jint(in, "half", 0);
    if (strcmp(kind, "half") == 0 && half != 1 && half != 2)
        return fail(e, DJ_EINVAL, "half", "半年度考评须指定上半年（1）或下半年（2）");
    if (strcmp(kind, "year") == 0 && dj_jhas(in, "half"))
        return fail(e, DJ_EINVAL, "half", "年度考评不能指定半年");
    struct assess_span sp;
    if (assess_span_make(year, strcmp(kind, "half") == 0 ? half : 0, dj_now(), &sp) != DJ_OK)
        return fail(e, DJ_EINVAL, "year", "年份不正确");
    const char *mode = dj_jstr(in, "selection_mode", "top_n");
    double value = dj_jhas(in, "selection_value") ? json_number_value(json_object_get(in, "selection_value")) : 3;
    if (!mode_valid(mode, value, e))
        return DJ_EINVAL;
    json_t *s = db_query_row(c, NULL,
                             "SELECT s.name, v.id AS version_id, v.total_max FROM assess_schemes s"
                             " JOIN assess_scheme_versions v ON v.scheme_id = s.id AND v.version = s.current_version"
                             " WHERE s.id = $1 AND s.archived = 0",
                             "i", dj_jint(in, "scheme_id", 0));
    if (!s)
        return fail(e, DJ_EINVAL, "scheme_id", "找不到该考评方案");
    if (strcmp(mode, "threshold") == 0 && value > json_number_value(json_object_get(s, "total_max"))) {
        json_decref(s);
        return fail(e, DJ_EINVAL, "selection_value", "分数线不能高于方案满分");
    }
    char name[200];
    if (dj_jhas(in, "name"))
        snprintf(name, sizeof name, "%s", dj_jstr(in, "name", ""));
    else
        snprintf(name, sizeof name, "%d年%s%s", year, half == 1 ? "上半年" : half == 2 ? "下半年" : "度",
                 dj_jstr(s, "name", ""));
    char at[21];
    now_iso(at);
    int rc = db_query_i64(c, id,
                          "INSERT INTO assess_periods (name, scheme_id, version_id, kind, year, half, starts_on,"
                          " ends_on, selection_mode, selection_value, created_by, created_at, updated_at)"
                          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
                          "tiitiitttdIt", name, dj_jint(in, "scheme_id", 0), dj_jint(s, "version_id", 0), kind,
                          (int64_t)year, (int64_t)(sp.half), sp.starts_on, sp.ends_on, mode, value, user_id, at);
    json_decref(s);
    if (rc == DJ_ECONFLICT)
        return fail(e, rc, "year", "该方案的这一考评期已存在");
    return rc;
}

/* Re-applies the period's selection rule to its totals. */
static int apply_selection(db_conn *c, int64_t period_id)
{
    json_t *p = db_query_row(c, NULL, "SELECT selection_mode, selection_value FROM assess_periods WHERE id = $1", "i",
                             period_id);
    json_t *rows = db_query_rows(c, NULL, "SELECT org_id, total, rank FROM assess_totals WHERE period_id = $1", "i",
                                 period_id);
    int rc = p && rows ? DJ_OK : DJ_EDB;
    size_t n = json_array_size(rows);
    double *tot = dj_calloc(n + 1, sizeof *tot);
    int *rk = dj_calloc(n + 1, sizeof *rk);
    bool *sel = dj_calloc(n + 1, sizeof *sel);
    for (size_t i = 0; i < n; i++) {
        tot[i] = json_number_value(json_object_get(json_array_get(rows, i), "total"));
        rk[i] = (int)dj_jint(json_array_get(rows, i), "rank", 0);
    }
    if (rc == DJ_OK)
        assess_select(tot, rk, n,
                      strcmp(dj_jstr(p, "selection_mode", ""), "threshold") == 0 ? ASSESS_THRESHOLD : ASSESS_TOP_N,
                      json_number_value(json_object_get(p, "selection_value")), sel);
    for (size_t i = 0; i < n && rc == DJ_OK; i++)
        rc = db_exec(c, "UPDATE assess_totals SET selected = $3 WHERE period_id = $1 AND org_id = $2", "iib", period_id,
                     dj_jint(json_array_get(rows, i), "org_id", 0), (int)sel[i]);
    free(tot);
    free(rk);
    free(sel);
    json_decref(p);
    json_decref(rows);
    return rc;
}

static int period_state(db_conn *c, int64_t id, char **state, struct assess_err *e)
{
    if (db_query_text(c, state, "SELECT state FROM assess_periods WHERE id = $1", "i", id) != DJ_OK || !*state)
        return fail(e, DJ_ENOTFOUND, "id", "找不到该考评期");
    return DJ_OK;
}

int assess_period_selection(db_conn *c, int64_t id, const char *mode, double value, struct assess_err *e)
{
    char *state;
    int rc = period_state(c, id, &state, e);
    if (rc)
        return rc;
    bool open = strcmp(state, "open") == 0;
    free(state);
    if (!open)
        return fail(e, DJ_ECONFLICT, "state", "考评结果已公示，不能再修改评选方式");
    if (!mode_valid(mode, value, e))
        return DJ_EINVAL;
    char at[21];
    now_iso(at);
    rc = db_exec(c, "UPDATE assess_periods SET selection_mode = $2, selection_value = $3, updated_at = $4 WHERE id = $1",
                 "itdt", id, mode, value, at);
    return rc ? rc : apply_selection(c, id);
}

/* ---------------------------------------------------------------- scores */

json_t *assess_own_paths(db_conn *c, int64_t user_id, int *err)
{
    json_t *out = json_array();
    json_t *rows = db_query_rows(c, err,
                                 "SELECT o.path FROM users u JOIN people p ON p.id = u.person_id"
                                 " JOIN orgs o ON o.id = p.org_id WHERE u.id = $1",
                                 "i", user_id);
    json_array_extend(out, rows);
    json_decref(rows);
    /* grants that make the user one of an organisation (not the assessor's own capacity) */
    rows = db_query_rows(c, err, "SELECT o.path, g.role FROM grants g JOIN orgs o ON o.id = g.org_id WHERE g.user_id = $1",
                         "i", user_id);
    size_t i;
    json_t *g;
    json_array_foreach(rows, i, g) if (!auth_role_has(dj_jstr(g, "role", ""), "assess.score"))
        json_array_append(out, g);
    json_decref(rows);
    return out;
}

int assess_score_save(db_conn *c, int64_t period_id, int64_t org_id, int64_t indicator_id, int64_t assessor_id,
                      const char *const *own_paths, size_t nown, double score, const char *comment,
                      struct assess_err *e)
{
    json_t *p = db_query_row(c, NULL, "SELECT state, version_id FROM assess_periods WHERE id = $1", "i", period_id);
    if (!p)
        return fail(e, DJ_ENOTFOUND, "id", "找不到该考评期");
    bool open = strcmp(dj_jstr(p, "state", ""), "open") == 0;
    int64_t version_id = dj_jint(p, "version_id", 0);
    json_decref(p);
    if (!open)
        return fail(e, DJ_ECONFLICT, "state", "考评结果已进入公示，不能再评分");
    json_t *ind = db_query_row(c, NULL, "SELECT kind, max_score, name FROM assess_indicators WHERE id = $1 AND version_id = $2",
                               "ii", indicator_id, version_id);
    if (!ind)
        return fail(e, DJ_EINVAL, "indicator_id", "该指标不属于本考评期的方案");
    bool scored = strcmp(dj_jstr(ind, "kind", ""), "scored") == 0;
    double max = json_number_value(json_object_get(ind, "max_score"));
    json_decref(ind);
    if (!scored)
        return fail(e, DJ_EINVAL, "indicator_id", "该指标由平台数据自动计算，不能人工评分");
    if (score < 0 || score > max)
        return fail(e, DJ_EINVAL, "score", "评分须在 0 至 %g 之间", max);
    char *path = NULL;
    if (db_query_text(c, &path, "SELECT path FROM orgs WHERE id = $1 AND kind = 'branch'", "i", org_id) != DJ_OK)
        return fail(e, DJ_EINVAL, "org_id", "只能对党支部评分");
    bool may = assess_may_score(own_paths, nown, path);
    free(path);
    if (!may)
        return fail(e, DJ_EFORBIDDEN, "org_id", "考评人不能为本人所在的支部评分");
    char at[21];
    now_iso(at);
    return db_exec(c,
                   "INSERT INTO assess_scores (period_id, org_id, indicator_id, assessor_id, score, comment, created_at,"
                   " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)"
                   " ON CONFLICT (period_id, org_id, indicator_id, assessor_id)"
                   " DO UPDATE SET score = excluded.score, comment = excluded.comment, updated_at = excluded.updated_at",
                   "iiiidtt", period_id, org_id, indicator_id, assessor_id, score, comment, at);
}

/* ---------------------------------------------------------------- computation */

struct ind {
    int64_t id;
    const char *code, *kind;
    double max, target;
    const struct assess_provider *prov;
};

/* A scored indicator: the mean of the assessors' scores, with who said what. */
static int scored_value(db_conn *c, int64_t period_id, int64_t org_id, const struct ind *in, struct assess_value *v)
{
    json_t *rows = db_query_rows(c, NULL,
                                 "SELECT s.id, s.score, s.comment, s.updated_at, u.name AS assessor FROM assess_scores s"
                                 " JOIN users u ON u.id = s.assessor_id"
                                 " WHERE s.period_id = $1 AND s.org_id = $2 AND s.indicator_id = $3 ORDER BY s.id",
                                 "iii", period_id, org_id, in->id);
    if (!rows)
        return DJ_EDB;
    size_t n = json_array_size(rows);
    double *vals = dj_calloc(n + 1, sizeof *vals);
    v->evidence = json_pack("{s:[], s:I, s:b}", "records", "count", (json_int_t)n, "truncated", 0);
    for (size_t i = 0; i < n; i++) {
        json_t *r = json_array_get(rows, i);
        vals[i] = json_number_value(json_object_get(r, "score"));
        json_array_append_new(json_object_get(v->evidence, "records"),
                              json_pack("{s:s, s:O, s:s, s:O, s:O, s:O}", "type", "score", "id", json_object_get(r, "id"),
                                        "label", dj_jstr(r, "assessor", ""), "score", json_object_get(r, "score"),
                                        "comment", json_object_get(r, "comment"), "at", json_object_get(r, "updated_at")));
    }
    double m = assess_mean(vals, n);
    if (m < 0) {
        snprintf(v->reason, sizeof v->reason, "尚无考评人评分");
    } else {
        v->available = true;
        v->value = assess_round2(m);
        snprintf(v->detail, sizeof v->detail, "%zu 位考评人评分的平均值", n);
    }
    free(vals);
    json_decref(rows);
    return DJ_OK;
}

int assess_compute(db_conn *c, int64_t period_id, int64_t now, int *nbranches, struct assess_err *e)
{
    json_t *p = db_query_row(c, NULL,
                             "SELECT p.state, p.year, p.half, p.version_id, v.total_max FROM assess_periods p"
                             " JOIN assess_scheme_versions v ON v.id = p.version_id WHERE p.id = $1",
                             "i", period_id);
    if (!p)
        return fail(e, DJ_ENOTFOUND, "id", "找不到该考评期");
    int rc = DJ_OK;
    json_t *inds = NULL, *orgs = NULL;
    struct ind *iv = NULL;
    double *scores = NULL, *maxes = NULL, *totals = NULL;
    bool *appl = NULL, *sel = NULL;
    int *ranks = NULL;
    struct assess_hours *hours = NULL;
    if (strcmp(dj_jstr(p, "state", ""), "open") != 0) {
        rc = fail(e, DJ_ECONFLICT, "state", "考评结果已公示，不能重新计算");
        goto out;
    }
    struct assess_span sp;
    assess_span_make((int)dj_jint(p, "year", 0), (int)dj_jint(p, "half", 0), now, &sp);
    /* one pass over the span's attendance instead of one per branch and indicator */
    if ((rc = assess_hours_load(c, &sp, &hours)) != DJ_OK)
        goto out;
    sp.hours = hours;
    double total_max = json_number_value(json_object_get(p, "total_max"));
    inds = db_query_rows(c, &rc, "SELECT id, code, kind, max_score, target, provider FROM assess_indicators"
                                 " WHERE version_id = $1 ORDER BY seq",
                         "i", dj_jint(p, "version_id", 0));
    orgs = db_query_rows(c, &rc, "SELECT id, path, name FROM orgs WHERE kind = 'branch' AND dissolved_on IS NULL"
                                 " ORDER BY path",
                         "");
    if (!inds || !orgs) {
        rc = rc ? rc : DJ_EDB;
        goto out;
    }
    size_t ni = json_array_size(inds), no = json_array_size(orgs);
    iv = dj_calloc(ni + 1, sizeof *iv);
    for (size_t i = 0; i < ni; i++) {
        json_t *it = json_array_get(inds, i);
        iv[i].id = dj_jint(it, "id", 0);
        iv[i].code = dj_jstr(it, "code", "");
        iv[i].kind = dj_jstr(it, "kind", "");
        iv[i].max = json_number_value(json_object_get(it, "max_score"));
        iv[i].target = json_number_value(json_object_get(it, "target"));
        iv[i].prov = assess_provider_find(dj_jstr(it, "provider", NULL));
    }
    rc = db_exec(c, "DELETE FROM assess_results WHERE period_id = $1", "i", period_id);
    if (rc == DJ_OK)
        rc = db_exec(c, "DELETE FROM assess_totals WHERE period_id = $1", "i", period_id);
    scores = dj_calloc(ni + 1, sizeof *scores);
    maxes = dj_calloc(ni + 1, sizeof *maxes);
    appl = dj_calloc(ni + 1, sizeof *appl);
    totals = dj_calloc(no + 1, sizeof *totals);
    double *raws = dj_calloc(no + 1, sizeof *raws), *amaxes = dj_calloc(no + 1, sizeof *amaxes);
    for (size_t o = 0; o < no && rc == DJ_OK; o++) {
        json_t *org = json_array_get(orgs, o);
        struct assess_org ao = {dj_jint(org, "id", 0), dj_jstr(org, "path", ""), dj_jstr(org, "name", "")};
        for (size_t i = 0; i < ni && rc == DJ_OK; i++) {
            struct assess_value v;
            memset(&v, 0, sizeof v);
            if (strcmp(iv[i].kind, "scored") == 0)
                rc = scored_value(c, period_id, ao.id, &iv[i], &v);
            else if (iv[i].prov)
                rc = iv[i].prov->compute(c, &ao, &sp, &v);
            else
                snprintf(v.reason, sizeof v.reason, "数据不可用：未知的计算方法");
            if (rc != DJ_OK) {
                json_decref(v.evidence);
                break;
            }
            maxes[i] = iv[i].max;
            appl[i] = v.available;
            if (v.available)
                scores[i] = strcmp(iv[i].kind, "scored") == 0 ? assess_round2(v.value > iv[i].max ? iv[i].max : v.value)
                                                              : assess_scale(v.value, iv[i].target, iv[i].max);
            else
                scores[i] = 0;
            if (!v.evidence)
                v.evidence = json_object();
            if (v.available)
                rc = db_exec(c,
                             "INSERT INTO assess_results (period_id, org_id, indicator_id, value, score, detail, reason,"
                             " evidence) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                             "iiiddttj", period_id, ao.id, iv[i].id, v.value, scores[i], v.detail[0] ? v.detail : NULL,
                             v.reason[0] ? v.reason : NULL, v.evidence);
            else
                rc = db_exec(c,
                             "INSERT INTO assess_results (period_id, org_id, indicator_id, value, score, detail, reason,"
                             " evidence) VALUES ($1, $2, $3, NULL, NULL, $4, $5, $6)",
                             "iiittj", period_id, ao.id, iv[i].id, v.detail[0] ? v.detail : NULL,
                             v.reason[0] ? v.reason : NULL, v.evidence);
            json_decref(v.evidence);
        }
        totals[o] = assess_total(scores, maxes, appl, ni, total_max, &raws[o], &amaxes[o]);
    }
    ranks = dj_calloc(no + 1, sizeof *ranks);
    sel = dj_calloc(no + 1, sizeof *sel);
    if (rc == DJ_OK)
        assess_rank(totals, no, ranks);
    for (size_t o = 0; o < no && rc == DJ_OK; o++)
        rc = db_exec(c,
                     "INSERT INTO assess_totals (period_id, org_id, raw_total, applicable_max, total, rank)"
                     " VALUES ($1, $2, $3, $4, $5, $6)",
                     "iidddi", period_id, dj_jint(json_array_get(orgs, o), "id", 0), raws[o], amaxes[o], totals[o],
                     (int64_t)ranks[o]);
    free(raws);
    free(amaxes);
    if (rc == DJ_OK)
        rc = apply_selection(c, period_id);
    if (rc == DJ_OK) {
        char at[21];
        dj_time_iso(now, at);
        rc = db_exec(c, "UPDATE assess_periods SET computed_at = $2, updated_at = $2 WHERE id = $1", "it", period_id,
                     at);
    }
    if (nbranches)
        *nbranches = (int)no;
out:
    assess_hours_free(hours);
    free(iv);
    free(scores);
    free(maxes);
    free(appl);
    free(totals);
    free(ranks);
    free(sel);
    json_decref(inds);
    json_decref(orgs);
    json_decref(p);
    return rc;
}

static void day_text(int64_t day, char out[11])
{
    int y, m, d;
    dj_civil_from_days(day, &y, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

static int64_t today_of(int64_t now)
{
    int y, m, d;
    dj_local_date(now, &y, &m, &d);
    return dj_days_from_civil(y, m, d);
}

int assess_publish(db_conn *c, int64_t period_id, int64_t now, struct assess_err *e)
{
    int rc;
    json_t *p = db_query_row(c, &rc, "SELECT state, computed_at FROM assess_periods WHERE id = $1", "i", period_id);
    if (!p)
        return rc == DJ_ENOTFOUND ? fail(e, DJ_ENOTFOUND, "id", "找不到该考评期") : rc;
    bool open = strcmp(dj_jstr(p, "state", ""), "open") == 0, computed = dj_jstr(p, "computed_at", NULL) != NULL;
    json_decref(p);
    if (!open)
        return fail(e, DJ_ECONFLICT, "state", "该考评期已公示");
    if (!computed)
        return fail(e, DJ_ECONFLICT, "state", "请先计算考评结果再公示");
    int64_t selected = 0;
    rc = db_query_i64(c, &selected, "SELECT COUNT(*) FROM assess_totals WHERE period_id = $1 AND selected = 1", "i",
                      period_id);
    if (rc)
        return rc;
    if (selected == 0)
        return fail(e, DJ_ECONFLICT, "selection_value", "按当前评选方式没有入选的支部，请调整评选名额或分数线");
    /* at least 5 working days (DOMAIN §5), more when the setting says so */
    int64_t days = dj_setting_int(c, "assess.publicity_days", 5);
    if (days < 5)
        days = 5;
    char at[21], end[11];
    dj_time_iso(now, at);
    day_text(assess_publicity_end(today_of(now), (int)days), end);
    return db_exec(c,
                   "UPDATE assess_periods SET state = 'publicity', published_at = $2, publicity_days = $3,"
                   " publicity_ends_on = $4, updated_at = $2 WHERE id = $1",
                   "itit", period_id, at, days, end);
}

int assess_finalise(db_conn *c, int64_t period_id, int64_t now, struct assess_err *e)
{
    json_t *p = db_query_row(c, NULL, "SELECT state, publicity_ends_on FROM assess_periods WHERE id = $1", "i",
                             period_id);
    if (!p)
        return fail(e, DJ_ENOTFOUND, "id", "找不到该考评期");
    int rc = DJ_OK;
    if (strcmp(dj_jstr(p, "state", ""), "publicity") != 0) {
        rc = fail(e, DJ_ECONFLICT, "state",
                  strcmp(dj_jstr(p, "state", ""), "final") == 0 ? "考评结果已确定" : "考评结果须先公示");
        goto out;
    }
    int y, m, d;
    if (dj_date_parse(dj_jstr(p, "publicity_ends_on", ""), &y, &m, &d) != DJ_OK ||
        today_of(now) <= dj_days_from_civil(y, m, d)) {
        rc = fail(e, DJ_ECONFLICT, "state", "公示期至 %s 结束，期满后才能确定结果", dj_jstr(p, "publicity_ends_on", ""));
        goto out;
    }
    char at[21];
    dj_time_iso(now, at);
    rc = db_exec(c, "UPDATE assess_periods SET state = 'final', finalised_at = $2, updated_at = $2 WHERE id = $1", "it",
                 period_id, at);
out:
    json_decref(p);
    return rc;
}

/* ---------------------------------------------------------------- results */

json_t *assess_results(db_conn *c, int64_t period_id, const char *scope_sql, bool with_evidence, int *err)
{
    char *sql = dj_asprintf("SELECT t.org_id, o.name AS org_name, o.brand_name, t.rank, t.total, t.raw_total,"
                            " t.applicable_max, t.selected AS selected__bool FROM assess_totals t"
                            " JOIN orgs o ON o.id = t.org_id WHERE t.period_id = $1 AND %s ORDER BY t.rank, o.path",
                            scope_sql ? scope_sql : "1=1");
    json_t *items = db_query_rows_dynamic(c, err, sql, "i", period_id);
    free(sql);
    if (!items)
        return NULL;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        json_t *f = with_evidence
                        ? db_query_rows(c, err,
                                        "SELECT r.indicator_id, a.code, r.value, r.score, r.detail, r.reason,"
                                        " r.evidence AS evidence__json FROM assess_results r"
                                        " JOIN assess_indicators a ON a.id = r.indicator_id"
                                        " WHERE r.period_id = $1 AND r.org_id = $2 ORDER BY a.seq",
                                        "ii", period_id, dj_jint(it, "org_id", 0))
                        : db_query_rows(c, err,
                                        "SELECT r.indicator_id, a.code, r.value, r.score, r.detail, r.reason"
                                        " FROM assess_results r JOIN assess_indicators a ON a.id = r.indicator_id"
                                        " WHERE r.period_id = $1 AND r.org_id = $2 ORDER BY a.seq",
                                        "ii", period_id, dj_jint(it, "org_id", 0));
        if (!f) {
            json_decref(items);
            return NULL;
        }
        json_object_set_new(it, "indicators", f);
    }
    return items;
}

json_t *assess_history(db_conn *c, int64_t org_id, int *err)
{
    return db_query_rows(c, err,
                         "SELECT p.id AS period_id, p.name, p.year, p.half, p.state, s.name AS scheme_name, t.total,"
                         " t.rank, t.selected AS selected__bool, v.total_max,"
                         " (SELECT COUNT(*) FROM assess_totals x WHERE x.period_id = p.id) AS branches"
                         " FROM assess_totals t JOIN assess_periods p ON p.id = t.period_id"
                         " JOIN assess_schemes s ON s.id = p.scheme_id"
                         " JOIN assess_scheme_versions v ON v.id = p.version_id"
                         " WHERE t.org_id = $1 ORDER BY p.year DESC, COALESCE(p.half, 0) DESC, p.id DESC",
                         "i", org_id);
}

json_t *assess_latest_ranking(db_conn *c, int n, int *err)
{
    json_t *p = db_query_row(c, err,
                             "SELECT p.id, p.name, p.state, p.computed_at, v.total_max FROM assess_periods p"
                             " JOIN assess_scheme_versions v ON v.id = p.version_id"
                             " WHERE p.computed_at IS NOT NULL ORDER BY p.year DESC, COALESCE(p.half, 0) DESC,"
                             " p.computed_at DESC LIMIT 1",
                             "");
    if (!p) {
        if (err && *err == DJ_ENOTFOUND)
            *err = DJ_OK;
        return json_pack("{s:n, s:[]}", "period", "items");
    }
    json_t *items = db_query_rows(c, err,
                                  "SELECT t.org_id, o.name AS org_name, t.total, t.rank, t.selected AS selected__bool"
                                  " FROM assess_totals t JOIN orgs o ON o.id = t.org_id WHERE t.period_id = $1"
                                  " ORDER BY t.rank, o.path LIMIT $2",
                                  "ii", dj_jint(p, "id", 0), (int64_t)n);
    return json_pack("{s:o, s:o}", "period", p, "items", items ? items : json_array());
}
