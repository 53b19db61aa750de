/* http.c - the libmicrohttpd server: request life cycle, limits, dispatch,
 * error rendering, deferred work and graceful shutdown.  Everything about
 * the caller (route, session, permission, CSRF, body size) is decided from
 * the headers, before the body is read.  Static files live in static.c,
 * sessions and permissions in auth.c, request bodies in http_body.c, time
 * limits and connection shares in http_guard.c. */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "auth.h"
#include "batch.h"
#include "config.h"
#include "db_deps.h"
#include "http_int.h"
#include "err.h"
#include "pool.h"
#include "proxy.h"
#include "router.h"
#include "scope.h"
#include "static.h"

#define DEFAULT_MAX_BODY (1u << 20)
#define MAX_URL 4096
#define MAX_HEADERS 8192

enum { DEFER_NONE, DEFER_RUNNING, DEFER_DONE };

/* Per-request state; freed in on_completed(). */
struct req_state {
    dj_req r;
    struct dj_body body;
    uint64_t received;
    int early_rc;       /* decided while reading the body: the rest is dropped, then this is answered */
    bool answered;
    struct timespec t0;
    struct dj_guard *guard;
};

static atomic_int inflight;
static bool cookie_secure;
static bool log_quiet;

bool dj_cookie_secure(void)
{
    return cookie_secure;
}

/* ---------- request accessors ---------- */

const char *dj_param(dj_req *r, const char *name)
{
    for (int i = 0; i < r->nparams; i++)
        if (strcmp(r->param_names[i], name) == 0)
            return r->param_values[i];
    return NULL;
}

int dj_param_id(dj_req *r, const char *name, int64_t *out)
{
    const char *v = dj_param(r, name);
    char *end;
    if (!v || !*v || *v == '-' || *v == '+')
        return dj_fail(r, DJ_ENOTFOUND, name, "找不到编号为 %s 的记录", v ? v : "");
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (*end || errno || x <= 0)
        return dj_fail(r, DJ_ENOTFOUND, name, "找不到编号为 %.40s 的记录", v);
    *out = x;
    return DJ_OK;
}

