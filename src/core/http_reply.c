/* http_reply.c - what handlers answer with: JSON, raw or heap bytes, a file
 * descriptor or a stream read as the client takes it, extra headers, the
 * error (dj_fail) and the shape of a list page.  http.c sends it. */
#include <errno.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "http.h"
#include "http_int.h"

/* ---------- answers ---------- */

int dj_reply_json(dj_req *r, int status, json_t *body)
{
    json_decref(r->out);
    r->out = body;
    r->status = status;
    return DJ_OK;
}

int dj_reply_empty(dj_req *r, int status)
{
    r->status = status;
    r->raw = "";
    r->raw_len = 0;
    return DJ_OK;
}

int dj_reply_raw(dj_req *r, int status, const char *ctype, const char *data, size_t len)
{
    r->status = status;
    r->ctype = ctype;
    r->raw = data;
    r->raw_len = len;
    return DJ_OK;
}

void dj_reply_drop(dj_req *r)
{
    if (r->resp)
        MHD_destroy_response(r->resp);
    r->resp = NULL;
}

int dj_reply_fd(dj_req *r, int status, const char *ctype, int fd, uint64_t offset, uint64_t len)
{
    dj_reply_drop(r);
    r->resp = MHD_create_response_from_fd_at_offset64(len, fd, offset);
    if (!r->resp) {
        close(fd);
        return dj_fail(r, DJ_EINTERNAL, NULL, "无法发送文件");
    }
    r->status = status;
    r->ctype = ctype;
    return DJ_OK;
}

struct stream_reply {
    long (*read)(void *arg, uint64_t pos, char *buf, size_t max);
    void *arg;
    void (*free_arg)(void *arg);
};

static ssize_t stream_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct stream_reply *s = cls;
    long n = s->read(s->arg, pos, buf, max);
    return n < 0 ? MHD_CONTENT_READER_END_WITH_ERROR : (ssize_t)n;
}

static void stream_free(void *cls)
{
    struct stream_reply *s = cls;
    if (s->free_arg)
        s->free_arg(s->arg);
    free(s);
}

int dj_reply_stream(dj_req *r, int status, const char *ctype, uint64_t len,
                    long (*read)(void *arg, uint64_t pos, char *buf, size_t max), void *arg,
                    void (*free_arg)(void *arg))
{
    dj_reply_drop(r);
    struct stream_reply *s = dj_malloc(sizeof *s);
    *s = (struct stream_reply){read, arg, free_arg};
    r->resp = MHD_create_response_from_callback(len, 64 * 1024, stream_reader, s, stream_free);
    if (!r->resp) {
        stream_free(s);
        return dj_fail(r, DJ_EINTERNAL, NULL, "无法发送文件");
    }
    r->status = status;
    r->ctype = ctype;
    return DJ_OK;
}

/* Below this an answer goes as it is: compressing it would save less than it costs. */
#define GZIP_MIN 8192

int dj_reply_blob(dj_req *r, int status, const char *ctype, dj_blob *blob)
{
    /* a large answer kept for many readers (a roster's page) goes gzipped to a
     * client that takes it, as every browser does: compressed once, for every
     * reply sending it (a tenth of the bytes for the phone and the kernel) */
    if (dj_blob_len(blob) >= GZIP_MIN) {
        const char *ae = dj_header(r, "Accept-Encoding");
        dj_blob *gz = ae && strstr(ae, "gzip") ? dj_blob_gzip(blob) : NULL;
        dj_add_header(r, "Vary", "Accept-Encoding");
        if (gz) {
            dj_blob_unref(blob);
            blob = gz;
            dj_add_header(r, "Content-Encoding", "gzip");
        }
    }
    free(r->raw_heap);
    r->raw_heap = NULL;
    dj_blob_unref(r->raw_blob);
    r->raw_blob = blob;
    r->status = status;
    r->ctype = ctype;
    r->raw = dj_blob_data(blob);
    r->raw_len = dj_blob_len(blob);
    return DJ_OK;
}

int dj_reply_heap(dj_req *r, int status, const char *ctype, void *data, size_t len)
{
    free(r->raw_heap);
    dj_blob_unref(r->raw_blob);
    r->raw_blob = NULL;
    r->raw_heap = data;
    r->status = status;
    r->ctype = ctype;
    r->raw = data;
    r->raw_len = len;
    return DJ_OK;
}

int dj_reply_buf(dj_req *r, int status, dj_buf *b)
{
    size_t len = b->len;
    char *data = dj_buf_cstr(b);
    *b = (dj_buf){0};
    return dj_reply_heap(r, status, "application/json; charset=utf-8", data, len);
}

void dj_add_header(dj_req *r, const char *name, const char *value)
{
    if (r->nhdrs < (int)(sizeof r->hdr_names / sizeof r->hdr_names[0])) {
        r->hdr_names[r->nhdrs] = name;
        r->hdr_values[r->nhdrs] = dj_arena_strdup(r->arena, value);
        r->nhdrs++;
    }
}

static int vfail(dj_req *r, int err, const char *code, const char *field, const char *fmt, va_list ap)
{
    r->err_code = code;
    r->err_field = field;
    r->err_message = dj_arena_vprintf(r->arena, fmt, ap);
    return err;
}

int dj_fail(dj_req *r, int err, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(r, err, NULL, field, fmt, ap);
    va_end(ap);
    return err;
}

int dj_fail_code(dj_req *r, int err, const char *code, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(r, err, code, field, fmt, ap);
    va_end(ap);
    return err;
}

/* ---------- lists ---------- */

int dj_page_parse(dj_req *r, struct dj_page *p)
{
    int rc = dj_query_int(r, "limit", 50, 1, 500, &p->limit);
    if (rc)
        return rc;
    p->offset = 0;
    const char *c = dj_query(r, "cursor");
    if (c && *c) {
        char *end;
        errno = 0;
        long long off = strtoll(c, &end, 10);
        /* no list is longer than DJ_PAGE_MAX_OFFSET: a larger cursor is made up (and could overflow) */
        if (*end || errno || off < 0 || off > DJ_PAGE_MAX_OFFSET)
            return dj_fail(r, DJ_EINVAL, "cursor", "参数“cursor”无效，请使用上一页返回的 next 值");
        p->offset = off;
    }
    return DJ_OK;
}

json_t *dj_page_result(const struct dj_page *p, json_t *items, int64_t total)
{
    json_t *o = json_object();
    int64_t end = p->offset + (int64_t)json_array_size(items);
    json_object_set_new(o, "items", items);
    json_object_set_new(o, "total", json_integer(total));
    if (end < total && json_array_size(items) > 0) {
        char buf[24];
        snprintf(buf, sizeof buf, "%lld", (long long)end);
        json_object_set_new(o, "next", json_string(buf));
    } else {
        json_object_set_new(o, "next", json_null());
    }
    return o;
}

