/* mem.c - aborting allocators, the request arena and a growable buffer. */
#include "mem.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <unistd.h>
#include <zlib.h>

static void oom(size_t n)
{
    fprintf(stderr, "dangjian: out of memory allocating %zu bytes\n", n);
    abort();
}

void *dj_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *dj_calloc(size_t count, size_t n)
{
    void *p = calloc(count ? count : 1, n ? n : 1);
    if (!p)
        oom(count * n);
    return p;
}

void *dj_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

char *dj_strdup(const char *s)
{
    return dj_strndup(s, strlen(s));
}

char *dj_strndup(const char *s, size_t n)
{
    char *p = dj_malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *dj_asprintf(const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = dj_malloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

void dj_free_secret(char *s)
{
    if (s) {
        sodium_memzero(s, strlen(s));
        free(s);
    }
}

/* The arena is a chain of blocks; big requests get a block of their own. */
struct arena_block {
    struct arena_block *next;
    size_t used, size;
    _Alignas(max_align_t) unsigned char data[];
};

struct dj_arena {
    struct arena_block *head;
};

#define ARENA_BLOCK 8192

dj_arena *dj_arena_new(void)
{
    return dj_calloc(1, sizeof(dj_arena));
}

void dj_arena_free(dj_arena *a)
{
    if (!a)
        return;
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

void *dj_arena_alloc(dj_arena *a, size_t n)
{
    const size_t align = _Alignof(max_align_t);
    n = (n + align - 1) & ~(align - 1);
    if (n == 0)
        n = align;
    struct arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = n > ARENA_BLOCK / 2 ? n : ARENA_BLOCK;
        struct arena_block *nb = dj_malloc(sizeof *nb + size);
        nb->used = 0;
        nb->size = size;
        if (size == n && b) {
            /* keep the current block for small allocations */
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

char *dj_arena_strndup(dj_arena *a, const char *s, size_t n)
{
    char *p = dj_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *dj_arena_strdup(dj_arena *a, const char *s)
{
    return s ? dj_arena_strndup(a, s, strlen(s)) : NULL;
}

char *dj_arena_vprintf(dj_arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *p = dj_arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

char *dj_arena_printf(dj_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = dj_arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void dj_buf_append(dj_buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->data = dj_realloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void dj_buf_puts(dj_buf *b, const char *s)
{
    dj_buf_append(b, s, strlen(s));
}

void dj_buf_printf(dj_buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        b->data = dj_realloc(b->data, cap);
        b->cap = cap;
    }
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)n;
}

char *dj_buf_cstr(dj_buf *b)
{
    if (!b->data)
        dj_buf_append(b, "", 0);
    return b->data;
}

void dj_buf_free(dj_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

struct dj_blob {
    atomic_int refs;
    size_t len;
    char *data;
    _Atomic(struct dj_blob *) gz; /* the same bytes gzipped, once asked for (dj_blob_gzip) */
    atomic_bool no_gz;            /* they did not compress */
};

dj_blob *dj_blob_take(dj_buf *b)
{
    dj_blob *x = dj_malloc(sizeof *x);
    atomic_init(&x->refs, 1);
    x->len = b->len;
    x->data = dj_buf_cstr(b);
    atomic_init(&x->gz, NULL);
    atomic_init(&x->no_gz, false);
    *b = (dj_buf){0};
    return x;
}

dj_blob *dj_blob_ref(dj_blob *x)
{
    if (x)
        atomic_fetch_add_explicit(&x->refs, 1, memory_order_relaxed);
    return x;
}

void dj_blob_unref(dj_blob *x)
{
    if (x && atomic_fetch_sub_explicit(&x->refs, 1, memory_order_acq_rel) == 1) {
        dj_blob_unref(atomic_load_explicit(&x->gz, memory_order_acquire));
        free(x->data);
        free(x);
    }
}

/* data[0..len) as a gzip member in *out (malloc'd); its length, or 0 when it
 * would not be smaller. */
static size_t gzip_bytes(const char *data, size_t len, char **out)
{
    z_stream z = {0};
    /* 15 + 16: a gzip header and trailer around the deflate stream */
    if (len > UINT_MAX || deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return 0;
    uLong cap = deflateBound(&z, (uLong)len);
    char *buf = malloc(cap + 1);
    size_t n = 0;
    if (buf) {
        z.next_in = (Bytef *)data;
        z.avail_in = (uInt)len;
        z.next_out = (Bytef *)buf;
        z.avail_out = (uInt)cap;
        if (deflate(&z, Z_FINISH) == Z_STREAM_END && z.total_out < len)
            n = z.total_out;
    }
    deflateEnd(&z);
    if (!n) {
        free(buf);
        return 0;
    }
    buf[n] = '\0';
    *out = buf;
    return n;
}

dj_blob *dj_blob_gzip(dj_blob *x)
{
    dj_blob *gz = atomic_load_explicit(&x->gz, memory_order_acquire);
    if (!gz && !atomic_load_explicit(&x->no_gz, memory_order_relaxed)) {
        char *data = NULL;
        size_t n = gzip_bytes(x->data, x->len, &data);
        if (!n) {
            atomic_store_explicit(&x->no_gz, true, memory_order_relaxed);
            return NULL;
        }
        dj_blob *made = dj_malloc(sizeof *made);
        atomic_init(&made->refs, 1);
        made->len = n;
        made->data = data;
        atomic_init(&made->gz, NULL);
        atomic_init(&made->no_gz, true);
        /* two replies may compress it at once: the first kept, the other's dropped */
        dj_blob *none = NULL;
        if (atomic_compare_exchange_strong_explicit(&x->gz, &none, made, memory_order_acq_rel, memory_order_acquire)) {
            gz = made;
        } else {
            dj_blob_unref(made);
            gz = none;
        }
    }
    return dj_blob_ref(gz);
}

const char *dj_blob_data(const dj_blob *x) { return x->data; }
size_t dj_blob_len(const dj_blob *x) { return x->len; }

int dj_tmpfile(const char *dir)
{
    if (!dir) {
        dir = getenv("TMPDIR");
        if (!dir || !*dir)
            dir = "/tmp";
    }
    int fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
    /* file systems without O_TMPFILE: a named file, unlinked at once */
    char *tmpl = dj_asprintf("%s/dj-XXXXXX", dir);
    fd = mkostemp(tmpl, O_CLOEXEC);
    if (fd >= 0)
        unlink(tmpl);
    free(tmpl);
    return fd;
}