const char *dj_query(dj_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

int dj_query_int(dj_req *r, const char *name, int64_t def, int64_t min, int64_t max, int64_t *out)
{
    const char *v = dj_query(r, name);
    if (!v || !*v) {
        *out = def;
        return DJ_OK;
    }
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (*end || errno || x < min || x > max)
        return dj_fail(r, DJ_EINVAL, name, "参数“%s”应为 %lld 到 %lld 之间的整数", name, (long long)min,
                       (long long)max);
    *out = x;
    return DJ_OK;
}

const char *dj_header(dj_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

db_conn *dj_db(dj_req *r)
{
    (void)r;
    return db_thread();
}

db_conn *dj_db_read(dj_req *r)
{
    (void)r;
    return db_thread_read();
}

int dj_body_json(dj_req *r, const struct dj_jfield *spec, json_t **out)
{
    *out = NULL;
    const char *ct = dj_header(r, "Content-Type");
    if (!ct || strncasecmp(ct, "application/json", 16) != 0)
        return dj_fail(r, DJ_EMEDIA, NULL, "请求内容类型应为 application/json");
    if (r->body_len == 0)
        return dj_fail_code(r, DJ_EINVAL, "invalid_json", NULL, "请求内容为空，应为 JSON 对象");
    json_error_t jerr;
    json_t *j = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!j) {
        if (json_error_code(&jerr) == json_error_duplicate_key)
            return dj_fail_code(r, DJ_EINVAL, "duplicate_key", NULL, "JSON 中有重复的字段，每个字段只能出现一次");
        if (json_error_code(&jerr) == json_error_invalid_utf8)
            return dj_fail_code(r, DJ_EINVAL, "invalid_utf8", NULL, "请求内容不是有效的 UTF-8 编码");
        return dj_fail_code(r, DJ_EINVAL, "invalid_json", NULL, "JSON 格式错误（第 %d 行第 %d 列）", jerr.line,
                            jerr.column);
    }
    struct dj_jerr e;
    if (dj_json_validate(j, spec, &e) != 0) {
        /* e.field may point into j (an unknown key): copy before releasing j */
        const char *field = e.field ? dj_arena_strdup(r->arena, e.field) : NULL;
        json_decref(j);
        if (strcmp(e.code, "unscoped_id") == 0) { /* the handler's table is wrong: a bug, loudly */
            fprintf(stderr, "dangjian: %s %s: %s\n", r->method, r->path, e.message);
            return dj_fail_code(r, DJ_EINTERNAL, e.code, field, "%s", e.message);
        }
        return dj_fail_code(r, DJ_EINVAL, e.code, field, "%s", e.message);
    }
    /* every id the body names, against the caller's scope (scope.h) */
    int rc = dj_scope_body(r, spec, j);
    if (rc != DJ_OK) {
        json_decref(j);
        return rc;
    }
    *out = j;
    return DJ_OK;
}

/* ---------- clean-ups ---------- */

struct dj_cleanup {
    struct dj_cleanup *next;
    void (*fn)(void *);
    void *arg;
};

void dj_on_done(dj_req *r, void (*fn)(void *), void *arg)
{
    struct dj_cleanup *c = dj_arena_alloc(r->arena, sizeof *c);
    c->fn = fn;
    c->arg = arg;
    c->next = r->cleanups;
    r->cleanups = c;
}

/* ---------- deferred work ---------- */

struct defer_job {
    struct req_state *st;
};

static void defer_run(void *arg)
{
    struct req_state *st = arg;
    st->r.work(st->r.work_arg);
    st->r.deferred_state = DEFER_DONE;
    MHD_resume_connection(st->r.conn);
}

static void defer_drop(void *arg)
{
    struct req_state *st = arg;
    st->r.dropped = true;
    st->r.deferred_state = DEFER_DONE;
    MHD_resume_connection(st->r.conn);
}

int dj_defer(dj_req *r, void (*work)(void *), void *arg, dj_handler cont)
{
    return dj_defer_prio(r, work, arg, cont, 0);
}

int dj_defer_prio(dj_req *r, void (*work)(void *), void *arg, dj_handler cont, unsigned prio)
{
    struct req_state *st = (struct req_state *)r; /* r is the first member */
    r->work = work;
    r->work_arg = arg;
    r->cont = cont;
    r->dropped = false;
    r->deferred_state = DEFER_RUNNING;
    MHD_suspend_connection(r->conn);
    if (!(prio ? dj_pool_submit_prio(defer_run, st, prio, defer_drop) : dj_pool_submit(defer_run, st))) {
        MHD_resume_connection(r->conn);
        r->deferred_state = DEFER_NONE;
        return dj_fail(r, DJ_EBUSY, NULL, "系统繁忙，排队处理的请求已满，请稍后再试");
    }
    return DJ_DEFERRED;
}

int dj_suspend(dj_req *r, dj_handler cont)
{
    r->work = NULL; /* work_arg stays: the caller may use it to find its state in cont() */
    r->cont = cont;
    r->deferred_state = DEFER_RUNNING;
    MHD_suspend_connection(r->conn);
    return DJ_DEFERRED;
}

void dj_resume(dj_req *r)
{
    r->deferred_state = DEFER_DONE;
    MHD_resume_connection(r->conn);
}

/* ---------- rendering ---------- */

/* Scripts only from our own origin (Vite's output has no inline script);
 * inline styles stay allowed for Element Plus, Vant and ECharts. */
#define CSP                                                                                                 \
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:;" \
    " font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self';"  \
    " frame-ancestors 'none'"

static void add_common_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "Content-Security-Policy", CSP);
    if (cookie_secure) /* served over https (--public-url): browsers keep to it */
        MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}

static void blob_release(void *blob)
{
    dj_blob_unref(blob);
}

