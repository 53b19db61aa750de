/* assess_cmd.c - `dangjian assess`: compute a period's results from the command
 * line (a scheduled job at the end of a period, and the benchmark). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/auth.h"
#include "../core/err.h"
#include "../core/migrate.h"
#include "../core/timeutil.h"
#include "assess.h"

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int assess_cmd(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'}, {"period", required_argument, 0, 'p'},
                                         {0, 0, 0, 0}};
    const char *db = NULL;
    int64_t period = 0;
    int ch;
    if (argc < 2 || strcmp(argv[1], "compute") != 0) {
        fprintf(stderr, "usage: dangjian assess compute --db FILE --period ID\n");
        return 2;
    }
    optind = 1;
    while ((ch = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': db = optarg; break;
        case 'p': period = strtoll(optarg, NULL, 10); break;
        default: return 2;
        }
    }
    if (!db || period <= 0) {
        fprintf(stderr, "dangjian assess compute: --db FILE and --period ID are required\n");
        return 2;
    }
    char *msg = NULL;
    db_conn *c = db_open(db, &msg);
    if (!c || dj_migrate(c, false) != DJ_OK || auth_perms_load(c) != DJ_OK) {
        fprintf(stderr, "dangjian: cannot open database %s: %s\n", db, msg ? msg : "?");
        free(msg);
        if (c)
            db_close(c);
        return 1;
    }
    struct assess_err e = {0};
    int n = 0;
    double t0 = seconds();
    int rc = db_begin(c);
    if (rc == DJ_OK) {
        rc = assess_compute(c, period, dj_now(), &n, &e);
        rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    }
    double t1 = seconds();
    if (rc == DJ_OK)
        printf("period %lld: %d branches computed in %.3f s\n", (long long)period, n, t1 - t0);
    else
        fprintf(stderr, "dangjian assess compute: %s\n", e.message[0] ? e.message : dj_err_message(rc));
    auth_perms_free();
    db_close(c);
    return rc == DJ_OK ? 0 : 1;
}
