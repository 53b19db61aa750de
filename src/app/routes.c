/* routes.c - the list of every subject's route table, with the kinds of id
 * (scope.h) and the sealed chains (anchor.h) the subjects own. A subject adds
 * its routes to its own table; a new subject adds one line here. */
#include "../account/account.h"
#include "../assess/assess.h"
#include "../core/anchor.h"
#include "../core/http.h"
#include "../core/scope.h"
#include "../core/todo.h"
#include "../dashboard/dashboard.h"
#include "../files/files_api.h"
#include "../dues/dues.h"
#include "../development/development.h"
#include "../life/life.h"
#include "../lists/lists.h"
#include "../notify/notify.h"
#include "../orgs/orgs.h"
#include "../people/people.h"
#include "../points/points.h"
#include "../study/study.h"
#include "../transfers/transfers.h"
#include "app.h"

void app_routes_register(void)
{
    dj_routes_add(session_routes);
    dj_routes_add(audit_routes);
    dj_routes_add(users_routes);
    dj_routes_add(settings_routes);

    dj_routes_add(orgs_routes);

    dj_routes_add(people_routes);
    dj_scope_add(people_scope_kinds);

    dj_routes_add(todo_routes);

    dj_routes_add(life_routes);
    dj_scope_add(life_scope_kinds);
    life_todos_register();
    points_todos_register();
    lists_todos_register();

    dj_routes_add(points_routes);
    dj_anchor_add(points_chains);

    dj_routes_add(lists_routes);
    dj_scope_add(lists_scope_kinds);

    dj_routes_add(assess_routes);

    dj_routes_add(dashboard_routes);

    /* issue 14: the file store, and the records files attach to */
    dj_routes_add(files_routes);
    life_files_register();
    lists_files_register();
    points_files_register();
    people_files_register();
    dj_routes_add(dues_routes);
    dues_register();
    dj_routes_add(development_routes);
    development_todos_register();
    development_files_register();
    /* issue 19: 学习园地 */
    dj_routes_add(study_routes);
    dj_scope_add(study_scope_kinds);
    study_register();
    /* issue 17: 组织关系转接, 流动党员, membership history */
    dj_routes_add(transfers_routes);
    dj_scope_add(transfers_scope_kinds);
    transfers_register();
    /* issue 18: the inbox, the outbox's channels, 企业微信/粤政易 sign-in */
    dj_routes_add(notify_routes);
    dj_routes_add(notify_oauth_routes);
    notify_register();
    life_notify_register();
    lists_notify_register();
}
