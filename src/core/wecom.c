/* wecom.c - the 企业微信/粤政易 server API over libcurl: settings, the cached
 * access token, code -> user id for sign-in, and message/send as the "wecom"
 * notification channel.  Neither the secret nor a token is ever written to a
 * log or an error text (the token URL carries the secret: it is never shown). */
#include "curlx.h"
#include "wecom.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <sodium.h>

#include "err.h"
#include "json.h"
#include "mem.h"
#include "timeutil.h"

/* ---------------------------------------------------------------- settings */

static char *cfg_str(const json_t *o, const char *key, const char *def)
{
    const char *v = dj_jstr(o, key, NULL);
    return dj_strdup(v && *v ? v : def);
}

int wecom_cfg_load(db_conn *c, struct wecom_cfg *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    int err = 0;
    json_t *row = db_query_row(c, &err,
                               "SELECT enabled, config AS config__json, secret_box FROM notify_channels"
                               " WHERE channel = 'wecom'",
                               "");
    json_t *conf = row ? json_object_get(row, "config") : NULL;
    cfg->enabled = row && dj_jint(row, "enabled", 0) != 0;
    cfg->api_base = cfg_str(conf, "api_base", WECOM_DEFAULT_API);
    cfg->oauth_base = cfg_str(conf, "oauth_base", WECOM_DEFAULT_OAUTH);
    cfg->corp_id = cfg_str(conf, "corpid", "");
    cfg->agent_id = cfg_str(conf, "agentid", "");
    cfg->app_url = cfg_str(conf, "app_url", "");
    cfg->timeout = (long)dj_jint(conf, "timeout_seconds", 10);
    if (cfg->timeout < 1 || cfg->timeout > 60)
        cfg->timeout = 10;
    const char *box = row ? dj_jstr(row, "secret_box", NULL) : NULL;
    cfg->secret = box ? dj_notify_open(box) : NULL;
    json_decref(row);
    return row || err == DJ_ENOTFOUND ? DJ_OK : err;
}

void wecom_cfg_free(struct wecom_cfg *cfg)
{
    free(cfg->api_base);
    free(cfg->oauth_base);
    free(cfg->corp_id);
    free(cfg->agent_id);
    free(cfg->app_url);
    dj_free_secret(cfg->secret);
    memset(cfg, 0, sizeof *cfg);
}

/* ---------------------------------------------------------------- HTTP */

#define MAX_ANSWER (256 * 1024)

/* GET (body NULL) or POST a JSON body; the answer parsed as JSON.  NULL when
 * the server cannot be reached or answers something else (why says which). */
static json_t *call(const struct wecom_cfg *cfg, const char *url, const char *body, char *why, size_t whysz)
{
    CURL *h = dj_curl_new();
    if (!h) {
        snprintf(why, whysz, "curl unavailable");
        return NULL;
    }
    dj_buf b = {0};
    struct curl_slist *hdrs = NULL;
    struct dj_curl_answer sink = {&b, MAX_ANSWER};
    curl_easy_setopt(h, CURLOPT_URL, url);
    dj_curl_collect(h, &sink);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, cfg->timeout);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, cfg->timeout);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    if (body) {
        hdrs = curl_slist_append(hdrs, "Content-Type: application/json; charset=utf-8");
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    }
    CURLcode cc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    json_t *out = NULL;
    if (cc != CURLE_OK)
        snprintf(why, whysz, "%s", curl_easy_strerror(cc)); /* names the failure, never the URL */
    else if (status != 200)
        snprintf(why, whysz, "HTTP %ld", status);
    else if (!(out = json_loadb(b.data ? b.data : "", b.len, 0, NULL)) || !json_is_object(out)) {
        json_decref(out);
        out = NULL;
        snprintf(why, whysz, "answer is not JSON");
    }
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
    dj_buf_free(&b);
    return out;
}

static char *esc(const char *s)
{
    char *e = curl_easy_escape(NULL, s ? s : "", 0);
    char *out = dj_strdup(e ? e : "");
    curl_free(e);
    return out;
}

