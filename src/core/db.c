/* db.c - the engine-neutral half of the database API: per-thread
 * connections, the prepared-statement cache, transactions and binding by a
 * type string (db_rows.c has the run-and-read conveniences built on them). */
#include "db.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "db_deps.h"
#include "err.h"
#include "json.h"
#include "mem.h"

#define STMT_CACHE 256 /* slots; open addressing on the SQL text's address */
#define DYN_CACHE 64    /* statements built at run time, kept by their text */

struct db_stmt {
    db_conn *conn;
    void *h;
    const char *sql;
    bool cached;
    bool writes; /* INSERT, UPDATE, DELETE...: a step ends readers' cached answers */
    bool writes_all; /* a write whose tables are not known: ends every cached answer */
    uint16_t *deps;  /* the tables it reads, or writes (db_deps.h) */
    int ndeps;
    bool busy;   /* a kept dynamic statement between db_prep_dynamic and db_done */
    char *own;   /* the text of a kept dynamic statement */
    uint64_t hash, used;
};

struct db_conn {
    const struct db_driver *drv;
    void *h;
    db_stmt *cache[STMT_CACHE];
    int ncached;
    db_stmt *dyn[DYN_CACHE];
    uint64_t tick;
    bool in_tx, tx_wrote; /* between db_begin and its end; whether it wrote */
    bool in_snap;         /* in db_snapshot_begin()'s read transaction */
    uint64_t snap_gen;    /* the write generation before it began */
    bool tx_all;          /* it wrote a table not known by name */
    uint64_t tx_tables[DEPS_WORDS]; /* the tables it wrote (db_deps.h numbers) */
    void *seq_h, *announce_h;      /* the driver's seq_sql and announce_sql, prepared */
};

uint64_t db_write_gen(void) { return deps_now(); }
uint64_t db_read_gen(db_conn *c) { return c && c->in_snap ? c->snap_gen : deps_now(); }

/* ---------- writes by other processes ----------
 * Every write commit through db.c takes the next number of the database's
 * write sequence (the driver's announce_sql: SQLite in the transaction, a
 * PostgreSQL sequence just after the commit) and remembers it as its own.
 * A reader looks at the sequence (seq_sql): numbers it has not taken itself
 * were taken by another process (the command line, another server), whose
 * writes may touch any table: every cached answer ends. */
#define OWN_RING 4096
static int64_t own_ring[OWN_RING];
static _Atomic int64_t seq_seen = -1;
static pthread_mutex_t seq_mu = PTHREAD_MUTEX_INITIALIZER;

static void own_record(int64_t v)
{
    if (v <= 0)
        return;
    pthread_mutex_lock(&seq_mu);
    own_ring[v % OWN_RING] = v;
    pthread_mutex_unlock(&seq_mu);
}

/* The value of the driver's seq or announce statement (prepared on first use,
 * quietly: a database without migration 0120 yet has none): -1 if none. */
static int64_t seq_value(db_conn *c, void **h, const char *sql)
{
    if (!sql)
        return -1;
    if (!*h && c->drv->prepare(c->h, sql, h) != DJ_OK) {
        *h = NULL;
        return -1;
    }
    int64_t v = c->drv->step(*h) == DB_ROW ? c->drv->col_i64(*h, 0) : -1;
    c->drv->reset(*h);
    return v;
}

/* Own numbers being taken now: a reader may see one in the sequence before
 * its writer has recorded it (on PostgreSQL the number comes back a round
 * trip later), and must not take it for another process's. */
static _Atomic int announcing;

static void announce(db_conn *c)
{
    atomic_fetch_add(&announcing, 1);
    own_record(seq_value(c, &c->announce_h, c->drv->announce_sql));
    atomic_fetch_sub(&announcing, 1);
}

/* The request whose thread has looked already: a request looks once (on
 * PostgreSQL a round trip), however many cached answers it uses; a write
 * another process commits while it runs is seen by the next request. */
static _Thread_local uint64_t noticed_request;

static _Thread_local bool busy_seen;
static _Thread_local int prep_rc = DJ_EDB;
void db_busy_clear(void) { busy_seen = false; }
bool db_busy_seen(void) { return busy_seen; }
int db_prep_error(void) { return prep_rc; }

