/* throttle.c - the sign-in throttle's keys in the login_throttle table. */
#include "throttle.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "settings.h"
#include "timeutil.h"

#define BASE_DELAY 2       /* seconds: the first delay; whole seconds, so a burst within one is held */
#define FORGET 3600        /* a key quiet this long starts counting afresh */

void dj_throttle_limits_read(db_conn *c, struct dj_throttle_limits *l)
{
    l->pair_free = dj_setting_int(c, "security.lockout_threshold", 5);
    l->pair_max = dj_setting_int(c, "security.lockout_minutes", 15) * 60;
    l->account_free = dj_setting_int(c, "security.account_threshold", 20);
    l->account_max = 60;
    l->addr_free = dj_setting_int(c, "security.address_threshold", 30);
    l->addr_max = 60;
}

int64_t dj_throttle_delay(int64_t n, int64_t free, int64_t max)
{
    if (n < free)
        return 0;
    int64_t d = BASE_DELAY;
    for (int64_t i = free; i < n && d < max; i++)
        d *= 2;
    return d < max ? d : max;
}

/* The new count and delay, in SQL both engines share: the count restarts after
 * a quiet hour; the delay is 0 below the free attempts, then doubles up to the
 * longest ($5).  $1 key, $2 now, $3 free attempts, $4 first delay, $5 longest. */
#define NEW_COUNT "(CASE WHEN t.updated_at < CAST($2 AS BIGINT) - " DJ_STR(FORGET) " THEN 1 ELSE t.failures + 1 END)"
#define DJ_STR2(x) #x
#define DJ_STR(x) DJ_STR2(x)
#define NEW_DELAY                                                                                          \
    "(CASE WHEN " NEW_COUNT " < CAST($3 AS BIGINT) THEN 0 WHEN t.delay = 0 THEN CAST($4 AS BIGINT)"        \
    " WHEN t.delay * 2 > CAST($5 AS BIGINT) THEN CAST($5 AS BIGINT) ELSE t.delay * 2 END)"

static const char charge_sql[] =
    "INSERT INTO login_throttle AS t (key, failures, delay, next_at, updated_at)"
    " VALUES ($1, 1, CASE WHEN 1 >= CAST($3 AS BIGINT) THEN CAST($4 AS BIGINT) ELSE 0 END,"
    " CAST($2 AS BIGINT) + CASE WHEN 1 >= CAST($3 AS BIGINT) THEN CAST($4 AS BIGINT) ELSE 0 END, $2)"
    " ON CONFLICT (key) DO UPDATE SET failures = " NEW_COUNT ", delay = " NEW_DELAY ","
    " next_at = CAST($2 AS BIGINT) + " NEW_DELAY ", updated_at = $2"
    " WHERE t.next_at <= CAST($2 AS BIGINT)"
    " RETURNING failures";

/* DJ_OK with the count, DJ_ERATE when the key's delay has not passed. */
static int charge(db_conn *c, const char *key, int64_t now, int64_t free, int64_t max, int64_t *count)
{
    int rc = db_query_i64(c, count, charge_sql, "tiiii", key, now, free, (int64_t)BASE_DELAY, max);
    return rc == DJ_ENOTFOUND ? DJ_ERATE : rc;
}

static void keys(const struct dj_throttle *t, char pair[160], char acct[100], char addr[80])
{
    snprintf(pair, 160, "p:%s|%s", t->login, t->addr);
    snprintf(acct, 100, "a:%s", t->login);
    snprintf(addr, 80, "i:%s", t->addr);
}

int dj_throttle_charge(db_conn *c, struct dj_throttle *t)
{
    char pair[160], acct[100], addr[80];
    keys(t, pair, acct, addr);
    int64_t now = dj_now();
    t->retry_after = 0;
    t->addr_failures = 0;
    /* First a look without counting: an attempt that would be refused charges
     * nothing, so a victim's own tries during an attack on their account do
     * not add to their address's count. */
    int64_t wait = 0;
    int rc = db_query_i64(c, &wait,
                          "SELECT COALESCE(MAX(next_at), 0) FROM login_throttle WHERE key IN ($1, $2, $3)", "ttt",
                          pair, acct, addr);
    if (rc != DJ_OK)
        return rc;
    if (wait > now) {
        t->retry_after = wait - now;
        return DJ_ERATE;
    }
    struct dj_throttle_limits l;
    dj_throttle_limits_read(c, &l);
    int64_t n;
    /* Then count, each key atomically: of a parallel burst only the attempts
     * the limits allow pass; the others are refused here, before any hashing. */
    if ((rc = charge(c, addr, now, l.addr_free, l.addr_max, &t->addr_failures)) == DJ_OK &&
        (rc = charge(c, pair, now, l.pair_free, l.pair_max, &n)) == DJ_OK)
        rc = charge(c, acct, now, l.account_free, l.account_max, &n);
    if (rc == DJ_ERATE) {
        t->retry_after = BASE_DELAY;
        db_query_i64(c, &wait, "SELECT COALESCE(MAX(next_at), 0) FROM login_throttle WHERE key IN ($1, $2, $3)",
                     "ttt", pair, acct, addr);
        if (wait > now)
            t->retry_after = wait - now;
    }
    /* now and then, forget the keys of a quiet day */
    if (randombytes_uniform(256) == 0)
        db_exec(c, "DELETE FROM login_throttle WHERE updated_at < $1", "i", now - 86400);
    return rc;
}

static const char give_back_sql[] =
    "UPDATE login_throttle SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END WHERE key = $1";

int dj_throttle_success(db_conn *c, const struct dj_throttle *t)
{
    char pair[160], acct[100], addr[80];
    keys(t, pair, acct, addr);
    int rc = db_exec(c, "DELETE FROM login_throttle WHERE key = $1", "t", pair);
    if (rc == DJ_OK)
        rc = db_exec(c, give_back_sql, "t", acct);
    if (rc == DJ_OK)
        rc = db_exec(c, give_back_sql, "t", addr);
    return rc;
}

int dj_throttle_refund(db_conn *c, const struct dj_throttle *t)
{
    char pair[160], acct[100], addr[80];
    keys(t, pair, acct, addr);
    int rc = db_exec(c, give_back_sql, "t", pair);
    if (rc == DJ_OK)
        rc = db_exec(c, give_back_sql, "t", acct);
    if (rc == DJ_OK)
        rc = db_exec(c, give_back_sql, "t", addr);
    return rc;
}

int dj_throttle_clear_login(db_conn *c, const char *login)
{
    char acct[100], prefix[100];
    snprintf(acct, sizeof acct, "a:%s", login);
    snprintf(prefix, sizeof prefix, "p:%s|", login);
    return db_exec(c, "DELETE FROM login_throttle WHERE key = $1 OR substr(key, 1, length($2)) = $2", "tt", acct,
                   prefix);
}

bool dj_throttle_login_delayed(db_conn *c, const char *login)
{
    char acct[100], prefix[100];
    snprintf(acct, sizeof acct, "a:%s", login);
    snprintf(prefix, sizeof prefix, "p:%s|", login);
    int64_t one = 0;
    return db_query_i64(c, &one,
                        "SELECT 1 FROM login_throttle WHERE (key = $1 OR substr(key, 1, length($2)) = $2)"
                        " AND next_at > $3",
                        "tti", acct, prefix, dj_now()) == DJ_OK;
}
