/* awards.c - awards per second through the real awarding path (points_award in its own
 * BEGIN IMMEDIATE transaction, chain head, hash, ledger row, three totals rows), from
 * THREADS threads, each with its own connection, for random members of the bench database.
 *
 * BATCH awards share one transaction (as points_consume_events does with its 200 events).
 *
 *   awards DB THREADS SECONDS MEMBERS [BATCH] */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sodium.h>

#include "src/core/db.h"
#include "src/core/err.h"
#include "src/core/timeutil.h"
#include "src/points/points.h"

static long members, batch = 1;
static double seconds;
static atomic_long done, failed, retries, next_source = 50000000;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *worker(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    db_conn *c = db_thread();
    if (!c) {
        fprintf(stderr, "awards: cannot open the database\n");
        exit(1);
    }
    double end = now_s() + seconds;
    while (now_s() < end) {
        long ok = 0;
        int rc;
        unsigned start_seed = seed;
        long first_source = atomic_fetch_add(&next_source, batch);
        for (int attempt = 0;; attempt++) {
            seed = start_seed; /* the same awards again after a serialization failure */
            ok = 0;
            rc = db_begin(c);
            for (long i = 0; i < batch && rc == DJ_OK; i++) {
                struct points_award a = {
                    .person_id = 1 + rand_r(&seed) % members, .rule_code = "attend_theme_day",
                    .source_type = "attendance", .source_id = first_source + i, .quantity = 1,
                    .occurred_at = dj_now() - 3600,
                };
                struct points_result res;
                rc = points_award(c, &a, &res);
                if (rc == DJ_OK && res.entry_id)
                    ok++;
            }
            rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
            if (rc != DJ_EBUSY)
                break;
            atomic_fetch_add(&retries, 1);
            if (!db_retry_wait(attempt))
                break;
        }
        if (rc == DJ_OK)
            atomic_fetch_add(&done, ok);
        else
            atomic_fetch_add(&failed, batch);
    }
    db_thread_close();
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 5 && argc != 6) {
        fprintf(stderr, "usage: awards DB THREADS SECONDS MEMBERS [BATCH]\n");
        return 2;
    }
    if (sodium_init() < 0)
        return 1;
    int threads = atoi(argv[2]);
    seconds = atof(argv[3]);
    members = atol(argv[4]);
    if (argc == 6)
        batch = atol(argv[5]);
    db_configure(argv[1]);
    pthread_t t[64];
    double t0 = now_s();
    for (int i = 0; i < threads && i < 64; i++)
        pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)(i + 1));
    for (int i = 0; i < threads && i < 64; i++)
        pthread_join(t[i], NULL);
    double el = now_s() - t0;
    printf("awards: %ld in %.1fs = %.0f awards/s (%d threads, %ld per transaction; %ld retried, %ld failed)\n",
           (long)done, el, (double)done / el, threads, batch, (long)retries, (long)failed);
    return 0;
}
