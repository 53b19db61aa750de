/* pool.h - a few worker threads with a bounded job queue, for CPU-heavy work
 * (argon2id password hashing costs tens of milliseconds and tens of MiB) that
 * must not run on the HTTP threads.  The workers run at a lower scheduling
 * priority (nice 10) and there is one fewer of them than cores, so a flood of
 * hashing never takes the core the requests are answered on.
 *
 * Jobs carry a priority (lower runs sooner).  Jobs that may be dropped (they
 * have a drop callback: sign-ins) fill at most a quarter of the queue; when
 * that share is full, a new job at least as urgent takes the place of the
 * oldest of the least urgent ones, and within a priority the newest runs
 * first: a sign-in from an address that has not been trying is not kept
 * waiting behind a flood of guesses.  Other jobs run first come, first served. */
#ifndef DJ_POOL_H
#define DJ_POOL_H

#include <stdbool.h>

/* Starts n workers with a queue of at most cap jobs. */
void dj_pool_start(unsigned n, unsigned cap);
/* Finishes the queued jobs and joins the workers. */
void dj_pool_stop(void);
/* Queues fn(arg) with priority 0, never dropped; false when the queue is
 * full or the pool is not running. */
bool dj_pool_submit(void (*fn)(void *), void *arg);
/* Queues fn(arg) with priority prio.  drop(arg), if not NULL, may be called
 * instead of fn (on the submitting thread of another job) when the job is
 * pushed out of a full queue.  False when the queue is full of more urgent
 * jobs, or the pool is not running. */
bool dj_pool_submit_prio(void (*fn)(void *), void *arg, unsigned prio, void (*drop)(void *));
/* Would a droppable job of this priority be queued now?  (A hint for a cheap
 * refusal before any other work; the submit decides.) */
bool dj_pool_would_take(unsigned prio);
/* Jobs waiting now (for tests and benchmarks). */
unsigned dj_pool_queued(void);

#endif
