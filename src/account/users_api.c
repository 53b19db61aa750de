/* users_api.c - account administration, split as 三员分立 asks: the system
 * administrator (user.manage) lists and creates accounts, the security
 * administrator (grant.manage, user.unlock) grants and revokes roles and
 * unlocks; nobody changes their own roles. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/err.h"
#include "../core/throttle.h"
#include "../core/timeutil.h"
#include "account.h"

/* "locked": one of the account's sign-in keys is delaying attempts now (throttle.h) */
#define LOCKED_SQL(now)                                                                                      \
    "CASE WHEN EXISTS (SELECT 1 FROM login_throttle t WHERE (t.key = 'a:' || users.login"                    \
    " OR substr(t.key, 1, length(users.login) + 3) = 'p:' || users.login || '|') AND t.delay > 0"            \
    " AND t.next_at > " now ")"                                                                              \
    " THEN 1 ELSE 0 END AS locked__bool"

static int users_list(dj_req *r)
{
    struct dj_page pg;
    int rc = dj_page_parse(r, &pg);
    if (rc)
        return rc;
    const char *q = dj_query(r, "q");
    char *like = dj_arena_printf(r->arena, "%%%s%%", q ? q : "");
    db_conn *c = dj_db(r);
    int64_t total = 0;
    rc = db_query_i64(c, &total, "SELECT COUNT(*) FROM users WHERE login LIKE $1 OR name LIKE $1", "t", like);
    if (rc)
        return rc;
    json_t *items = db_query_rows(c, &rc,
                                  "SELECT id, login, name, person_id, disabled AS disabled__bool,"
                                  " must_change_password AS must_change_password__bool,"
                                  " " LOCKED_SQL("$4") ", created_at"
                                  " FROM users WHERE login LIKE $1 OR name LIKE $1 ORDER BY id LIMIT $2 OFFSET $3",
                                  "tiii", like, pg.limit, pg.offset, dj_now());
    if (!items)
        return rc;
    size_t i;
    json_t *u;
    json_array_foreach(items, i, u) {
        json_t *g = db_query_rows(c, &rc,
                                  "SELECT g.id, g.role, g.org_id, o.name AS org_name FROM grants g"
                                  " JOIN orgs o ON o.id = g.org_id WHERE g.user_id = $1 ORDER BY g.id",
                                  "i", dj_jint(u, "id", 0));
        json_object_set_new(u, "grants", g ? g : json_array());
    }
    return dj_reply_json(r, 200, dj_page_result(&pg, items, total));
}

static int user_get(dj_req *r)
{
    int64_t uid;
    int rc = dj_param_id(r, "id", &uid);
    if (rc)
        return rc;
    db_conn *c = dj_db(r);
    json_t *u = db_query_row(c, &rc,
                             "SELECT id, login, name, person_id, disabled AS disabled__bool,"
                             " must_change_password AS must_change_password__bool,"
                             " " LOCKED_SQL("$2") ", created_at,"
                             " password_changed_at FROM users WHERE id = $1",
                             "ii", uid, dj_now());
    if (!u)
        return rc == DJ_ENOTFOUND ? dj_fail(r, rc, "id", "找不到编号为 %lld 的账号", (long long)uid) : rc;
    json_t *g = db_query_rows(c, &rc,
                              "SELECT g.id, g.role, g.org_id, o.name AS org_name FROM grants g"
                              " JOIN orgs o ON o.id = g.org_id WHERE g.user_id = $1 ORDER BY g.id",
                              "i", uid);
    if (!g) {
        json_decref(u);
        return rc;
    }
    json_object_set_new(u, "grants", g);
    return dj_reply_json(r, 200, u);
}

struct create_job {
    char *password;
    char *hash;
    json_t *in;
};

static void create_work(void *arg)
{
    struct create_job *j = arg;
    j->hash = auth_password_hash(j->password);
}

static void create_job_free(void *arg)
{
    struct create_job *j = arg;
    json_decref(j->in);
    free(j->hash);
}

