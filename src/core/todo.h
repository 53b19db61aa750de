/* todo.h - the to-do list of the signed-in user (手机端"待办"), gathered from
 * every subject that registers a provider: life (activities to attend, leave
 * to decide, requirements missing), and later points, lists, ... */
#ifndef DJ_TODO_H
#define DJ_TODO_H

#include <jansson.h>

#include "db.h"
#include "http.h"

/* Appends the user's items to `items` (a JSON array), each an object
 * {"source","kind","title","detail","due_at"|null,"org_id"|null,"link":{"type","id"}}.
 * Returns DJ_OK or an error code (the whole list then fails). */
typedef int (*dj_todo_provider)(dj_req *r, json_t *items);

/* Registers a provider; call before dj_serve() (from app_routes_register). */
void dj_todo_register(const char *source, dj_todo_provider fn);

/* A provider's reads that depend only on the user (their person's id, today)
 * can be named ahead with db_prefetch() by a prefetcher: every provider's are
 * sent together before the providers run (on PostgreSQL one round trip for
 * them all, see db.h). The provider reads as it always does; a prefetch whose
 * SQL or parameters differ from its read is only wasted. */
typedef void (*dj_todo_prefetcher)(dj_req *r, db_conn *c);
void dj_todo_register_prefetch(dj_todo_prefetcher fn);

/* GET /api/v1/todos */
extern const struct dj_route todo_routes[];

#endif
