/* files_meta.c - the file store's records: uploads (table files), their
 * links to subjects' records, who may read them (through the subjects'
 * registered checks), the daily quota's count and the removal of what
 * nothing uses any more.  The bytes are in files.c. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "files.h"
#include "mem.h"
#include "timeutil.h"

/* ---------------------------------------------------------------- subjects */

#define MAX_SUBJECTS 32
static const struct dj_file_subject *subjects[MAX_SUBJECTS];
static int nsubjects;

void dj_files_subject_add(const struct dj_file_subject *s)
{
    for (int i = 0; i < nsubjects; i++)
        if (strcmp(subjects[i]->name, s->name) == 0) {
            subjects[i] = s;
            return;
        }
    if (nsubjects < MAX_SUBJECTS)
        subjects[nsubjects++] = s;
}

const struct dj_file_subject *dj_files_subject_find(const char *name)
{
    for (int i = 0; name && i < nsubjects; i++)
        if (strcmp(subjects[i]->name, name) == 0)
            return subjects[i];
    return NULL;
}

bool dj_files_kind_ok(const struct dj_file_subject *s, const char *kind)
{
    if (!kind)
        return false;
    if (!s->kinds)
        return strcmp(kind, "other") == 0;
    for (const char *const *k = s->kinds; *k; k++)
        if (strcmp(*k, kind) == 0)
            return true;
    return false;
}

void dj_files_subjects_clear(void)
{
    nsubjects = 0;
    dj_files_hooks_clear();
}

/* ---------------------------------------------------------------- uploads */

static void new_token(char out[DJ_FILE_TOKEN_LEN + 1])
{
    static const char alpha[] = "abcdefghijklmnopqrstuvwxyz234567";
    unsigned char b[DJ_FILE_TOKEN_LEN];
    randombytes_buf(b, sizeof b);
    for (int i = 0; i < DJ_FILE_TOKEN_LEN; i++)
        out[i] = alpha[b[i] & 31];
    out[DJ_FILE_TOKEN_LEN] = '\0';
}

int dj_file_insert(db_conn *c, const struct dj_file_new *nf, int64_t *id, char token[DJ_FILE_TOKEN_LEN + 1])
{
    char now[21];
    dj_time_iso(dj_now(), now);
    new_token(token);
    return db_query_i64(c, id,
                        "INSERT INTO files (token, sha256, url, name, size, media_type, uploaded_by, uploaded_at,"
                        " client_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                        "ttttitIt" "t", token, nf->sha256, nf->url, nf->name, (int64_t)nf->size, nf->media_type,
                        nf->uploaded_by, now, nf->client_key);
}

#define FILE_COLS "id, token, sha256, url, name, size, media_type, uploaded_by, uploaded_at"

static void file_from(db_stmt *s, dj_arena *a, struct dj_file *f)
{
    memset(f, 0, sizeof *f);
    f->id = db_col_i64(s, 0);
    snprintf(f->token, sizeof f->token, "%s", db_col_text(s, 1));
    const char *sha = db_col_text(s, 2);
    snprintf(f->sha256, sizeof f->sha256, "%s", sha ? sha : "");
    const char *url = db_col_text(s, 3);
    f->url = url ? dj_arena_strdup(a, url) : NULL;
    f->name = dj_arena_strdup(a, db_col_text(s, 4));
    f->size = (uint64_t)db_col_i64(s, 5);
    const char *mt = db_col_text(s, 6);
    f->media_type = mt ? dj_arena_strdup(a, mt) : NULL;
    f->uploaded_by = db_col_null(s, 7) ? 0 : db_col_i64(s, 7);
    f->uploaded_at = dj_arena_strdup(a, db_col_text(s, 8));
}

static int find_one(db_stmt *s, dj_arena *a, struct dj_file *out)
{
    if (!s)
        return DJ_EDB;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        file_from(s, a, out);
        rc = DJ_OK;
    } else if (rc == DB_DONE) {
        rc = DJ_ENOTFOUND;
    }
    db_done(s);
    return rc;
}

