/* scope.h - every id a request names is checked against the caller's scope.
 *
 * A role reaches the subtree of the organisation it was granted on; an id in
 * a path, a query or a body names a row (a person, an organisation, a list…)
 * that belongs to one or more organisations.  The id is in scope when the
 * caller holds the permission on one of them.  Subjects register the kinds of
 * row they own with the SQL that finds those organisations; field tables
 * declare which kind each id field names (json.h: .ref, .perm), and
 * dj_body_json() checks every such id before the handler sees the body. */
#ifndef DJ_SCOPE_H
#define DJ_SCOPE_H

#include <jansson.h>
#include <stdint.h>

#include "http.h"
#include "json.h"

struct dj_scope_kind {
    const char *name;      /* "person" */
    const char *label;     /* "人员", for messages */
    /* The materialised paths ("/1/4/") of the organisations the row with id
     * $1 belongs to, one per result row; no row when there is no such id.
     * A string literal: the statement is prepared once per connection. */
    const char *paths_sql;
};

/* Registers kinds (a table ending with {0}); call before serving.  The core
 * registers "org" itself. */
void dj_scope_add(const struct dj_scope_kind *table);
const struct dj_scope_kind *dj_scope_find(const char *name);

/*
 * DJ_OK when a row of kind with this id exists and the caller holds perm on
 * one of its organisations.  Otherwise the failure is set, naming field
 * (label is the field's Chinese name): DJ_EINVAL ("not_found") when no such
 * row exists, DJ_EFORBIDDEN ("out_of_scope") when it lies outside the
 * caller's reach.
 */
int dj_scope_check(dj_req *r, const char *kind, const char *perm, int64_t id, const char *field,
                   const char *label);
/* Checks every id of obj that spec declares with .ref (nested .items too). */
int dj_scope_body(dj_req *r, const struct dj_jfield *spec, const json_t *obj);
/* An id from the query string (0 when absent), parsed and checked as above;
 * a malformed one is a 400 naming the argument. */
int dj_query_ref(dj_req *r, const char *name, const char *kind, const char *perm, int64_t *out);

#endif
