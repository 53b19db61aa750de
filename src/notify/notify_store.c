/* notify_store.c - the notify room's SQL: inbox reads and marks, preferences,
 * the wecom channel's settings, bindings and the outbox summary. */
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/json.h"
#include "../core/mem.h"
#include "../core/notify.h"
#include "notify_int.h"

#define INBOX_COLS                                                                                                \
    "SELECT id, event, title, body, link_type, link_id, urgent AS urgent__bool, created_at, read_at"            \
    " FROM notifications"

/* The link as the to-do list has it: {"type","id"} (or null). */
static void shape_link(json_t *it)
{
    json_t *t = json_object_get(it, "link_type");
    if (json_is_string(t))
        json_object_set_new(it, "link", json_pack("{s:O, s:O}", "type", t, "id", json_object_get(it, "link_id")));
    else
        json_object_set_new(it, "link", json_null());
    json_object_del(it, "link_type");
    json_object_del(it, "link_id");
}

json_t *notify_inbox_list(db_conn *c, int64_t user_id, bool unread_only, int64_t limit, int64_t offset,
                          int64_t *total, int *err)
{
    if ((*err = db_query_i64(c, total,
                             "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND ($2 = 0 OR read_at IS NULL)",
                             "ii", user_id, (int64_t)unread_only)) != DJ_OK)
        return NULL;
    json_t *rows = db_query_rows(c, err,
                                 INBOX_COLS " WHERE user_id = $1 AND ($2 = 0 OR read_at IS NULL)"
                                            " ORDER BY id DESC LIMIT $3 OFFSET $4",
                                 "iiii", user_id, (int64_t)unread_only, limit, offset);
    if (!rows)
        return NULL;
    size_t i;
    json_t *it;
    json_array_foreach(rows, i, it)
        shape_link(it);
    return rows;
}

int notify_inbox_unread(db_conn *c, int64_t user_id, int64_t *n)
{
    return db_query_i64(c, n, "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL", "i",
                        user_id);
}

int notify_inbox_read(db_conn *c, int64_t user_id, int64_t id, const char *now, json_t **row)
{
    int err = 0;
    *row = db_query_row(c, &err, INBOX_COLS " WHERE id = $1 AND user_id = $2", "ii", id, user_id);
    if (!*row)
        return err;
    if (json_is_null(json_object_get(*row, "read_at"))) {
        int rc = db_exec(c, "UPDATE notifications SET read_at = $3 WHERE id = $1 AND user_id = $2 AND read_at IS NULL",
                         "iit", id, user_id, now);
        if (rc != DJ_OK)
            return rc;
        json_object_set_new(*row, "read_at", json_string(now));
    }
    shape_link(*row);
    return DJ_OK;
}

int notify_inbox_read_all(db_conn *c, int64_t user_id, const char *now)
{
    return db_exec(c, "UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL", "it", user_id,
                   now);
}

static const char *const channel_names[] = {"wecom", "sms", "email", NULL};

json_t *notify_prefs_get(db_conn *c, int64_t user_id, int *err)
{
    json_t *out = json_object();
    for (const char *const *ch = channel_names; *ch; ch++) {
        int64_t on = 1;
        int rc = db_query_i64(c, &on, "SELECT enabled FROM notify_prefs WHERE user_id = $1 AND channel = $2", "it",
                              user_id, *ch);
        if (rc != DJ_OK && rc != DJ_ENOTFOUND) {
            *err = rc;
            json_decref(out);
            return NULL;
        }
        json_object_set_new(out, *ch, json_boolean(rc == DJ_ENOTFOUND || on));
    }
    return out;
}

int notify_pref_set(db_conn *c, int64_t user_id, const char *channel, bool enabled)
{
    return db_exec(c,
                   "INSERT INTO notify_prefs (user_id, channel, enabled) VALUES ($1, $2, $3)"
                   " ON CONFLICT (user_id, channel) DO UPDATE SET enabled = excluded.enabled",
                   "itb", user_id, channel, (int)enabled);
}

