/* throttle.h - sign-in throttling: growing delays per account, per account
 * and address, and per address, kept in the database (login_throttle) so that
 * every server behind nginx shares them.
 *
 * An attempt is charged before its password is hashed (an atomic upsert that
 * only succeeds when the key's delay has passed), so a burst of parallel
 * guesses cannot slip through between a check and a count; a successful
 * sign-in gives its charge back.  An attempt refused for a full hashing queue
 * keeps its charge: a flooding address reaches its limit, and from then on
 * its attempts cost one read.  Unknown logins are charged the same way as
 * known ones: the answers and their cost say nothing about which logins exist. */
#ifndef DJ_THROTTLE_H
#define DJ_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

#include "batch.h"
#include "db.h"
#include "http.h"

struct dj_throttle {
    struct dj_batch_item item; /* private: the charge's place in the group commit */
    char login[80];
    char addr[64];
    bool refused;          /* the charge found a delay in force: not to be checked */
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

/* The delay after the n-th counted attempt (pure): 0 up to free-1, then 5 s,
 * 10 s, 20 s … never above max. */
int64_t dj_throttle_delay(int64_t n, int64_t free, int64_t max);

/* A look without counting (a read): DJ_ERATE with t->retry_after when one of
 * the attempt's keys is delaying attempts now.  The cheap refusal of a flood.
 * t->addr_failures gets the address's count so far. */
int dj_throttle_peek(db_conn *c, struct dj_throttle *t);
/*
 * Counts the attempt against its three keys, each atomically, in a group
 * commit shared with the other sign-ins of the moment (batch.h: one fsync for
 * many).  Suspends r; cont(r) runs once it is durable: t->item.rc is the
 * write's result, t->refused says the limits were reached (by this attempt's
 * parallel siblings, say).  DJ_DEFERRED, or DJ_EBUSY when the queue is full.
 */
int dj_throttle_charge(dj_req *r, struct dj_throttle *t, dj_handler cont);
/* The same on the calling thread's connection, for tools and tests: DJ_OK,
 * DJ_ERATE (refused) or an error. */
int dj_throttle_charge_now(db_conn *c, struct dj_throttle *t);
/* After a correct password, inside the caller's transaction: the
 * account-and-address key is cleared, the account's and the address's counts
 * give the attempt back. */
int dj_throttle_success(db_conn *c, const struct dj_throttle *t);
/* Counts an attempt from addr in this process and returns the address's
 * attempts of the last ten to twenty seconds: the hashing queue's order
 * (pool.h), never a limit (limits live in the database). */
unsigned dj_throttle_recent(const char *addr);
/* Clears every key of an account (the security administrator's "unlock"). */
int dj_throttle_clear_login(db_conn *c, const char *login);
/* Whether any of an account's keys is delaying its attempts now. */
bool dj_throttle_login_delayed(db_conn *c, const char *login);

#endif
