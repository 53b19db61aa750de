/* dashboard.c - the figures of the leaders' dashboard and the branch brands.
 * Sections that read another module's tables check that the tables exist
 * and otherwise say so ("available": false), so the dashboard never shows a
 * number nobody recorded. */
#include "dashboard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../assess/assess.h"
#include "../core/err.h"
#include "../core/mem.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "../life/life.h"
#include "../dues/dues.h"
#include "../orgs/orgs.h"
#include "../people/people.h"
#include "../transfers/transfers.h"

enum dashboard_cell dashboard_cell_status(int met, int required, bool month_over)
{
    if (required > 0 && met >= required)
        return DASH_DONE;
    if (!month_over)
        return DASH_NOT_DUE;
    return met > 0 ? DASH_PARTIAL : DASH_MISSING;
}

const char *dashboard_cell_name(enum dashboard_cell c)
{
    static const char *const names[] = {"done", "partial", "missing", "not_due", "not_applicable"};
    return names[c];
}

int dashboard_bucket(double v, double width, int nb)
{
    if (v < 0 || width <= 0)
        return 0;
    int b = (int)(v / width);
    return b >= nb ? nb - 1 : b;
}

static int find_id(const int64_t *ids, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && ids[lo] == id ? (int)lo : -1;
}

int dashboard_path_find(const char *path, const int64_t *ids, size_t n)
{
    int found = -1;
    /* walk the segments root first; the last match is the deepest */
    for (const char *p = path; p && *p;) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        int64_t id = 0;
        while (*p >= '0' && *p <= '9')
            id = id * 10 + (*p++ - '0');
        int at = find_id(ids, n, id);
        if (at >= 0)
            found = at;
        while (*p && *p != '/')
            p++;
    }
    return found;
}

/* The agency's branches: ids sorted for dashboard_path_find, with their rows. */
struct branches {
    size_t n;
    int64_t *ids;  /* sorted */
    json_t *rows;  /* [{id, path, name, groups}] in the order of ids */
};

static int branches_load(db_conn *c, struct branches *b, int *err)
{
    memset(b, 0, sizeof *b);
    b->rows = db_query_rows(c, err,
                            "SELECT o.id, o.path, o.name, o.set_up_on, o.dissolved_on,"
                            /* what life_org_facts() reads, for every branch in one statement */
                            LIFE_ORG_FACTS_COLUMNS
                            " FROM orgs o WHERE o.kind = 'branch' AND o.dissolved_on IS NULL ORDER BY o.id",
                            "");
    if (!b->rows)
        return -1;
    b->n = json_array_size(b->rows);
    b->ids = dj_calloc(b->n + 1, sizeof *b->ids);
    for (size_t i = 0; i < b->n; i++)
        b->ids[i] = dj_jint(json_array_get(b->rows, i), "id", 0);
    return 0;
}

static void branches_free(struct branches *b)
{
    free(b->ids);
    json_decref(b->rows);
}

static json_t *unavailable(const char *module)
{
    char why[160];
    snprintf(why, sizeof why, "数据不可用：%s模块的数据尚未建立", module);
    return json_pack("{s:b, s:s}", "available", 0, "reason", why);
}

/* ---------------------------------------------------------------- members and organisations */

static json_t *members_section(db_conn *c, int *err)
{
    /* the subtree figures of the roots, and of org 0 (people without an organisation) */
    json_t *by = db_query_rows(c, err,
                               "SELECT SUBSTR(key, 10) AS status, CAST(SUM(n) AS BIGINT) AS count FROM org_stats"
                               " WHERE period = '' AND key LIKE 'people:1:%'"
                               " AND (org_id = 0 OR org_id IN (SELECT id FROM orgs WHERE parent_id IS NULL))"
                               " GROUP BY SUBSTR(key, 10) HAVING SUM(n) > 0 ORDER BY SUM(n) DESC, 1",
                               "");
    if (!by)
        return NULL;
    int64_t total = 0, party = 0;
    size_t i;
    json_t *it;
    json_array_foreach(by, i, it) {
        const char *s = dj_jstr(it, "status", "");
        json_object_set_new(it, "name", json_string(people_status_label(s)));
        total += dj_jint(it, "count", 0);
        if (strcmp(s, "full") == 0 || strcmp(s, "probationary") == 0)
            party += dj_jint(it, "count", 0);
    }
    return json_pack("{s:I, s:I, s:o}", "total", (json_int_t)total, "party_members", (json_int_t)party, "by_status", by);
}

