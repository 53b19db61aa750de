/* settings.c - reads and writes of the settings table.  Reads come from a copy
 * of the whole table kept by the process and loaded again after any write to
 * it (db_deps.h: this process's writes at once, another process's at the next
 * request): a request that consults a dozen settings pays no round trip for
 * them.  Inside a transaction the table itself is read (it may have written
 * the key). */
#include "settings.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "db_deps.h"
#include "err.h"
#include "mem.h"

static pthread_mutex_t snap_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t ids_once = PTHREAD_ONCE_INIT;
static uint16_t *ids; /* the table's number (db_deps.h) */
static int nids;
static json_t *snap; /* {key: value} */
static uint64_t snap_gen;

static void ids_init(void)
{
    bool all;
    ids = deps_parse("settings", false, &nids, &all);
}

/* *v: a heap copy of key's value, or NULL when unset (DJ_ENOTFOUND). */
static int lookup(db_conn *c, const char *key, char **v)
{
    *v = NULL;
    if (!c)
        return DJ_EDB;
    if (db_in_tx(c))
        return db_query_text(c, v, "SELECT value FROM settings WHERE key = $1", "t", key);
    pthread_once(&ids_once, ids_init);
    db_notice_writes(c);
    uint64_t gen = db_write_gen();
    pthread_mutex_lock(&snap_mu);
    bool fresh = snap && deps_fresh(ids, nids, snap_gen);
    if (fresh) {
        const char *s = json_string_value(json_object_get(snap, key));
        *v = s ? dj_strdup(s) : NULL;
    }
    pthread_mutex_unlock(&snap_mu);
    if (fresh) {
        deps_reads_add(ids, nids); /* an answer made with it depends on the table */
        return *v ? DJ_OK : DJ_ENOTFOUND;
    }
    db_stmt *s = db_prep(c, "SELECT key, value FROM settings");
    if (!s)
        return DJ_EDB;
    json_t *m = json_object();
    int rc;
    while ((rc = db_step(s)) == DB_ROW)
        if (db_col_text(s, 0) && db_col_text(s, 1))
            json_object_set_new(m, db_col_text(s, 0), json_string(db_col_text(s, 1)));
    db_done(s);
    if (rc != DB_DONE) {
        json_decref(m);
        return rc < 0 ? rc : DJ_EDB;
    }
    const char *x = json_string_value(json_object_get(m, key));
    *v = x ? dj_strdup(x) : NULL;
    pthread_mutex_lock(&snap_mu);
    if (deps_fresh(ids, nids, gen) && (!snap || snap_gen <= gen)) {
        json_t *old = snap;
        snap = m;
        snap_gen = gen;
        m = old;
    }
    pthread_mutex_unlock(&snap_mu);
    json_decref(m);
    return *v ? DJ_OK : DJ_ENOTFOUND;
}

int64_t dj_setting_int(db_conn *c, const char *key, int64_t def)
{
    char *v = NULL;
    if (lookup(c, key, &v) != DJ_OK || !v)
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
    if (lookup(c, key, &v) != DJ_OK || !v)
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
