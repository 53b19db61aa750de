/* wecom.h - the 企业微信 (WeChat Work) server API, which 粤政易 serves at its own
 * address: the access token (cached until shortly before it expires), the
 * OAuth code exchanged for a user id, and application messages (text cards)
 * as a notification channel.  The address, corp id, agent id and secret are
 * the channel's settings (table notify_channels, the secret sealed). */
#ifndef DJ_WECOM_H
#define DJ_WECOM_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"
#include "notify.h"

#define WECOM_DEFAULT_API "https://qyapi.weixin.qq.com"
#define WECOM_DEFAULT_OAUTH "https://open.weixin.qq.com"

/* The channel's settings as stored; strings are heap copies (wecom_cfg_free). */
struct wecom_cfg {
    bool enabled;
    char *api_base;   /* "https://qyapi.weixin.qq.com" or 粤政易's address */
    char *oauth_base; /* where the phone is sent to sign in */
    char *corp_id;
    char *agent_id;
    char *app_url;    /* the phone app's public address, for the links in messages */
    char *secret;     /* opened; NULL when none is stored or it cannot be opened */
    long timeout;     /* seconds for one call */
};
int wecom_cfg_load(db_conn *c, struct wecom_cfg *cfg);
void wecom_cfg_free(struct wecom_cfg *cfg);

/* The user id a sign-in code stands for (heap, caller frees).  DJ_EAUTH when
 * the server refuses the code; DJ_EBUSY when it cannot be reached. why gets
 * a short reason without the secret or the token. */
int wecom_userid_from_code(const struct wecom_cfg *cfg, const char *code, char **userid, char *why, size_t whysz);

/* Forgets cached tokens (a changed secret, tests). */
void wecom_token_forget(void);

/* The notification channel "wecom" (register with dj_notify_channel_add). */
extern const struct dj_notify_channel wecom_channel;

#endif
