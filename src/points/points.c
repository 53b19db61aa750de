/* points.c - the rules of points that are pure functions (periods, amounts, caps,
 * dense ranks, the entry hash) and the ledger: awards, reversals, the chain walk,
 * and the consumer that turns organisational-life events into awards.
 *
 * One chain per member, not one for the whole ledger.  With several server
 * processes on PostgreSQL a single chain makes every award in the agency wait
 * for the one row that holds the global head: awards would commit one at a
 * time, cluster-wide.  A chain per member serialises only the awards of the
 * same member (the UPDATE of the member's points_heads row takes its row lock
 * at the start of the transaction, and the totals rows are that member's
 * too), so awards for different members commit in parallel, while an edit,
 * insertion or deletion anywhere in a member's history still breaks that
 * member's chain, and the heads table catches a removed tail. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/err.h"
#include "../core/mem.h"
#include "../core/timeutil.h"
#include "../orgs/orgs.h"
#include "points.h"

/* ---------- pure rules ---------- */

void points_periods(int64_t t, char year[16], char quarter[16], char month[16])
{
    int y, m, d;
    dj_local_date(t, &y, &m, &d);
    y %= 10000; /* the calendar years this software sees have four digits */
    snprintf(year, 16, "%04d", y);
    snprintf(quarter, 16, "%04d-Q%d", y, ((m - 1) / 3 + 1) % 10);
    snprintf(month, 16, "%04d-%02d", y, m % 100);
}

int points_period_parse(const char *s, enum points_period_kind *kind, int64_t *start, int64_t *end)
{
    int y = 0, n = 0, len = s ? (int)strlen(s) : 0;
    char tail;
    if (len == 4 && sscanf(s, "%4d%c", &y, &tail) == 1 && y >= 2000 && y <= 2100) {
        *kind = POINTS_YEAR;
        *start = dj_local_midnight(y, 1, 1);
        *end = dj_local_midnight(y + 1, 1, 1);
        return DJ_OK;
    }
    if (len == 7 && s[4] == '-' && s[5] == 'Q' && sscanf(s, "%4d-Q%1d%c", &y, &n, &tail) == 2 && y >= 2000 &&
        y <= 2100 && n >= 1 && n <= 4) {
        *kind = POINTS_QUARTER;
        *start = dj_local_midnight(y, 3 * (n - 1) + 1, 1);
        *end = n == 4 ? dj_local_midnight(y + 1, 1, 1) : dj_local_midnight(y, 3 * n + 1, 1);
        return DJ_OK;
    }
    if (len == 7 && s[4] == '-' && s[5] >= '0' && s[5] <= '1' && sscanf(s, "%4d-%2d%c", &y, &n, &tail) == 2 &&
        y >= 2000 && y <= 2100 && n >= 1 && n <= 12) {
        *kind = POINTS_MONTH;
        *start = dj_local_midnight(y, n, 1);
        *end = n == 12 ? dj_local_midnight(y + 1, 1, 1) : dj_local_midnight(y, n + 1, 1);
        return DJ_OK;
    }
    return DJ_EINVAL;
}

int64_t points_amount(const struct points_rule *rule, int64_t quantity)
{
    bool hours = strcmp(rule->source, "study_hours") == 0 || strcmp(rule->source, "volunteer_hours") == 0;
    if (!hours)
        return rule->points;
    if (quantity <= 0 || quantity < rule->min_quantity)
        return 0;
    /* hours rounded half up (1.5 h counts 2); a duration that meets the minimum counts
     * at least one hour */
    int64_t whole = (quantity + 5) / 10;
    return rule->points * (whole > 0 ? whole : 1);
}

int64_t points_cap_clip(const struct points_rule *rule, int64_t delta, int64_t used_day, int64_t used_month,
                        int64_t used_year, char *which)
{
    *which = 0;
    if (delta <= 0)
        return delta; /* deductions are not capped */
    int64_t give = delta;
    const struct {
        int64_t cap, used;
        char tag;
    } caps[] = {{rule->cap_day, used_day, 'd'}, {rule->cap_month, used_month, 'm'}, {rule->cap_year, used_year, 'y'}};
    for (size_t i = 0; i < 3; i++) {
        if (caps[i].cap <= 0)
            continue;
        int64_t left = caps[i].cap - caps[i].used;
        if (left < 0)
            left = 0;
        if (left < give) {
            give = left;
            *which = caps[i].tag;
        }
    }
    return give;
}

