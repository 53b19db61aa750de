/* assess_providers.c - the computed indicators: one provider per figure the
 * platform can compute from its own data for a branch and a period, each with
 * the formula shown to the user.  A provider reads the tables of the module
 * that owns the data (organisational life, points, work lists); when that
 * module's table is not in the database, it answers "数据不可用" with a null
 * value, never a made-up number.  The arithmetic is in assess.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/mem.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "../life/life.h"
#include "assess.h"

#define EV_MAX 200 /* records kept per figure; the count is always complete */

bool assess_table_exists(db_conn *c, const char *table)
{
    int64_t n = 0;
    int rc;
    if (strcmp(db_driver_of(c)->name, "sqlite") == 0)
        rc = db_query_i64(c, &n, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1", "t", table);
    else
        rc = db_query_i64(c, &n, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = $1", "t", table);
    return rc == DJ_OK && n > 0;
}

/* --- evidence: {"records":[…], "count":N, "truncated":bool} --- */

static json_t *ev_new(void) { return json_pack("{s:o, s:i, s:b}", "records", json_array(), "count", 0, "truncated", 0); }

/* Takes the reference to rec. */
static void ev_add(json_t *ev, json_t *rec)
{
    json_t *recs = json_object_get(ev, "records");
    json_int_t count = json_integer_value(json_object_get(ev, "count")) + 1;
    json_object_set_new(ev, "count", json_integer(count));
    if (json_array_size(recs) < EV_MAX)
        json_array_append_new(recs, rec);
    else {
        json_object_set_new(ev, "truncated", json_true());
        json_decref(rec);
    }
}

static int unavailable(struct assess_value *v, const char *table, const char *module)
{
    v->available = false;
    snprintf(v->reason, sizeof v->reason, "数据不可用：%s模块的数据表 %s 尚未建立", module, table);
    return DJ_OK;
}

static int not_applicable(struct assess_value *v, const char *why)
{
    v->available = false;
    snprintf(v->reason, sizeof v->reason, "不适用：%s", why);
    return DJ_OK;
}


static void iso_bounds(const struct assess_span *p, char a[21], char b[21])
{
    dj_time_iso(p->start, a);
    dj_time_iso(p->end, b);
}

/* The day (days since 1970-01-01, Shanghai) of a YYYY-MM-DD or an ISO instant; -1 for none. */
static int64_t day_of(const char *s)
{
    int y, m, d;
    int64_t t;
    if (!s || !*s)
        return -1;
    if (strlen(s) == 10 && dj_date_parse(s, &y, &m, &d) == DJ_OK)
        return dj_days_from_civil(y, m, d);
    if (dj_time_parse(s, &t) == DJ_OK) {
        dj_local_date(t, &y, &m, &d);
        return dj_days_from_civil(y, m, d);
    }
    return -1;
}

/* ---------------------------------------------------------------- compliance 三会一课 + 主题党日 */

struct req_def {
    const char *kind;
    const char *name;
    enum assess_freq freq;
};

static const char *freq_code(enum assess_freq f, int idx, int year, char out[16])
{
    if (f == ASSESS_MONTH)
        snprintf(out, 16, "%04d-%02d", year, idx);
    else if (f == ASSESS_QUARTER)
        snprintf(out, 16, "%04d-Q%d", year, idx);
    else
        snprintf(out, 16, "%04d", year);
    return out;
}

/* 三会一课 (支部党员大会, 支委会, 党小组会, 党课) and the 主题党日. */
static bool scored_requirement(const char *kind)
{
    static const char *const kinds[] = {"branch_assembly", "committee_meeting", "group_meeting", "party_lecture",
                                        "theme_day", NULL};
    for (int i = 0; kinds[i]; i++)
        if (strcmp(kinds[i], kind) == 0)
            return true;
    return false;
}

static enum assess_freq freq_of(enum life_freq f)
{
    return f == LIFE_MONTH ? ASSESS_MONTH : f == LIFE_QUARTER ? ASSESS_QUARTER : ASSESS_YEAR;
}

struct act_row {
    int64_t id, org_id, starts;
    char *kind, *title;
};

/* Evaluates one requirement over the activities that count for it; adds evidence. */
static void eval_requirement(const struct req_def *rq, const char *org_name, const struct act_row *acts, size_t n,
                             int64_t only_org, const struct assess_span *p, const struct life_span *life, int *met,
                             int *due, json_t *ev)
{
    int64_t *starts = dj_calloc(n + 1, sizeof *starts);
    size_t *idx = dj_calloc(n + 1, sizeof *idx);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(acts[i].kind, rq->kind) == 0 && (!only_org || acts[i].org_id == only_org)) {
            starts[k] = acts[i].starts;
            idx[k++] = i;
        }
    struct assess_cell cells[12];
    int nc = assess_requirement_cells_in(rq->freq, p, life->from, life->until, starts, k, met, due, cells);
    for (int i = 0; i < nc; i++) {
        char code[16];
        freq_code(rq->freq, cells[i].index, cells[i].year, code);
        static const char *const st[] = {"done", "missing", "not_due", "not_applicable"};
        json_t *rec = json_pack("{s:s, s:s, s:s, s:s, s:s}", "type", "requirement", "kind", rq->kind, "label",
                                rq->name, "period", code, "status", st[cells[i].status]);
        if (org_name)
            json_object_set_new(rec, "org", json_string(org_name));
        if (cells[i].act >= 0) {
            const struct act_row *a = &acts[idx[cells[i].act]];
            json_object_set_new(rec, "activity_id", json_integer(a->id));
            json_object_set_new(rec, "activity_title", json_string(a->title));
        }
        ev_add(ev, rec);
    }
    free(starts);
    free(idx);
}

static int prov_compliance(db_conn *c, const struct assess_org *org, const struct assess_span *p,
                           struct assess_value *v)
{
    if (!assess_table_exists(c, "activities"))
        return unavailable(v, "activities", "组织生活");
    char a[21], b[21];
    iso_bounds(p, a, b);
    const char *subtree = org->path;
    struct act_row *acts = NULL;
    size_t n = 0, cap = 0;
    int rc = DJ_OK;
    /* CROSS JOIN keeps the branch's few orgs as the outer loop, so the (org_id, starts_at)
     * index is used instead of a scan of the whole year's activities */
    db_stmt *s = db_prep(c, "SELECT a.id, a.org_id, a.kind, a.starts_at, a.title FROM orgs o CROSS JOIN activities a"
                            " WHERE a.org_id = o.id AND o.path >= $1 AND o.path < $1 || ':' AND a.state IN ('held', 'closed')"
                            " AND a.starts_at >= $2 AND a.starts_at < $3 ORDER BY a.starts_at, a.id");
    if (!s || (rc = db_bind(s, "ttt", subtree, a, b)) != DJ_OK) {
        rc = rc ? rc : DJ_EDB;
        goto out;
    }
    while ((rc = db_step(s)) == DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            acts = dj_realloc(acts, cap * sizeof *acts);
        }
        struct act_row *r = &acts[n++];
        r->id = db_col_i64(s, 0);
        r->org_id = db_col_i64(s, 1);
        r->kind = dj_strdup(db_col_text(s, 2));
        r->starts = 0;
        dj_time_parse(db_col_text(s, 3), &r->starts);
        r->title = dj_strdup(db_col_text(s, 4) ? db_col_text(s, 4) : "");
    }
    db_done(s);
    if (rc != DB_DONE)
        goto out;
    rc = DJ_OK;

    /* the groups of the branch: each holds its own monthly 党小组会 */
    json_t *groups = db_query_rows(c, &rc,
                                   "SELECT id, name FROM orgs WHERE path >= $1 AND path < $1 || ':' AND kind = 'group'"
                                   " AND dissolved_on IS NULL ORDER BY sort, id",
                                   "t", subtree);
    if (!groups)
        goto out;
    /* the requirements are organisational life's own (life_requirements, DOMAIN §3), with
     * the 党课 period from its setting; the 三会一课 and the 主题党日 are the ones scored here */
    char *lp = dj_setting_text(c, "life.party_lecture_period", "quarter");
    enum life_freq lecture = LIFE_QUARTER;
    life_freq_parse(lp, &lecture);
    free(lp);
    struct life_requirement lr[LIFE_MAX_REQS];
    /* a 支部 without a committee owes no 支委会; periods before its set-up or after
     * its dissolution owe nothing (life_org_facts, DOMAIN §2–3) */
    struct life_org_facts facts;
    if ((rc = life_org_facts(c, org->id, &facts)) != DJ_OK) {
        json_decref(groups);
        goto out;
    }
    int nlr = life_requirements(json_array_size(groups) > 0, facts.has_committee, lecture, lr);
    int met = 0, due = 0;
    v->evidence = ev_new();
    for (int i = 0; i < nlr; i++) {
        if (!scored_requirement(lr[i].code))
            continue;
        struct req_def rq = {lr[i].code, lr[i].name, freq_of(lr[i].freq)};
        if (strcmp(rq.kind, "group_meeting") != 0) {
            eval_requirement(&rq, NULL, acts, n, 0, p, &facts.span, &met, &due, v->evidence);
            continue;
        }
        size_t g;
        json_t *grp;
        json_array_foreach(groups, g, grp)
            eval_requirement(&rq, dj_jstr(grp, "name", ""), acts, n, dj_jint(grp, "id", 0), p, &facts.span, &met,
                             &due, v->evidence);
    }
    json_decref(groups);
    if (due == 0) {
        not_applicable(v, "本期尚无到期的组织生活要求");
    } else {
        v->available = true;
        v->value = (double)met / due;
        snprintf(v->detail, sizeof v->detail, "落实 %d / %d 项次", met, due);
    }
out:
    for (size_t i = 0; i < n; i++) {
        free(acts[i].kind);
        free(acts[i].title);
    }
    free(acts);
    return rc;
}