/* A statement that could not be prepared: a busy database is no fault to print. */
static void prep_failed(db_conn *c, int rc, const char *sql)
{
    prep_rc = rc < 0 ? rc : DJ_EDB;
    if (rc == DJ_EBUSY)
        busy_seen = true;
    else
        fprintf(stderr, "dangjian: SQL error: %s\n  in: %s\n", c->drv->errmsg(c->h), sql);
}

void db_notice_writes(db_conn *c)
{
    if (!c || c->in_tx)
        return;
    uint64_t rq = deps_request();
    if (rq && rq == noticed_request)
        return;
    int64_t before = atomic_load(&seq_seen); /* what this look may not fall below */
    int64_t n = seq_value(c, &c->seq_h, c->drv->seq_sql);
    if (n < 0) {
        deps_bump_all(); /* no sequence to look at: anything may have changed */
        return;
    }
    noticed_request = rq;
    if (n == atomic_load(&seq_seen))
        return;
    pthread_mutex_lock(&seq_mu);
    int64_t seen = atomic_load(&seq_seen);
    if (n < seen && (n >= before || c->in_snap)) {
        /* a look older than one another thread made meanwhile (their answers
         * crossed), or made in a snapshot older than the number seen: nothing
         * new in it */
        pthread_mutex_unlock(&seq_mu);
        return;
    }
    if (n != seen) {
        /* a number below one seen before this look began: the sequence went
         * back (a database restored), and anything may have changed */
        bool other = seen >= 0 && (n < seen || n - seen > OWN_RING);
        int unknown = 0;
        for (int64_t v = seen + 1; seen >= 0 && !other && v <= n; v++)
            unknown += own_ring[v % OWN_RING] != v;
        if (!other && unknown > 0 && unknown <= atomic_load(&announcing)) {
            /* as many numbers as this process is taking now: its own, on their way;
             * the next request looks again */
            pthread_mutex_unlock(&seq_mu);
            return;
        }
        if (other || unknown > 0)
            deps_bump_all(); /* before anyone sees the new number */
        atomic_store(&seq_seen, n);
    }
    pthread_mutex_unlock(&seq_mu);
}

/* What a write statement's step or a transaction's commit makes seen. */
static void wrote_stmt(db_stmt *s)
{
    if (s->writes_all)
        deps_bump_all();
    else
        for (int i = 0; i < s->ndeps; i++)
            deps_bump(s->deps[i]);
}

static void stmt_deps(db_stmt *s)
{
    s->deps = deps_parse(s->sql, s->writes, &s->ndeps, &s->writes_all);
}

static void stmt_free(db_conn *c, db_stmt *s)
{
    c->drv->finalize(s->h);
    free(s->own);
    free(s->deps);
    free(s);
}

/* Tables no cached answer is made from: the record of who did what, sessions'
 * last use, sign-in throttling and the ledger's seals.  Writing them (a read of
 * private data is itself recorded) does not end cached answers. */
static const char *const quiet_writes[] = {
    "INSERT INTO audit ", "UPDATE sessions ", "INSERT INTO login_throttle ", "UPDATE login_throttle ",
    "DELETE FROM login_throttle ", "INSERT INTO chain_links ", "INSERT INTO checkpoints ", NULL,
};

/* Whether a statement may change data: anything but a plain query. */
static bool sql_writes(const char *sql)
{
    while (*sql == ' ' || *sql == '\n' || *sql == '\t' || *sql == '(')
        sql++;
    if (strncasecmp(sql, "SELECT", 6) == 0 || strncasecmp(sql, "VALUES", 6) == 0 ||
        strncasecmp(sql, "EXPLAIN", 7) == 0 || strncasecmp(sql, "SHOW", 4) == 0)
        return false;
    for (int i = 0; quiet_writes[i]; i++)
        if (strncasecmp(sql, quiet_writes[i], strlen(quiet_writes[i])) == 0)
            return false;
    if (strncasecmp(sql, "WITH", 4) == 0)
        return strcasestr(sql, "INSERT ") || strcasestr(sql, "UPDATE ") || strcasestr(sql, "DELETE ");
    return true;
}

static char *db_url, *db_read_url;
static pthread_key_t db_key, db_read_key;
static pthread_once_t db_key_once = PTHREAD_ONCE_INIT;

static void db_key_destroy(void *p)
{
    db_close(p);
}

static void db_key_make(void)
{
    pthread_key_create(&db_key, db_key_destroy);
    pthread_key_create(&db_read_key, db_key_destroy);
}

