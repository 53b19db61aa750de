/* settings.c - reads and writes of the settings table. */
#include "settings.h"

#include <stdlib.h>

#include "err.h"
#include "mem.h"

int64_t dj_setting_int(db_conn *c, const char *key, int64_t def)
{
    char *v = NULL;
    if (db_query_text(c, &v, "SELECT value FROM settings WHERE key = $1", "t", key) != DJ_OK || !v)
        return def;
    char *end;
    long long x = strtoll(v, &end, 10);
    int64_t out = *end ? def : x;
    free(v);
    return out;
}

char *dj_setting_text(db_conn *c, const char *key, const char *def)
{
    char *v = NULL;
    if (db_query_text(c, &v, "SELECT value FROM settings WHERE key = $1", "t", key) != DJ_OK || !v)
        return def ? dj_strdup(def) : NULL;
    return v;
}

int dj_setting_set(db_conn *c, const char *key, const char *value)
{
    return db_exec(c,
                   "INSERT INTO settings (key, value) VALUES ($1, $2)"
                   " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                   "tt", key, value);
}
