/* notify_worker.c - delivering the outbox: the worker thread of `serve`, which
 * runs the subjects' scans, claims due rows (an UPDATE from 'pending' that one
 * server alone wins, so several servers deliver each row once), hands each to
 * its channel and records the outcome: sent, again later (backoff), or failed. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "json.h"
#include "mem.h"
#include "notify.h"
#include "settings.h"
#include "timeutil.h"

int dj_notify_scans_run(db_conn *c, int64_t now); /* notify.c */

#define CLAIM_BATCH 50
#define STALE_SECONDS 300 /* a row 'sending' this long was claimed by a server that died */
#define SCAN_EVERY 5

static int claim(db_conn *c, const char *worker, int64_t now, bool quiet, int64_t *ids, int max)
{
    /* the scalar subquery finds the last of the first `max` candidates, once (an
     * "id IN (... LIMIT)" was planned by PostgreSQL as a loop over every pending row
     * when its statistics were stale: a second per batch with 10,000 waiting); the
     * outer WHERE status = 'pending' is re-checked on the row itself, so of two
     * servers only one changes it */
    db_stmt *s = db_prep(c, "UPDATE notify_outbox SET status = 'sending', claimed_by = $1, claimed_at = $2,"
                            " attempts = attempts + 1"
                            " WHERE status = 'pending' AND next_at <= $2 AND (urgent = 1 OR $3 = 0) AND id <="
                            " (SELECT MAX(x.id) FROM (SELECT id FROM notify_outbox WHERE status = 'pending'"
                            " AND next_at <= $2 AND (urgent = 1 OR $3 = 0) ORDER BY id LIMIT $4) x)"
                            " RETURNING id");
    if (!s)
        return DJ_EDB;
    int n = 0, rc = db_bind(s, "tiii", worker, now, (int64_t)quiet, (int64_t)max);
    if (rc == DJ_OK)
        while ((rc = db_step(s)) == DB_ROW)
            if (n < max)
                ids[n++] = db_col_i64(s, 0);
    db_done(s);
    return rc == DB_DONE ? n : rc;
}

/* What became of one claimed row, recorded with the others of its batch in one transaction. */
struct outcome {
    int64_t id;
    enum dj_send_result res;
    int attempts;
    char why[300];
};

static int send_one(db_conn *c, int64_t id, struct outcome *o)
{
    int err = 0;
    json_t *row = db_query_row(c, &err,
                               "SELECT o.channel, o.attempts, o.notification_id, o.user_id, u.person_id, n.title,"
                               " n.body, n.link_type, n.link_id FROM notify_outbox o"
                               " JOIN notifications n ON n.id = o.notification_id JOIN users u ON u.id = o.user_id"
                               " WHERE o.id = $1",
                               "i", id);
    if (!row)
        return err;
    const struct dj_notify_channel *ch = dj_notify_channel_find(dj_jstr(row, "channel", ""));
    struct dj_outbox_msg m = {
        .outbox_id = id,
        .notification_id = dj_jint(row, "notification_id", 0),
        .user_id = dj_jint(row, "user_id", 0),
        .person_id = dj_jint(row, "person_id", 0),
        .title = dj_jstr(row, "title", ""),
        .body = dj_jstr(row, "body", ""),
        .link_type = dj_jstr(row, "link_type", NULL),
        .link_id = dj_jint(row, "link_id", 0),
    };
    o->id = id;
    o->attempts = (int)dj_jint(row, "attempts", 1);
    o->why[0] = '\0';
    o->res = ch ? ch->send(c, &m, o->why, sizeof o->why) : DJ_SEND_FAIL;
    if (!ch)
        snprintf(o->why, sizeof o->why, "channel not available");
    json_decref(row);
    return DJ_OK;
}