int dj_file_find(db_conn *c, dj_arena *a, const char *token, struct dj_file *out)
{
    if (!token || strlen(token) != DJ_FILE_TOKEN_LEN)
        return DJ_ENOTFOUND;
    db_stmt *s = db_prep(c, "SELECT " FILE_COLS " FROM files WHERE token = $1");
    if (s)
        db_bind_text(s, 1, token);
    return find_one(s, a, out);
}

int dj_file_find_key(db_conn *c, dj_arena *a, int64_t user_id, const char *key, struct dj_file *out)
{
    db_stmt *s = db_prep(c, "SELECT " FILE_COLS " FROM files WHERE uploaded_by = $1 AND client_key = $2");
    if (s)
        db_bind(s, "it", user_id, key);
    return find_one(s, a, out);
}

struct link_ref {
    const char *subject, *kind;
    int64_t record;
};

/* Asks each link's subject in turn; the statement that found the links is done by then
 * (the subjects' checks use the same connection). */
static int readable_through(dj_req *r, const struct link_ref *links, int n)
{
    for (int i = 0; i < n; i++) {
        const struct dj_file_subject *sub = dj_files_subject_find(links[i].subject);
        if (sub && sub->can_read && sub->can_read(r, links[i].record, links[i].kind) == DJ_OK)
            return DJ_OK;
    }
    return dj_fail(r, DJ_ENOTFOUND, "id", "找不到该文件，或您没有查看它的权限");
}

#define MAX_LINKS 50

static int collect_links(db_stmt *s, dj_req *r, struct link_ref *links, int col)
{
    int n = 0;
    do {
        if (db_col_null(s, col))
            continue;
        links[n].subject = dj_arena_strdup(r->arena, db_col_text(s, col));
        links[n].record = db_col_i64(s, col + 1);
        links[n].kind = dj_arena_strdup(r->arena, db_col_text(s, col + 2));
        n++;
    } while (n < MAX_LINKS && db_step(s) == DB_ROW);
    return n;
}

int dj_file_may_read(dj_req *r, const struct dj_file *f)
{
    if (r->user && f->uploaded_by && f->uploaded_by == r->user->id)
        return DJ_OK;
    db_stmt *s = db_prep(dj_db(r), "SELECT subject, record_id, kind FROM file_links WHERE file_id = $1 LIMIT 50");
    if (!s)
        return DJ_EDB;
    db_bind_i64(s, 1, f->id);
    struct link_ref links[MAX_LINKS];
    int n = 0, rc = db_step(s);
    if (rc == DB_ROW)
        n = collect_links(s, r, links, 0);
    db_done(s);
    if (rc != DB_ROW && rc != DB_DONE)
        return rc;
    return readable_through(r, links, n);
}

int dj_file_open_for(dj_req *r, const char *token, struct dj_file *out)
{
    if (!token || strlen(token) != DJ_FILE_TOKEN_LEN)
        return dj_fail(r, DJ_ENOTFOUND, "id", "找不到该文件，或您没有查看它的权限");
    /* the upload and its links in one statement: a thumbnail's hot path */
    db_stmt *s = db_prep(dj_db(r), "SELECT f.id, f.token, f.sha256, f.url, f.name, f.size, f.media_type, f.uploaded_by,"
                                   " f.uploaded_at, l.subject, l.record_id, l.kind"
                                   " FROM files f LEFT JOIN file_links l ON l.file_id = f.id WHERE f.token = $1 LIMIT 50");
    if (!s)
        return DJ_EDB;
    db_bind_text(s, 1, token);
    struct link_ref links[MAX_LINKS];
    int n = 0, rc = db_step(s);
    if (rc == DB_ROW) {
        file_from(s, r->arena, out);
        n = collect_links(s, r, links, 9);
    }
    db_done(s);
    if (rc == DB_DONE)
        return dj_fail(r, DJ_ENOTFOUND, "id", "找不到该文件，或您没有查看它的权限");
    if (rc != DB_ROW)
        return rc;
    if (r->user && out->uploaded_by && out->uploaded_by == r->user->id)
        return DJ_OK;
    return readable_through(r, links, n);
}

/* ---------------------------------------------------------------- links */

