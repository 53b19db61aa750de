/* files_upload.c - POST /api/v1/files: an upload read as it arrives, either
 * a raw body (Content-Type and ?name=) or multipart/form-data (the part with
 * a file name), written to the store's temporary file piece by piece.
 *
 * Before a byte of the body is read: the record to attach to and the
 * caller's right to attach to it, a replay of an upload already made with
 * the same Idempotency-Key (answered without reading the body again), the
 * size limits and the day's quota against Content-Length.  From the first
 * 64 KiB: the media type (libmagic), so a refused type stops being written
 * there.  At the end, in one transaction: the bytes (unless the same content
 * is stored), the upload, its link and the audit record.  A client that goes
 * away leaves nothing: the temporary file vanishes with the request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/audit.h"
#include "../core/err.h"
#include "../core/multipart.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "files_int.h"

#define HEAD (64u * 1024u)
#define MIB (1024u * 1024u)

struct upload {
    dj_file_writer *w;
    dj_multipart *mp;
    bool in_file, have_file;
    char *name;            /* heap */
    char *claimed;         /* heap; NULL: none */
    unsigned char head[HEAD];
    size_t nhead;
    const struct files_type *type;
    uint64_t max_file, max_video;
    const struct dj_file_subject *subject;
    int64_t record;
    char kind[32];
    char key[72];
    dj_req *r;
};

static void upload_free(void *arg)
{
    struct upload *u = arg;
    dj_file_writer_free(u->w);
    dj_multipart_free(u->mp);
    free(u->name);
    free(u->claimed);
    free(u);
}

static int mb_limit(uint64_t bytes)
{
    return (int)(bytes / MIB);
}

/* ---------------------------------------------------------------- the attach target */

/* ?subject=&record=&kind= : where the upload goes, and may the caller put it there. */
int files_target(dj_req *r, const char *subject, const char *record, const char *kind,
                 const struct dj_file_subject **sub, int64_t *rec, const char **kind_out)
{
    *sub = NULL;
    if (!subject || !*subject) {
        if (record && *record)
            return dj_fail(r, DJ_EINVAL, "subject", "给出了记录编号，请同时给出记录类型 subject");
        return DJ_OK;
    }
    *sub = dj_files_subject_find(subject);
    if (!*sub)
        return dj_fail(r, DJ_EINVAL, "subject", "不能向“%.40s”类记录添加附件", subject);
    char *end;
    long long id = record ? strtoll(record, &end, 10) : 0;
    if (!record || !*record || *end || id <= 0)
        return dj_fail(r, DJ_EINVAL, "record", "请给出要添加附件的%s编号", (*sub)->label);
    *rec = id;
    if (!kind || !*kind)
        kind = (*sub)->kinds ? (*sub)->kinds[0] : "other";
    if (!dj_files_kind_ok(*sub, kind))
        return dj_fail(r, DJ_EINVAL, "kind", "%s的附件没有“%.40s”这一类", (*sub)->label, kind);
    *kind_out = kind;
    return (*sub)->can_attach(r, id);
}

static bool key_ok(const char *k)
{
    size_t n = strlen(k);
    if (n < 8 || n > 64)
        return false;
    for (const char *p = k; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
              *p == '_'))
            return false;
    return true;
}

/* Links f to the upload's record in a transaction, with its audit record. */
static int link_audited(dj_req *r, int64_t file_id, const struct dj_file_subject *sub, int64_t rec,
                        const char *kind, bool *created)
{
    db_conn *c = dj_db(r);
    int rc = db_begin(c);
    if (rc == DJ_OK)
        rc = dj_file_link(c, file_id, sub->name, rec, kind, r->user->id, created);
    if (rc == DJ_OK && *created) {
        json_t *after = json_pack("{s:s, s:I, s:s}", "subject", sub->name, "record_id", (json_int_t)rec, "kind", kind);
        rc = audit_write(c, r, "link", "file", file_id, NULL, after);
        json_decref(after);
    }
    return rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
}

