/* account.c - users, grants and passwords in the database. */
#include "account.h"

#include <string.h>

#include "../core/auth.h"
#include "../core/err.h"
#include "../core/timeutil.h"

int account_user_create(db_conn *c, const char *login, const char *name, const char *password_hash,
                        int64_t person_id, bool must_change, int64_t *id_out)
{
    char now[21];
    dj_time_iso(dj_now(), now);
    int64_t id = 0;
    int rc = db_query_i64(c, &id,
                          "INSERT INTO users (login, name, password_hash, person_id, must_change_password,"
                          " created_at, password_changed_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
                          "tttIbt", login, name, password_hash, person_id, must_change, now);
    if (rc == DJ_OK && id_out)
        *id_out = id;
    return rc;
}

int account_user_id(db_conn *c, const char *login, int64_t *id)
{
    return db_query_i64(c, id, "SELECT id FROM users WHERE login = $1", "t", login);
}

int account_grant(db_conn *c, int64_t user_id, const char *role, int64_t org_id)
{
    int64_t n = 0;
    db_query_i64(c, &n, "SELECT COUNT(*) FROM roles WHERE code = $1", "t", role);
    if (!n)
        return DJ_EINVAL;
    if (db_query_i64(c, &n, "SELECT id FROM orgs WHERE id = $1", "i", org_id) != DJ_OK)
        return DJ_ENOTFOUND;
    auth_cache_invalidate();
    return db_exec(c, "INSERT INTO grants (user_id, role, org_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                   "iti", user_id, role, org_id);
}

int account_revoke(db_conn *c, int64_t user_id, const char *role, int64_t org_id)
{
    auth_cache_invalidate();
    return db_exec(c, "DELETE FROM grants WHERE user_id = $1 AND role = $2 AND org_id = $3", "iti", user_id, role,
                   org_id);
}

int account_set_password(db_conn *c, int64_t user_id, const char *hash, bool must_change,
                         const char *keep_token_hash)
{
    char now[21];
    dj_time_iso(dj_now(), now);
    int rc = db_exec(c,
                     "UPDATE users SET password_hash = $1, must_change_password = $2, failed_logins = 0,"
                     " locked_until = 0, password_changed_at = $3 WHERE id = $4",
                     "tbti", hash, must_change, now, user_id);
    if (rc == DJ_OK)
        rc = db_exec(c, "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2", "it", user_id,
                     keep_token_hash ? keep_token_hash : "");
    auth_cache_invalidate();
    return rc;
}

json_t *account_session_json(dj_req *r, const char *csrf)
{
    struct dj_user *u = r->user;
    json_t *grants = json_array();
    for (int i = 0; i < u->ngrants; i++)
        json_array_append_new(grants, json_pack("{s:s, s:I, s:s}", "role", u->grants[i].role, "org_id",
                                                (json_int_t)u->grants[i].org_id, "org_name", u->grants[i].org_name));
    json_t *user = json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)u->id, "login", u->login, "name", u->name,
                             "must_change_password", u->must_change_password);
    json_object_set_new(user, "person_id", u->person_id ? json_integer(u->person_id) : json_null());
    char now[21];
    dj_time_iso(dj_now(), now);
    /* "now" is the server's clock: the web app takes today from it, not from the phone */
    return json_pack("{s:o, s:o, s:s, s:s}", "user", user, "grants", grants, "csrf_token", csrf, "now", now);
}
