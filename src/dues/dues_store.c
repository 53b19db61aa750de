/* dues_store.c - the SQL of dues that the rest builds on: the rate table,
 * the members whose dues a subtree keeps (with their bases, reductions and
 * paid months, loaded in a few queries), where dues start and end, bases and
 * declarations, payroll identities, and the organisations dues are kept by. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/err.h"
#include "../core/mem.h"
#include "../core/timeutil.h"
#include "../transfers/transfers.h"
#include "dues.h"

/* The branch a person's dues are kept by: the nearest branch or general branch
 * above (or at) their org; the org itself when there is none. */
/* The org itself, its parent and its grandparent are looked up by id (a 党小组's
 * branch is its parent); only an org with none of them a branch searches the
 * ancestors by path, as before: not a pass over every organisation per person. */
#define BRANCH_OF_O                                                                                                    \
    "CASE WHEN o.kind IN ('branch', 'general_branch') THEN o.id ELSE COALESCE("                                       \
    "(SELECT b1.id FROM orgs b1 WHERE b1.id = o.parent_id AND b1.kind IN ('branch', 'general_branch')),"              \
    "(SELECT b2.id FROM orgs b1 JOIN orgs b2 ON b2.id = b1.parent_id WHERE b1.id = o.parent_id"                      \
    " AND b2.kind IN ('branch', 'general_branch')),"                                                                   \
    "(SELECT b.id FROM orgs b WHERE o.path >= b.path AND o.path < b.path || ':' AND b.kind IN ('branch', 'general_branch')"             \
    " ORDER BY length(b.path) DESC LIMIT 1), o.id) END"

static void now_iso(char out[21])
{
    dj_time_iso(dj_now(), out);
}

static dues_month month_col(db_stmt *s, int col)
{
    dues_month m = -1;
    if (!db_col_null(s, col) && dues_month_parse(db_col_text(s, col), &m) != DJ_OK)
        m = -1;
    return m;
}

/* ---------------------------------------------------------------- rates */

static int64_t fen_col(db_stmt *s, int col)
{
    return db_col_null(s, col) ? -1 : db_col_i64(s, col);
}

/* A rate's row: category and first month at columns k, k+1; the four amounts from column n. */
static void rate_row(db_stmt *s, int k, int n, struct dues_rates *out, size_t *cap)
{
    int cat = dues_category_parse(db_col_text(s, k));
    dues_month from = month_col(s, k + 1);
    if (cat < 0 || from < 0)
        return; /* a category this build does not know */
    if (out->n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        out->rows = dj_realloc(out->rows, *cap * sizeof *out->rows);
    }
    struct dues_rate *r = &out->rows[out->n++];
    r->category = cat;
    r->from = from;
    r->upper_fen = fen_col(s, n);
    r->rate_bp = (int)fen_col(s, n + 1);
    r->fixed_fen = fen_col(s, n + 2);
    r->fixed_max_fen = fen_col(s, n + 3);
}

int dues_rates_load(db_conn *c, struct dues_rates *out)
{
    memset(out, 0, sizeof *out);
    db_stmt *s = db_prep(c, "SELECT category, effective_from, upper_fen, rate_bp, fixed_fen, fixed_max_fen"
                            " FROM dues_rates ORDER BY category, effective_from, id");
    if (!s)
        return DJ_EDB;
    size_t cap = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW)
        rate_row(s, 0, 2, out, &cap);
    db_done(s);
    if (rc < 0) {
        dues_rates_free(out);
        return rc;
    }
    return DJ_OK;
}

void dues_rates_free(struct dues_rates *r)
{
    free(r->rows);
    memset(r, 0, sizeof *r);
}

json_t *dues_rates_json(db_conn *c, int *err)
{
    json_t *rows = db_query_rows(c, err,
                                 "SELECT id, category, effective_from, upper_fen, rate_bp, fixed_fen, fixed_max_fen, note"
                                 " FROM dues_rates ORDER BY category, effective_from, id",
                                 "");
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        int cat = dues_category_parse(dj_jstr(r, "category", ""));
        json_object_set_new(r, "category_label", json_string(cat >= 0 ? dues_category_names[cat] : ""));
    }
    return rows;
}