void points_dense_rank(const int64_t *scores, size_t n, int64_t first_rank, int64_t *ranks)
{
    int64_t rank = first_rank;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && scores[i] != scores[i - 1])
            rank++;
        ranks[i] = rank;
    }
}

static void hash_text(crypto_hash_sha256_state *st, const char *tag, const char *s)
{
    char head[48];
    size_t n = s ? strlen(s) : 0;
    int h = snprintf(head, sizeof head, "%s=%zu:", tag, n);
    crypto_hash_sha256_update(st, (const unsigned char *)head, (unsigned long long)h);
    if (n)
        crypto_hash_sha256_update(st, (const unsigned char *)s, n);
}

static void hash_int(crypto_hash_sha256_state *st, const char *tag, int64_t v)
{
    char buf[48];
    int h = snprintf(buf, sizeof buf, "%s=%lld;", tag, (long long)v);
    crypto_hash_sha256_update(st, (const unsigned char *)buf, (unsigned long long)h);
}

void points_entry_hash(const struct points_entry *e, const char *prev_hash, char out[POINTS_HASH_HEX])
{
    crypto_hash_sha256_state st;
    unsigned char md[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&st);
    hash_text(&st, "prev", prev_hash);
    hash_int(&st, "person", e->person_id);
    hash_int(&st, "seq", e->seq);
    hash_int(&st, "rule", e->rule_id);
    hash_text(&st, "code", e->rule_code);
    hash_int(&st, "delta", e->delta);
    hash_text(&st, "source", e->source_type);
    hash_int(&st, "source_id", e->source_id);
    hash_int(&st, "reverses", e->reverses_id);
    hash_text(&st, "reason", e->reason);
    hash_text(&st, "occurred", e->occurred_at);
    hash_int(&st, "created_by", e->created_by);
    hash_int(&st, "approved_by", e->approved_by);
    hash_text(&st, "created", e->created_at);
    crypto_hash_sha256_final(&st, md);
    sodium_bin2hex(out, POINTS_HASH_HEX, md, sizeof md);
}

/* ---------- the ledger ---------- */

void points_chain_lock(db_conn *c, int64_t person_id, char name[40])
{
    name[0] = '\0';
    if (person_id > 0) {
        snprintf(name, 40, "dangjian:points:%lld", (long long)person_id);
        if (db_lock(c, name) != DJ_OK)
            name[0] = '\0'; /* the retries still keep it right, only slower */
    }
}

void points_chain_unlock(db_conn *c, const char name[40])
{
    if (name[0])
        db_unlock(c, name);
}

int points_person_orgs(db_conn *c, int64_t person_id, int64_t *branch_id, int64_t *agency_id)
{
    *branch_id = 0;
    *agency_id = 0;
    char *path = NULL;
    int rc = db_query_text(c, &path,
                           "SELECT o.path FROM people p JOIN orgs o ON o.id = p.org_id WHERE p.id = $1", "i",
                           person_id);
    if (rc == DJ_ENOTFOUND)
        return DJ_OK; /* a person outside the tree */
    if (rc)
        return rc;
    /* the path's ids, root first ("/1/4/9/"); the branch is the deepest of kind
     * branch or general_branch, found by primary-key lookups (no scan of orgs) */
    int64_t ids[32];
    int n = 0;
    for (char *p = path; *p && n < 32;) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        ids[n++] = strtoll(p, &p, 10);
    }
    free(path);
    if (n == 0)
        return DJ_OK;
    *agency_id = ids[0];
    *branch_id = ids[n - 1]; /* no branch above: rank with the org itself */
    for (int i = n - 1; i >= 0; i--) {
        char *kind = NULL;
        rc = db_query_text(c, &kind, "SELECT kind FROM orgs WHERE id = $1", "i", ids[i]);
        if (rc == DJ_ENOTFOUND)
            continue;
        if (rc)
            return rc;
        bool branch = strcmp(kind, "branch") == 0 || strcmp(kind, "general_branch") == 0;
        free(kind);
        if (branch) {
            *branch_id = ids[i];
            break;
        }
    }
    return DJ_OK;
}