json_t *notify_wecom_settings(db_conn *c, int *err)
{
    json_t *row = db_query_row(c, err,
                               "SELECT enabled AS enabled__bool, config AS config__json, secret_box, updated_at"
                               " FROM notify_channels WHERE channel = 'wecom'",
                               "");
    json_t *out = json_object();
    json_t *conf = row ? json_object_get(row, "config") : NULL;
    static const struct {
        const char *key, *def;
    } keys[] = {{"api_base", "https://qyapi.weixin.qq.com"}, {"oauth_base", "https://open.weixin.qq.com"},
                {"corpid", ""}, {"agentid", ""}, {"app_url", ""}};
    json_object_set_new(out, "enabled", json_boolean(row && json_is_true(json_object_get(row, "enabled"))));
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        json_object_set_new(out, keys[i].key, json_string(dj_jstr(conf, keys[i].key, keys[i].def)));
    json_object_set_new(out, "timeout_seconds", json_integer(dj_jint(conf, "timeout_seconds", 10)));
    json_object_set_new(out, "secret_set", json_boolean(row && json_is_string(json_object_get(row, "secret_box"))));
    json_object_set_new(out, "updated_at", json_string(row ? dj_jstr(row, "updated_at", "") : ""));
    json_decref(row);
    if (!row && *err == DJ_ENOTFOUND)
        *err = DJ_OK;
    if (*err != DJ_OK) {
        json_decref(out);
        return NULL;
    }
    return out;
}

int notify_wecom_save(db_conn *c, const json_t *in, const char *now)
{
    int err = 0;
    json_t *row = db_query_row(c, &err, "SELECT config AS config__json FROM notify_channels WHERE channel = 'wecom'",
                               "");
    if (!row && err != DJ_ENOTFOUND)
        return err;
    json_t *conf = row ? json_deep_copy(json_object_get(row, "config")) : json_object();
    json_decref(row);
    if (!json_is_object(conf)) {
        json_decref(conf);
        conf = json_object();
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)in, key, v) {
        if (strcmp(key, "secret") != 0 && strcmp(key, "enabled") != 0)
            json_object_set(conf, key, v);
    }
    int rc = db_exec(c,
                     "INSERT INTO notify_channels (channel, enabled, config, updated_at) VALUES ('wecom', 0, $1, $2)"
                     " ON CONFLICT (channel) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at",
                     "jt", conf, now);
    json_decref(conf);
    if (rc == DJ_OK && json_object_get(in, "enabled"))
        rc = db_exec(c, "UPDATE notify_channels SET enabled = $1 WHERE channel = 'wecom'", "b",
                     (int)json_is_true(json_object_get(in, "enabled")));
    const char *secret = dj_jstr(in, "secret", NULL);
    if (rc == DJ_OK && secret) {
        char *box = dj_notify_seal(secret);
        if (!box)
            return DJ_EINTERNAL;
        rc = db_exec(c, "UPDATE notify_channels SET secret_box = $1 WHERE channel = 'wecom'", "t", box);
        free(box);
    }
    return rc;
}

json_t *notify_bindings_list(db_conn *c, const char *scope_sql, int *err)
{
    char *sql = dj_asprintf("SELECT b.wecom_userid, b.person_id, p.name AS person_name, o.name AS org_name,"
                            " b.created_at FROM wecom_bindings b JOIN people p ON p.id = b.person_id"
                            " LEFT JOIN orgs o ON o.id = p.org_id WHERE %s ORDER BY o.path, p.name",
                            scope_sql ? scope_sql : "1=0");
    json_t *rows = db_query_rows_dynamic(c, err, sql, "");
    free(sql);
    return rows;
}

int notify_binding_set(db_conn *c, int64_t person_id, const char *userid, int64_t by, const char *now)
{
    int64_t other = 0;
    int rc = db_query_i64(c, &other, "SELECT person_id FROM wecom_bindings WHERE wecom_userid = $1", "t", userid);
    if (rc == DJ_OK && other != person_id)
        return DJ_ECONFLICT;
    if (rc != DJ_OK && rc != DJ_ENOTFOUND)
        return rc;
    rc = db_exec(c, "DELETE FROM wecom_bindings WHERE person_id = $1", "i", person_id);
    if (rc == DJ_OK)
        rc = db_exec(c,
                     "INSERT INTO wecom_bindings (wecom_userid, person_id, created_by, created_at)"
                     " VALUES ($1, $2, $3, $4)",
                     "tiit", userid, person_id, by, now);
    return rc;
}

int notify_binding_delete(db_conn *c, int64_t person_id)
{
    return db_exec(c, "DELETE FROM wecom_bindings WHERE person_id = $1", "i", person_id);
}

int notify_binding_user(db_conn *c, const char *userid, int64_t *user_id)
{
    return db_query_i64(c, user_id,
                        "SELECT u.id FROM wecom_bindings b JOIN users u ON u.person_id = b.person_id"
                        " WHERE b.wecom_userid = $1 AND u.disabled = 0 ORDER BY u.id LIMIT 1",
                        "t", userid);
}