static json_t *orgs_section(db_conn *c, int *err)
{
    json_t *by = db_query_rows(c, err,
                               "SELECT kind, COUNT(*) AS count FROM orgs WHERE dissolved_on IS NULL GROUP BY kind"
                               " ORDER BY COUNT(*) DESC",
                               "");
    if (!by)
        return NULL;
    size_t i;
    json_t *it;
    int64_t branches = 0;
    json_array_foreach(by, i, it) {
        json_object_set_new(it, "name", json_string(orgs_kind_label(dj_jstr(it, "kind", ""))));
        if (strcmp(dj_jstr(it, "kind", ""), "branch") == 0)
            branches = dj_jint(it, "count", 0);
    }
    return json_pack("{s:I, s:o}", "branches", (json_int_t)branches, "by_kind", by);
}

/* ---------------------------------------------------------------- activities */

static json_t *activities_section(db_conn *c, int year, int *err)
{
    if (!assess_table_exists(c, "activities"))
        return unavailable("组织生活");
    char a[21], b[21];
    dj_time_iso(dj_local_midnight(year, 1, 1), a);
    dj_time_iso(dj_local_midnight(year + 1, 1, 1), b);
    json_t *by = db_query_rows(c, err,
                               "SELECT kind, COUNT(*) AS count, SUM(CASE WHEN study_hours > 0 THEN 1 ELSE 0 END) AS study"
                               " FROM activities WHERE state IN ('held', 'closed') AND starts_at >= $1 AND starts_at < $2"
                               " GROUP BY kind ORDER BY COUNT(*) DESC",
                               "tt", a, b);
    if (!by)
        return NULL;
    int64_t total = 0, study = 0;
    size_t i;
    json_t *it;
    json_array_foreach(by, i, it) {
        total += dj_jint(it, "count", 0);
        study += dj_jint(it, "study", 0);
        json_object_del(it, "study");
    }
    json_t *monthly = db_query_rows(c, err,
                                    "SELECT SUBSTR(starts_at, 1, 7) AS month, COUNT(*) AS count FROM activities"
                                    " WHERE state IN ('held', 'closed') AND starts_at >= $1 AND starts_at < $2"
                                    " GROUP BY SUBSTR(starts_at, 1, 7) ORDER BY 1",
                                    "tt", a, b);
    return json_pack("{s:b, s:i, s:I, s:I, s:o, s:o}", "available", 1, "year", year, "total", (json_int_t)total,
                     "study", (json_int_t)study, "by_kind", by, "by_month", monthly ? monthly : json_array());
}

/* ---------------------------------------------------------------- compliance heatmap */

struct branch {
    int64_t id;
    const char *path, *name;
    int groups;
    bool committee;        /* has a 支委会 (life_has_committee): owes one a month */
    struct life_span span; /* set up … dissolved */
    int met[13][3]; /* per month: committee_meeting, theme_day, group meetings held (distinct groups) */
};

/* The heatmap's rows a screen can show: a city's thousands of branches are
 * not a chart.  Beyond max, the branches with the most months missing or
 * partly done are kept (their order otherwise unchanged); the counts stay
 * those of every branch. */
#define DASH_HEAT_ROWS 50

struct owing_rank {
    size_t i;
    int owing;
};

