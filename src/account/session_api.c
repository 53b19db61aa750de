/* session_api.c - sign in, sign out, the current session, change password,
 * and the health check.  Password hashing runs on the worker pool (dj_defer)
 * so a sign-in storm at the start of a meeting does not stall other requests. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/err.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "account.h"
#include "config.h"

static int health(dj_req *r)
{
    char now[21];
    dj_time_iso(dj_now(), now);
    return dj_reply_json(r, 200, json_pack("{s:s, s:s, s:s}", "status", "ok", "version", DJ_VERSION, "now", now));
}

/* ---------- sign in ---------- */

struct login_job {
    char *login;
    char *password;
    char *hash;     /* NULL: no such user */
    int64_t user_id;
    bool ok;
};

static void login_work(void *arg)
{
    struct login_job *j = arg;
    if (j->hash)
        j->ok = auth_password_verify(j->hash, j->password);
    else
        auth_password_dummy_verify(j->password);
}

static int login_failed(dj_req *r, struct login_job *j)
{
    db_conn *c = dj_db(r);
    auth_rate_failed(r->ip);
    json_t *who = json_pack("{s:s}", "login", j->login);
    if (!j->user_id) {
        audit_write(c, r, "login_failed", "user", 0, NULL, who);
        json_decref(who);
        return dj_fail_code(r, DJ_EAUTH, "bad_credentials", "password", "账号或密码不正确");
    }
    int64_t threshold = dj_setting_int(c, "security.lockout_threshold", 5);
    int64_t minutes = dj_setting_int(c, "security.lockout_minutes", 15);
    int64_t failed = 0;
    int rc = db_begin(c);
    if (rc == DJ_OK)
        rc = db_query_i64(c, &failed,
                          "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins",
                          "i", j->user_id);
    bool locked = rc == DJ_OK && failed >= threshold;
    if (locked)
        rc = db_exec(c, "UPDATE users SET failed_logins = 0, locked_until = $1 WHERE id = $2", "ii",
                     dj_now() + minutes * 60, j->user_id);
    if (rc == DJ_OK)
        rc = audit_write(c, r, locked ? "lock" : "login_failed", "user", j->user_id, NULL, who);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    json_decref(who);
    if (rc != DJ_OK)
        return rc;
    if (locked)
        return dj_fail_code(r, DJ_ELOCKED, "locked", "password", "密码连续错误 %lld 次，账号已锁定 %lld 分钟，请稍后再试",
                            (long long)threshold, (long long)minutes);
    return dj_fail_code(r, DJ_EAUTH, "bad_credentials", "password", "账号或密码不正确，再错 %lld 次账号将被锁定",
                        (long long)(threshold - failed));
}

static int login_cont(dj_req *r)
{
    struct login_job *j = r->work_arg;
    int rc;
    if (!j->ok) {
        rc = login_failed(r, j);
        goto out;
    }
    db_conn *c = dj_db(r);
    char token[65], csrf[65], hash[65];
    rc = db_begin(c);
    if (rc == DJ_OK)
        rc = db_exec(c, "UPDATE users SET failed_logins = 0 WHERE id = $1", "i", j->user_id);
    if (rc == DJ_OK)
        rc = auth_session_create(c, j->user_id, token, csrf);
    auth_token_hash(token, hash);
    if (rc == DJ_OK)
        rc = auth_load_user(r, j->user_id, csrf, hash);
    if (rc == DJ_OK)
        rc = audit_write(c, r, "login", "user", j->user_id, NULL, NULL);
    if (rc == DJ_OK)
        rc = db_commit(c);
    else
        db_rollback(c);
    if (rc != DJ_OK)
        goto out;
    dj_add_header(r, "Set-Cookie", auth_cookie(r, token));
    rc = dj_reply_json(r, 200, account_session_json(r, csrf));
out:
    sodium_memzero(j->password, strlen(j->password));
    return rc;
}

static int login(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"login", "账号", DJ_J_STR, DJ_J_REQ, 1, 64, NULL},
        {"password", "密码", DJ_J_STR, DJ_J_REQ, 1, 128, NULL},
        {NULL},
    };
    if (!auth_rate_allow(r->ip))
        return dj_fail(r, DJ_ERATE, NULL, "登录失败次数过多，请一分钟后再试");
    json_t *in;
    int rc = dj_body_json(r, spec, &in);
    if (rc)
        return rc;
    struct login_job *j = dj_arena_alloc(r->arena, sizeof *j);
    memset(j, 0, sizeof *j);
    j->login = dj_arena_strdup(r->arena, dj_jstr(in, "login", ""));
    j->password = dj_arena_strdup(r->arena, dj_jstr(in, "password", ""));
    json_decref(in);

    db_conn *c = dj_db(r);
    db_stmt *s = db_prep(c, "SELECT id, password_hash, locked_until, disabled FROM users WHERE login = $1");
    if (!s)
        return DJ_EDB;
    db_bind_text(s, 1, j->login);
    rc = db_step(s);
    int64_t locked_until = 0;
    bool disabled = false;
    if (rc == DB_ROW) {
        j->user_id = db_col_i64(s, 0);
        j->hash = dj_arena_strdup(r->arena, db_col_text(s, 1));
        locked_until = db_col_i64(s, 2);
        disabled = db_col_i64(s, 3) != 0;
    }
    db_done(s);
    if (rc != DB_ROW && rc != DB_DONE)
        return rc;
    if (disabled) {
        j->hash = NULL;
        j->user_id = 0; /* answer as for an unknown login */
    }
    int64_t now = dj_now();
    if (locked_until > now) {
        int64_t mins = (locked_until - now + 59) / 60;
        return dj_fail_code(r, DJ_ELOCKED, "locked", "password", "账号已锁定，请 %lld 分钟后再试", (long long)mins);
    }
    return dj_defer(r, login_work, j, login_cont);
}