/* ---------------------------------------------------------------- where dues start and end */

/* The one rule of where dues start, for a person's status and dates (see dues.h). */
static dues_month start_of(const char *status, const char *joined_on)
{
    if (!status || (strcmp(status, "full") != 0 && strcmp(status, "probationary") != 0))
        return -1;
    return dues_start_from_joined(joined_on);
}

/* A member placed from an incoming 介绍信 owes from the month the transfers say
 * (placed, or after the letter's 党费缴至), not from joined_on. */
static void later_start(dues_month *start, int first)
{
    if (*start >= 0 && first > *start)
        *start = first;
}
static void start_one(int64_t person_id, int first, void *arg)
{
    (void)person_id;
    later_start(arg, first);
}

int dues_start_month(db_conn *c, int64_t person_id, dues_month *out)
{
    int err = 0;
    json_t *p = db_query_row(c, &err, "SELECT party_status, joined_on FROM people WHERE id = $1", "i", person_id);
    if (!p)
        return err;
    *out = start_of(dj_jstr(p, "party_status", NULL), dj_jstr(p, "joined_on", NULL));
    json_decref(p);
    return tr_dues_starts(c, person_id, start_one, out);
}

int dues_member_left(db_conn *c, int64_t person_id, int64_t branch_id, const char *last_month, const char *reason)
{
    dues_month m;
    if (dues_month_parse(last_month, &m) != DJ_OK)
        return DJ_EINVAL;
    char now[21];
    now_iso(now);
    return db_exec(c,
                   "INSERT INTO dues_leaves (person_id, branch_id, last_month, reason, created_at)"
                   " VALUES ($1, $2, $3, $4, $5)"
                   " ON CONFLICT (person_id, branch_id) DO UPDATE SET last_month = excluded.last_month,"
                   " reason = excluded.reason",
                   "iittt", person_id, branch_id, last_month, reason ? reason : "transfer", now);
}

int dues_person_branch(db_conn *c, int64_t person_id, int64_t *branch_id, int64_t *org_id)
{
    *branch_id = 0;
    if (org_id)
        *org_id = 0;
    int err = 0;
    json_t *row = db_query_row(c, &err,
                               "SELECT p.org_id, " BRANCH_OF_O " AS branch_id FROM people p"
                               " LEFT JOIN orgs o ON o.id = p.org_id WHERE p.id = $1",
                               "i", person_id);
    if (!row)
        return err;
    *branch_id = dj_jint(row, "branch_id", 0);
    if (org_id)
        *org_id = dj_jint(row, "org_id", 0);
    json_decref(row);
    return DJ_OK;
}

int dues_person_scope(db_conn *c, int64_t person_id, int64_t *org_id)
{
    return db_query_i64(c, org_id,
                        "SELECT COALESCE(org_id, (SELECT MIN(id) FROM orgs WHERE parent_id IS NULL))"
                        " FROM people WHERE id = $1",
                        "i", person_id);
}

/* ---------------------------------------------------------------- the members a subtree keeps */

static int cmp_member_id(const void *a, const void *b)
{
    const struct dues_member *x = *(struct dues_member *const *)a, *y = *(struct dues_member *const *)b;
    return x->person_id < y->person_id ? -1 : x->person_id > y->person_id;
}

/* Every entry of a person (a member may appear twice: where dues ended, and now). */
struct by_id {
    struct dues_member **v;
    size_t n;
};

static void each_of(struct by_id *ix, int64_t person_id, void (*fn)(struct dues_member *, void *), void *arg)
{
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix->v[mid]->person_id < person_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < ix->n && ix->v[lo]->person_id == person_id; lo++)
        fn(ix->v[lo], arg);
}

