/* mail.h - e-mail over SMTP with TLS (STARTTLS on the submission port, or
 * TLS from the first byte with "tls"), through libcurl: the "email"
 * notification channel.  The settings live in the row "email" of
 * notify_channels (host, port, security, user, from address and name, a CA
 * file for a private CA); the password is sealed there. */
#ifndef DJ_MAIL_H
#define DJ_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "notify.h"

struct mail_cfg {
    bool enabled;
    char *host;
    long port;         /* 587 by default (465 for "tls") */
    char *security;    /* "starttls" or "tls"; never plain text */
    char *user;        /* "" when the server needs no sign-in */
    char *password;    /* opened; NULL when none */
    char *from;        /* dangjian@example.gov.cn */
    char *from_name;   /* 智慧云党建 */
    char *ca_file;     /* "" for the system's CAs */
    long timeout;      /* seconds */
};
int mail_cfg_load(db_conn *c, struct mail_cfg *cfg);
void mail_cfg_free(struct mail_cfg *cfg);

/* --- the rules (pure) --- */

/* The text as RFC 2047 encoded-words (=?UTF-8?B?...?=, each at most 75
 * characters, split between whole UTF-8 characters, joined by CRLF SP);
 * plain ASCII without specials is returned as it is.  Heap. */
char *mail_header_word(const char *utf8);
/* A whole message (headers and a base64 body, CRLF line ends) ready for DATA.
 * now is epoch seconds for the Date header; id makes the Message-ID unique. */
char *mail_message(const char *from, const char *from_name, const char *to, const char *subject, const char *body,
                   int64_t now, const char *id);
/* Whether s looks like an address: one @, something either side, no spaces or brackets. */
bool mail_address_ok(const char *s);

/* The notification channel "email": reaches people with an e-mail address. */
extern const struct dj_notify_channel mail_channel;

#endif