/* ---------------------------------------------------------------- attendance 平均出勤率 */

static int prov_attendance(db_conn *c, const struct assess_org *org, const struct assess_span *p,
                           struct assess_value *v)
{
    if (!assess_table_exists(c, "attendance"))
        return unavailable(v, "attendance", "组织生活");
    char a[21], b[21];
    iso_bounds(p, a, b);
    const char *subtree = org->path;
    int *num = NULL, *den = NULL;
    size_t n = 0, cap = 0;
    int rc = DJ_OK;
    db_stmt *s = db_prep(c, "SELECT a.id, a.title, a.starts_at,"
                            " (SELECT COUNT(*) FROM activity_people ap WHERE ap.activity_id = a.id),"
                            " (SELECT COUNT(*) FROM attendance t JOIN activity_people ap"
                            "   ON ap.activity_id = t.activity_id AND ap.person_id = t.person_id"
                            "   WHERE t.activity_id = a.id)"
                            " FROM orgs o CROSS JOIN activities a"
                            " WHERE a.org_id = o.id AND o.path >= $1 AND o.path < $1 || ':' AND a.state IN ('held', 'closed')"
                            " AND a.kind IN ('branch_assembly', 'committee_meeting', 'group_meeting',"
                            "                'party_lecture', 'theme_day')"
                            " AND a.starts_at >= $2 AND a.starts_at < $3 ORDER BY a.starts_at, a.id");
    if (!s || (rc = db_bind(s, "ttt", subtree, a, b)) != DJ_OK) {
        rc = rc ? rc : DJ_EDB;
        goto out;
    }
    v->evidence = ev_new();
    int present = 0, expected = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            num = dj_realloc(num, cap * sizeof *num);
            den = dj_realloc(den, cap * sizeof *den);
        }
        den[n] = (int)db_col_i64(s, 3);
        num[n] = (int)db_col_i64(s, 4);
        present += num[n];
        expected += den[n];
        ev_add(v->evidence, json_pack("{s:s, s:I, s:s, s:s, s:i, s:i}", "type", "activity", "id",
                                      (json_int_t)db_col_i64(s, 0), "label", db_col_text(s, 1), "starts_at",
                                      db_col_text(s, 2), "present", num[n], "expected", den[n]));
        n++;
    }
    db_done(s);
    if (rc != DB_DONE)
        goto out;
    rc = DJ_OK;
    double r = assess_mean_ratio(num, den, n);
    if (r < 0) {
        not_applicable(v, "本期没有已召开的三会一课或主题党日");
    } else {
        v->available = true;
        v->value = r;
        snprintf(v->detail, sizeof v->detail, "%zu 次活动，实到 %d / 应到 %d 人次", n, present, expected);
    }
