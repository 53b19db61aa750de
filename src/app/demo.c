/* demo.c - the demo agency, for trying the product only.
 * Each subject adds its part in app_demo_load(), in dependency order. */
#include <stdlib.h>

#include "../account/account.h"
#include "../core/auth.h"
#include "../core/err.h"
#include "../core/timeutil.h"
#include "app.h"

/* One account per role; the organisations come from the roster's demo. */
static int demo_accounts(db_conn *c, const char *hash)
{
    static const struct {
        const char *login, *name, *role, *org_kind;
    } acc[] = {
        {"demo-committee", "机关党委（演示）", "committee", "committee"},
        {"demo-discipline", "纪委（演示）", "discipline", "committee"},
        {"demo-secretary", "支部书记（演示）", "secretary", "branch"},
        {"demo-officer", "工会干部（演示）", "officer", "union"},
        {"demo-leader", "领导（演示）", "leader", "committee"},
        {"demo-member", "党员（演示）", "member", "branch"},
    };
    int rc = DJ_OK;
    for (size_t i = 0; rc == DJ_OK && i < sizeof acc / sizeof acc[0]; i++) {
        int64_t org = 0, uid = 0;
        rc = db_query_i64(c, &org, "SELECT id FROM orgs WHERE kind = $1 ORDER BY id LIMIT 1", "t", acc[i].org_kind);
        if (rc == DJ_OK)
            rc = account_user_create(c, acc[i].login, acc[i].name, hash, 0, false, &uid);
        if (rc == DJ_OK)
            rc = account_grant(c, uid, acc[i].role, org);
    }
    return rc;
}

/* A minimal tree so every demo account has a home; the roster's demo
 * replaces this with the full agency. */
static int demo_orgs(db_conn *c)
{
    char now[21];
    dj_time_iso(dj_now(), now);
    int rc = db_exec(c, "UPDATE orgs SET name = '市政府办公室机关党委' WHERE id = 1", "");
    if (rc == DJ_OK)
        rc = db_exec(c,
                     "INSERT INTO orgs (id, parent_id, kind, name, path, created_at, updated_at) VALUES"
                     " (2, 1, 'branch', '第一党支部', '/1/2/', $1, $1),"
                     " (3, 1, 'union', '机关工会', '/1/3/', $1, $1)",
                     "t", now);
    return rc;
}

int app_demo_load(db_conn *c, const char *password)
{
    char *hash = auth_password_hash(password);
    if (!hash)
        return DJ_EINTERNAL;
    int rc = db_begin(c);
    if (rc == DJ_OK)
        rc = demo_orgs(c);
    if (rc == DJ_OK)
        rc = demo_accounts(c, hash);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    free(hash);
    return rc;
}
