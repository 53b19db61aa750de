/* router.c - a flat table of routes, matched segment by segment. */
#include "router.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const struct dj_route **routes;
/* A hash of each pattern's first segment after "/api/v1/" ("orgs" of
 * "/api/v1/orgs/:id"), so a request compares only the routes of its subject;
 * 0 when that segment is a parameter (such a route is always compared). */
static uint32_t *route_seg;
static size_t nroutes, caproutes;

static uint32_t first_segment_hash(const char *path)
{
    static const char prefix[] = "/api/v1/";
    if (strncmp(path, prefix, sizeof prefix - 1) != 0)
        return 1;
    const char *p = path + sizeof prefix - 1;
    if (*p == ':')
        return 0;
    uint32_t h = 2166136261u;
    for (; *p && *p != '/'; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return h < 2 ? h + 2 : h;
}

void dj_router_add(const struct dj_route *table)
{
    for (const struct dj_route *rt = table; rt->method; rt++) {
        if (nroutes == caproutes) {
            caproutes = caproutes ? caproutes * 2 : 64;
            routes = dj_realloc(routes, caproutes * sizeof *routes);
            route_seg = dj_realloc(route_seg, caproutes * sizeof *route_seg);
        }
        route_seg[nroutes] = first_segment_hash(rt->pattern);
        routes[nroutes++] = rt;
    }
}

void dj_routes_add(const struct dj_route *table)
{
    dj_router_add(table);
}

void dj_router_free(void)
{
    free(routes);
    free(route_seg);
    routes = NULL;
    route_seg = NULL;
    nroutes = caproutes = 0;
}

void dj_router_each(void (*fn)(const struct dj_route *rt, void *arg), void *arg)
{
    for (size_t i = 0; i < nroutes; i++)
        fn(routes[i], arg);
}

int dj_pattern_match(const char *p, const char *s, const char **names, size_t *nlen, const char **values,
                     size_t *vlen, int max, int *n)
{
    *n = 0;
    while (*p && *s) {
        if (*p == ':') {
            const char *name = ++p;
            while (*p && *p != '/')
                p++;
            const char *val = s;
            while (*s && *s != '/')
                s++;
            if (s == val || *n >= max)
                return 0;
            names[*n] = name;
            nlen[*n] = (size_t)(p - name);
            values[*n] = val;
            vlen[*n] = (size_t)(s - val);
            (*n)++;
        } else if (*p == *s) {
            p++;
            s++;
        } else {
            return 0;
        }
    }
    return *p == '\0' && *s == '\0';
}

static bool method_fits(const struct dj_route *rt, const char *method)
{
    return strcmp(rt->method, method) == 0 || (strcmp(method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0);
}

enum dj_match dj_router_match(dj_req *r, const char *method, const char *path)
{
    const char *names[8], *values[8];
    size_t nlen[8], vlen[8];
    const struct dj_route *best = NULL;
    int best_n = 99;
    const char *bn[8], *bv[8];
    size_t bnl[8], bvl[8];

    /* the first segment and the method are compared first: cheap, and they rule out most routes */
    uint32_t seg = first_segment_hash(path);
    for (size_t i = 0; i < nroutes; i++) {
        int n;
        if ((route_seg[i] && route_seg[i] != seg) || !method_fits(routes[i], method) ||
            !dj_pattern_match(routes[i]->pattern, path, names, nlen, values, vlen, 8, &n))
            continue;
        if (n < best_n) {
            best = routes[i];
            best_n = n;
            memcpy(bn, names, sizeof bn);
            memcpy(bv, values, sizeof bv);
            memcpy(bnl, nlen, sizeof bnl);
            memcpy(bvl, vlen, sizeof bvl);
        }
    }
    if (!best) {
        /* 405 when another method would have fitted the path, else 404 */
        for (size_t i = 0; i < nroutes; i++) {
            int n;
            if ((!route_seg[i] || route_seg[i] == seg) &&
                dj_pattern_match(routes[i]->pattern, path, names, nlen, values, vlen, 8, &n))
                return DJ_MATCH_METHOD;
        }
        return DJ_MATCH_NONE;
    }
    r->route = best;
    r->nparams = best_n;
    for (int i = 0; i < best_n; i++) {
        r->param_names[i] = dj_arena_strndup(r->arena, bn[i], bnl[i]);
        r->param_values[i] = dj_arena_strndup(r->arena, bv[i], bvl[i]);
    }
    return DJ_MATCH_OK;
}