static enum MHD_Result send_answer(struct req_state *st, int rc)
{
    dj_req *r = &st->r;
    struct MHD_Response *resp;
    dj_guard_deadline(st->guard, INT64_MAX);
    if (rc == DJ_EFORBIDDEN || rc == DJ_ECSRF)
        audit_refusal(r); /* every refusal is audited */
    if (rc != DJ_OK) {
        dj_reply_drop(r);
        json_decref(r->out);
        r->out = NULL;
        r->raw = NULL;
        r->status = dj_err_status(rc);
        json_t *e = json_pack("{s:s, s:s, s:s?}", "code", r->err_code ? r->err_code : dj_err_code(rc), "message",
                              r->err_message ? r->err_message : dj_err_message(rc), "field", r->err_field);
        r->out = json_pack("{s:o}", "error", e);
    }
    if (r->out) {
        size_t len;
        char *txt = dj_json_render(r->out, &len);
        resp = MHD_create_response_from_buffer(len, txt, MHD_RESPMEM_MUST_FREE);
        MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    } else if (r->resp) {
        resp = r->resp;
        r->resp = NULL;
        if (r->ctype)
            MHD_add_response_header(resp, "Content-Type", r->ctype);
    } else if (r->raw_heap) {
        resp = MHD_create_response_from_buffer(r->raw_len, r->raw_heap, MHD_RESPMEM_MUST_FREE);
        r->raw_heap = NULL;
        if (r->ctype)
            MHD_add_response_header(resp, "Content-Type", r->ctype);
    } else if (r->raw_blob) { /* the response holds the reference until it is sent */
        resp = MHD_create_response_from_buffer_with_free_callback_cls(r->raw_len, (void *)r->raw, blob_release,
                                                                      r->raw_blob);
        r->raw_blob = NULL;
        if (r->ctype)
            MHD_add_response_header(resp, "Content-Type", r->ctype);
    } else {
        resp = MHD_create_response_from_buffer(r->raw_len, (void *)(r->raw ? r->raw : ""),
                                               MHD_RESPMEM_MUST_COPY);
        if (r->ctype)
            MHD_add_response_header(resp, "Content-Type", r->ctype);
    }
    if (!r->status)
        r->status = 200;
    bool own_cache = false;
    for (int i = 0; i < r->nhdrs; i++)
        own_cache |= strcasecmp(r->hdr_names[i], "Cache-Control") == 0;
    if (strncmp(r->path, "/api/", 5) == 0 && !own_cache)
        MHD_add_response_header(resp, "Cache-Control", "no-store");
    add_common_headers(resp);
#if DJ_TEST_CLOCK
    int hits, misses; /* test builds: the read cache's hits and misses in this request */
    deps_counts(&hits, &misses);
    if (hits || misses) {
        char rc_hdr[48];
        snprintf(rc_hdr, sizeof rc_hdr, "hits=%d misses=%d", hits, misses);
        MHD_add_response_header(resp, "X-DJ-Read-Cache", rc_hdr);
    }
#endif
    for (int i = 0; i < r->nhdrs; i++)
        MHD_add_response_header(resp, r->hdr_names[i], r->hdr_values[i]);
    enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    st->answered = true;
    return ret;
}

/* ---------- the caller, from the headers ---------- */

static bool is_unsafe(const char *m)
{
    return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0;
}

static bool sends_body(dj_req *r)
{
    return r->content_length > 0 || (r->content_length < 0 && dj_header(r, "Transfer-Encoding"));
}

/* Route, session, permission, CSRF and the body's type and size: everything
 * that can refuse a request without reading its body. */
