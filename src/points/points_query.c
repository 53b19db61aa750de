/* points_query.c - the read side of points: my score and rank, a member's ledger,
 * rankings with branch averages, the honour roll (红榜), XLSX workbooks.
 *
 * Ranks come from the totals index, never from sorting every member: the dense
 * rank of a total is 1 + the number of distinct totals above it, counted by a
 * loose index scan (each step one seek for the next larger total), so the cost
 * grows with the number of distinct scores (tens), not with members (millions). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/err.h"
#include "../core/mem.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "../core/xlsx.h"
#include "points.h"

void points_settings_load(db_conn *c, struct points_settings *s)
{
    s->base = dj_setting_int(c, "points.base_score", 60);
    s->allow_negative = dj_setting_int(c, "points.allow_negative", 0) != 0;
}

int64_t points_year_score(const struct points_settings *s, int64_t total)
{
    int64_t v = s->base + total;
    return v < 0 && !s->allow_negative ? 0 : v;
}

int points_person_org(db_conn *c, int64_t person_id, int64_t *org_id)
{
    return db_query_i64(c, org_id, "SELECT COALESCE(org_id, 0) FROM people WHERE id = $1", "i", person_id);
}

int points_entry_person(db_conn *c, int64_t entry_id, int64_t *person_id)
{
    return db_query_i64(c, person_id, "SELECT person_id FROM points_ledger WHERE id = $1", "i", entry_id);
}

int points_first_root(db_conn *c, int64_t *org_id)
{
    return db_query_i64(c, org_id, "SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1", "");
}

static int distinct_above(db_conn *c, const char *period, bool agency, int64_t scope, int64_t v, int64_t *n)
{
    /* loose index scan over (period, scope, total DESC) */
    if (agency)
        return db_query_i64(c, n,
                            "WITH RECURSIVE d(v) AS ("
                            " SELECT MIN(total) FROM points_totals WHERE period = $1 AND agency_id = $2 AND total > $3"
                            " UNION ALL SELECT (SELECT MIN(t.total) FROM points_totals t WHERE t.period = $1"
                            "   AND t.agency_id = $2 AND t.total > d.v) FROM d WHERE d.v IS NOT NULL)"
                            " SELECT COUNT(v) FROM d",
                            "tii", period, scope, v);
    return db_query_i64(c, n,
                        "WITH RECURSIVE d(v) AS ("
                        " SELECT MIN(total) FROM points_totals WHERE period = $1 AND branch_id = $2 AND total > $3"
                        " UNION ALL SELECT (SELECT MIN(t.total) FROM points_totals t WHERE t.period = $1"
                        "   AND t.branch_id = $2 AND t.total > d.v) FROM d WHERE d.v IS NOT NULL)"
                        " SELECT COUNT(v) FROM d",
                        "tii", period, scope, v);
}

int points_rank(db_conn *c, const char *period, bool agency, int64_t scope_id, int64_t total, bool year,
                const struct points_settings *s, int64_t *rank)
{
    /* with the floor at 0, every total at or below -base shows as 0 and ties */
    int64_t eff = total;
    if (year && !s->allow_negative && s->base + total < 0)
        eff = -s->base;
    int64_t above = 0;
    int rc = distinct_above(c, period, agency, scope_id, eff, &above);
    if (rc)
        return rc;
    if (eff < 0) {
        /* members without a totals row stand at 0, above this one */
        int64_t zero = 0, rows = 0, members = 0;
        bool has_zero = db_query_i64(c, &zero,
                                     agency ? "SELECT 1 FROM points_totals WHERE period = $1 AND agency_id = $2"
                                              " AND total = 0 LIMIT 1"
                                            : "SELECT 1 FROM points_totals WHERE period = $1 AND branch_id = $2"
                                              " AND total = 0 LIMIT 1",
                                     "ti", period, scope_id) == DJ_OK;
        if (!has_zero) {
            db_query_i64(c, &rows,
                         agency ? "SELECT COUNT(*) FROM points_totals WHERE period = $1 AND agency_id = $2"
                                : "SELECT COUNT(*) FROM points_totals WHERE period = $1 AND branch_id = $2",
                         "ti", period, scope_id);
            db_query_i64(c, &members,
                         "SELECT COUNT(*) FROM people p JOIN orgs o ON o.id = p.org_id JOIN orgs s ON s.id = $1"
                         " WHERE o.path >= s.path AND o.path < s.path || ':' AND p.party_status IN ('full', 'probationary')",
                         "i", scope_id);
            if (members > rows)
                above++;
        }
    }
    *rank = above + 1;
    return DJ_OK;
}

