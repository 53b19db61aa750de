/* notify_oauth.c - signing in from the 企业微信/粤政易 work app: the phone is
 * sent to the work app's authorize page, comes back with a code, and the code
 * is exchanged (off the request thread) for the work-app user id, whose bound
 * person's account is signed in.  No password, so no lockout; the session
 * follows the same rules as any other (account roles decide its length). */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "../account/account.h"
#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/err.h"
#include "../core/wecom.h"
#include "notify.h"
#include "notify_int.h"

/* GET /api/v1/session/wecom?redirect=…&state=… : whether the work-app sign-in
 * is on, and the authorize address to send the phone to. */
static int oauth_info(dj_req *r)
{
    struct wecom_cfg cfg;
    int rc = wecom_cfg_load(dj_db(r), &cfg);
    if (rc != DJ_OK)
        return rc;
    bool on = cfg.enabled && *cfg.corp_id && cfg.secret;
    const char *redirect = dj_query(r, "redirect"), *state = dj_query(r, "state");
    json_t *out = json_pack("{s:b}", "enabled", on);
    if (on && redirect && *redirect) {
        if (strncmp(redirect, "https://", 8) != 0 && strncmp(redirect, "http://", 7) != 0) {
            json_decref(out);
            wecom_cfg_free(&cfg);
            return dj_fail(r, DJ_EINVAL, "redirect", "回跳地址须是完整的网址");
        }
        char *red = curl_easy_escape(NULL, redirect, 0), *st = curl_easy_escape(NULL, state ? state : "", 0);
        char *url = dj_asprintf("%s/connect/oauth2/authorize?appid=%s&redirect_uri=%s&response_type=code"
                                "&scope=snsapi_base&state=%s&agentid=%s#wechat_redirect",
                                cfg.oauth_base, cfg.corp_id, red ? red : "", st ? st : "", cfg.agent_id);
        json_object_set_new(out, "url", json_string(url));
        free(url);
        curl_free(red);
        curl_free(st);
    }
    wecom_cfg_free(&cfg);
    return dj_reply_json(r, 200, out);
}

struct oauth_job {
    struct wecom_cfg cfg;
    char *code;
    char *userid;
    int rc;
    char why[200];
};

static void oauth_job_free(void *arg)
{
    struct oauth_job *j = arg;
    wecom_cfg_free(&j->cfg);
    free(j->code);
    free(j->userid);
}

static void oauth_work(void *arg)
{
    struct oauth_job *j = arg;
    j->rc = wecom_userid_from_code(&j->cfg, j->code, &j->userid, j->why, sizeof j->why);
}

static int oauth_cont(dj_req *r)
{
    struct oauth_job *j = r->work_arg;
    if (r->dropped || j->rc == DJ_EBUSY)
        return dj_fail_code(r, DJ_EBUSY, "wecom_unavailable", NULL, "暂时无法连接企业微信，请稍后再试或使用账号密码登录");
    if (j->rc != DJ_OK)
        return dj_fail_code(r, DJ_EAUTH, "wecom_code", "code", "企业微信授权已失效，请从工作台重新打开");
    db_conn *c = dj_db(r);
    int64_t uid = 0;
    int rc = notify_binding_user(c, j->userid, &uid);
    if (rc == DJ_ENOTFOUND) {
        json_t *who = json_pack("{s:s}", "wecom_userid", j->userid);
        audit_write(c, r, "login_failed", "user", 0, NULL, who);
        json_decref(who);
        return dj_fail_code(r, DJ_EAUTH, "wecom_unbound", "code",
                            "您的企业微信账号还没有与本系统的账号绑定，请联系党委办公室，或使用账号密码登录");
    }
    if (rc != DJ_OK)
        return rc;
    char token[65], csrf[65], hash[65];
    if ((rc = db_begin(c)) != DJ_OK)
        return rc;
    rc = auth_session_create(c, uid, token, csrf);
    auth_token_hash(token, hash);
    if (rc == DJ_OK)
        rc = auth_load_user(r, uid, csrf, hash);
    if (rc == DJ_OK) {
        json_t *how = json_pack("{s:s}", "via", "wecom");
        rc = audit_write(c, r, "login", "user", uid, NULL, how);
        json_decref(how);
    }
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if (rc != DJ_OK)
        return rc;
    dj_add_header(r, "Set-Cookie", auth_cookie(r, token));
    return dj_reply_json(r, 200, account_session_json(r, csrf));
}

/* POST /api/v1/session/wecom {"code"} */
static int oauth_login(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"code", "授权码", DJ_J_STR, DJ_J_REQ, 1, 512},
        {NULL},
    };
    json_t *in;
    int rc = dj_body_json(r, spec, &in);
    if (rc)
        return rc;
    struct oauth_job *j = dj_arena_alloc(r->arena, sizeof *j);
    memset(j, 0, sizeof *j);
    j->code = dj_strdup(dj_jstr(in, "code", ""));
    json_decref(in);
    dj_on_done(r, oauth_job_free, j);
    if ((rc = wecom_cfg_load(dj_db(r), &j->cfg)) != DJ_OK)
        return rc;
    if (!j->cfg.enabled || !*j->cfg.corp_id || !j->cfg.secret)
        return dj_fail_code(r, DJ_ECONFLICT, "wecom_off", NULL, "本系统未开启企业微信登录，请使用账号密码登录");
    r->work_arg = j;
    rc = dj_defer(r, oauth_work, j, oauth_cont);
    return rc == DJ_EBUSY ? dj_fail_code(r, DJ_EBUSY, "busy", NULL, "登录的人较多，请稍后再试") : rc;
}

const struct dj_route notify_oauth_routes[] = {
    {"GET", "/api/v1/session/wecom", oauth_info, NULL, DJ_ROUTE_PUBLIC, 0},
    {"POST", "/api/v1/session/wecom", oauth_login, NULL, DJ_ROUTE_PUBLIC | DJ_ROUTE_NO_CSRF, 0},
    {0},
};
