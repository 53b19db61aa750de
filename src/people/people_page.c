/* people_page.c - one page of the roster, written straight from its rows (no
 * tree of objects).
 *
 * The default order (by organisation path, then id; people without a party
 * organisation last) is read as two runs, each in an index's order: the people
 * of organisations (the organisations by their unique path, each one's people
 * by people_org), then the people without one (by id).  A page asks for one
 * row more than it shows, so it knows whether there is a next page without
 * counting; the next page starts after the last row's key (a keyset cursor,
 * "kA<id>.<path>" or "kB<id>"), so its cost grows with the page, not with the
 * roster, and no page sorts every match.  One subtree (?org=) is read in one
 * statement and sorted: it costs the subtree's people, however large the roster.  A page reached by an offset (the PC's
 * page numbers) reads in the same index order.  The total (the count of every
 * match, kept by the read cache until the roster is written) comes with a page
 * reached by an offset; a keyset page leaves it out (null): the screen keeps
 * the first page's.
 *
 * A page's text is kept (people_page_text(), the read cache) for everyone
 * whose scopes are the same, until the roster or the tree is written: the
 * office's screens and the pickers that list people ask for the same first
 * pages all day. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/json.h"
#include "../core/mem.h"
#include "../core/readcache.h"
#include "../core/timeutil.h"
#include "../orgs/orgs.h"
#include "people.h"
#include "people_int.h"

/* What decorate() does to a row, done while the row is written out. */
struct row_view {
    db_stmt *s;
    bool priv;
    int phone, birth; /* their columns */
};

static int row_column(void *arg, dj_buf *b, int col, const char *name)
{
    struct row_view *v = arg;
    if (col < 0) { /* the masked value of a private column */
        char buf[32];
        col = -1 - col;
        if (col == v->phone)
            people_mask_phone(db_col_text(v->s, col), buf);
        else
            people_mask_birth(db_col_text(v->s, col), buf);
        dj_json_string_into(b, buf);
        return DB_COL_RENDER;
    }
    if (strcmp(name, "show_private") == 0 || strcmp(name, "sort_path") == 0)
        return DB_COL_SKIP;
    if (v->priv)
        return DB_COL_RENDER;
    if (strcmp(name, "observation_from") == 0 || strcmp(name, "observation_until") == 0)
        return DB_COL_SKIP;
    if (strcmp(name, "phone") == 0 || strcmp(name, "birth_date") == 0) {
        *(strcmp(name, "phone") == 0 ? &v->phone : &v->birth) = col;
        return db_col_null(v->s, col) ? DB_COL_RENDER : DB_COL_WRITTEN;
    }
    return DB_COL_RENDER;
}

static int col_index(db_stmt *s, const char *name)
{
    for (int i = 0; i < db_ncols(s); i++)
        if (strcmp(db_col_name(s, i), name) == 0)
            return i;
    return -1;
}

bool people_cursor_parse(const char *text, struct people_cursor *k)
{
    memset(k, 0, sizeof *k);
    if (!text || text[0] != 'k' || (text[1] != 'A' && text[1] != 'B'))
        return false;
    k->seg = text[1];
    const char *p = text + 2;
    if (*p < '1' || *p > '9')
        return false;
    char *end;
    long long id = strtoll(p, &end, 10);
    if (id <= 0 || end - p > 18)
        return false;
    k->id = id;
    if (k->seg == 'B')
        return *end == '\0';
    if (*end != '.' || end[1] != '/')
        return false;
    size_t n = strlen(end + 1);
    if (n >= sizeof k->path)
        return false;
    for (const char *c = end + 1; *c; c++)
        if (*c != '/' && (*c < '0' || *c > '9'))
            return false;
    memcpy(k->path, end + 1, n + 1);
    return true;
}

/* One run of the default order: seg 'A' the people of organisations, 'B' the
 * people without one; after its cursor (of the same run) or from offset. */