struct base_arg {
    struct dues_base b;
};
static void add_base(struct dues_member *m, void *arg)
{
    m->bases = dj_realloc(m->bases, (m->f.nbases + 1) * sizeof *m->bases);
    m->bases[m->f.nbases++] = ((struct base_arg *)arg)->b;
}
static void set_first(struct dues_member *m, void *arg)
{
    later_start(&m->f.start, *(int *)arg);
}
static void add_first(int64_t person_id, int first, void *arg)
{
    each_of(arg, person_id, set_first, &first);
}
static void add_red(struct dues_member *m, void *arg)
{
    m->reds = dj_realloc(m->reds, (m->f.nreds + 1) * sizeof *m->reds);
    m->reds[m->f.nreds++] = *(struct dues_reduction *)arg;
}
struct paid_arg {
    dues_month month;
    int64_t fen;
};
static void add_paid(struct dues_member *m, void *arg)
{
    struct paid_arg *p = arg;
    m->paid_months = dj_realloc(m->paid_months, (m->npaid + 1) * sizeof *m->paid_months);
    m->paid_fen = dj_realloc(m->paid_fen, (m->npaid + 1) * sizeof *m->paid_fen);
    m->paid_months[m->npaid] = p->month;
    m->paid_fen[m->npaid++] = p->fen;
}

/* The people of a subtree's roster: $1 the subtree's path, $2 the earliest last
 * month of those whose dues ended there.  One person's: the same with p.id = $3, so
 * a payment's check reads one member by primary key, not the whole tree. */
#define ROSTER_SELECT                                                                                                  \
    "SELECT p.id, p.name, p.org_id, p.party_status, p.joined_on, " BRANCH_OF_O " AS branch_id,"                      \
    " CAST(NULL AS TEXT) AS last_month,"                                                                               \
    " (SELECT MAX(l.last_month) FROM dues_leaves l WHERE l.person_id = p.id) AS prev_last"                            \
    " FROM people p JOIN orgs o ON o.id = p.org_id"                                                                    \
    " WHERE p.active = 1 AND p.party_status IN ('full', 'probationary') AND o.path >= $1 AND o.path < $1 || ':'"
#define ROSTER_LEFT                                                                                                    \
    " UNION ALL"                                                                                                       \
    " SELECT p.id, p.name, l.branch_id, p.party_status, p.joined_on, l.branch_id, l.last_month, CAST(NULL AS TEXT)"  \
    " FROM dues_leaves l JOIN people p ON p.id = l.person_id JOIN orgs o ON o.id = l.branch_id"                       \
    " WHERE o.path >= $1 AND o.path < $1 || ':' AND l.last_month >= $2"
#define ROSTER_PEOPLE ROSTER_SELECT ROSTER_LEFT
/* Only the ids of the same roster, for the queries of their bases, reductions
 * and payments: without the branch of each person (a correlated look-up per row). */
#define ROSTER_IDS                                                                                                     \
    "SELECT p.id FROM people p JOIN orgs o ON o.id = p.org_id"                                                         \
    " WHERE p.active = 1 AND p.party_status IN ('full', 'probationary') AND o.path >= $1 AND o.path < $1 || ':'"                     \
    " UNION SELECT l.person_id FROM dues_leaves l JOIN orgs o ON o.id = l.branch_id"                                  \
    " WHERE o.path >= $1 AND o.path < $1 || ':' AND l.last_month >= $2"

/* The roster's people in two spellings: a subtree (bound "tt": path, since) and one
 * person (bound "tti"). The subtree's bases, reductions and payments, bound "tt". */
struct roster_sql {
    const char *tree, *one;
};
static const struct roster_sql roster_people_sql = {
    ROSTER_PEOPLE " ORDER BY 6, 2, 1",
    ROSTER_SELECT " AND p.id = $3" ROSTER_LEFT " AND p.id = $3 ORDER BY 6, 2, 1",
};
static const char roster_bases_sql[] =
    "SELECT x.person_id, x.effective_month, x.category, x.base_fen, x.fixed_fen FROM dues_bases x"
    " WHERE x.status = 'approved' AND x.person_id IN (" ROSTER_IDS ")"
    " ORDER BY x.person_id, x.effective_month, x.id";
static const char roster_reds_sql[] =
    "SELECT x.person_id, x.from_month, x.to_month, x.kind, x.amount_fen FROM dues_reductions x"
    " WHERE x.status = 'approved' AND x.person_id IN (" ROSTER_IDS ")"
    " ORDER BY x.person_id, x.from_month, x.id";