static const struct db_driver *db_driver_for(const char *url)
{
    if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0)
        return &db_pg_driver;
    return &db_sqlite_driver;
}

int db_configure(const char *url)
{
    pthread_once(&db_key_once, db_key_make);
    free(db_url);
    db_url = dj_strdup(url);
    return db_driver_for(url) ? DJ_OK : DJ_EINVAL;
}

db_conn *db_open(const char *url, char **errmsg)
{
    const struct db_driver *drv = db_driver_for(url);
    void *h = NULL;
    if (drv->open(url, &h, errmsg) != DJ_OK)
        return NULL;
    db_conn *c = dj_calloc(1, sizeof *c);
    c->drv = drv;
    c->h = h;
    return c;
}

int db_configure_read(const char *url)
{
    pthread_once(&db_key_once, db_key_make);
    free(db_read_url);
    db_read_url = url && *url ? dj_strdup(url) : NULL;
    return DJ_OK;
}

static void drop_statements(db_conn *c)
{
    for (int i = 0; i < STMT_CACHE; i++) {
        if (c->cache[i]) {
            stmt_free(c, c->cache[i]);
            c->cache[i] = NULL;
        }
    }
    c->ncached = 0;
    /* the statements kept by their text belong to the old connection too */
    for (int i = 0; i < DYN_CACHE; i++) {
        if (c->dyn[i]) {
            stmt_free(c, c->dyn[i]);
            c->dyn[i] = NULL;
        }
    }
    if (c->seq_h)
        c->drv->finalize(c->seq_h);
    if (c->announce_h)
        c->drv->finalize(c->announce_h);
    c->seq_h = c->announce_h = NULL;
    c->in_tx = c->tx_wrote = c->tx_all = false;
    memset(c->tx_tables, 0, sizeof c->tx_tables);
}

void db_close(db_conn *c)
{
    if (!c)
        return;
    drop_statements(c);
    c->drv->close(c->h);
    free(c);
}

/* The thread's connection under key to url: kept while the server answers,
 * opened again when it has gone (after a failover the multi-host URL's
 * target_session_attrs=read-write finds the new primary).  It is reopened in
 * place, so a db_conn pointer a caller holds stays valid; while no server
 * can be reached the dead one is returned and every statement on it fails
 * as "busy" (503, try again). */
static db_conn *thread_conn(pthread_key_t key, const char *url)
{
    db_conn *c = pthread_getspecific(key);
    if ((c && c->drv->alive(c->h)) || !url)
        return c;
    const struct db_driver *drv = db_driver_for(url);
    void *h = NULL;
    char *msg = NULL;
    if (drv->open(url, &h, &msg) != DJ_OK) {
        /* a URL may carry a password: name the failure, not the URL */
        fprintf(stderr, "dangjian: cannot open database: %s", msg ? msg : "?\n");
        free(msg);
        return c;
    }
    if (c) {
        drop_statements(c);
        c->drv->close(c->h);
        c->drv = drv;
        c->h = h;
        c->in_snap = false;
        fprintf(stderr, "dangjian: the database connection was lost; connected again\n");
    } else {
        c = dj_calloc(1, sizeof *c);
        c->drv = drv;
        c->h = h;
        pthread_setspecific(key, c);
    }
    return c;
}

db_conn *db_thread(void)
{
    pthread_once(&db_key_once, db_key_make);
    return thread_conn(db_key, db_url);
}

void db_thread_snapshot_end(void)
{
    pthread_once(&db_key_once, db_key_make);
    db_snapshot_end(pthread_getspecific(db_key));
}

db_conn *db_thread_read(void)
{
    pthread_once(&db_key_once, db_key_make);
    if (!db_read_url)
        return db_thread();
    db_conn *c = thread_conn(db_read_key, db_read_url);
    return c ? c : db_thread(); /* the replica is down: the primary answers */
}

void db_thread_close(void)
{
    pthread_once(&db_key_once, db_key_make);
    pthread_key_t keys[2] = {db_key, db_read_key};
    for (int i = 0; i < 2; i++) {
        db_conn *c = pthread_getspecific(keys[i]);
        if (c) {
            pthread_setspecific(keys[i], NULL);
            db_close(c);
        }
    }
}

const char *db_errmsg(db_conn *c)
{
    return c->drv->errmsg(c->h);
}

