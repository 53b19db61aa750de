/* files.c - the file store's bytes: the upload writer (a temporary file,
 * hashed as it fills), and the two drivers that keep blobs, db (pieces in
 * file_chunks) and dir (one file per hash under a directory).  Uploads,
 * links and permissions are in files_meta.c. */
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "mem.h"
#include "timeutil.h"

static char *store_dir; /* NULL: the db driver */

const char *dj_files_dir(void)
{
    return store_dir;
}

static int mkdir_p(const char *path)
{
    char *p = dj_strdup(path);
    int rc = 0;
    for (char *s = p + 1; *s && rc == 0; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0750) != 0 && errno != EEXIST)
            rc = -1;
        *s = '/';
    }
    if (rc == 0 && mkdir(p, 0750) != 0 && errno != EEXIST)
        rc = -1;
    free(p);
    return rc;
}

int dj_files_configure(const char *dir)
{
    free(store_dir);
    store_dir = NULL;
    if (!dir)
        return DJ_OK;
    char *tmp = dj_asprintf("%s/tmp", dir);
    int rc = mkdir_p(tmp) == 0 && access(tmp, W_OK) == 0 ? DJ_OK : DJ_EINVAL;
    free(tmp);
    if (rc == DJ_OK)
        store_dir = dj_strdup(dir);
    return rc;
}

static char *blob_path(const char *sha256)
{
    return dj_asprintf("%s/%.2s/%.2s/%s", store_dir, sha256, sha256 + 2, sha256);
}

static void hex(const unsigned char *d, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return DJ_EINTERNAL;
        c += w;
        n -= (size_t)w;
    }
    return DJ_OK;
}

/* ---------------------------------------------------------------- the writer */

struct dj_file_writer {
    int fd;
    char *tmp_path; /* dir driver: a named file in DIR/tmp, renamed into place */
    crypto_hash_sha256_state h;
    uint64_t size;
    char sha256[65];
    bool finished;
};

dj_file_writer *dj_file_writer_new(void)
{
    dj_file_writer *w = dj_calloc(1, sizeof *w);
    if (store_dir) {
        w->tmp_path = dj_asprintf("%s/tmp/up-XXXXXX", store_dir);
        w->fd = mkostemp(w->tmp_path, O_CLOEXEC);
    } else {
        w->fd = dj_tmpfile(NULL);
    }
    if (w->fd < 0) {
        free(w->tmp_path);
        free(w);
        return NULL;
    }
    crypto_hash_sha256_init(&w->h);
    return w;
}

int dj_file_writer_add(dj_file_writer *w, const void *p, size_t n)
{
    if (n == 0)
        return DJ_OK;
    crypto_hash_sha256_update(&w->h, p, n);
    w->size += n;
    return write_all(w->fd, p, n);
}

uint64_t dj_file_writer_size(const dj_file_writer *w)
{
    return w->size;
}

void dj_file_writer_finish(dj_file_writer *w, char sha256[65])
{
    if (!w->finished) {
        unsigned char d[crypto_hash_sha256_BYTES];
        crypto_hash_sha256_final(&w->h, d);
        hex(d, sizeof d, w->sha256);
        w->finished = true;
    }
    memcpy(sha256, w->sha256, 65);
}

void dj_file_writer_free(dj_file_writer *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    if (w->tmp_path) {
        unlink(w->tmp_path); /* already renamed when stored: harmless */
        free(w->tmp_path);
    }
    free(w);
}

/* ---------------------------------------------------------------- storing */

static int blob_row(db_conn *c, const char *sha256, uint64_t size, const char *media_type, bool in_dir)
{
    char now[21];
    dj_time_iso(dj_now(), now);
    return db_exec(c,
                   "INSERT INTO file_blobs (sha256, size, media_type, store, created_at) VALUES ($1, $2, $3, $4, $5)"
                   " ON CONFLICT DO NOTHING",
                   "titt" "t", sha256, (int64_t)size, media_type, in_dir ? "dir" : "db", now);
}

static int chunk_put(db_conn *c, const char *sha256, int64_t seq, const void *p, size_t n)
{
    db_stmt *s = db_prep(c, "INSERT INTO file_chunks (sha256, seq, data) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING");
    if (!s)
        return DJ_EDB;
    int rc = db_bind_text(s, 1, sha256);
    if (rc == DJ_OK)
        rc = db_bind_i64(s, 2, seq);
    if (rc == DJ_OK)
        rc = db_bind_blob(s, 3, p, n);
    if (rc == DJ_OK) {
        rc = db_step(s);
        rc = rc == DB_DONE ? DJ_OK : rc;
    }
    db_done(s);
    return rc;
}

