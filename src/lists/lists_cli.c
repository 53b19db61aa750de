/* lists_cli.c - `dangjian report`: the quarterly report of one list or of all
 * of them written to a file, for a cron job or the committee office's own
 * archive.  The command line sees every list (it runs as the operator). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/migrate.h"
#include "lists.h"

static int write_all(const char *path, const void *data, size_t len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
    if (!f)
        return DJ_EINTERNAL;
    size_t n = fwrite(data, 1, len, f);
    int bad = f == stdout ? fflush(f) : fclose(f);
    return n == len && bad == 0 ? DJ_OK : DJ_EINTERNAL;
}

int lists_cli_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},     {"list", required_argument, 0, 'l'},
        {"quarter", required_argument, 0, 'q'}, {"format", required_argument, 0, 'f'},
        {"out", required_argument, 0, 'o'},    {0, 0, 0, 0}};
    const char *db = NULL, *quarter = NULL, *format = "pdf", *out = NULL;
    long long list_id = 0;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': db = optarg; break;
        case 'l': list_id = atoll(optarg); break;
        case 'q': quarter = optarg; break;
        case 'f': format = optarg; break;
        case 'o': out = optarg; break;
        default: return 2;
        }
    }
    int year, q;
    lists_day today = lists_today();
    if (!db || !out || list_id < 0 || (strcmp(format, "pdf") && strcmp(format, "xlsx") && strcmp(format, "json"))) {
        fprintf(stderr, "dangjian report: --db FILE --out FILE|- [--list ID] [--quarter 2026-Q3] [--format pdf|xlsx|json]\n");
        return 2;
    }
    if (quarter) {
        if (lists_quarter_parse(quarter, &year, &q)) {
            fprintf(stderr, "dangjian report: --quarter should look like 2026-Q3\n");
            return 2;
        }
    } else {
        lists_quarter_of(today, &year, &q);
    }
    char *msg = NULL;
    db_conn *c = db_open(db, &msg);
    if (!c) {
        fprintf(stderr, "dangjian report: cannot open %s: %s\n", db, msg ? msg : "?");
        free(msg);
        return 1;
    }
    int rc = dj_migrate(c, false);
    char *list_title = NULL;
    if (rc == DJ_OK && list_id) {
        rc = db_query_text(c, &list_title, "SELECT title FROM lists WHERE id = $1", "i", (int64_t)list_id);
        if (rc == DJ_ENOTFOUND)
            fprintf(stderr, "dangjian report: no list %lld\n", list_id);
    }
    struct lists_viewer v = {.read_scope = "(1=1)", .read_scope_co = "(1=1)", .update_scope = "(1=1)", .mine_orgs = ""};
    struct lists_ritem *items = NULL;
    json_t *pool = NULL;
    int n = 0;
    if (rc == DJ_OK)
        rc = lists_store_report_items(c, &v, list_id, &items, &n, &pool);
    if (rc == DJ_OK) {
        struct lists_report rep;
        lists_report_compute(&rep, items, n, year, q, today);
        char *agency = lists_agency_name(c);
        char *title = lists_report_title(list_title, year, q);
        struct lists_report_doc d = {.agency = agency, .title = title, .rep = &rep, .items = items, .nitems = n,
                                     .all_lists = list_id == 0};
        size_t len = 0;
        void *data = NULL;
        if (strcmp(format, "json") == 0) {
            json_t *j = lists_report_json(&d);
            data = json_dumps(j, JSON_INDENT(2));
            len = data ? strlen(data) : 0;
            json_decref(j);
        } else {
            data = strcmp(format, "xlsx") == 0 ? lists_report_xlsx(&d, &len) : lists_report_pdf(&d, &len);
        }
        rc = data ? write_all(out, data, len) : DJ_EINTERNAL;
        if (rc == DJ_OK && strcmp(out, "-") != 0)
            fprintf(stderr, "%s: %d items, %zu bytes written to %s\n", title, rep.total, len, out);
        free(data);
        free(title);
        free(agency);
        lists_report_free(&rep);
    }
    if (rc != DJ_OK && rc != DJ_ENOTFOUND)
        fprintf(stderr, "dangjian report: failed (%d) %s\n", rc, db_errmsg(c));
    free(items);
    json_decref(pool);
    free(list_title);
    db_close(c);
    return rc == DJ_OK ? 0 : 1;
}
