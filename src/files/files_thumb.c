/* files_thumb.c - thumbnails of images: made once per content with
 * gdk-pixbuf on the worker pool (decoding is CPU work), stored as a blob of
 * their own, and kept in a small in-memory cache keyed by the image's hash
 * (content never changes, so the cache is never stale; who may read it is
 * checked on every request before the cache is asked). */
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/err.h"
#include "../core/timeutil.h"
#include "files_int.h"

#define CACHE_BYTES (32u * 1024u * 1024u)
#define CACHE_SLOTS 4096
#define MAX_SCALED_PIXELS (120u * 1000u * 1000u) /* JPEG: decoded at 1/2…1/8 scale */
#define MAX_PIXELS (30u * 1000u * 1000u)         /* others: decoded whole, 4 bytes a pixel */

/* ---------------------------------------------------------------- making one */

struct prep {
    bool too_large;
    bool jpeg;
};

static void on_size(GdkPixbufLoader *loader, int w, int h, gpointer data)
{
    struct prep *p = data;
    uint64_t px = (uint64_t)w * (uint64_t)h;
    if (w <= 0 || h <= 0 || px > (p->jpeg ? MAX_SCALED_PIXELS : MAX_PIXELS)) {
        p->too_large = true;
        gdk_pixbuf_loader_set_size(loader, 1, 1);
        return;
    }
    if (w <= FILES_THUMB_PX && h <= FILES_THUMB_PX)
        return;
    /* the JPEG loader decodes straight at a smaller scale: a 12 MP photo never
     * becomes 48 MB of pixels */
    double k = (double)FILES_THUMB_PX / (w > h ? w : h);
    int tw = (int)(w * k + 0.5), th = (int)(h * k + 0.5);
    gdk_pixbuf_loader_set_size(loader, tw > 0 ? tw : 1, th > 0 ? th : 1);
}

static int feed_loader(db_conn *c, const struct dj_file_blob *b, GdkPixbufLoader *l, GError **err)
{
    if (b->in_dir) {
        int fd = dj_file_blob_open(b);
        if (fd < 0)
            return DJ_ENOTFOUND;
        char buf[65536];
        ssize_t n;
        int rc = DJ_OK;
        while (rc == DJ_OK && (n = read(fd, buf, sizeof buf)) > 0)
            if (!gdk_pixbuf_loader_write(l, (const guchar *)buf, (gsize)n, err))
                rc = DJ_EUNPROCESSABLE;
        close(fd);
        return rc;
    }
    dj_buf piece = {0};
    int rc = DJ_OK;
    uint64_t done = 0;
    for (int64_t seq = 0; rc == DJ_OK && done < b->size; seq++) {
        rc = dj_file_chunk_get(c, b->sha256, seq, &piece);
        if (rc == DJ_OK && piece.len == 0)
            rc = DJ_EINTERNAL;
        if (rc == DJ_OK && !gdk_pixbuf_loader_write(l, (const guchar *)piece.data, piece.len, err))
            rc = DJ_EUNPROCESSABLE;
        done += piece.len;
    }
    dj_buf_free(&piece);
    return rc;
}

/* Alpha over white: a transparent PNG stays readable as a JPEG. */
static GdkPixbuf *flatten(GdkPixbuf *src)
{
    if (!gdk_pixbuf_get_has_alpha(src))
        return g_object_ref(src);
    int w = gdk_pixbuf_get_width(src), h = gdk_pixbuf_get_height(src);
    return gdk_pixbuf_composite_color_simple(src, w, h, GDK_INTERP_BILINEAR, 255, 256, 0xffffff, 0xffffff);
}

