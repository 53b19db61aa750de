/* people_cli.c - `dangjian import` and `dangjian export`: the roster's file
 * formats from the command line, for the office's operator (whole tree, no
 * masking) and for scripted loads.  The same code paths as the API. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/app.h"
#include "../core/audit.h"
#include "../core/err.h"
#include "people.h"

static char *read_file(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return NULL;
    dj_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        dj_buf_append(&b, chunk, n);
    if (f != stdin)
        fclose(f);
    *len = b.len;
    return dj_buf_cstr(&b);
}

static int audit_imported(void *arg, int64_t id, const json_t *row)
{
    return audit_write(arg, NULL, "import", "person", id, NULL, row);
}

int people_cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                         {"file", required_argument, 0, 'f'},
                                         {"commit", no_argument, 0, 'c'},
                                         {0, 0, 0, 0}};
    const char *db = NULL, *file = NULL;
    bool commit = false;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': db = optarg; break;
        case 'f': file = optarg; break;
        case 'c': commit = true; break;
        default: return 2;
        }
    }
    if (!db || !file) {
        fprintf(stderr, "dangjian import: --db FILE and --file ROSTER.csv are required (--commit to write)\n");
        return 2;
    }
    size_t len = 0;
    char *data = read_file(file, &len);
    if (!data) {
        perror(file);
        return 1;
    }
    db_conn *c = app_open_db(db);
    if (!c) {
        free(data);
        return 1;
    }
    struct people_import_opts o = {.dry_run = !commit, .write_scope = NULL, .on_insert = audit_imported, .arg = c};
    json_t *res = NULL;
    int64_t first = 0, last = 0;
    int rc = db_begin(c);
    if (rc == DJ_OK)
        rc = people_import(c, data, len, &o, &res, &first, &last);
    size_t nerr = res ? json_array_size(json_object_get(res, "errors")) : 0;
    bool wrote = rc == DJ_OK && commit && nerr == 0 && first > 0;
    if (wrote) {
        json_t *a = json_pack("{s:O, s:I, s:I, s:s}", "rows", json_object_get(res, "rows"), "first_id",
                              (json_int_t)first, "last_id", (json_int_t)last, "file", file);
        rc = audit_write(c, NULL, "import_file", "person", 0, NULL, a);
        json_decref(a);
    }
    rc = rc == DJ_OK && wrote ? db_commit(c) : (db_rollback(c), rc);
    if (rc != DJ_OK) {
        fprintf(stderr, "dangjian import: database error: %s\n", db_errmsg(c));
    } else {
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(res, "errors"), i, e)
            printf("第%lld行 %s：%s\n", (long long)dj_jint(e, "line", 0), dj_jstr(e, "column", ""),
                   dj_jstr(e, "message", ""));
        printf("%lld rows (%s), %lld errors; %s\n", (long long)dj_jint(res, "rows", 0),
               dj_jstr(res, "encoding", "?"), (long long)dj_jint(res, "error_count", 0),
               wrote ? "imported" : nerr ? "nothing written" : commit ? "nothing to write" : "dry run, nothing written");
    }
    json_decref(res);
    db_close(c);
    free(data);
    return rc != DJ_OK ? 1 : nerr ? 3 : 0;
}

int people_cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                         {"out", required_argument, 0, 'o'},
                                         {"format", required_argument, 0, 'f'},
                                         {"status", required_argument, 0, 's'},
                                         {0, 0, 0, 0}};
    const char *db = NULL, *out = NULL, *format = "csv", *status = NULL;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': db = optarg; break;
        case 'o': out = optarg; break;
        case 'f': format = optarg; break;
        case 's': status = optarg; break;
        default: return 2;
        }
    }
    if (!db || !out || (strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0)) {
        fprintf(stderr, "dangjian export: --db FILE --out FILE [--format csv|xlsx] [--status S] are expected\n");
        return 2;
    }
    db_conn *c = app_open_db(db);
    if (!c)
        return 1;
    struct people_filter f = {.status = status, .active = 1};
    dj_buf b = {0};
    int rc = strcmp(format, "xlsx") == 0 ? people_export_xlsx(c, &f, &b) : people_export_csv(c, &f, &b);
    FILE *fp = rc == DJ_OK ? fopen(out, "wb") : NULL;
    if (rc == DJ_OK && (!fp || fwrite(b.data, 1, b.len, fp) != b.len)) {
        perror(out);
        rc = DJ_EINTERNAL;
    }
    if (fp && fclose(fp) != 0)
        rc = DJ_EINTERNAL;
    if (rc == DJ_OK)
        printf("wrote %zu bytes to %s\n", b.len, out);
    else
        fprintf(stderr, "dangjian export: failed (%s)\n", db_errmsg(c));
    dj_buf_free(&b);
    db_close(c);
    return rc == DJ_OK ? 0 : 1;
}