/* The same upload again (the client did not get the first answer): answer it. */
static int replay(dj_req *r, struct upload *u, const struct dj_file *f)
{
    bool created = false;
    int rc = u->subject ? link_audited(r, f->id, u->subject, u->record, u->kind, &created) : DJ_OK;
    if (rc != DJ_OK)
        return rc;
    json_t *o = dj_file_json(f);
    json_object_set_new(o, "replayed", json_true());
    if (u->subject)
        json_object_set_new(o, "kind", json_string(u->kind));
    dj_reply_json(r, 200, o);
    return DJ_STREAM_ANSWERED;
}

static int quota_check(dj_req *r, uint64_t adding)
{
    db_conn *c = dj_db(r);
    int64_t quota = dj_setting_int(c, "files.daily_quota_mb", 500) * MIB, used = 0;
    int y, m, d;
    dj_local_date(dj_now(), &y, &m, &d);
    char since[21];
    dj_time_iso(dj_local_midnight(y, m, d), since);
    int rc = dj_files_uploaded_since(c, r->user->id, since, &used);
    if (rc != DJ_OK)
        return rc;
    if ((uint64_t)used + adding > (uint64_t)quota)
        return dj_fail_code(r, DJ_ETOOLARGE, "quota_exceeded", NULL,
                            "今天的上传量已达每人每日 %lld MB 的上限（已上传 %.1f MB），请明天再传或联系管理员",
                            (long long)(quota / MIB), (double)used / MIB);
    return DJ_OK;
}

static bool video_by_name(const char *name)
{
    char ext[16];
    files_ext(name, ext);
    const struct files_type *t = files_type_by_mime("video/mp4");
    for (const char *const *e = t->exts; *e; e++)
        if (strcmp(*e, ext) == 0)
            return true;
    return false;
}

static int start(dj_req *r)
{
    struct upload *u = dj_calloc(1, sizeof *u);
    u->r = r;
    r->stream_state = u;
    dj_on_done(r, upload_free, u);
    const char *kind = NULL;
    int rc = files_target(r, dj_query(r, "subject"), dj_query(r, "record"), dj_query(r, "kind"), &u->subject,
                          &u->record, &kind);
    if (rc != DJ_OK)
        return rc;
    if (kind)
        snprintf(u->kind, sizeof u->kind, "%s", kind);
    const char *key = dj_header(r, "Idempotency-Key");
    if (key) {
        if (!key_ok(key))
            return dj_fail(r, DJ_EINVAL, "Idempotency-Key", "Idempotency-Key 应为 8 到 64 个字母、数字、- 或 _");
        snprintf(u->key, sizeof u->key, "%s", key);
        struct dj_file f;
        rc = dj_file_find_key(dj_db(r), r->arena, r->user->id, key, &f);
        if (rc == DJ_OK)
            return replay(r, u, &f);
        if (rc != DJ_ENOTFOUND)
            return rc;
    }
    db_conn *c = dj_db(r);
    u->max_file = (uint64_t)dj_setting_int(c, "files.max_file_mb", 20) * MIB;
    u->max_video = (uint64_t)dj_setting_int(c, "files.max_video_mb", 200) * MIB;
    const char *ct = dj_header(r, "Content-Type");
    char boundary[80];
    if (dj_multipart_boundary(ct, boundary)) {
        r->body_limit = (u->max_video > u->max_file ? u->max_video : u->max_file) + 64 * 1024;
    } else {
        if (ct && strncasecmp(ct, "multipart/", 10) == 0)
            return dj_fail(r, DJ_EINVAL, "Content-Type", "multipart/form-data 请求缺少 boundary");
        const char *name = dj_query(r, "name");
        if (!name || !*name)
            return dj_fail(r, DJ_EINVAL, "name", "请在地址参数 name 中给出文件名");
        u->name = files_clean_name(name);
        u->have_file = u->in_file = true;
        if (ct && *ct && strncasecmp(ct, "application/octet-stream", 24) != 0)
            u->claimed = dj_strndup(ct, strcspn(ct, ";"));
        bool video = (u->claimed && strncasecmp(u->claimed, "video/", 6) == 0) || video_by_name(u->name);
        r->body_limit = video ? u->max_video : u->max_file;
        if (r->content_length > 0 && (uint64_t)r->content_length > r->body_limit)
            return dj_fail(r, DJ_ETOOLARGE, NULL, "文件超过 %d MB 的上限%s", mb_limit(r->body_limit),
                           video ? "（视频）" : "；视频可达更大的上限");
    }
    if (r->content_length == 0)
        return dj_fail(r, DJ_EINVAL, NULL, "文件是空的");
    if (r->content_length > 0 && (rc = quota_check(r, (uint64_t)r->content_length)) != DJ_OK)
        return rc;
    u->w = dj_file_writer_new();
    if (!u->w)
        return dj_fail(r, DJ_EINTERNAL, NULL, "服务器无法暂存上传的文件，请稍后重试");
    return DJ_OK;
}

