/* session_api.c - sign in, sign out, the current session, change password,
 * and the health check.  Password hashing runs on the worker pool (dj_defer)
 * so a sign-in storm at the start of a meeting does not stall other requests. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/batch.h"
#include "../core/err.h"
#include "../core/pool.h"
#include "../core/settings.h"
#include "../core/throttle.h"
#include "../core/timeutil.h"
#include "account.h"
#include "config.h"

static int health(dj_req *r)
{
    char now[21];
    dj_time_iso(dj_now(), now);
    return dj_reply_json(r, 200, json_pack("{s:s, s:s, s:s}", "status", "ok", "version", DJ_VERSION, "now", now));
}

/* ---------- sign in ----------
 * 1. a look at the attempt's keys (throttle.h): while a delay is in force the
 *    answer is a 429 after one read, the same for every login, known or not;
 * 2. the attempt is counted against its account, its account-and-address and
 *    its address, durably, in a group commit with the other sign-ins;
 * 3. the password is hashed on the pool, queued by the address's failures, so
 *    an address with none goes ahead of a flood of guesses (pool.h);
 * 4. a success gives the count back, and rehashes a password stored with
 *    older argon2id parameters;
 * 5. a browser that signed in to the login before brings its device cookie
 *    (migration 0006) and goes ahead of every address in the hashing queue. */

#define DEVICE_COOKIE "dj_device"
#define DEVICE_DAYS 180
#define DEVICE_MAX 20 /* tokens kept per login */

struct login_job {
    struct dj_throttle t; /* first: the throttle's batch item */
    char *login;
    char *password;
    char *hash;     /* NULL: no such user (a dummy hash is verified instead, at the same cost) */
    char *new_hash; /* heap: the password hashed afresh when the stored hash is outdated */
    int64_t user_id;
    unsigned recent; /* the address's attempts of the last seconds (throttle.h) */
    bool known_device; /* the browser brought a device token of this login */
    bool ok;
    struct dj_batch_item failed; /* a wrong password's audit row, in a group commit */
};

static void login_work(void *arg)
{
    struct login_job *j = arg;
    if (j->hash) {
        j->ok = auth_password_verify(j->hash, j->password);
        if (j->ok && auth_password_needs_rehash(j->hash))
            j->new_hash = auth_password_hash(j->password);
    } else {
        auth_password_dummy_verify(j->password);
    }
}

static void login_job_free(void *arg)
{
    struct login_job *j = arg;
    sodium_memzero(j->password, strlen(j->password));
    free(j->new_hash);
}

/* The hashing queue's order: by how much the address has been trying (its
 * failures on record, its attempts of the last seconds here), a quiet address first. */
static unsigned login_prio(const struct login_job *j)
{
    if (j->known_device)
        return 1;
    int64_t n = j->t.addr_failures > (int64_t)j->recent ? j->t.addr_failures : (int64_t)j->recent;
    return 2 + (unsigned)(n < 1000 ? n : 1000);
}

/* Did the browser bring a device token that signed in to this login and has
 * not expired?  One read, and only when the cookie is there. */
static int device_known(dj_req *r, const char *login, bool *known)
{
    *known = false;
    const char *cookies = dj_header(r, "Cookie");
    char tok[80], hash[65];
    if (!cookies || !auth_cookie_value(cookies, DEVICE_COOKIE, tok, sizeof tok) || strlen(tok) != 64)
        return DJ_OK;
    auth_token_hash(tok, hash);
    int64_t n = 0;
    int rc = db_query_i64(dj_db(r), &n,
                          "SELECT COUNT(*) FROM login_devices WHERE token_hash = $1 AND login = $2 AND expires_at > $3",
                          "tti", hash, login, dj_now());
    *known = rc == DJ_OK && n > 0;
    return rc;
}

/* After a successful sign-in from a browser without a token of this login,
 * inside the caller's transaction: a new token (its expired ones of the login
 * cleared) into tok, for device_cookie. */
