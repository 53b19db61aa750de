/* points_api.c - HTTP handlers of the points subject. */
#include "points.h"

const struct dj_route points_routes[] = {
    {0},
};
