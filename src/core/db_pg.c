/* db_pg.c - the PostgreSQL driver (libpq).  Statements are prepared on the
 * server once per connection; parameters travel as text, results come back
 * as text and are converted by the column's type.  Writes run in SERIALIZABLE
 * transactions, the counterpart of SQLite's BEGIN IMMEDIATE: a read-then-write
 * that races another fails with "busy" (retry) instead of losing an update. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "mem.h"

/* pg_type OIDs (catalog/pg_type_d.h is not in libpq-dev) */
#define OID_BOOL 16
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_OID 26
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700

#define PREFETCH_MAX 32

struct pg_stmt;

struct pg_conn {
    PGconn *pg;
    unsigned nstmt;
    int tx_failed; /* what the transaction's first failed statement was (0: none failed) */
    char err[512];
    struct pg_stmt *pre[PREFETCH_MAX]; /* queued by prefetch_add, then holding their results */
    int npre;
};

/* A statement's prefetched run: the parameters it was sent with, and its result. */
struct pg_pre {
    char **values;
    int *lengths, *formats;
    PGresult *res; /* NULL while queued, or when it failed */
};

struct pg_stmt {
    struct pg_conn *c;
    char name[24];
    int nparams;
    char **values;
    int *lengths; /* of binary parameters (bytea); 0 for text ones */
    int *formats; /* 1: binary, 0: text */
    unsigned char *blob; /* the last column read with col_blob (PQunescapeBytea) */
    PGresult *res;
    int row, nrows;
    struct pg_pre *pre; /* prefetched (db_prefetch), until a step takes it or it is dropped */
};

static int map_state(struct pg_conn *c, const char *state);

static int map_result(struct pg_conn *c, PGresult *res)
{
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return DJ_OK;
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    /* "current transaction is aborted": a statement before this one failed and
     * its caller let it pass (a read whose failure meant "none"); this one is
     * what the first one was, a serialization failure is still "busy", not a fault */
    if (state && strcmp(state, "25P02") == 0 && c->tx_failed)
        return c->tx_failed;
    snprintf(c->err, sizeof c->err, "%s", PQresultErrorMessage(res));
    int rc = map_state(c, state);
    if (PQtransactionStatus(c->pg) == PQTRANS_INERROR && !c->tx_failed)
        c->tx_failed = rc;
    return rc;
}

static int map_state(struct pg_conn *c, const char *state)
{
    if (state && strncmp(state, "23", 2) == 0)
        return DJ_ECONFLICT; /* integrity constraint violation */
    if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0))
        return DJ_EBUSY; /* serialization failure, deadlock, lock not available */
    /* the server went away (killed, failing over, shutting down) or is now a
     * read-only standby: "busy", try again; the thread's next connection goes
     * to whichever host of the multi-host URL is the primary then */
    if (PQstatus(c->pg) != CONNECTION_OK || (state && (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0 ||
                                                      strcmp(state, "25006") == 0)))
        return DJ_EBUSY;
    return DJ_EDB;
}

static int pg_open(const char *url, void **conn, char **errmsg)
{
    PGconn *pg = PQconnectdb(url);
    if (PQstatus(pg) != CONNECTION_OK) {
        if (errmsg)
            *errmsg = dj_strdup(PQerrorMessage(pg));
        PQfinish(pg);
        return DJ_EDB;
    }
    /* jit off: its compile time (about 0.3 s on the city's dues roster, EXPLAIN ANALYZE)
     * is paid on every execution of a large query and never earned back by the
     * sub-second queries of a web server.  random_page_cost 1.1 (the default 4 is
     * for spinning disks): the data of a party-building platform sits in memory, and
     * at 4 the planner reads every payment or activity to join the dozen of one
     * member's rows (a member's dues months 0.9 → 0.2 ms, their study hours 1.1 →
     * 0.1 ms, EXPLAIN ANALYZE on the demo agency, bench/reads/README.md) */
    PGresult *r = PQexec(pg, "SET client_min_messages = warning; SET TIME ZONE 'UTC'; SET jit = off;"
                             " SET random_page_cost = 1.1");
    PQclear(r);
    struct pg_conn *c = dj_calloc(1, sizeof *c);
    c->pg = pg;
    *conn = c;
    return DJ_OK;
}