/* ---------------------------------------------------------------- the bytes */

static int decide(struct upload *u)
{
    dj_req *r = u->r;
    const char *why = NULL;
    const char *magic = files_magic(u->head, u->nhead);
    u->type = files_type_decide(magic, u->head, u->nhead, u->name, u->claimed, &why);
    if (!u->type)
        return dj_fail(r, DJ_EMEDIA, "file", "%s", why);
    uint64_t limit = (u->type->flags & FT_VIDEO) ? u->max_video : u->max_file;
    uint64_t known = r->content_length > 0 ? (uint64_t)r->content_length : 0;
    if (dj_file_writer_size(u->w) + u->nhead > limit || (!u->mp && known > limit))
        return dj_fail(r, DJ_ETOOLARGE, "file", "%s超过 %d MB 的上限", u->type->label, mb_limit(limit));
    return dj_file_writer_add(u->w, u->head, u->nhead);
}

static int feed(struct upload *u, const char *p, size_t n)
{
    dj_req *r = u->r;
    if (!u->type) {
        size_t take = n < HEAD - u->nhead ? n : HEAD - u->nhead;
        memcpy(u->head + u->nhead, p, take);
        u->nhead += take;
        p += take;
        n -= take;
        if (u->nhead < HEAD)
            return DJ_OK;
        int rc = decide(u);
        if (rc != DJ_OK)
            return rc;
    }
    uint64_t limit = (u->type->flags & FT_VIDEO) ? u->max_video : u->max_file;
    if (dj_file_writer_size(u->w) + n > limit)
        return dj_fail(r, DJ_ETOOLARGE, "file", "%s超过 %d MB 的上限", u->type->label, mb_limit(limit));
    if (dj_file_writer_add(u->w, p, n) != DJ_OK)
        return dj_fail(r, DJ_EINTERNAL, NULL, "服务器暂存文件失败，请稍后重试");
    return DJ_OK;
}

static int mp_part(void *cls, const char *name, const char *filename, const char *ctype)
{
    struct upload *u = cls;
    (void)name;
    if (!filename)
        return DJ_OK; /* a plain form field: not needed */
    if (u->have_file)
        return dj_fail(u->r, DJ_EINVAL, "file", "一次只能上传一个文件");
    u->have_file = u->in_file = true;
    u->name = files_clean_name(filename);
    if (ctype && *ctype && strncasecmp(ctype, "application/octet-stream", 24) != 0)
        u->claimed = dj_strndup(ctype, strcspn(ctype, ";"));
    return DJ_OK;
}

static int mp_data(void *cls, const char *p, size_t n)
{
    struct upload *u = cls;
    return u->in_file ? feed(u, p, n) : DJ_OK;
}

static int mp_end(void *cls)
{
    struct upload *u = cls;
    u->in_file = false;
    return DJ_OK;
}

static const struct dj_multipart_cb mp_cb = {mp_part, mp_data, mp_end};

int files_upload_stream(dj_req *r, const char *data, size_t len)
{
    if (!data)
        return start(r);
    struct upload *u = r->stream_state;
    if (!u->mp && !u->in_file) {
        char boundary[80];
        if (!dj_multipart_boundary(dj_header(r, "Content-Type"), boundary))
            return dj_fail(r, DJ_EINVAL, NULL, "上传内容有误");
        u->mp = dj_multipart_new(boundary, &mp_cb, u);
    }
    if (!u->mp)
        return feed(u, data, len);
    int rc = dj_multipart_feed(u->mp, data, len);
    if (rc == DJ_EINVAL && !r->err_message)
        return dj_fail(r, DJ_EINVAL, NULL, "multipart/form-data 格式有误");
    return rc;
}

/* ---------------------------------------------------------------- the end */

