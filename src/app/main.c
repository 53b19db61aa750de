/* main.c - `dangjian <command>`: a command table, as cgit dispatches pages. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "../assess/assess.h"
#include "../core/timeutil.h"
#include "../files/files_api.h"
#include "../lists/lists.h"
#include "../people/people.h"
#include "../points/points.h"
#include "app.h"
#include "config.h"

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
} commands[] = {
    {"serve", cmd_serve, "serve --db FILE --listen HOST:PORT [--public-url URL] [--web DIR] [--threads N] [--quiet]\n"
                         "                 [--trusted-proxy ADDR[,ADDR]] [--key-file FILE] [--db-read URL]\n"
                         "                 [--files DIR] [--request-timeout S] [--idle-timeout S] [--max-conns N] [--conns-floor N]"},
    {"init", cmd_init, "init --db FILE [--admin-password PW] [--key-file FILE]   create the database, the three administrators and the seal key"},
    {"migrate", cmd_migrate, "migrate --db FILE                      apply pending schema migrations"},
    {"user", cmd_user, "user add|grant|revoke|passwd|list --db FILE ...   manage accounts"},
    {"demo", cmd_demo, "demo --db FILE [--password PW]         load the demo agency"},
    {"backup", cmd_backup, "backup --db FILE --to FILE [--files DIR --files-to DIR]   consistent copy of a live database (and its files)"},
    {"routes", cmd_routes, "routes                                 list the API's routes"},
    /* issue 3: roster import/export */
    {"import", people_cmd_import, "import --db FILE --file ROSTER.csv [--commit]   check (and with --commit load) a roster"},
    {"export", people_cmd_export, "export --db FILE --out FILE [--format csv|xlsx] [--status S]   write the roster"},

    /* issue 4: organisational life */

    /* issue 5: points (verify) */
    {"verify", cmd_verify, "verify --db FILE [--key-file FILE] [--checkpoints FILE]   check the ledger's chains and the seals"},

    /* issue 6: work lists (report) */
    {"report", lists_cli_report, "report --db FILE --out FILE|- [--list ID] [--quarter 2026-Q3] [--format pdf|xlsx|json]   quarterly report of the work lists"},

    /* issue 14: the file store */
    {"files", files_cmd, "files gc --db FILE [--files DIR] [--days N]   remove unattached uploads and unused bytes"},

    /* issue 7: assessment */
    {"assess", assess_cmd, "assess compute --db FILE --period ID   compute a period's assessment results"},
};

static void usage(FILE *f)
{
    fprintf(f, "dangjian %s - 智慧云党建\n\nusage:\n", DJ_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  dangjian %s\n", commands[i].help);
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("dangjian %s\n", DJ_VERSION);
        return 0;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "dangjian: libsodium failed to initialise\n");
        return 1;
    }
    if (dj_clock_init() != 0)
        return 2;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "dangjian: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