int points_member_moved(db_conn *c, int64_t person_id)
{
    int64_t branch, agency;
    int rc = points_person_orgs(c, person_id, &branch, &agency);
    if (rc)
        return rc;
    return db_exec(c, "UPDATE points_totals SET branch_id = $2, agency_id = $3 WHERE person_id = $1", "iII",
                   person_id, branch, agency);
}

/* Appends one entry to the member's chain and adds it to the totals; e->seq is
 * filled in.  The head row is updated first: on PostgreSQL that row lock is what
 * orders concurrent awards of one member (on SQLite BEGIN IMMEDIATE already has). */
static int ledger_append(db_conn *c, struct points_entry *e, int64_t occurred_t, int64_t *id)
{
    int rc = db_exec(c, "INSERT INTO points_heads (person_id, seq, hash) VALUES ($1, 0, $2)"
                        " ON CONFLICT (person_id) DO NOTHING",
                     "it", e->person_id, POINTS_GENESIS);
    if (rc)
        return rc;
    db_stmt *s = db_prep(c, "UPDATE points_heads SET seq = seq + 1 WHERE person_id = $1 RETURNING seq, hash");
    if (!s)
        return DJ_EDB;
    db_bind(s, "i", e->person_id);
    char prev[POINTS_HASH_HEX] = "";
    rc = db_step(s);
    if (rc == DB_ROW) {
        e->seq = db_col_i64(s, 0);
        snprintf(prev, sizeof prev, "%s", db_col_text(s, 1) ? db_col_text(s, 1) : "");
        rc = DJ_OK;
    } else if (rc == DB_DONE) {
        rc = DJ_EDB;
    }
    db_done(s);
    if (rc)
        return rc;
    char hash[POINTS_HASH_HEX];
    points_entry_hash(e, prev, hash);
    s = db_prep(c, "INSERT INTO points_ledger (person_id, seq, rule_id, rule_code, delta, source_type, source_id,"
                   " reverses_id, reason, occurred_at, created_by, approved_by, created_at, prev_hash, hash)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
                   " ON CONFLICT DO NOTHING RETURNING id");
    if (!s)
        return DJ_EDB;
    db_bind(s, "iiititiIttIItt" "t", e->person_id, e->seq, e->rule_id, e->rule_code, e->delta, e->source_type,
            e->source_id, e->reverses_id, e->reason, e->occurred_at, e->created_by, e->approved_by, e->created_at,
            prev, hash);
    rc = db_step(s);
    if (rc == DB_ROW) {
        *id = db_col_i64(s, 0);
        rc = DJ_OK;
    } else if (rc == DB_DONE) {
        rc = DJ_ECONFLICT; /* the same award exists: the caller checked, so only a race gets here */
    }
    db_done(s);
    if (rc)
        return rc;
    if ((rc = db_exec(c, "UPDATE points_heads SET hash = $2 WHERE person_id = $1", "it", e->person_id, hash)))
        return rc;
    int64_t branch, agency;
    if ((rc = points_person_orgs(c, e->person_id, &branch, &agency)))
        return rc;
    char periods[3][16];
    points_periods(occurred_t, periods[0], periods[1], periods[2]);
    for (int i = 0; i < 3 && rc == DJ_OK; i++)
        rc = db_exec(c,
                     "INSERT INTO points_totals (person_id, period, branch_id, agency_id, total, entries)"
                     " VALUES ($1, $2, $3, $4, $5, 1) ON CONFLICT (person_id, period) DO UPDATE SET"
                     " total = points_totals.total + excluded.total, entries = points_totals.entries + 1,"
                     " branch_id = excluded.branch_id, agency_id = excluded.agency_id",
                     "itIIi", e->person_id, periods[i], branch, agency, e->delta);
    /* the subtree sums (org_stats) of every organisation on the member's path; periods
     * in order ("2026" < "2026-03" < "2026-Q1"), as every writer takes them */
    char sorted[3][16];
    memcpy(sorted[0], periods[0], 16);
    memcpy(sorted[1], periods[2], 16);
    memcpy(sorted[2], periods[1], 16);
    if (rc == DJ_OK)
        rc = orgs_stats_earned(c, e->person_id, sorted, 3, e->delta);
    return rc;
}

