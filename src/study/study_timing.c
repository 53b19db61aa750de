/* study_timing.c - where a quiz answer's time goes, for bench/study: with DJ_TIMING=1 in
 * the server's environment every answer's stages are timed (buckets of 50 µs up to
 * 20 ms, then of 1 ms up to 2 s) and their p50/p99/max printed to stderr when the
 * server stops. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "study_int.h"

#define FINE 400      /* 50 µs each, up to 20 ms */
#define BUCKETS 2380  /* then 1 ms each, up to 2 s; beyond, the last bucket */

static int bucket_of(uint64_t us)
{
    uint64_t b = us < FINE * 50 ? us / 50 : FINE + (us - FINE * 50) / 1000;
    return b < BUCKETS ? (int)b : BUCKETS - 1;
}

/* The upper end of bucket b, µs. */
static unsigned long long bucket_top(int b)
{
    return b < FINE ? (unsigned long long)(b + 1) * 50 : FINE * 50ull + (unsigned long long)(b - FINE + 1) * 1000;
}

static const char *const stage_names[STUDY_T_N] = {
    "read and scored on the request thread",
    "queued, written and committed (group commit)",
    "committed until its request runs again",
    "answer built (rendered and sent after)",
    "in all (handler entry to answer)",
};

static _Atomic unsigned long long hist[STUDY_T_N][BUCKETS];
static _Atomic unsigned long long maxima[STUDY_T_N];
static pthread_once_t once = PTHREAD_ONCE_INIT;
static bool on;

static void print_stages(void)
{
    unsigned long long n = 0;
    for (int b = 0; b < BUCKETS; b++)
        n += atomic_load(&hist[STUDY_T_TOTAL][b]);
    if (!n)
        return;
    fprintf(stderr, "dangjian: quiz answers: %llu timed\n", n);
    for (int s = 0; s < STUDY_T_N; s++) {
        unsigned long long seen = 0, p50 = 0, p99 = 0;
        for (int b = 0; b < BUCKETS; b++) {
            seen += atomic_load(&hist[s][b]);
            if (!p50 && seen * 2 >= n)
                p50 = bucket_top(b);
            if (!p99 && seen * 100 >= n * 99)
                p99 = bucket_top(b);
        }
        fprintf(stderr, "dangjian:   %-46s p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms\n", stage_names[s],
                (double)p50 / 1000, (double)p99 / 1000, (double)atomic_load(&maxima[s]) / 1000);
    }
}

static void init(void)
{
    const char *v = getenv("DJ_TIMING");
    on = v && *v && *v != '0';
    if (on)
        atexit(print_stages);
}

bool study_timing_on(void)
{
    pthread_once(&once, init);
    return on;
}

uint64_t study_timing_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void study_timing_add(enum study_stage s, uint64_t us)
{
    atomic_fetch_add(&hist[s][bucket_of(us)], 1);
    unsigned long long m = atomic_load(&maxima[s]);
    while (us > m && !atomic_compare_exchange_weak(&maxima[s], &m, us))
        ;
}
