/* sms.c - the "sms" notification channel: a vendor's HTTP gateway described
 * by settings (see sms.h).  Neither the secret nor the gateway's answer is
 * ever written to a log or an error text: an answer may echo the request. */
#include "curlx.h"
#include "sms.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "err.h"
#include "json.h"
#include "mem.h"

/* ---------------------------------------------------------------- rules */

static bool has_word(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (; *s; s++)
        if (strncasecmp(s, w, n) == 0)
            return true;
    return false;
}

enum sms_enc sms_encoding_for(const char *content_type)
{
    if (!content_type || !*content_type)
        return SMS_ENC_URL;
    if (has_word(content_type, "json"))
        return SMS_ENC_JSON;
    if (strncasecmp(content_type, "text/plain", 10) == 0)
        return SMS_ENC_RAW;
    return SMS_ENC_URL;
}

static void put_url(dj_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
            *p == '_' || *p == '.' || *p == '~') {
            dj_buf_append(b, p, 1);
        } else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            dj_buf_append(b, e, 3);
        }
    }
}

/* The inside of a JSON string (the template holds the quotes). */
static void put_json(dj_buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': dj_buf_puts(b, "\\\""); break;
        case '\\': dj_buf_puts(b, "\\\\"); break;
        case '\n': dj_buf_puts(b, "\\n"); break;
        case '\r': dj_buf_puts(b, "\\r"); break;
        case '\t': dj_buf_puts(b, "\\t"); break;
        default:
            if (*p < 0x20)
                dj_buf_printf(b, "\\u%04x", *p);
            else
                dj_buf_append(b, p, 1);
        }
    }
}

char *sms_expand(const char *tpl, enum sms_enc enc, const char *phone, const char *text, const char *secret)
{
    static const char *const names[] = {"{phone}", "{text}", "{secret}"};
    const char *vals[] = {phone ? phone : "", text ? text : "", secret ? secret : ""};
    dj_buf b = {0};
    const char *p = tpl ? tpl : "";
    while (*p) {
        size_t i = 0;
        for (; i < 3; i++)
            if (strncmp(p, names[i], strlen(names[i])) == 0)
                break;
        if (i == 3) {
            dj_buf_append(&b, p++, 1);
            continue;
        }
        if (enc == SMS_ENC_URL)
            put_url(&b, vals[i]);
        else if (enc == SMS_ENC_JSON)
            put_json(&b, vals[i]);
        else
            dj_buf_puts(&b, vals[i]);
        p += strlen(names[i]);
    }
    return dj_buf_cstr(&b);
}

bool sms_json_cond_ok(const char *cond)
{
    const char *eq = cond ? strchr(cond, '=') : NULL;
    return eq && eq > cond;
}

/* The value at a dotted path ("result.code") of o, or NULL. */
static json_t *json_path(json_t *o, const char *path, size_t len)
{
    char key[128];
    while (len > 0 && json_is_object(o)) {
        const char *dot = memchr(path, '.', len);
        size_t n = dot ? (size_t)(dot - path) : len;
        if (n == 0 || n >= sizeof key)
            return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        o = json_object_get(o, key);
        if (!dot)
            return o;
        len -= n + 1;
        path = dot + 1;
    }
    return NULL;
}

static bool json_cond_holds(const char *answer, const char *cond)
{
    const char *eq = strchr(cond, '=');
    const char *want = eq + 1;
    json_t *doc = json_loads(answer ? answer : "", 0, NULL);
    json_t *v = doc ? json_path(doc, cond, (size_t)(eq - cond)) : NULL;
    bool ok = false;
    if (json_is_string(v))
        ok = strcmp(json_string_value(v), want) == 0;
    else if (v && !json_is_object(v) && !json_is_array(v)) {
        char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        ok = t && strcmp(t, want) == 0;
        free(t);
    }
    json_decref(doc);
    return ok;
}

bool sms_success(long status, const char *answer, const char *success_text, const char *success_json)
{
    if (status < 200 || status > 299)
        return false;
    if (success_text && *success_text && (!answer || !strstr(answer, success_text)))
        return false;
    if (success_json && *success_json && (!sms_json_cond_ok(success_json) || !json_cond_holds(answer, success_json)))
        return false;
    return true;
}

/* ---------------------------------------------------------------- settings */

static char *cfg_str(const json_t *o, const char *key, const char *def)
{
    const char *v = dj_jstr(o, key, NULL);
    return dj_strdup(v ? v : def);
}

