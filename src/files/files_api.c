/* files_api.c - the file store's routes: upload (files_upload.c), the
 * attachments of records, download with ETag and Range, thumbnails
 * (files_thumb.c), attaching and detaching, and links to published pages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/audit.h"
#include "../core/err.h"
#include "files_api.h"
#include "files_int.h"

int files_target(dj_req *r, const char *subject, const char *record, const char *kind,
                 const struct dj_file_subject **sub, int64_t *rec, const char **kind_out);

/* The file of the :id parameter, if the caller may read it. */
static int load_file(dj_req *r, struct dj_file *f)
{
    return dj_file_open_for(r, dj_param(r, "id"), f);
}

/* ---------------------------------------------------------------- lists */

/* GET /files?subject=activity&record=12[,13,…]: the attachments of records
 * the caller may read, each with its record_id. */
static int files_list(dj_req *r)
{
    const char *subject = dj_query(r, "subject"), *records = dj_query(r, "record");
    const struct dj_file_subject *sub = dj_files_subject_find(subject);
    if (!sub)
        return dj_fail(r, DJ_EINVAL, "subject", "请给出记录类型 subject（如 activity）");
    if (!records || !*records)
        return dj_fail(r, DJ_EINVAL, "record", "请给出记录编号 record（可用逗号分隔多个）");
    json_t *items = json_array();
    int n = 0, rc = DJ_OK;
    char *list = dj_arena_strdup(r->arena, records), *save;
    for (char *tok = strtok_r(list, ",", &save); tok && rc == DJ_OK; tok = strtok_r(NULL, ",", &save)) {
        char *end;
        long long rec = strtoll(tok, &end, 10);
        if (*end || rec <= 0 || ++n > 100) {
            rc = dj_fail(r, DJ_EINVAL, "record", "记录编号应为正整数，一次最多 100 个");
            break;
        }
        if (sub->can_read(r, rec, NULL) != DJ_OK) {
            rc = dj_fail(r, DJ_ENOTFOUND, "record", "找不到编号为 %lld 的%s，或您没有查看它的权限", rec, sub->label);
            break;
        }
        json_t *mine = dj_files_of_record(dj_db(r), sub->name, rec, &rc);
        if (!mine)
            break;
        size_t i;
        json_t *it;
        json_array_foreach(mine, i, it) {
            const char *kind = json_string_value(json_object_get(it, "kind"));
            if (sub->can_read(r, rec, kind) != DJ_OK)
                continue; /* a kind more private than the record (an application form) */
            json_object_set_new(it, "record_id", json_integer(rec));
            json_array_append(items, it);
        }
        json_decref(mine);
    }
    if (rc != DJ_OK) {
        json_decref(items);
        return rc;
    }
    return dj_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* GET /files/:id/meta */
static int file_meta(dj_req *r)
{
    struct dj_file f;
    int rc = load_file(r, &f);
    if (rc != DJ_OK)
        return rc;
    return dj_reply_json(r, 200, dj_file_json(&f));
}

/* ---------------------------------------------------------------- download */

struct reader {
    char sha256[65];
    uint64_t start;
    int64_t seq; /* the piece in buf; -1 none */
    dj_buf buf;
};

static long read_piece(void *arg, uint64_t pos, char *out, size_t max)
{
    struct reader *rd = arg;
    uint64_t abs = rd->start + pos;
    int64_t seq = (int64_t)(abs / DJ_FILE_CHUNK);
    if (seq != rd->seq) {
        db_conn *c = db_thread();
        if (!c || dj_file_chunk_get(c, rd->sha256, seq, &rd->buf) != DJ_OK)
            return -1;
        rd->seq = seq;
    }
    size_t off = (size_t)(abs % DJ_FILE_CHUNK);
    if (off >= rd->buf.len)
        return -1;
    size_t n = rd->buf.len - off < max ? rd->buf.len - off : max;
    memcpy(out, rd->buf.data + off, n);
    return (long)n;
}

static void reader_free(void *arg)
{
    struct reader *rd = arg;
    dj_buf_free(&rd->buf);
    free(rd);
}

static bool etag_matches(const char *h, const char *etag)
{
    if (!h)
        return false;
    if (strcmp(h, "*") == 0)
        return true;
    return strstr(h, etag) != NULL;
}

/* GET /files/:id [?inline=1]: the bytes, with the name, ETag and Range. */
static int file_download(dj_req *r)
{
    struct dj_file f;
    int rc = load_file(r, &f);
    if (rc != DJ_OK)
        return rc;
    if (!f.sha256[0])
        return dj_fail(r, DJ_ENOTFOUND, "id", "该附件只登记了名称或链接，没有上传文件内容");
    struct dj_file_blob b;
    if ((rc = dj_file_blob_get(dj_db(r), f.sha256, &b)) != DJ_OK)
        return rc == DJ_ENOTFOUND ? dj_fail(r, DJ_ENOTFOUND, "id", "文件内容已不存在") : rc;
    char etag[70];
    snprintf(etag, sizeof etag, "\"%s\"", b.sha256);
    dj_add_header(r, "ETag", etag);
    dj_add_header(r, "Cache-Control", "private, no-cache");
    if (etag_matches(dj_header(r, "If-None-Match"), etag))
        return dj_reply_empty(r, 304);
    dj_add_header(r, "Accept-Ranges", "bytes");
    uint64_t start = 0, end = b.size ? b.size - 1 : 0;
    const char *range = dj_header(r, "Range"), *if_range = dj_header(r, "If-Range");
    int kind = (if_range && strcmp(if_range, etag) != 0) ? 0 : files_range(range, b.size, &start, &end);
    char cr[80];
    if (kind < 0) {
        snprintf(cr, sizeof cr, "bytes */%llu", (unsigned long long)b.size);
        rc = dj_fail(r, DJ_ERANGE, "Range", "请求的范围超出文件大小（%llu 字节）", (unsigned long long)b.size);
        dj_add_header(r, "Content-Range", cr);
        return rc;
    }
    const struct files_type *t = files_type_by_mime(b.media_type);
    const char *q = dj_query(r, "inline");
    bool show = q && strcmp(q, "1") == 0 && t && (t->flags & FT_INLINE);
    char *disp = files_disposition(f.name, show);
    dj_add_header(r, "Content-Disposition", disp);
    free(disp);
    int status = 200;
    if (kind > 0) {
        status = 206;
        snprintf(cr, sizeof cr, "bytes %llu-%llu/%llu", (unsigned long long)start, (unsigned long long)end,
                 (unsigned long long)b.size);
        dj_add_header(r, "Content-Range", cr);
    }
    uint64_t len = b.size ? end - start + 1 : 0;
    const char *ctype = dj_arena_strdup(r->arena, b.media_type);
    if (b.in_dir) {
        int fd = dj_file_blob_open(&b);
        if (fd < 0)
            return dj_fail(r, DJ_EINTERNAL, NULL, "文件目录中找不到该文件，请联系管理员");
        return dj_reply_fd(r, status, ctype, fd, start, len);
    }
    struct reader *rd = dj_calloc(1, sizeof *rd);
    snprintf(rd->sha256, sizeof rd->sha256, "%s", b.sha256);
    rd->start = start;
    rd->seq = -1;
    if (len == 0 || start / DJ_FILE_CHUNK == (start + len - 1) / DJ_FILE_CHUNK) {
        /* within one piece: read it now and answer from memory */
        char *copy = dj_malloc(len ? len : 1);
        long got = len ? read_piece(rd, 0, copy, len) : 0;
        reader_free(rd);
        if (got != (long)len) {
            free(copy);
            return dj_fail(r, DJ_EINTERNAL, NULL, "读取文件失败");
        }
        return dj_reply_heap(r, status, ctype, copy, len);
    }
    return dj_reply_stream(r, status, ctype, len, read_piece, rd, reader_free);
}

/* GET /files/:id/thumb */
static int file_thumb(dj_req *r)
{
    struct dj_file f;
    int rc = load_file(r, &f);
    if (rc != DJ_OK)
        return rc;
    const struct files_type *t = files_type_by_mime(f.media_type);
    if (!f.sha256[0] || !t || !(t->flags & FT_IMAGE))
        return dj_fail(r, DJ_ENOTFOUND, "id", "该文件不是图片，没有缩略图");
    return files_thumb_reply(r, &f);
}

/* ---------------------------------------------------------------- links */

static const struct dj_jfield link_spec[] = {
    {"subject", "记录类型", DJ_J_STR, DJ_J_REQ, 1, 40, NULL},
    {"record_id", "记录编号", DJ_J_ID, DJ_J_REQ | DJ_J_UNSCOPED, 0, 0, NULL}, /* its subject's attach rule checks it (target_from) */
    {"kind", "附件类别", DJ_J_STR, 0, 1, 30, NULL},
    {NULL},
};

static int target_from(dj_req *r, const json_t *in, const struct dj_file_subject **sub, int64_t *rec,
                       const char **kind)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)dj_jint(in, "record_id", 0));
    return files_target(r, dj_jstr(in, "subject", NULL), id, dj_jstr(in, "kind", NULL), sub, rec, kind);
}

