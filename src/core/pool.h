/* pool.h - a few worker threads with a bounded job queue, for CPU-heavy work
 * (argon2id password hashing costs tens of milliseconds and tens of MiB) that
 * must not run on the HTTP threads. */
#ifndef DJ_POOL_H
#define DJ_POOL_H

#include <stdbool.h>

/* Starts n workers with a queue of at most cap jobs. */
void dj_pool_start(unsigned n, unsigned cap);
/* Finishes the queued jobs and joins the workers. */
void dj_pool_stop(void);
/* Queues fn(arg); false when the queue is full or the pool is not running. */
bool dj_pool_submit(void (*fn)(void *), void *arg);

#endif