/* ---------------------------------------------------------------- the token */

/* One cached token per process, for the settings it was fetched with (a
 * digest of address, corp id and secret); tokens last 7200 s at 企业微信. */
static pthread_mutex_t tok_mu = PTHREAD_MUTEX_INITIALIZER;
static char tok_value[600];
static unsigned char tok_for[32];
static int64_t tok_until;

static void cfg_digest(const struct wecom_cfg *cfg, unsigned char out[32])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 32);
    const char *parts[] = {cfg->api_base, "\n", cfg->corp_id, "\n", cfg->secret ? cfg->secret : ""};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        crypto_generichash_update(&st, (const unsigned char *)parts[i], strlen(parts[i]));
    crypto_generichash_final(&st, out, 32);
}

void wecom_token_forget(void)
{
    pthread_mutex_lock(&tok_mu);
    sodium_memzero(tok_value, sizeof tok_value);
    tok_until = 0;
    pthread_mutex_unlock(&tok_mu);
}

/* The access token into out; DJ_EBUSY (why set) when it cannot be had. */
static int token(const struct wecom_cfg *cfg, char out[600], char *why, size_t whysz)
{
    if (!cfg->secret || !*cfg->corp_id) {
        snprintf(why, whysz, "企业微信未配置企业ID或Secret");
        return DJ_EINVAL;
    }
    unsigned char d[32];
    cfg_digest(cfg, d);
    int64_t now = dj_now();
    pthread_mutex_lock(&tok_mu);
    bool hit = tok_until > now && memcmp(d, tok_for, 32) == 0;
    if (hit)
        memcpy(out, tok_value, 600);
    pthread_mutex_unlock(&tok_mu);
    if (hit)
        return DJ_OK;
    char *corp = esc(cfg->corp_id), *secret = esc(cfg->secret);
    char *url = dj_asprintf("%s/cgi-bin/gettoken?corpid=%s&corpsecret=%s", cfg->api_base, corp, secret);
    json_t *ans = call(cfg, url, NULL, why, whysz);
    dj_free_secret(url);
    dj_free_secret(secret);
    free(corp);
    if (!ans)
        return DJ_EBUSY;
    int rc = DJ_OK;
    const char *t = dj_jstr(ans, "access_token", NULL);
    int64_t code = dj_jint(ans, "errcode", 0), ttl = dj_jint(ans, "expires_in", 7200);
    if (code != 0 || !t || strlen(t) >= 600) {
        snprintf(why, whysz, "gettoken errcode %lld", (long long)code);
        rc = DJ_EBUSY;
    } else {
        snprintf(out, 600, "%s", t);
        pthread_mutex_lock(&tok_mu);
        snprintf(tok_value, sizeof tok_value, "%s", t);
        memcpy(tok_for, d, 32);
        /* renewed a little before the server lets it go */
        tok_until = now + (ttl > 600 ? ttl - 300 : ttl / 2);
        pthread_mutex_unlock(&tok_mu);
    }
    json_decref(ans);
    return rc;
}

/* errcodes that mean the token is no longer good: fetch a new one and retry once */
static bool token_expired(int64_t code) { return code == 42001 || code == 40014 || code == 41001; }

/* Calls path (with ?access_token= or &access_token= appended) once, or twice
 * when the token turned out to have expired.  The parsed answer or NULL. */
static json_t *call_with_token(const struct wecom_cfg *cfg, const char *path, const char *body, char *why,
                               size_t whysz)
{
    for (int round = 0; round < 2; round++) {
        char tok[600];
        if (token(cfg, tok, why, whysz) != DJ_OK)
            return NULL;
        char *t = esc(tok);
        char *url = dj_asprintf("%s%s%saccess_token=%s", cfg->api_base, path, strchr(path, '?') ? "&" : "?", t);
        json_t *ans = call(cfg, url, body, why, whysz);
        free(url);
        free(t);
        if (ans && token_expired(dj_jint(ans, "errcode", 0)) && round == 0) {
            wecom_token_forget();
            json_decref(ans);
            continue;
        }
        return ans;
    }
    return NULL;
}