static int64_t total_of(db_conn *c, int64_t person, const char *period)
{
    int64_t v = 0;
    db_query_i64(c, &v, "SELECT total FROM points_totals WHERE person_id = $1 AND period = $2", "it", person, period);
    return v;
}

json_t *points_me(db_conn *c, int64_t person_id, int64_t now, int *err)
{
    json_t *me = db_query_row(c, err, "SELECT p.id AS person_id, p.name, p.party_status FROM people p WHERE p.id = $1",
                              "i", person_id);
    if (!me)
        return NULL;
    struct points_settings s;
    points_settings_load(c, &s);
    int64_t branch = 0, agency = 0;
    int rc = points_person_orgs(c, person_id, &branch, &agency);
    char year[16], quarter[16], month[16];
    points_periods(now, year, quarter, month);
    int64_t ty = total_of(c, person_id, year), tq = total_of(c, person_id, quarter), tm = total_of(c, person_id, month);
    int64_t rank_branch = 0, rank_agency = 0;
    if (rc == DJ_OK && branch)
        rc = points_rank(c, year, false, branch, ty, true, &s, &rank_branch);
    if (rc == DJ_OK && agency)
        rc = points_rank(c, year, true, agency, ty, true, &s, &rank_agency);
    if (rc) {
        json_decref(me);
        *err = rc;
        return NULL;
    }
    char *bname = NULL;
    if (branch)
        db_query_text(c, &bname, "SELECT name FROM orgs WHERE id = $1", "i", branch);
    json_object_set_new(me, "branch_id", branch ? json_integer(branch) : json_null());
    json_object_set_new(me, "branch_name", bname ? json_string(bname) : json_null());
    free(bname);
    json_object_set_new(me, "agency_id", agency ? json_integer(agency) : json_null());
    json_object_set_new(me, "base", json_integer(s.base));
    json_object_set_new(me, "year", json_pack("{s:s, s:I, s:I, s:I, s:I}", "period", year, "earned", (json_int_t)ty,
                                              "score", (json_int_t)points_year_score(&s, ty), "rank_branch",
                                              (json_int_t)rank_branch, "rank_agency", (json_int_t)rank_agency));
    json_object_set_new(me, "quarter", json_pack("{s:s, s:I}", "period", quarter, "earned", (json_int_t)tq));
    json_object_set_new(me, "month", json_pack("{s:s, s:I}", "period", month, "earned", (json_int_t)tm));
    json_t *notices = db_query_rows(c, err,
                                    "SELECT id, rule_code, message, occurred_at, created_at FROM points_notices"
                                    " WHERE person_id = $1 ORDER BY id DESC LIMIT 20",
                                    "i", person_id);
    json_object_set_new(me, "notices", notices ? notices : json_array());
    return me;
}

json_t *points_ledger_list(db_conn *c, int64_t person_id, int64_t limit, int64_t offset, int64_t *total, int *err)
{
    *total = 0;
    db_query_i64(c, total, "SELECT COUNT(*) FROM points_ledger WHERE person_id = $1", "i", person_id);
    return db_query_rows(c, err,
                         "SELECT l.id, l.seq, l.rule_code, r.name AS rule_name, r.category, r.version AS rule_version,"
                         " l.delta, l.source_type, l.source_id, l.reverses_id,"
                         " (SELECT x.id FROM points_ledger x WHERE x.reverses_id = l.id) AS reversed_by,"
                         " l.reason, l.occurred_at, l.created_at, cu.name AS created_by_name,"
                         " au.name AS approved_by_name, l.hash"
                         " FROM points_ledger l JOIN points_rules r ON r.id = l.rule_id"
                         " LEFT JOIN users cu ON cu.id = l.created_by LEFT JOIN users au ON au.id = l.approved_by"
                         " WHERE l.person_id = $1 ORDER BY l.seq DESC LIMIT $2 OFFSET $3",
                         "iii", person_id, limit, offset);
}

