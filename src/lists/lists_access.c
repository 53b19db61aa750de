/* lists_access.c - who may see and do what with lists and items: the caller's
 * scopes for the store's queries, loading a list or an item the caller may see,
 * the permissions an item shows (can_edit, can_update, can_verify), the head of
 * every write to an item, and the file store's questions about an item. */
#include <stdlib.h>
#include <string.h>

#include "../core/auth.h"
#include "../core/err.h"
#include "../core/json.h"
#include "lists.h"
#include "lists_api.h"

void lists_viewer_of(dj_req *r, struct lists_viewer *v)
{
    memset(v, 0, sizeof *v);
    v->user_id = r->user ? r->user->id : 0;
    v->person_id = r->user ? r->user->person_id : 0;
    v->read_scope = auth_scope_sql(r, "list.read", "o.path");
    v->read_scope_co = auth_scope_sql(r, "list.read", "o2.path");
    v->update_scope = auth_scope_sql(r, "item.update", "o.path");
    dj_buf b = {0};
    for (int i = 0; r->user && i < r->user->ngrants; i++)
        if (auth_role_has(r->user->grants[i].role, "item.update"))
            dj_buf_printf(&b, "%s%lld", b.len ? "," : "", (long long)r->user->grants[i].org_id);
    v->mine_orgs = dj_arena_strdup(r->arena, b.data ? b.data : "");
    dj_buf_free(&b);
}

/* ---------------------------------------------------------------- access */

bool lists_can_write(dj_req *r, const json_t *list)
{
    int64_t org = dj_jint(list, "org_id", 0);
    return auth_can(r, dj_jstr(list, "write_perm", "list.write"), org) || auth_can(r, "list.write", org);
}

/* May the caller see the list: its keeper's org is in scope, or one of its items is visible. */
int lists_load_visible(dj_req *r, int64_t id, json_t **out)
{
    int err = 0;
    json_t *l = lists_store_list_get(dj_db(r), id, &err);
    if (!l)
        return err == DJ_ENOTFOUND ? dj_fail(r, DJ_ENOTFOUND, "id", "找不到该清单") : err;
    if (!auth_can(r, "list.read", dj_jint(l, "org_id", 0)) && !lists_can_write(r, l)) {
        struct lists_viewer v;
        lists_viewer_of(r, &v);
        struct lists_item_filter f = {.list_id = id, .status = -1, .due_within = -1};
        int64_t total = 0;
        json_t *rows = lists_store_items(dj_db(r), &v, &f, 1, 0, &total, &err);
        json_decref(rows);
        if (!rows || total == 0) {
            json_decref(l);
            return rows ? dj_fail(r, DJ_EFORBIDDEN, NULL, "没有权限查看该清单") : err;
        }
    }
    json_object_del(l, "org_path");
    *out = l;
    return DJ_OK;
}

bool lists_item_readable(dj_req *r, const json_t *it)
{
    if (auth_can(r, "list.read", dj_jint(it, "org_id", 0)) || auth_can(r, "list.read", dj_jint(it, "list_org_id", 0)))
        return true;
    int64_t me = r->user ? r->user->person_id : 0;
    size_t k;
    json_t *p;
    json_array_foreach(json_object_get(it, "owners"), k, p) if (dj_jint(p, "person_id", 0) == me && me) return true;
    json_array_foreach(json_object_get(it, "co_owners"), k, p) if (dj_jint(p, "person_id", 0) == me && me) return true;
    json_array_foreach(json_object_get(it, "co_orgs"), k, p) if (auth_can(r, "list.read", dj_jint(p, "org_id", 0)))
        return true;
    return false;
}

bool lists_item_list_writable(dj_req *r, const json_t *it)
{
    json_t *l = json_pack("{s:I, s:s}", "org_id", (json_int_t)dj_jint(it, "list_org_id", 0), "write_perm",
                          dj_jstr(it, "list_write_perm", "list.write"));
    bool ok = lists_can_write(r, l);
    json_decref(l);
    return ok;
}

