/* assess_demo.c - the demo agency's assessment: last year's 先进党支部 round,
 * closed after its 公示, and this year's open round with computed results and
 * a few assessors' scores, so the ranking, the brand wall and the dashboard
 * have something to show.  Runs last, over the other modules' demo data, and
 * goes through the same rules as the API (the own-branch rule included). */
#include <stdio.h>
#include <string.h>

#include "../core/err.h"
#include "../core/mem.h"
#include "../core/timeutil.h"
#include "assess.h"

static const char *const comments[] = {
    "品牌定位清晰，载体扎实，群众认可度高",
    "特色做法可复制推广，建议进一步总结提炼",
    "结合业务开展活动较多，成效初显",
    "工作有亮点，但台账资料不够完整",
    "发挥战斗堡垒作用明显，党员参与度高",
};

/* The demo assessors: the committee's demo account and one 考评组 member of its own. */
static int assessors(db_conn *c, const char *password_hash, int64_t root, int64_t ids[2], int *n)
{
    *n = 0;
    int64_t id;
    if (db_query_i64(c, &id, "SELECT id FROM users WHERE login = 'demo-committee'", "") == DJ_OK)
        ids[(*n)++] = id;
    char at[21];
    dj_time_iso(dj_now(), at);
    int rc = db_query_i64(c, &id,
                          "INSERT INTO users (login, name, password_hash, created_at) VALUES ('demo-assessor', '考评组成员',"
                          " $1, $2) RETURNING id",
                          "tt", password_hash, at);
    if (rc == DJ_OK)
        rc = db_exec(c, "INSERT INTO grants (user_id, role, org_id) VALUES ($1, 'committee', $2)", "ii", id, root);
    if (rc == DJ_OK)
        ids[(*n)++] = id;
    return rc;
}

/* Every assessor scores every scored indicator of every branch they may score. */
static int demo_scores(db_conn *c, int64_t period_id, const int64_t *users, int nusers, int salt)
{
    int rc = DJ_OK;
    json_t *inds = db_query_rows(c, &rc,
                                 "SELECT i.id, i.max_score FROM assess_indicators i JOIN assess_periods p"
                                 " ON p.version_id = i.version_id WHERE p.id = $1 AND i.kind = 'scored' ORDER BY i.seq",
                                 "i", period_id);
    json_t *orgs = db_query_rows(c, &rc, "SELECT id FROM orgs WHERE kind = 'branch' AND dissolved_on IS NULL ORDER BY id",
                                 "");
    for (int u = 0; u < nusers && rc == DJ_OK && inds && orgs; u++) {
        json_t *own = assess_own_paths(c, users[u], &rc);
        size_t nown = json_array_size(own);
        const char **paths = dj_calloc(nown + 1, sizeof *paths);
        for (size_t k = 0; k < nown; k++)
            paths[k] = json_string_value(json_object_get(json_array_get(own, k), "path"));
        for (size_t o = 0; o < json_array_size(orgs) && rc == DJ_OK; o++) {
            int64_t org = json_integer_value(json_object_get(json_array_get(orgs, o), "id"));
            for (size_t i = 0; i < json_array_size(inds) && rc == DJ_OK; i++) {
                json_t *ind = json_array_get(inds, i);
                double max = json_number_value(json_object_get(ind, "max_score"));
                /* a spread of 65%–95% of the maximum, in half points, different per branch and assessor */
                int pct = 65 + (int)((org * 37 + (int64_t)i * 11 + u * 7 + salt * 13) % 31);
                double score = (double)(int)(max * pct / 50.0) / 2.0;
                struct assess_err e = {0};
                rc = assess_score_save(c, period_id, org, json_integer_value(json_object_get(ind, "id")), users[u],
                                       paths, nown, score, comments[(org + (int64_t)i + u) % 5], &e);
                if (rc == DJ_EFORBIDDEN)
                    rc = DJ_OK; /* the assessor's own branch: left to the others */
            }
        }
        free(paths);
        json_decref(own);
    }
    json_decref(inds);
    json_decref(orgs);
    return rc;
}

static int demo_period(db_conn *c, int64_t scheme, int year, int n, int64_t *id)
{
    json_t *in = json_pack("{s:I, s:s, s:i, s:s, s:i}", "scheme_id", (json_int_t)scheme, "kind", "year", "year", year,
                           "selection_mode", "top_n", "selection_value", n);
    struct assess_err e = {0};
    int rc = assess_period_create(c, in, 0, id, &e);
    json_decref(in);
    if (rc)
        fprintf(stderr, "dangjian demo: assessment period %d: %s\n", year, e.message);
    return rc;
}

int assess_demo_load(db_conn *c, const char *password_hash)
{
    int64_t root, advanced, four;
    if (db_query_i64(c, &root, "SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1", "") != DJ_OK)
        return DJ_OK; /* no agency, nothing to assess */
    if (db_query_i64(c, &advanced, "SELECT id FROM assess_schemes WHERE code = 'advanced'", "") != DJ_OK ||
        db_query_i64(c, &four, "SELECT id FROM assess_schemes WHERE code = 'four_strong'", "") != DJ_OK)
        return DJ_ENOTFOUND;
    int64_t users[2];
    int nusers = 0;
    int rc = assessors(c, password_hash, root, users, &nusers);
    int64_t now = dj_now(), branches = 0;
    db_query_i64(c, &branches, "SELECT COUNT(*) FROM orgs WHERE kind = 'branch' AND dissolved_on IS NULL", "");
    int y, m, d;
    dj_local_date(now, &y, &m, &d);
    struct assess_err e = {0};
    int n = 0;

    /* last year: 先进党支部 scored in January, 公示 for a week, then final */
    int64_t last = 0;
    if (rc == DJ_OK)
        rc = demo_period(c, advanced, y - 1, 2, &last);
    if (rc == DJ_OK)
        rc = demo_scores(c, last, users, nusers, 1);
    if (rc == DJ_OK)
        rc = assess_compute(c, last, dj_local_midnight(y, 1, 12) + 9 * 3600, &n, &e);
    if (rc == DJ_OK && branches > 0) {
        rc = assess_publish(c, last, dj_local_midnight(y, 1, 13) + 9 * 3600, &e);
        if (rc == DJ_OK)
            rc = assess_finalise(c, last, dj_local_midnight(y, 1, 26) + 9 * 3600, &e);
    }
    /* this year: the 四强 round is open, scored in part and computed as of today */
    int64_t cur = 0;
    if (rc == DJ_OK)
        rc = demo_period(c, four, y, 3, &cur);
    if (rc == DJ_OK)
        rc = demo_scores(c, cur, users, nusers > 1 ? 1 : nusers, 2);
    if (rc == DJ_OK)
        rc = assess_compute(c, cur, now, &n, &e);
    if (rc != DJ_OK && e.message[0])
        fprintf(stderr, "dangjian demo: assessment: %s\n", e.message);
    return rc;
}