int files_thumb_make(db_conn *c, const struct dj_file_blob *b, char **out, size_t *len, int *w, int *h)
{
    *out = NULL;
    *len = 0;
    GError *err = NULL;
    GdkPixbufLoader *l = gdk_pixbuf_loader_new();
    struct prep p = {false, strcmp(b->media_type, "image/jpeg") == 0};
    g_signal_connect(l, "size-prepared", G_CALLBACK(on_size), &p);
    int rc = feed_loader(c, b, l, &err);
    gboolean closed = gdk_pixbuf_loader_close(l, rc == DJ_OK && !err ? &err : NULL);
    GdkPixbuf *pb = rc == DJ_OK && closed && !p.too_large ? gdk_pixbuf_loader_get_pixbuf(l) : NULL;
    if (rc == DJ_OK && !pb)
        rc = DJ_EUNPROCESSABLE;
    GdkPixbuf *up = NULL, *flat = NULL, *fit = NULL;
    if (rc == DJ_OK) {
        up = gdk_pixbuf_apply_embedded_orientation(pb); /* phone photos lie on their side */
        int pw = gdk_pixbuf_get_width(up), ph = gdk_pixbuf_get_height(up);
        if (pw > FILES_THUMB_PX || ph > FILES_THUMB_PX) {
            double k = (double)FILES_THUMB_PX / (pw > ph ? pw : ph);
            int tw = (int)(pw * k + 0.5), th = (int)(ph * k + 0.5);
            fit = gdk_pixbuf_scale_simple(up, tw > 0 ? tw : 1, th > 0 ? th : 1, GDK_INTERP_BILINEAR);
        } else {
            fit = g_object_ref(up);
        }
        flat = fit ? flatten(fit) : NULL;
        gchar *buf = NULL;
        gsize n = 0;
        if (flat && gdk_pixbuf_save_to_buffer(flat, &buf, &n, "jpeg", &err, "quality", "82", NULL)) {
            *out = dj_malloc(n);
            memcpy(*out, buf, n);
            *len = n;
            *w = gdk_pixbuf_get_width(flat);
            *h = gdk_pixbuf_get_height(flat);
        } else {
            rc = DJ_EUNPROCESSABLE;
        }
        g_free(buf);
    }
    if (flat)
        g_object_unref(flat);
    if (fit)
        g_object_unref(fit);
    if (up)
        g_object_unref(up);
    if (err)
        g_error_free(err);
    g_object_unref(l);
    return rc;
}

/* ---------------------------------------------------------------- the cache */

struct centry {
    char sha256[65];    /* the image's */
    char thumb[65];     /* the thumbnail's, for the ETag */
    char *data;
    size_t len;
};

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct centry cache[CACHE_SLOTS];
static size_t cache_bytes;

static unsigned slot_of(const char *sha)
{
    unsigned v = 0;
    for (int i = 0; i < 8; i++)
        v = v * 16 + (unsigned)(sha[i] <= '9' ? sha[i] - '0' : sha[i] - 'a' + 10);
    return v % CACHE_SLOTS;
}

/* A copy of the cached thumbnail (heap) or NULL. */
static char *cache_get(const char *sha, size_t *len, char thumb[65])
{
    char *copy = NULL;
    pthread_mutex_lock(&cache_mu);
    struct centry *e = &cache[slot_of(sha)];
    if (e->data && strcmp(e->sha256, sha) == 0) {
        copy = dj_malloc(e->len);
        memcpy(copy, e->data, e->len);
        *len = e->len;
        memcpy(thumb, e->thumb, 65);
    }
    pthread_mutex_unlock(&cache_mu);
    return copy;
}

/* One entry a slot: a newcomer replaces whatever hashed there (the cache
 * only saves the database a read, so losing an entry costs little). */
static void cache_put(const char *sha, const char *thumb, const char *data, size_t len)
{
    if (len > CACHE_BYTES / 64)
        return;
    pthread_mutex_lock(&cache_mu);
    struct centry *e = &cache[slot_of(sha)];
    if (e->data) {
        cache_bytes -= e->len;
        free(e->data);
        e->data = NULL;
    }
    if (cache_bytes + len <= CACHE_BYTES) {
        snprintf(e->sha256, sizeof e->sha256, "%s", sha);
        snprintf(e->thumb, sizeof e->thumb, "%s", thumb);
        e->data = dj_malloc(len);
        memcpy(e->data, data, len);
        e->len = len;
        cache_bytes += len;
    }
    pthread_mutex_unlock(&cache_mu);
}

void files_thumb_cache_free(void)
{
    pthread_mutex_lock(&cache_mu);
    for (int i = 0; i < CACHE_SLOTS; i++) {
        free(cache[i].data);
        cache[i].data = NULL;
    }
    cache_bytes = 0;
    pthread_mutex_unlock(&cache_mu);
}