static bool blob_exists(db_conn *c, const char *sha256)
{
    int64_t n = 0;
    return db_query_i64(c, &n, "SELECT COUNT(*) FROM file_blobs WHERE sha256 = $1", "t", sha256) == DJ_OK && n > 0;
}

static int sync_dir_of(const char *path)
{
    char *d = dj_strdup(path);
    char *slash = strrchr(d, '/');
    if (slash)
        *slash = '\0';
    int fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(d);
    if (fd < 0)
        return DJ_EINTERNAL;
    int rc = fsync(fd) == 0 ? DJ_OK : DJ_EINTERNAL;
    close(fd);
    return rc;
}

/* dir driver: the file reaches its final name before the row that names it
 * commits; a row never names a missing file (a crash leaves at most a file
 * no row names, which gc may remove). */
static int dir_place(const char *tmp_path, int fd, const char *sha256)
{
    if (fsync(fd) != 0)
        return DJ_EINTERNAL;
    char *final = blob_path(sha256);
    char *dir = dj_strdup(final);
    *strrchr(dir, '/') = '\0';
    int rc = mkdir_p(dir) == 0 ? DJ_OK : DJ_EINTERNAL;
    struct stat sb;
    if (rc == DJ_OK && stat(final, &sb) != 0) {
        if (rename(tmp_path, final) != 0)
            rc = DJ_EINTERNAL;
        else
            rc = sync_dir_of(final);
    }
    free(dir);
    free(final);
    return rc;
}

int dj_file_writer_store(db_conn *c, dj_file_writer *w, const char *media_type)
{
    char sha[65];
    dj_file_writer_finish(w, sha);
    if (blob_exists(c, sha))
        return DJ_OK;
    if (store_dir) {
        int rc = dir_place(w->tmp_path, w->fd, sha);
        return rc == DJ_OK ? blob_row(c, sha, w->size, media_type, true) : rc;
    }
    if (lseek(w->fd, 0, SEEK_SET) != 0)
        return DJ_EINTERNAL;
    char *buf = dj_malloc(DJ_FILE_CHUNK);
    int rc = DJ_OK;
    for (int64_t seq = 0; rc == DJ_OK; seq++) {
        size_t got = 0;
        while (got < DJ_FILE_CHUNK) {
            ssize_t n = read(w->fd, buf + got, DJ_FILE_CHUNK - got);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                rc = DJ_EINTERNAL;
            if (n <= 0)
                break;
            got += (size_t)n;
        }
        if (rc != DJ_OK || (got == 0 && seq > 0))
            break;
        rc = chunk_put(c, sha, seq, buf, got);
        if (got < DJ_FILE_CHUNK)
            break;
    }
    free(buf);
    return rc == DJ_OK ? blob_row(c, sha, w->size, media_type, false) : rc;
}

int dj_file_blob_put(db_conn *c, const void *p, size_t n, const char *media_type, char sha256[65])
{
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(d, p, n);
    hex(d, sizeof d, sha256);
    if (blob_exists(c, sha256))
        return DJ_OK;
    if (store_dir) {
        dj_file_writer *w = dj_file_writer_new();
        if (!w)
            return DJ_EINTERNAL;
        int rc = dj_file_writer_add(w, p, n);
        if (rc == DJ_OK)
            rc = dj_file_writer_store(c, w, media_type);
        dj_file_writer_free(w);
        return rc;
    }
    int rc = DJ_OK;
    int64_t seq = 0;
    for (size_t off = 0; rc == DJ_OK && (off < n || seq == 0); off += DJ_FILE_CHUNK, seq++)
        rc = chunk_put(c, sha256, seq, (const char *)p + off, n - off < DJ_FILE_CHUNK ? n - off : DJ_FILE_CHUNK);
    return rc == DJ_OK ? blob_row(c, sha256, n, media_type, false) : rc;
}

/* ---------------------------------------------------------------- reading */

int dj_file_blob_get(db_conn *c, const char *sha256, struct dj_file_blob *out)
{
    db_stmt *s = db_prep(c, "SELECT size, media_type, store FROM file_blobs WHERE sha256 = $1");
    if (!s)
        return DJ_EDB;
    db_bind_text(s, 1, sha256);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        snprintf(out->sha256, sizeof out->sha256, "%s", sha256);
        out->size = (uint64_t)db_col_i64(s, 0);
        snprintf(out->media_type, sizeof out->media_type, "%s", db_col_text(s, 1));
        const char *st = db_col_text(s, 2);
        out->in_dir = st && strcmp(st, "dir") == 0;
        rc = DJ_OK;
    } else if (rc == DB_DONE) {
        rc = DJ_ENOTFOUND;
    }
    db_done(s);
    return rc;
}

