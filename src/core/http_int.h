/* http_int.h - what the parts of the HTTP server share and nothing else
 * needs: the connection guard (http_guard.c) and the request body spool
 * (http_body.c).  Handlers use http.h. */
#ifndef DJ_HTTP_INT_H
#define DJ_HTTP_INT_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mem.h"

/* ---------- the connection guard (http_guard.c) ---------- */

struct dj_guard_limits {
    unsigned max_conns;      /* connections at once, every address together */
    unsigned per_addr_floor; /* an address may always hold this many */
    int64_t header_ms;       /* from a connection's start (or its last answer) to a request's headers */
    int64_t request_ms;      /* from the headers to the end of the body */
    uint64_t min_rate;       /* bytes per second a signed-in upload may not fall below */
};

struct dj_guard;

void dj_guard_start(const struct dj_guard_limits *l);
void dj_guard_stop(void);
const struct dj_guard_limits *dj_guard_limits(void);
int64_t dj_guard_now_ms(void);
/* The slots one address may hold while in_use of max_conns are taken: a
 * quarter of the free ones, never fewer than floor.  So one address never
 * takes the last slots, however many it opens. */
unsigned dj_guard_share(unsigned max_conns, unsigned in_use, unsigned floor_per_addr);
enum MHD_Result dj_guard_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen);
void dj_guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                     enum MHD_ConnectionNotificationCode toe);
struct dj_guard *dj_guard_of(struct MHD_Connection *conn);
/* INT64_MAX: no deadline (the request is being answered). */
void dj_guard_deadline(struct dj_guard *g, int64_t deadline_ms);

/* ---------- answers (http_reply.c) ---------- */

struct dj_req;
/* Destroys an answer a handler prepared (dj_reply_fd, dj_reply_stream) and did not send. */
void dj_reply_drop(struct dj_req *r);

/* ---------- request bodies (http_body.c) ---------- */

/* Bodies past this many bytes go to an anonymous temporary file instead of
 * the heap, so a large import costs page cache, not the server's memory. */
#define DJ_SPOOL_AT (256u * 1024u)

struct dj_body {
    dj_buf mem;
    int fd;        /* -1 until the body spilled to a file */
    uint64_t len;
    void *map;     /* the file mapped for the handler */
    size_t maplen;
};

void dj_body_init(struct dj_body *b);
/* DJ_OK, or DJ_EINTERNAL when the spool file cannot be written. */
int dj_body_add(struct dj_body *b, const char *p, size_t n);
/* The whole body, NUL-terminated, valid until dj_body_free(); NULL when a
 * spilled body cannot be mapped. */
const char *dj_body_view(struct dj_body *b, size_t *len);
void dj_body_free(struct dj_body *b);

#endif
