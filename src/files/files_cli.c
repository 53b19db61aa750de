/* files_cli.c - `dangjian files gc`: removes uploads attached to nothing for
 * files.orphan_days (default 30) and the bytes no upload names any more. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/migrate.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "files_api.h"
#include "files_int.h"

int files_cmd(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'}, {"files", required_argument, 0, 'f'}, {"days", required_argument, 0, 'n'},
        {0, 0, 0, 0}};
    const char *db = NULL, *dir = NULL;
    long days = -1;
    if (argc < 2 || strcmp(argv[1], "gc") != 0) {
        fprintf(stderr, "usage: dangjian files gc --db URL [--files DIR] [--days N]\n");
        return 2;
    }
    int ch;
    optind = 2;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': db = optarg; break;
        case 'f': dir = optarg; break;
        case 'n': days = strtol(optarg, NULL, 10); break;
        default: return 2;
        }
    }
    if (!db) {
        fprintf(stderr, "dangjian files gc: --db URL is required\n");
        return 2;
    }
    if (dj_files_configure(dir) != DJ_OK) {
        fprintf(stderr, "dangjian files gc: cannot use the directory %s\n", dir);
        return 2;
    }
    char *msg = NULL;
    db_conn *c = db_open(db, &msg);
    if (!c || dj_migrate(c, false) != DJ_OK) {
        fprintf(stderr, "dangjian files gc: cannot open %s: %s\n", db, msg ? msg : "migration failed");
        free(msg);
        db_close(c);
        return 1;
    }
    if (days < 0)
        days = (long)dj_setting_int(c, "files.orphan_days", 30);
    char cut[21];
    dj_time_iso(dj_now() - (int64_t)days * 86400, cut);
    int64_t files = 0, blobs = 0;
    int rc = dj_files_gc(c, cut, &files, &blobs);
    if (rc == DJ_OK)
        printf("removed %lld unattached uploads older than %ld days and %lld unused blobs\n", (long long)files, days,
               (long long)blobs);
    else
        fprintf(stderr, "dangjian files gc: failed: %s\n", db_errmsg(c));
    db_close(c);
    dj_files_configure(NULL);
    return rc == DJ_OK ? 0 : 1;
}