bool lists_item_updatable(dj_req *r, const json_t *it)
{
    if (lists_item_list_writable(r, it) || auth_can(r, "item.update", dj_jint(it, "org_id", 0)))
        return true;
    return auth_has_perm(r, "item.respond") && r->user->person_id &&
           lists_store_is_responsible(dj_db(r), dj_jint(it, "id", 0), r->user->person_id);
}

/* Loads an item the caller may see (with its timeline when asked). */
int lists_load_item(dj_req *r, int64_t id, bool timeline, json_t **out)
{
    int err = 0;
    json_t *it = lists_store_item_get(dj_db(r), id, timeline, &err);
    if (!it)
        return err == DJ_ENOTFOUND ? dj_fail(r, DJ_ENOTFOUND, "id", "找不到该事项") : err;
    if (!lists_item_readable(r, it) && !lists_item_list_writable(r, it)) {
        json_decref(it);
        return dj_fail(r, DJ_EFORBIDDEN, NULL, "没有权限查看该事项");
    }
    *out = it;
    return DJ_OK;
}

/* Drops the fields only the server needs. */
json_t *lists_item_public(json_t *it)
{
    json_object_del(it, "org_path");
    json_object_del(it, "list_org_id");
    json_object_del(it, "list_write_perm");
    return it;
}

void lists_item_permissions(dj_req *r, json_t *it)
{
    bool w = lists_item_list_writable(r, it);
    json_object_set_new(it, "can_edit", json_boolean(w));
    json_object_set_new(it, "can_update", json_boolean(lists_item_updatable(r, it)));
    bool v = auth_can(r, "list.verify", dj_jint(it, "list_org_id", 0)) ||
             (strcmp(dj_jstr(it, "list_write_perm", ""), "list.supervise") == 0 &&
              auth_can(r, "list.supervise", dj_jint(it, "list_org_id", 0)));
    json_object_set_new(it, "can_verify", json_boolean(v));
}

/* The head of every write to an item: the path's id, the item (404 outside
 * the caller's view), the caller allowed by may (else 403 saying denied), and
 * the body read by spec.  On an error nothing is left to free. */
int lists_item_write_in(dj_req *r, bool (*may)(dj_req *, json_t *), const char *denied,
                         const struct dj_jfield *spec, int64_t *id, json_t **it, json_t **in)
{
    *it = *in = NULL;
    int rc = dj_param_id(r, "id", id);
    if (rc || (rc = lists_load_item(r, *id, false, it)))
        return rc;
    rc = may(r, *it) ? dj_body_json(r, spec, in) : dj_fail(r, DJ_EFORBIDDEN, NULL, "%s", denied);
    if (rc) {
        json_decref(*it);
        *it = NULL;
    }
    return rc;
}

bool lists_may_write_list(dj_req *r, json_t *it) { return lists_item_list_writable(r, it); }
bool lists_may_report(dj_req *r, json_t *it) { return lists_item_updatable(r, it); }
bool lists_may_verify(dj_req *r, json_t *it)
{
    lists_item_permissions(r, it);
    return dj_jbool(it, "can_verify", false);
}

/* ---------------------------------------------------------------- the file store's questions */

int lists_item_file_read(dj_req *r, int64_t item_id)
{
    int err = 0;
    json_t *it = lists_store_item_get(dj_db(r), item_id, false, &err);
    if (!it)
        return err;
    bool ok = lists_item_readable(r, it) || lists_item_list_writable(r, it);
    json_decref(it);
    return ok ? DJ_OK : DJ_EFORBIDDEN;
}

int lists_item_file_attach(dj_req *r, int64_t item_id)
{
    json_t *it = NULL;
    int rc = lists_load_item(r, item_id, false, &it);
    if (rc != DJ_OK)
        return rc;
    if (!lists_item_updatable(r, it))
        rc = dj_fail(r, DJ_EFORBIDDEN, NULL, "只有责任单位或责任人可以为该事项添加佐证材料");
    json_decref(it);
    return rc;
}