json_t *notify_outbox_summary(db_conn *c, int *err)
{
    json_t *counts = db_query_rows(c, err,
                                   "SELECT channel, status, COUNT(*) AS n FROM notify_outbox"
                                   " GROUP BY channel, status ORDER BY channel, status",
                                   "");
    if (!counts)
        return NULL;
    json_t *failures = db_query_rows(c, err,
                                     "SELECT o.id, o.channel, o.status, o.attempts, o.last_error, n.title,"
                                     " u.name AS user_name FROM notify_outbox o"
                                     " JOIN notifications n ON n.id = o.notification_id JOIN users u ON u.id = o.user_id"
                                     " WHERE o.last_error IS NOT NULL AND o.status <> 'sent' ORDER BY o.id DESC LIMIT 50",
                                     "");
    if (!failures) {
        json_decref(counts);
        return NULL;
    }
    return json_pack("{s:o, s:o}", "counts", counts, "problems", failures);
}

json_t *notify_channel_get(db_conn *c, const char *channel, int *err)
{
    json_t *row = db_query_row(c, err,
                               "SELECT enabled AS enabled__bool, config AS config__json, secret_box, updated_at"
                               " FROM notify_channels WHERE channel = $1",
                               "t", channel);
    if (!row && *err != DJ_ENOTFOUND)
        return NULL;
    *err = DJ_OK;
    json_t *conf = row ? json_object_get(row, "config") : NULL;
    json_t *out = json_pack("{s:b, s:o, s:b, s:s}", "enabled", row && json_is_true(json_object_get(row, "enabled")),
                            "config", json_is_object(conf) ? json_incref(conf) : json_object(), "secret_set",
                            row && json_is_string(json_object_get(row, "secret_box")), "updated_at",
                            row ? dj_jstr(row, "updated_at", "") : "");
    json_decref(row);
    return out;
}

int notify_channel_save(db_conn *c, const char *channel, const json_t *in, const char *secret_key, const char *now)
{
    int err = 0;
    json_t *row = db_query_row(c, &err, "SELECT config AS config__json FROM notify_channels WHERE channel = $1", "t",
                               channel);
    if (!row && err != DJ_ENOTFOUND)
        return err;
    json_t *conf = row ? json_deep_copy(json_object_get(row, "config")) : NULL;
    json_decref(row);
    if (!json_is_object(conf)) {
        json_decref(conf);
        conf = json_object();
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)in, key, v) {
        if (strcmp(key, secret_key) != 0 && strcmp(key, "enabled") != 0)
            json_object_set(conf, key, v);
    }
    int rc = db_exec(c,
                     "INSERT INTO notify_channels (channel, enabled, config, updated_at) VALUES ($1, 0, $2, $3)"
                     " ON CONFLICT (channel) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at",
                     "tjt", channel, conf, now);
    json_decref(conf);
    if (rc == DJ_OK && json_object_get(in, "enabled"))
        rc = db_exec(c, "UPDATE notify_channels SET enabled = $2 WHERE channel = $1", "tb", channel,
                     (int)json_is_true(json_object_get(in, "enabled")));
    const char *secret = dj_jstr(in, secret_key, NULL);
    if (rc == DJ_OK && secret) {
        char *box = dj_notify_seal(secret);
        if (!box)
            return DJ_EINTERNAL;
        rc = db_exec(c, "UPDATE notify_channels SET secret_box = $2 WHERE channel = $1", "tt", channel, box);
        free(box);
    }
    return rc;
}

json_t *notify_person_match(db_conn *c, const char *scope_sql, const char *phone, const char *name, int *err)
{
    bool by_phone = phone && *phone;
    char *sql = dj_asprintf("SELECT p.id, p.name, o.name AS org_name FROM people p LEFT JOIN orgs o ON o.id = p.org_id"
                            " WHERE p.active = 1 AND %s AND %s ORDER BY p.id LIMIT 2",
                            by_phone ? "p.phone = $1" : "p.name = $1", scope_sql ? scope_sql : "1=0");
    json_t *rows = db_query_rows_dynamic(c, err, sql, "t", by_phone ? phone : name);
    free(sql);
    return rows;
}

int notify_binding_owner(db_conn *c, const char *userid, int64_t *person_id)
{
    return db_query_i64(c, person_id, "SELECT person_id FROM wecom_bindings WHERE wecom_userid = $1", "t", userid);
}

json_t *notify_contact_get(db_conn *c, int64_t person_id, int *err)
{
    return db_query_row(c, err,
                        "SELECT p.id AS person_id, b.wecom_userid, p.email FROM people p"
                        " LEFT JOIN wecom_bindings b ON b.person_id = p.id WHERE p.id = $1",
                        "i", person_id);
}

int notify_email_set(db_conn *c, int64_t person_id, const char *email, const char *now)
{
    return db_exec(c, "UPDATE people SET email = $2, updated_at = $3 WHERE id = $1", "itt", person_id,
                   email && *email ? email : NULL, now);
}
