/* db.h - one database API over a table of driver functions.
 *
 * SQL is written once, with PostgreSQL's $1 placeholders; the SQLite driver
 * binds them by name, so the same statement runs on both engines.  Each
 * thread has its own connection (db_thread()), with a cache of prepared
 * statements keyed by the SQL text's address: pass string literals (or other
 * strings that live as long as the process) to db_prep(); build dynamic SQL
 * with db_prep_dynamic(), which is not cached. */
#ifndef DJ_DB_H
#define DJ_DB_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "mem.h"

enum db_step {
    DB_ROW = 1,
    DB_DONE = 2,
};

enum db_type { DB_T_NULL, DB_T_INT, DB_T_REAL, DB_T_TEXT };

/* The functions one engine provides. Return codes are dj_err codes. */
struct db_driver {
    const char *name;
    int (*open)(const char *url, void **conn, char **errmsg);
    void (*close)(void *conn);
    int (*exec)(void *conn, const char *script); /* several statements, no result */
    int (*prepare)(void *conn, const char *sql, void **stmt);
    int (*bind_i64)(void *stmt, int idx, int64_t v);
    int (*bind_double)(void *stmt, int idx, double v);
    int (*bind_text)(void *stmt, int idx, const char *s);
    int (*bind_null)(void *stmt, int idx);
    int (*bind_blob)(void *stmt, int idx, const void *p, size_t n); /* copies the bytes */
    int (*step)(void *stmt); /* DB_ROW, DB_DONE or an error */
    int (*ncols)(void *stmt);
    const char *(*col_name)(void *stmt, int col);
    enum db_type (*col_type)(void *stmt, int col);
    int64_t (*col_i64)(void *stmt, int col);
    double (*col_double)(void *stmt, int col);
    const char *(*col_text)(void *stmt, int col);
    /* bytes of a BLOB/BYTEA column, valid until the next step or reset; NULL for SQL NULL */
    const void *(*col_blob)(void *stmt, int col, size_t *n);
    void (*reset)(void *stmt);
    void (*finalize)(void *stmt);
    int (*begin)(void *conn);
    int (*commit)(void *conn);
    int (*rollback)(void *conn);
    /* A read transaction around a request's several reads (db_snapshot_begin()),
     * or NULL where it saves nothing (PostgreSQL: two more round trips) */
    int (*snapshot_begin)(void *conn);
    int (*snapshot_end)(void *conn);
    const char *(*errmsg)(void *conn);
    /* false once the server has gone (PostgreSQL after a failover); the
     * thread's connection is then opened again */
    bool (*alive)(void *conn);
    /* A lock named `name` held by this connection's session across every
     * process on the database (PostgreSQL: an advisory lock on
     * hashtextextended(name, 0)); SQLite grants it at once (one process owns
     * the file).  wait: block until it is free; else *got says. */
    int (*lock)(void *conn, const char *name, bool wait, bool *got);
    int (*unlock)(void *conn, const char *name);
    /* The database's write sequence (migration 0120): a query of its last
     * number, and a statement that takes the next one, run by every write
     * commit inside its transaction (announce_in_tx) or just after it: see
     * db_notice_writes(). */
    const char *seq_sql, *announce_sql;
    bool announce_in_tx;
    /* Prefetch (see db_prefetch()), or NULL where a statement costs no round trip
     * (SQLite): prefetch_add queues a bound statement with its parameters,
     * prefetch_send sends the queue at once and keeps each result on its
     * statement, for the step with the same parameters; prefetch_drop drops
     * what no step took. */
    void (*prefetch_add)(void *conn, void *stmt);
    void (*prefetch_send)(void *conn);
    void (*prefetch_drop)(void *conn);
};

extern const struct db_driver db_sqlite_driver;
extern const struct db_driver db_pg_driver;

typedef struct db_conn db_conn;
typedef struct db_stmt db_stmt;

/* Sets the database every thread connects to ("file.db" or a postgres:// URL).
 * Call once before any db_thread(). */
int db_configure(const char *url);
/* The calling thread's connection, opened on first use, closed when the
 * thread exits (or by db_thread_close()). NULL when it cannot be opened. */
db_conn *db_thread(void);
void db_thread_close(void);
/* A second database for reads that may lag a little (a streaming replica:
 * dashboards, reports, rankings); NULL or unset: the main one. Call after
 * db_configure(). */
int db_configure_read(const char *url);
/* The calling thread's connection to the read database (the main one when
 * none is configured, or when the replica cannot be reached). Never use it
 * for what the caller has just written. */
db_conn *db_thread_read(void);
/* Opens a connection that the caller owns (for CLI commands and tests). */
db_conn *db_open(const char *url, char **errmsg);
void db_close(db_conn *c);
const char *db_errmsg(db_conn *c);
const struct db_driver *db_driver_of(db_conn *c);