static db_stmt *run_query(db_conn *c, const struct people_filter *f, char seg, const struct people_cursor *after,
                          int64_t limit, int64_t offset)
{
    struct qparams q = {0};
    char me[8], n1[8], n2[8], n3[8], n4[8];
    qp_int(&q, f->me, me);
    dj_buf b = {0};
    /* CROSS JOIN keeps the organisations outside on SQLite (its path index gives
     * the order); PostgreSQL plans the join freely */
    const char *from = seg == 'A' ? " FROM orgs o CROSS JOIN people p LEFT JOIN orgs po ON po.id = o.parent_id"
                                  : PERSON_FROM;
    dj_buf_printf(&b,
                  "SELECT " PERSON_COLS ", CASE WHEN p.id = %s OR %s THEN 1 ELSE 0 END AS show_private,"
                  " o.path AS sort_path%s",
                  me, f->private_scope ? f->private_scope : "(1=1)", from);
    people_where_sql(&b, f, &q, me);
    if (seg == 'A') {
        dj_buf_puts(&b, " AND p.org_id = o.id");
        if (after) {
            const char *k = qp_text(&q, dj_strdup(after->path), n1);
            dj_buf_printf(&b, " AND o.path >= %s AND (o.path > %s OR p.id > %s)", k, k, qp_int(&q, after->id, n2));
        }
        dj_buf_puts(&b, " ORDER BY o.path, p.id");
    } else {
        dj_buf_puts(&b, " AND p.org_id IS NULL");
        if (after)
            dj_buf_printf(&b, " AND p.id > %s", qp_int(&q, after->id, n1));
        dj_buf_puts(&b, " ORDER BY p.id");
    }
    dj_buf_printf(&b, " LIMIT %s", qp_int(&q, limit, n3));
    dj_buf_printf(&b, " OFFSET %s", qp_int(&q, offset, n4));
    db_stmt *s = db_prep_dynamic(c, dj_buf_cstr(&b));
    dj_buf_free(&b);
    if (s)
        qp_bind(s, &q);
    qp_free(&q);
    return s;
}

/* How many match in the run of people without a party organisation (an index
 * range: people_org on NULL). */
static int count_unaffiliated(db_conn *c, const struct people_filter *f, int64_t *n)
{
    struct qparams q = {0};
    char me[8];
    qp_int(&q, f->me, me);
    dj_buf b = {0};
    dj_buf_puts(&b, "SELECT COUNT(*)" PERSON_FROM);
    people_where_sql(&b, f, &q, me);
    dj_buf_puts(&b, " AND p.org_id IS NULL");
    db_stmt *s = db_prep_dynamic(c, dj_buf_cstr(&b));
    dj_buf_free(&b);
    int rc = DJ_EDB;
    if (s) {
        qp_bind(s, &q);
        rc = db_step(s);
        *n = rc == DB_ROW ? db_col_i64(s, 0) : 0;
        db_done(s);
    }
    qp_free(&q);
    return rc == DB_ROW ? DJ_OK : rc < 0 ? rc : DJ_EDB;
}

/* Writing rows out: the columns found on the first row, the day for the flags. */
struct writer {
    dj_buf *out;
    int64_t today, limit, rows;
    char day[16];
    bool more; /* a row past the page was there */
    struct people_cursor last;
};

/* Writes the rows of s until the page is full; one more row sets w->more. */
static int write_rows(struct writer *w, db_stmt *s, char seg)
{
    int cp = -1, cs = -1, cj = -1, cf = -1, cu = -1, ci = -1, ck = -1;
    struct row_view v = {.s = s};
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (w->rows == w->limit) {
            w->more = true;
            break;
        }
        if (cp < 0) { /* the columns are known once there is a row (PostgreSQL) */
            cp = col_index(s, "show_private"), cs = col_index(s, "party_status"), cj = col_index(s, "joined_on");
            cf = col_index(s, "observation_from"), cu = col_index(s, "observation_until");
            ci = col_index(s, "id"), ck = col_index(s, "sort_path");
            if (cp < 0 || cs < 0 || cj < 0 || cf < 0 || cu < 0 || ci < 0 || (seg && ck < 0)) {
                rc = DJ_EINTERNAL;
                break;
            }
        }
        v.priv = db_col_i64(s, cp) != 0;
        dj_buf_puts(w->out, w->rows++ ? ",{" : "{");
        db_row_render(s, w->out, row_column, &v);
        /* decorate()'s additions, in its order */
        const char *status = db_col_text(s, cs), *of = db_col_text(s, cf), *ou = db_col_text(s, cu);
        dj_buf_puts(w->out, ",\"status_label\":");
        dj_json_string_into(w->out, people_status_label(status ? status : ""));
        int years = people_party_years(db_col_text(s, cj), w->today);
        dj_buf_puts(w->out, ",\"party_years\":");
        if (years < 0)
            dj_buf_puts(w->out, "null");
        else
            dj_json_int_into(w->out, years);
        dj_buf_puts(w->out, v.priv ? ",\"private\":true" : ",\"private\":false");
        bool watched = of && strcmp(of, w->day) <= 0 && (!ou || strcmp(ou, w->day) >= 0);
        dj_buf_puts(w->out, watched ? ",\"under_observation\":true}" : ",\"under_observation\":false}");
        w->last.seg = seg;
        w->last.id = db_col_i64(s, ci);
        const char *path = ck >= 0 ? db_col_text(s, ck) : NULL;
        snprintf(w->last.path, sizeof w->last.path, "%s", path ? path : "");
    }
    db_done(s);
    return rc < 0 ? rc : DJ_OK;
}