static const char roster_paid_sql[] =
    "SELECT pm.person_id, pm.month, SUM(pm.amount_fen) FROM dues_payment_months pm"
    " JOIN dues_payments x ON x.id = pm.payment_id"
    " WHERE x.status = 'confirmed' AND pm.person_id IN (" ROSTER_IDS ")"
    " GROUP BY pm.person_id, pm.month ORDER BY pm.person_id, pm.month";

static db_stmt *roster_stmt(db_conn *c, const char *sql, const char *path, int64_t person_id, const char *since)
{
    db_stmt *s = db_prep(c, sql);
    if (!s)
        return NULL;
    if (!person_id)
        db_bind(s, "tt", path, since);
    else
        db_bind(s, "tti", path, since, person_id);
    return s;
}

/* The people of the roster, with where their dues start and end. */
static int roster_people(db_conn *c, const char *org_path, int64_t person_id, const char *since_txt,
                         struct dues_roster *out)
{
    int rc;
    db_stmt *s = roster_stmt(c, person_id ? roster_people_sql.one : roster_people_sql.tree, org_path, person_id, since_txt);
    if (!s)
        return DJ_EDB;
    size_t cap = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        if (out->n == cap) {
            cap = cap ? cap * 2 : 32;
            out->m = dj_realloc(out->m, cap * sizeof *out->m);
        }
        struct dues_member *m = &out->m[out->n++];
        memset(m, 0, sizeof *m);
        m->person_id = db_col_i64(s, 0);
        snprintf(m->name, sizeof m->name, "%s", db_col_text(s, 1) ? db_col_text(s, 1) : "");
        m->org_id = db_col_i64(s, 2);
        snprintf(m->status, sizeof m->status, "%s", db_col_text(s, 3) ? db_col_text(s, 3) : "");
        m->branch_id = db_col_i64(s, 5);
        bool left = !db_col_null(s, 6);
        /* whoever left keeps the months they owed there; the start rule is the same */
        m->f.start = start_of(left ? "full" : m->status, db_col_text(s, 4));
        m->f.end = left ? month_col(s, 6) : -1;
        dues_month prev = month_col(s, 7);
        if (!left && prev >= 0 && (m->f.start < 0 || prev + 1 > m->f.start))
            m->f.start = prev + 1; /* came from another branch: due here after leaving there */
    }
    db_done(s);
    return rc < 0 ? rc : DJ_OK;
}

/* The bases, reductions and confirmed payments of a subtree's members: three statements. */
static int roster_parts_tree(db_conn *c, const char *org_path, const char *since_txt, struct by_id *ix)
{
    int rc = DJ_OK;
    db_stmt *s = roster_stmt(c, roster_bases_sql, org_path, 0, since_txt);
    while (s && (rc = db_step(s)) == DB_ROW) {
        struct base_arg a = {{.from = month_col(s, 1), .category = dues_category_parse(db_col_text(s, 2)),
                              .base_fen = db_col_i64(s, 3), .fixed_fen = fen_col(s, 4)}};
        if (a.b.from >= 0 && a.b.category >= 0)
            each_of(ix, db_col_i64(s, 0), add_base, &a);
    }
    if (s)
        db_done(s);
    s = rc < 0 || !s ? NULL : roster_stmt(c, roster_reds_sql, org_path, 0, since_txt);
    while (s && (rc = db_step(s)) == DB_ROW) {
        struct dues_reduction d = {.from = month_col(s, 1), .to = month_col(s, 2),
                                   .waive = strcmp(db_col_text(s, 3), "waive") == 0,
                                   .amount_fen = db_col_null(s, 4) ? 0 : db_col_i64(s, 4)};
        if (d.from >= 0 && d.to >= 0)
            each_of(ix, db_col_i64(s, 0), add_red, &d);
    }
    if (s)
        db_done(s);
    s = rc < 0 || !s ? NULL : roster_stmt(c, roster_paid_sql, org_path, 0, since_txt);
    while (s && (rc = db_step(s)) == DB_ROW) {
        struct paid_arg p = {month_col(s, 1), db_col_i64(s, 2)};
        if (p.month >= 0)
            each_of(ix, db_col_i64(s, 0), add_paid, &p);
    }
    if (s)
        db_done(s);
    else
        rc = rc < 0 ? rc : DJ_EDB;
    return rc < 0 ? rc : DJ_OK;
}

