/* notify_channels_api.c - the settings of the SMS gateway and e-mail (SMTP)
 * channels for the system administrator.  Their secret (the gateway's token,
 * the mailbox password) is write-only: sealed on the way in, answered only as
 * "secret_set"/"password_set", and shown to the audit as "******". */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/err.h"
#include "../core/mail.h"
#include "../core/notify.h"
#include "../core/sms.h"
#include "../core/timeutil.h"
#include "notify.h"
#include "notify_int.h"

/* What a channel shows: its config keys with their defaults. */
struct shown {
    const char *key;
    const char *def; /* NULL: an integer, idef */
    int64_t idef;
};

static const struct shown sms_keys[] = {
    {"url", ""},           {"method", "POST"},      {"content_type", "application/x-www-form-urlencoded"},
    {"body_template", ""}, {"success_text", ""},   {"success_json", ""},
    {"timeout_seconds", NULL, 10}, {NULL},
};
static const struct shown mail_keys[] = {
    {"host", ""}, {"port", NULL, 587},  {"security", "starttls"}, {"user", ""},
    {"from", ""}, {"from_name", "智慧云党建"}, {"ca_file", ""},   {"timeout_seconds", NULL, 15}, {NULL},
};

/* The answer: enabled, each key (stored or default), <secret>_set, updated_at. */
static json_t *shape(const json_t *got, const struct shown *keys, const char *secret_flag)
{
    json_t *conf = json_object_get(got, "config");
    json_t *out = json_pack("{s:O}", "enabled", json_object_get(got, "enabled"));
    for (const struct shown *k = keys; k->key; k++) {
        if (k->def)
            json_object_set_new(out, k->key, json_string(dj_jstr(conf, k->key, k->def)));
        else
            json_object_set_new(out, k->key, json_integer(dj_jint(conf, k->key, k->idef)));
    }
    json_object_set(out, secret_flag, json_object_get(got, "secret_set"));
    json_object_set(out, "updated_at", json_object_get(got, "updated_at"));
    return out;
}

static int channel_get(dj_req *r, const char *channel, const struct shown *keys, const char *flag)
{
    int rc = DJ_OK;
    json_t *got = notify_channel_get(dj_db(r), channel, &rc);
    if (!got)
        return rc;
    json_t *out = shape(got, keys, flag);
    json_decref(got);
    return dj_reply_json(r, 200, out);
}

/* Saves in (validated) with its audit record, the secret masked there. */
static int channel_save(dj_req *r, const char *channel, json_t *in, const char *secret_key)
{
    int rc = DJ_OK;
    if (json_object_get(in, secret_key)) {
        char *probe = dj_notify_seal("x");
        if (!probe)
            rc = dj_fail(r, DJ_ECONFLICT, secret_key, "服务器未配置密钥文件（--key-file），不能保存密钥或密码");
        free(probe);
    }
    db_conn *c = dj_db(r);
    json_t *before = rc == DJ_OK ? notify_channel_get(c, channel, &rc) : NULL;
    if (rc == DJ_OK && (rc = db_begin(c)) == DJ_OK) {
        char now[21];
        dj_time_iso(dj_now(), now);
        rc = notify_channel_save(c, channel, in, secret_key, now);
        json_t *after = json_deep_copy(in);
        if (json_object_get(after, secret_key))
            json_object_set_new(after, secret_key, json_string("******"));
        json_object_set_new(after, "channel", json_string(channel));
        if (rc == DJ_OK)
            rc = audit_write(c, r, "update", "notify_channel", 0, before, after);
        json_decref(after);
        rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    }
    json_decref(before);
    return rc;
}

/* The value the channel will have after in is merged: in's, else the stored one. */
static const char *merged(const json_t *in, const json_t *got, const char *key, const char *def)
{
    const char *v = dj_jstr(in, key, NULL);
    return v ? v : dj_jstr(json_object_get(got, "config"), key, def);
}

static bool http_url(const char *s)
{
    return strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0;
}

/* ---------------------------------------------------------------- SMS */

int notify_sms_get(dj_req *r) { return channel_get(r, "sms", sms_keys, "secret_set"); }

