/* migrate.h - numbered schema migrations (db/migrations/NNNN_name.sql),
 * embedded in the binary at build time and applied in order, each in its
 * own transaction, recorded in schema_migrations. */
#ifndef DJ_MIGRATE_H
#define DJ_MIGRATE_H

#include <stdbool.h>

#include "db.h"

struct dj_migration {
    const char *name; /* "0001_core" */
    const char *sql;
    const char *pg_sql; /* PostgreSQL's spelling, when it differs (NNNN_name.pg.sql) */
};

extern const struct dj_migration dj_migrations[];
extern const unsigned dj_nmigrations;

/* Applies what is missing; prints each applied name when verbose. */
int dj_migrate(db_conn *c, bool verbose);

#endif