static int device_remember(dj_req *r, const char *login, char tok[65])
{
    char hash[65];
    auth_random_hex(tok);
    auth_token_hash(tok, hash);
    int64_t now = dj_now();
    int rc = db_exec(dj_db(r), "DELETE FROM login_devices WHERE login = $1 AND expires_at <= $2", "ti", login, now);
    /* the newest DEVICE_MAX of a login are kept: a client that never keeps its cookie
     * (a script) adds a row at every sign-in, and must not grow the table without end */
    if (rc == DJ_OK)
        rc = db_exec(dj_db(r),
                     "DELETE FROM login_devices WHERE login = $1 AND token_hash NOT IN"
                     " (SELECT token_hash FROM login_devices WHERE login = $1 ORDER BY id DESC LIMIT $2)",
                     "ti", login, (int64_t)(DEVICE_MAX - 1));
    if (rc == DJ_OK)
        rc = db_exec(dj_db(r), "INSERT INTO login_devices (token_hash, login, expires_at) VALUES ($1, $2, $3)", "tti",
                     hash, login, now + DEVICE_DAYS * 86400);
    return rc;
}

/* The device token as a cookie sent back to the sign-in path only. */
static void device_cookie(dj_req *r, const char *tok)
{
    dj_add_header(r, "Set-Cookie",
                  dj_arena_printf(r->arena, "%s=%s; Path=/api/v1/session; Max-Age=%d; HttpOnly; SameSite=Strict%s",
                                  DEVICE_COOKIE, tok, DEVICE_DAYS * 86400, dj_cookie_secure() ? "; Secure" : ""));
}

static int login_refused(dj_req *r, int64_t retry_after)
{
    char secs[24];
    snprintf(secs, sizeof secs, "%lld", (long long)(retry_after > 0 ? retry_after : 1));
    dj_add_header(r, "Retry-After", secs);
    return dj_fail_code(r, DJ_ERATE, "throttled", NULL, "登录尝试过于频繁，请 %s 秒后再试", secs);
}

static int login_busy(dj_req *r)
{
    dj_add_header(r, "Retry-After", "2");
    return dj_fail_code(r, DJ_EBUSY, "busy", NULL, "登录的人较多，请稍后再试");
}

/* ---------- a wrong password's audit row ----------
 * Written in a group commit with the other failures of the moment, off the request
 * thread: during a flood of guesses, one synchronous commit per failure (an fsync, or a
 * wait for SQLite's writer) held the request thread and every read queued behind it. */
static int failed_apply(db_conn *c, struct dj_batch_item *it, void *ctx)
{
    (void)ctx;
    struct login_job *j = it->data;
    json_t *who = json_pack("{s:s}", "login", j->login);
    int rc = audit_write(c, it->req, "login_failed", "user", j->user_id, NULL, who);
    json_decref(who);
    return rc;
}

static pthread_once_t failed_once = PTHREAD_ONCE_INIT;
static dj_batch *failed_batch;
static void failed_batch_init(void)
{
    failed_batch = dj_batch_new("sign-in failures", failed_apply, NULL, 1024);
}

/* the same answer for a wrong password, an unknown login and a disabled account */
static int login_failed_answer(dj_req *r)
{
    struct login_job *j = r->work_arg;
    if (j->failed.rc != DJ_OK)
        return j->failed.rc;
    return dj_fail_code(r, DJ_EAUTH, "bad_credentials", "password", "账号或密码不正确");
}

static int login_failed(dj_req *r, struct login_job *j)
{
    pthread_once(&failed_once, failed_batch_init);
    j->failed.data = j;
    int rc = dj_batch_submit(failed_batch, r, &j->failed, login_failed_answer);
    if (rc != DJ_EBUSY)
        return rc;
    /* the queue is full: written here */
    j->failed.rc = failed_apply(dj_db(r), &(struct dj_batch_item){.req = r, .data = j}, NULL);
    return login_failed_answer(r);
}

/* The session of a right password, in one transaction: the address's count
 * cleared, the hash redone if due, the device remembered, the audit line. */
static int login_tx(dj_req *r, struct login_job *j, char token[65], char csrf[65], char device[65])
{
    db_conn *c = dj_db(r);
    char hash[65];
    *device = '\0';
    int rc = db_begin(c);
    if (rc == DJ_OK)
        rc = dj_throttle_success(c, &j->t);
    if (rc == DJ_OK && j->new_hash)
        rc = db_exec(c, "UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3", "tit",
                     j->new_hash, j->user_id, j->hash);
    if (rc == DJ_OK && !j->known_device)
        rc = device_remember(r, j->login, device);
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
    return rc;
}