static int store(dj_req *r, struct upload *u, const char *sha, int64_t *id, char token[DJ_FILE_TOKEN_LEN + 1])
{
    db_conn *c = dj_db(r);
    struct dj_file_new nf = {sha, NULL, u->name, dj_file_writer_size(u->w), u->type->mime, r->user->id,
                             u->key[0] ? u->key : NULL};
    int rc = db_begin(c);
    if (rc == DJ_OK)
        rc = dj_file_writer_store(c, u->w, u->type->mime);
    if (rc == DJ_OK)
        rc = dj_file_insert(c, &nf, id, token);
    bool created = false;
    if (rc == DJ_OK && u->subject)
        rc = dj_file_link(c, *id, u->subject->name, u->record, u->kind, r->user->id, &created);
    if (rc == DJ_OK) {
        json_t *after = json_pack("{s:s, s:I, s:s, s:s}", "name", u->name, "size", (json_int_t)nf.size,
                                  "media_type", u->type->mime, "sha256", sha);
        if (u->subject) {
            json_object_set_new(after, "subject", json_string(u->subject->name));
            json_object_set_new(after, "record_id", json_integer(u->record));
            json_object_set_new(after, "kind", json_string(u->kind));
        }
        rc = audit_write(c, r, "upload", "file", *id, NULL, after);
        json_decref(after);
    }
    return rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
}

/* The bytes go into the store on the worker pool: the request threads keep
 * receiving other uploads meanwhile (SQLite takes one writer at a time). */
struct store_job {
    dj_req *r;
    struct upload *u;
    char sha[65];
    char token[DJ_FILE_TOKEN_LEN + 1];
    int64_t id;
    int rc;
};

static void store_run(void *arg)
{
    struct store_job *j = arg;
    for (int attempt = 0;; attempt++) {
        j->rc = store(j->r, j->u, j->sha, &j->id, j->token);
        if (j->rc != DJ_EBUSY || attempt == 4)
            break;
    }
}

static int store_done(dj_req *r)
{
    struct store_job *j = r->work_arg;
    struct upload *u = j->u;
    int rc = j->rc;
    if (rc == DJ_ECONFLICT && u->key[0]) {
        /* the same key won a race in another request: that upload is this one */
        struct dj_file f;
        if (dj_file_find_key(dj_db(r), r->arena, r->user->id, u->key, &f) == DJ_OK) {
            rc = replay(r, u, &f);
            return rc == DJ_STREAM_ANSWERED ? DJ_OK : rc;
        }
    }
    if (rc != DJ_OK)
        return rc == DJ_EBUSY ? dj_fail(r, DJ_EBUSY, NULL, "系统繁忙，文件未保存，请重试") : rc;
    struct dj_file f = {.id = j->id, .name = u->name, .media_type = u->type->mime, .size = dj_file_writer_size(u->w),
                        .uploaded_by = r->user->id};
    snprintf(f.token, sizeof f.token, "%s", j->token);
    snprintf(f.sha256, sizeof f.sha256, "%s", j->sha);
    char now[21];
    dj_time_iso(dj_now(), now);
    f.uploaded_at = now;
    json_t *o = dj_file_json(&f);
    if (u->subject)
        json_object_set_new(o, "kind", json_string(u->kind));
    return dj_reply_json(r, 201, o);
}

int files_upload_finish(dj_req *r)
{
    struct upload *u = r->stream_state;
    if (u->mp && !dj_multipart_done(u->mp))
        return dj_fail(r, DJ_EINVAL, "file", "上传内容不完整，请重新上传");
    if (!u->have_file)
        return dj_fail(r, DJ_EINVAL, "file", "没有找到要上传的文件（表单中带文件名的部分）");
    if (dj_file_writer_size(u->w) + (u->type ? 0 : u->nhead) == 0)
        return dj_fail(r, DJ_EINVAL, "file", "文件是空的");
    int rc;
    if (!u->type && (rc = decide(u)) != DJ_OK)
        return rc;
    if ((rc = quota_check(r, r->content_length > 0 ? 0 : dj_file_writer_size(u->w))) != DJ_OK)
        return rc;
    struct store_job *j = dj_calloc(1, sizeof *j);
    j->r = r;
    j->u = u;
    dj_file_writer_finish(u->w, j->sha);
    dj_on_done(r, free, j);
    return dj_defer(r, store_run, j, store_done);
}
