/* dashboard_api.c - HTTP handlers of the dashboard subject. */
#include "dashboard.h"

const struct dj_route dashboard_routes[] = {
    {0},
};