json_t *points_ledger_of_org(db_conn *c, const char *org_path, int *err)
{
    return db_query_rows(c, err,
                         "SELECT l.id, p.name AS person_name, o.name AS org_name, r.name AS rule_name, r.category,"
                         " l.delta, l.reason, l.occurred_at, l.created_at, l.source_type, l.reverses_id, l.hash"
                         " FROM points_ledger l JOIN people p ON p.id = l.person_id JOIN orgs o ON o.id = p.org_id"
                         " JOIN points_rules r ON r.id = l.rule_id WHERE o.path >= $1 AND o.path < $1 || ':'"
                         " ORDER BY l.id LIMIT 100000",
                         "t", org_path);
}

/* The page from the base tables: every party member of the subtree, those without
 * entries at 0 (what the aggregates below must agree with; tests/api/city-aggregates). */
static json_t *rankings_items_scan(db_conn *c, const char *path, const char *period, int64_t base, int64_t floor0,
                                   int64_t limit, int64_t offset, int64_t *first_rank, int *err)
{
    json_t *items = db_query_rows(
        c, err,
        "SELECT p.id AS person_id, p.name, o.name AS org_name,"
        /* a 党小组's name repeats across branches ("第二党小组"): say whose */
        " CASE WHEN o.kind = 'group' THEN po.name || ' / ' || o.name ELSE o.name END AS org_full_name,"
        " COALESCE(t.total, 0) AS earned,"
        " CASE WHEN $4 = 1 AND $3 + COALESCE(t.total, 0) < 0 THEN 0 ELSE $3 + COALESCE(t.total, 0) END AS score"
        " FROM people p JOIN orgs o ON o.id = p.org_id LEFT JOIN orgs po ON po.id = o.parent_id"
        " LEFT JOIN points_totals t ON t.person_id = p.id AND t.period = $2"
        " WHERE o.path >= $1 AND o.path < $1 || ':' AND p.party_status IN ('full', 'probationary')"
        " ORDER BY score DESC, p.id LIMIT $5 OFFSET $6",
        "ttiiii", path, period, base, floor0, limit, offset);
    *first_rank = 1;
    if (items && json_array_size(items) > 0 && offset > 0) {
        int64_t top = dj_jint(json_array_get(items, 0), "score", 0);
        db_query_i64(c, first_rank,
                     "SELECT COUNT(DISTINCT score) + 1 FROM (SELECT CASE WHEN $4 = 1 AND $3 + COALESCE(t.total, 0)"
                     " < 0 THEN 0 ELSE $3 + COALESCE(t.total, 0) END AS score FROM people p"
                     " JOIN orgs o ON o.id = p.org_id LEFT JOIN points_totals t ON t.person_id = p.id"
                     " AND t.period = $2 WHERE o.path >= $1 AND o.path < $1 || ':'"
                     " AND p.party_status IN ('full', 'probationary')) x WHERE score > $5",
                     "ttiii", path, period, base, floor0, top);
    }
    return items;
}

/* The page from the period's highest totals (index points_totals_period_total): a
 * member with total > 0 and base + total > 0 stands above every member without
 * entries and every total at or below 0, and their order by score is their order by
 * total. NULL (and *err DJ_OK) when the page reaches below those: the caller scans. */
static json_t *rankings_items_top(db_conn *c, const char *path, const char *period, int64_t base, int64_t limit,
                                  int64_t offset, int64_t *first_rank, int *err)
{
    *err = DJ_OK;
    json_t *rows = db_query_rows(
        c, err,
        "SELECT p.id AS person_id, p.name, o.name AS org_name,"
        " CASE WHEN o.kind = 'group' THEN po.name || ' / ' || o.name ELSE o.name END AS org_full_name,"
        " t.total AS earned, $3 + t.total AS score"
        " FROM points_totals t JOIN people p ON p.id = t.person_id JOIN orgs o ON o.id = p.org_id"
        " LEFT JOIN orgs po ON po.id = o.parent_id"
        " WHERE t.period = $2 AND t.total > 0 AND t.total > -$3 AND o.path >= $1 AND o.path < $1 || ':'"
        " AND p.party_status IN ('full', 'probationary')"
        " ORDER BY t.total DESC, p.id LIMIT $4",
        "ttii", path, period, base, offset + limit);
    if (!rows)
        return NULL;
    if ((int64_t)json_array_size(rows) < offset + limit) {
        json_decref(rows);
        return NULL;
    }
    json_t *items = json_array();
    for (size_t i = (size_t)offset; i < json_array_size(rows); i++)
        json_array_append(items, json_array_get(rows, i));
    json_decref(rows);
    *first_rank = 1;
    if (offset > 0 && json_array_size(items) > 0)
        db_query_i64(c, first_rank,
                     "SELECT COUNT(DISTINCT t.total) + 1 FROM points_totals t JOIN people p ON p.id = t.person_id"
                     " JOIN orgs o ON o.id = p.org_id WHERE t.period = $2 AND t.total > $3 AND o.path >= $1 AND o.path < $1 || ':'"
                     " AND p.party_status IN ('full', 'probationary')",
                     "tti", path, period, dj_jint(json_array_get(items, 0), "earned", 0));
    return items;
}

