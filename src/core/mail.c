/* mail.c - the "email" notification channel: a plain-text UTF-8 message sent
 * over SMTP with TLS by libcurl.  The password never reaches a log or an error
 * text; errors name the SMTP reply code or libcurl's failure only. */
#include "curlx.h"
#include "mail.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "err.h"
#include "json.h"
#include "mem.h"
#include "timeutil.h"

/* ---------------------------------------------------------------- rules */

static bool plain_word(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p > 0x7e || *p == '=' || *p == '?' || *p == '"' || *p == '\\')
            return false;
    return strlen(s) <= 70;
}

static void put_b64(dj_buf *b, const unsigned char *p, size_t n)
{
    size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *e = dj_malloc(cap);
    sodium_bin2base64(e, cap, p, n, sodium_base64_VARIANT_ORIGINAL);
    dj_buf_puts(b, e);
    free(e);
}

char *mail_header_word(const char *utf8)
{
    const char *s = utf8 ? utf8 : "";
    if (plain_word(s))
        return dj_strdup(s);
    /* "=?UTF-8?B?" + base64 of 39 bytes (52) + "?=" = 64: with "Subject: " a line stays under 76 */
    dj_buf b = {0};
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    bool first = true;
    while (left > 0) {
        size_t n = left < 39 ? left : 39;
        while (n < left && n > 0 && (p[n] & 0xC0) == 0x80) /* not inside a character */
            n--;
        if (!first)
            dj_buf_puts(&b, "\r\n ");
        dj_buf_puts(&b, "=?UTF-8?B?");
        put_b64(&b, p, n);
        dj_buf_puts(&b, "?=");
        p += n;
        left -= n;
        first = false;
    }
    return dj_buf_cstr(&b);
}

bool mail_address_ok(const char *s)
{
    if (!s)
        return false;
    const char *at = strchr(s, '@');
    if (!at || at == s || !at[1] || strchr(at + 1, '@') || !strchr(at + 1, '.'))
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == '<' || *p == '>' || *p == '"' || *p == ',' || *p == ';' || *p == '\\' || *p == 0x7f)
            return false;
    return strlen(s) <= 254;
}

char *mail_message(const char *from, const char *from_name, const char *to, const char *subject, const char *body,
                   int64_t now, const char *id)
{
    static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)(now + 8 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    dj_buf b = {0};
    char *name = mail_header_word(from_name && *from_name ? from_name : "");
    char *subj = mail_header_word(subject);
    if (*name)
        dj_buf_printf(&b, "From: %s <%s>\r\n", name, from);
    else
        dj_buf_printf(&b, "From: <%s>\r\n", from);
    const char *dom = strchr(from, '@');
    dj_buf_printf(&b,
                  "To: <%s>\r\nSubject: %s\r\nDate: %s, %02d %s %04d %02d:%02d:%02d +0800\r\n"
                  "Message-ID: <%s@%s>\r\nMIME-Version: 1.0\r\n"
                  "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
                  to, subj, wd[tm.tm_wday], tm.tm_mday, mo[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec, id, dom ? dom + 1 : "dangjian");
    free(name);
    free(subj);
    /* the body in lines of 76 base64 characters (57 bytes each) */
    const unsigned char *p = (const unsigned char *)(body ? body : "");
    size_t left = strlen((const char *)p);
    while (left > 0) {
        size_t n = left < 57 ? left : 57;
        put_b64(&b, p, n);
        dj_buf_puts(&b, "\r\n");
        p += n;
        left -= n;
    }
    return dj_buf_cstr(&b);
}

/* ---------------------------------------------------------------- settings */

static char *cfg_str(const json_t *o, const char *key, const char *def)
{
    const char *v = dj_jstr(o, key, NULL);
    return dj_strdup(v ? v : def);
}

int mail_cfg_load(db_conn *c, struct mail_cfg *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    int err = 0;
    json_t *row = db_query_row(c, &err,
                               "SELECT enabled, config AS config__json, secret_box FROM notify_channels"
                               " WHERE channel = 'email'",
                               "");
    json_t *conf = row ? json_object_get(row, "config") : NULL;
    cfg->enabled = row && dj_jint(row, "enabled", 0) != 0;
    cfg->host = cfg_str(conf, "host", "");
    cfg->security = cfg_str(conf, "security", "starttls");
    cfg->port = (long)dj_jint(conf, "port", strcmp(cfg->security, "tls") == 0 ? 465 : 587);
    cfg->user = cfg_str(conf, "user", "");
    cfg->from = cfg_str(conf, "from", "");
    cfg->from_name = cfg_str(conf, "from_name", "");
    cfg->ca_file = cfg_str(conf, "ca_file", "");
    cfg->timeout = (long)dj_jint(conf, "timeout_seconds", 15);
    if (cfg->timeout < 1 || cfg->timeout > 120)
        cfg->timeout = 15;
    const char *box = row ? dj_jstr(row, "secret_box", NULL) : NULL;
    cfg->password = box ? dj_notify_open(box) : NULL;
    json_decref(row);
    return row || err == DJ_ENOTFOUND ? DJ_OK : err;
}

void mail_cfg_free(struct mail_cfg *cfg)
{
    free(cfg->host);
    free(cfg->security);
    free(cfg->user);
    free(cfg->from);
    free(cfg->from_name);
    free(cfg->ca_file);
    dj_free_secret(cfg->password);
    memset(cfg, 0, sizeof *cfg);
}

/* ---------------------------------------------------------------- the channel */


struct upload {
    const char *p;
    size_t left;
};

static size_t on_read(char *dst, size_t size, size_t n, void *arg)
{
    struct upload *u = arg;
    size_t k = size * n < u->left ? size * n : u->left;
    memcpy(dst, u->p, k);
    u->p += k;
    u->left -= k;
    return k;
}

static bool mail_enabled(db_conn *c)
{
    int64_t on = 0;
    return db_query_i64(c, &on, "SELECT enabled FROM notify_channels WHERE channel = 'email'", "") == DJ_OK && on;
}

/* One SMTP conversation; the last reply code in *code (0: none). */
static CURLcode smtp_send(const struct mail_cfg *cfg, const char *to, const char *msg, long *code)
{
    CURL *h = dj_curl_new();
    if (!h)
        return CURLE_FAILED_INIT;
    bool tls = strcmp(cfg->security, "tls") == 0;
    char *url = dj_asprintf("%s://%s:%ld", tls ? "smtps" : "smtp", cfg->host, cfg->port);
    char *from = dj_asprintf("<%s>", cfg->from), *rcpt_s = dj_asprintf("<%s>", to);
    struct curl_slist *rcpt = curl_slist_append(NULL, rcpt_s);
    struct upload up = {msg, strlen(msg)};
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    if (*cfg->ca_file)
        curl_easy_setopt(h, CURLOPT_CAINFO, cfg->ca_file);
    if (*cfg->user) {
        curl_easy_setopt(h, CURLOPT_USERNAME, cfg->user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, cfg->password ? cfg->password : "");
    }
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(h, CURLOPT_READDATA, &up);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, cfg->timeout);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, cfg->timeout);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    CURLcode cc = curl_easy_perform(h);
    *code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, code);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(h);
    free(url);
    free(from);
    free(rcpt_s);
    return cc;
}

