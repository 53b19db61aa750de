/* life_api.c - HTTP handlers of the life subject. */
#include "life.h"

const struct dj_route life_routes[] = {
    {0},
};
