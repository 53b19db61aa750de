/* todo.c - the to-do aggregator: calls each registered provider and answers
 * one list, soonest due first. */
#include "todo.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "json.h"
#include "readcache.h"

#define MAX_PROVIDERS 16

static struct {
    const char *source;
    dj_todo_provider fn;
} providers[MAX_PROVIDERS];
static int nproviders;
static dj_todo_prefetcher prefetchers[MAX_PROVIDERS];
static int nprefetchers;

void dj_todo_register(const char *source, dj_todo_provider fn)
{
    for (int i = 0; i < nproviders; i++)
        if (providers[i].fn == fn)
            return;
    if (nproviders < MAX_PROVIDERS) {
        providers[nproviders].source = source;
        providers[nproviders].fn = fn;
        nproviders++;
    }
}

void dj_todo_register_prefetch(dj_todo_prefetcher fn)
{
    for (int i = 0; i < nprefetchers; i++)
        if (prefetchers[i] == fn)
            return;
    if (nprefetchers < MAX_PROVIDERS)
        prefetchers[nprefetchers++] = fn;
}

/* Items with a due time first, by time (ISO UTC text sorts as time); then the others. */
static int by_due(const void *a, const void *b)
{
    const char *x = json_string_value(json_object_get(*(json_t *const *)a, "due_at"));
    const char *y = json_string_value(json_object_get(*(json_t *const *)b, "due_at"));
    if (!x || !y)
        return (x == NULL) - (y == NULL);
    return strcmp(x, y);
}

/* The list: the providers' reads first sent ahead together. */
static json_t *todos_make(dj_req *r, void *arg, int *rc)
{
    (void)arg;
    json_t *items = json_array();
    db_conn *c = dj_db(r);
    for (int i = 0; c && i < nprefetchers; i++)
        prefetchers[i](r, c);
    if (c)
        db_prefetch_send(c);
    *rc = DJ_OK;
    for (int i = 0; *rc == DJ_OK && i < nproviders; i++)
        *rc = providers[i].fn(r, items);
    if (c)
        db_prefetch_drop(c);
    if (*rc != DJ_OK) {
        json_decref(items);
        return NULL;
    }
    dj_json_array_sort(items, by_due);
    return json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)json_array_size(items));
}

/* Kept for the user until a table it was read from is written, the day
 * changes, or DJ_RCACHE_USER_TTL_MS passes (an activity that has just ended). */
static int todos_list(dj_req *r)
{
    return dj_reply_user_kept(r, "todos", DJ_RCACHE_USER_TTL_MS, todos_make, NULL);
}

const struct dj_route todo_routes[] = {
    /* the providers only read: one read transaction for their many statements */
    {"GET", "/api/v1/todos", todos_list, NULL, DJ_ROUTE_SNAPSHOT, 0},
    {0},
};