static int by_owing(const void *p, const void *q)
{
    const struct owing_rank *a = p, *b = q;
    if (a->owing != b->owing)
        return a->owing > b->owing ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

static json_t *heat_rows_keep(json_t *rows, const int *owing, size_t max)
{
    size_t n = json_array_size(rows);
    if (n <= max)
        return rows;
    struct owing_rank *r = dj_calloc(n, sizeof *r);
    for (size_t i = 0; i < n; i++)
        r[i] = (struct owing_rank){i, owing[i]};
    qsort(r, n, sizeof *r, by_owing);
    bool *keep = dj_calloc(n, sizeof *keep);
    for (size_t k = 0; k < max; k++)
        keep[r[k].i] = true;
    json_t *kept = json_array();
    for (size_t i = 0; i < n; i++)
        if (keep[i])
            json_array_append(kept, json_array_get(rows, i));
    json_decref(rows);
    free(keep);
    free(r);
    return kept;
}

static json_t *compliance_section(db_conn *c, int year, int64_t now, json_t **missed_last_month, int *err)
{
    if (!assess_table_exists(c, "activities"))
        return unavailable("组织生活");
    struct branches br;
    if (branches_load(c, &br, err) != 0)
        return NULL;
    size_t n = br.n;
    struct branch *bs = dj_calloc(n + 1, sizeof *bs);
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(br.rows, i);
        bs[i].id = dj_jint(o, "id", 0);
        bs[i].path = dj_jstr(o, "path", "");
        bs[i].name = dj_jstr(o, "name", "");
        bs[i].groups = (int)dj_jint(o, "groups", 0);
        /* life_org_facts()'s rules on the columns branches_load() read with the branch */
        bs[i].committee = life_has_committee("branch", (int)dj_jint(o, "full_members", 0),
                                             (int)dj_jint(o, "committee_members", 0));
        bs[i].span = life_span_of(dj_jstr(o, "set_up_on", NULL), dj_jstr(o, "dissolved_on", NULL));
    }
    char a[21], b[21];
    dj_time_iso(dj_local_midnight(year, 1, 1), a);
    dj_time_iso(dj_local_midnight(year + 1, 1, 1), b);
    /* one row per (org, kind, month) where something was held */
    db_stmt *s = db_prep(c, "SELECT o.path, a.kind, a.org_id, a.starts_at FROM activities a JOIN orgs o ON o.id = a.org_id"
                            " WHERE a.state IN ('held', 'closed') AND a.starts_at >= $1 AND a.starts_at < $2"
                            " AND a.kind IN ('committee_meeting', 'theme_day', 'group_meeting')"
                            " ORDER BY a.org_id, a.starts_at");
    int rc = s ? db_bind(s, "tt", a, b) : DJ_EDB;
    /* group meetings: count distinct groups per month through a small seen-set */
    int64_t last_group = 0;
    int last_month = 0;
    while (rc == DJ_OK && (rc = db_step(s)) == DB_ROW) {
        int bi = dashboard_path_find(db_col_text(s, 0), br.ids, n);
        int64_t t = 0;
        dj_time_parse(db_col_text(s, 3), &t);
        int y, m, d;
        dj_local_date(t, &y, &m, &d);
        if (bi < 0 || y != year)
            continue;
        const char *k = db_col_text(s, 1);
        int slot = strcmp(k, "committee_meeting") == 0 ? 0 : strcmp(k, "theme_day") == 0 ? 1 : 2;
        if (slot < 2) {
            bs[bi].met[m][slot] = 1;
        } else {
            int64_t g = db_col_i64(s, 2);
            if (!(g == last_group && m == last_month)) /* rows are ordered by org and time */
                bs[bi].met[m][2]++;
            last_group = g;
            last_month = m;
        }
        rc = DJ_OK;
    }
    if (s)
        db_done(s);
    if (rc != DB_DONE && rc != DJ_OK) {
        free(bs);
        branches_free(&br);
        if (err)
            *err = rc;
        return NULL;
    }
    int ny, nm, nd;
    dj_local_date(now, &ny, &nm, &nd);
    int prev = ny == year ? nm - 1 : (ny > year ? 12 : 0);
    json_t *rows = json_array();
    *missed_last_month = json_array();
    int totals[5] = {0};
    int *owing = dj_calloc(n + 1, sizeof *owing); /* each branch's months missing or partly done */
    for (size_t i = 0; i < n; i++) {
        json_t *cells = json_array();
        for (int m = 1; m <= 12; m++) {
            bool over = dj_local_midnight(m == 12 ? year + 1 : year, m == 12 ? 1 : m + 1, 1) <= now;
            int groups_met = bs[i].met[m][2] < bs[i].groups ? bs[i].met[m][2] : bs[i].groups;
            int committee = bs[i].committee ? 1 : 0;
            int met = committee * bs[i].met[m][0] + bs[i].met[m][1] + groups_met, req = committee + 1 + bs[i].groups;
            struct life_period month = {LIFE_MONTH, year, m};
            enum dashboard_cell st = life_period_applies(&month, &bs[i].span) ? dashboard_cell_status(met, req, over)
                                                                             : DASH_NOT_APPLICABLE;
            totals[st]++;
            owing[i] += st == DASH_MISSING || st == DASH_PARTIAL;
            json_array_append_new(cells, json_pack("{s:i, s:s, s:i, s:i}", "month", m, "status", dashboard_cell_name(st),
                                                   "met", met, "required", req));
            if (m == prev && (st == DASH_MISSING || st == DASH_PARTIAL))
                json_array_append_new(*missed_last_month,
                                      json_pack("{s:I, s:s, s:i, s:i, s:i}", "org_id", (json_int_t)bs[i].id, "org_name",
                                                bs[i].name, "month", m, "met", met, "required", req));
        }
        json_array_append_new(rows, json_pack("{s:I, s:s, s:o}", "org_id", (json_int_t)bs[i].id, "name", bs[i].name,
                                              "cells", cells));
    }
    free(bs);
    branches_free(&br);
    rows = heat_rows_keep(rows, owing, DASH_HEAT_ROWS);
    free(owing);
    return json_pack("{s:b, s:i, s:s, s:I, s:o, s:{s:i, s:i, s:i, s:i, s:i}}", "available", 1, "year", year, "rule",
                     "每月应召开主题党日、各党小组各召开一次党小组会，设有支部委员会的还应召开支部委员会；"
                     "成立之前、撤销之后的月份不适用",
                     "branches_total", (json_int_t)n, "branches", rows, "counts", "done", totals[DASH_DONE], "partial", totals[DASH_PARTIAL], "missing",
                     totals[DASH_MISSING], "not_due", totals[DASH_NOT_DUE], "not_applicable",
                     totals[DASH_NOT_APPLICABLE]);
}

