/* pool.c - the bounded worker pool. */
#include "pool.h"

#include <pthread.h>
#include <stdlib.h>

#include "db.h"
#include "mem.h"

struct job {
    void (*fn)(void *);
    void *arg;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct job *queue;
static unsigned qcap, qhead, qlen, nthreads;
static pthread_t *threads;
static bool running, stopping;

static void *worker(void *unused)
{
    (void)unused;
    for (;;) {
        pthread_mutex_lock(&mu);
        while (qlen == 0 && !stopping)
            pthread_cond_wait(&cv, &mu);
        if (qlen == 0 && stopping) {
            pthread_mutex_unlock(&mu);
            break;
        }
        struct job j = queue[qhead];
        qhead = (qhead + 1) % qcap;
        qlen--;
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
    qhead = qlen = 0;
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

bool dj_pool_submit(void (*fn)(void *), void *arg)
{
    pthread_mutex_lock(&mu);
    if (!running || stopping || qlen == qcap) {
        pthread_mutex_unlock(&mu);
        return false;
    }
    queue[(qhead + qlen) % qcap] = (struct job){fn, arg};
    qlen++;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
    return true;
}
