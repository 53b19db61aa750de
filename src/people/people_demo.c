/* people_demo.c - the demo agency's roster and one account per role. */
#include "../account/account.h"
#include "../core/err.h"
#include "people.h"

/* One account per role, on the first organisation of the kind it works in. */
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

int people_demo_load(db_conn *c, const char *password_hash)
{
    return demo_accounts(c, password_hash);
}
