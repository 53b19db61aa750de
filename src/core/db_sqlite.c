/* db_sqlite.c - the SQLite driver: WAL, a busy timeout, BEGIN IMMEDIATE for
 * writes, mmap for reads, and $N placeholders bound by name. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "mem.h"

static int map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK: return DJ_OK;
    case SQLITE_ROW: return DB_ROW;
    case SQLITE_DONE: return DB_DONE;
    case SQLITE_CONSTRAINT: return DJ_ECONFLICT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return DJ_EBUSY;
    case SQLITE_NOMEM: return DJ_EINTERNAL;
    default: return DJ_EDB;
    }
}

static pthread_once_t sq_once = PTHREAD_ONCE_INIT;

/* Memory statistics take a global mutex on every allocation: off. */
static void sq_global_init(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_initialize();
}

static int sq_open(const char *url, void **conn, char **errmsg)
{
    pthread_once(&sq_once, sq_global_init);
    const char *path = url;
    if (strncmp(path, "sqlite://", 9) == 0)
        path += 9;
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        if (errmsg)
            *errmsg = dj_strdup(db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close(db);
        return DJ_EDB;
    }
    sqlite3_busy_timeout(db, 10000);
    sqlite3_extended_result_codes(db, 1);
    /* WAL lets readers run beside the one writer; synchronous=FULL makes a
     * commit durable when it returns (the data-must-never-be-lost rule).
     * No mmap: a connection that finds the WAL changed by another one unmaps the
     * whole file and maps it again at its next read, and faults its pages back in;
     * with 5,000 phones' heartbeats committing 19 times a second that was a third of
     * the server's CPU (bench/study: 10-11 % of a core, 7.3 % without). */
    rc = sqlite3_exec(db,
                      "PRAGMA journal_mode=WAL;"
                      "PRAGMA synchronous=FULL;"
                      "PRAGMA foreign_keys=ON;"
                      "PRAGMA mmap_size=0;"
                      "PRAGMA cache_size=-16000;"
                      "PRAGMA temp_store=MEMORY;",
                      NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        if (errmsg)
            *errmsg = dj_strdup(sqlite3_errmsg(db));
        sqlite3_close(db);
        return DJ_EDB;
    }
    *conn = db;
    return DJ_OK;
}

static void sq_close(void *conn) { sqlite3_close_v2(conn); }

static int sq_exec(void *conn, const char *script)
{
    return map_rc(sqlite3_exec(conn, script, NULL, NULL, NULL));
}

/* The text SQLite prepares: each $N placeholder written ?N, so that SQLite
 * numbers the parameter N itself and a bind needs no search by name (which is
 * linear in the statement's parameters: quadratic for a multi-row INSERT).  A
 * '$' inside a quoted string or identifier or a comment, or not followed by a
 * digit, stays.
 * NULL when there is nothing to change (prepare sql as it is). */
static char *numbered(const char *sql)
{
    char *out = NULL;
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0; /* a doubled quote closes and reopens: the same */
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (p[0] == '-' && p[1] == '-') {
            while (p[1] && p[1] != '\n')
                p++;
        } else if (p[0] == '/' && p[1] == '*') {
            for (p += 2; *p && !(p[0] == '*' && p[1] == '/'); p++)
                ;
            if (!*p)
                break;
            p++;
        } else if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
            if (!out)
                out = dj_strdup(sql);
            out[p - sql] = '?';
        }
    }
    return out;
}

static int sq_prepare(void *conn, const char *sql, void **stmt)
{
    sqlite3_stmt *st = NULL;
    char *text = numbered(sql);
    int rc = sqlite3_prepare_v3(conn, text ? text : sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    free(text);
    *stmt = st;
    return map_rc(rc);
}

/* $N was prepared as ?N: SQLite's parameter N (0 when the statement has
 * fewer: a value it does not use is not an error). */
static int sq_index(void *stmt, int idx)
{
    return idx > 0 && idx <= sqlite3_bind_parameter_count(stmt) ? idx : 0;
}

static int sq_bind_i64(void *stmt, int idx, int64_t v)
{
    int i = sq_index(stmt, idx);
    return i ? map_rc(sqlite3_bind_int64(stmt, i, v)) : DJ_OK;
}

static int sq_bind_double(void *stmt, int idx, double v)
{
    int i = sq_index(stmt, idx);
    return i ? map_rc(sqlite3_bind_double(stmt, i, v)) : DJ_OK;
}

static int sq_bind_text(void *stmt, int idx, const char *s)
{
    int i = sq_index(stmt, idx);
    return i ? map_rc(sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT)) : DJ_OK;
}