out:
    free(num);
    free(den);
    return rc;
}

/* ---------------------------------------------------------------- hours cache */

/* Every member's study and volunteer hours for a span, from one pass over the span's
 * study and service activities; sorted by person for bsearch. */
struct assess_hours {
    size_t n;
    int64_t *person;
    double *study, *volunteer;
};

int assess_hours_load(db_conn *c, const struct assess_span *p, struct assess_hours **out)
{
    *out = NULL;
    if (!assess_table_exists(c, "attendance"))
        return DJ_OK; /* the providers say why */
    char a[21], b[21];
    iso_bounds(p, a, b);
    struct assess_hours *h = dj_calloc(1, sizeof *h);
    size_t cap = 0;
    int rc = DJ_OK;
    db_stmt *s = db_prep(c, "SELECT t.person_id, SUM(a.study_hours), SUM(a.volunteer_hours) FROM activities a"
                            " JOIN attendance t ON t.activity_id = a.id"
                            " WHERE a.starts_at >= $1 AND a.starts_at < $2 AND a.state IN ('held', 'closed')"
                            " AND (a.study_hours > 0 OR a.volunteer_hours > 0)"
                            " GROUP BY t.person_id ORDER BY t.person_id");
    if (!s || (rc = db_bind(s, "tt", a, b)) != DJ_OK) {
        assess_hours_free(h);
        return rc ? rc : DJ_EDB;
    }
    while ((rc = db_step(s)) == DB_ROW) {
        if (h->n == cap) {
            cap = cap ? cap * 2 : 256;
            h->person = dj_realloc(h->person, cap * sizeof *h->person);
            h->study = dj_realloc(h->study, cap * sizeof *h->study);
            h->volunteer = dj_realloc(h->volunteer, cap * sizeof *h->volunteer);
        }
        h->person[h->n] = db_col_i64(s, 0);
        h->study[h->n] = db_col_double(s, 1);
        h->volunteer[h->n++] = db_col_double(s, 2);
    }
    db_done(s);
    if (rc != DB_DONE) {
        assess_hours_free(h);
        return rc;
    }
    *out = h;
    return DJ_OK;
}

