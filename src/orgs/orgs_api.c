/* orgs_api.c - HTTP handlers of the orgs subject. */
#include "orgs.h"

const struct dj_route orgs_routes[] = {
    {0},
};