static int sq_bind_null(void *stmt, int idx)
{
    int i = sq_index(stmt, idx);
    return i ? map_rc(sqlite3_bind_null(stmt, i)) : DJ_OK;
}

static int sq_bind_blob(void *stmt, int idx, const void *p, size_t n)
{
    int i = sq_index(stmt, idx);
    return i ? map_rc(sqlite3_bind_blob64(stmt, i, n ? p : "", n, SQLITE_TRANSIENT)) : DJ_OK;
}

static int sq_step(void *stmt) { return map_rc(sqlite3_step(stmt)); }
static int sq_ncols(void *stmt) { return sqlite3_column_count(stmt); }
static const char *sq_col_name(void *stmt, int col) { return sqlite3_column_name(stmt, col); }

static enum db_type sq_col_type(void *stmt, int col)
{
    switch (sqlite3_column_type(stmt, col)) {
    case SQLITE_NULL: return DB_T_NULL;
    case SQLITE_INTEGER: return DB_T_INT;
    case SQLITE_FLOAT: return DB_T_REAL;
    default: return DB_T_TEXT;
    }
}

static int64_t sq_col_i64(void *stmt, int col) { return sqlite3_column_int64(stmt, col); }
static double sq_col_double(void *stmt, int col) { return sqlite3_column_double(stmt, col); }
static const char *sq_col_text(void *stmt, int col) { return (const char *)sqlite3_column_text(stmt, col); }

static const void *sq_col_blob(void *stmt, int col, size_t *n)
{
    const void *p = sqlite3_column_blob(stmt, col);
    *n = p ? (size_t)sqlite3_column_bytes(stmt, col) : 0;
    return p;
}

static void sq_reset(void *stmt)
{
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
}

static void sq_finalize(void *stmt) { sqlite3_finalize(stmt); }
static int sq_begin(void *conn) { return sq_exec(conn, "BEGIN IMMEDIATE"); }
static int sq_commit(void *conn) { return sq_exec(conn, "COMMIT"); }

/* BEGIN DEFERRED: the read transaction begins at the first read */
static int sq_snapshot_begin(void *conn) { return sq_exec(conn, "BEGIN"); }
static int sq_snapshot_end(void *conn) { return sqlite3_get_autocommit(conn) ? DJ_OK : sq_exec(conn, "COMMIT"); }

static int sq_rollback(void *conn)
{
    if (sqlite3_get_autocommit(conn))
        return DJ_OK; /* nothing open (SQLite may have rolled back already) */
    return sq_exec(conn, "ROLLBACK");
}

static const char *sq_errmsg(void *conn) { return sqlite3_errmsg(conn); }

static bool sq_alive(void *conn)
{
    (void)conn;
    return true;
}

/* One process owns a SQLite database (BEGIN IMMEDIATE orders the writes of
 * any other that opens the file): a cluster-wide lock is granted at once. */
static int sq_lock(void *conn, const char *name, bool wait, bool *got)
{
    (void)conn;
    (void)name;
    (void)wait;
    if (got)
        *got = true;
    return DJ_OK;
}

static int sq_unlock(void *conn, const char *name)
{
    (void)conn;
    (void)name;
    return DJ_OK;
}

const struct db_driver db_sqlite_driver = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .prepare = sq_prepare,
    .bind_i64 = sq_bind_i64,
    .bind_double = sq_bind_double,
    .bind_text = sq_bind_text,
    .bind_null = sq_bind_null,
    .bind_blob = sq_bind_blob,
    .step = sq_step,
    .ncols = sq_ncols,
    .col_name = sq_col_name,
    .col_type = sq_col_type,
    .col_i64 = sq_col_i64,
    .col_double = sq_col_double,
    .col_text = sq_col_text,
    .col_blob = sq_col_blob,
    .reset = sq_reset,
    .finalize = sq_finalize,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .snapshot_begin = sq_snapshot_begin,
    .snapshot_end = sq_snapshot_end,
    .errmsg = sq_errmsg,
    .alive = sq_alive,
    .lock = sq_lock,
    .unlock = sq_unlock,
    /* one row, updated in the writing transaction (SQLite has one writer at a
     * time anyway): the number is seen exactly when the data is */
    .seq_sql = "SELECT n FROM write_seq",
    .announce_sql = "UPDATE write_seq SET n = n + 1 RETURNING n",
    .announce_in_tx = true,
};
