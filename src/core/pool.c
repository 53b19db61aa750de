/* pool.c - the bounded worker pool with priorities and dropping. */
#include "pool.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "db.h"
#include "mem.h"

struct job {
    void (*fn)(void *);
    void (*drop)(void *);
    void *arg;
    unsigned prio;
    uint64_t seq;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct job *queue; /* unordered; qlen entries; picked by (prio, seq) */
static unsigned qcap, qlen, nthreads;
static uint64_t seq;
static pthread_t *threads;
static bool running, stopping;

/* The index of the next job to run: the best priority; within it, droppable
 * jobs newest first (under overload the newest attempt is the one whose user
 * still waits, the oldest is the one dropped), other jobs oldest first. */
static unsigned pick(void)
{
    unsigned best = 0;
    for (unsigned i = 1; i < qlen; i++) {
        const struct job *a = &queue[i], *b = &queue[best];
        bool newer_first = a->drop && b->drop;
        if (a->prio < b->prio || (a->prio == b->prio && (newer_first ? a->seq > b->seq : a->seq < b->seq)))
            best = i;
    }
    return best;
}

static void *worker(void *unused)
{
    (void)unused;
    /* below the request threads: a hashing flood slows itself, not the answers */
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
    for (;;) {
        pthread_mutex_lock(&mu);
        while (qlen == 0 && !stopping)
            pthread_cond_wait(&cv, &mu);
        if (qlen == 0 && stopping) {
            pthread_mutex_unlock(&mu);
            break;
        }
        unsigned i = pick();
        struct job j = queue[i];
        queue[i] = queue[--qlen];
        pthread_mutex_unlock(&mu);
        j.fn(j.arg);
    }
    db_thread_close();
    return NULL;
}

void dj_pool_start(unsigned n, unsigned cap)
{
    pthread_mutex_lock(&mu);
    if (running) {
        pthread_mutex_unlock(&mu);
        return;
    }
    qcap = cap ? cap : 64;
    queue = dj_calloc(qcap, sizeof *queue);
    qlen = 0;
    nthreads = n ? n : 1;
    threads = dj_calloc(nthreads, sizeof *threads);
    stopping = false;
    running = true;
    pthread_mutex_unlock(&mu);
    for (unsigned i = 0; i < nthreads; i++)
        pthread_create(&threads[i], NULL, worker, NULL);
}

void dj_pool_stop(void)
{
    pthread_mutex_lock(&mu);
    if (!running) {
        pthread_mutex_unlock(&mu);
        return;
    }
    stopping = true;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    for (unsigned i = 0; i < nthreads; i++)
        pthread_join(threads[i], NULL);
    pthread_mutex_lock(&mu);
    free(threads);
    free(queue);
    threads = NULL;
    queue = NULL;
    running = false;
    pthread_mutex_unlock(&mu);
}

bool dj_pool_submit_prio(void (*fn)(void *), void *arg, unsigned prio, void (*drop)(void *))
{
    struct job dropped = {0};
    pthread_mutex_lock(&mu);
    if (!running || stopping) {
        pthread_mutex_unlock(&mu);
        return false;
    }
    unsigned slot = qlen, droppable = 0;
    for (unsigned i = 0; drop && i < qlen; i++)
        droppable += queue[i].drop != NULL;
    /* droppable jobs (sign-ins) fill at most a quarter of the queue: a short
     * queue is a short wait, and the rest stays free for other work */
    if (qlen == qcap || (drop && droppable >= qcap / 4)) {
        /* the least urgent job that may be dropped, the oldest among equals; a
         * new job as urgent takes its place */
        unsigned worst = qcap;
        for (unsigned i = 0; i < qlen; i++)
            if (queue[i].drop && (worst == qcap || queue[i].prio > queue[worst].prio ||
                                  (queue[i].prio == queue[worst].prio && queue[i].seq < queue[worst].seq)))
                worst = i;
        if (worst == qcap || (drop ? queue[worst].prio < prio : queue[worst].prio <= prio)) {
            pthread_mutex_unlock(&mu);
            return false;
        }
        dropped = queue[worst];
        slot = worst;
    } else {
        (void)droppable;
        qlen++;
    }
    queue[slot] = (struct job){fn, drop, arg, prio, seq++};
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
    if (dropped.drop)
        dropped.drop(dropped.arg);
    return true;
}

bool dj_pool_submit(void (*fn)(void *), void *arg)
{
    return dj_pool_submit_prio(fn, arg, 0, NULL);
}

bool dj_pool_would_take(unsigned prio)
{
    pthread_mutex_lock(&mu);
    unsigned droppable = 0;
    bool better = false; /* a queued droppable job this one would push out (no more urgent than it) */
    for (unsigned i = 0; i < qlen; i++)
        if (queue[i].drop) {
            droppable++;
            better = better || queue[i].prio >= prio;
        }
    bool ok = running && !stopping && ((qlen < qcap && droppable < qcap / 4) || better);
    pthread_mutex_unlock(&mu);
    return ok;
}

unsigned dj_pool_queued(void)
{
    pthread_mutex_lock(&mu);
    unsigned n = qlen;
    pthread_mutex_unlock(&mu);
    return n;
}