static int admit(struct req_state *st)
{
    dj_req *r = &st->r;
    r->body_limit = DJ_ANON_MAX_BODY;
    if (strncmp(r->path, "/api/", 5) != 0)
        return DJ_OK; /* static files: no session, an anonymous body at most */

    enum dj_match m = dj_router_match(r, r->method, r->path);
    if (m == DJ_MATCH_NONE)
        return dj_fail(r, DJ_ENOTFOUND, NULL, "接口不存在：%s %.200s", r->method, r->path);
    if (m == DJ_MATCH_METHOD)
        return dj_fail(r, DJ_EMETHOD, NULL, "接口 %.200s 不支持 %s 方法", r->path, r->method);
    const struct dj_route *rt = r->route;
    int rc = auth_load_session(r);
    if (rc != DJ_OK)
        return rc;
    if (!(rt->flags & DJ_ROUTE_PUBLIC)) {
        if (!r->user)
            return dj_fail_code(r, DJ_EAUTH, "unauthorized", NULL, "请先登录");
        if (is_unsafe(r->method) && !(rt->flags & DJ_ROUTE_NO_CSRF)) {
            const char *tok = dj_header(r, "X-CSRF-Token");
            if (!tok || !auth_csrf_equal(tok, r->user->csrf))
                return dj_fail(r, DJ_ECSRF, NULL, "缺少或错误的 X-CSRF-Token 请求头，请刷新页面后重试");
        }
        if (r->user->must_change_password && !(rt->flags & DJ_ROUTE_ALLOW_PWCHANGE))
            return dj_fail_code(r, DJ_EFORBIDDEN, "must_change_password", NULL, "首次登录请先修改密码");
        if (rt->perm && !auth_has_perm(r, rt->perm))
            return dj_fail(r, DJ_EFORBIDDEN, NULL, "您的角色没有此项权限");
    }
    r->body_limit = rt->max_body ? rt->max_body : DEFAULT_MAX_BODY;
    if (!r->user && r->body_limit > DJ_ANON_MAX_BODY)
        r->body_limit = DJ_ANON_MAX_BODY;
    if (is_unsafe(r->method) && sends_body(r) && !(rt->flags & DJ_ROUTE_ANY_BODY) && !rt->stream) {
        const char *ct = dj_header(r, "Content-Type");
        if (!ct || strncasecmp(ct, "application/json", 16) != 0)
            return dj_fail(r, DJ_EMEDIA, NULL, "请求内容类型应为 application/json");
    }
    if (rt->stream && r->user) {
        rc = rt->stream(r, NULL, 0);
        if (rc != DJ_OK)
            return rc;
    }
    return DJ_OK;
}

static int too_large(dj_req *r)
{
    if (r->body_limit >= 1024 * 1024)
        return dj_fail(r, DJ_ETOOLARGE, NULL, "请求内容超过 %llu MB 的上限",
                       (unsigned long long)(r->body_limit / (1024 * 1024)));
    return dj_fail(r, DJ_ETOOLARGE, NULL, "请求内容超过 %llu KB 的上限",
                   (unsigned long long)(r->body_limit / 1024));
}

/* ---------- dispatch ---------- */

static int dispatch(struct req_state *st)
{
    dj_req *r = &st->r;
    deps_reads_clear(); /* the tables the handler reads, for the read cache (the request's
                         * look at other processes' writes was made from its headers) */
    if (strncmp(r->path, "/api/", 5) != 0)
        return dj_static_serve(r);
    if (!r->route->stream) {
        r->body = dj_body_view(&st->body, &r->body_len);
        if (!r->body)
            return dj_fail(r, DJ_EINTERNAL, NULL, "无法读取请求内容");
    }
    db_busy_clear();
    if (r->route->flags & DJ_ROUTE_SNAPSHOT) {
        db_conn *c = dj_db(r);
        if (c)
            db_snapshot_begin(c);
    }
    int rc = r->route->handler(r);
    db_thread_snapshot_end(); /* whatever the handler left open (db.h) */
    if (rc == DJ_EDB && db_busy_seen()) {
        /* a statement found the database busy and its caller said only "failed" */
        r->err_code = r->err_field = r->err_message = NULL;
        rc = DJ_EBUSY;
    }
    return rc;
}

