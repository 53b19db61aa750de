/* audit.h - the audit trail: who, when, what, before and after.  Every
 * change made through the API calls audit_write() inside the same
 * transaction as the change, so a change without its record cannot exist. */
#ifndef DJ_AUDIT_H
#define DJ_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "batch.h"
#include "db.h"
#include "http.h"

/* r may be NULL for changes made from the command line (actor "cli").
 * before/after are borrowed (not stolen); either may be NULL. */
int audit_write(db_conn *c, dj_req *r, const char *action, const char *entity, int64_t entity_id,
                const json_t *before, const json_t *after);

/* Answers 200 with answer once the record of a read (someone's private data
 * seen) is on disk.  The record goes through a group commit (batch.h): the
 * request is suspended meanwhile (its thread serves others), and the records
 * of the reads arriving together share one transaction and one flush.  No
 * record, no answer: an error then.  after and answer are stolen.  Returns
 * DJ_DEFERRED (return it from the handler) or the answer's code. */
struct dj_audit_read {
    struct dj_batch_item item;
    const char *action, *entity;
    int64_t entity_id;
    json_t *after, *answer;
    dj_blob *text; /* or the answer's JSON text (a reference: a kept page, mem.h) */
    char at[21];
};
int audit_read_reply(dj_req *r, const char *action, const char *entity, int64_t entity_id, json_t *after,
                     json_t *answer);
/* The same with the answer as JSON text already written (the reference is taken). */
int audit_read_reply_blob(dj_req *r, const char *action, const char *entity, int64_t entity_id, json_t *after,
                          dj_blob *body);

/* Records a refusal (403: no permission, out of scope, a wrong CSRF token) of
 * a signed-in request, in its own statement: who asked for what and why not. */
void audit_refusal(dj_req *r);

#endif
