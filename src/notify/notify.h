/* notify.h - the notify room: the in-app inbox, each user's channel
 * preferences, the 企业微信/粤政易 channel's settings and user-id bindings,
 * and signing in with a 企业微信/粤政易 code (the core's outbox and worker are
 * in src/core/notify*.c, the API client in src/core/wecom.c). */
#ifndef DJ_NOTIFY_ROOM_H
#define DJ_NOTIFY_ROOM_H

#include "../core/http.h"

/* /api/v1/inbox…, /api/v1/notify/…, /api/v1/session/wecom… */
extern const struct dj_route notify_routes[];
extern const struct dj_route notify_oauth_routes[];
/* Registers the channels with the outbox (call from app_routes_register). */
void notify_register(void);

#endif