int dj_file_chunk_get(db_conn *c, const char *sha256, int64_t seq, dj_buf *out)
{
    out->len = 0;
    db_stmt *s = db_prep(c, "SELECT data FROM file_chunks WHERE sha256 = $1 AND seq = $2");
    if (!s)
        return DJ_EDB;
    db_bind_text(s, 1, sha256);
    db_bind_i64(s, 2, seq);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        size_t n;
        const void *p = db_col_blob(s, 0, &n);
        if (n)
            dj_buf_append(out, p, n);
        rc = DJ_OK;
    } else if (rc == DB_DONE) {
        rc = DJ_ENOTFOUND;
    }
    db_done(s);
    return rc;
}

int dj_file_blob_open(const struct dj_file_blob *b)
{
    if (!b->in_dir || !store_dir) {
        errno = ENOENT;
        return -1;
    }
    char *p = blob_path(b->sha256);
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    free(p);
    return fd;
}

int dj_file_blob_load(db_conn *c, const struct dj_file_blob *b, size_t max, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    if (b->size > max)
        return DJ_ETOOLARGE;
    dj_buf buf = {0};
    int rc = DJ_OK;
    if (b->in_dir) {
        int fd = dj_file_blob_open(b);
        if (fd < 0)
            return DJ_ENOTFOUND;
        char tmp[65536];
        ssize_t n;
        while ((n = read(fd, tmp, sizeof tmp)) > 0)
            dj_buf_append(&buf, tmp, (size_t)n);
        if (n < 0)
            rc = DJ_EINTERNAL;
        close(fd);
    } else {
        dj_buf piece = {0};
        for (int64_t seq = 0; rc == DJ_OK && buf.len < b->size; seq++) {
            rc = dj_file_chunk_get(c, b->sha256, seq, &piece);
            if (rc == DJ_OK && piece.len == 0)
                rc = DJ_EINTERNAL;
            if (rc == DJ_OK)
                dj_buf_append(&buf, piece.data, piece.len);
        }
        dj_buf_free(&piece);
    }
    if (rc == DJ_OK && buf.len != b->size)
        rc = DJ_EINTERNAL;
    if (rc != DJ_OK) {
        dj_buf_free(&buf);
        return rc;
    }
    *out = dj_buf_cstr(&buf);
    *len = buf.len;
    return DJ_OK;
}

/* ---------------------------------------------------------------- backup */

static int copy_file(const char *src, const char *dst)
{
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return DJ_ENOTFOUND;
    char *tmp = dj_asprintf("%s.part", dst);
    int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    int rc = out < 0 ? DJ_EINTERNAL : DJ_OK;
    char buf[65536];
    ssize_t n;
    while (rc == DJ_OK && (n = read(in, buf, sizeof buf)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        rc = n < 0 ? DJ_EINTERNAL : write_all(out, buf, (size_t)n);
    }
    if (out >= 0 && (fsync(out) != 0 || close(out) != 0))
        rc = DJ_EINTERNAL;
    close(in);
    if (rc == DJ_OK && rename(tmp, dst) != 0)
        rc = DJ_EINTERNAL;
    if (rc != DJ_OK)
        unlink(tmp);
    free(tmp);
    return rc;
}

int dj_files_backup_dir(db_conn *c, const char *from, const char *to, int64_t *copied)
{
    *copied = 0;
    json_t *rows = db_query_rows(c, NULL, "SELECT sha256 FROM file_blobs WHERE store = 'dir' ORDER BY sha256", "");
    if (!rows)
        return DJ_EDB;
    int rc = DJ_OK;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        const char *sha = json_string_value(json_object_get(row, "sha256"));
        char *src = dj_asprintf("%s/%.2s/%.2s/%s", from, sha, sha + 2, sha);
        char *dst = dj_asprintf("%s/%.2s/%.2s/%s", to, sha, sha + 2, sha);
        char *dir = dj_strdup(dst);
        *strrchr(dir, '/') = '\0';
        struct stat sb;
        if (stat(dst, &sb) != 0) {
            rc = mkdir_p(dir) == 0 ? copy_file(src, dst) : DJ_EINTERNAL;
            if (rc == DJ_OK)
                (*copied)++;
            else
                fprintf(stderr, "dangjian: cannot copy %s to %s\n", src, dst);
        }
        free(dir);
        free(src);
        free(dst);
        if (rc != DJ_OK)
            break;
    }
    json_decref(rows);
    return rc;
}

int dj_files_dir_count(db_conn *c, int64_t *n)
{
    return db_query_i64(c, n, "SELECT COUNT(*) FROM file_blobs WHERE store = 'dir'", "");
}