void assess_hours_free(struct assess_hours *h)
{
    if (!h)
        return;
    free(h->person);
    free(h->study);
    free(h->volunteer);
    free(h);
}

static double hours_of(const struct assess_hours *h, int64_t person, bool volunteer)
{
    size_t lo = 0, hi = h->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (h->person[mid] < person)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < h->n && h->person[lo] == person)
        return volunteer ? h->volunteer[lo] : h->study[lo];
    return 0;
}

/* ---------------------------------------------------------------- per-member sums */

static int member_values_h(db_conn *c, const char *sql, const char *subtree, const char *x2, const char *x3,
                           const struct assess_hours *h, bool volunteer, double **vals, size_t *n, json_t *ev,
                           const char *key, double threshold);

/* Party members of the branch with a per-member figure from sql ($1 subtree, $2, $3). */
static int member_values(db_conn *c, const char *sql, const char *subtree, const char *x2, const char *x3,
                         double **vals, size_t *n, json_t *ev, const char *key, double threshold)
{
    return member_values_h(c, sql, subtree, x2, x3, NULL, false, vals, n, ev, key, threshold);
}

/* The same, with the hours taken from a span's cache when h is not NULL (only the
 * branch's members are read then). */
static int member_values_h(db_conn *c, const char *sql, const char *subtree, const char *x2, const char *x3,
                           const struct assess_hours *h, bool volunteer, double **vals, size_t *n, json_t *ev,
                           const char *key, double threshold)
{
    size_t cap = 0;
    int rc = DJ_OK;
    db_stmt *s = h ? db_prep(c, "SELECT p.id, p.name FROM orgs o CROSS JOIN people p"
                                " WHERE p.org_id = o.id AND o.path >= $1 AND o.path < $1 || ':' AND p.active = 1"
                                " AND p.party_status IN ('full', 'probationary') ORDER BY p.id")
                   : db_prep(c, sql);
    if (!s || (rc = h ? db_bind(s, "t", subtree) : db_bind(s, "ttt", subtree, x2, x3)) != DJ_OK)
        return rc ? rc : DJ_EDB;
    while ((rc = db_step(s)) == DB_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            *vals = dj_realloc(*vals, cap * sizeof **vals);
        }
        double x = h ? hours_of(h, db_col_i64(s, 0), volunteer) : db_col_double(s, 2);
        (*vals)[(*n)++] = x;
        json_t *rec = json_pack("{s:s, s:I, s:s, s:f}", "type", "person", "id", (json_int_t)db_col_i64(s, 0),
                                "label", db_col_text(s, 1), key, x);
        if (threshold >= 0)
            json_object_set_new(rec, "ok", json_boolean(x + 1e-9 >= threshold));
        ev_add(ev, rec);
    }
    db_done(s);
    return rc == DB_DONE ? DJ_OK : rc;
}