int dj_file_link(db_conn *c, int64_t file_id, const char *subject, int64_t record_id, const char *kind,
                 int64_t by_user, bool *created)
{
    int64_t n = 0;
    int rc = db_query_i64(c, &n, "SELECT COUNT(*) FROM file_links WHERE subject = $1 AND record_id = $2 AND file_id = $3",
                          "tii", subject, record_id, file_id);
    if (rc != DJ_OK)
        return rc;
    *created = n == 0;
    if (n)
        return db_exec(c, "UPDATE file_links SET kind = $4 WHERE subject = $1 AND record_id = $2 AND file_id = $3",
                       "tiit", subject, record_id, file_id, kind);
    char now[21];
    dj_time_iso(dj_now(), now);
    rc = db_exec(c,
                 "INSERT INTO file_links (file_id, subject, record_id, kind, linked_by, linked_at)"
                 " VALUES ($1, $2, $3, $4, $5, $6)",
                 "itit" "It", file_id, subject, record_id, kind, by_user, now);
    return rc ? rc : dj_files_run_link_hooks(c, file_id, subject, record_id, kind);
}

int dj_file_unlink(db_conn *c, int64_t file_id, const char *subject, int64_t record_id, bool *removed)
{
    int64_t n = 0;
    int rc = db_query_i64(c, &n, "SELECT COUNT(*) FROM file_links WHERE subject = $1 AND record_id = $2 AND file_id = $3",
                          "tii", subject, record_id, file_id);
    if (rc != DJ_OK)
        return rc;
    *removed = n > 0;
    if (!n)
        return DJ_OK;
    return db_exec(c, "DELETE FROM file_links WHERE subject = $1 AND record_id = $2 AND file_id = $3", "tii",
                   subject, record_id, file_id);
}

int dj_files_unlink_record(db_conn *c, const char *subject, int64_t record_id)
{
    return db_exec(c, "DELETE FROM file_links WHERE subject = $1 AND record_id = $2", "ti", subject, record_id);
}

static bool is_image(const char *mt)
{
    return mt && strncmp(mt, "image/", 6) == 0;
}

json_t *dj_file_json(const struct dj_file *f)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(f->token));
    json_object_set_new(o, "name", json_string(f->name));
    json_object_set_new(o, "size", json_integer((json_int_t)f->size));
    json_object_set_new(o, "media_type", f->media_type ? json_string(f->media_type) : json_null());
    json_object_set_new(o, "sha256", f->sha256[0] ? json_string(f->sha256) : json_null());
    json_object_set_new(o, "url", f->url ? json_string(f->url) : json_null());
    char path[80];
    if (f->sha256[0]) {
        snprintf(path, sizeof path, "/api/v1/files/%s", f->token);
        json_object_set_new(o, "href", json_string(path));
    } else {
        json_object_set_new(o, "href", json_null());
    }
    if (f->sha256[0] && is_image(f->media_type)) {
        snprintf(path, sizeof path, "/api/v1/files/%s/thumb", f->token);
        json_object_set_new(o, "thumb", json_string(path));
    } else {
        json_object_set_new(o, "thumb", json_null());
    }
    json_object_set_new(o, "uploaded_at", json_string(f->uploaded_at ? f->uploaded_at : ""));
    return o;
}

json_t *dj_files_of_record(db_conn *c, const char *subject, int64_t record_id, int *err)
{
    db_stmt *s = db_prep(c,
                         "SELECT f.id, f.token, f.sha256, f.url, f.name, f.size, f.media_type, f.uploaded_by,"
                         " f.uploaded_at, l.kind, u.name"
                         " FROM file_links l JOIN files f ON f.id = l.file_id LEFT JOIN users u ON u.id = f.uploaded_by"
                         " WHERE l.subject = $1 AND l.record_id = $2 ORDER BY l.linked_at, f.id");
    if (!s) {
        *err = DJ_EDB;
        return NULL;
    }
    db_bind(s, "ti", subject, record_id);
    json_t *items = json_array();
    dj_arena *a = dj_arena_new();
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        struct dj_file f;
        file_from(s, a, &f);
        json_t *o = dj_file_json(&f);
        json_object_set_new(o, "kind", json_string(db_col_text(s, 9)));
        const char *who = db_col_text(s, 10);
        json_object_set_new(o, "uploaded_by", who ? json_string(who) : json_null());
        json_array_append_new(items, o);
    }
    db_done(s);
    dj_arena_free(a);
    if (rc != DB_DONE) {
        json_decref(items);
        *err = rc;
        return NULL;
    }
    *err = DJ_OK;
    return items;
}

