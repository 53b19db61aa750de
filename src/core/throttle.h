/* throttle.h - sign-in throttling: growing delays per account, per account
 * and address, and per address, kept in the database (login_throttle) so that
 * every server behind nginx shares them.
 *
 * An attempt is charged before its password is hashed (an atomic upsert that
 * only succeeds when the key's delay has passed), so a burst of parallel
 * guesses cannot slip through between a check and a count; a successful
 * sign-in gives its charge back.  Unknown logins are charged the same way as
 * known ones: the answers and their cost say nothing about which logins exist. */
#ifndef DJ_THROTTLE_H
#define DJ_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

struct dj_throttle {
    char login[80];
    char addr[64];
    int64_t addr_failures; /* the address's count after this attempt: its place in the hashing queue */
    int64_t retry_after;   /* when refused: seconds until an attempt may be checked */
};

/* Limits, from the settings (security.*) or their defaults. */
struct dj_throttle_limits {
    int64_t pair_free, pair_max;       /* account from one address: free attempts, longest delay (s) */
    int64_t account_free, account_max; /* account from every address */
    int64_t addr_free, addr_max;       /* address against every account */
};
void dj_throttle_limits_read(db_conn *c, struct dj_throttle_limits *l);

/* The delay after the n-th counted attempt (pure): 0 up to free-1, then 2 s,
 * 4 s, 8 s … never above max. */
int64_t dj_throttle_delay(int64_t n, int64_t free, int64_t max);

/* Charges one attempt of login from addr.  DJ_OK: the password may be
 * checked; DJ_ERATE: refused, t->retry_after says for how long (nothing is
 * charged when the refusal is seen before counting). */
int dj_throttle_charge(db_conn *c, struct dj_throttle *t);
/* After a correct password: the account-and-address key is cleared, the
 * account's and the address's counts give the attempt back. */
int dj_throttle_success(db_conn *c, const struct dj_throttle *t);
/* An attempt charged but never checked (the hashing queue dropped it). */
int dj_throttle_refund(db_conn *c, const struct dj_throttle *t);
/* Clears every key of an account (the security administrator's "unlock"). */
int dj_throttle_clear_login(db_conn *c, const char *login);
/* Whether any of an account's keys is delaying its attempts now. */
bool dj_throttle_login_delayed(db_conn *c, const char *login);

#endif
