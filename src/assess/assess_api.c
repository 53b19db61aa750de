/* assess_api.c - HTTP handlers of the assess subject. */
#include "assess.h"

const struct dj_route assess_routes[] = {
    {0},
};