static enum dj_send_result mail_send(db_conn *c, const struct dj_outbox_msg *m, char *why, size_t whysz)
{
    struct mail_cfg cfg;
    char *to = NULL, *msg = NULL;
    enum dj_send_result res = DJ_SEND_RETRY;
    if (mail_cfg_load(c, &cfg) != DJ_OK) {
        snprintf(why, whysz, "settings unreadable");
        return DJ_SEND_RETRY;
    }
    if (!cfg.enabled || !*cfg.host || !mail_address_ok(cfg.from)) {
        snprintf(why, whysz, "邮件通道未启用或未配置服务器、发件地址");
        res = DJ_SEND_FAIL;
        goto out;
    }
    if (db_query_text(c, &to, "SELECT email FROM people WHERE id = $1", "i", m->person_id) != DJ_OK ||
        !mail_address_ok(to)) {
        snprintf(why, whysz, "该人员没有有效的电子邮箱");
        res = DJ_SEND_FAIL;
        goto out;
    }
    char id[64];
    snprintf(id, sizeof id, "dj.%lld.%lld", (long long)m->notification_id, (long long)m->outbox_id);
    msg = mail_message(cfg.from, cfg.from_name, to, m->title, m->body, dj_now(), id);
    long code = 0;
    CURLcode cc = smtp_send(&cfg, to, msg, &code);
    if (cc == CURLE_OK)
        res = DJ_SEND_OK;
    else if (code >= 500 && code <= 599) {
        /* a permanent refusal: the address, the sign-in or the message */
        snprintf(why, whysz, "邮件服务器拒绝：SMTP %ld", code);
        res = DJ_SEND_FAIL;
    } else if (code >= 400 && code <= 499) {
        snprintf(why, whysz, "邮件服务器暂时拒绝：SMTP %ld", code);
        res = DJ_SEND_RETRY;
    } else {
        snprintf(why, whysz, "邮件服务器：%s", curl_easy_strerror(cc));
        res = DJ_SEND_RETRY;
    }
out:
    free(to);
    free(msg);
    mail_cfg_free(&cfg);
    return res;
}

const struct dj_notify_channel mail_channel = {
    .name = "email",
    .enabled = mail_enabled,
    .reachable_sql = "EXISTS (SELECT 1 FROM people mp WHERE mp.id = u.person_id AND mp.email LIKE '%_@_%')",
    .send = mail_send,
};
