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

static pthread_once_t read_once = PTHREAD_ONCE_INIT;
static dj_batch *read_batch;

static void read_init(void)
{
    read_batch = dj_batch_new("audit-read", read_apply, NULL, 1024);
}

static int read_answer(dj_req *r)
{
    struct dj_audit_read *a = r->work_arg;
    if (a->item.rc != DJ_OK)
        return a->item.rc < 0 ? a->item.rc : DJ_EDB; /* no record, no answer */
    if (a->text) {
        char *body = a->text;
        a->text = NULL; /* the server's now */
        return dj_reply_heap(r, 200, "application/json; charset=utf-8", body, a->text_len);
    }
    return dj_reply_json(r, 200, json_incref(a->answer));
}

static void release_read(void *p)
{
    struct dj_audit_read *a = p;
    json_decref(a->after);
    json_decref(a->answer);
    free(a->text);
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

int audit_read_reply_text(dj_req *r, const char *action, const char *entity, int64_t entity_id, json_t *after,
                          char *body, size_t len)
{
    struct dj_audit_read *a = read_new(r, action, entity, entity_id, after);
    a->text = body;
    a->text_len = len;
    return read_submit(r, a);
}