/* One person's: the rates, and the person's bases, reductions and confirmed payments, in one
 * statement (a member's home asks for it on every visit; on PostgreSQL each statement is a
 * round trip). Each part keeps the order of its own query: part, then the key columns k1, k2, id. */
#define PART_NULLS2 "CAST(NULL AS TEXT), CAST(NULL AS TEXT)"
static const char person_parts_sql[] =
    "SELECT 0 AS part, category AS k1, effective_from AS k2, id, " PART_NULLS2 ","
    " upper_fen AS n1, rate_bp AS n2, fixed_fen AS n3, fixed_max_fen AS n4 FROM dues_rates"
    " UNION ALL SELECT 1, effective_month, '', id, category, CAST(NULL AS TEXT), base_fen, fixed_fen,"
    " CAST(NULL AS BIGINT), CAST(NULL AS BIGINT) FROM dues_bases WHERE status = 'approved' AND person_id = $1"
    " UNION ALL SELECT 2, from_month, '', id, to_month, kind, amount_fen, CAST(NULL AS BIGINT),"
    " CAST(NULL AS BIGINT), CAST(NULL AS BIGINT) FROM dues_reductions WHERE status = 'approved' AND person_id = $1"
    " UNION ALL SELECT 3, pm.month, '', 0, " PART_NULLS2 ", CAST(SUM(pm.amount_fen) AS BIGINT), CAST(NULL AS BIGINT),"
    " CAST(NULL AS BIGINT), CAST(NULL AS BIGINT) FROM dues_payment_months pm"
    " JOIN dues_payments x ON x.id = pm.payment_id WHERE x.status = 'confirmed' AND pm.person_id = $1"
    " GROUP BY pm.month"
    " ORDER BY 1, 2, 3, 4";

static int roster_parts_one(db_conn *c, int64_t person_id, struct dues_rates *rates, struct by_id *ix)
{
    db_stmt *s = db_prep(c, person_parts_sql);
    if (!s)
        return DJ_EDB;
    db_bind(s, "i", person_id);
    size_t cap = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        switch (db_col_i64(s, 0)) {
        case 0:
            rate_row(s, 1, 6, rates, &cap);
            break;
        case 1: {
            struct base_arg a = {{.from = month_col(s, 1), .category = dues_category_parse(db_col_text(s, 4)),
                                  .base_fen = db_col_i64(s, 6), .fixed_fen = fen_col(s, 7)}};
            if (a.b.from >= 0 && a.b.category >= 0)
                each_of(ix, person_id, add_base, &a);
            break;
        }
        case 2: {
            struct dues_reduction d = {.from = month_col(s, 1), .to = month_col(s, 4),
                                       .waive = strcmp(db_col_text(s, 5), "waive") == 0,
                                       .amount_fen = db_col_null(s, 6) ? 0 : db_col_i64(s, 6)};
            if (d.from >= 0 && d.to >= 0)
                each_of(ix, person_id, add_red, &d);
            break;
        }
        default: {
            struct paid_arg p = {month_col(s, 1), db_col_i64(s, 6)};
            if (p.month >= 0)
                each_of(ix, person_id, add_paid, &p);
        }
        }
    }
    db_done(s);
    return rc < 0 ? rc : DJ_OK;
}

void dues_roster_prefetch_one(db_conn *c, int64_t person_id)
{
    db_prefetch(c, roster_people_sql.one, "tti", "/", "0000-00", person_id);
    tr_dues_starts_prefetch(c, person_id);
    db_prefetch(c, person_parts_sql, "i", person_id);
}