/* Each branch's members and sums from the subtree figures (org_stats: one indexed
 * row per branch), the year's floor at 0 added back from the few totals below it. */
static json_t *rankings_branches(db_conn *c, const char *path, const char *period, int64_t base, int64_t floor0,
                                 int *err)
{
    json_t *rows = db_query_rows(
        c, err,
        "SELECT org_id, name, members, $3 * members + earned_sum AS score_sum, earned_sum FROM ("
        " SELECT b.id AS org_id, b.name,"
        " (SELECT CAST(COALESCE(SUM(s.n), 0) AS BIGINT) FROM org_stats s WHERE s.org_id = b.id AND s.period = ''"
        "  AND s.key IN ('people:0:full', 'people:0:probationary', 'people:1:full', 'people:1:probationary'))"
        "  AS members,"
        " (SELECT CAST(COALESCE(SUM(s.n), 0) AS BIGINT) FROM org_stats s WHERE s.org_id = b.id AND s.period = $2"
        "  AND s.key IN ('earned:0', 'earned:1')) AS earned_sum"
        " FROM orgs b WHERE b.path >= $1 AND b.path < $1 || ':' AND b.kind IN ('branch', 'general_branch')) x"
        " WHERE members > 0 ORDER BY org_id",
        "tti", path, period, base);
    if (!rows || !floor0)
        return rows;
    /* base + total < 0 shows as 0: add back -(base + total) for each such member */
    json_t *below = db_query_rows(
        c, err,
        "SELECT b.id AS org_id, CAST(SUM(-($3 + t.total)) AS BIGINT) AS extra FROM points_totals t"
        " JOIN people p ON p.id = t.person_id JOIN orgs o ON o.id = p.org_id"
        " JOIN orgs b ON o.path >= b.path AND o.path < b.path || ':'"
        " WHERE t.period = $2 AND t.total < -$3 AND p.party_status IN ('full', 'probationary')"
        " AND b.path >= $1 AND b.path < $1 || ':' AND b.kind IN ('branch', 'general_branch') GROUP BY b.id",
        "tti", path, period, base);
    if (!below) {
        json_decref(rows);
        return NULL;
    }
    size_t i, k;
    json_t *b, *x;
    json_array_foreach(below, k, x) {
        json_array_foreach(rows, i, b) {
            if (dj_jint(b, "org_id", 0) == dj_jint(x, "org_id", 0))
                json_object_set_new(b, "score_sum",
                                    json_integer(dj_jint(b, "score_sum", 0) + dj_jint(x, "extra", 0)));
        }
    }
    json_decref(below);
    return rows;
}

/* The branches from the base tables (a negative base with the floor at 0: members
 * without entries stand at 0, which the subtree figures do not know). */
static json_t *rankings_branches_scan(db_conn *c, const char *path, const char *period, int64_t base, int64_t floor0,
                                      int *err)
{
    return db_query_rows(
        c, err,
        "SELECT b.id AS org_id, b.name, COUNT(p.id) AS members,"
        " COALESCE(SUM(CASE WHEN $4 = 1 AND $3 + COALESCE(t.total, 0) < 0 THEN 0"
        "  ELSE $3 + COALESCE(t.total, 0) END), 0) AS score_sum, COALESCE(SUM(t.total), 0) AS earned_sum"
        " FROM orgs b JOIN orgs o ON o.path >= b.path AND o.path < b.path || ':'"
        " JOIN people p ON p.org_id = o.id AND p.party_status IN ('full', 'probationary')"
        " LEFT JOIN points_totals t ON t.person_id = p.id AND t.period = $2"
        " WHERE b.path >= $1 AND b.path < $1 || ':' AND b.kind IN ('branch', 'general_branch')"
        " GROUP BY b.id, b.name ORDER BY b.id",
        "ttii", path, period, base, floor0);
}

