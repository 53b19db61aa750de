/* sms.h - text messages through a configurable HTTP gateway, because every
 * vendor's API differs: the URL, GET or POST, a body template with {phone},
 * {text} and {secret} filled in (URL-encoded or JSON-escaped as the content
 * type needs), and a success condition (HTTP 2xx, plus optionally a substring
 * of the answer or a JSON field = value).  The settings live in the row
 * "sms" of notify_channels; the gateway's secret is sealed there. */
#ifndef DJ_SMS_H
#define DJ_SMS_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"
#include "notify.h"

struct sms_cfg {
    bool enabled;
    char *url;           /* may hold {phone} {text} {secret}, always URL-encoded there */
    char *method;        /* "GET" or "POST" */
    char *content_type;  /* of a POST body */
    char *body_template; /* POST only */
    char *success_text;  /* "" or a substring the answer must contain */
    char *success_json;  /* "" or "field=value" (field may be a dotted path) */
    char *secret;        /* opened; NULL when none */
    long timeout;        /* seconds */
};
int sms_cfg_load(db_conn *c, struct sms_cfg *cfg);
void sms_cfg_free(struct sms_cfg *cfg);

/* --- the rules (pure) --- */

enum sms_enc { SMS_ENC_RAW, SMS_ENC_URL, SMS_ENC_JSON };
/* JSON for a content type naming json, URL-encoding for a form (or any
 * other type: most gateways take form fields), raw for text/plain. */
enum sms_enc sms_encoding_for(const char *content_type);
/* tpl with {phone}, {text} and {secret} replaced, each encoded by enc;
 * other braces are left as they are.  Heap; caller frees. */
char *sms_expand(const char *tpl, enum sms_enc enc, const char *phone, const char *text, const char *secret);
/* Whether a gateway's answer means "sent": status 2xx, the substring found
 * (when one is set) and the JSON field equal to the value (when set; numbers
 * and booleans compare as their JSON text, strings as they are). */
bool sms_success(long status, const char *answer, const char *success_text, const char *success_json);
/* Whether "field=value" is a well-formed condition (a non-empty field). */
bool sms_json_cond_ok(const char *cond);

/* The notification channel "sms": reaches people with a mobile number. */
extern const struct dj_notify_channel sms_channel;

#endif
