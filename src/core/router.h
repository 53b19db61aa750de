/* router.h - method + path pattern to route.  Patterns are literal segments
 * and ":name" parameters ("/api/v1/orgs/:id/warnings"); where two patterns
 * match, the one with fewer parameters wins ("/people/export" beats
 * "/people/:id"). */
#ifndef DJ_ROUTER_H
#define DJ_ROUTER_H

#include "http.h"

enum dj_match {
    DJ_MATCH_OK,
    DJ_MATCH_NONE,   /* no pattern fits the path: 404 */
    DJ_MATCH_METHOD, /* the path fits, the method does not: 405 */
};

void dj_router_add(const struct dj_route *table);
/* Frees the router's index (at exit). */
void dj_router_free(void);
/* Finds the route; fills r->route and r->param_* (values in r's arena). */
enum dj_match dj_router_match(dj_req *r, const char *method, const char *path);
/* Calls fn for every registered route (for `dangjian routes`). */
void dj_router_each(void (*fn)(const struct dj_route *rt, void *arg), void *arg);
/* Matches one pattern against a path; n params found go to names/values
 * (values point into path and are len-delimited in vlen). Exposed for tests. */
int dj_pattern_match(const char *pattern, const char *path, const char **names, size_t *nlen,
                     const char **values, size_t *vlen, int max, int *n);

#endif