const struct db_driver *db_driver_of(db_conn *c)
{
    return c->drv;
}

static size_t stmt_slot(const char *sql)
{
    uintptr_t x = (uintptr_t)sql;
    x ^= x >> 17;
    x *= 0x9E3779B97F4A7C15ull;
    return (size_t)(x >> 7) % STMT_CACHE;
}

db_stmt *db_prep(db_conn *c, const char *sql)
{
    size_t i = stmt_slot(sql);
    for (size_t n = 0; n < STMT_CACHE; n++, i = (i + 1) % STMT_CACHE) {
        db_stmt *s = c->cache[i];
        if (!s)
            break;
        if (s->sql == sql) {
            if (!s->writes)
                deps_reads_add(s->deps, s->ndeps);
            return s;
        }
    }
    if (c->ncached >= STMT_CACHE * 3 / 4)
        return db_prep_dynamic(c, sql); /* cache full: do not grow without bound */
    void *h = NULL;
    int rc = c->drv->prepare(c->h, sql, &h);
    if (rc != DJ_OK) {
        prep_failed(c, rc, sql);
        return NULL;
    }
    db_stmt *s = dj_calloc(1, sizeof *s);
    s->conn = c;
    s->h = h;
    s->sql = sql;
    s->cached = true;
    s->writes = sql_writes(sql);
    stmt_deps(s);
    if (!s->writes)
        deps_reads_add(s->deps, s->ndeps);
    i = stmt_slot(sql);
    while (c->cache[i])
        i = (i + 1) % STMT_CACHE;
    c->cache[i] = s;
    c->ncached++;
    return s;
}

static uint64_t text_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* A statement built at run time (a scope's WHERE, a filter's columns) is kept
 * by its text: the same caller's next request (and every caller with the same
 * scope) skips the parse, and on PostgreSQL the three round trips of
 * prepare, describe and deallocate.  One in use is never handed out twice. */
void db_values_sql(dj_buf *b, const char *head, int ncols, int nrows)
{
    dj_buf_puts(b, head);
    dj_buf_puts(b, " VALUES ");
    for (int r = 0, n = 1; r < nrows; r++) {
        dj_buf_puts(b, r ? ", (" : "(");
        for (int k = 0; k < ncols; k++, n++)
            dj_buf_printf(b, k ? ", $%d" : "$%d", n);
        dj_buf_puts(b, ")");
    }
}

db_stmt *db_prep_dynamic(db_conn *c, const char *sql)
{
    uint64_t hash = text_hash(sql);
    int slot = -1;
    for (int i = 0; i < DYN_CACHE; i++) {
        db_stmt *d = c->dyn[i];
        if (!d) {
            if (slot < 0 || c->dyn[slot])
                slot = i;
            continue;
        }
        if (d->hash == hash && strcmp(d->own, sql) == 0 && !d->busy) {
            d->busy = true;
            d->used = ++c->tick;
            if (!d->writes)
                deps_reads_add(d->deps, d->ndeps);
            return d;
        }
        if (!d->busy && (slot < 0 || (c->dyn[slot] && d->used < c->dyn[slot]->used)))
            slot = i; /* else the least recently used one that is idle */
    }
    void *h = NULL;
    int rc = c->drv->prepare(c->h, sql, &h);
    if (rc != DJ_OK) {
        prep_failed(c, rc, sql);
        return NULL;
    }
    db_stmt *s = dj_calloc(1, sizeof *s);
    s->conn = c;
    s->h = h;
    s->sql = sql;
    s->cached = false;
    s->writes = sql_writes(sql);
    stmt_deps(s);
    if (!s->writes)
        deps_reads_add(s->deps, s->ndeps);
    if (slot < 0)
        return s; /* every kept one is in use: this one is not kept */
    db_stmt *old = c->dyn[slot];
    if (old)
        stmt_free(c, old);
    s->own = dj_strdup(sql);
    s->sql = s->own;
    s->hash = hash;
    s->cached = true;
    s->busy = true;
    s->used = ++c->tick;
    c->dyn[slot] = s;
    return s;
}

int db_bind_i64(db_stmt *s, int idx, int64_t v) { return s->conn->drv->bind_i64(s->h, idx, v); }
int db_bind_double(db_stmt *s, int idx, double v) { return s->conn->drv->bind_double(s->h, idx, v); }
int db_bind_null(db_stmt *s, int idx) { return s->conn->drv->bind_null(s->h, idx); }
int db_bind_blob(db_stmt *s, int idx, const void *p, size_t n) { return s->conn->drv->bind_blob(s->h, idx, p, n); }

