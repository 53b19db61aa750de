/* migrate.c - applies the embedded migrations that a database lacks. */
#include "migrate.h"

#include <stdio.h>
#include <string.h>

#include "err.h"
#include "timeutil.h"

int dj_migrate(db_conn *c, bool verbose)
{
    int rc = db_exec_script(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                               " version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)");
    if (rc != DJ_OK)
        return rc;
    for (unsigned i = 0; i < dj_nmigrations; i++) {
        int64_t n = 0;
        rc = db_query_i64(c, &n, "SELECT COUNT(*) FROM schema_migrations WHERE version = $1", "t",
                          dj_migrations[i].name);
        if (rc != DJ_OK)
            return rc;
        if (n)
            continue;
        char at[21];
        dj_time_iso(dj_now(), at);
        if ((rc = db_begin(c)) != DJ_OK)
            return rc;
        bool pg = strcmp(db_driver_of(c)->name, "postgresql") == 0;
        rc = db_exec_script(c, pg && dj_migrations[i].pg_sql ? dj_migrations[i].pg_sql : dj_migrations[i].sql);
        if (rc == DJ_OK)
            rc = db_exec(c, "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)", "tt",
                         dj_migrations[i].name, at);
        if (rc == DJ_OK)
            rc = db_commit(c);
        if (rc != DJ_OK) {
            fprintf(stderr, "dangjian: migration %s failed: %s\n", dj_migrations[i].name, db_errmsg(c));
            db_rollback(c);
            return rc;
        }
        if (verbose)
            fprintf(stderr, "dangjian: applied migration %s\n", dj_migrations[i].name);
    }
    return DJ_OK;
}
