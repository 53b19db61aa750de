/* audit.c - writing audit records. */
#include "audit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "err.h"
#include "timeutil.h"

int audit_write(db_conn *c, dj_req *r, const char *action, const char *entity, int64_t entity_id,
                const json_t *before, const json_t *after)
{
    char at[21];
    dj_time_iso(dj_now(), at);
    int64_t uid = r && r->user ? r->user->id : 0;
    const char *login = r && r->user ? r->user->login : (r ? "anonymous" : "cli");
    return db_exec(c,
                   "INSERT INTO audit (at, user_id, login, action, entity, entity_id, before, after, ip)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                   "tItttIjjt", at, uid, login, action, entity, entity_id, (json_t *)before, (json_t *)after,
                   r ? r->ip : NULL);
}

void audit_refusal(dj_req *r)
{
    if (!r->user)
        return;
    db_conn *c = dj_db(r);
    if (!c)
        return;
    json_t *what = json_pack("{s:s, s:s, s:s?, s:s?, s:s?}", "method", r->method, "path", r->path, "code",
                             r->err_code, "field", r->err_field, "message", r->err_message);
    audit_write(c, r, "forbidden", "request", 0, NULL, what);
    json_decref(what);
}

/* ---------------------------------------------------------------- records of reads, group-committed */

static int read_apply(db_conn *c, struct dj_batch_item *it, void *ctx)
{
    (void)ctx;
    struct dj_audit_read *a = it->data;
    dj_req *r = it->req;
    return db_exec(c,
                   "INSERT INTO audit (at, user_id, login, action, entity, entity_id, before, after, ip)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                   "tItttIjjt", a->at, r && r->user ? r->user->id : 0, r && r->user ? r->user->login : "anonymous",
                   a->action, a->entity, a->entity_id, (json_t *)NULL, a->after, r ? r->ip : NULL);
}

/* Binds item it's record as row `row` of a multi-row INSERT of AUDIT_READ_COLS columns. */
#define AUDIT_READ_COLS 9
static void read_bind(db_stmt *s, int row, struct dj_batch_item *it)
{
    struct dj_audit_read *a = it->data;
    dj_req *r = it->req;
    int at = row * AUDIT_READ_COLS;
    char *after = a->after && !json_is_null(a->after) ? json_dumps(a->after, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    db_bind_text(s, at + 1, a->at);
    db_bind_i64(s, at + 2, r && r->user ? r->user->id : 0);
    db_bind_text(s, at + 3, r && r->user ? r->user->login : "anonymous");
    db_bind_text(s, at + 4, a->action);
    db_bind_text(s, at + 5, a->entity);
    db_bind_i64(s, at + 6, a->entity_id);
    db_bind_null(s, at + 7);
    db_bind_text(s, at + 8, after);
    db_bind_text(s, at + 9, r ? r->ip : NULL);
    free(after);
}

/* The records of a batch, DB_VALUES_ROWS to a statement (read_apply's, row for row). */
static int read_apply_list(db_conn *c, struct dj_batch_item *list, void *ctx)
{
    (void)ctx;
    int rc = DJ_OK;
    while (list && rc == DJ_OK) {
        int n = 0;
        for (struct dj_batch_item *it = list; it && n < DB_VALUES_ROWS; it = it->next)
            n++;
        dj_buf sql = {0};
        db_values_sql(&sql, "INSERT INTO audit (at, user_id, login, action, entity, entity_id, before, after, ip)",
                      AUDIT_READ_COLS, n);
        db_stmt *s = db_prep_dynamic(c, dj_buf_cstr(&sql));
        dj_buf_free(&sql);
        if (!s)
            return db_prep_error();
        for (int i = 0; i < n; i++, list = list->next)
            read_bind(s, i, list);
        int st = db_step(s);
        db_done(s);
        rc = st == DB_DONE ? DJ_OK : st < 0 ? st : DJ_EDB;
    }
    return rc;
}

static pthread_once_t read_once = PTHREAD_ONCE_INIT;
static dj_batch *read_batch;

static void read_init(void)
{
    read_batch = dj_batch_new("audit-read", read_apply, NULL, 1024);
    dj_batch_set_list(read_batch, read_apply_list);
}

static int read_answer(dj_req *r)
{
    struct dj_audit_read *a = r->work_arg;
    if (a->item.rc != DJ_OK)
        return a->item.rc < 0 ? a->item.rc : DJ_EDB; /* no record, no answer */
    if (a->text) {
        dj_blob *body = a->text;
        a->text = NULL; /* the server's now */
        return dj_reply_blob(r, 200, "application/json; charset=utf-8", body);
    }
    return dj_reply_json(r, 200, json_incref(a->answer));
}

static void release_read(void *p)
{
    struct dj_audit_read *a = p;
    json_decref(a->after);
    json_decref(a->answer);
    dj_blob_unref(a->text);
}

static int read_submit(dj_req *r, struct dj_audit_read *a)
{
    pthread_once(&read_once, read_init);
    /* released however the request ends, even if the client goes away while queued */
    dj_on_done(r, release_read, a);
    dj_time_iso(dj_now(), a->at);
    a->item.data = a;
    r->work_arg = a;
    int rc = dj_batch_submit(read_batch, r, &a->item, read_answer);
    if (rc == DJ_EBUSY) { /* the queue is full: written here, then answered */
        a->item.rc = audit_write(dj_db(r), r, a->action, a->entity, a->entity_id, NULL, a->after);
        return read_answer(r);
    }
    return rc;
}

static struct dj_audit_read *read_new(dj_req *r, const char *action, const char *entity, int64_t entity_id,
                                      json_t *after)
{
    struct dj_audit_read *a = dj_arena_alloc(r->arena, sizeof *a);
    memset(a, 0, sizeof *a);
    a->action = action;
    a->entity = entity;
    a->entity_id = entity_id;
    a->after = after;
    return a;
}

int audit_read_reply(dj_req *r, const char *action, const char *entity, int64_t entity_id, json_t *after,
                     json_t *answer)
{
    struct dj_audit_read *a = read_new(r, action, entity, entity_id, after);
    a->answer = answer;
    return read_submit(r, a);
}

int audit_read_reply_blob(dj_req *r, const char *action, const char *entity, int64_t entity_id, json_t *after,
                          dj_blob *body)
{
    struct dj_audit_read *a = read_new(r, action, entity, entity_id, after);
    a->text = body;
    return read_submit(r, a);
}