int db_bind_text(db_stmt *s, int idx, const char *v)
{
    return v ? s->conn->drv->bind_text(s->h, idx, v) : s->conn->drv->bind_null(s->h, idx);
}

int db_step(db_stmt *s)
{
    if (s->writes && s->conn->in_snap)
        db_snapshot_end(s->conn);
    if (s->writes)
        db_prefetch_drop(s->conn); /* what was read ahead may be what this changes */
    int rc = s->conn->drv->step(s->h);
    if (s->writes) {
        db_conn *c = s->conn;
        wrote_stmt(s);
        if (c->in_tx) {
            c->tx_wrote = true;
            c->tx_all = c->tx_all || s->writes_all;
            for (int i = 0; i < s->ndeps; i++)
                c->tx_tables[s->deps[i] / 64] |= 1ull << (s->deps[i] % 64);
        } else {
            announce(c);
        }
    }
    if (rc == DJ_EBUSY)
        busy_seen = true;
    if (rc < 0 && rc != DJ_ECONFLICT && rc != DJ_EBUSY)
        fprintf(stderr, "dangjian: SQL step failed: %s\n  in: %s\n",
                s->conn->drv->errmsg(s->conn->h), s->sql);
    return rc;
}

int db_ncols(db_stmt *s) { return s->conn->drv->ncols(s->h); }
const char *db_col_name(db_stmt *s, int col) { return s->conn->drv->col_name(s->h, col); }
enum db_type db_col_type(db_stmt *s, int col) { return s->conn->drv->col_type(s->h, col); }
int64_t db_col_i64(db_stmt *s, int col) { return s->conn->drv->col_i64(s->h, col); }
double db_col_double(db_stmt *s, int col) { return s->conn->drv->col_double(s->h, col); }
const char *db_col_text(db_stmt *s, int col) { return s->conn->drv->col_text(s->h, col); }
bool db_col_null(db_stmt *s, int col) { return s->conn->drv->col_type(s->h, col) == DB_T_NULL; }
const void *db_col_blob(db_stmt *s, int col, size_t *n) { return s->conn->drv->col_blob(s->h, col, n); }

void db_done(db_stmt *s)
{
    if (!s)
        return;
    if (s->cached) {
        s->conn->drv->reset(s->h);
        s->busy = false;
    } else {
        stmt_free(s->conn, s);
    }
}

static void prefetch(db_conn *c, db_stmt *s, const char *types, va_list ap)
{
    if (s && db_bindv(s, types, ap) == DJ_OK)
        c->drv->prefetch_add(c->h, s->h);
    db_done(s);
}

void db_prefetch(db_conn *c, const char *sql, const char *types, ...)
{
    if (!c->drv->prefetch_add)
        return;
    va_list ap;
    va_start(ap, types);
    prefetch(c, db_prep(c, sql), types, ap);
    va_end(ap);
}

void db_prefetch_dynamic(db_conn *c, const char *sql, const char *types, ...)
{
    if (!c->drv->prefetch_add)
        return;
    va_list ap;
    va_start(ap, types);
    prefetch(c, db_prep_dynamic(c, sql), types, ap);
    va_end(ap);
}

void db_prefetch_send(db_conn *c)
{
    if (c->drv->prefetch_send)
        c->drv->prefetch_send(c->h);
}

void db_prefetch_drop(db_conn *c)
{
    if (c->drv->prefetch_drop)
        c->drv->prefetch_drop(c->h);
}

int db_snapshot_begin(db_conn *c)
{
    if (!c->drv->snapshot_begin || c->in_tx || c->in_snap)
        return DJ_OK;
    c->snap_gen = deps_now(); /* before its first read */
    int rc = c->drv->snapshot_begin(c->h);
    c->in_snap = rc == DJ_OK;
    return rc;
}

void db_snapshot_end(db_conn *c)
{
    if (!c || !c->in_snap)
        return;
    c->in_snap = false;
    if (c->drv->snapshot_end(c->h) != DJ_OK) /* never leave it open under a write */
        c->drv->rollback(c->h);
}