/* POST /files/:id/links {subject, record_id, kind}: attach a file the caller may read. */
static int file_link(dj_req *r)
{
    struct dj_file f;
    int rc = load_file(r, &f);
    if (rc != DJ_OK)
        return rc;
    json_t *in;
    if ((rc = dj_body_json(r, link_spec, &in)) != DJ_OK)
        return rc;
    const struct dj_file_subject *sub;
    int64_t rec = 0;
    const char *kind = NULL;
    rc = target_from(r, in, &sub, &rec, &kind);
    bool created = false;
    db_conn *c = dj_db(r);
    if (rc == DJ_OK && (rc = db_begin(c)) == DJ_OK) {
        rc = dj_file_link(c, f.id, sub->name, rec, kind, r->user->id, &created);
        if (rc == DJ_OK && created)
            rc = audit_write(c, r, "link", "file", f.id, NULL, in);
        rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    }
    json_t *o = NULL;
    if (rc == DJ_OK) {
        o = dj_file_json(&f);
        json_object_set_new(o, "kind", json_string(kind));
        json_object_set_new(o, "record_id", json_integer(rec));
    }
    json_decref(in);
    return rc == DJ_OK ? dj_reply_json(r, created ? 201 : 200, o) : rc;
}

/* DELETE /files/:id/links/:subject/:record: detach (the file stays for other records). */
static int file_unlink(dj_req *r)
{
    struct dj_file f;
    int rc = dj_file_find(dj_db(r), r->arena, dj_param(r, "id"), &f);
    if (rc != DJ_OK)
        return rc == DJ_ENOTFOUND ? dj_fail(r, DJ_ENOTFOUND, "id", "找不到该文件") : rc;
    const struct dj_file_subject *sub;
    int64_t rec = 0;
    const char *kind = NULL;
    if ((rc = files_target(r, dj_param(r, "subject"), dj_param(r, "record"), NULL, &sub, &rec, &kind)) != DJ_OK)
        return rc;
    db_conn *c = dj_db(r);
    bool removed = false;
    if ((rc = db_begin(c)) != DJ_OK)
        return rc;
    rc = dj_file_unlink(c, f.id, sub->name, rec, &removed);
    if (rc == DJ_OK && removed) {
        json_t *before = json_pack("{s:s, s:I}", "subject", sub->name, "record_id", (json_int_t)rec);
        rc = audit_write(c, r, "unlink", "file", f.id, before, NULL);
        json_decref(before);
    }
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if (rc != DJ_OK)
        return rc;
    if (!removed)
        return dj_fail(r, DJ_ENOTFOUND, "id", "该文件不是这条%s的附件", sub->label);
    return dj_reply_empty(r, 204);
}