/* ---------------------------------------------------------------- points */

static json_t *points_section(db_conn *c, int year, int *err)
{
    if (!assess_table_exists(c, "points_totals"))
        return unavailable("积分");
    char period[8];
    snprintf(period, sizeof period, "%04d", year);
    enum { nb = 8 }; /* eight bars; their width follows the year's highest score */
    int counts[nb] = {0};
    size_t nvals = 0, capvals = 256;
    double *vals = dj_malloc(capvals * sizeof *vals), max = 0;
    struct branches br;
    if (branches_load(c, &br, err) != 0)
        return NULL;
    double *sum = dj_calloc(br.n + 1, sizeof *sum);
    int64_t *cnt = dj_calloc(br.n + 1, sizeof *cnt);
    /* the distribution: how many members at each total (tens of rows, not one per member) */
    db_stmt *s = db_prep(c, "SELECT COALESCE(pt.total, 0) AS v, COUNT(*) FROM people p JOIN orgs o ON o.id = p.org_id"
                            " LEFT JOIN points_totals pt ON pt.person_id = p.id AND pt.period = $1"
                            " WHERE p.active = 1 AND p.party_status IN ('full', 'probationary')"
                            " GROUP BY COALESCE(pt.total, 0)");
    int rc = s ? db_bind(s, "t", period) : DJ_EDB;
    int64_t members = 0;
    int64_t *times = dj_malloc(capvals * sizeof *times);
    while (rc == DJ_OK && (rc = db_step(s)) == DB_ROW) {
        double v = db_col_double(s, 0);
        if (nvals == capvals) {
            capvals *= 2;
            vals = dj_realloc(vals, capvals * sizeof *vals);
            times = dj_realloc(times, capvals * sizeof *times);
        }
        times[nvals] = db_col_i64(s, 1);
        vals[nvals++] = v;
        if (v > max)
            max = v;
        members += db_col_i64(s, 1);
        rc = DJ_OK;
    }
    if (s)
        db_done(s);
    /* each branch's members and sum: the subtree figures (org_stats), one indexed row each */
    s = rc == DB_DONE ? db_prep(c, "SELECT b.id,"
                                   " (SELECT CAST(COALESCE(SUM(x.n), 0) AS BIGINT) FROM org_stats x WHERE x.org_id = b.id AND x.period = ''"
                                   "  AND x.key IN ('people:1:full', 'people:1:probationary')),"
                                   " (SELECT CAST(COALESCE(SUM(x.n), 0) AS BIGINT) FROM org_stats x WHERE x.org_id = b.id"
                                   "  AND x.period = $1 AND x.key = 'earned:1')"
                                   " FROM orgs b WHERE b.kind = 'branch' AND b.dissolved_on IS NULL ORDER BY b.id")
                      : NULL;
    if (s) {
        rc = db_bind(s, "t", period);
        while (rc == DJ_OK && (rc = db_step(s)) == DB_ROW) {
            int bi = find_id(br.ids, br.n, db_col_i64(s, 0));
            if (bi >= 0) {
                cnt[bi] = db_col_i64(s, 1);
                sum[bi] = db_col_double(s, 2);
            }
            rc = DJ_OK;
        }
        db_done(s);
    }
    /* a round width (1, 2, 5, 10, 20, 25, 50 …) whose eight bars cover the highest score */
    static const int widths[] = {1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000};
    int width = widths[sizeof widths / sizeof widths[0] - 1];
    for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++)
        if ((double)widths[i] * (nb - 1) > max) {
            width = widths[i];
            break;
        }
    for (size_t i = 0; i < nvals; i++)
        counts[dashboard_bucket(vals[i], width, nb)] += (int)times[i];
    free(vals);
    free(times);
    if (rc != DB_DONE && rc != DJ_OK) {
        free(sum);
        free(cnt);
        branches_free(&br);
        if (err)
            *err = rc;
        return NULL;
    }
    /* the ten best averages (ties by id) */
    json_t *top = json_array();
    bool *used = dj_calloc(br.n + 1, sizeof *used);
    for (int k = 0; k < 10; k++) {
        int best = -1;
        double bv = 0;
        for (size_t i = 0; i < br.n; i++) {
            if (used[i] || !cnt[i])
                continue;
            double avg = sum[i] / (double)cnt[i];
            if (best < 0 || avg > bv + 1e-9) {
                best = (int)i;
                bv = avg;
            }
        }
        if (best < 0)
            break;
        used[best] = true;
        json_array_append_new(top, json_pack("{s:I, s:s, s:I, s:f}", "org_id", (json_int_t)br.ids[best], "name",
                                             dj_jstr(json_array_get(br.rows, (size_t)best), "name", ""), "members",
                                             (json_int_t)cnt[best], "average", assess_round2(bv)));
    }
    free(used);
    free(sum);
    free(cnt);
    branches_free(&br);
    json_t *dist = json_array();
    for (int i = 0; i < nb; i++) {
        char label[24];
        if (i == nb - 1)
            snprintf(label, sizeof label, "%d 分以上", i * width);
        else
            snprintf(label, sizeof label, "%d–%d", i * width, i * width + width - 1);
        json_array_append_new(dist, json_pack("{s:s, s:i}", "range", label, "count", counts[i]));
    }
    return json_pack("{s:b, s:s, s:I, s:o, s:o}", "available", 1, "period", period, "members", (json_int_t)members,
                     "distribution", dist, "top_branches", top ? top : json_array());
}