/* Higher average first; the same average by the organisation's id. */
static int by_average(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    double ax = json_real_value(json_object_get(x, "average")), ay = json_real_value(json_object_get(y, "average"));
    if (ax != ay)
        return ax < ay ? 1 : -1;
    int64_t ix = dj_jint(x, "org_id", 0), iy = dj_jint(y, "org_id", 0);
    return (ix > iy) - (ix < iy);
}

/* A chart holds RANKINGS_BRANCHES branches: more (a city's thousands) keep the highest averages. */
static void branches_shown(json_t *branches)
{
    if (json_array_size(branches) <= RANKINGS_BRANCHES)
        return;
    dj_json_array_sort(branches, by_average);
    while (json_array_size(branches) > RANKINGS_BRANCHES)
        json_array_remove(branches, json_array_size(branches) - 1);
}

json_t *points_rankings(db_conn *c, int64_t org_id, const char *period, int64_t limit, int64_t offset, int *err)
{
    enum points_period_kind kind;
    int64_t start, end;
    if (points_period_parse(period, &kind, &start, &end)) {
        *err = DJ_EINVAL;
        return NULL;
    }
    char *path = NULL;
    int rc = db_query_text(c, &path, "SELECT path FROM orgs WHERE id = $1", "i", org_id);
    if (rc) {
        *err = rc;
        return NULL;
    }
    struct points_settings s;
    points_settings_load(c, &s);
    bool year = kind == POINTS_YEAR;
    int64_t base = year ? s.base : 0;
    int64_t floor0 = year && !s.allow_negative ? 1 : 0;
    /* every party member of the subtree: one row of the subtree figures */
    int64_t members = 0;
    db_query_i64(c, &members,
                 "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM org_stats WHERE org_id = $1 AND period = ''"
                 " AND key IN ('people:0:full', 'people:0:probationary', 'people:1:full', 'people:1:probationary')",
                 "i", org_id);
    int64_t first_rank = 1;
    json_t *items = rankings_items_top(c, path, period, base, limit, offset, &first_rank, err);
    if (!items && *err == DJ_OK)
        items = rankings_items_scan(c, path, period, base, floor0, limit, offset, &first_rank, err);
    json_t *branches = NULL;
    if (items) {
        size_t n = json_array_size(items);
        int64_t *scores = dj_calloc(n + 1, sizeof *scores), *ranks = dj_calloc(n + 1, sizeof *ranks);
        for (size_t i = 0; i < n; i++)
            scores[i] = dj_jint(json_array_get(items, i), "score", 0);
        points_dense_rank(scores, n, first_rank, ranks);
        for (size_t i = 0; i < n; i++)
            json_object_set_new(json_array_get(items, i), "rank", json_integer(ranks[i]));
        free(scores);
        free(ranks);
        /* each branch's average (x10, integer arithmetic; shown with one decimal);
         * with a floor and a negative base, members without entries stand at 0, not at base */
        branches = floor0 && base < 0 ? rankings_branches_scan(c, path, period, base, floor0, err)
                                       : rankings_branches(c, path, period, base, floor0, err);
        size_t i;
        json_t *b;
        json_array_foreach(branches ? branches : json_null(), i, b) {
            int64_t m = dj_jint(b, "members", 0), sum = dj_jint(b, "score_sum", 0), earned = dj_jint(b, "earned_sum", 0);
            json_object_set_new(b, "average", json_real(m ? (double)(sum * 10 / m) / 10.0 : 0.0));
            json_object_set_new(b, "average_earned", json_real(m ? (double)(earned * 10 / m) / 10.0 : 0.0));
        }
    }
    char *org_name = NULL;
    db_query_text(c, &org_name, "SELECT name FROM orgs WHERE id = $1", "i", org_id);
    free(path);
    if (!items || !branches) {
        free(org_name);
        json_decref(items);
        json_decref(branches);
        return NULL;
    }
    json_int_t branches_total = (json_int_t)json_array_size(branches);
    branches_shown(branches);
    json_t *out = json_pack("{s:s, s:I, s:I, s:o, s:o, s:I}", "period", period, "org_id", (json_int_t)org_id, "total",
                            (json_int_t)members, "items", items, "branches", branches, "branches_total",
                            branches_total);
    /* written so that no cursor, however large, overflows */
    json_object_set_new(out, "next", offset < members - limit ? json_integer(offset + limit) : json_null());
    json_object_set_new(out, "org_name", org_name ? json_string(org_name) : json_null());
    free(org_name);
    return out;
}