/* A clock raised by every write through this process, per table written:
 * after each write statement's step (inside a transaction too) and after each
 * commit (src/core/db_deps.h says which tables; src/core/readcache.h uses it). */
uint64_t db_write_gen(void);
/* The generation what c reads now is as new as: db_write_gen(), or in a
 * snapshot (db_snapshot_begin()) the generation before it began. */
uint64_t db_read_gen(db_conn *c);
/* Raises every table's generation when c sees that another process (the
 * command line, another server) has committed a write since this process
 * last looked: one cheap query of the database's write sequence.  A look that
 * comes back below a number already seen (another thread's later look
 * answered first, or c is in an older snapshot) is old, and changes nothing. */
void db_notice_writes(db_conn *c);

/* Whether a statement of this thread has found the database busy (a
 * serialization failure, a deadlock, the server going away) since the last
 * db_busy_clear(). A caller that says only "the statement failed" (db_prep's
 * NULL, DJ_EDB) meant "busy" then: the request answers 503, try again. */
void db_busy_clear(void);
bool db_busy_seen(void);
/* Why this thread's last db_prep() or db_prep_dynamic() answered NULL: DJ_EBUSY
 * (a transaction already failed by a serialization failure, the server gone)
 * or DJ_EDB. */
int db_prep_error(void);

/* A prepared statement from the connection's cache. */
db_stmt *db_prep(db_conn *c, const char *sql);
/* A prepared statement for SQL built at run time, kept by the connection by
 * its text (a copy) while it is among the 64 most recently used; db_done()
 * gives it back (or finalizes one that could not be kept). */
db_stmt *db_prep_dynamic(db_conn *c, const char *sql);
/* Appends to b a multi-row INSERT: head (e.g. "INSERT INTO t (a, b)"), then
 * " VALUES ($1, $2), ($3, $4), …" for nrows rows of ncols parameters each, to
 * prepare with db_prep_dynamic(): one statement for many rows where each row
 * would be a round trip of its own on PostgreSQL.  Row r's column k (from 0)
 * is parameter r * ncols + k + 1. */
#define DB_VALUES_ROWS 32 /* rows a statement at most (parameters stay well within both engines' limits) */
void db_values_sql(dj_buf *b, const char *head, int ncols, int nrows);
/* Binds $idx (1-based). A NULL text binds SQL NULL. */
int db_bind_i64(db_stmt *s, int idx, int64_t v);
int db_bind_double(db_stmt *s, int idx, double v);
int db_bind_text(db_stmt *s, int idx, const char *v);
int db_bind_null(db_stmt *s, int idx);
/* Binds bytes (a BLOB on SQLite, a BYTEA on PostgreSQL); they are copied. */
int db_bind_blob(db_stmt *s, int idx, const void *p, size_t n);
/* DB_ROW, DB_DONE or a negative dj_err code. */
int db_step(db_stmt *s);
int db_ncols(db_stmt *s);
const char *db_col_name(db_stmt *s, int col);
enum db_type db_col_type(db_stmt *s, int col);
int64_t db_col_i64(db_stmt *s, int col);
double db_col_double(db_stmt *s, int col);
/* Valid until the next step/done on the statement; NULL for SQL NULL. */
const char *db_col_text(db_stmt *s, int col);
bool db_col_null(db_stmt *s, int col);
/* Bytes of a BLOB/BYTEA column; valid until the next step/done on the
 * statement; NULL (and *n = 0) for SQL NULL. */
const void *db_col_blob(db_stmt *s, int col, size_t *n);
/* Resets a cached statement (or finalizes a dynamic one). */
void db_done(db_stmt *s);

/* Prefetch: the reads of a request whose parameters are known before any of them
 * runs (a member's to-dos: a dozen statements, each on the person's id) are
 * queued with db_prefetch() (db_prep's SQL) or db_prefetch_dynamic() (built SQL)
 * and sent together by db_prefetch_send(): on PostgreSQL one pipeline, one round
 * trip instead of one each. The code that reads them is unchanged: its step of
 * the same SQL with the same parameters takes the kept result. db_prefetch_drop()
 * drops the results no step took; a write, db_begin() and the next send drop them
 * too, so a kept result never outlives the reads it was sent for. On SQLite all
 * four do nothing. */
void db_prefetch(db_conn *c, const char *sql, const char *types, ...);
void db_prefetch_dynamic(db_conn *c, const char *sql, const char *types, ...);
void db_prefetch_send(db_conn *c);
void db_prefetch_drop(db_conn *c);

/* Transactions. db_begin() takes the write lock at once (BEGIN IMMEDIATE on
 * SQLite), so a read-then-write transaction cannot lose an update. */
