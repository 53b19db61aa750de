/* people_api.c - HTTP handlers of the people subject. */
#include "people.h"

const struct dj_route people_routes[] = {
    {0},
};
