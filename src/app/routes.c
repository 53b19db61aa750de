/* routes.c - the list of every subject's route table. A subject adds its
 * routes to its own table; a new subject adds one line here. */
#include "../account/account.h"
#include "../assess/assess.h"
#include "../core/http.h"
#include "../core/todo.h"
#include "../dashboard/dashboard.h"
#include "../development/development.h"
#include "../life/life.h"
#include "../lists/lists.h"
#include "../orgs/orgs.h"
#include "../people/people.h"
#include "../points/points.h"
#include "app.h"

void app_routes_register(void)
{
    dj_routes_add(session_routes);
    dj_routes_add(audit_routes);
    dj_routes_add(users_routes);
    dj_routes_add(settings_routes);

    dj_routes_add(orgs_routes);

    dj_routes_add(people_routes);

    dj_routes_add(todo_routes);

    dj_routes_add(life_routes);
    life_todos_register();
    points_todos_register();
    lists_todos_register();

    dj_routes_add(points_routes);

    dj_routes_add(lists_routes);

    dj_routes_add(assess_routes);

    dj_routes_add(dashboard_routes);

    dj_routes_add(development_routes);
    development_todos_register();
}