int db_begin(db_conn *c);
int db_commit(db_conn *c);
int db_rollback(db_conn *c);
/* For a write transaction that the database refused with DJ_EBUSY (on PostgreSQL,
 * SERIALIZABLE: two awards for one member both update the member's chain head, two
 * sign-ins both count the same address, and the later one fails): waits a little
 * longer each time and returns true to run the whole transaction again, or false
 * after the tenth attempt. */
bool db_retry_wait(int attempt);
/* Whether c is between db_begin() and db_commit()/db_rollback(). */
bool db_in_tx(db_conn *c);
/* One read transaction around the many reads of a request that only reads
 * (a route marked DJ_ROUTE_SNAPSHOT: the to-do list, 我的积分): on SQLite every statement would otherwise
 * begin and end its own, taking the WAL's locks each time (a third of the
 * to-dos' time).  The reads see one snapshot.  A write on c, db_begin() or a
 * script ends it first, so writes are as without it; so does the end of the
 * request (http.c), whatever the handler did.  Nothing on PostgreSQL. */
int db_snapshot_begin(db_conn *c);
void db_snapshot_end(db_conn *c);
/* The same for the calling thread's connection, if it has one (the end of a request). */
void db_thread_snapshot_end(void);
int db_exec_script(db_conn *c, const char *script);
/* The same for a script that changes no data (a checkpoint, a setting): no
 * cached answer ends. */
int db_exec_quiet(db_conn *c, const char *script);

/*
 * Locks that hold across every server on one database, named by a string
 * ("dangjian:migrate", "dangjian:batch:checkin"): a PostgreSQL advisory lock
 * (pg_advisory_lock(hashtextextended(name, 0)), visible in pg_locks), held by
 * the connection's session until db_unlock() or until the connection ends (a
 * server that dies releases its locks).  On SQLite always granted at once.
 * db_lock() waits; db_trylock() sets *got.  For work that must run once per
 * cluster (migrations, background jobs).
 */
int db_lock(db_conn *c, const char *name);
int db_trylock(db_conn *c, const char *name, bool *got);
int db_unlock(db_conn *c, const char *name);

/*
 * Convenience calls taking their parameters as varargs described by `types`,
 * one letter per $N in order:
 *   'i' int64_t   'I' int64_t, where 0 means SQL NULL (optional ids)
 *   'd' double    't' const char * (NULL binds SQL NULL)
 *   'b' int used as a boolean (bound as 0/1)
 *   'j' json_t * bound as its compact JSON text (NULL binds SQL NULL)
 */
/* Runs a statement that returns no rows; *changes (if not NULL) gets 1 when
 * it touched a row... (row count is not portable; use RETURNING when needed). */
int db_exec(db_conn *c, const char *sql, const char *types, ...);
int db_execv(db_conn *c, const char *sql, const char *types, va_list ap);
/* Binds a statement without stepping it; for loops over rows. */
int db_bindv(db_stmt *s, const char *types, va_list ap);
int db_bind(db_stmt *s, const char *types, ...);
/* First column of the first row as an integer. DJ_ENOTFOUND when no row. */
int db_query_i64(db_conn *c, int64_t *out, const char *sql, const char *types, ...);
/* First column of the first row as a heap string (caller frees); DJ_ENOTFOUND when none. */
int db_query_text(db_conn *c, char **out, const char *sql, const char *types, ...);
/*
 * Rows as a JSON array of objects keyed by column name.  A column named
 * "x__json" holds JSON text and becomes key "x" with the parsed value; "x__bool"
 * becomes a boolean.  NULL on a database error (*err gets the code when err
 * is not NULL).
 */
json_t *db_query_rows(db_conn *c, int *err, const char *sql, const char *types, ...);
/* The first row as an object; NULL when there is none (*err = DJ_ENOTFOUND) or on error. */
json_t *db_query_row(db_conn *c, int *err, const char *sql, const char *types, ...);
/* The current row of s as an object, with the same column-name conventions. */
json_t *db_row_json(db_stmt *s);
/* The current row of s written straight into b as the members of a JSON object
 * ("key":value pairs, no braces), with the same column-name conventions as
 * db_row_json() and the same text dj_json_render() gives: a page of a long list
 * is written without a tree of objects.  each (may be NULL) is asked for each
 * column (col >= 0) what to do: DB_COL_RENDER, DB_COL_SKIP, or DB_COL_WRITTEN,
 * after which it is called again with col = -1 - col to write the value itself.
 * Returns how many members were written. */
enum { DB_COL_RENDER, DB_COL_SKIP, DB_COL_WRITTEN };
int db_row_render(db_stmt *s, dj_buf *b, int (*each)(void *arg, dj_buf *b, int col, const char *name), void *arg);
/* Same as db_query_rows for SQL built at run time (not cached). */
json_t *db_query_rows_dynamic(db_conn *c, int *err, const char *sql, const char *types, ...);

#endif