/* ---------------------------------------------------------------- sign-in */

int wecom_userid_from_code(const struct wecom_cfg *cfg, const char *code, char **userid, char *why, size_t whysz)
{
    *userid = NULL;
    char *c = esc(code);
    char *path = dj_asprintf("/cgi-bin/auth/getuserinfo?code=%s", c);
    free(c);
    json_t *ans = call_with_token(cfg, path, NULL, why, whysz);
    free(path);
    if (!ans)
        return DJ_EBUSY;
    int rc = DJ_OK;
    int64_t err = dj_jint(ans, "errcode", 0);
    /* the older API answered "UserId"; a code of someone outside the corp has none */
    const char *u = dj_jstr(ans, "userid", dj_jstr(ans, "UserId", NULL));
    if (err != 0 || !u || !*u) {
        snprintf(why, whysz, "getuserinfo errcode %lld", (long long)err);
        rc = err == -1 ? DJ_EBUSY : DJ_EAUTH;
    } else
        *userid = dj_strdup(u);
    json_decref(ans);
    return rc;
}

/* ---------------------------------------------------------------- the channel */

static bool wecom_enabled(db_conn *c)
{
    int64_t on = 0;
    return db_query_i64(c, &on, "SELECT enabled FROM notify_channels WHERE channel = 'wecom'", "") == DJ_OK && on;
}

/* errcodes worth trying again later: busy, rate limits, a token */
static bool transient(int64_t code)
{
    return code == -1 || code == 45009 || code == 45033 || code == 45011 || token_expired(code);
}

static enum dj_send_result wecom_send(db_conn *c, const struct dj_outbox_msg *m, char *why, size_t whysz)
{
    struct wecom_cfg cfg;
    char *to = NULL;
    enum dj_send_result res = DJ_SEND_RETRY;
    if (wecom_cfg_load(c, &cfg) != DJ_OK) {
        snprintf(why, whysz, "settings unreadable");
        return DJ_SEND_RETRY;
    }
    if (!cfg.enabled) {
        snprintf(why, whysz, "企业微信通道已关闭");
        res = DJ_SEND_FAIL;
        goto out;
    }
    if (db_query_text(c, &to, "SELECT wecom_userid FROM wecom_bindings WHERE person_id = $1", "i", m->person_id) !=
        DJ_OK) {
        snprintf(why, whysz, "该用户未绑定企业微信");
        res = DJ_SEND_FAIL;
        goto out;
    }
    /* the card opens the message in the phone app, which leads on to its screen */
    char *url = dj_asprintf("%s/m/inbox/%lld", cfg.app_url, (long long)m->notification_id);
    json_t *msg = json_pack("{s:s, s:s, s:i, s:{s:s, s:s, s:s, s:s}, s:i, s:i}", "touser", to, "msgtype", "textcard",
                            "agentid", (int)atoi(cfg.agent_id), "textcard", "title", m->title, "description",
                            m->body, "url", url, "btntxt", "详情", "enable_duplicate_check", 1,
                            "duplicate_check_interval", 1800);
    free(url);
    char *body = json_dumps(msg, JSON_COMPACT);
    json_decref(msg);
    json_t *ans = call_with_token(&cfg, "/cgi-bin/message/send", body, why, whysz);
    free(body);
    if (ans) {
        int64_t code = dj_jint(ans, "errcode", 0);
        if (code == 0)
            res = DJ_SEND_OK;
        else {
            snprintf(why, whysz, "message/send errcode %lld", (long long)code);
            res = transient(code) ? DJ_SEND_RETRY : DJ_SEND_FAIL;
        }
        json_decref(ans);
    }
out:
    free(to);
    wecom_cfg_free(&cfg);
    return res;
}

const struct dj_notify_channel wecom_channel = {
    .name = "wecom",
    .enabled = wecom_enabled,
    .reachable_sql = "EXISTS (SELECT 1 FROM wecom_bindings b WHERE b.person_id = u.person_id)",
    .send = wecom_send,
};