/* The default order: the run of organisations' people, then the run of people
 * without one, from a cursor or an offset. */
static int write_default(db_conn *c, const struct people_filter *f, int64_t offset,
                         const struct people_cursor *after, struct writer *w)
{
    int rc;
    db_stmt *s;
    bool keyset = after && after->seg;
    if (!keyset || after->seg == 'A') {
        if (!(s = run_query(c, f, 'A', keyset ? after : NULL, w->limit + 1, keyset ? 0 : offset)))
            return DJ_EDB;
        if ((rc = write_rows(w, s, 'A')))
            return rc;
    }
    if (w->more)
        return DJ_OK;
    int64_t from = 0;
    if (!keyset && w->rows == 0 && offset > 0) {
        /* the offset is past the first run: how far into the second one */
        int64_t total, second;
        if ((rc = people_count_matches(c, f, &total)) || (rc = count_unaffiliated(c, f, &second)))
            return rc;
        from = offset - (total - second);
        if (from < 0)
            from = 0;
    }
    if (!(s = run_query(c, f, 'B', keyset && after->seg == 'B' ? after : NULL, w->limit - w->rows + 1, from)))
        return DJ_EDB;
    return write_rows(w, s, 'B');
}

/* today as YYYY-MM-DD, for the flags of a page and the key of a kept one */
static void day_text(int64_t today, char day[16])
{
    int y, m, d;
    dj_civil_from_days(today, &y, &m, &d);
    snprintf(day, 16, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 13u, (unsigned)d % 32u);
}

int people_page_render(db_conn *c, const struct people_filter *f, int64_t limit, int64_t offset,
                       const struct people_cursor *after, dj_buf *out, int64_t *rows)
{
    struct writer w = {.out = out, .today = orgs_today(), .limit = limit};
    day_text(w.today, w.day);
    /* a chosen order, or one subtree (its people found by their organisations'
     * indexes and only they sorted: a page costs the subtree, not the roster):
     * one statement, by an offset */
    bool named = (f->sort && *f->sort) || (f->org_path && *f->org_path);
    dj_buf_puts(out, "{\"items\":[");
    int rc;
    if (named) {
        db_stmt *s = people_query(c, f, limit + 1, offset);
        rc = s ? write_rows(&w, s, 0) : DJ_EDB;
    } else {
        rc = write_default(c, f, offset, after, &w);
    }
    *rows = w.rows;
    if (rc)
        return rc;
    dj_buf_puts(out, "]");
    bool keyset = after && after->seg;
    if (keyset) {
        dj_buf_puts(out, ",\"total\":null");
    } else {
        int64_t total = w.rows;
        if ((offset > 0 || w.more) && (rc = people_count_matches(c, f, &total)))
            return rc;
        dj_buf_puts(out, ",\"total\":");
        dj_json_int_into(out, total);
    }
    if (!w.more)
        dj_buf_puts(out, ",\"next\":null}");
    else if (named)
        dj_buf_printf(out, ",\"next\":\"%lld\"}", (long long)(offset + w.rows));
    else if (w.last.seg == 'A')
        dj_buf_printf(out, ",\"next\":\"kA%lld.%s\"}", (long long)w.last.id, w.last.path);
    else
        dj_buf_printf(out, ",\"next\":\"kB%lld\"}", (long long)w.last.id);
    return DJ_OK;
}

