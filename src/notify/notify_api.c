/* notify_api.c - HTTP handlers of the notify room: the signed-in user's inbox
 * and channel preferences; the 企业微信/粤政易 channel's settings (the secret
 * write-only) and the outbox's state for the system administrator; the
 * binding of work-app user ids to people for those who edit the roster. */
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/err.h"
#include "../core/notify.h"
#include "../core/scope.h"
#include "../core/timeutil.h"
#include "../core/mail.h"
#include "../core/sms.h"
#include "../core/wecom.h"
#include "notify.h"
#include "notify_int.h"

static void now_iso(char out[21]) { dj_time_iso(dj_now(), out); }

/* ---------------------------------------------------------------- inbox */

static int inbox_list(dj_req *r)
{
    struct dj_page pg;
    int rc = dj_page_parse(r, &pg);
    if (rc)
        return rc;
    const char *u = dj_query(r, "unread");
    int64_t total = 0, unread = 0;
    db_conn *c = dj_db(r);
    json_t *items = notify_inbox_list(c, r->user->id, u && strcmp(u, "1") == 0, pg.limit, pg.offset, &total, &rc);
    if (!items)
        return rc;
    if ((rc = notify_inbox_unread(c, r->user->id, &unread)) != DJ_OK) {
        json_decref(items);
        return rc;
    }
    json_t *out = dj_page_result(&pg, items, total);
    json_object_set_new(out, "unread", json_integer(unread));
    return dj_reply_json(r, 200, out);
}

static int inbox_unread(dj_req *r)
{
    int64_t n = 0;
    int rc = notify_inbox_unread(dj_db(r), r->user->id, &n);
    if (rc != DJ_OK)
        return rc;
    return dj_reply_json(r, 200, json_pack("{s:I}", "unread", (json_int_t)n));
}

static int inbox_read(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc != DJ_OK)
        return rc;
    db_conn *c = dj_db(r);
    char now[21];
    now_iso(now);
    json_t *row = NULL;
    if ((rc = db_begin(c)) != DJ_OK)
        return rc;
    rc = notify_inbox_read(c, r->user->id, id, now, &row);
    if (rc == DJ_ENOTFOUND)
        rc = dj_fail(r, DJ_ENOTFOUND, "id", "找不到该消息");
    if (rc == DJ_OK)
        rc = audit_write(c, r, "read", "notification", id, NULL, NULL);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if (rc != DJ_OK) {
        json_decref(row);
        return rc;
    }
    return dj_reply_json(r, 200, row);
}

static int inbox_read_all(dj_req *r)
{
    db_conn *c = dj_db(r);
    char now[21];
    now_iso(now);
    int rc = db_begin(c);
    if (rc == DJ_OK)
        rc = notify_inbox_read_all(c, r->user->id, now);
    if (rc == DJ_OK)
        rc = audit_write(c, r, "read_all", "notification", 0, NULL, NULL);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    return rc != DJ_OK ? rc : dj_reply_json(r, 200, json_pack("{s:i}", "unread", 0));
}

static int prefs_get(dj_req *r)
{
    int rc = DJ_OK;
    json_t *p = notify_prefs_get(dj_db(r), r->user->id, &rc);
    return p ? dj_reply_json(r, 200, p) : rc;
}

static int prefs_put(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"wecom", "企业微信/粤政易消息", DJ_J_BOOL, 0},
        {"sms", "短信", DJ_J_BOOL, 0},
        {"email", "电子邮件", DJ_J_BOOL, 0},
        {NULL},
    };
    json_t *in;
    int rc = dj_body_json(r, spec, &in);
    if (rc)
        return rc;
    db_conn *c = dj_db(r);
    json_t *before = notify_prefs_get(c, r->user->id, &rc);
    if (before && (rc = db_begin(c)) == DJ_OK) {
        const char *key;
        json_t *v;
        json_object_foreach(in, key, v) {
            if (rc == DJ_OK)
                rc = notify_pref_set(c, r->user->id, key, json_is_true(v));
        }
        if (rc == DJ_OK)
            rc = audit_write(c, r, "update", "notify_prefs", r->user->id, before, in);
        rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    }
    json_decref(before);
    json_decref(in);
    return rc != DJ_OK ? rc : prefs_get(r);
}

/* ---------------------------------------------------------------- the channel's settings */

static int wecom_get(dj_req *r)
{
    int rc = DJ_OK;
    json_t *s = notify_wecom_settings(dj_db(r), &rc);
    return s ? dj_reply_json(r, 200, s) : rc;
}

static bool http_url(const char *s)
{
    return strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0;
}