/* The points a rule already gave the person in [from, to): a cap's "used". A
 * failed read is no zero (the cap would let everything through): it is returned. */
static int used_in(db_conn *c, int64_t person, const char *code, int64_t from, int64_t to, int64_t *v)
{
    char a[21], b[21];
    dj_time_iso(from, a);
    dj_time_iso(to, b);
    *v = 0;
    return db_query_i64(c, v,
                        "SELECT COALESCE(SUM(delta), 0) FROM points_ledger WHERE person_id = $1 AND rule_code = $2"
                        " AND occurred_at >= $3 AND occurred_at < $4",
                        "itt" "t", person, code, a, b);
}

static int write_notice(db_conn *c, const struct points_award *a, const char *occurred, const char *msg)
{
    char now[21];
    dj_time_iso(dj_now(), now);
    return db_exec(c,
                   "INSERT INTO points_notices (person_id, rule_code, source_type, source_id, message, occurred_at,"
                   " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                   "ittitt" "t", a->person_id, a->rule_code, a->source_type, a->source_id, msg, occurred, now);
}

int points_award(db_conn *c, const struct points_award *a, struct points_result *res)
{
    memset(res, 0, sizeof *res);
    char occurred[21], date[16];
    dj_time_iso(a->occurred_at, occurred);
    int y, m, d;
    dj_local_date(a->occurred_at, &y, &m, &d);
    snprintf(date, sizeof date, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);

    int64_t exists;
    int rc = db_query_i64(c, &exists,
                          "SELECT id FROM points_ledger WHERE rule_code = $1 AND person_id = $2 AND source_type = $3"
                          " AND source_id = $4",
                          "titi", a->rule_code, a->person_id, a->source_type, a->source_id);
    if (rc == DJ_OK) {
        res->duplicate = true;
        res->entry_id = exists;
        return DJ_OK;
    }
    if (rc != DJ_ENOTFOUND)
        return rc;
    if (db_query_i64(c, &exists,
                     "SELECT id FROM points_notices WHERE rule_code = $1 AND person_id = $2 AND source_type = $3"
                     " AND source_id = $4",
                     "titi", a->rule_code, a->person_id, a->source_type, a->source_id) == DJ_OK) {
        res->duplicate = true;
        return DJ_OK;
    }

    struct points_rule rule;
    if ((rc = points_rule_at(c, a->rule_code, date, &rule)))
        return rc;
    if (!rule.active)
        return DJ_ENOTFOUND;
    char *status = NULL;
    rc = db_query_text(c, &status, "SELECT party_status FROM people WHERE id = $1", "i", a->person_id);
    if (rc)
        return rc;
    bool member = strcmp(status, "full") == 0 || strcmp(status, "probationary") == 0;
    free(status);
    if (!member) {
        snprintf(res->notice, sizeof res->notice, "仅党员（含预备党员）计入积分");
        return write_notice(c, a, occurred, res->notice);
    }

    int64_t want = points_amount(&rule, a->quantity);
    if (want == 0) {
        snprintf(res->notice, sizeof res->notice, "“%s”时长不足，未计积分", rule.name);
        return write_notice(c, a, occurred, res->notice);
    }
    int64_t used_d = 0, used_m = 0, used_y = 0;
    if (want > 0) {
        int64_t day0 = dj_local_midnight(y, m, d);
        if (rule.cap_day)
            rc = used_in(c, a->person_id, rule.code, day0, day0 + 86400, &used_d);
        if (rc == DJ_OK && rule.cap_month)
            rc = used_in(c, a->person_id, rule.code, dj_local_midnight(y, m, 1),
                         m == 12 ? dj_local_midnight(y + 1, 1, 1) : dj_local_midnight(y, m + 1, 1), &used_m);
        if (rc == DJ_OK && rule.cap_year)
            rc = used_in(c, a->person_id, rule.code, dj_local_midnight(y, 1, 1), dj_local_midnight(y + 1, 1, 1),
                         &used_y);
        if (rc)
            return rc;
    }
    char which = 0;
    int64_t give = points_cap_clip(&rule, want, used_d, used_m, used_y, &which);
    const char *span = which == 'd' ? "本日" : which == 'm' ? "本月" : "本年度";
    if (give == 0) {
        snprintf(res->notice, sizeof res->notice, "%s%s积分已达上限", span, rule.category);
        return write_notice(c, a, occurred, res->notice);
    }

    char reason[400], now[21];
    if (a->reason && *a->reason)
        snprintf(reason, sizeof reason, "%s", a->reason);
    else if (strcmp(rule.source, "study_hours") == 0 || strcmp(rule.source, "volunteer_hours") == 0)
        snprintf(reason, sizeof reason, "%s：%lld.%lld 小时（%d年%d月%d日）", rule.name, (long long)(a->quantity / 10),
                 (long long)(a->quantity % 10), y, m, d);
    else
        snprintf(reason, sizeof reason, "%s（%d年%d月%d日）", rule.name, y, m, d);
    if (give < want) {
        snprintf(res->notice, sizeof res->notice, "%s%s积分已达上限，本次按 %lld 分计", span, rule.category,
                 (long long)give);
        size_t n = strlen(reason);
        snprintf(reason + n, sizeof reason - n, "（%s）", res->notice);
    }
    dj_time_iso(dj_now(), now);
    struct points_entry e = {
        .person_id = a->person_id, .rule_id = rule.id, .rule_code = rule.code, .delta = give,
        .source_type = a->source_type, .source_id = a->source_id, .reason = reason, .occurred_at = occurred,
        .created_at = now, .created_by = a->created_by, .approved_by = a->approved_by,
    };
    rc = ledger_append(c, &e, a->occurred_at, &res->entry_id);
    if (rc == DJ_OK)
        res->delta = give;
    return rc;
}

int points_reverse(db_conn *c, int64_t entry_id, const char *reason, int64_t user_id, int64_t *new_id)
{
    int err = 0;
    json_t *o = db_query_row(c, &err,
                             "SELECT person_id, rule_id, rule_code, delta, source_type, occurred_at,"
                             " (SELECT x.id FROM points_ledger x WHERE x.reverses_id = l.id) AS reversed_by"
                             " FROM points_ledger l WHERE id = $1",
                             "i", entry_id);
    if (!o)
        return err;
    int rc = DJ_OK;
    if (strcmp(dj_jstr(o, "source_type", ""), "correction") == 0 || dj_jint(o, "reversed_by", 0)) {
        rc = DJ_ECONFLICT;
        goto out;
    }
    int64_t occurred_t = 0;
    if ((rc = dj_time_parse(dj_jstr(o, "occurred_at", ""), &occurred_t)))
        goto out;
    char now[21];
    dj_time_iso(dj_now(), now);
    struct points_entry e = {
        .person_id = dj_jint(o, "person_id", 0), .rule_id = dj_jint(o, "rule_id", 0),
        .rule_code = dj_jstr(o, "rule_code", ""), .delta = -dj_jint(o, "delta", 0), .source_type = "correction",
        .source_id = entry_id, .reverses_id = entry_id, .reason = reason, .occurred_at = dj_jstr(o, "occurred_at", ""),
        .created_at = now, .created_by = user_id,
    };
    rc = ledger_append(c, &e, occurred_t, new_id);
out:
    json_decref(o);
    return rc;
}

/* ---------- verification ---------- */

static void verify_bad(struct points_verify *v, int64_t id, int64_t person, const char *problem)
{
    if (!v->ok && v->first_bad && id && v->first_bad <= id)
        return; /* an earlier break is already named */
    if (!v->ok && !id)
        return;
    v->ok = false;
    v->first_bad = id;
    v->bad_person = person;
    snprintf(v->problem, sizeof v->problem, "%s", problem);
}

static int verify_head(db_conn *c, struct points_verify *v, int64_t person, int64_t seq, const char *hash,
                       int64_t last_id)
{
    db_stmt *s = db_prep(c, "SELECT seq, hash FROM points_heads WHERE person_id = $1");
    if (!s)
        return DJ_EDB;
    db_bind(s, "i", person);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        if (db_col_i64(s, 0) != seq || strcmp(db_col_text(s, 1) ? db_col_text(s, 1) : "", hash) != 0)
            verify_bad(v, last_id, person, "链尾与记录的链头不符（末尾条目被删除或改动）");
        rc = DJ_OK;
    } else if (rc == DB_DONE) {
        verify_bad(v, last_id, person, "缺少该党员的链头记录");
        rc = DJ_OK;
    }
    db_done(s);
    return rc;
}

