/* notify.c - writing notices (the inbox message and the outbox rows, in the
 * caller's transaction), the rules of backoff and quiet hours, the registry
 * of channels and scans, and the sealing of channel secrets. */
#include "notify.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "mem.h"
#include "settings.h"
#include "timeutil.h"

/* ---------------------------------------------------------------- rules */

int64_t dj_notify_backoff(int64_t base, int attempts)
{
    if (base < 1)
        base = 1;
    int64_t wait = base;
    for (int i = 1; i < attempts && wait < 3600; i++)
        wait *= 2;
    return wait > 3600 ? 3600 : wait;
}

int64_t dj_notify_quiet_until(int64_t now, int start_hour, int end_hour)
{
    if (start_hour == end_hour || start_hour < 0 || start_hour > 23 || end_hour < 0 || end_hour > 23)
        return 0;
    int y, m, d;
    dj_local_date(now, &y, &m, &d);
    int64_t midnight = dj_local_midnight(y, m, d);
    int64_t sec = now - midnight; /* seconds into the Shanghai day */
    int64_t start = start_hour * 3600, end = end_hour * 3600;
    if (start < end) /* a window inside one day: 12 to 14 */
        return sec >= start && sec < end ? midnight + end : 0;
    if (sec >= start) /* before midnight: ends tomorrow */
        return midnight + 86400 + end;
    if (sec < end) /* after midnight: ends today */
        return midnight + end;
    return 0;
}

/* ---------------------------------------------------------------- registry */

#define MAX_CHANNELS 8
#define MAX_SCANS 32

static const struct dj_notify_channel *channels[MAX_CHANNELS];
static int nchannels;
static struct {
    const char *name;
    dj_notify_scan fn;
} scans[MAX_SCANS];
static int nscans;

void dj_notify_channel_add(const struct dj_notify_channel *ch)
{
    for (int i = 0; i < nchannels; i++)
        if (strcmp(channels[i]->name, ch->name) == 0)
            return;
    if (nchannels < MAX_CHANNELS)
        channels[nchannels++] = ch;
}

const struct dj_notify_channel *dj_notify_channel_find(const char *name)
{
    for (int i = 0; i < nchannels; i++)
        if (strcmp(channels[i]->name, name) == 0)
            return channels[i];
    return NULL;
}

void dj_notify_scan_add(const char *name, dj_notify_scan fn)
{
    for (int i = 0; i < nscans; i++)
        if (strcmp(scans[i].name, name) == 0)
            return;
    if (nscans < MAX_SCANS) {
        scans[nscans].name = name;
        scans[nscans].fn = fn;
        nscans++;
    }
}

int dj_notify_scans_run(db_conn *c, int64_t now);
int dj_notify_scans_run(db_conn *c, int64_t now)
{
    int first = DJ_OK;
    for (int i = 0; i < nscans; i++) {
        int rc = scans[i].fn(c, now);
        if (rc != DJ_OK) {
            fprintf(stderr, "dangjian notify: scan %s failed (%d)\n", scans[i].name, rc);
            if (first == DJ_OK)
                first = rc;
        }
    }
    return first;
}

void dj_notify_clear(void)
{
    nchannels = 0;
    nscans = 0;
}

/* ---------------------------------------------------------------- writing */

static int exec_dynamic(db_conn *c, const char *sql, const char *types, ...)
{
    db_stmt *s = db_prep_dynamic(c, sql);
    if (!s)
        return DJ_EDB;
    va_list ap;
    va_start(ap, types);
    int rc = db_bindv(s, types, ap);
    va_end(ap);
    if (rc == DJ_OK) {
        rc = db_step(s);
        rc = rc == DB_DONE || rc == DB_ROW ? DJ_OK : rc;
    }
    db_done(s);
    return rc;
}