int dj_files_uploaded_since(db_conn *c, int64_t user_id, const char *since, int64_t *bytes)
{
    return db_query_i64(c, bytes,
                        "SELECT COALESCE(SUM(size), 0) FROM files"
                        " WHERE uploaded_by = $1 AND uploaded_at >= $2 AND sha256 IS NOT NULL",
                        "it", user_id, since);
}

/* ---------------------------------------------------------------- removal */

/* Blobs that no upload names and that are not the thumbnail of a blob an
 * upload names. */
#define ORPHAN_BLOBS                                                                                            \
    "SELECT b.sha256, b.store FROM file_blobs b"                                                                \
    " WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.sha256 = b.sha256)"                                     \
    " AND NOT EXISTS (SELECT 1 FROM file_thumbs t JOIN files f ON f.sha256 = t.sha256"                        \
    " WHERE t.thumb_sha256 = b.sha256) LIMIT 500"

static int remove_blobs(db_conn *c, int64_t *removed, dj_buf *dir_paths)
{
    json_t *rows = db_query_rows(c, NULL, ORPHAN_BLOBS, "");
    if (!rows)
        return DJ_EDB;
    int rc = DJ_OK;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        const char *sha = json_string_value(json_object_get(row, "sha256"));
        rc = db_exec(c, "DELETE FROM file_thumbs WHERE sha256 = $1 OR thumb_sha256 = $1", "t", sha);
        if (rc == DJ_OK)
            rc = db_exec(c, "DELETE FROM file_chunks WHERE sha256 = $1", "t", sha);
        if (rc == DJ_OK)
            rc = db_exec(c, "DELETE FROM file_blobs WHERE sha256 = $1", "t", sha);
        if (rc != DJ_OK)
            break;
        if (strcmp(json_string_value(json_object_get(row, "store")), "dir") == 0)
            dj_buf_printf(dir_paths, "%s\n", sha);
        (*removed)++;
    }
    json_decref(rows);
    return rc;
}

int dj_files_gc(db_conn *c, const char *older_than, int64_t *files_removed, int64_t *blobs_removed)
{
    *files_removed = *blobs_removed = 0;
    dj_buf dir_paths = {0};
    int rc = db_begin(c);
    if (rc == DJ_OK)
        rc = db_query_i64(c, files_removed,
                          "SELECT COUNT(*) FROM files WHERE uploaded_at < $1"
                          " AND NOT EXISTS (SELECT 1 FROM file_links l WHERE l.file_id = files.id)",
                          "t", older_than);
    if (rc == DJ_OK)
        rc = db_exec(c,
                     "DELETE FROM files WHERE uploaded_at < $1"
                     " AND NOT EXISTS (SELECT 1 FROM file_links l WHERE l.file_id = files.id)",
                     "t", older_than);
    /* a removed image frees its thumbnail only on the next round */
    for (int round = 0; rc == DJ_OK && round < 3; round++) {
        int64_t before = *blobs_removed;
        rc = remove_blobs(c, blobs_removed, &dir_paths);
        if (rc == DJ_OK && *blobs_removed == before)
            break;
    }
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if (rc == DJ_OK && dir_paths.len && dj_files_dir()) {
        /* the rows are gone for good: now the files may go */
        char *save, *line = strtok_r(dj_buf_cstr(&dir_paths), "\n", &save);
        for (; line; line = strtok_r(NULL, "\n", &save)) {
            char *p = dj_asprintf("%s/%.2s/%.2s/%s", dj_files_dir(), line, line + 2, line);
            unlink(p);
            free(p);
        }
    }
    dj_buf_free(&dir_paths);
    return rc;
}