/* What a member's entries add up to per period, to hold against points_totals
 * (the scores people see come from there, and those rows carry no hash). */
struct member_sums {
    int n;
    char period[40][16];
    int64_t total[40], count[40];
};

static void sums_add(struct member_sums *m, const char *occurred_at, int64_t delta)
{
    int64_t t = 0;
    if (dj_time_parse(occurred_at ? occurred_at : "", &t) != DJ_OK)
        return;
    char p[3][16];
    points_periods(t, p[0], p[1], p[2]);
    for (int k = 0; k < 3; k++) {
        int i = 0;
        while (i < m->n && strcmp(m->period[i], p[k]) != 0)
            i++;
        if (i == m->n) {
            if (m->n == 40)
                continue;
            memcpy(m->period[m->n], p[k], sizeof m->period[0]);
            m->total[m->n] = m->count[m->n] = 0;
            m->n++;
        }
        m->total[i] += delta;
        m->count[i]++;
    }
}

static int verify_totals(db_conn *c, struct points_verify *v, int64_t person, const struct member_sums *m)
{
    db_stmt *s = db_prep(c, "SELECT period, total, entries FROM points_totals WHERE person_id = $1");
    if (!s)
        return DJ_EDB;
    db_bind(s, "i", person);
    int rc, rows = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        const char *period = db_col_text(s, 0) ? db_col_text(s, 0) : "";
        int i = 0;
        while (i < m->n && strcmp(m->period[i], period) != 0)
            i++;
        rows++;
        if (i == m->n || m->total[i] != db_col_i64(s, 1) || m->count[i] != db_col_i64(s, 2)) {
            char why[160];
            snprintf(why, sizeof why, "积分汇总（%s）与台账条目之和不符（汇总被改动）", period);
            verify_bad(v, 0, person, why);
        }
    }
    db_done(s);
    if (rc != DB_DONE)
        return rc;
    if (rows != m->n)
        verify_bad(v, 0, person, "缺少积分汇总行（汇总被删除）");
    return DJ_OK;
}