struct hdr_scan {
    size_t total;
    int content_length;
};

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    struct hdr_scan *h = cls;
    h->total += strlen(key) + (value ? strlen(value) : 0) + 4;
    if (strcasecmp(key, "Content-Length") == 0)
        h->content_length++;
    return MHD_YES;
}

static enum MHD_Result answer_now(struct req_state *st, int err, const char *fmt)
{
    dj_fail(&st->r, err, NULL, "%s", fmt);
    return send_answer(st, err);
}

static void client_ip(struct MHD_Connection *conn, char ip[INET6_ADDRSTRLEN])
{
    strcpy(ip, "?");
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        if (ci->client_addr->sa_family == AF_INET)
            inet_ntop(AF_INET, &((struct sockaddr_in *)ci->client_addr)->sin_addr, ip, INET6_ADDRSTRLEN);
        else if (ci->client_addr->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ci->client_addr)->sin6_addr, ip, INET6_ADDRSTRLEN);
    }
}

/* The first call for a request: its headers are in, its body is not read. */
static enum MHD_Result on_headers(struct MHD_Connection *conn, const char *url, const char *method,
                                  void **con_cls)
{
    struct req_state *st = dj_calloc(1, sizeof *st);
    *con_cls = st;
    atomic_fetch_add(&inflight, 1);
    clock_gettime(CLOCK_MONOTONIC, &st->t0);
    dj_body_init(&st->body);
    st->guard = dj_guard_of(conn);
    dj_req *r = &st->r;
    r->arena = dj_arena_new();
    r->conn = conn;
    r->method = dj_arena_strdup(r->arena, method);
    r->path = dj_arena_strndup(r->arena, url, strnlen(url, MAX_URL + 1));
    char ip[INET6_ADDRSTRLEN];
    client_ip(conn, ip);
    /* behind a trusted proxy (--trusted-proxy), the client it names */
    char client[INET6_ADDRSTRLEN];
    r->ip = dj_arena_strdup(r->arena, dj_proxy_client(ip, dj_header(r, "X-Forwarded-For"),
                                                      dj_header(r, "X-Real-IP"), client, sizeof client));

    struct hdr_scan qs = {strlen(url), 0};
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, scan_header, &qs);
    if (qs.total > MAX_URL)
        return answer_now(st, DJ_EURI, "请求地址过长");
    struct hdr_scan hs = {0, 0};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, scan_header, &hs);
    if (hs.total > MAX_HEADERS)
        return answer_now(st, DJ_EHEADERS, "请求头过大");
    if (hs.content_length > 1)
        return answer_now(st, DJ_EINVAL, "请求中有重复的 Content-Length 头");
    const char *cl = dj_header(r, "Content-Length");
    r->content_length = -1;
    if (cl) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(cl, &end, 10);
        if (*cl < '0' || *cl > '9' || *end || errno || n > INT64_MAX)
            return answer_now(st, DJ_EINVAL, "Content-Length 请求头无效");
        r->content_length = (int64_t)n;
    }
    /* a new request from here: what it reads before its body (the session, a stream's
     * settings) already sees other processes' writes (db_notice_writes) */
    deps_reads_reset();
    int rc = admit(st);
    if (rc == DJ_STREAM_ANSWERED)
        return send_answer(st, DJ_OK);
    if (rc != DJ_OK && !sends_body(r)) {
        /* nothing to refuse to read: answer on the next call, which keeps
         * the connection alive (an answer queued on the first call closes it) */
        st->early_rc = rc;
        dj_guard_deadline(st->guard, dj_guard_now_ms() + dj_guard_limits()->request_ms);
        return MHD_YES;
    }
    if (rc != DJ_OK)
        return send_answer(st, rc);
    if (r->content_length > 0 && (uint64_t)r->content_length > r->body_limit)
        return send_answer(st, too_large(r));
    /* the body must arrive within the request limit; a signed-in upload gets
     * time in proportion to its size on top */
    const struct dj_guard_limits *lim = dj_guard_limits();
    int64_t allow = lim->request_ms;
    if (r->user && r->content_length > 0 && lim->min_rate)
        allow += (int64_t)((uint64_t)r->content_length * 1000 / lim->min_rate);
    dj_guard_deadline(st->guard, dj_guard_now_ms() + allow);
    return MHD_YES;
}

