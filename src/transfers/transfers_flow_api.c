/* transfers_flow_api.c - HTTP handlers of 流动党员 under /api/v1/transfers/flow: the
 * register (with the quarter's contact due and lost-contact flags), one member's
 * record with the contact log, recording a contact, ending the record.  The
 * branch keeps them: flow.manage on the branch writes, transfer.read or
 * flow.manage reads. */
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/err.h"
#include "../core/scope.h"
#include "transfers.h"
#include "transfers_api.h"

static const char *const ways[] = {"phone", "visit", "online", "letter", NULL};

static char *read_scope(dj_req *r)
{
    char *a = auth_scope_sql(r, "transfer.read", "o.path"), *b = auth_scope_sql(r, "flow.manage", "o.path");
    return dj_arena_printf(r->arena, "%s OR %s", a, b);
}

int tr_flow_index(dj_req *r)
{
    if (!auth_has_perm(r, "transfer.read") && !auth_has_perm(r, "flow.manage"))
        return dj_fail(r, DJ_EFORBIDDEN, NULL, "无权查看流动党员");
    int64_t org = 0;
    int rc = dj_query_ref(r, "org", "org", "person.read", &org);
    if (rc)
        return rc;
    char *path = NULL;
    if (org && (rc = auth_org_path(dj_db(r), org, &path)))
        return rc;
    const char *ended = dj_query(r, "ended");
    json_t *items = tr_flow_list(dj_db(r), read_scope(r), path, ended && !strcmp(ended, "1"), &rc);
    free(path);
    if (!items)
        return rc;
    return dj_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static int can_read_flow(dj_req *r, int64_t id)
{
    int64_t org = 0;
    int rc = db_query_i64(dj_db(r), &org, "SELECT org_id FROM flow_members WHERE id = $1", "i", id);
    if (rc == DJ_ENOTFOUND || (rc == DJ_OK && !auth_can(r, "flow.manage", org) && !auth_can(r, "transfer.read", org)))
        return dj_fail(r, DJ_ENOTFOUND, "id", "找不到该流动党员记录");
    return rc;
}

static int reply_flow(dj_req *r, int status, int64_t id)
{
    int rc;
    json_t *o = tr_flow_get(dj_db(r), id, &rc);
    if (!o)
        return rc;
    return dj_reply_json(r, status, o);
}

int tr_flow_show(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc || (rc = can_read_flow(r, id)))
        return rc;
    return reply_flow(r, 200, id);
}

static const struct dj_jfield flow_spec[] = {
    {"person_id", "党员", DJ_J_ID, DJ_J_REQ, DJ_SCOPE("person", "flow.manage")},
    {"place", "外出地点", DJ_J_STR, DJ_J_REQ, 1, 100, NULL},
    {"since", "外出日期", DJ_J_DATE, DJ_J_REQ, 0, 0, NULL},
    {"contact", "联系方式", DJ_J_STR, DJ_J_NULL, 0, 100, NULL},
    {"card_no", "流动党员活动证编号", DJ_J_STR, DJ_J_NULL, 0, 50, NULL},
    {"reason", "外出原因", DJ_J_STR, DJ_J_NULL, 0, 100, NULL},
    {NULL},
};

/* Runs one write of the register in a transaction, audited with before and after. */
static int flow_write(dj_req *r, const char *action, int64_t id, json_t *in,
                      int (*fn)(db_conn *, const struct tr_actor *, int64_t, const json_t *, struct tr_err *),
                      int status)
{
    db_conn *c = dj_db(r);
    struct tr_actor a = tr_actor_of(r);
    struct tr_err e = {0};
    int rc = db_begin(c);
    if (rc)
        return rc;
    json_t *before = id ? tr_flow_get(c, id, NULL) : NULL;
    rc = fn(c, &a, id, in, &e);
    json_t *after = rc == DJ_OK ? tr_flow_get(c, id, NULL) : NULL;
    if (rc == DJ_OK)
        rc = audit_write(c, r, action, "flow_member", id, before, after);
    json_decref(before);
    json_decref(after);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if ((rc = tr_finish(r, rc, &e)))
        return rc;
    return reply_flow(r, status, id);
}

int tr_flow_new(dj_req *r)
{
    json_t *in;
    int rc = dj_body_json(r, flow_spec, &in);
    if (rc)
        return rc;
    db_conn *c = dj_db(r);
    struct tr_actor a = tr_actor_of(r);
    struct tr_err e = {0};
    int64_t id = 0;
    if ((rc = db_begin(c)))
        goto out;
    rc = tr_flow_create(c, &a, in, &id, &e);
    json_t *after = rc == DJ_OK ? tr_flow_get(c, id, NULL) : NULL;
    if (rc == DJ_OK)
        rc = audit_write(c, r, "create", "flow_member", id, NULL, after);
    json_decref(after);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if ((rc = tr_finish(r, rc, &e)) == DJ_OK)
        rc = reply_flow(r, 201, id);
out:
    json_decref(in);
    return rc;
}

static const struct dj_jfield contact_spec[] = {
    {"contacted_on", "联系日期", DJ_J_DATE, DJ_J_REQ, 0, 0, NULL},
    {"way", "联系方式", DJ_J_STR, DJ_J_REQ, 0, 0, ways},
    {"note", "联系情况", DJ_J_STR, DJ_J_NULL, 0, 500, NULL},
    {"client_key", "请求标识", DJ_J_STR, 0, 1, 64, NULL},
    {NULL},
};

int tr_flow_contact_new(dj_req *r)
{
    int64_t id, cid = 0;
    json_t *in = NULL;
    int rc = dj_param_id(r, "id", &id);
    if (rc || (rc = dj_scope_check(r, "flow", "flow.manage", id, "id", "流动党员")) ||
        (rc = dj_body_json(r, contact_spec, &in)))
        return rc;
    db_conn *c = dj_db(r);
    struct tr_actor a = tr_actor_of(r);
    struct tr_err e = {0};
    bool dup = false;
    if ((rc = db_begin(c)))
        goto out;
    rc = tr_flow_contact(c, &a, id, in, &cid, &dup, &e);
    if (rc == DJ_OK && !dup)
        rc = audit_write(c, r, "contact", "flow_member", id, NULL, in);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if ((rc = tr_finish(r, rc, &e)) == DJ_OK)
        rc = reply_flow(r, dup ? 200 : 201, id);
out:
    json_decref(in);
    return rc;
}

static const struct dj_jfield end_spec[] = {
    {"ended_on", "返回日期", DJ_J_DATE, DJ_J_REQ, 0, 0, NULL},
    {"reason", "结束原因", DJ_J_STR, DJ_J_NULL, 0, 200, NULL},
    {NULL},
};

int tr_flow_end_one(dj_req *r)
{
    int64_t id;
    json_t *in = NULL;
    int rc = dj_param_id(r, "id", &id);
    if (rc || (rc = dj_scope_check(r, "flow", "flow.manage", id, "id", "流动党员")) ||
        (rc = dj_body_json(r, end_spec, &in)))
        return rc;
    rc = flow_write(r, "end", id, in, tr_flow_end, 200);
    json_decref(in);
    return rc;
}