int points_verify_chain(db_conn *c, struct points_verify *v)
{
    struct member_sums *sums = dj_calloc(1, sizeof *sums);
    memset(v, 0, sizeof *v);
    v->ok = true;
    db_stmt *s = db_prep(c, "SELECT id, person_id, seq, rule_id, rule_code, delta, source_type, source_id,"
                            " reverses_id, reason, occurred_at, created_by, approved_by, created_at, prev_hash, hash"
                            " FROM points_ledger ORDER BY person_id, seq");
    if (!s)
        return DJ_EDB;
    int64_t person = 0, expect_seq = 0, last_id = 0;
    bool broken = false; /* the current member's chain is already known bad */
    char prev[POINTS_HASH_HEX] = POINTS_GENESIS;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        int64_t id = db_col_i64(s, 0), p = db_col_i64(s, 1);
        if (p != person) {
            if (person && !broken && ((rc = verify_head(c, v, person, expect_seq, prev, last_id)) ||
                                      (rc = verify_totals(c, v, person, sums))))
                break;
            sums->n = 0;
            person = p;
            expect_seq = 0;
            broken = false;
            snprintf(prev, sizeof prev, "%s", POINTS_GENESIS);
        }
        v->entries++;
        last_id = id;
        if (broken)
            continue;
        struct points_entry e = {
            .person_id = p, .seq = db_col_i64(s, 2), .rule_id = db_col_i64(s, 3), .rule_code = db_col_text(s, 4),
            .delta = db_col_i64(s, 5), .source_type = db_col_text(s, 6), .source_id = db_col_i64(s, 7),
            .reverses_id = db_col_i64(s, 8), .reason = db_col_text(s, 9), .occurred_at = db_col_text(s, 10),
            .created_by = db_col_i64(s, 11), .approved_by = db_col_i64(s, 12), .created_at = db_col_text(s, 13),
        };
        const char *stored_prev = db_col_text(s, 14) ? db_col_text(s, 14) : "";
        const char *stored = db_col_text(s, 15) ? db_col_text(s, 15) : "";
        char want[POINTS_HASH_HEX];
        points_entry_hash(&e, prev, want);
        if (e.seq != expect_seq + 1) {
            verify_bad(v, id, p, "序号不连续（有条目被删除或插入）");
            broken = true;
        } else if (strcmp(stored_prev, prev) != 0) {
            verify_bad(v, id, p, "前一条目的哈希不符（前面的条目被改动或删除）");
            broken = true;
        } else if (strcmp(stored, want) != 0) {
            verify_bad(v, id, p, "条目内容与其哈希不符（该条目被改动）");
            broken = true;
        }
        expect_seq = e.seq;
        snprintf(prev, sizeof prev, "%s", stored);
        sums_add(sums, e.occurred_at, e.delta);
    }
    db_done(s);
    if (rc == DB_DONE && person && !broken) {
        rc = verify_head(c, v, person, expect_seq, prev, last_id);
        if (rc == DJ_OK)
            rc = verify_totals(c, v, person, sums);
    } else if (rc == DB_DONE) {
        rc = DJ_OK;
    }
    free(sums);
    if (rc)
        return rc;
    /* a head whose whole chain is gone */
    int64_t orphan = 0;
    if (db_query_i64(c, &orphan,
                     "SELECT h.person_id FROM points_heads h WHERE h.seq > 0 AND NOT EXISTS"
                     " (SELECT 1 FROM points_ledger l WHERE l.person_id = h.person_id) LIMIT 1",
                     "") == DJ_OK && v->ok)
        verify_bad(v, 0, orphan, "该党员的全部条目已被删除");
    return DJ_OK;
}

