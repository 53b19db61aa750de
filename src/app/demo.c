/* demo.c - the demo agency, for trying the product only: a fictional
 * 市政府办公室机关党委.  Each subject loads its own part, in dependency order,
 * inside one transaction, so a failed load leaves nothing behind. */
#include <stdlib.h>

#include "../assess/assess.h"
#include "../core/auth.h"
#include "../core/err.h"
#include "../dashboard/dashboard.h"
#include "../files/files_api.h"
#include "../dues/dues.h"
#include "../development/development.h"
#include "../life/life.h"
#include "../lists/lists.h"
#include "../orgs/orgs.h"
#include "../people/people.h"
#include "../transfers/transfers.h"
#include "../points/points.h"
#include "../study/study.h"
#include "app.h"

int app_demo_load(db_conn *c, const char *password)
{
    char *hash = auth_password_hash(password);
    if (!hash)
        return DJ_EINTERNAL;
    int rc = db_begin(c);
    orgs_stats_defer(true); /* rebuilt from the tables at the end */
    /* the tree, terms, officers and brands */
    if (rc == DJ_OK)
        rc = orgs_demo_load(c, hash);
    /* the roster and one account per role */
    if (rc == DJ_OK)
        rc = people_demo_load(c, hash);
    /* this year's activities, attendance and study */
    if (rc == DJ_OK)
        rc = life_demo_load(c, hash);
    /* points through the real awarding path */
    if (rc == DJ_OK)
        rc = points_demo_load(c, hash);
    /* party dues: bases, a year of payments, arrears, remittance */
    if (rc == DJ_OK)
        rc = dues_demo_load(c, hash);
    /* work lists, inspections */
    if (rc == DJ_OK)
        rc = lists_demo_load(c, hash);
    /* assessment schemes and periods */
    if (rc == DJ_OK)
        rc = assess_demo_load(c, hash);
    if (rc == DJ_OK)
        rc = dashboard_demo_load(c, hash);
    /* photos of the latest activities and of a waiting claim */
    if (rc == DJ_OK)
        rc = files_demo_load(c, hash);
    /* 发展党员: a file for everyone the roster shows on the way */
    if (rc == DJ_OK)
        rc = development_demo_load(c, hash);
    /* 学习园地: materials, reading, an assignment, a quiz and a notice */
    if (rc == DJ_OK)
        rc = study_demo_load(c, hash);
    /* 组织关系转接: the history of everyone, letters out and in, 流动党员 */
    if (rc == DJ_OK)
        rc = transfers_demo_load(c, hash);
    /* the subtree figures (org_stats) of what the loaders wrote straight into the tables */
    orgs_stats_defer(false);
    if (rc == DJ_OK)
        rc = orgs_stats_rebuild(c);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    free(hash);
    return rc;
}