/* ---------------------------------------------------------------- work lists */

static json_t *lists_section(db_conn *c, const char *today, int *err)
{
    if (!assess_table_exists(c, "list_items"))
        return unavailable("工作清单");
    json_t *items = db_query_rows(c, err,
                                  "SELECT l.id, l.title, l.kind, l.year,"
                                  " SUM(CASE WHEN li.state <> 'cancelled' THEN 1 ELSE 0 END) AS total,"
                                  " SUM(CASE WHEN li.state = 'done' THEN 1 ELSE 0 END) AS done,"
                                  " SUM(CASE WHEN li.state IN ('not_started', 'in_progress') AND li.due_on < $1"
                                  "  AND (li.submitted_on IS NULL OR li.submitted_on > li.due_on) THEN 1 ELSE 0 END)"
                                  "  AS overdue,"
                                  " SUM(CASE WHEN li.state IN ('not_started', 'in_progress') THEN 1 ELSE 0 END) AS open"
                                  " FROM lists l LEFT JOIN list_items li ON li.list_id = l.id"
                                  " WHERE l.archived = 0 GROUP BY l.id, l.title, l.kind, l.year ORDER BY l.id",
                                  "t", today);
    if (!items)
        return NULL;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        int64_t total = dj_jint(it, "total", 0), done = dj_jint(it, "done", 0);
        json_object_set_new(it, "percent", json_integer(total ? (done * 100 + total / 2) / total : 0));
    }
    return json_pack("{s:b, s:o}", "available", 1, "items", items);
}

