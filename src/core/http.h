/* http.h - the request/response API every handler uses.
 *
 * The server (http.c) runs libmicrohttpd with a thread pool on epoll.  For
 * each request it makes a dj_req with its own arena and, from the headers
 * alone, before a byte of the body is read: finds the route, loads the
 * session, checks the route's permission and the CSRF header, and refuses a
 * body larger than the caller may send (anonymous callers: what signing in
 * needs).  Then it reads the body (spilling a large one to a temporary file,
 * or handing it chunk by chunk to a streaming route) and calls the handler.
 * A handler parses and checks input, calls its subject's rules, and answers
 * with dj_reply_json(); or it returns an error code, after dj_fail() has said
 * what went wrong and in which field. */
#ifndef DJ_HTTP_H
#define DJ_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "json.h"
#include "mem.h"

typedef struct dj_req dj_req;
struct dj_cleanup;
typedef int (*dj_handler)(dj_req *r);
/*
 * A streaming route's body consumer.  Called once with data == NULL when the
 * headers are in and the caller has passed the route's checks: it may set
 * r->body_limit, answer at once (set the answer and return
 * DJ_STREAM_ANSWERED: the body is not read) or refuse (return an error: the
 * body is not read).  Then it is called with each piece of the body as it
 * arrives; an error there is answered after the rest of the body has been
 * read and dropped.  Finally the route's handler runs (r->body is NULL) and
 * answers.  State lives in r->stream_state; release it with dj_on_done(),
 * which also runs when the client goes away in the middle.
 */
typedef int (*dj_stream)(dj_req *r, const char *data, size_t len);
#define DJ_STREAM_ANSWERED 1

#define DJ_ROUTE_PUBLIC 1u   /* no session needed */
#define DJ_ROUTE_NO_CSRF 2u  /* unsafe method without X-CSRF-Token (sign-in only) */
#define DJ_ROUTE_ANY_BODY 4u /* body need not be JSON (CSV import, ...) */
#define DJ_ROUTE_ALLOW_PWCHANGE 8u /* reachable while the password must be changed */
#define DJ_ROUTE_SNAPSHOT 16u /* reads only: its statements in one read transaction (db_snapshot_begin()) */

/* One line of a subject's route table; tables end with {0}. */
struct dj_route {
    const char *method;  /* "GET", "POST", "PATCH", "PUT", "DELETE" */
    const char *pattern; /* "/api/v1/orgs/:id" */
    dj_handler handler;
    const char *perm;    /* permission the caller needs on some organisation; NULL: any signed-in user */
    unsigned flags;
    size_t max_body;     /* 0: 1 MiB; anonymous callers never more than DJ_ANON_MAX_BODY */
    dj_stream stream;    /* NULL: the body is read whole before the handler runs */
};

/* The most an anonymous caller may send (a sign-in is a few hundred bytes). */
#define DJ_ANON_MAX_BODY (16u * 1024u)

/* A role granted on an organisation node; reaches that node's subtree. */
struct dj_grant {
    const char *role;
    int64_t org_id;
    const char *org_path; /* materialised path "/1/4/" */
    const char *org_name;
};

/* The signed-in user of a request; lives in the request arena. */
struct dj_user {
    int64_t id;
    const char *login;
    const char *name;
    int64_t person_id; /* 0 when the account is not a person in the roster */
    bool must_change_password;
    const char *csrf;
    const char *token_hash;
    struct dj_grant *grants;
    int ngrants;
};

struct dj_req {
    dj_arena *arena;
    const char *method;
    const char *path;      /* without the query string */
    const char *ip;
    const struct dj_route *route;
    const char *param_names[8];
    const char *param_values[8];
    int nparams;
    const char *body;      /* NUL-terminated; body_len bytes (NULL on streaming routes) */
    size_t body_len;
    int64_t content_length; /* from the header; -1 when the client did not say */
    uint64_t body_limit;   /* the most this request may send (a streaming route may change it) */
    void *stream_state;    /* a streaming route's own */
    struct dj_user *user;  /* NULL when anonymous */
    void *conn;            /* struct MHD_Connection * */

    /* the answer */
    int status;
    json_t *out;           /* owned; rendered as JSON */
    const char *raw;       /* or raw bytes (arena or static), raw_len long */
    size_t raw_len;
    void *raw_heap;        /* raw bytes the server must free() after sending */
    dj_blob *raw_blob;     /* or shared bytes (a kept answer): a reference, given back once sent */
    const char *ctype;
    void *resp;            /* a prepared answer (dj_reply_fd, dj_reply_stream) */
    const char *hdr_names[12];
    const char *hdr_values[12];
    int nhdrs;
    /* the error, when the handler returns one */
    const char *err_field;
    const char *err_code;
    const char *err_message;

    /* run when the request ends, however it ends (see dj_on_done) */
    struct dj_cleanup *cleanups;
    /* deferred work (see dj_defer) */
    dj_handler cont;
    void (*work)(void *arg);
    void *work_arg;
    int deferred_state;
    bool dropped;          /* the pool dropped the work for more urgent work: cont() answers without it */
};

/* --- reading the request --- */
const char *dj_param(dj_req *r, const char *name);
/* A positive integer route parameter; 404 when it is not one. */
int dj_param_id(dj_req *r, const char *name, int64_t *out);
/* A query-string argument, or NULL. */
const char *dj_query(dj_req *r, const char *name);
/* An integer query argument in [min, max]; def when absent; 400 naming it when bad. */
int dj_query_int(dj_req *r, const char *name, int64_t def, int64_t min, int64_t max, int64_t *out);
const char *dj_header(dj_req *r, const char *name);
/* Parses the body as a JSON object (duplicate keys refused) and validates it
 * against spec. On success *out is a new reference the caller must release
 * (json_decref). On failure the error is set and returned. */
