/* orgs_stats.c - the org_stats aggregates (db/migrations/1000_org_stats.sql): figures
 * of an organisation's whole subtree, kept in the same transaction as the write that
 * changes them, so a city's rankings and dashboard read one indexed row per
 * organisation instead of walking every member.
 *
 * A member's contribution (one 'people:<active>:<status>' and, for a party member,
 * 'earned:<active>' for each period of their points_totals) is added to every
 * organisation on their org's path. A write that changes a member's org, status or
 * active flag takes the contribution out before it (orgs_stats_person(c, id, -1)) and
 * puts it back after it (+1); an award adds its delta (orgs_stats_earned); a subtree
 * that moves carries its rows from the old ancestors to the new (orgs_stats_move).
 * Rows are touched root first and periods in order, so two writes never wait for each
 * other in opposite orders. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../core/err.h"
#include "../core/mem.h"
#include "orgs.h"

enum { MAX_DEPTH = 32 };

/* Set by a bulk loader on its own thread (orgs_stats_defer): the per-write upkeep is
 * skipped until the loader's orgs_stats_rebuild in the same transaction. */
static _Thread_local bool deferred;

void orgs_stats_defer(bool on)
{
    deferred = on;
}

/* The ids of a path ("/1/1000/100000/"), root first; returns how many. */
static int path_ids(const char *path, int64_t *ids, int max)
{
    int n = 0;
    for (const char *p = path; p && *p && n < max;) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        int64_t id = 0;
        while (*p >= '0' && *p <= '9')
            id = id * 10 + (*p++ - '0');
        ids[n++] = id;
        while (*p && *p != '/')
            p++;
    }
    return n;
}

struct member {
    int n;                 /* organisations on the path (0: none; the row of org 0 counts them) */
    int64_t ids[MAX_DEPTH];
    int active;
    bool party;
    char key[48];          /* people:<active>:<status> */
};

static int member_load(db_conn *c, int64_t person_id, struct member *m)
{
    memset(m, 0, sizeof *m);
    int rc;
    json_t *r = db_query_row(c, &rc,
                             "SELECT p.active, p.party_status, o.path FROM people p LEFT JOIN orgs o ON o.id = p.org_id"
                             " WHERE p.id = $1",
                             "i", person_id);
    if (!r)
        return rc;
    const char *st = dj_jstr(r, "party_status", "none");
    m->active = dj_jint(r, "active", 1) ? 1 : 0;
    m->party = strcmp(st, "full") == 0 || strcmp(st, "probationary") == 0;
    snprintf(m->key, sizeof m->key, "people:%d:%s", m->active, st);
    m->n = path_ids(dj_jstr(r, "path", ""), m->ids, MAX_DEPTH);
    json_decref(r);
    return DJ_OK;
}

static int add(db_conn *c, int64_t org_id, const char *period, const char *key, int64_t delta)
{
    return db_exec(c,
                   "INSERT INTO org_stats (org_id, period, key, n) VALUES ($1, $2, $3, $4)"
                   " ON CONFLICT (org_id, period, key) DO UPDATE SET n = org_stats.n + excluded.n",
                   "itti", org_id, period, key, delta);
}

int orgs_stats_person(db_conn *c, int64_t person_id, int sign)
{
    if (deferred)
        return DJ_OK;
    struct member m;
    int rc = member_load(c, person_id, &m);
    if (rc)
        return rc;
    if (m.n == 0)
        return add(c, 0, "", m.key, sign);
    char earned[24];
    snprintf(earned, sizeof earned, "earned:%d", m.active);
    for (int i = 0; i < m.n && rc == DJ_OK; i++) {
        rc = add(c, m.ids[i], "", m.key, sign);
        if (rc == DJ_OK && m.party)
            rc = db_exec(c,
                         "INSERT INTO org_stats (org_id, period, key, n)"
                         " SELECT $1, period, $2, $3 * total FROM points_totals WHERE person_id = $4 ORDER BY period"
                         " ON CONFLICT (org_id, period, key) DO UPDATE SET n = org_stats.n + excluded.n",
                         "itii", m.ids[i], earned, (int64_t)sign, person_id);
    }
    return rc;
}

