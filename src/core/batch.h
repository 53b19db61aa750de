/* batch.h - group commit: many small writes, one transaction, one fsync.
 *
 * A request that must write one small row durably (a check-in, a points award)
 * suspends itself and queues an item; one committer thread per batch takes
 * everything queued, applies each item inside a single transaction, commits
 * (one fsync for the lot with synchronous=FULL), then resumes every request,
 * which answers from its item's result.  So the answer is only sent once the
 * row is on disk, and throughput is bounded by rows per commit, not fsyncs
 * per second.  If one item fails, the batch is rolled back and each item is
 * retried in its own transaction, so one bad item never sinks the others. */
#ifndef DJ_BATCH_H
#define DJ_BATCH_H

#include <stdbool.h>

#include "db.h"
#include "http.h"

/* One queued write. The submitter owns it (usually in its request arena) and
 * must keep it alive until it has been answered. */
struct dj_batch_item {
    struct dj_batch_item *next; /* queue link; private to the batch */
    dj_req *req;                /* resumed after the commit; NULL for dj_batch_run() */
    void *data;                 /* the caller's payload, for apply() */
    int rc;                     /* apply()'s result once committed; DJ_EBUSY/DJ_EDB if the commit failed */
    bool done;                  /* private: dj_batch_run()'s wake-up flag */
    unsigned long long queued_us; /* private: when it was queued (the stats' wait) */
    unsigned long long released_us; /* when it was committed and its request resumed (CLOCK_MONOTONIC µs) */
};

/* Writes one item on the committer's connection, inside the batch's
 * transaction. Returns DJ_OK or an error for that item (the batch is then
 * retried item by item, so apply() must be safe to run twice). */
typedef int (*dj_batch_apply)(db_conn *c, struct dj_batch_item *it, void *ctx);

typedef struct dj_batch dj_batch;

/* Creates a batch and starts its committer thread. At most max_items are
 * written per transaction (0: 1024). The batch lives until the process ends;
 * dj_batch_stop_all() stops its thread. */
dj_batch *dj_batch_new(const char *name, dj_batch_apply apply, void *ctx, unsigned max_items);
/* Writes every item of list (linked by next) at once, inside the batch's
 * transaction: rows of one table, inserted a few statements for all instead of
 * one each (a round trip each on PostgreSQL).  DJ_OK, or an error: the batch
 * is then rolled back and retried item by item with apply(). */
typedef int (*dj_batch_apply_list)(db_conn *c, struct dj_batch_item *list, void *ctx);
/* Gives b such a writer; call right after dj_batch_new(), before any item is queued. */
void dj_batch_set_list(dj_batch *b, dj_batch_apply_list fn);
/* Suspends r and queues it; cont(r) runs once the item is committed (read
 * it->rc there). Returns DJ_DEFERRED, or DJ_EBUSY when the batch is stopped
 * or its queue is full (r is then not suspended). */
int dj_batch_submit(dj_batch *b, dj_req *r, struct dj_batch_item *it, dj_handler cont);
/* Queues it and waits until it is committed; returns it->rc. For threads that
 * are not request threads (CLI, tests). */
int dj_batch_run(dj_batch *b, struct dj_batch_item *it);
/*
 * Follow-up work after commits, debounced: fn(c, ctx) runs on a helper thread
 * (its own connection) once the batch has committed something and then been
 * quiet for quiet_ms, or max_ms after the first commit it has not yet seen,
 * whichever comes first. For work that may lag a little behind a burst
 * without slowing it (the points awarded for check-ins). fn returns DJ_OK,
 * or an error: then it runs again after another quiet_ms (a busy database
 * under load must not leave the work undone until the next commit). Call
 * once, right after dj_batch_new().
 * fn must take what it works from out of the database in the transaction that
 * does the work (a marker row deleted, a "done" row written), so that work lost
 * is done again: on SQLite its commits are not fsynced one by one
 * (synchronous=NORMAL). The WAL keeps commits in order, so a power cut may undo
 * the last of them (never part of one, never one that a later fsynced commit
 * follows), and what they consumed is then there to be done again.
 */
void dj_batch_after(dj_batch *b, int (*fn)(db_conn *c, void *ctx), void *ctx, unsigned quiet_ms, unsigned max_ms);
/* Makes the committer wait up to ms after the first queued item (unless max_items are
 * queued) before it writes, so that a steady trickle of items that need not be answered
 * at once (heartbeats) shares commits and fsyncs. 0 (the default): write at once. */
void dj_batch_linger(dj_batch *b, unsigned ms);
/* Asks for the follow-up work as if something had been committed (for writes
 * made outside the batch, such as closing an activity). */
void dj_batch_poke(dj_batch *b);
/* Runs the follow-up once now, on the calling thread and its connection, under the
 * follow-up's own lock (so once across servers starting together: where another holds
 * it, that one does the work and this returns DJ_OK). For what a stopped server left
 * owed, done at start before the server answers, so that it never runs beside the
 * first requests. Returns the follow-up's result. */
int dj_batch_after_now(dj_batch *b);

/*
 * The writer's turn on SQLite, which has one writer at a time: a connection that finds
 * the write lock taken sleeps in its busy handler (1, 2, 5, 10 … ms) and may come back
 * well after the lock was freed. Every batch's committer takes the turn around its
 * transactions, and follow-up work that writes in many short transactions beside a
 * batch (the points of a burst of quiz answers) takes it around each of them. A
 * committer, whose items are requests waiting for their answers, goes ahead of such
 * work when both wait (at most eight times in a row, so the work is never starved):
 * a commit waits at most for one transaction of the follow-up. On other engines (row
 * locks, several writers) these do nothing.
 */
void dj_batch_turn_take(db_conn *c);
void dj_batch_turn_give(db_conn *c);

/* Commits what is queued, runs pending follow-up work, then stops every
 * batch's threads (server shutdown). */
void dj_batch_stop_all(void);

struct dj_batch_stats {
    unsigned long long items, commits, max_batch, retries;
    unsigned long long apply_us, commit_us; /* time spent writing the items, and in COMMIT (the fsync) */
    unsigned long long max_commit_us;
    unsigned long long wait_us, max_wait_us; /* from queued to the start of its transaction */
};
void dj_batch_stats_get(dj_batch *b, struct dj_batch_stats *out);

#endif