/* who: the users' column that person_sql's ids are matched on ("u.person_id", "u.id") */
static int notify_write(db_conn *c, const struct dj_notice *n, const char *who, const char *id_sql, int64_t arg)
{
    int64_t now = dj_now();
    char now_iso[21];
    dj_time_iso(now, now_iso);
    /* the WHERE keeps SQLite from reading ON CONFLICT as part of the SELECT */
    char *sql = dj_asprintf("INSERT INTO notifications (user_id, event, dedup_key, title, body, link_type, link_id,"
                            " urgent, created_at)"
                            " SELECT u.id, $2, $3, $4, $5, $6, $7, $8, $9 FROM users u"
                            " WHERE u.disabled = 0 AND %s IN (%s)"
                            " ON CONFLICT (user_id, dedup_key) DO NOTHING",
                            who, id_sql);
    int rc = exec_dynamic(c, sql, "itttttIbt", arg, n->event, n->key, n->title, n->body, n->link_type, n->link_id,
                          n->urgent, now_iso);
    free(sql);
    if (rc != DJ_OK)
        return rc;
    int64_t next = now;
    if (!n->urgent) {
        int64_t q = dj_notify_quiet_until(now, (int)dj_setting_int(c, "notify.quiet_start_hour", 22),
                                          (int)dj_setting_int(c, "notify.quiet_end_hour", 7));
        if (q)
            next = q;
    }
    for (int i = 0; i < nchannels && rc == DJ_OK; i++) {
        const struct dj_notify_channel *ch = channels[i];
        if (!ch->enabled(c))
            continue;
        /* only the messages this call wrote (their created_at is now_iso); the
         * unique (message, channel) makes a second write of an event a no-op */
        sql = dj_asprintf("INSERT INTO notify_outbox (notification_id, user_id, channel, urgent, status, attempts,"
                          " next_at, created_at)"
                          " SELECT n.id, n.user_id, $2, n.urgent, 'pending', 0, $3, $4"
                          " FROM notifications n JOIN users u ON u.id = n.user_id"
                          " WHERE n.dedup_key = $1 AND n.created_at = $4 AND (%s)"
                          " AND NOT EXISTS (SELECT 1 FROM notify_prefs p WHERE p.user_id = n.user_id"
                          " AND p.channel = $2 AND p.enabled = 0)"
                          " ON CONFLICT (notification_id, channel) DO NOTHING",
                          ch->reachable_sql ? ch->reachable_sql : "1=1");
        rc = exec_dynamic(c, sql, "ttit", n->key, ch->name, next, now_iso);
        free(sql);
    }
    return rc;
}

int dj_notify_people(db_conn *c, const struct dj_notice *n, const char *person_sql, int64_t arg)
{
    return notify_write(c, n, "u.person_id", person_sql, arg);
}

int dj_notify_users(db_conn *c, const struct dj_notice *n, const char *user_sql, int64_t arg)
{
    return notify_write(c, n, "u.id", user_sql, arg);
}

int dj_notify_person(db_conn *c, const struct dj_notice *n, int64_t person_id)
{
    return dj_notify_people(c, n, "SELECT id FROM people WHERE id = $1", person_id);
}

/* ---------------------------------------------------------------- secrets */

static unsigned char seal_key[crypto_secretbox_KEYBYTES];
static bool have_key;

void dj_notify_key_set(const unsigned char key[32])
{
    if (!key) {
        sodium_memzero(seal_key, sizeof seal_key);
        have_key = false;
        return;
    }
    /* a key of its own, so the seal key is never used for two purposes */
    crypto_kdf_derive_from_key(seal_key, sizeof seal_key, 18, "djnotify", key);
    have_key = true;
}

char *dj_notify_seal(const char *plain)
{
    if (!have_key || !plain)
        return NULL;
    size_t n = strlen(plain);
    size_t blen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
    unsigned char *box = dj_malloc(blen);
    randombytes_buf(box, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, n, box, seal_key);
    size_t olen = sodium_base64_ENCODED_LEN(blen, sodium_base64_VARIANT_ORIGINAL);
    char *out = dj_malloc(olen);
    sodium_bin2base64(out, olen, box, blen, sodium_base64_VARIANT_ORIGINAL);
    free(box);
    return out;
}

char *dj_notify_open(const char *sealed)
{
    if (!have_key || !sealed)
        return NULL;
    size_t cap = strlen(sealed), blen = 0;
    unsigned char *box = dj_malloc(cap + 1);
    char *out = NULL;
    if (sodium_base642bin(box, cap, sealed, strlen(sealed), NULL, &blen, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        blen < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
        goto out;
    size_t n = blen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
    out = dj_malloc(n + 1);
    if (crypto_secretbox_open_easy((unsigned char *)out, box + crypto_secretbox_NONCEBYTES,
                                   blen - crypto_secretbox_NONCEBYTES, box, seal_key) != 0) {
        free(out);
        out = NULL;
        goto out;
    }
    out[n] = '\0';
out:
    free(box);
    return out;
}