/* Whether the viewer's own row is let in and shown unmasked by their scopes
 * alone (*aux 1 or 0): then "p.id = me" changes nothing on any page, and a page
 * is the same for everyone whose scopes are the same. */
struct self_args {
    db_conn *c;
    const struct people_filter *f;
};

static int self_covered_read(void *arg, dj_buf *out, int64_t *aux)
{
    (void)out;
    struct self_args *a = arg;
    db_conn *c = a->c;
    const struct people_filter *f = a->f;
    const char *read = f->read_scope ? f->read_scope : "(1=1)", *priv = f->private_scope ? f->private_scope : "(1=1)";
    char *sql = dj_asprintf("SELECT CASE WHEN (%s) AND (%s) THEN 1 ELSE 0 END" PERSON_FROM " WHERE p.id = $1", read,
                            priv);
    db_stmt *s = db_prep_dynamic(c, sql);
    free(sql);
    if (!s)
        return db_prep_error();
    db_bind_i64(s, 1, f->me);
    int st = db_step(s);
    *aux = st == DB_ROW && db_col_i64(s, 0) == 1;
    db_done(s);
    return st == DB_ROW || st == DB_DONE ? DJ_OK : st < 0 ? st : DJ_EDB;
}

/* The same, kept for the user apart from the shared pages (readcache.h) until
 * the people or the organisations are written. */
static int self_covered(db_conn *c, const struct people_filter *f, bool *yes)
{
    *yes = f->me <= 0;
    if (*yes)
        return DJ_OK;
    const char *read = f->read_scope ? f->read_scope : "(1=1)", *priv = f->private_scope ? f->private_scope : "(1=1)";
    char *key = dj_asprintf("people.self\x1f%lld\x1f%s\x1f%s", (long long)f->me, read, priv);
    struct self_args a = {c, f};
    int64_t v = 0;
    int rc = dj_rcache_user_value(c, key, 60000, self_covered_read, &a, &v);
    free(key);
    *yes = v == 1;
    return rc;
}

/* A page for everyone with the same scopes (*aux: its rows). */
struct page_args {
    db_conn *c;
    const struct people_filter *f;
    int64_t limit, offset;
    const struct people_cursor *after;
};

static int page_write(void *arg, dj_buf *out, int64_t *aux)
{
    struct page_args *a = arg;
    return people_page_render(a->c, a->f, a->limit, a->offset, a->after, out, aux);
}

int people_page_text(db_conn *c, const struct people_filter *f, int64_t limit, int64_t offset,
                     const struct people_cursor *after, dj_blob **page, int64_t *rows)
{
    *page = NULL;
    bool shared;
    int rc = self_covered(c, f, &shared);
    if (rc)
        return rc;
    if (!shared) { /* the viewer's own row makes the page theirs: not kept */
        dj_buf out = {0};
        if ((rc = people_page_render(c, f, limit, offset, after, &out, rows))) {
            dj_buf_free(&out);
            return rc;
        }
        *page = dj_blob_take(&out);
        return DJ_OK;
    }
    /* the key is everything the page depends on: the scopes, the filters, where
     * it starts, and the day (party years, under observation); never the user */
    struct people_filter g = *f;
    g.me = 0;
    char day[16];
    day_text(orgs_today(), day);
#define OR_ALL(x) ((x) ? (x) : "*")
    char *key = dj_asprintf("people.page\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%d\x1f%s\x1f%lld\x1f%lld\x1f%c%lld.%s\x1f%s",
                            OR_ALL(f->read_scope), OR_ALL(f->read_scope_mass), OR_ALL(f->private_scope),
                            f->q ? f->q : "", f->status ? f->status : "", f->org_path ? f->org_path : "", f->active,
                            f->sort ? f->sort : "", (long long)limit, (long long)offset,
                            after && after->seg ? after->seg : '-', after ? (long long)after->id : 0LL,
                            after ? after->path : "", day);
#undef OR_ALL
    struct page_args a = {c, &g, limit, offset, after};
    rc = dj_rcache_blob(c, key, 60000, page_write, &a, page, rows);
    free(key);
    return rc;
}