static int prov_study_hours(db_conn *c, const struct assess_org *org, const struct assess_span *p,
                            struct assess_value *v)
{
    if (!assess_table_exists(c, "attendance"))
        return unavailable(v, "attendance", "组织生活");
    char a[21], b[21];
    iso_bounds(p, a, b);
    /* the yearly minimum (教育管理条例 Art. 20: 32 学时), pro rata for a half-year */
    double min = (double)dj_setting_int(c, "life.study_hours_min", 32) * assess_span_months(p) / 12.0;
    const char *subtree = org->path;
    double *vals = NULL;
    size_t n = 0;
    v->evidence = ev_new();
    json_object_set_new(v->evidence, "threshold", json_real(min));
    int rc = member_values_h(c,
                           "SELECT p.id, p.name, COALESCE(SUM(a.study_hours), 0) FROM orgs o CROSS JOIN people p"
                           " LEFT JOIN attendance t ON t.person_id = p.id"
                           " LEFT JOIN activities a ON a.id = t.activity_id AND a.state IN ('held', 'closed')"
                           "  AND a.starts_at >= $2 AND a.starts_at < $3"
                           " WHERE p.org_id = o.id AND o.path >= $1 AND o.path < $1 || ':' AND p.active = 1"
                           " AND p.party_status IN ('full', 'probationary') GROUP BY p.id, p.name ORDER BY p.id",
                           subtree, a, b, p->hours, false, &vals, &n, v->evidence, "hours", min);
    if (rc == DJ_OK) {
        double share = assess_share_at_least(vals, n, min);
        if (share < 0)
            not_applicable(v, "支部没有党员");
        else {
            v->available = true;
            v->value = share;
            snprintf(v->detail, sizeof v->detail, "达到 %.0f 学时 %d / %zu 人", min,
                     (int)(share * (double)n + 0.5), n);
        }
    }
    free(vals);
    return rc;
}

static int prov_volunteer(db_conn *c, const struct assess_org *org, const struct assess_span *p,
                          struct assess_value *v)
{
    if (!assess_table_exists(c, "attendance"))
        return unavailable(v, "attendance", "组织生活");
    char a[21], b[21];
    iso_bounds(p, a, b);
    const char *subtree = org->path;
    double *vals = NULL;
    size_t n = 0;
    v->evidence = ev_new();
    int rc = member_values_h(c,
                           "SELECT p.id, p.name, COALESCE(SUM(a.volunteer_hours), 0) FROM orgs o CROSS JOIN people p"
                           " LEFT JOIN attendance t ON t.person_id = p.id"
                           " LEFT JOIN activities a ON a.id = t.activity_id AND a.state IN ('held', 'closed')"
                           "  AND a.starts_at >= $2 AND a.starts_at < $3"
                           " WHERE p.org_id = o.id AND o.path >= $1 AND o.path < $1 || ':' AND p.active = 1"
                           " AND p.party_status IN ('full', 'probationary') GROUP BY p.id, p.name ORDER BY p.id",
                           subtree, a, b, p->hours, true, &vals, &n, v->evidence, "hours", -1);
    if (rc == DJ_OK) {
        double sum = 0;
        for (size_t i = 0; i < n; i++)
            sum += vals[i];
        double per = assess_per_member(sum, n);
        if (per < 0)
            not_applicable(v, "支部没有党员");
        else {
            v->available = true;
            v->value = per;
            snprintf(v->detail, sizeof v->detail, "合计 %.1f 小时 / %zu 名党员", sum, n);
        }
    }
    free(vals);
    return rc;
}