int sms_cfg_load(db_conn *c, struct sms_cfg *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    int err = 0;
    json_t *row = db_query_row(c, &err,
                               "SELECT enabled, config AS config__json, secret_box FROM notify_channels"
                               " WHERE channel = 'sms'",
                               "");
    json_t *conf = row ? json_object_get(row, "config") : NULL;
    cfg->enabled = row && dj_jint(row, "enabled", 0) != 0;
    cfg->url = cfg_str(conf, "url", "");
    cfg->method = cfg_str(conf, "method", "POST");
    cfg->content_type = cfg_str(conf, "content_type", "application/x-www-form-urlencoded");
    cfg->body_template = cfg_str(conf, "body_template", "");
    cfg->success_text = cfg_str(conf, "success_text", "");
    cfg->success_json = cfg_str(conf, "success_json", "");
    cfg->timeout = (long)dj_jint(conf, "timeout_seconds", 10);
    if (cfg->timeout < 1 || cfg->timeout > 60)
        cfg->timeout = 10;
    const char *box = row ? dj_jstr(row, "secret_box", NULL) : NULL;
    cfg->secret = box ? dj_notify_open(box) : NULL;
    json_decref(row);
    return row || err == DJ_ENOTFOUND ? DJ_OK : err;
}

void sms_cfg_free(struct sms_cfg *cfg)
{
    free(cfg->url);
    free(cfg->method);
    free(cfg->content_type);
    free(cfg->body_template);
    free(cfg->success_text);
    free(cfg->success_json);
    dj_free_secret(cfg->secret);
    memset(cfg, 0, sizeof *cfg);
}

/* ---------------------------------------------------------------- the channel */

#define MAX_ANSWER (64 * 1024)

static bool sms_enabled(db_conn *c)
{
    int64_t on = 0;
    return db_query_i64(c, &on, "SELECT enabled FROM notify_channels WHERE channel = 'sms'", "") == DJ_OK && on;
}

/* One call to the gateway; its status (0 when it could not be reached) and answer. */
static CURLcode post(const struct sms_cfg *cfg, const char *url, const char *body, long *status, dj_buf *ans)
{
    CURL *h = dj_curl_new();
    if (!h)
        return CURLE_FAILED_INIT;
    struct curl_slist *hdrs = NULL;
    struct dj_curl_answer sink = {ans, MAX_ANSWER};
    curl_easy_setopt(h, CURLOPT_URL, url);
    dj_curl_collect(h, &sink);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, cfg->timeout);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, cfg->timeout);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    if (body) {
        char *ct = dj_asprintf("Content-Type: %s", cfg->content_type);
        hdrs = curl_slist_append(hdrs, ct);
        free(ct);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    }
    CURLcode cc = curl_easy_perform(h);
    *status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
    return cc;
}

static enum dj_send_result sms_send(db_conn *c, const struct dj_outbox_msg *m, char *why, size_t whysz)
{
    struct sms_cfg cfg;
    char *phone = NULL, *text = NULL, *url = NULL, *body = NULL;
    dj_buf ans = {0};
    enum dj_send_result res = DJ_SEND_RETRY;
    if (sms_cfg_load(c, &cfg) != DJ_OK) {
        snprintf(why, whysz, "settings unreadable");
        return DJ_SEND_RETRY;
    }
    if (!cfg.enabled || !*cfg.url) {
        snprintf(why, whysz, "短信通道未启用或未配置网关地址");
        res = DJ_SEND_FAIL;
        goto out;
    }
    if (db_query_text(c, &phone, "SELECT phone FROM people WHERE id = $1", "i", m->person_id) != DJ_OK || !phone ||
        !*phone) {
        snprintf(why, whysz, "该人员没有手机号");
        res = DJ_SEND_FAIL;
        goto out;
    }
    text = dj_asprintf("%s：%s", m->title, m->body);
    bool get = strcasecmp(cfg.method, "GET") == 0;
    url = sms_expand(cfg.url, SMS_ENC_URL, phone, text, cfg.secret);
    if (!get)
        body = sms_expand(cfg.body_template, sms_encoding_for(cfg.content_type), phone, text, cfg.secret);
    long status = 0;
    CURLcode cc = post(&cfg, url, get ? NULL : body, &status, &ans);
    if (cc != CURLE_OK) {
        /* names the failure, never the URL (it may carry the secret) */
        snprintf(why, whysz, "短信网关：%s", curl_easy_strerror(cc));
        res = DJ_SEND_RETRY;
    } else if (status >= 500 || status == 429 || status == 408) {
        snprintf(why, whysz, "短信网关：HTTP %ld", status);
        res = DJ_SEND_RETRY;
    } else if (status < 200 || status > 299) {
        snprintf(why, whysz, "短信网关拒绝：HTTP %ld", status);
        res = DJ_SEND_FAIL;
    } else if (!sms_success(status, dj_buf_cstr(&ans), cfg.success_text, cfg.success_json)) {
        /* the gateway answered; sending again could send the text twice */
        snprintf(why, whysz, "短信网关的回答不符合成功条件（HTTP %ld）", status);
        res = DJ_SEND_FAIL;
    } else
        res = DJ_SEND_OK;
out:
    free(phone);
    free(text);
    dj_free_secret(url);
    dj_free_secret(body);
    dj_buf_free(&ans);
    sms_cfg_free(&cfg);
    return res;
}

const struct dj_notify_channel sms_channel = {
    .name = "sms",
    .enabled = sms_enabled,
    .reachable_sql = "EXISTS (SELECT 1 FROM people sp WHERE sp.id = u.person_id AND sp.phone IS NOT NULL"
                     " AND sp.phone <> '')",
    .send = sms_send,
};
