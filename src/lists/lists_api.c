/* lists_api.c - HTTP handlers of the lists subject. */
#include "lists.h"

const struct dj_route lists_routes[] = {
    {0},
};
