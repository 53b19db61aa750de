/* points_cli.c - `dangjian verify --db FILE`: walks every member's chain of the
 * points ledger and names the first entry that no longer matches; exit 1 when broken. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "../core/err.h"
#include "points.h"

int points_cmd_verify(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'}, {0, 0, 0, 0}};
    const char *db = NULL;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'd')
            db = optarg;
        else
            return 2;
    }
    if (!db) {
        fprintf(stderr, "usage: dangjian verify --db FILE\n");
        return 2;
    }
    char *msg = NULL;
    db_conn *c = db_open(db, &msg);
    if (!c) {
        fprintf(stderr, "dangjian: cannot open database %s: %s\n", db, msg ? msg : "?");
        free(msg);
        return 2;
    }
    struct points_verify v;
    int rc = points_verify_chain(c, &v);
    if (rc) {
        fprintf(stderr, "dangjian verify: %s\n", db_errmsg(c));
        db_close(c);
        return 2;
    }
    db_close(c);
    if (v.ok) {
        printf("{\"ok\":true,\"entries\":%lld}\n", (long long)v.entries);
        return 0;
    }
    char bad[24] = "null";
    if (v.first_bad)
        snprintf(bad, sizeof bad, "%lld", (long long)v.first_bad);
    printf("{\"ok\":false,\"first_bad\":%s,\"person_id\":%lld,\"entries\":%lld}\n", bad, (long long)v.bad_person,
           (long long)v.entries);
    fprintf(stderr, "积分台账校验失败：条目 %s（党员 %lld）：%s\n", bad, (long long)v.bad_person, v.problem);
    return 1;
}