/* POST /files/url {subject, record_id, kind, name, url}: a published page as an attachment. */
static int file_url(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"subject", "记录类型", DJ_J_STR, DJ_J_REQ, 1, 40, NULL},
        {"record_id", "记录编号", DJ_J_ID, DJ_J_REQ | DJ_J_UNSCOPED, 0, 0, NULL}, /* its subject's attach rule checks it (target_from) */
        {"kind", "附件类别", DJ_J_STR, 0, 1, 30, NULL},
        {"name", "名称", DJ_J_STR, DJ_J_REQ, 1, 120, NULL},
        {"url", "链接", DJ_J_STR, DJ_J_REQ, 10, 1000, NULL},
        {NULL},
    };
    json_t *in;
    int rc = dj_body_json(r, spec, &in);
    if (rc != DJ_OK)
        return rc;
    const char *url = dj_jstr(in, "url", "");
    const struct dj_file_subject *sub;
    int64_t rec = 0, id = 0;
    const char *kind = NULL;
    if (strncasecmp(url, "https://", 8) != 0 && strncasecmp(url, "http://", 7) != 0)
        rc = dj_fail(r, DJ_EINVAL, "url", "链接应以 http:// 或 https:// 开头");
    for (const char *p = url; rc == DJ_OK && *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '"' || *p == '<' || *p == '>')
            rc = dj_fail(r, DJ_EINVAL, "url", "链接中不能有空格或引号");
    if (rc == DJ_OK)
        rc = target_from(r, in, &sub, &rec, &kind);
    char *name = files_clean_name(dj_jstr(in, "name", ""));
    char token[DJ_FILE_TOKEN_LEN + 1] = "";
    db_conn *c = dj_db(r);
    bool created = false;
    if (rc == DJ_OK && (rc = db_begin(c)) == DJ_OK) {
        struct dj_file_new nf = {NULL, url, name, 0, NULL, r->user->id, NULL};
        rc = dj_file_insert(c, &nf, &id, token);
        if (rc == DJ_OK)
            rc = dj_file_link(c, id, sub->name, rec, kind, r->user->id, &created);
        if (rc == DJ_OK)
            rc = audit_write(c, r, "create", "file", id, NULL, in);
        rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    }
    json_t *o = NULL;
    if (rc == DJ_OK) {
        struct dj_file f = {.id = id, .name = name, .url = url, .uploaded_by = r->user->id, .uploaded_at = ""};
        snprintf(f.token, sizeof f.token, "%s", token);
        o = dj_file_json(&f);
        json_object_set_new(o, "kind", json_string(kind));
        json_object_set_new(o, "record_id", json_integer(rec));
    }
    free(name);
    json_decref(in);
    return rc == DJ_OK ? dj_reply_json(r, 201, o) : rc;
}

const struct dj_route files_routes[] = {
    /* the body streams to files_upload_stream; the real limit comes from the settings */
    {"POST", "/api/v1/files", files_upload_finish, NULL, DJ_ROUTE_ANY_BODY, (size_t)4 << 30, files_upload_stream},
    {"GET", "/api/v1/files", files_list, NULL, 0, 0, NULL},
    {"POST", "/api/v1/files/url", file_url, NULL, 0, 8192, NULL},
    {"GET", "/api/v1/files/:id", file_download, NULL, 0, 0, NULL},
    {"GET", "/api/v1/files/:id/meta", file_meta, NULL, 0, 0, NULL},
    {"GET", "/api/v1/files/:id/thumb", file_thumb, NULL, 0, 0, NULL},
    {"POST", "/api/v1/files/:id/links", file_link, NULL, 0, 4096, NULL},
    {"DELETE", "/api/v1/files/:id/links/:subject/:record", file_unlink, NULL, 0, 0, NULL},
    {0},
};

void files_module_free(void)
{
    files_thumb_cache_free();
}