static int session_get(dj_req *r)
{
    return dj_reply_json(r, 200, account_session_json(r, r->user->csrf));
}

static int logout(dj_req *r)
{
    db_conn *c = dj_db(r);
    int rc = db_begin(c);
    if (rc == DJ_OK)
        rc = db_exec(c, "DELETE FROM sessions WHERE token_hash = $1", "t", r->user->token_hash);
    auth_cache_invalidate();
    if (rc == DJ_OK)
        rc = audit_write(c, r, "logout", "user", r->user->id, NULL, NULL);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if (rc != DJ_OK)
        return rc;
    dj_add_header(r, "Set-Cookie", auth_cookie(r, ""));
    return dj_reply_empty(r, 204);
}

/* ---------- change password ---------- */

struct pw_job {
    char *old_hash;
    char *old_pw, *new_pw;
    char *new_hash;
    bool ok;
};

static void pw_work(void *arg)
{
    struct pw_job *j = arg;
    j->ok = auth_password_verify(j->old_hash, j->old_pw);
    if (j->ok)
        j->new_hash = auth_password_hash(j->new_pw);
}

static void pw_job_free(void *arg)
{
    struct pw_job *j = arg;
    free(j->new_hash);
}

static int pw_cont(dj_req *r)
{
    struct pw_job *j = r->work_arg;
    int rc;
    if (!j->ok) {
        rc = dj_fail_code(r, DJ_EINVAL, "bad_old_password", "old_password", "原密码不正确");
        goto out;
    }
    if (!j->new_hash) {
        rc = DJ_EINTERNAL;
        goto out;
    }
    db_conn *c = dj_db(r);
    rc = db_begin(c);
    if (rc == DJ_OK)
        rc = account_set_password(c, r->user->id, j->new_hash, false, r->user->token_hash);
    if (rc == DJ_OK)
        rc = audit_write(c, r, "password_change", "user", r->user->id, NULL, NULL);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if (rc == DJ_OK)
        rc = dj_reply_empty(r, 204);
out:
    return rc;
}

static int password_change(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"old_password", "原密码", DJ_J_STR, DJ_J_REQ, 1, 128, NULL},
        {"new_password", "新密码", DJ_J_STR, DJ_J_REQ, 1, 128, NULL},
        {NULL},
    };
    json_t *in;
    int rc = dj_body_json(r, spec, &in);
    if (rc)
        return rc;
    struct pw_job *j = dj_arena_alloc(r->arena, sizeof *j);
    memset(j, 0, sizeof *j);
    j->old_pw = dj_arena_strdup(r->arena, dj_jstr(in, "old_password", ""));
    j->new_pw = dj_arena_strdup(r->arena, dj_jstr(in, "new_password", ""));
    json_decref(in);
    const char *why;
    if (auth_password_policy(j->new_pw, &why) != DJ_OK)
        return dj_fail_code(r, DJ_EINVAL, "weak_password", "new_password", "%s", why);
    if (strcmp(j->new_pw, j->old_pw) == 0)
        return dj_fail_code(r, DJ_EINVAL, "same_password", "new_password", "新密码不能与原密码相同");
    char *old_hash = NULL;
    rc = db_query_text(dj_db(r), &old_hash, "SELECT password_hash FROM users WHERE id = $1", "i", r->user->id);
    if (rc != DJ_OK)
        return rc;
    j->old_hash = dj_arena_strdup(r->arena, old_hash);
    free(old_hash);
    dj_on_done(r, pw_job_free, j); /* new_hash, however the request ends */
    return dj_defer(r, pw_work, j, pw_cont);
}

const struct dj_route session_routes[] = {
    {"GET", "/api/v1/health", health, NULL, DJ_ROUTE_PUBLIC, 0},
    {"POST", "/api/v1/session", login, NULL, DJ_ROUTE_PUBLIC | DJ_ROUTE_NO_CSRF, 4096},
    {"GET", "/api/v1/session", session_get, NULL, DJ_ROUTE_ALLOW_PWCHANGE, 0},
    {"DELETE", "/api/v1/session", logout, NULL, DJ_ROUTE_ALLOW_PWCHANGE, 0},
    {"POST", "/api/v1/session/password", password_change, NULL, DJ_ROUTE_ALLOW_PWCHANGE, 4096},
    {0},
};