/* ---------------------------------------------------------------- warnings */

#define DASH_WARN_ITEMS 200

static json_t *warnings_section(db_conn *c, const char *today, int64_t now, json_t *missed, int *err)
{
    json_t *out = json_array();
    /* overdue list items, oldest deadline first */
    if (assess_table_exists(c, "list_items")) {
        json_t *rows = db_query_rows(c, err,
                                     "SELECT li.id, li.title, li.due_on, o.id AS org_id, o.name AS org_name, l.title AS list"
                                     " FROM list_items li JOIN lists l ON l.id = li.list_id JOIN orgs o ON o.id = li.org_id"
                                     " WHERE li.state IN ('not_started', 'in_progress') AND li.due_on < $1"
                                     " AND (li.submitted_on IS NULL OR li.submitted_on > li.due_on) AND l.archived = 0"
                                     " ORDER BY li.due_on, li.id LIMIT 20",
                                     "t", today);
        size_t i;
        json_t *r;
        json_array_foreach(rows, i, r) {
            char msg[400];
            char due[32];
            dj_text_cn(dj_jstr(r, "due_on", ""), true, due);
            snprintf(msg, sizeof msg, "%s：%s（截止%s）已逾期", dj_jstr(r, "org_name", ""), dj_jstr(r, "title", ""), due);
            json_array_append_new(out, json_pack("{s:s, s:s, s:O, s:s, s:s, s:O}", "kind", "overdue_item", "level",
                                                 "danger", "org_id", json_object_get(r, "org_id"), "message", msg,
                                                 "type", "list_item", "id", json_object_get(r, "id")));
        }
        json_decref(rows);
    }
    /* last month's missed 组织生活 */
    size_t i;
    json_t *m;
    json_array_foreach(missed, i, m) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s %d 月组织生活未落实（%lld/%lld 项）", dj_jstr(m, "org_name", ""),
                 (int)dj_jint(m, "month", 0), (long long)dj_jint(m, "met", 0), (long long)dj_jint(m, "required", 0));
        json_array_append_new(out, json_pack("{s:s, s:s, s:O, s:s, s:s, s:O}", "kind", "compliance_missing", "level",
                                             "warning", "org_id", json_object_get(m, "org_id"), "message", msg, "type",
                                             "org", "id", json_object_get(m, "org_id")));
    }
    /* the organisations' own warnings (换届, 纪检委员, size against form): the orgs module's rules */
    json_t *orgs = orgs_list(c, NULL, 0, false, err);
    json_t *o;
    json_array_foreach(orgs, i, o) {
        size_t k;
        json_t *w;
        json_array_foreach(json_object_get(o, "warnings"), k, w) {
            const char *code = dj_jstr(w, "code", "");
            char msg[400];
            snprintf(msg, sizeof msg, "%s：%s", dj_jstr(o, "name", ""), dj_jstr(w, "message", ""));
            json_array_append_new(out, json_pack("{s:s, s:s, s:O, s:s, s:s, s:O}", "kind", code, "level",
                                                 strcmp(code, "term_ended") == 0 ? "danger" : "warning", "org_id",
                                                 json_object_get(o, "id"), "message", msg, "type", "org", "id",
                                                 json_object_get(o, "id")));
        }
    }
    json_decref(orgs);
    /* 组织关系转接: letters expired or without their 回执, 流动党员 lost contact (the transfers module's rules) */
    if (assess_table_exists(c, "transfers")) {
        int terr = DJ_OK;
        json_t *tw = tr_warnings(c, &terr);
        if (!tw) {
            *err = terr;
            json_decref(out);
            return NULL;
        }
        json_array_extend(out, tw);
        json_decref(tw);
    }
    (void)now;
    /* a city's thousands are counted, and the first ones listed (overdue items first) */
    size_t count = json_array_size(out);
    while (json_array_size(out) > DASH_WARN_ITEMS)
        json_array_remove(out, json_array_size(out) - 1);
    return json_pack("{s:I, s:o}", "count", (json_int_t)count, "items", out);
}