static int prov_avg_points(db_conn *c, const struct assess_org *org, const struct assess_span *p,
                           struct assess_value *v)
{
    if (!assess_table_exists(c, "points_totals"))
        return unavailable(v, "points_totals", "积分");
    /* points_totals keeps each member's sums per year and quarter */
    char p1[16], p2[16];
    if (p->half) {
        snprintf(p1, sizeof p1, "%04d-Q%d", p->year, p->half == 1 ? 1 : 3);
        snprintf(p2, sizeof p2, "%04d-Q%d", p->year, p->half == 1 ? 2 : 4);
    } else {
        snprintf(p1, sizeof p1, "%04d", p->year);
        snprintf(p2, sizeof p2, "%04d", p->year);
    }
    const char *subtree = org->path;
    double *vals = NULL;
    size_t n = 0;
    v->evidence = ev_new();
    int rc = member_values(c,
                           "SELECT p.id, p.name, COALESCE((SELECT SUM(pt.total) FROM points_totals pt"
                           "  WHERE pt.person_id = p.id AND pt.period IN ($2, $3)), 0)"
                           " FROM orgs o CROSS JOIN people p"
                           " WHERE p.org_id = o.id AND o.path >= $1 AND o.path < $1 || ':' AND p.active = 1"
                           " AND p.party_status IN ('full', 'probationary') ORDER BY p.id",
                           subtree, p1, p2, &vals, &n, v->evidence, "points", -1);
    if (rc == DJ_OK) {
        double sum = 0;
        for (size_t i = 0; i < n; i++)
            sum += vals[i];
        double per = assess_per_member(sum, n);
        if (per < 0)
            not_applicable(v, "支部没有党员");
        else {
            v->available = true;
            v->value = per;
            snprintf(v->detail, sizeof v->detail, "合计 %.0f 分 / %zu 名党员", sum, n);
        }
    }
    free(vals);
    return rc;
}

/* ---------------------------------------------------------------- work lists */

static int prov_list_on_time(db_conn *c, const struct assess_org *org, const struct assess_span *p,
                             struct assess_value *v)
{
    if (!assess_table_exists(c, "list_items"))
        return unavailable(v, "list_items", "工作清单");
    const char *subtree = org->path;
    int y, m, d;
    dj_local_date(p->now, &y, &m, &d);
    int64_t today = dj_days_from_civil(y, m, d);
    int on = 0, late = 0, rc = DJ_OK;
    db_stmt *s = db_prep(c, "SELECT li.id, li.title, li.state, li.due_on, li.submitted_on, li.verified_at,"
                            " l.title, li.list_id FROM orgs o CROSS JOIN list_items li JOIN lists l ON l.id = li.list_id"
                            " WHERE li.org_id = o.id AND o.path >= $1 AND o.path < $1 || ':' AND l.kind <> 'rectification'"
                            " AND li.due_on >= $2 AND li.due_on <= $3 ORDER BY li.due_on, li.id");
    if (!s || (rc = db_bind(s, "ttt", subtree, p->starts_on, p->ends_on)) != DJ_OK) {
        rc = rc ? rc : DJ_EDB;
        goto out;
    }
    v->evidence = ev_new();
    while ((rc = db_step(s)) == DB_ROW) {
        const char *state = db_col_text(s, 2);
        struct assess_item_facts f = {
            .done = strcmp(state, "done") == 0,
            .cancelled = strcmp(state, "cancelled") == 0,
            .due = day_of(db_col_text(s, 3)),
            .submitted = day_of(db_col_text(s, 4)),
            .verified = day_of(db_col_text(s, 5)),
        };
        enum assess_on_time k = assess_item_on_time(&f, today);
        if (k == ASSESS_IT_SKIP)
            continue;
        if (k == ASSESS_IT_ON_TIME)
            on++;
        else
            late++;
        ev_add(v->evidence, json_pack("{s:s, s:I, s:I, s:s, s:s, s:s, s:s?, s:b}", "type", "list_item", "id",
                                      (json_int_t)db_col_i64(s, 0), "list_id", (json_int_t)db_col_i64(s, 7), "label",
                                      db_col_text(s, 1), "list", db_col_text(s, 6), "due_on", db_col_text(s, 3),
                                      "finished_on",
                                      db_col_text(s, 4) ? db_col_text(s, 4) : db_col_text(s, 5), "ok",
                                      k == ASSESS_IT_ON_TIME));
    }
    db_done(s);
    if (rc != DB_DONE)
        goto out;
    rc = DJ_OK;
    if (on + late == 0)
        not_applicable(v, "本期没有已到期的清单事项");
    else {
        v->available = true;
        v->value = (double)on / (on + late);
        snprintf(v->detail, sizeof v->detail, "按期完成 %d / %d 项", on, on + late);
    }
out:
    return rc;
}