int dj_body_json(dj_req *r, const struct dj_jfield *spec, json_t **out);
db_conn *dj_db(dj_req *r);
/* The connection for reads that may lag a little behind the writes (serve
 * --db-read: a streaming replica), for pages such as the dashboard and the
 * rankings; the main database when there is none. Never for what the caller
 * has just written, nor for permission checks. */
db_conn *dj_db_read(dj_req *r);

/* --- answering --- */
/* Takes the reference to body. */
int dj_reply_json(dj_req *r, int status, json_t *body);
int dj_reply_empty(dj_req *r, int status);
/* Bytes the request arena (or static storage) owns. */
int dj_reply_raw(dj_req *r, int status, const char *ctype, const char *data, size_t len);
/* Bytes on the heap; the server frees them after sending. */
int dj_reply_heap(dj_req *r, int status, const char *ctype, void *data, size_t len);
/* Replies with shared bytes (mem.h), taking the reference: sent without a copy. */
int dj_reply_blob(dj_req *r, int status, const char *ctype, dj_blob *blob);
/* The JSON text written into b, taken (b is left empty). */
int dj_reply_buf(dj_req *r, int status, dj_buf *b);
/* len bytes of fd from offset; the server closes fd when done (on every path). */
int dj_reply_fd(dj_req *r, int status, const char *ctype, int fd, uint64_t offset, uint64_t len);
/* len bytes produced by read(arg, pos, buf, max) as the client takes them
 * (it returns the bytes written, at most max, or -1 to abort); free_arg(arg)
 * runs when the answer is done or abandoned. */
int dj_reply_stream(dj_req *r, int status, const char *ctype, uint64_t len,
                    long (*read)(void *arg, uint64_t pos, char *buf, size_t max), void *arg,
                    void (*free_arg)(void *arg));
/* Adds a header to the answer (a copy of value).  A handler that sets
 * Cache-Control replaces the API's default "no-store". */
void dj_add_header(dj_req *r, const char *name, const char *value);
/* Records why the request failed and returns err: "return dj_fail(r, DJ_EINVAL, "name", "姓名不能为空");" */
int dj_fail(dj_req *r, int err, const char *field, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Same, with an explicit machine-readable code. */
int dj_fail_code(dj_req *r, int err, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* --- lists: {"items":[…],"total":N,"next":cursor|null} --- */
struct dj_page {
    int64_t limit;  /* 1..500, default 50 */
    int64_t offset; /* decoded from the opaque cursor, 0..DJ_PAGE_MAX_OFFSET */
};
#define DJ_PAGE_MAX_OFFSET 1000000000LL
int dj_page_parse(dj_req *r, struct dj_page *p);
/* Builds the list answer; takes the reference to items. */
json_t *dj_page_result(const struct dj_page *p, json_t *items, int64_t total);

/*
 * Runs work(arg) on the worker pool (for CPU-heavy jobs such as password
 * hashing), then cont(r) back on the request's thread, which answers.  The
 * connection is suspended meanwhile, so the request thread serves others.
 * Returns DJ_DEFERRED (return it from the handler), or DJ_EBUSY when the
 * pool's queue is full.
 */
int dj_defer(dj_req *r, void (*work)(void *), void *arg, dj_handler cont);
/* The same with a priority (pool.h: lower runs sooner).  When a more urgent
 * job pushes this one out of the full queue, work never runs: r->dropped is
 * set and cont(r) answers (a cheap refusal). */
int dj_defer_prio(dj_req *r, void (*work)(void *), void *arg, dj_handler cont, unsigned prio);

/*
 * Suspends the request until another thread calls dj_resume(r); cont(r) then
 * runs on a request thread and answers.  For work that waits on something
 * other than the CPU (a group commit, see batch.h): call dj_suspend() first,
 * then hand r to the other thread, and return DJ_DEFERRED.  r stays valid
 * until cont() has answered; the other thread must not touch r after
 * dj_resume().
 */
int dj_suspend(dj_req *r, dj_handler cont);
void dj_resume(dj_req *r);

/* Calls fn(arg) when the request ends, whether it was answered, failed or the
 * client went away, in the reverse order of registration.  For heap memory a
 * handler must not lose on any path, deferred work above all. */
void dj_on_done(dj_req *r, void (*fn)(void *), void *arg);

/* --- the server --- */
struct dj_server_opts {
    const char *listen;      /* "127.0.0.1:8080" */
    const char *web_dir;     /* built web app; NULL or missing: API only */
    const char *public_url;  /* https://… makes cookies Secure */
    unsigned threads;        /* 0: one per core */
    bool quiet;              /* no per-request log line */
    unsigned request_timeout; /* s from a request's headers to the end of its body (0: 30); signed-in
                                 uploads get one more second per min_upload_rate bytes */
    unsigned idle_timeout;   /* s a connection may stay silent (0: 60) */
    unsigned max_conns;      /* connections at once (0: 4096); one address takes at most a
                                quarter of the free slots, never fewer than conns_floor */
    unsigned conns_floor;    /* (0: 16) */
    unsigned min_upload_rate; /* bytes/s (0: 32 KiB/s) */
};

/* Registers a route table (ending with {0}); call before dj_serve(). */
void dj_routes_add(const struct dj_route *table);
/* Serves until SIGTERM or SIGINT, then finishes the requests in flight. */
int dj_serve(const struct dj_server_opts *o);
/* True when cookies must carry Secure (public URL is https). */
bool dj_cookie_secure(void);

#endif