int orgs_stats_earned(db_conn *c, int64_t person_id, char periods[][16], int nperiods, int64_t delta)
{
    if (deferred)
        return DJ_OK;
    struct member m;
    int rc = member_load(c, person_id, &m);
    if (rc || !m.party || delta == 0)
        return rc;
    char earned[24];
    snprintf(earned, sizeof earned, "earned:%d", m.active);
    for (int i = 0; i < m.n && rc == DJ_OK; i++)
        for (int k = 0; k < nperiods && rc == DJ_OK; k++)
            rc = add(c, m.ids[i], periods[k], earned, delta);
    return rc;
}

int orgs_stats_move(db_conn *c, int64_t org_id, const char *old_path, const char *new_path)
{
    int64_t from[MAX_DEPTH], to[MAX_DEPTH];
    if (deferred)
        return DJ_OK;
    int nf = path_ids(old_path, from, MAX_DEPTH), nt = path_ids(new_path, to, MAX_DEPTH), rc = DJ_OK;
    /* the organisation's own rows stay; its ancestors' change */
    for (int pass = 0; pass < 2 && rc == DJ_OK; pass++) {
        const int64_t *ids = pass ? to : from;
        int n = pass ? nt : nf;
        for (int i = 0; i < n && rc == DJ_OK; i++)
            if (ids[i] != org_id)
                rc = db_exec(c,
                             "INSERT INTO org_stats (org_id, period, key, n)"
                             " SELECT $1, period, key, $2 * n FROM org_stats WHERE org_id = $3 ORDER BY period, key"
                             " ON CONFLICT (org_id, period, key) DO UPDATE SET n = org_stats.n + excluded.n",
                             "iii", ids[i], (int64_t)(pass ? 1 : -1), org_id);
    }
    return rc;
}

int orgs_stats_rebuild(db_conn *c)
{
    /* each org's own counts, rolled up to its ancestors by parent */
    return db_exec_script(
        c,
        "DELETE FROM org_stats;"
        "WITH RECURSIVE anc(org_id, anc_id) AS ( "
        " SELECT id, id FROM orgs "
        " UNION ALL SELECT anc.org_id, o.parent_id FROM anc JOIN orgs o ON o.id = anc.anc_id WHERE o.parent_id IS NOT NULL) "
        "INSERT INTO org_stats (org_id, period, key, n) "
        "SELECT anc.anc_id, '', d.key, SUM(d.n) FROM ( "
        " SELECT org_id, 'people:' || active || ':' || party_status AS key, COUNT(*) AS n FROM people "
        " WHERE org_id IS NOT NULL GROUP BY org_id, active, party_status) d "
        "JOIN anc ON anc.org_id = d.org_id GROUP BY anc.anc_id, d.key;"
        "INSERT INTO org_stats (org_id, period, key, n) "
        "SELECT 0, '', 'people:' || active || ':' || party_status, COUNT(*) FROM people "
        "WHERE org_id IS NULL GROUP BY active, party_status;"
        "WITH RECURSIVE anc(org_id, anc_id) AS ( "
        " SELECT id, id FROM orgs "
        " UNION ALL SELECT anc.org_id, o.parent_id FROM anc JOIN orgs o ON o.id = anc.anc_id WHERE o.parent_id IS NOT NULL) "
        "INSERT INTO org_stats (org_id, period, key, n) "
        "SELECT anc.anc_id, d.period, d.key, SUM(d.n) FROM ( "
        " SELECT p.org_id, t.period, 'earned:' || p.active AS key, SUM(t.total) AS n "
        " FROM points_totals t JOIN people p ON p.id = t.person_id "
        " WHERE p.org_id IS NOT NULL AND p.party_status IN ('full', 'probationary') GROUP BY p.org_id, t.period, p.active) d "
        "JOIN anc ON anc.org_id = d.org_id GROUP BY anc.anc_id, d.period, d.key;");
}
