/* queries.c - the service time of "my score and rank" (points_me: year/quarter/month
 * totals, dense ranks in branch and agency from the totals index) and of the agency's
 * top-50 honour roll, in process on one connection: no HTTP, no scheduler noise from
 * the shared machine, so it shows what the database work itself costs.
 *
 *   queries DB MEMBERS N */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sodium.h>

#include "src/core/db.h"
#include "src/core/err.h"
#include "src/core/timeutil.h"
#include "src/points/points.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, double *v, long n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    printf("%s: n=%ld p50 %.3f ms p99 %.3f ms max %.3f ms\n", what, n, v[n / 2], v[(long)((double)(n - 1) * 0.99)],
           v[n - 1]);
}

int main(int argc, char **argv)
{
    if (argc != 4 || sodium_init() < 0) {
        fprintf(stderr, "usage: queries DB MEMBERS N\n");
        return 2;
    }
    long members = atol(argv[2]), n = atol(argv[3]);
    db_configure(argv[1]);
    db_conn *c = db_thread();
    if (!c) {
        fprintf(stderr, "queries: cannot open the database\n");
        return 1;
    }
    double *t = malloc((size_t)n * sizeof *t);
    unsigned seed = 7;
    char year[16], q[16], m[16];
    points_periods(dj_now(), year, q, m);
    for (long i = 0; i < n; i++) {
        int err = 0;
        double t0 = now_ms();
        json_t *me = points_me(c, 1 + rand_r(&seed) % members, dj_now(), &err);
        t[i] = now_ms() - t0;
        if (!me)
            return 1;
        json_decref(me);
    }
    report("my score and rank (points_me)", t, n);
    for (long i = 0; i < n; i++) {
        int err = 0;
        double t0 = now_ms();
        json_t *roll = points_honour_roll(c, 1, year, 50, &err);
        t[i] = now_ms() - t0;
        if (!roll)
            return 1;
        json_decref(roll);
    }
    report("agency top-50 honour roll", t, n);
    free(t);
    db_thread_close();
    return 0;
}