int dues_roster_load(db_conn *c, const char *org_path, int64_t person_id, dues_month since, struct dues_roster *out)
{
    memset(out, 0, sizeof *out);
    char since_txt[8] = "0000-00";
    if (since >= 0)
        dues_month_format(since, since_txt);
    int rc = person_id ? DJ_OK : dues_rates_load(c, &out->rates);
    if (rc)
        return rc;
    if ((rc = roster_people(c, org_path, person_id, since_txt, out)))
        goto fail;
    if (out->n == 0)
        return person_id ? dues_rates_load(c, &out->rates) : DJ_OK;

    struct by_id ix = {dj_malloc(out->n * sizeof *ix.v), out->n};
    for (size_t i = 0; i < out->n; i++)
        ix.v[i] = &out->m[i];
    qsort(ix.v, ix.n, sizeof *ix.v, cmp_member_id);
    rc = tr_dues_starts(c, person_id, add_first, &ix);
    if (rc == DJ_OK)
        rc = person_id ? roster_parts_one(c, person_id, &out->rates, &ix)
                       : roster_parts_tree(c, org_path, since_txt, &ix);
    free(ix.v);
    if (rc)
        goto fail;
    for (size_t i = 0; i < out->n; i++) {
        struct dues_member *m = &out->m[i];
        m->f.bases = m->bases;
        m->f.reds = m->reds;
        m->f.rates = out->rates.rows;
        m->f.nrates = out->rates.n;
    }
    return DJ_OK;
fail:
    dues_roster_free(out);
    return rc < 0 ? rc : DJ_EDB;
}

void dues_roster_free(struct dues_roster *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->m[i].bases);
        free(r->m[i].reds);
        free(r->m[i].paid_months);
        free(r->m[i].paid_fen);
    }
    free(r->m);
    dues_rates_free(&r->rates);
    memset(r, 0, sizeof *r);
}

int64_t dues_member_paid(const struct dues_member *m, dues_month month)
{
    for (size_t i = 0; i < m->npaid; i++)
        if (m->paid_months[i] == month)
            return m->paid_fen[i];
    return 0;
}

void dues_member_rows(const struct dues_member *m, dues_month from, dues_month to, struct dues_month_row *out)
{
    for (dues_month mo = from; mo <= to; mo++)
        dues_month_compute(&m->f, mo, dues_member_paid(m, mo), &out[mo - from]);
}

/* ---------------------------------------------------------------- bases and declarations */

int dues_base_add(db_conn *c, const struct dues_actor *a, const struct dues_base_in *in, int64_t *id)
{
    char now[21], eff[8];
    now_iso(now);
    dues_month_format(in->effective, eff);
    bool branch = strcmp(in->source, "branch") == 0;
    int rc = db_query_i64(c, id,
                          "INSERT INTO dues_bases (person_id, effective_month, category, base_fen, fixed_fen, source,"
                          " status, note, declaration_year, created_by, created_at, decided_by, decided_at)"
                          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
                          "ittiItttIItIt", in->person_id, eff, dues_categories[in->category], in->base_fen,
                          in->fixed_fen >= 0 ? in->fixed_fen : 0, in->source, branch ? "approved" : "pending",
                          in->note, (int64_t)in->declaration_year, a->user_id, now, branch ? a->user_id : 0,
                          branch ? now : NULL);
    if (rc == DJ_OK && a->r) {
        json_t *after = dues_base_get(c, *id, &rc);
        if (after)
            rc = audit_write(c, a->r, branch ? "set" : "declare", "dues_base", *id, NULL, after);
        json_decref(after);
    }
    return rc;
}

int dues_base_decide(db_conn *c, const struct dues_actor *a, int64_t id, bool approve, const char *note)
{
    int err = 0;
    json_t *before = dues_base_get(c, id, &err);
    if (!before)
        return err;
    int rc = DJ_OK;
    if (strcmp(dj_jstr(before, "status", ""), "pending") != 0) {
        rc = DJ_ECONFLICT;
        goto out;
    }
    char now[21];
    now_iso(now);
    rc = db_exec(c,
                 "UPDATE dues_bases SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5"
                 " WHERE id = $1 AND status = 'pending'",
                 "itItt", id, approve ? "approved" : "rejected", a->user_id, now, note);
    if (rc == DJ_OK && a->r) {
        json_t *after = dues_base_get(c, id, &rc);
        if (after)
            rc = audit_write(c, a->r, approve ? "approve" : "reject", "dues_base", id, before, after);
        json_decref(after);
    }
out:
    json_decref(before);
    return rc;
}