int notify_sms_put(dj_req *r)
{
    static const char *const methods[] = {"GET", "POST", NULL};
    static const struct dj_jfield spec[] = {
        {"enabled", "启用短信通道", DJ_J_BOOL, 0},
        {"url", "网关地址", DJ_J_STR, 0, 0, 500},
        {"method", "请求方式", DJ_J_STR, 0, 0, 0, methods},
        {"content_type", "内容类型", DJ_J_STR, 0, 0, 100},
        {"body_template", "请求内容模板", DJ_J_STR, 0, 0, 2000},
        {"success_text", "成功标志文字", DJ_J_STR, 0, 0, 200},
        {"success_json", "成功标志字段", DJ_J_STR, 0, 0, 200},
        {"timeout_seconds", "超时（秒）", DJ_J_INT, 0, 1, 60},
        {"secret", "网关密钥", DJ_J_STR, 0, 1, 500},
        {NULL},
    };
    json_t *in;
    int rc = dj_body_json(r, spec, &in);
    if (rc)
        return rc;
    json_t *got = notify_channel_get(dj_db(r), "sms", &rc);
    if (got) {
        const char *url = merged(in, got, "url", "");
        const char *cond = dj_jstr(in, "success_json", "");
        if (*url && !http_url(url))
            rc = dj_fail(r, DJ_EINVAL, "url", "网关地址须以 https:// 或 http:// 开头");
        else if (*cond && !sms_json_cond_ok(cond))
            rc = dj_fail(r, DJ_EINVAL, "success_json", "成功标志字段须写成 字段=值，如 code=0 或 result.status=OK");
        else if (dj_jbool(in, "enabled", false) && !*url)
            rc = dj_fail(r, DJ_EINVAL, "url", "启用短信通道前请填写网关地址");
    }
    if (rc == DJ_OK)
        rc = channel_save(r, "sms", in, "secret");
    json_decref(got);
    json_decref(in);
    return rc != DJ_OK ? rc : notify_sms_get(r);
}

/* ---------------------------------------------------------------- e-mail */

int notify_email_get(dj_req *r) { return channel_get(r, "email", mail_keys, "password_set"); }

static bool host_ok(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '.' ||
              *s == '-' || *s == ':' || *s == '[' || *s == ']'))
            return false;
    return true;
}

int notify_email_put(dj_req *r)
{
    static const char *const security[] = {"starttls", "tls", NULL};
    static const struct dj_jfield spec[] = {
        {"enabled", "启用邮件通道", DJ_J_BOOL, 0},
        {"host", "SMTP 服务器", DJ_J_STR, 0, 0, 200},
        {"port", "端口", DJ_J_INT, 0, 1, 65535},
        {"security", "加密方式", DJ_J_STR, 0, 0, 0, security},
        {"user", "登录用户名", DJ_J_STR, 0, 0, 200},
        {"password", "登录密码", DJ_J_STR, 0, 1, 200},
        {"from", "发件地址", DJ_J_STR, 0, 0, 254},
        {"from_name", "发件人名称", DJ_J_STR, 0, 0, 60},
        {"ca_file", "CA 证书文件", DJ_J_STR, 0, 0, 500},
        {"timeout_seconds", "超时（秒）", DJ_J_INT, 0, 1, 120},
        {NULL},
    };
    json_t *in;
    int rc = dj_body_json(r, spec, &in);
    if (rc)
        return rc;
    json_t *got = notify_channel_get(dj_db(r), "email", &rc);
    if (got) {
        const char *host = merged(in, got, "host", ""), *from = merged(in, got, "from", "");
        const char *ca = dj_jstr(in, "ca_file", "");
        if (!host_ok(host))
            rc = dj_fail(r, DJ_EINVAL, "host", "SMTP 服务器只填主机名或 IP 地址，如 smtp.example.gov.cn");
        else if (*from && !mail_address_ok(from))
            rc = dj_fail(r, DJ_EINVAL, "from", "发件地址不是有效的电子邮箱");
        else if (*ca && (ca[0] != '/' || access(ca, R_OK) != 0))
            rc = dj_fail(r, DJ_EINVAL, "ca_file", "找不到该 CA 证书文件（请填写服务器上的绝对路径）");
        else if (dj_jbool(in, "enabled", false) && (!*host || !*from))
            rc = dj_fail(r, DJ_EINVAL, *host ? "from" : "host", "启用邮件通道前请填写 SMTP 服务器和发件地址");
    }
    if (rc == DJ_OK)
        rc = channel_save(r, "email", in, "password");
    json_decref(got);
    json_decref(in);
    return rc != DJ_OK ? rc : notify_email_get(r);
}