static int prov_rectification(db_conn *c, const struct assess_org *org, const struct assess_span *p,
                              struct assess_value *v)
{
    if (!assess_table_exists(c, "list_items"))
        return unavailable(v, "list_items", "工作清单");
    char a[21], b[21];
    iso_bounds(p, a, b);
    const char *subtree = org->path;
    int closed = 0, total = 0, rc = DJ_OK;
    /* items that existed during the period and were not already closed before it */
    db_stmt *s = db_prep(c, "SELECT li.id, li.title, li.state, li.verified_at, li.due_on, l.title, li.list_id"
                            " FROM orgs o CROSS JOIN list_items li JOIN lists l ON l.id = li.list_id"
                            " WHERE li.org_id = o.id AND o.path >= $1 AND o.path < $1 || ':' AND l.kind = 'rectification'"
                            " AND li.state <> 'cancelled'"
                            " AND li.created_at < $3 AND (li.verified_at IS NULL OR li.verified_at >= $2)"
                            " ORDER BY li.id");
    if (!s || (rc = db_bind(s, "ttt", subtree, a, b)) != DJ_OK) {
        rc = rc ? rc : DJ_EDB;
        goto out;
    }
    v->evidence = ev_new();
    while ((rc = db_step(s)) == DB_ROW) {
        const char *va = db_col_text(s, 3);
        bool ok = strcmp(db_col_text(s, 2), "done") == 0 && va && strcmp(va, b) < 0;
        total++;
        closed += ok;
        ev_add(v->evidence, json_pack("{s:s, s:I, s:I, s:s, s:s, s:s?, s:s?, s:b}", "type", "list_item", "id",
                                      (json_int_t)db_col_i64(s, 0), "list_id", (json_int_t)db_col_i64(s, 6), "label",
                                      db_col_text(s, 1), "list", db_col_text(s, 5), "due_on", db_col_text(s, 4),
                                      "verified_at", va, "ok", ok));
    }
    db_done(s);
    if (rc != DB_DONE)
        goto out;
    rc = DJ_OK;
    v->available = true;
    if (total == 0) {
        v->value = 1; /* nothing to rectify */
        snprintf(v->detail, sizeof v->detail, "本期无整改事项，按 100%% 计");
    } else {
        v->value = (double)closed / total;
        snprintf(v->detail, sizeof v->detail, "已销号 %d / %d 项", closed, total);
    }
out:
    return rc;
}

const struct assess_provider assess_providers[] = {
    {"compliance", "三会一课和主题党日落实率",
     "落实率 = 已落实的要求项次 ÷ 已到期的要求项次。要求：支部党员大会每季度、支部委员会每月、党课每季度（按设置）、"
     "主题党日每月、各党小组会每月各一次；某月（季）内召开过（已召开或已归档）即为落实，未到期且尚未召开的不计入。",
     "%", true, 1, prov_compliance},
    {"attendance", "组织生活平均出勤率",
     "出勤率 = 各次已召开的三会一课和主题党日“实到 ÷ 应到”的平均值（实到只计应到名单中签到的人）。", "%", true, 0.9,
     prov_attendance},
    {"study_hours", "党员学时达标率",
     "达标率 = 本期参加学习累计学时达到要求的党员人数 ÷ 支部党员人数（正式和预备党员）。要求为每年 32 学时（按设置），"
     "半年度按一半计；学时取所参加活动的学时之和。",
     "%", true, 1, prov_study_hours},
    {"avg_points", "党员平均积分",
     "平均积分 = 支部党员本期所得积分（积分台账合计，不含基础分）之和 ÷ 支部党员人数。", "分", false, 40,
     prov_avg_points},
    {"list_on_time", "清单事项按期完成率",
     "按期完成率 = 截止日在本期内、已销号且在截止日前报告完成的事项数 ÷ 截止日在本期内且已到期或已完成的事项数"
     "（整改清单除外；已取消、尚未到期或按期报告待销号的不计入）。",
     "%", true, 1, prov_list_on_time},
    {"rectification", "整改事项销号率",
     "销号率 = 本期内销号的整改事项数 ÷ 本期内存在且此前未销号的整改事项数（已取消的不计入；无整改事项按 100% 计）。",
     "%", true, 1, prov_rectification},
    {"volunteer", "人均志愿服务时长",
     "人均时长 = 支部党员本期参加的志愿服务活动时长之和 ÷ 支部党员人数。", "小时", false, 8, prov_volunteer},
    {NULL},
};

const struct assess_provider *assess_provider_find(const char *code)
{
    for (const struct assess_provider *p = assess_providers; code && p->code; p++)
        if (strcmp(p->code, code) == 0)
            return p;
    return NULL;
}