static void pg_prefetch_drop(void *conn);

static void pg_close(void *conn)
{
    struct pg_conn *c = conn;
    pg_prefetch_drop(c);
    PQfinish(c->pg);
    free(c);
}

/* The migrations are written in the SQL both engines share, with SQLite's
 * spellings of a few types; say them the PostgreSQL way. */
static char *pg_translate(const char *sql)
{
    static const struct {
        const char *from, *to;
    } words[] = {
        {"INTEGER PRIMARY KEY", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
        {"INTEGER", "BIGINT"},
        {" REAL", " DOUBLE PRECISION"},
        {"BLOB", "BYTEA"},
    };
    dj_buf b = {0};
    const char *p = sql;
    while (*p) {
        size_t i;
        for (i = 0; i < sizeof words / sizeof words[0]; i++) {
            size_t n = strlen(words[i].from);
            if (strncmp(p, words[i].from, n) == 0) {
                dj_buf_puts(&b, words[i].to);
                p += n;
                break;
            }
        }
        if (i == sizeof words / sizeof words[0])
            dj_buf_append(&b, p++, 1);
    }
    return dj_buf_cstr(&b);
}

static int pg_exec(void *conn, const char *script)
{
    struct pg_conn *c = conn;
    char *sql = pg_translate(script);
    PGresult *r = PQexec(c->pg, sql);
    free(sql);
    int rc = map_result(c, r);
    PQclear(r);
    return rc;
}

static int pg_prepare(void *conn, const char *sql, void **stmt)
{
    struct pg_conn *c = conn;
    struct pg_stmt *s = dj_calloc(1, sizeof *s);
    s->c = c;
    snprintf(s->name, sizeof s->name, "dj%u", ++c->nstmt);
    PGresult *r = PQprepare(c->pg, s->name, sql, 0, NULL);
    int rc = map_result(c, r);
    PQclear(r);
    if (rc == DJ_OK) {
        r = PQdescribePrepared(c->pg, s->name);
        rc = map_result(c, r);
        if (rc == DJ_OK)
            s->nparams = PQnparams(r);
        PQclear(r);
    }
    if (rc != DJ_OK) {
        free(s);
        return rc;
    }
    s->values = dj_calloc((size_t)(s->nparams ? s->nparams : 1), sizeof *s->values);
    s->lengths = dj_calloc((size_t)(s->nparams ? s->nparams : 1), sizeof *s->lengths);
    s->formats = dj_calloc((size_t)(s->nparams ? s->nparams : 1), sizeof *s->formats);
    *stmt = s;
    return DJ_OK;
}

static int set_param(struct pg_stmt *s, int idx, char *v)
{
    if (idx < 1 || idx > s->nparams) {
        free(v);
        return DJ_OK; /* a parameter the statement does not use */
    }
    free(s->values[idx - 1]);
    s->values[idx - 1] = v;
    s->lengths[idx - 1] = 0;
    s->formats[idx - 1] = 0;
    return DJ_OK;
}

/* Bytes go as a binary parameter: no escaping, no doubling in size. */
static int pg_bind_blob(void *stmt, int idx, const void *p, size_t n)
{
    struct pg_stmt *s = stmt;
    if (idx < 1 || idx > s->nparams)
        return DJ_OK;
    if (n > (size_t)1 << 30)
        return DJ_ETOOLARGE;
    char *v = dj_malloc(n);
    if (n)
        memcpy(v, p, n);
    set_param(s, idx, v);
    s->lengths[idx - 1] = (int)n;
    s->formats[idx - 1] = 1;
    return DJ_OK;
}

static int pg_bind_i64(void *stmt, int idx, int64_t v) { return set_param(stmt, idx, dj_asprintf("%lld", (long long)v)); }
static int pg_bind_double(void *stmt, int idx, double v) { return set_param(stmt, idx, dj_asprintf("%.17g", v)); }
static int pg_bind_text(void *stmt, int idx, const char *v) { return set_param(stmt, idx, dj_strdup(v)); }
static int pg_bind_null(void *stmt, int idx) { return set_param(stmt, idx, NULL); }

static bool pre_matches(const struct pg_stmt *s)
{
    const struct pg_pre *p = s->pre;
    if (!p->res)
        return false;
    for (int i = 0; i < s->nparams; i++) {
        const char *a = s->values[i], *b = p->values[i];
        if ((a == NULL) != (b == NULL) || s->formats[i] != p->formats[i] || s->lengths[i] != p->lengths[i])
            return false;
        if (a && (s->formats[i] ? memcmp(a, b, (size_t)s->lengths[i]) != 0 : strcmp(a, b) != 0))
            return false;
    }
    return true;
}

static void pre_free(struct pg_stmt *s)
{
    struct pg_pre *p = s->pre;
    if (!p)
        return;
    for (int i = 0; i < s->nparams; i++)
        free(p->values[i]);
    free(p->values);
    free(p->lengths);
    free(p->formats);
    PQclear(p->res);
    free(p);
    s->pre = NULL;
    struct pg_conn *c = s->c;
    for (int i = 0; i < c->npre; i++)
        if (c->pre[i] == s) {
            c->pre[i] = c->pre[--c->npre];
            break;
        }
}

static int pg_step(void *stmt)
{
    struct pg_stmt *s = stmt;
    if (!s->res && s->pre) {
        /* read ahead with these very parameters: its result, without a round trip */
        if (pre_matches(s)) {
            s->res = s->pre->res;
            s->pre->res = NULL;
            s->row = -1;
            s->nrows = PQntuples(s->res);
        }
        pre_free(s);
    }
    if (!s->res) {
        s->res = PQexecPrepared(s->c->pg, s->name, s->nparams, (const char *const *)s->values, s->lengths,
                                s->formats, 0);
        int rc = map_result(s->c, s->res);
        if (rc != DJ_OK) {
            PQclear(s->res);
            s->res = NULL;
            return rc;
        }
        s->row = -1;
        s->nrows = PQntuples(s->res);
    }
    if (++s->row < s->nrows)
        return DB_ROW;
    return DB_DONE;
}

static int pg_ncols(void *stmt)
{
    struct pg_stmt *s = stmt;
    return s->res ? PQnfields(s->res) : 0;
}

static const char *pg_col_name(void *stmt, int col) { return PQfname(((struct pg_stmt *)stmt)->res, col); }

static enum db_type pg_col_type(void *stmt, int col)
{
    struct pg_stmt *s = stmt;
    if (PQgetisnull(s->res, s->row, col))
        return DB_T_NULL;
    switch (PQftype(s->res, col)) {
    case OID_BOOL:
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
    case OID_OID:
        return DB_T_INT;
    case OID_FLOAT4:
    case OID_FLOAT8:
    case OID_NUMERIC:
        return DB_T_REAL;
    default:
        return DB_T_TEXT;
    }
}

static int64_t pg_col_i64(void *stmt, int col)
{
    struct pg_stmt *s = stmt;
    const char *v = PQgetvalue(s->res, s->row, col);
    if (PQftype(s->res, col) == OID_BOOL)
        return v[0] == 't';
    return strtoll(v, NULL, 10);
}

static double pg_col_double(void *stmt, int col)
{
    struct pg_stmt *s = stmt;
    return strtod(PQgetvalue(s->res, s->row, col), NULL);
}

static const char *pg_col_text(void *stmt, int col)
{
    struct pg_stmt *s = stmt;
    return PQgetisnull(s->res, s->row, col) ? NULL : PQgetvalue(s->res, s->row, col);
}

/* bytea arrives as text in the hex format ("\\x…"); unescaped into a buffer
 * the statement keeps until the next call or reset. */
static const void *pg_col_blob(void *stmt, int col, size_t *n)
{
    struct pg_stmt *s = stmt;
    PQfreemem(s->blob);
    s->blob = NULL;
    *n = 0;
    if (PQgetisnull(s->res, s->row, col))
        return NULL;
    s->blob = PQunescapeBytea((const unsigned char *)PQgetvalue(s->res, s->row, col), n);
    if (!s->blob) {
        fprintf(stderr, "dangjian: out of memory unescaping bytea\n");
        abort();
    }
    return s->blob;
}

static void pg_reset(void *stmt)
{
    struct pg_stmt *s = stmt;
    PQclear(s->res);
    s->res = NULL;
    PQfreemem(s->blob);
    s->blob = NULL;
    for (int i = 0; i < s->nparams; i++) {
        free(s->values[i]);
        s->values[i] = NULL;
        s->lengths[i] = 0;
        s->formats[i] = 0;
    }
}

static void pg_finalize(void *stmt)
{
    struct pg_stmt *s = stmt;
    pre_free(s);
    pg_reset(s);
    char sql[48];
    snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
    PQclear(PQexec(s->c->pg, sql));
    free(s->values);
    free(s->lengths);
    free(s->formats);
    free(s);
}

static int simple(struct pg_conn *c, const char *sql)
{
    PGresult *r = PQexec(c->pg, sql);
    int rc = map_result(c, r);
    PQclear(r);
    return rc;
}

static int pg_begin(void *conn)
{
    struct pg_conn *c = conn;
    c->tx_failed = 0;
    return simple(c, "BEGIN ISOLATION LEVEL SERIALIZABLE");
}
/* COMMIT of a transaction in which a statement failed (an error its caller let pass,
 * such as a serialization failure on a read it treated as "not found") succeeds and
 * rolls back: its status is "ROLLBACK". That is no commit: say so, as busy (the
 * transaction may be run again), or the caller would answer for writes never made. */
static int pg_commit(void *conn)
{
    struct pg_conn *c = conn;
    bool aborted = PQtransactionStatus(c->pg) == PQTRANS_INERROR;
    PGresult *r = PQexec(c->pg, "COMMIT");
    int rc = map_result(c, r);
    if (rc == DJ_OK && (aborted || strcmp(PQcmdStatus(r), "ROLLBACK") == 0)) {
        snprintf(c->err, sizeof c->err, "COMMIT rolled back: a statement of the transaction had failed");
        rc = DJ_EBUSY;
    }
    PQclear(r);
    c->tx_failed = 0;
    return rc;
}

static int pg_rollback(void *conn)
{
    struct pg_conn *c = conn;
    c->tx_failed = 0;
    if (PQtransactionStatus(c->pg) == PQTRANS_IDLE)
        return DJ_OK;
    return simple(c, "ROLLBACK");
}

static const char *pg_errmsg(void *conn)
{
    struct pg_conn *c = conn;
    return c->err[0] ? c->err : PQerrorMessage(c->pg);
}

static bool pg_alive(void *conn)
{
    struct pg_conn *c = conn;
    return PQstatus(c->pg) == CONNECTION_OK;
}

/* Advisory locks keyed by the name's 64-bit hash, computed by the server, so
 * an operator (or a test) can take or look up the same lock by name in psql. */
static int pg_lock(void *conn, const char *name, bool wait, bool *got)
{
    struct pg_conn *c = conn;
    const char *params[1] = {name};
    PGresult *r = PQexecParams(c->pg,
                               wait ? "SELECT pg_advisory_lock(hashtextextended($1, 0)) IS NOT NULL"
                                    : "SELECT pg_try_advisory_lock(hashtextextended($1, 0))",
                               1, NULL, params, NULL, NULL, 0);
    int rc = map_result(c, r);
    if (got)
        *got = rc == DJ_OK && PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    return rc;
}

static int pg_unlock(void *conn, const char *name)
{
    struct pg_conn *c = conn;
    const char *params[1] = {name};
    PGresult *r = PQexecParams(c->pg, "SELECT pg_advisory_unlock(hashtextextended($1, 0))", 1, NULL, params, NULL,
                               NULL, 0);
    int rc = map_result(c, r);
    PQclear(r);
    return rc;
}

/* ---------------------------------------------------------------- prefetch */

static void pg_prefetch_drop(void *conn)
{
    struct pg_conn *c = conn;
    while (c->npre)
        pre_free(c->pre[c->npre - 1]);
}

static void pg_prefetch_add(void *conn, void *stmt)
{
    struct pg_conn *c = conn;
    struct pg_stmt *s = stmt;
    if (s->pre || c->npre == PREFETCH_MAX)
        return; /* one read ahead per statement */
    struct pg_pre *p = dj_calloc(1, sizeof *p);
    size_t n = (size_t)(s->nparams ? s->nparams : 1);
    p->values = dj_calloc(n, sizeof *p->values);
    p->lengths = dj_calloc(n, sizeof *p->lengths);
    p->formats = dj_calloc(n, sizeof *p->formats);
    for (int i = 0; i < s->nparams; i++) {
        p->lengths[i] = s->lengths[i];
        p->formats[i] = s->formats[i];
        if (s->values[i]) {
            size_t len = s->formats[i] ? (size_t)s->lengths[i] : strlen(s->values[i]) + 1;
            p->values[i] = dj_malloc(len ? len : 1);
            memcpy(p->values[i], s->values[i], len);
        }
    }
    s->pre = p;
    c->pre[c->npre++] = s;
}

/* Sends every queued statement in one pipeline (one round trip) and keeps each
 * result on its statement. Whatever fails here is only not read ahead: the
 * step runs the statement itself, and meets the same error there. */
static void pg_prefetch_send(void *conn)
{
    struct pg_conn *c = conn;
    int n = 0;
    for (int i = 0; i < c->npre; i++)
        n += c->pre[i]->pre->res == NULL;
    if (n < 2 || PQtransactionStatus(c->pg) == PQTRANS_INERROR || !PQenterPipelineMode(c->pg)) {
        pg_prefetch_drop(c); /* one statement saves nothing */
        return;
    }
    int sent = 0;
    struct pg_stmt *order[PREFETCH_MAX];
    for (int i = 0; i < c->npre; i++) {
        struct pg_stmt *s = c->pre[i];
        if (s->pre->res)
            continue;
        if (!PQsendQueryPrepared(c->pg, s->name, s->nparams, (const char *const *)s->pre->values, s->pre->lengths,
                                 s->pre->formats, 0))
            break;
        order[sent++] = s;
    }
    bool ok = PQpipelineSync(c->pg) == 1;
    for (int i = 0; ok && i < sent; i++) {
        PGresult *r = PQgetResult(c->pg);
        if (!r) {
            ok = false;
            break;
        }
        if (PQresultStatus(r) == PGRES_TUPLES_OK)
            order[i]->pre->res = r;
        else
            PQclear(r);
        while ((r = PQgetResult(c->pg))) /* its end (NULL) */
            PQclear(r);
    }
    PGresult *r;
    while ((r = PQgetResult(c->pg))) { /* the sync */
        bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
        PQclear(r);
        if (sync)
            break;
    }
    if (!PQexitPipelineMode(c->pg) || !ok) {
        snprintf(c->err, sizeof c->err, "prefetch: %s", PQerrorMessage(c->pg));
        pg_prefetch_drop(c);
        while (PQpipelineStatus(c->pg) != PQ_PIPELINE_OFF && (r = PQgetResult(c->pg)))
            PQclear(r);
        PQexitPipelineMode(c->pg);
        return;
    }
    /* those not sent, or failed, go: their steps run them */
    for (int i = c->npre - 1; i >= 0; i--)
        if (!c->pre[i]->pre->res)
            pre_free(c->pre[i]);
}

const struct db_driver db_pg_driver = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .bind_i64 = pg_bind_i64,
    .bind_double = pg_bind_double,
    .bind_text = pg_bind_text,
    .bind_null = pg_bind_null,
    .bind_blob = pg_bind_blob,
    .step = pg_step,
    .ncols = pg_ncols,
    .col_name = pg_col_name,
    .col_type = pg_col_type,
    .col_i64 = pg_col_i64,
    .col_double = pg_col_double,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .reset = pg_reset,
    .finalize = pg_finalize,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .errmsg = pg_errmsg,
    .alive = pg_alive,
    .lock = pg_lock,
    .unlock = pg_unlock,
    /* a sequence: taking a number holds no lock, so writers never wait for
     * each other; taken just after the commit (a number is never given back) */
    .seq_sql = "SELECT last_value FROM dj_write_seq",
    .announce_sql = "SELECT nextval('dj_write_seq')",
    .announce_in_tx = false,
    .prefetch_add = pg_prefetch_add,
    .prefetch_send = pg_prefetch_send,
    .prefetch_drop = pg_prefetch_drop,
};
