/* routes.c - the list of every subject's route table. A new subject adds its
 * table here (one line), nothing else. */
#include "../account/account.h"
#include "../core/http.h"
#include "app.h"

void app_routes_register(void)
{
    dj_routes_add(session_routes);
    dj_routes_add(audit_routes);
    dj_routes_add(users_routes);
}