/* ---------------------------------------------------------------- dues */

/* The year's collection rate (paid up to each month's due over the due) and the
 * members in arrears, from the dues module's rules. */
static json_t *dues_section(db_conn *c, int year, int *err)
{
    if (!assess_table_exists(c, "dues_payments"))
        return unavailable("党费");
    int64_t due = 0, paid = 0;
    int members = 0;
    int rc = dues_collection(c, "/", year, &due, &paid, &members);
    json_t *a = rc ? NULL : dues_arrears(c, "/", &rc);
    if (!a) {
        if (err)
            *err = rc;
        return NULL;
    }
    json_t *out = json_pack("{s:b, s:I, s:I, s:i, s:I, s:I, s:I}", "available", 1, "due_fen", (json_int_t)due,
                            "paid_fen", (json_int_t)paid, "members", members, "rate",
                            (json_int_t)(due > 0 ? (paid * 1000 / due + 5) / 10 : 0), "warn",
                            (json_int_t)dj_jint(a, "warn", 0), "flag", (json_int_t)dj_jint(a, "flag", 0));
    json_decref(a);
    return out;
}

json_t *dashboard_build(db_conn *c, int64_t now, int *err)
{
    int y, m, d;
    dj_local_date(now, &y, &m, &d);
    char today[11], at[21];
    snprintf(today, sizeof today, "%04d-%02d-%02d", y, m, d);
    dj_time_iso(now, at);
    int rc = DJ_OK;
    json_t *missed = NULL;
    json_t *out = json_pack("{s:s, s:i, s:I}", "generated_at", at, "year", y, "refresh_seconds",
                            (json_int_t)dj_setting_int(c, "dashboard.refresh_seconds", 60));
    json_t *parts[9] = {
        members_section(c, &rc),
        orgs_section(c, &rc),
        activities_section(c, y, &rc),
        compliance_section(c, y, now, &missed, &rc),
        points_section(c, y, &rc),
        lists_section(c, today, &rc),
    };
    parts[6] = warnings_section(c, today, now, missed, &rc);
    parts[7] = assess_latest_ranking(c, 10, &rc);
    parts[8] = dues_section(c, y, &rc);
    static const char *const keys[] = {"members", "orgs", "activities", "compliance", "points", "lists", "warnings",
                                       "assessment", "dues"};
    bool ok = true;
    for (int i = 0; i < 9; i++) {
        ok = ok && parts[i];
        json_object_set_new(out, keys[i], parts[i] ? parts[i] : json_null());
    }
    json_decref(missed);
    if (!ok) {
        json_decref(out);
        if (err)
            *err = rc ? rc : DJ_EDB;
        return NULL;
    }
    return out;
}

