/* fuzz_roster.c - libFuzzer target: the two importers that read what users
 * upload, against a real (temporary) SQLite database with every migration:
 * the roster import (people_import, a dry run) and the work-list import
 * (lists_import_parse).  Nothing may crash, leak or write. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/core/db.h"
#include "../../src/core/migrate.h"
#include "../../src/lists/lists.h"
#include "../../src/people/people.h"

static db_conn *db;
static int64_t list_id;
static char path[] = "/tmp/dj-fuzz-XXXXXX";

static void remove_db(void)
{
    char side[sizeof path + 8];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    int fd = mkstemp(path);
    if (fd < 0)
        abort();
    close(fd);
    atexit(remove_db);
    char *msg = NULL;
    db = db_open(path, &msg);
    if (!db)
        fprintf(stderr, "fuzz_roster: %s\n", msg ? msg : "?");
    if (!db || dj_migrate(db, false) != 0) {
        fprintf(stderr, "fuzz_roster: no database\n");
        abort();
    }
    if (db_exec_script(db, "INSERT INTO orgs (id, parent_id, kind, name, path, created_at, updated_at) VALUES"
                           " (1, NULL, 'committee', '机关党委', '/1/', '2026-01-01', '2026-01-01'),"
                           " (2, 1, 'branch', '第一党支部', '/1/2/', '2026-01-01', '2026-01-01');"
                           "INSERT INTO people (id, name, org_id, party_status, created_at, updated_at) VALUES"
                           " (1, '张建国', 2, 'full', '2026-01-01', '2026-01-01');"
                           "INSERT INTO lists (id, kind, title, org_id, created_at, updated_at) VALUES"
                           " (1, 'concerns', '三心事', 1, '2026-01-01', '2026-01-01');") != 0) {
        fprintf(stderr, "fuzz_roster: %s\n", db_errmsg(db));
        abort();
    }
    list_id = 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct people_import_opts o = {.dry_run = true, .write_scope = "(o.path LIKE '/1/%')"};
    json_t *res = NULL;
    int64_t first = 0, last = 0;
    if (db_begin(db) != 0)
        abort();
    people_import(db, (const char *)data, size, &o, &res, &first, &last);
    json_decref(res);
    db_rollback(db);
    /* the list import takes UTF-8 text */
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    struct lists_import imp = {0};
    lists_import_parse(db, list_id, text, size, &imp);
    lists_import_free(&imp);
    free(text);
    return 0;
}
