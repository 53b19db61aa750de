/* scope.c - the one place where ids from a request meet the caller's grants:
 * the registry of row kinds and the checks of bodies and query arguments. */
#include "scope.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "err.h"

#define MAX_KINDS 32

static const struct dj_scope_kind org_kinds[] = {
    {"org", "组织", "SELECT path FROM orgs WHERE id = $1"},
    {0},
};

/* Written at start-up (dj_scope_add), read-only while serving. */
static const struct dj_scope_kind *kinds[MAX_KINDS] = {&org_kinds[0]};
static int nkinds = 1;

void dj_scope_add(const struct dj_scope_kind *table)
{
    for (const struct dj_scope_kind *k = table; k->name; k++) {
        bool known = false;
        for (int i = 0; i < nkinds && !known; i++)
            known = strcmp(kinds[i]->name, k->name) == 0;
        if (!known && nkinds < MAX_KINDS)
            kinds[nkinds++] = k;
    }
}

const struct dj_scope_kind *dj_scope_find(const char *name)
{
    for (int i = 0; i < nkinds; i++)
        if (strcmp(kinds[i]->name, name) == 0)
            return kinds[i];
    return NULL;
}

int dj_scope_check(dj_req *r, const char *kind, const char *perm, int64_t id, const char *field,
                   const char *label)
{
    const struct dj_scope_kind *k = dj_scope_find(kind);
    if (!k)
        return dj_fail(r, DJ_EINTERNAL, field, "服务器内部错误：未登记的编号类型“%s”", kind);
    db_stmt *s = db_prep(dj_db(r), k->paths_sql);
    if (!s)
        return DJ_EDB;
    db_bind_i64(s, 1, id);
    int rc, rows = 0;
    bool ok = false;
    while (!ok && (rc = db_step(s)) == DB_ROW) {
        rows++;
        ok = auth_can_path(r, perm, db_col_text(s, 0));
    }
    db_done(s);
    if (ok)
        return DJ_OK;
    if (rc != DB_DONE)
        return rc;
    if (rows == 0)
        return dj_fail_code(r, DJ_EINVAL, "not_found", field, "“%s”中编号为 %lld 的%s不存在", label,
                            (long long)id, k->label);
    return dj_fail_code(r, DJ_EFORBIDDEN, "out_of_scope", field, "“%s”中编号为 %lld 的%s不在您的管理范围内", label,
                        (long long)id, k->label);
}

/* field/label: where a failure is reported (a nested item names its parent). */
static int check_value(dj_req *r, const struct dj_jfield *f, const json_t *v, const char *field, const char *label)
{
    if (f->type == DJ_J_ID && json_is_integer(v))
        return dj_scope_check(r, f->ref, f->perm, (int64_t)json_integer_value(v), field, label);
    size_t i;
    json_t *x;
    int rc = DJ_OK;
    if (f->type == DJ_J_IDS) {
        json_array_foreach(v, i, x) {
            /* a repeated id was checked already */
            bool seen = false;
            for (size_t j = 0; j < i && !seen; j++)
                seen = json_equal(json_array_get(v, j), x);
            if (!seen && (rc = dj_scope_check(r, f->ref, f->perm, (int64_t)json_integer_value(x), field, label)))
                return rc;
        }
    }
    return rc;
}

static int body_check(dj_req *r, const struct dj_jfield *spec, const json_t *obj, const char *pfield,
                      const char *plabel)
{
    for (const struct dj_jfield *f = spec; f->name; f++) {
        json_t *v = json_object_get(obj, f->name);
        if (!v || json_is_null(v))
            continue;
        const char *label = f->label ? f->label : f->name;
        int rc = DJ_OK;
        if (f->ref && !(f->flags & DJ_J_UNSCOPED))
            rc = check_value(r, f, v, pfield ? pfield : f->name,
                             plabel ? dj_arena_printf(r->arena, "%s的“%s", plabel, label) : label);
        if (rc == DJ_OK && f->items && json_is_array(v)) {
            size_t i;
            json_t *x;
            json_array_foreach(v, i, x) {
                /* reads “发现问题”第 2 项的“整改责任人”中编号为 … */
                const char *inner = dj_arena_printf(r->arena, "%s%s”第 %zu 项", plabel ? plabel : "",
                                                    plabel ? "" : label, i + 1);
                if ((rc = body_check(r, f->items, x, pfield ? pfield : f->name, inner)))
                    break;
            }
        }
        if (rc)
            return rc;
    }
    return DJ_OK;
}

int dj_scope_body(dj_req *r, const struct dj_jfield *spec, const json_t *obj)
{
    return body_check(r, spec, obj, NULL, NULL);
}

int dj_query_ref(dj_req *r, const char *name, const char *kind, const char *perm, int64_t *out)
{
    *out = 0;
    const char *v = dj_query(r, name);
    if (!v || !*v)
        return DJ_OK;
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (*end || errno || x <= 0)
        return dj_fail(r, DJ_EINVAL, name, "参数“%s”应为有效的编号", name);
    int rc = dj_scope_check(r, kind, perm, x, name, name);
    if (rc == DJ_OK)
        *out = x;
    return rc;
}