static int create_cont(dj_req *r)
{
    struct create_job *j = r->work_arg;
    db_conn *c = dj_db(r);
    int64_t id = 0;
    int rc = j->hash ? db_begin(c) : DJ_EINTERNAL;
    if (rc == DJ_OK) {
        rc = account_user_create(c, dj_jstr(j->in, "login", ""), dj_jstr(j->in, "name", ""), j->hash,
                                 dj_jint(j->in, "person_id", 0), true, &id);
        if (rc == DJ_ECONFLICT)
            dj_fail(r, rc, "login", "账号“%s”已存在", dj_jstr(j->in, "login", ""));
        else if (rc != DJ_OK && dj_jint(j->in, "person_id", 0))
            rc = dj_fail(r, DJ_EINVAL, "person_id", "找不到该人员");
        if (rc == DJ_OK && dj_jhas(j->in, "role")) {
            rc = account_grant(c, id, dj_jstr(j->in, "role", ""), dj_jint(j->in, "org_id", 0));
            if (rc == DJ_EINVAL)
                dj_fail(r, rc, "role", "未知角色");
            else if (rc == DJ_ENOTFOUND)
                rc = dj_fail(r, DJ_EINVAL, "org_id", "找不到该组织");
        }
        json_t *after = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "login", dj_jstr(j->in, "login", ""),
                                  "name", dj_jstr(j->in, "name", ""));
        if (rc == DJ_OK)
            rc = audit_write(c, r, "create", "user", id, NULL, after);
        json_decref(after);
        rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    }
    if (rc != DJ_OK)
        return rc;
    return dj_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static int users_create(dj_req *r)
{
    static const char *const roles[] = {"admin", "secadmin", "auditor", "committee", "discipline", "secretary",
                                        "officer", "leader", "member", NULL};
    static const struct dj_jfield spec[] = {
        {"login", "账号", DJ_J_STR, DJ_J_REQ, 2, 64, NULL},
        {"name", "姓名", DJ_J_STR, DJ_J_REQ, 1, 50, NULL},
        {"password", "初始密码", DJ_J_STR, DJ_J_REQ, 1, 128, NULL},
        {"person_id", "对应人员", DJ_J_ID, 0, DJ_SCOPE("person", "user.manage")},
        {"role", "角色", DJ_J_STR, 0, 1, 32, roles},
        {"org_id", "授权组织", DJ_J_ID, 0, DJ_SCOPE("org", "grant.manage")},
        {NULL},
    };
    json_t *in;
    int rc = dj_body_json(r, spec, &in);
    if (rc)
        return rc;
    const char *why;
    if (auth_password_policy(dj_jstr(in, "password", ""), dj_jstr(in, "login", ""), &why) != DJ_OK) {
        json_decref(in);
        return dj_fail(r, DJ_EINVAL, "password", "%s", why + strlen("新"));
    }
    if (dj_jhas(in, "role") != dj_jhas(in, "org_id")) {
        json_decref(in);
        return dj_fail(r, DJ_EINVAL, "org_id", "授予角色时需同时指定角色和组织");
    }
    /* a role comes with the account only from someone who may grant it (the org was checked with the body) */
    if (dj_jhas(in, "role") && !auth_has_perm(r, "grant.manage")) {
        json_decref(in);
        return dj_fail(r, DJ_EFORBIDDEN, "role", "授予角色由安全管理员办理，请先建立账号再请安全管理员授权");
    }
    struct create_job *j = dj_arena_alloc(r->arena, sizeof *j);
    memset(j, 0, sizeof *j);
    j->password = dj_arena_strdup(r->arena, dj_jstr(in, "password", ""));
    j->in = in;
    dj_on_done(r, create_job_free, j); /* in and the hash, however the request ends */
    return dj_defer(r, create_work, j, create_cont);
}