static int login_cont(dj_req *r)
{
    struct login_job *j = r->work_arg;
    /* pushed out of the hashing queue by more urgent sign-ins: never checked (but counted) */
    if (r->dropped)
        return login_busy(r);
    if (!j->ok)
        return login_failed(r, j);
    char token[65], csrf[65], device[65];
    int rc;
    /* on PostgreSQL two sign-ins at once may race for the same rows (the
     * address's count, the device list): the loser runs its transaction again
     * rather than make the member type the password once more */
    for (int attempt = 0;; attempt++)
        if ((rc = login_tx(r, j, token, csrf, device)) != DJ_EBUSY || !db_retry_wait(attempt))
            break;
    if (rc != DJ_OK)
        return rc == DJ_EBUSY ? login_busy(r) : rc;
    dj_add_header(r, "Set-Cookie", auth_cookie(r, token));
    if (*device)
        device_cookie(r, device);
    return dj_reply_json(r, 200, account_session_json(r, csrf));
}

/* The attempt is counted: check the password, unless the count found the limit reached. */
static int login_counted(dj_req *r)
{
    struct login_job *j = r->work_arg;
    if (j->t.item.rc != DJ_OK)
        return j->t.item.rc == DJ_EBUSY ? login_busy(r) : j->t.item.rc;
    if (j->t.refused)
        return login_refused(r, j->t.retry_after);
    db_conn *c = dj_db(r);
    db_stmt *s = db_prep(c, "SELECT id, password_hash, disabled FROM users WHERE login = $1");
    if (!s)
        return DJ_EDB;
    db_bind_text(s, 1, j->login);
    int rc = db_step(s);
    if (rc == DB_ROW && db_col_i64(s, 2) == 0) { /* a disabled account answers as an unknown one */
        j->user_id = db_col_i64(s, 0);
        j->hash = dj_arena_strdup(r->arena, db_col_text(s, 1));
    }
    db_done(s);
    if (rc != DB_ROW && rc != DB_DONE)
        return rc;
    rc = dj_defer_prio(r, login_work, j, login_cont, login_prio(j));
    return rc == DJ_EBUSY ? login_busy(r) : rc;
}

static int login(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"login", "账号", DJ_J_STR, DJ_J_REQ, 1, 64, NULL},
        {"password", "密码", DJ_J_STR, DJ_J_REQ, 1, 128, NULL},
        {NULL},
    };
    json_t *in;
    int rc = dj_body_json(r, spec, &in);
    if (rc)
        return rc;
    struct login_job *j = dj_arena_alloc(r->arena, sizeof *j);
    memset(j, 0, sizeof *j);
    j->login = dj_arena_strdup(r->arena, dj_jstr(in, "login", ""));
    j->password = dj_arena_strdup(r->arena, dj_jstr(in, "password", ""));
    json_decref(in);
    dj_on_done(r, login_job_free, j); /* the password wiped, a new hash freed, however the request ends */
    snprintf(j->t.login, sizeof j->t.login, "%s", j->login);
    snprintf(j->t.addr, sizeof j->t.addr, "%s", r->ip);
    rc = dj_throttle_peek(dj_db(r), &j->t);
    if (rc == DJ_ERATE)
        return login_refused(r, j->t.retry_after);
    if (rc == DJ_OK)
        rc = device_known(r, j->login, &j->known_device);
    if (rc != DJ_OK)
        return rc;
    /* the hashing queue's share for sign-ins is full of attempts at least as
     * urgent as this one: refused at the cost of that one read */
    j->recent = dj_throttle_recent(j->t.addr);
    if (!dj_pool_would_take(login_prio(j)))
        return login_busy(r);
    r->work_arg = j;
    rc = dj_throttle_charge(r, &j->t, login_counted);
    return rc == DJ_EBUSY ? login_busy(r) : rc;
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
    if (auth_password_policy(j->new_pw, r->user->login, &why) != DJ_OK)
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
