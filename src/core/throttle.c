/* throttle.c - the sign-in throttle's keys in the login_throttle table. */
#include "throttle.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "settings.h"
#include "timeutil.h"

#define BASE_DELAY 5       /* seconds: the first delay (then 10, 20, 40 …) */
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
    /* a key without a delay never refuses: its next_at is only when it was last
     * counted, maybe by a server whose clock is a second ahead of this one's */
    " WHERE t.delay = 0 OR t.next_at <= CAST($2 AS BIGINT)"
    /* a wait longer than the longest was stamped by a clock that ran ahead
     * (another server's, or this one's before it was set back): start afresh */
    " OR t.next_at > CAST($2 AS BIGINT) + CAST($5 AS BIGINT)"
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

/* The latest end of a delay among the three keys (keys without a delay have none). */
static const char peek_sql[] =
    "SELECT COALESCE(MAX(next_at), 0) FROM login_throttle WHERE key IN ($1, $2, $3) AND delay > 0";

int dj_throttle_peek(db_conn *c, struct dj_throttle *t)
{
    char pair[160], acct[100], addr[80];
    keys(t, pair, acct, addr);
    int64_t now = dj_now(), wait = 0;
    t->retry_after = 0;
    t->addr_failures = 0;
    db_stmt *s = db_prep(c, "SELECT COALESCE(MAX(CASE WHEN delay > 0 THEN next_at END), 0),"
                            " COALESCE(MAX(CASE WHEN key = $3 THEN failures END), 0)"
                            " FROM login_throttle WHERE key IN ($1, $2, $3)");
    if (!s)
        return DJ_EDB;
    db_bind(s, "ttt", pair, acct, addr);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        wait = db_col_i64(s, 0);
        t->addr_failures = db_col_i64(s, 1);
    }
    db_done(s);
    if (rc != DB_ROW)
        return rc == DB_DONE ? DJ_EDB : rc;
    /* no wait is longer than the longest delay: one beyond it comes from a
     * clock that ran ahead, and charging the keys starts them afresh */
    struct dj_throttle_limits l;
    dj_throttle_limits_read(c, &l);
    int64_t longest = l.pair_max > l.account_max ? l.pair_max : l.account_max;
    longest = longest > l.addr_max ? longest : l.addr_max;
    if (wait > now && wait - now <= longest) {
        t->retry_after = wait - now;
        return DJ_ERATE;
    }
    return DJ_OK;
}

/* Charges the three keys inside the caller's transaction; a refusal is
 * t->refused, not an error (an error would send the whole batch back). */
static int charge_keys(db_conn *c, struct dj_throttle *t)
{
    char pair[160], acct[100], addr[80];
    keys(t, pair, acct, addr);
    int64_t now = dj_now(), n;
    struct dj_throttle_limits l;
    dj_throttle_limits_read(c, &l);
    t->refused = false;
    t->addr_failures = 0;
    /* each key atomically: of a parallel burst only the attempts the limits
     * allow pass; the others are refused here, before any hashing */
    int rc = charge(c, addr, now, l.addr_free, l.addr_max, &t->addr_failures);
    if (rc == DJ_OK)
        rc = charge(c, pair, now, l.pair_free, l.pair_max, &n);
    if (rc == DJ_OK)
        rc = charge(c, acct, now, l.account_free, l.account_max, &n);
    if (rc == DJ_ERATE) {
        t->refused = true;
        int64_t wait = 0;
        t->retry_after = BASE_DELAY;
        if (db_query_i64(c, &wait, peek_sql, "ttt", pair, acct, addr) == DJ_OK && wait > now)
            t->retry_after = wait - now < l.pair_max ? wait - now : l.pair_max;
        rc = DJ_OK;
    }
    /* now and then, forget the keys of a quiet day */
    if (rc == DJ_OK && randombytes_uniform(1024) == 0)
        rc = db_exec(c, "DELETE FROM login_throttle WHERE updated_at < $1", "i", now - 86400);
    return rc;
}

static int charge_apply(db_conn *c, struct dj_batch_item *it, void *ctx)
{
    (void)ctx;
    return charge_keys(c, it->data);
}

static pthread_once_t batch_once = PTHREAD_ONCE_INIT;
static dj_batch *charges;

static void batch_init(void)
{
    charges = dj_batch_new("sign-in", charge_apply, NULL, 1024);
}

int dj_throttle_charge(dj_req *r, struct dj_throttle *t, dj_handler cont)
{
    pthread_once(&batch_once, batch_init);
    t->item.data = t;
    return dj_batch_submit(charges, r, &t->item, cont);
}

int dj_throttle_charge_now(db_conn *c, struct dj_throttle *t)
{
    int rc = db_begin(c);
    if (rc == DJ_OK)
        rc = charge_keys(c, t);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    return rc == DJ_OK && t->refused ? DJ_ERATE : rc;
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
                        " AND delay > 0 AND next_at > $3",
                        "tti", acct, prefix, dj_now()) == DJ_OK;
}

/* ---------- recent attempts per address, in this process ----------
 * Only the order of the hashing queue uses this (a queue is one process's
 * own): an address that sent many attempts in the last ten seconds or so
 * waits behind one that sent few.  Approximate and cheap: a fixed table,
 * counts per ten-second window plus the window before. */
#define RECENT_SLOTS 4096
#define RECENT_WINDOW 10

static struct {
    char addr[64];
    int64_t window;
    unsigned count, prev;
} recent[RECENT_SLOTS];
static pthread_mutex_t recent_mu = PTHREAD_MUTEX_INITIALIZER;

unsigned dj_throttle_recent(const char *addr)
{
    unsigned h = 5381;
    for (const char *p = addr; *p; p++)
        h = h * 33 + (unsigned char)*p;
    int64_t w = dj_now() / RECENT_WINDOW;
    pthread_mutex_lock(&recent_mu);
    __typeof__(recent[0]) *e = &recent[h % RECENT_SLOTS];
    if (strcmp(e->addr, addr) != 0) {
        snprintf(e->addr, sizeof e->addr, "%s", addr);
        e->window = w;
        e->count = e->prev = 0;
    } else if (e->window != w) {
        e->prev = e->window == w - 1 ? e->count : 0;
        e->count = 0;
        e->window = w;
    }
    e->count++;
    unsigned n = e->count + e->prev;
    pthread_mutex_unlock(&recent_mu);
    return n;
}