/* ---------- the consumer of organisational-life events ---------- */

struct life_event {
    int64_t id, person_id, activity_id, quantity, occurred;
    char kind[24], activity_kind[48];
};

static int consume_one(db_conn *c, const struct life_event *ev, struct points_sync *st)
{
    char date[16];
    int y, m, d;
    dj_local_date(ev->occurred, &y, &m, &d);
    snprintf(date, sizeof date, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    int err = 0;
    /* the rules whose version in force that day applies to this kind of event */
    json_t *codes = db_query_rows(c, &err,
                                  "SELECT r.code FROM points_rules r WHERE r.source = $2 AND r.active = 1"
                                  " AND (r.activity_kind IS NULL OR r.activity_kind = $3)"
                                  " AND r.effective_from = (SELECT MAX(v.effective_from) FROM points_rules v"
                                  "   WHERE v.code = r.code AND v.effective_from <= $1) ORDER BY r.code",
                                  "ttt", date, ev->kind, ev->activity_kind);
    if (!codes)
        return err;
    int rc = DJ_OK;
    size_t i;
    json_t *row;
    json_array_foreach(codes, i, row) {
        struct points_award a = {
            .person_id = ev->person_id, .rule_code = dj_jstr(row, "code", ""), .source_type = ev->kind,
            .source_id = ev->activity_id, .quantity = ev->quantity, .occurred_at = ev->occurred,
        };
        struct points_result res;
        rc = points_award(c, &a, &res);
        if (rc == DJ_ENOTFOUND)
            rc = DJ_OK; /* retired between the two reads */
        if (rc)
            break;
        if (res.duplicate)
            st->duplicates++;
        else if (res.entry_id)
            st->awarded++;
        else
            st->skipped++;
    }
    json_decref(codes);
    if (rc == DJ_OK) {
        char now[21];
        dj_time_iso(dj_now(), now);
        rc = db_exec(c, "INSERT INTO points_events_done (event_id, done_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                     "it", ev->id, now);
    }
    st->events++;
    return rc;
}

/* Up to max pending events, oldest deed first (so caps fill in the order of the deeds). */
static int pending_events(db_conn *c, struct life_event *evs, int max, int *n)
{
    *n = 0;
    db_stmt *s = db_prep(c, "SELECT e.id, e.person_id, e.activity_id, e.kind, e.activity_kind, e.quantity,"
                            " e.occurred_at FROM life_events e WHERE NOT EXISTS"
                            " (SELECT 1 FROM points_events_done d WHERE d.event_id = e.id)"
                            " ORDER BY e.occurred_at, e.id LIMIT $1");
    if (!s)
        return DJ_EDB;
    db_bind(s, "i", (int64_t)max);
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        struct life_event *e = &evs[*n];
        e->id = db_col_i64(s, 0);
        e->person_id = db_col_i64(s, 1);
        e->activity_id = db_col_i64(s, 2);
        snprintf(e->kind, sizeof e->kind, "%s", db_col_text(s, 3) ? db_col_text(s, 3) : "");
        snprintf(e->activity_kind, sizeof e->activity_kind, "%s", db_col_text(s, 4) ? db_col_text(s, 4) : "");
        /* life_events.quantity is hours (REAL); awards count tenths of an hour */
        double q = db_col_double(s, 5);
        e->quantity = strncmp(e->kind, "attendance", 10) == 0 ? 1 : (int64_t)(q * 10.0 + 0.5);
        if (dj_time_parse(db_col_text(s, 6) ? db_col_text(s, 6) : "", &e->occurred) != DJ_OK)
            e->occurred = 0;
        (*n)++;
    }
    db_done(s);
    return rc == DB_DONE ? DJ_OK : rc;
}

#define CONSUME_BATCH 200

int points_consume_events_tx(db_conn *c, struct points_sync *st)
{
    struct points_sync local = {0};
    if (!st)
        st = &local;
    struct life_event *evs = dj_calloc(CONSUME_BATCH, sizeof *evs);
    int rc, n;
    do {
        if ((rc = pending_events(c, evs, CONSUME_BATCH, &n)))
            break;
        for (int i = 0; i < n && rc == DJ_OK; i++)
            rc = consume_one(c, &evs[i], st);
    } while (rc == DJ_OK && n == CONSUME_BATCH);
    free(evs);
    return rc;
}

int points_consume_events(db_conn *c, struct points_sync *st)
{
    struct points_sync local = {0};
    if (!st)
        st = &local;
    struct life_event *evs = dj_calloc(CONSUME_BATCH, sizeof *evs);
    int rc, n;
    do {
        for (int attempt = 0;; attempt++) {
            struct points_sync before = *st;
            if ((rc = db_begin(c)) == DJ_OK) {
                rc = pending_events(c, evs, CONSUME_BATCH, &n);
                for (int i = 0; i < n && rc == DJ_OK; i++)
                    rc = consume_one(c, &evs[i], st);
                rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
            }
            if (rc == DJ_OK)
                break;
            *st = before; /* nothing of the failed attempt was kept */
            if (rc != DJ_EBUSY || !db_retry_wait(attempt))
                break;
        }
    } while (rc == DJ_OK && n == CONSUME_BATCH);
    free(evs);
    return rc;
}