/* ---------------------------------------------------------------- brands */

json_t *dashboard_brands(db_conn *c, int64_t now, int *err)
{
    (void)now;
    json_t *items = db_query_rows(c, err,
                                  "SELECT b.id AS org_id, b.name, b.brand_name, b.brand_slogan, b.brand_description,"
                                  " (SELECT COUNT(*) FROM people p JOIN orgs o ON o.id = p.org_id"
                                  "  WHERE o.path >= b.path AND o.path < b.path || ':' AND p.active = 1"
                                  "  AND p.party_status IN ('full', 'probationary')) AS members"
                                  " FROM orgs b WHERE b.kind = 'branch' AND b.dissolved_on IS NULL"
                                  " ORDER BY CASE WHEN b.brand_name IS NULL THEN 1 ELSE 0 END, b.sort, b.path",
                                  "");
    if (!items)
        return NULL;
    /* the honours from published 先进党支部 selections */
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        json_t *h = db_query_rows(c, err,
                                  "SELECT p.id AS period_id, p.name, p.year FROM assess_totals t"
                                  " JOIN assess_periods p ON p.id = t.period_id"
                                  " WHERE t.org_id = $1 AND t.selected = 1 AND p.state = 'final'"
                                  " ORDER BY p.year DESC, p.id DESC",
                                  "i", dj_jint(it, "org_id", 0));
        json_object_set_new(it, "honours", h ? h : json_array());
    }
    return items;
}

json_t *dashboard_brand(db_conn *c, int64_t org_id, int64_t now, int *err)
{
    (void)now;
    json_t *b = db_query_row(c, err,
                             "SELECT b.id AS org_id, b.name, b.path, b.brand_name, b.brand_slogan, b.brand_description,"
                             " b.set_up_on,"
                             " (SELECT COUNT(*) FROM people p JOIN orgs o ON o.id = p.org_id"
                             "  WHERE o.path >= b.path AND o.path < b.path || ':' AND p.active = 1"
                             "  AND p.party_status IN ('full', 'probationary')) AS members"
                             " FROM orgs b WHERE b.id = $1 AND b.kind = 'branch'",
                             "i", org_id);
    if (!b)
        return NULL;
    if (assess_table_exists(c, "activities")) {
        json_t *acts = db_query_rows(c, err,
                                     "SELECT a.id, a.kind, a.title, a.starts_at, a.topic, a.project FROM activities a"
                                     " JOIN orgs o ON o.id = a.org_id WHERE o.path >= $1 AND o.path < $1 || ':'"
                                     " AND a.state IN ('held', 'closed') ORDER BY a.starts_at DESC, a.id DESC LIMIT 10",
                                     "t", dj_jstr(b, "path", ""));
        json_object_set_new(b, "activities", acts ? acts : json_array());
    } else {
        json_object_set_new(b, "activities", json_array());
        json_object_set_new(b, "activities_reason", json_string("数据不可用：组织生活模块的数据尚未建立"));
    }
    /* results once published (公示 or final): they are public then */
    json_t *res = db_query_rows(c, err,
                                "SELECT p.id AS period_id, p.name, p.year, p.state, t.total, t.rank,"
                                " t.selected AS selected__bool, v.total_max,"
                                " (SELECT COUNT(*) FROM assess_totals x WHERE x.period_id = p.id) AS branches"
                                " FROM assess_totals t JOIN assess_periods p ON p.id = t.period_id"
                                " JOIN assess_scheme_versions v ON v.id = p.version_id"
                                " WHERE t.org_id = $1 AND p.state IN ('publicity', 'final')"
                                " ORDER BY p.year DESC, p.half DESC, p.id DESC",
                                "i", org_id);
    json_object_set_new(b, "results", res ? res : json_array());
    json_object_del(b, "path");
    if (err)
        *err = DJ_OK;
    return b;
}