int db_begin(db_conn *c)
{
    db_snapshot_end(c);
    db_prefetch_drop(c);
    int rc = c->drv->begin(c->h);
    c->in_tx = rc == DJ_OK;
    c->tx_wrote = c->tx_all = false;
    memset(c->tx_tables, 0, sizeof c->tx_tables);
    return rc;
}

/* What the transaction wrote is seen from now on. */
static void tx_seen(db_conn *c)
{
    if (c->tx_all)
        deps_bump_all();
    for (int w = 0; w < DEPS_WORDS; w++)
        for (uint64_t b = c->tx_tables[w]; b; b &= b - 1)
            deps_bump((uint16_t)(w * 64 + __builtin_ctzll(b)));
}

int db_commit(db_conn *c)
{
    int64_t mine = -1;
    if (c->tx_wrote && c->drv->announce_in_tx)
        mine = seq_value(c, &c->announce_h, c->drv->announce_sql);
    int rc = c->drv->commit(c->h);
    if (rc == DJ_EBUSY)
        busy_seen = true;
    if (c->tx_wrote) {
        tx_seen(c);
        if (rc == DJ_OK && c->drv->announce_in_tx)
            own_record(mine);
        else if (rc == DJ_OK)
            announce(c);
    }
    c->in_tx = c->tx_wrote = c->tx_all = false;
    return rc;
}

bool db_retry_wait(int attempt)
{
    /* On PostgreSQL a SERIALIZABLE transaction that loses a race for a member's
     * chain head is refused at once (40001), and with several servers on one
     * database many may race: up to ten tries, 2, 4, 8 … 64 ms apart plus as
     * much again at random, so the losers do not collide again (≈ 0.8 s at most). */
    if (attempt >= 9)
        return false;
    long ms = 2L << (attempt < 5 ? attempt : 5);
    struct timespec ts = {0, ms * 1000000L + (long)randombytes_uniform((uint32_t)(ms * 1000000L))};
    nanosleep(&ts, NULL);
    return true;
}

int db_rollback(db_conn *c)
{
    c->in_tx = c->tx_wrote = c->tx_all = false;
    return c->drv->rollback(c->h);
}
bool db_in_tx(db_conn *c) { return c->in_tx; }
int db_exec_script(db_conn *c, const char *script)
{
    db_snapshot_end(c);
    int rc = c->drv->exec(c->h, script);
    deps_bump_all();
    if (c->in_tx)
        c->tx_wrote = c->tx_all = true;
    else
        announce(c);
    return rc;
}

int db_exec_quiet(db_conn *c, const char *script)
{
    db_snapshot_end(c);
    return c->drv->exec(c->h, script);
}

int db_lock(db_conn *c, const char *name) { return c->drv->lock(c->h, name, true, NULL); }
int db_trylock(db_conn *c, const char *name, bool *got) { return c->drv->lock(c->h, name, false, got); }
int db_unlock(db_conn *c, const char *name) { return c->drv->unlock(c->h, name); }

int db_bindv(db_stmt *s, const char *types, va_list ap)
{
    int rc = DJ_OK;
    for (int i = 0; types && types[i]; i++) {
        int idx = i + 1;
        switch (types[i]) {
        case 'i':
            rc = db_bind_i64(s, idx, va_arg(ap, int64_t));
            break;
        case 'I': {
            int64_t v = va_arg(ap, int64_t);
            rc = v ? db_bind_i64(s, idx, v) : db_bind_null(s, idx);
            break;
        }
        case 'b':
            rc = db_bind_i64(s, idx, va_arg(ap, int) ? 1 : 0);
            break;
        case 'd':
            rc = db_bind_double(s, idx, va_arg(ap, double));
            break;
        case 't':
            rc = db_bind_text(s, idx, va_arg(ap, const char *));
            break;
        case 'j': {
            json_t *j = va_arg(ap, json_t *);
            if (!j || json_is_null(j)) {
                rc = db_bind_null(s, idx);
            } else {
                char *txt = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
                rc = db_bind_text(s, idx, txt);
                free(txt);
            }
            break;
        }
        default:
            fprintf(stderr, "dangjian: bad bind type '%c' for %s\n", types[i], s->sql);
            return DJ_EINTERNAL;
        }
        if (rc != DJ_OK)
            return rc;
    }
    return rc;
}

int db_bind(db_stmt *s, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    int rc = db_bindv(s, types, ap);
    va_end(ap);
    return rc;
}
