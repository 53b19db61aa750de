/* migrate.c - applies the embedded migrations that a database lacks.
 *
 * Several servers may start at once on one empty PostgreSQL: the first takes
 * the cluster-wide lock "dangjian:migrate" and applies what is missing, the
 * others wait for it and then find nothing to do; each migration is also
 * checked again inside its own transaction, so two processes on one SQLite
 * file (where the lock is granted at once) never apply one twice either. */
#include "migrate.h"

#include <stdio.h>
#include <string.h>

#include "err.h"
#include "timeutil.h"

#define MIGRATE_LOCK "dangjian:migrate"

static int applied(db_conn *c, const char *name, bool *yes)
{
    int64_t n = 0;
    int rc = db_query_i64(c, &n, "SELECT COUNT(*) FROM schema_migrations WHERE version = $1", "t", name);
    *yes = n > 0;
    return rc;
}

static int apply_one(db_conn *c, unsigned i, bool verbose)
{
    bool done = false;
    int rc = applied(c, dj_migrations[i].name, &done);
    if (rc != DJ_OK || done)
        return rc;
    char at[21];
    dj_time_iso(dj_now(), at);
    if ((rc = db_begin(c)) != DJ_OK)
        return rc;
    if ((rc = applied(c, dj_migrations[i].name, &done)) == DJ_OK && done)
        return db_commit(c); /* another process applied it meanwhile */
    bool pg = strcmp(db_driver_of(c)->name, "postgresql") == 0;
    if (rc == DJ_OK)
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
    return DJ_OK;
}

int dj_migrate(db_conn *c, bool verbose)
{
    int rc = db_lock(c, MIGRATE_LOCK);
    if (rc != DJ_OK) {
        fprintf(stderr, "dangjian: cannot take the migration lock: %s\n", db_errmsg(c));
        return rc;
    }
    rc = db_exec_script(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                           " version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)");
    for (unsigned i = 0; rc == DJ_OK && i < dj_nmigrations; i++)
        rc = apply_one(c, i, verbose);
    db_unlock(c, MIGRATE_LOCK);
    return rc;
}
