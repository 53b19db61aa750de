/* notify.h - notifications as data: a message in each recipient's in-app
 * inbox and one outbox row per other channel, written in the transaction of
 * the event that causes them (an event that rolls back tells nobody), then
 * delivered by a worker thread with retries, backoff and quiet hours.
 *
 * Subjects say what happened (dj_notify_people, in their own transaction)
 * and register scans (reminders, due dates) the worker runs; the core knows
 * no subject.  Channels (wecom.c) register a send function. */
#ifndef DJ_NOTIFY_H
#define DJ_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

/* One event to tell people about. */
struct dj_notice {
    const char *event;     /* the subject's name for it: "activity.noticed" */
    const char *key;       /* the event's identity: one message per recipient and key, ever */
    const char *title;     /* short, Chinese */
    const char *body;      /* one or two lines, Chinese */
    const char *link_type; /* a to-do link type the apps route (web/src/lib/todos.js), or NULL */
    int64_t link_id;
    bool urgent;           /* delivered in quiet hours too */
};

/* Writes the notice for the user accounts of the people that person_sql
 * selects (one column of people ids; it may use $1, bound to arg), in c's
 * current transaction.  Disabled accounts and people without one are skipped.
 * A key already written for a user writes nothing again. */
int dj_notify_people(db_conn *c, const struct dj_notice *n, const char *person_sql, int64_t arg);
/* The same for the user accounts that user_sql selects (one column of users
 * ids): accounts of an office that is no person. */
int dj_notify_users(db_conn *c, const struct dj_notice *n, const char *user_sql, int64_t arg);
/* The same for one person. */
int dj_notify_person(db_conn *c, const struct dj_notice *n, int64_t person_id);

/* --- the rules (pure) --- */

/* Seconds to wait before attempt number `attempts`+1 after `attempts` failed
 * ones: base, 2*base, 4*base, ... capped at one hour, never below 1 s. */
int64_t dj_notify_backoff(int64_t base, int attempts);
/* When `now` falls in the quiet hours [start_hour, end_hour) of the Shanghai
 * day (the window may span midnight: 22 to 7), the instant they end; else 0.
 * start == end means no quiet hours. */
int64_t dj_notify_quiet_until(int64_t now, int start_hour, int end_hour);

/* --- channels and the worker --- */

/* One delivery the worker hands to a channel. */
struct dj_outbox_msg {
    int64_t outbox_id, notification_id, user_id, person_id;
    const char *title, *body, *link_type;
    int64_t link_id;
};

/* A channel's answer: sent, try again later (err says why), or give up. */
enum dj_send_result { DJ_SEND_OK = 0, DJ_SEND_RETRY = 1, DJ_SEND_FAIL = 2 };

struct dj_notify_channel {
    const char *name; /* "wecom" */
    /* true when the channel is set up and on (read per enqueue; cheap) */
    bool (*enabled)(db_conn *c);
    /* SQL of the condition under which user u (an alias "u" of users) can be
     * reached on this channel, e.g. an address exists; "1=1" for any */
    const char *reachable_sql;
    enum dj_send_result (*send)(db_conn *c, const struct dj_outbox_msg *m, char *err, size_t errsz);
};
void dj_notify_channel_add(const struct dj_notify_channel *ch);
const struct dj_notify_channel *dj_notify_channel_find(const char *name);

/* A subject's periodic scan (reminders before a start, due dates): writes
 * notices with dj_notify_people for what is due at `now`; their keys make a
 * second run, or a second server's run, write nothing new. */
typedef int (*dj_notify_scan)(db_conn *c, int64_t now);
void dj_notify_scan_add(const char *name, dj_notify_scan fn);

/* Runs the scans and delivers what is due once (the worker's loop body;
 * tests and `dangjian notify run` call it).  *sent and *retried count this round. */
int dj_notify_run_once(db_conn *c, const char *worker, int *sent, int *retried);

/* The worker thread of `serve`: wakes every second (or at dj_notify_poke). */
void dj_notify_start(void);
void dj_notify_stop(void);
void dj_notify_poke(void);

/* The key that seals channel secrets (derived from the server's key file);
 * without one a secret cannot be stored or read. */
void dj_notify_key_set(const unsigned char key[32]);
/* Seals text into base64 (heap; caller frees), or opens it; NULL without a key or when it fails. */
char *dj_notify_seal(const char *plain);
char *dj_notify_open(const char *sealed);

/* Forgets channels and scans (tests, shutdown). */
void dj_notify_clear(void);

#endif
