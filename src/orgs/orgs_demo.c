/* orgs_demo.c - the demo agency's organisation tree.
 * (A minimal tree until the roster issue brings the full agency.) */
#include "../core/err.h"
#include "../core/timeutil.h"
#include "orgs.h"

int orgs_demo_load(db_conn *c, const char *password_hash)
{
    (void)password_hash;
    char now[21];
    dj_time_iso(dj_now(), now);
    int rc = db_exec(c, "UPDATE orgs SET name = '市政府办公室机关党委' WHERE id = 1", "");
    if (rc == DJ_OK)
        rc = db_exec(c,
                     "INSERT INTO orgs (parent_id, kind, name, path, created_at, updated_at) VALUES"
                     " (1, 'branch', '第一党支部', '/1/2/', $1, $1),"
                     " (1, 'union', '机关工会', '/1/3/', $1, $1)",
                     "t", now);
    return rc;
}
