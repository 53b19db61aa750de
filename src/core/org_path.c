/* org_path.c - an organisation's path by its id (auth_org_path, auth.h),
 * kept in the process while the orgs table is not written.
 *
 * Nearly every scope check starts from an org id in a path, a query or a
 * body and needs that org's path: on PostgreSQL that was a round trip of its
 * own, two on a roster page.  Paths change only when orgs is written (a
 * subtree moved), which raises the table's generation (db_deps.h) here, or
 * takes a number of the write sequence elsewhere (db_notice_writes ends every
 * cached answer).  Inside a transaction the database is asked: the
 * transaction may itself have moved the org. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "db_deps.h"
#include "err.h"
#include "mem.h"

#define PATH_SLOTS 4096 /* direct-mapped by id: a city's orgs, a collision only re-reads */

struct path_slot {
    int64_t id;
    uint64_t gen; /* the generation it was read at */
    char *path;
};

static struct path_slot slots[PATH_SLOTS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static uint16_t *orgs_dep; /* the orgs table's number (db_deps.h) */
static int norgs_dep;

static void find_dep(void)
{
    bool all;
    orgs_dep = deps_parse("SELECT path FROM orgs", false, &norgs_dep, &all);
}

static char *kept(int64_t id)
{
    char *out = NULL;
    struct path_slot *s = &slots[(uint64_t)id % PATH_SLOTS];
    pthread_mutex_lock(&mu);
    if (s->path && s->id == id && deps_fresh(orgs_dep, norgs_dep, s->gen))
        out = dj_strdup(s->path);
    pthread_mutex_unlock(&mu);
    return out;
}

static void keep(int64_t id, const char *path, uint64_t gen)
{
    struct path_slot *s = &slots[(uint64_t)id % PATH_SLOTS];
    pthread_mutex_lock(&mu);
    if (deps_fresh(orgs_dep, norgs_dep, gen)) { /* not written while it was read */
        free(s->path);
        *s = (struct path_slot){id, gen, dj_strdup(path)};
    }
    pthread_mutex_unlock(&mu);
}

int auth_org_path(db_conn *c, int64_t org_id, char **path)
{
    pthread_once(&once, find_dep);
    if (db_in_tx(c))
        return db_query_text(c, path, "SELECT path FROM orgs WHERE id = $1", "i", org_id);
    db_notice_writes(c);
    uint64_t gen = db_read_gen(c);
    /* an answer kept after using a path depends on orgs as if it had read it */
    deps_reads_add(orgs_dep, norgs_dep);
    if ((*path = kept(org_id)))
        return DJ_OK;
    int rc = db_query_text(c, path, "SELECT path FROM orgs WHERE id = $1", "i", org_id);
    if (rc == DJ_OK)
        keep(org_id, *path, gen);
    return rc;
}
