/* unit_db.h - what the unit tests share about a SQLite file of their own. */
#ifndef DJ_UNIT_DB_H
#define DJ_UNIT_DB_H

#include <stdio.h>
#include <unistd.h>

/* Removes a SQLite database file and its write-ahead log and shared memory. */
static inline void unit_db_remove(const char *path)
{
    char side[256];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

#endif