static enum MHD_Result on_body(struct req_state *st, const char *data, size_t n)
{
    dj_req *r = &st->r;
    st->received += n;
    if (st->received > r->body_limit) {
        /* only a body without a Content-Length gets here: cut it off */
        return MHD_NO;
    }
    if (st->early_rc != DJ_OK)
        return MHD_YES;
    int rc;
    if (r->route && r->route->stream)
        rc = r->route->stream(r, data, n);
    else
        rc = dj_body_add(&st->body, data, n) == DJ_OK
                 ? DJ_OK
                 : dj_fail(r, DJ_EINTERNAL, NULL, "服务器暂存请求内容失败，请稍后重试");
    if (rc != DJ_OK)
        st->early_rc = rc;
    if (st->early_rc != DJ_OK && r->route && r->route->stream) {
        /* a failed stream drops its state at once; the rest of the body is read and dropped */
        for (struct dj_cleanup *c = r->cleanups; c; c = c->next)
            if (c->fn) {
                c->fn(c->arg);
                c->fn = NULL;
            }
    }
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)cls;
    (void)version;
    struct req_state *st = *con_cls;
    if (!st)
        return on_headers(conn, url, method, con_cls);
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (st->answered)
            return MHD_YES; /* an answer went before the body: drop it */
        return on_body(st, upload_data, n);
    }
    if (st->answered)
        return MHD_YES;
    dj_guard_deadline(st->guard, INT64_MAX);
    int rc;
    if (st->r.deferred_state == DEFER_DONE) {
        st->r.deferred_state = DEFER_NONE;
        rc = st->r.cont(&st->r);
    } else if (st->r.deferred_state == DEFER_RUNNING) {
        return MHD_YES; /* spurious wake-up; the job resumes us */
    } else if (st->early_rc != DJ_OK) {
        rc = st->early_rc;
    } else {
        rc = dispatch(st);
    }
    if (rc == DJ_DEFERRED)
        return MHD_YES;
    return send_answer(st, rc);
}