/* The outcomes of a batch in one transaction (one commit, not one per row). */
static int record(db_conn *c, const char *worker, const struct outcome *out, int n, int64_t base, int max_attempts,
                  int *sent, int *retried)
{
    int64_t now = dj_now();
    char now_iso[21];
    dj_time_iso(now, now_iso);
    int rc = db_begin(c);
    for (int i = 0; i < n && rc == DJ_OK; i++) {
        const struct outcome *o = &out[i];
        if (o->res == DJ_SEND_OK) {
            rc = db_exec(c,
                         "UPDATE notify_outbox SET status = 'sent', sent_at = $3, last_error = NULL"
                         " WHERE id = $1 AND status = 'sending' AND claimed_by = $2",
                         "itt", o->id, worker, now_iso);
            (*sent)++;
        } else if (o->res == DJ_SEND_RETRY && o->attempts < max_attempts) {
            rc = db_exec(c,
                         "UPDATE notify_outbox SET status = 'pending', next_at = $3, last_error = $4"
                         " WHERE id = $1 AND status = 'sending' AND claimed_by = $2",
                         "itit", o->id, worker, now + dj_notify_backoff(base, o->attempts), o->why);
            (*retried)++;
        } else {
            rc = db_exec(c,
                         "UPDATE notify_outbox SET status = 'failed', last_error = $3"
                         " WHERE id = $1 AND status = 'sending' AND claimed_by = $2",
                         "itt", o->id, worker, o->why);
        }
    }
    return rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
}

int dj_notify_run_once(db_conn *c, const char *worker, int *sent, int *retried)
{
    *sent = *retried = 0;
    int64_t now = dj_now();
    /* rows claimed by a server that stopped before recording the outcome */
    int rc = db_exec(c, "UPDATE notify_outbox SET status = 'pending' WHERE status = 'sending' AND claimed_at < $1",
                     "i", now - STALE_SECONDS);
    if (rc != DJ_OK)
        return rc;
    bool quiet = dj_notify_quiet_until(now, (int)dj_setting_int(c, "notify.quiet_start_hour", 22),
                                       (int)dj_setting_int(c, "notify.quiet_end_hour", 7)) != 0;
    int64_t base = dj_setting_int(c, "notify.retry_base_seconds", 30);
    int max_attempts = (int)dj_setting_int(c, "notify.max_attempts", 8);
    int64_t ids[CLAIM_BATCH];
    struct outcome *out = dj_calloc(CLAIM_BATCH, sizeof *out);
    for (;;) {
        int n = claim(c, worker, now, quiet, ids, CLAIM_BATCH);
        if (n < 0) {
            rc = n;
            break;
        }
        int done = 0;
        for (; done < n && rc == DJ_OK; done++)
            rc = send_one(c, ids[done], &out[done]);
        /* what was sent is recorded even when a later row could not be read */
        int rc2 = record(c, worker, out, rc == DJ_OK ? done : done - 1, base, max_attempts, sent, retried);
        if (rc == DJ_OK)
            rc = rc2;
        if (rc != DJ_OK || n < CLAIM_BATCH)
            break;
        now = dj_now();
    }
    free(out);
    return rc;
}

/* ---------------------------------------------------------------- the thread */

static pthread_t thread;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static bool running, stopping, poked;

void dj_notify_poke(void)
{
    pthread_mutex_lock(&mu);
    poked = true;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
}

static void *worker_main(void *arg)
{
    (void)arg;
    char worker[96], host[64] = "";
    gethostname(host, sizeof host - 1);
    snprintf(worker, sizeof worker, "%s:%ld", host, (long)getpid());
    int64_t last_scan = 0;
    for (;;) {
        pthread_mutex_lock(&mu);
        bool stop = stopping;
        poked = false;
        pthread_mutex_unlock(&mu);
        if (stop)
            break;
        db_conn *c = db_thread();
        if (c) {
            int64_t now = dj_now();
            if (now - last_scan >= SCAN_EVERY || now < last_scan) {
                dj_notify_scans_run(c, now);
                last_scan = now;
            }
            int sent, retried;
            int rc = dj_notify_run_once(c, worker, &sent, &retried);
            if (rc != DJ_OK)
                fprintf(stderr, "dangjian notify: delivery round failed (%d)\n", rc);
        }
        pthread_mutex_lock(&mu);
        if (!stopping && !poked) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += 1;
            pthread_cond_timedwait(&cv, &mu, &ts);
        }
        pthread_mutex_unlock(&mu);
    }
    db_thread_close();
    return NULL;
}

void dj_notify_start(void)
{
    pthread_mutex_lock(&mu);
    stopping = false;
    pthread_mutex_unlock(&mu);
    if (pthread_create(&thread, NULL, worker_main, NULL) == 0)
        running = true;
    else
        fprintf(stderr, "dangjian notify: cannot start the delivery worker\n");
}

void dj_notify_stop(void)
{
    if (!running)
        return;
    pthread_mutex_lock(&mu);
    stopping = true;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
    pthread_join(thread, NULL);
    running = false;
}