static int grant_change(dj_req *r, bool add)
{
    static const struct dj_jfield spec[] = {
        {"role", "角色", DJ_J_STR, DJ_J_REQ, 1, 32, NULL},
        {"org_id", "组织", DJ_J_ID, DJ_J_REQ, DJ_SCOPE("org", "grant.manage")},
        {NULL},
    };
    int64_t uid;
    int rc = dj_param_id(r, "id", &uid);
    if (rc)
        return rc;
    json_t *in;
    if ((rc = dj_body_json(r, spec, &in)))
        return rc;
    const char *role = dj_arena_strdup(r->arena, dj_jstr(in, "role", ""));
    int64_t org = dj_jint(in, "org_id", 0);
    db_conn *c = dj_db(r);
    int64_t exists;
    if (uid == r->user->id) {
        rc = dj_fail_code(r, DJ_EFORBIDDEN, "self_grant", "id", "不能为自己授予或撤销角色，请由另一位安全管理员办理");
        goto out;
    }
    if (db_query_i64(c, &exists, "SELECT id FROM users WHERE id = $1", "i", uid) != DJ_OK) {
        rc = dj_fail(r, DJ_ENOTFOUND, "id", "找不到该账号");
        goto out;
    }
    rc = db_begin(c);
    if (rc == DJ_OK) {
        rc = add ? account_grant(c, uid, role, org) : account_revoke(c, uid, role, org);
        if (rc == DJ_EINVAL)
            dj_fail(r, rc, "role", "未知角色“%s”", role);
        if (rc == DJ_OK)
            rc = audit_write(c, r, add ? "grant" : "revoke", "user", uid, NULL, in);
        rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    }
    if (rc == DJ_OK)
        rc = dj_reply_empty(r, 204);
out:
    json_decref(in);
    return rc;
}

static int grant_add(dj_req *r) { return grant_change(r, true); }
static int grant_remove(dj_req *r) { return grant_change(r, false); }

static int user_unlock(dj_req *r)
{
    int64_t uid, exists;
    int rc = dj_param_id(r, "id", &uid);
    if (rc)
        return rc;
    db_conn *c = dj_db(r);
    if (db_query_i64(c, &exists, "SELECT id FROM users WHERE id = $1", "i", uid) != DJ_OK)
        return dj_fail(r, DJ_ENOTFOUND, "id", "找不到该账号");
    char *login = NULL;
    rc = db_query_text(c, &login, "SELECT login FROM users WHERE id = $1", "i", uid);
    if (rc == DJ_OK)
        rc = db_begin(c);
    if (rc == DJ_OK)
        rc = db_exec(c, "UPDATE users SET locked_until = 0, failed_logins = 0 WHERE id = $1", "i", uid);
    if (rc == DJ_OK)
        rc = dj_throttle_clear_login(c, login);
    free(login);
    if (rc == DJ_OK)
        rc = audit_write(c, r, "unlock", "user", uid, NULL, NULL);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    return rc ? rc : dj_reply_empty(r, 204);
}

/* The organisation tree by name only, where roles may be granted: what the
 * administrators need to pick an organisation, without any party work in it. */
static int users_orgs(dj_req *r)
{
    int rc;
    char *scope = auth_scope_sql(r, "user.read", "o.path");
    char *sql = dj_arena_printf(r->arena,
                                "SELECT o.id, o.parent_id, o.name, o.kind FROM orgs o WHERE o.dissolved_on IS NULL"
                                " AND %s ORDER BY o.path, o.sort, o.id",
                                scope);
    json_t *items = db_query_rows_dynamic(dj_db(r), &rc, sql, "");
    return items ? dj_reply_json(r, 200, json_pack("{s:o}", "items", items)) : rc;
}

const struct dj_route users_routes[] = {
    {"GET", "/api/v1/users/orgs", users_orgs, "user.read", 0, 0},
    {"GET", "/api/v1/users", users_list, "user.read", 0, 0},
    {"POST", "/api/v1/users", users_create, "user.manage", 0, 0},
    {"GET", "/api/v1/users/:id", user_get, "user.read", 0, 0},
    {"POST", "/api/v1/users/:id/grants", grant_add, "grant.manage", 0, 0},
    {"POST", "/api/v1/users/:id/grants/revoke", grant_remove, "grant.manage", 0, 0},
    {"POST", "/api/v1/users/:id/unlock", user_unlock, "user.unlock", 0, 0},
    {0},
};