static int wecom_put(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"enabled", "启用", DJ_J_BOOL, 0},
        {"api_base", "接口地址", DJ_J_STR, 0, 8, 200},
        {"oauth_base", "网页授权地址", DJ_J_STR, 0, 8, 200},
        {"corpid", "企业ID（CorpID）", DJ_J_STR, 0, 0, 64},
        {"agentid", "应用AgentId", DJ_J_STR, 0, 0, 20},
        {"app_url", "手机端访问地址", DJ_J_STR, 0, 0, 200},
        {"timeout_seconds", "接口超时（秒）", DJ_J_INT, 0, 1, 60},
        {"secret", "应用Secret", DJ_J_STR, 0, 1, 200},
        {NULL},
    };
    json_t *in;
    int rc = dj_body_json(r, spec, &in);
    if (rc)
        return rc;
    static const char *const urls[] = {"api_base", "oauth_base", "app_url"};
    for (size_t i = 0; i < 3 && rc == DJ_OK; i++) {
        const char *v = dj_jstr(in, urls[i], NULL);
        if (v && *v && !http_url(v))
            rc = dj_fail(r, DJ_EINVAL, urls[i], "地址须以 https:// 或 http:// 开头");
    }
    const char *agent = dj_jstr(in, "agentid", "");
    for (const char *p = agent; rc == DJ_OK && *p; p++)
        if (*p < '0' || *p > '9')
            rc = dj_fail(r, DJ_EINVAL, "agentid", "应用AgentId 只能是数字");
    if (rc == DJ_OK && json_object_get(in, "secret")) {
        char *probe = dj_notify_seal("x");
        if (!probe)
            rc = dj_fail(r, DJ_ECONFLICT, "secret", "服务器未配置密钥文件（--key-file），不能保存 Secret");
        free(probe);
    }
    db_conn *c = dj_db(r);
    json_t *before = rc == DJ_OK ? notify_wecom_settings(c, &rc) : NULL;
    if (rc == DJ_OK && (rc = db_begin(c)) == DJ_OK) {
        char now[21];
        now_iso(now);
        rc = notify_wecom_save(c, in, now);
        /* the audit says a secret was set, never what it is */
        json_t *after = json_deep_copy(in);
        if (json_object_get(after, "secret"))
            json_object_set_new(after, "secret", json_string("******"));
        if (rc == DJ_OK)
            rc = audit_write(c, r, "update", "notify_channel", 0, before, after);
        json_decref(after);
        rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    }
    if (rc == DJ_OK)
        wecom_token_forget();
    json_decref(before);
    json_decref(in);
    return rc != DJ_OK ? rc : wecom_get(r);
}

static int outbox_get(dj_req *r)
{
    int rc = DJ_OK;
    json_t *s = notify_outbox_summary(dj_db(r), &rc);
    return s ? dj_reply_json(r, 200, s) : rc;
}

/* ---------------------------------------------------------------- bindings */

static int bindings_list(dj_req *r)
{
    char *scope = auth_scope_sql(r, "person.write", "o.path");
    int rc = DJ_OK;
    json_t *rows = notify_bindings_list(dj_db(r), scope, &rc); /* scope: the arena's */
    return rows ? dj_reply_json(r, 200, json_pack("{s:o}", "items", rows)) : rc;
}

bool notify_userid_ok(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
              *s == '-' || *s == '.' || *s == '@'))
            return false;
    return true;
}

static int binding_put(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"person_id", "人员", DJ_J_ID, DJ_J_REQ, DJ_SCOPE("person", "person.write")},
        {"wecom_userid", "企业微信账号（UserID）", DJ_J_STR, DJ_J_REQ, 1, 64},
        {NULL},
    };
    json_t *in;
    int rc = dj_body_json(r, spec, &in);
    if (rc)
        return rc;
    const char *uid = dj_jstr(in, "wecom_userid", "");
    int64_t person = dj_jint(in, "person_id", 0);
    if (!notify_userid_ok(uid))
        rc = dj_fail(r, DJ_EINVAL, "wecom_userid", "企业微信账号只能包含字母、数字和 _ - . @");
    db_conn *c = dj_db(r);
    char now[21];
    now_iso(now);
    if (rc == DJ_OK && (rc = db_begin(c)) == DJ_OK) {
        rc = notify_binding_set(c, person, uid, r->user->id, now);
        if (rc == DJ_ECONFLICT)
            rc = dj_fail(r, DJ_ECONFLICT, "wecom_userid", "该企业微信账号已绑定其他人员");
        if (rc == DJ_OK)
            rc = audit_write(c, r, "bind", "wecom_binding", person, NULL, in);
        rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    }
    json_t *out = rc == DJ_OK ? json_pack("{s:I, s:s}", "person_id", (json_int_t)person, "wecom_userid", uid) : NULL;
    json_decref(in);
    return rc != DJ_OK ? rc : dj_reply_json(r, 200, out);
}

static int binding_delete(dj_req *r)
{
    int64_t person;
    int rc = dj_param_id(r, "person_id", &person);
    if (rc == DJ_OK)
        rc = dj_scope_check(r, "person", "person.write", person, "person_id", "人员");
    db_conn *c = dj_db(r);
    if (rc == DJ_OK && (rc = db_begin(c)) == DJ_OK) {
        rc = notify_binding_delete(c, person);
        if (rc == DJ_OK)
            rc = audit_write(c, r, "unbind", "wecom_binding", person, NULL, NULL);
        rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    }
    return rc != DJ_OK ? rc : dj_reply_empty(r, 204);
}