#define BASE_SELECT                                                                                                    \
    "SELECT x.id, x.person_id, p.name, o.name AS org_name, x.effective_month, x.category, x.base_fen, x.fixed_fen,"   \
    " x.source, x.status, x.note, x.declaration_year, x.created_at, cu.name AS created_by_name, x.decided_at,"        \
    " du.name AS decided_by_name, x.decision_note FROM dues_bases x JOIN people p ON p.id = x.person_id"              \
    " LEFT JOIN orgs o ON o.id = p.org_id"                                                                             \
    " LEFT JOIN users cu ON cu.id = x.created_by LEFT JOIN users du ON du.id = x.decided_by"

static json_t *label_bases(json_t *rows)
{
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        int cat = dues_category_parse(dj_jstr(r, "category", ""));
        json_object_set_new(r, "category_label", json_string(cat >= 0 ? dues_category_names[cat] : ""));
    }
    return rows;
}

json_t *dues_base_get(db_conn *c, int64_t id, int *err)
{
    json_t *rows = db_query_rows(c, err, BASE_SELECT " WHERE x.id = $1", "i", id);
    if (!rows)
        return NULL;
    json_t *row = json_incref(json_array_get(label_bases(rows), 0));
    json_decref(rows);
    if (!row && err)
        *err = DJ_ENOTFOUND;
    return row;
}

json_t *dues_bases_of(db_conn *c, int64_t person_id, int *err)
{
    return label_bases(db_query_rows(c, err,
                                     BASE_SELECT " WHERE x.person_id = $1"
                                     " ORDER BY x.effective_month DESC, x.id DESC",
                                     "i", person_id));
}

json_t *dues_declarations(db_conn *c, const char *org_path, int year, const char *status, int *err)
{
    return label_bases(db_query_rows(c, err,
                                     BASE_SELECT " WHERE x.source = 'member' AND o.path >= $1 AND o.path < $1 || ':'"
                                     " AND ($2 = 0 OR x.declaration_year = $2) AND ($3 = '' OR x.status = $3)"
                                     " ORDER BY CASE x.status WHEN 'pending' THEN 0 ELSE 1 END, x.created_at DESC,"
                                     " x.id DESC LIMIT 1000",
                                     "tit", org_path, (int64_t)year, status ? status : ""));
}

int dues_profile_set(db_conn *c, int64_t person_id, const char *staff_no, const char *id_number)
{
    char now[21];
    now_iso(now);
    return db_exec(c,
                   "INSERT INTO dues_profiles (person_id, staff_no, id_number, updated_at) VALUES ($1, $2, $3, $4)"
                   " ON CONFLICT (person_id) DO UPDATE SET staff_no = excluded.staff_no,"
                   " id_number = excluded.id_number, updated_at = excluded.updated_at",
                   "itt" "t", person_id, staff_no && *staff_no ? staff_no : NULL,
                   id_number && *id_number ? id_number : NULL, now);
}

json_t *dues_profile_get(db_conn *c, int64_t person_id, int *err)
{
    json_t *row = db_query_row(c, err, "SELECT staff_no, id_number FROM dues_profiles WHERE person_id = $1", "i",
                               person_id);
    if (!row) {
        if (err && *err == DJ_ENOTFOUND)
            *err = DJ_OK;
        return json_pack("{s:n, s:n}", "staff_no", "id_number");
    }
    return row;
}

/* ---------------------------------------------------------------- organisations */

json_t *dues_org_get(db_conn *c, int64_t id, int *err)
{
    return db_query_row(c, err, "SELECT id, name, kind, path, parent_id FROM orgs WHERE id = $1", "i", id);
}

json_t *dues_branches_under(db_conn *c, const char *org_path, int *err)
{
    return db_query_rows(c, err,
                         "SELECT o.id, o.name, o.kind, o.path FROM orgs o WHERE o.path >= $1 AND o.path < $1 || ':'"
                         " AND o.dissolved_on IS NULL AND (o.kind IN ('branch', 'general_branch')"
                         "  OR (o.kind = 'committee' AND EXISTS (SELECT 1 FROM people p WHERE p.org_id = o.id"
                         "  AND p.active = 1 AND p.party_status IN ('full', 'probationary'))))"
                         " AND NOT EXISTS (SELECT 1 FROM orgs g WHERE o.kind = 'general_branch'"
                         "  AND g.parent_id = o.id AND g.kind = 'branch')"
                         " ORDER BY o.sort, o.path",
                         "t", org_path);
}
