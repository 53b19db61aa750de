/* notify_int.h - what the notify room's files share: the store's calls. */
#ifndef DJ_NOTIFY_INT_H
#define DJ_NOTIFY_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/db.h"

/* The user's messages, newest first (unread_only: those not read). */
json_t *notify_inbox_list(db_conn *c, int64_t user_id, bool unread_only, int64_t limit, int64_t offset,
                          int64_t *total, int *err);
int notify_inbox_unread(db_conn *c, int64_t user_id, int64_t *n);
/* Marks one of the user's messages read; DJ_ENOTFOUND when it is not theirs. *row gets it. */
int notify_inbox_read(db_conn *c, int64_t user_id, int64_t id, const char *now, json_t **row);
int notify_inbox_read_all(db_conn *c, int64_t user_id, const char *now);

/* {"wecom": true, ...} for every registered channel. */
json_t *notify_prefs_get(db_conn *c, int64_t user_id, int *err);
int notify_pref_set(db_conn *c, int64_t user_id, const char *channel, bool enabled);

/* The wecom channel's settings without the secret: {..., "secret_set": bool}. */
json_t *notify_wecom_settings(db_conn *c, int *err);
/* Merges in into the stored settings; a "secret" is sealed first. */
int notify_wecom_save(db_conn *c, const json_t *in, const char *now);

/* Any channel's settings: {"enabled", "config": {...}, "secret_set", "updated_at"}
 * (the sealed secret never leaves the store). */
json_t *notify_channel_get(db_conn *c, const char *channel, int *err);
/* Merges in (less "enabled" and secret_key) into the channel's config, sets
 * enabled when given, and seals in[secret_key] when given. */
int notify_channel_save(db_conn *c, const char *channel, const json_t *in, const char *secret_key, const char *now);

/* People in scope_sql (over orgs o) matching a mobile number (when phone is
 * not empty) or else a name: [{"id","name","org_name"}], at most 2. */
json_t *notify_person_match(db_conn *c, const char *scope_sql, const char *phone, const char *name, int *err);
/* The person a work-app user id is bound to (DJ_ENOTFOUND: none). */
int notify_binding_owner(db_conn *c, const char *userid, int64_t *person_id);

/* Bindings of work-app user ids to people, in scope_sql (over orgs o). */
json_t *notify_bindings_list(db_conn *c, const char *scope_sql, int *err);
int notify_binding_set(db_conn *c, int64_t person_id, const char *userid, int64_t by, const char *now);
int notify_binding_delete(db_conn *c, int64_t person_id);
/* The account that signs in for a bound work-app user id; DJ_ENOTFOUND when none. */
int notify_binding_user(db_conn *c, const char *userid, int64_t *user_id);

/* A person's addresses for the channels: {"person_id", "wecom_userid", "email"}. */
json_t *notify_contact_get(db_conn *c, int64_t person_id, int *err);
/* Sets (or, NULL or "", clears) a person's e-mail address. */
int notify_email_set(db_conn *c, int64_t person_id, const char *email, const char *now);

/* A work-app user id's characters: letters, digits, _ - . @ */
bool notify_userid_ok(const char *s);

/* Handlers in their own files (notify_channels_api.c, notify_import.c). */
struct dj_req;
int notify_sms_get(struct dj_req *r);
int notify_sms_put(struct dj_req *r);
int notify_email_get(struct dj_req *r);
int notify_email_put(struct dj_req *r);
int notify_bindings_import(struct dj_req *r);

/* Counts of the outbox by channel and status, and the latest failures. */
json_t *notify_outbox_summary(db_conn *c, int *err);

#endif