/* ---------------------------------------------------------------- a person's addresses */

/* The person's work-app id and e-mail (the person's page on the PC). */
static int contact_show(dj_req *r)
{
    int64_t person;
    int rc = dj_param_id(r, "person_id", &person);
    if (rc == DJ_OK)
        rc = dj_scope_check(r, "person", "person.write", person, "person_id", "人员");
    if (rc != DJ_OK)
        return rc;
    json_t *row = notify_contact_get(dj_db(r), person, &rc);
    return row ? dj_reply_json(r, 200, row) : rc;
}

/* Sets either or both: a work-app id (null: unbind) and an e-mail (null or "": none). */
static int contact_put(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"wecom_userid", "企业微信账号（UserID）", DJ_J_STR, DJ_J_NULL, 1, 64},
        {"email", "电子邮箱", DJ_J_STR, DJ_J_NULL, 0, 254},
        {NULL},
    };
    int64_t person;
    int rc = dj_param_id(r, "person_id", &person);
    if (rc == DJ_OK)
        rc = dj_scope_check(r, "person", "person.write", person, "person_id", "人员");
    if (rc != DJ_OK)
        return rc;
    json_t *in;
    if ((rc = dj_body_json(r, spec, &in)))
        return rc;
    json_t *uid = json_object_get(in, "wecom_userid"), *email = json_object_get(in, "email");
    if (json_is_string(uid) && !notify_userid_ok(json_string_value(uid)))
        rc = dj_fail(r, DJ_EINVAL, "wecom_userid", "企业微信账号只能包含字母、数字和 _ - . @");
    else if (json_is_string(email) && *json_string_value(email) && !mail_address_ok(json_string_value(email)))
        rc = dj_fail(r, DJ_EINVAL, "email", "电子邮箱格式不正确，如 name@example.gov.cn");
    db_conn *c = dj_db(r);
    json_t *before = rc == DJ_OK ? notify_contact_get(c, person, &rc) : NULL;
    char now[21];
    now_iso(now);
    if (rc == DJ_OK && (rc = db_begin(c)) == DJ_OK) {
        if (json_is_string(uid))
            rc = notify_binding_set(c, person, json_string_value(uid), r->user->id, now);
        else if (uid)
            rc = notify_binding_delete(c, person);
        if (rc == DJ_ECONFLICT)
            rc = dj_fail(r, DJ_ECONFLICT, "wecom_userid", "该企业微信账号已绑定其他人员");
        if (rc == DJ_OK && email)
            rc = notify_email_set(c, person, json_string_value(email), now);
        if (rc == DJ_OK)
            rc = audit_write(c, r, "update", "notify_contact", person, before, in);
        rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    }
    json_decref(before);
    json_decref(in);
    return rc != DJ_OK ? rc : contact_show(r);
}

const struct dj_route notify_routes[] = {
    {"GET", "/api/v1/inbox", inbox_list, NULL, 0, 0},
    {"GET", "/api/v1/inbox/unread", inbox_unread, NULL, 0, 0},
    {"POST", "/api/v1/inbox/read-all", inbox_read_all, NULL, 0, 0},
    {"POST", "/api/v1/inbox/:id/read", inbox_read, NULL, 0, 0},
    {"GET", "/api/v1/inbox/prefs", prefs_get, NULL, 0, 0},
    {"PUT", "/api/v1/inbox/prefs", prefs_put, NULL, 0, 0},
    {"GET", "/api/v1/notify/channels/wecom", wecom_get, "settings.write", 0, 0},
    {"PUT", "/api/v1/notify/channels/wecom", wecom_put, "settings.write", 0, 0},
    {"GET", "/api/v1/notify/channels/sms", notify_sms_get, "settings.write", 0, 0},
    {"PUT", "/api/v1/notify/channels/sms", notify_sms_put, "settings.write", 0, 0},
    {"GET", "/api/v1/notify/channels/email", notify_email_get, "settings.write", 0, 0},
    {"PUT", "/api/v1/notify/channels/email", notify_email_put, "settings.write", 0, 0},
    {"GET", "/api/v1/notify/outbox", outbox_get, "settings.write", 0, 0},
    {"GET", "/api/v1/notify/bindings", bindings_list, "person.write", 0, 0},
    {"PUT", "/api/v1/notify/bindings", binding_put, "person.write", 0, 0},
    {"POST", "/api/v1/notify/bindings/import", notify_bindings_import, "person.write", DJ_ROUTE_ANY_BODY, 8u << 20},
    {"GET", "/api/v1/notify/contacts/:person_id", contact_show, "person.write", 0, 0},
    {"PUT", "/api/v1/notify/contacts/:person_id", contact_put, "person.write", 0, 0},
    {"DELETE", "/api/v1/notify/bindings/:person_id", binding_delete, "person.write", 0, 0},
    {0},
};

void notify_register(void)
{
    dj_notify_channel_add(&wecom_channel);
    dj_notify_channel_add(&sms_channel);
    dj_notify_channel_add(&mail_channel);
}
