/* audit.c - writing audit records. */
#include "audit.h"

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