json_t *points_honour_roll(db_conn *c, int64_t agency_id, const char *period, int64_t limit, int *err)
{
    enum points_period_kind kind;
    int64_t start, end;
    if (points_period_parse(period, &kind, &start, &end)) {
        *err = DJ_EINVAL;
        return NULL;
    }
    struct points_settings s;
    points_settings_load(c, &s);
    /* (period, agency_id, total DESC, person_id): the first rows of the index, no sort */
    json_t *items = db_query_rows(c, err,
                                  "SELECT t.person_id, p.name, b.name AS branch_name, t.total AS earned"
                                  " FROM points_totals t JOIN people p ON p.id = t.person_id"
                                  " LEFT JOIN orgs b ON b.id = t.branch_id"
                                  " WHERE t.period = $1 AND t.agency_id = $2 AND t.total > 0"
                                  " ORDER BY t.total DESC, t.person_id LIMIT $3",
                                  "tii", period, agency_id, limit);
    if (!items)
        return NULL;
    size_t n = json_array_size(items);
    int64_t *scores = dj_calloc(n + 1, sizeof *scores), *ranks = dj_calloc(n + 1, sizeof *ranks);
    for (size_t i = 0; i < n; i++)
        scores[i] = dj_jint(json_array_get(items, i), "earned", 0);
    points_dense_rank(scores, n, 1, ranks);
    for (size_t i = 0; i < n; i++) {
        json_t *it = json_array_get(items, i);
        json_object_set_new(it, "rank", json_integer(ranks[i]));
        json_object_set_new(it, "score", json_integer(kind == POINTS_YEAR ? points_year_score(&s, scores[i])
                                                                          : scores[i]));
    }
    free(scores);
    free(ranks);
    return json_pack("{s:s, s:I, s:o}", "period", period, "agency_id", (json_int_t)agency_id, "items", items);
}

int points_xlsx(const char *sheet, const struct points_xlsx_col *cols, const json_t *rows, void **data, size_t *len)
{
    dj_xlsx x;
    if (dj_xlsx_new(&x, "points"))
        return DJ_EINTERNAL;
    lxw_workbook *wb = x.wb;
    lxw_worksheet *ws = workbook_add_worksheet(wb, sheet);
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    int ncols = 0;
    for (; cols[ncols].key; ncols++) {
        worksheet_write_string(ws, 0, (lxw_col_t)ncols, cols[ncols].header, bold);
        worksheet_set_column(ws, (lxw_col_t)ncols, (lxw_col_t)ncols, 16, NULL);
    }
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        for (int j = 0; j < ncols; j++) {
            json_t *v = json_object_get(row, cols[j].key);
            lxw_row_t r = (lxw_row_t)(i + 1);
            if (json_is_integer(v))
                worksheet_write_number(ws, r, (lxw_col_t)j, (double)json_integer_value(v), NULL);
            else if (json_is_real(v))
                worksheet_write_number(ws, r, (lxw_col_t)j, json_real_value(v), NULL);
            else if (json_is_string(v)) {
                /* times as people read them: 2026年12月5日 14:30; the deed's day alone */
                size_t kl = strlen(cols[j].key);
                bool when = kl > 3 && (strcmp(cols[j].key + kl - 3, "_at") == 0 || strcmp(cols[j].key + kl - 3, "_on") == 0);
                char cn[32];
                if (when)
                    dj_text_cn(json_string_value(v), strcmp(cols[j].key, "occurred_at") == 0, cn);
                worksheet_write_string(ws, r, (lxw_col_t)j, when ? cn : json_string_value(v), NULL);
            }
        }
    }
    dj_buf out = {0};
    int rc = dj_xlsx_finish(&x, &out);
    if (rc)
        dj_buf_free(&out);
    *data = rc ? NULL : out.data;
    *len = rc ? 0 : out.len;
    return rc;
}