static void log_line(struct req_state *st, int status)
{
    if (log_quiet)
        return;
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - st->t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - st->t0.tv_nsec) / 1e6;
    char line[600];
    int n = snprintf(line, sizeof line, "%s %.400s %d %.2fms\n", st->r.method, st->r.path, status, ms);
    if (n > (int)sizeof line - 1)
        n = (int)sizeof line - 1;
    ssize_t w = write(STDERR_FILENO, line, (size_t)n);
    (void)w;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    struct req_state *st = *con_cls;
    if (!st)
        return;
    log_line(st, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? st->r.status : -(int)toe);
    for (struct dj_cleanup *c = st->r.cleanups; c; c = c->next)
        if (c->fn)
            c->fn(c->arg);
    dj_reply_drop(&st->r);
    json_decref(st->r.out);
    free(st->r.raw_heap);
    dj_blob_unref(st->r.raw_blob);
    dj_body_free(&st->body);
    dj_arena_free(st->r.arena);
    /* the next request on this connection has its own time to arrive */
    dj_guard_deadline(st->guard, dj_guard_now_ms() + dj_guard_limits()->header_ms);
    free(st);
    *con_cls = NULL;
    atomic_fetch_sub(&inflight, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    if (log_quiet)
        return;
    fputs("libmicrohttpd: ", stderr);
    vfprintf(stderr, fmt, ap);
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len, bool *v6)
{
    char host[256];
    const char *port;
    if (listen[0] == '[') {
        const char *e = strchr(listen, ']');
        if (!e || e[1] != ':' || (size_t)(e - listen - 1) >= sizeof host)
            return -1;
        memcpy(host, listen + 1, (size_t)(e - listen - 1));
        host[e - listen - 1] = '\0';
        port = e + 2;
    } else {
        const char *c = strrchr(listen, ':');
        if (!c || (size_t)(c - listen) >= sizeof host)
            return -1;
        memcpy(host, listen, (size_t)(c - listen));
        host[c - listen] = '\0';
        port = c + 1;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *ai = NULL;
    if (getaddrinfo(host[0] ? host : NULL, port, &hints, &ai) != 0 || !ai)
        return -1;
    memcpy(ss, ai->ai_addr, ai->ai_addrlen);
    *len = ai->ai_addrlen;
    *v6 = ai->ai_family == AF_INET6;
    freeaddrinfo(ai);
    return 0;
}

int dj_serve(const struct dj_server_opts *o)
{
    struct sockaddr_storage ss;
    socklen_t sslen;
    bool v6 = false;
    if (parse_listen(o->listen, &ss, &sslen, &v6) != 0) {
        fprintf(stderr, "dangjian: cannot use --listen %s (expected HOST:PORT)\n", o->listen);
        return 2;
    }
    cookie_secure = o->public_url && strncmp(o->public_url, "https://", 8) == 0;
    log_quiet = o->quiet;
    if (o->web_dir)
        dj_static_load(o->web_dir);

    unsigned threads = o->threads;
    if (!threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned)n : 2;
    }
    unsigned idle = o->idle_timeout ? o->idle_timeout : 60;
    struct dj_guard_limits lim = {
        .max_conns = o->max_conns ? o->max_conns : 4096,
        .per_addr_floor = o->conns_floor ? o->conns_floor : 16,
        .request_ms = (int64_t)(o->request_timeout ? o->request_timeout : 30) * 1000,
        .min_rate = o->min_upload_rate ? o->min_upload_rate : 32 * 1024,
    };
    lim.header_ms = (int64_t)idle * 1000 + lim.request_ms;
    /* the hashing pool leaves one core to the requests (pool.h) */
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    dj_pool_start(ncpu > 1 ? (unsigned)ncpu - 1 : 1, 64);
    auth_touch_start();
    dj_guard_start(&lim);

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* MHD's threads inherit the mask */
    signal(SIGPIPE, SIG_IGN);

    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC | MHD_USE_TURBO |
                     MHD_USE_ERROR_LOG;
    if (v6)
        flags |= MHD_USE_IPv6;
    /* libmicrohttpd splits its connection limit between the pool's threads;
     * the guard's fair share is the limit that counts, this one is a backstop */
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, dj_guard_accept, NULL, on_request, NULL,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
        MHD_OPTION_CONNECTION_LIMIT, lim.max_conns + lim.max_conns / 2 + threads,
        MHD_OPTION_CONNECTION_TIMEOUT, idle,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(16 * 1024),
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_NOTIFY_CONNECTION, dj_guard_notify, NULL,
        MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "dangjian: cannot listen on %s: %s\n", o->listen, strerror(errno));
        dj_guard_stop();
        dj_pool_stop();
        auth_touch_stop();
        dj_static_free();
        return 1;
    }
    fprintf(stderr, "dangjian: serving on http://%s (%u threads)\n", o->listen, threads);

    int sig = 0;
    sigwait(&set, &sig);
    fprintf(stderr, "dangjian: %s received, finishing requests in flight\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    MHD_socket lsock = MHD_quiesce_daemon(d);
    if (lsock != MHD_INVALID_SOCKET)
        close(lsock);
    for (int i = 0; i < 1000 && atomic_load(&inflight) > 0; i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(d);
    dj_guard_stop();
    dj_batch_stop_all();
    dj_pool_stop();
    auth_touch_stop();
    dj_static_free();
    fprintf(stderr, "dangjian: stopped\n");
    return 0;
}
