/* readcache.h - answers that are the same for everyone allowed to read them
 * (an agency's dashboard, a subtree's dues arrears), kept by this process for
 * at most a second and only while none of the tables they were read from has
 * been written since they were computed: an answer keeps the tables of every
 * query its request prepared (src/core/db_deps.h), so a point awarded leaves
 * the roster's count kept while a person added ends it.  A write by another
 * process (the command line, another server on PostgreSQL) ends every answer
 * (db_notice_writes(), the database's write sequence).
 *
 * A shared answer never holds anything that depends on who asks: check the
 * caller's permission first, and key the entry by what the answer depends on
 * (the subtree's path, the day), never by the user.  An answer made for one
 * user alone (their to-dos, their points) goes in a table of its own, keyed by
 * the user and their grants (dj_reply_user_kept()). */
#ifndef DJ_READCACHE_H
#define DJ_READCACHE_H

#include <jansson.h>
#include <stdint.h>

#include "db.h"
#include "http.h"
#include "mem.h"

#define DJ_RCACHE_TTL_MS 1000

/* A deep copy of the value kept under key, or NULL.  Looks first (on c) for
 * data committed elsewhere, and sets *gen to the write generation a value
 * computed from now on is valid for: pass it to dj_rcache_put(). */
json_t *dj_rcache_get(db_conn *c, const char *key, uint64_t *gen);
/* Keeps a deep copy of v under key, computed from data read after
 * dj_rcache_get() gave gen, with the tables the thread has read since its
 * request began (if none of them has been written meanwhile). */
void dj_rcache_put(const char *key, const json_t *v, uint64_t gen);
/* The same, kept up to ttl ms (0: DJ_RCACHE_TTL_MS) while its tables are not
 * written: for an answer whose computing costs far more than a second's reads
 * (the count of a large roster).  Only a writer that bypasses the server and
 * the write sequence (raw SQL) leaves it old, for at most ttl. */
void dj_rcache_put_for(const char *key, const json_t *v, uint64_t gen, int64_t ttl);
/* Writes an answer that was not kept: appends it to out and may set *aux (a
 * number kept beside it, such as a page's rows); DJ_OK or an error. */
typedef int (*dj_rcache_build)(void *arg, dj_buf *out, int64_t *aux);
/* The answer kept under key appended to out (one copy), with the *aux kept
 * beside it (aux may be NULL); else build(arg, out, aux) writes it, and it is
 * kept up to ttl ms (0: DJ_RCACHE_TTL_MS) while the tables it was read from
 * are not written.  build's error is returned, and nothing kept. */
int dj_rcache_text(db_conn *c, const char *key, int64_t ttl, dj_rcache_build build, void *arg, dj_buf *out,
                   int64_t *aux);
/* The same answer as shared bytes (mem.h): a reference to the kept text itself,
 * for a large answer sent as it is (dj_reply_blob: no copy per reply); *out
 * is NULL on an error. */
int dj_rcache_blob(db_conn *c, const char *key, int64_t ttl, dj_rcache_build build, void *arg, dj_blob **out,
                   int64_t *aux);
/* Writes the answer kept under key, which names all it depends on (it may be
 * made after its request has gone), from what c reads; DJ_OK or an error. */
typedef int (*dj_rcache_make)(db_conn *c, const char *key, dj_buf *out);
/* The same for an answer that may lag (the dashboard, which a replica may
 * serve), made by make(c, key, out), for answers that take long to make.  Once its
 * time is up (and none of its tables written) it is served as it was, for up to
 * lag ms, while a worker of the pool makes it again.  Once a table it was read
 * from is written, the first request to find it so makes it again itself, and
 * the requests arriving meanwhile get it as it was (for up to lag ms) instead
 * of each computing it too; if another write lands while it is being made (or
 * while a worker makes it), that one will be old as well, and the next request
 * makes its own. */
int dj_rcache_text_lagging(db_conn *c, const char *key, int64_t ttl, int64_t lag, dj_rcache_make make, dj_buf *out);
/* How long an answer made for one user (their to-dos, their points) is kept
 * while none of its tables is written: what it shows otherwise moves by the
 * day (the key carries the day), or by the minute at most (an activity that
 * has just ended). */
#define DJ_RCACHE_USER_TTL_MS 30000
/* dj_rcache_text() for an answer made for one user: key names the user, what
 * they may see and the day (auth_user_key()), and the answer is kept apart
 * from the shared ones, in a table a crowd of users may fill without pushing
 * the shared pages out. */
int dj_rcache_user_text(db_conn *c, const char *key, int64_t ttl, dj_rcache_build build, void *arg, dj_buf *out);
/* Makes the answer for the signed-in user of r: a JSON value, or NULL with
 * *rc (the request's error may be set, dj_fail). */
typedef json_t *(*dj_rcache_user_make)(dj_req *r, void *arg, int *rc);
/* Answers r (200) with make(r, arg)'s value for the signed-in user, kept by
 * dj_rcache_user_text() under auth_user_key(r, what) (what names the answer
 * and its arguments) up to ttl ms; make's error is returned, nothing kept. */
int dj_reply_user_kept(dj_req *r, const char *what, int64_t ttl, dj_rcache_user_make make, void *arg);
/* The same for an answer that is the same for every caller allowed to read it
 * (check the permission first): kept in the shared table under key, which
 * names all the answer depends on (never the user). */
int dj_reply_kept(dj_req *r, const char *key, int64_t ttl, dj_rcache_user_make make, void *arg);
/* The same for a number that depends on one user (whether their own row is in
 * their scope): kept apart from the shared answers, so that a crowd of users
 * never pushes the shared pages out; build writes nothing to out, only *aux. */
int dj_rcache_user_value(db_conn *c, const char *key, int64_t ttl, dj_rcache_build build, void *arg, int64_t *value);
/* Forgets everything (tests). */
void dj_rcache_clear(void);

#endif
