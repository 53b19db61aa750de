/* files_probe.c - reading a stored file at an offset, without loading it,
 * and what a subject does when a file is attached to one of its records. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "files.h"
#include "media.h"

/* ---------------------------------------------------------------- link hooks */

#define MAX_HOOKS 16
static struct {
    const char *subject;
    dj_file_link_hook fn;
} hooks[MAX_HOOKS];
static int nhooks;

void dj_files_on_link(const char *subject, dj_file_link_hook fn)
{
    if (nhooks < MAX_HOOKS) {
        hooks[nhooks].subject = subject;
        hooks[nhooks++].fn = fn;
    }
}

void dj_files_hooks_clear(void)
{
    nhooks = 0;
}

int dj_files_run_link_hooks(db_conn *c, int64_t file_id, const char *subject, int64_t record_id, const char *kind)
{
    for (int i = 0; i < nhooks; i++)
        if (strcmp(hooks[i].subject, subject) == 0) {
            int rc = hooks[i].fn(c, file_id, record_id, kind);
            if (rc)
                return rc;
        }
    return DJ_OK;
}

/* ---------------------------------------------------------------- reading at an offset */

struct reader {
    db_conn *c;
    const struct dj_file_blob *b;
    int fd;
    dj_buf piece; /* the db driver's piece last read */
    int64_t seq;
};

static int read_at(void *ctx, uint64_t off, void *buf, size_t n)
{
    struct reader *r = ctx;
    if (off > r->b->size || n > r->b->size - off)
        return DJ_EINVAL;
    unsigned char *out = buf;
    while (n) {
        if (r->fd >= 0) {
            ssize_t got = pread(r->fd, out, n, (off_t)off);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                return DJ_EINTERNAL;
            out += got, off += (uint64_t)got, n -= (size_t)got;
            continue;
        }
        int64_t seq = (int64_t)(off / DJ_FILE_CHUNK);
        if (seq != r->seq) {
            int rc = dj_file_chunk_get(r->c, r->b->sha256, seq, &r->piece);
            if (rc)
                return rc;
            r->seq = seq;
        }
        size_t in = (size_t)(off % DJ_FILE_CHUNK);
        if (in >= r->piece.len)
            return DJ_EINTERNAL;
        size_t take = r->piece.len - in < n ? r->piece.len - in : n;
        memcpy(out, r->piece.data + in, take);
        out += take, off += take, n -= take;
    }
    return DJ_OK;
}

int dj_file_duration_ms(db_conn *c, int64_t file_id, int64_t *ms)
{
    *ms = 0;
    char sha[65] = "";
    db_stmt *s = db_prep(c, "SELECT sha256 FROM files WHERE id = $1");
    if (!s)
        return DJ_EDB;
    db_bind_i64(s, 1, file_id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        const char *t = db_col_text(s, 0);
        if (t)
            snprintf(sha, sizeof sha, "%s", t);
        rc = DJ_OK;
    } else if (rc == DB_DONE) {
        rc = DJ_ENOTFOUND;
    }
    db_done(s);
    if (rc)
        return rc;
    if (!sha[0])
        return DJ_ENOTFOUND; /* a link or a bare name: no bytes */
    struct dj_file_blob b;
    if ((rc = dj_file_blob_get(c, sha, &b)))
        return rc;
    struct reader r = {c, &b, -1, {0}, -1};
    if (b.in_dir && (r.fd = dj_file_blob_open(&b)) < 0)
        return DJ_ENOTFOUND;
    rc = dj_mp4_duration_ms(read_at, &r, b.size, ms);
    if (r.fd >= 0)
        close(r.fd);
    dj_buf_free(&r.piece);
    return rc;
}