/* ---------------------------------------------------------------- answering */

static int reply(dj_req *r, const char *thumb_sha, char *data, size_t len)
{
    char etag[70];
    snprintf(etag, sizeof etag, "\"%s\"", thumb_sha);
    dj_add_header(r, "ETag", etag);
    dj_add_header(r, "Cache-Control", "private, max-age=300");
    const char *inm = dj_header(r, "If-None-Match");
    if (inm && strstr(inm, etag)) {
        free(data);
        return dj_reply_empty(r, 304);
    }
    return dj_reply_heap(r, 200, "image/jpeg", data, len);
}

struct job {
    char sha256[65];
    char thumb[65];
    char *data;
    size_t len;
    int rc;
};

static void job_free(void *arg)
{
    struct job *j = arg;
    free(j->data);
    free(j);
}

/* On a worker: decode, scale, store (once: a second maker's insert does nothing). */
static void job_run(void *arg)
{
    struct job *j = arg;
    db_conn *c = db_thread();
    struct dj_file_blob b;
    j->rc = c ? dj_file_blob_get(c, j->sha256, &b) : DJ_EDB;
    int w = 0, h = 0;
    if (j->rc == DJ_OK)
        j->rc = files_thumb_make(c, &b, &j->data, &j->len, &w, &h);
    if (j->rc != DJ_OK && j->rc != DJ_EUNPROCESSABLE)
        return;
    char now[21];
    dj_time_iso(dj_now(), now);
    bool made = j->rc == DJ_OK;
    for (int attempt = 0; attempt < 5; attempt++) {
        int rc = db_begin(c);
        if (rc == DJ_OK && made)
            rc = dj_file_blob_put(c, j->data, j->len, "image/jpeg", j->thumb);
        if (rc == DJ_OK)
            rc = db_exec(c,
                         "INSERT INTO file_thumbs (sha256, thumb_sha256, width, height, created_at)"
                         " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                         "ttiit", j->sha256, made ? j->thumb : NULL, (int64_t)w,
                         (int64_t)h, now);
        rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
        if (rc != DJ_EBUSY) {
            if (rc != DJ_OK && made)
                j->rc = rc;
            break;
        }
    }
}

static int job_done(dj_req *r)
{
    struct job *j = r->work_arg;
    if (j->rc == DJ_EUNPROCESSABLE)
        return dj_fail(r, DJ_ENOTFOUND, "id", "无法为该图片生成缩略图");
    if (j->rc != DJ_OK)
        return j->rc;
    cache_put(j->sha256, j->thumb, j->data, j->len);
    char *data = j->data;
    j->data = NULL;
    return reply(r, j->thumb, data, j->len);
}

int files_thumb_reply(dj_req *r, const struct dj_file *f)
{
    size_t len = 0;
    char thumb[65];
    char *data = cache_get(f->sha256, &len, thumb);
    if (data)
        return reply(r, thumb, data, len);
    db_conn *c = dj_db(r);
    db_stmt *s = db_prep(c, "SELECT thumb_sha256 FROM file_thumbs WHERE sha256 = $1");
    if (!s)
        return DJ_EDB;
    db_bind_text(s, 1, f->sha256);
    int rc = db_step(s);
    bool known = rc == DB_ROW, failed = known && db_col_null(s, 0);
    if (known && !failed)
        snprintf(thumb, sizeof thumb, "%s", db_col_text(s, 0));
    db_done(s);
    if (rc != DB_ROW && rc != DB_DONE)
        return rc;
    if (failed)
        return dj_fail(r, DJ_ENOTFOUND, "id", "无法为该图片生成缩略图");
    if (known) {
        struct dj_file_blob b;
        if ((rc = dj_file_blob_get(c, thumb, &b)) == DJ_OK)
            rc = dj_file_blob_load(c, &b, 4u * 1024 * 1024, &data, &len);
        if (rc != DJ_OK)
            return rc;
        cache_put(f->sha256, thumb, data, len);
        return reply(r, thumb, data, len);
    }
    struct job *j = dj_calloc(1, sizeof *j);
    snprintf(j->sha256, sizeof j->sha256, "%s", f->sha256);
    dj_on_done(r, job_free, j);
    return dj_defer(r, job_run, j, job_done);
}
