/* orgs.c - rules of the organisation tree (kinds, posts, warnings) and its
 * data layer: the tree with officers, counts and warnings; create, rename,
 * move (the subtree's materialised paths follow), dissolve, terms, officers. */
#include "orgs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/readcache.h"
#include "../core/mem.h"
#include "../core/settings.h"
#include "../core/timeutil.h"

const char *const orgs_kinds[] = {"committee", "general_branch", "branch", "group", "union", "women", "youth", NULL};
const char *const orgs_posts[] = {"secretary", "deputy_secretary", "organization", "propaganda", "discipline",
                                  "group_leader", "chair", "vice_chair", NULL};

static bool in_list(const char *s, const char *const *list)
{
    for (int i = 0; s && list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

bool orgs_kind_valid(const char *kind) { return in_list(kind, orgs_kinds); }

bool orgs_kind_is_party(const char *kind)
{
    static const char *const party[] = {"committee", "general_branch", "branch", "group", NULL};
    return in_list(kind, party);
}

bool orgs_kind_is_mass(const char *kind)
{
    static const char *const mass[] = {"union", "women", "youth", NULL};
    return in_list(kind, mass);
}

const char *orgs_kind_label(const char *kind)
{
    static const char *const labels[] = {"机关党委", "党总支", "党支部", "党小组", "工会", "妇委会", "团组织"};
    for (int i = 0; orgs_kinds[i]; i++)
        if (kind && strcmp(kind, orgs_kinds[i]) == 0)
            return labels[i];
    return kind ? kind : "";
}

const char *orgs_post_label(const char *post)
{
    static const char *const labels[] = {"书记", "副书记", "组织委员", "宣传委员", "纪检委员",
                                         "党小组组长", "主席", "副主席"};
    for (int i = 0; orgs_posts[i]; i++)
        if (post && strcmp(post, orgs_posts[i]) == 0)
            return labels[i];
    return post ? post : "";
}

bool orgs_parent_ok(const char *kind, const char *parent_kind)
{
    if (!orgs_kind_valid(kind))
        return false;
    if (!parent_kind)
        return strcmp(kind, "committee") == 0;
    if (strcmp(kind, "committee") == 0)
        return false; /* one 机关党委, at the root */
    if (strcmp(kind, "general_branch") == 0)
        return strcmp(parent_kind, "committee") == 0;
    if (strcmp(kind, "branch") == 0)
        return strcmp(parent_kind, "committee") == 0 || strcmp(parent_kind, "general_branch") == 0;
    if (strcmp(kind, "group") == 0)
        return strcmp(parent_kind, "branch") == 0;
    /* 工会, 妇委会, 团组织 are led by the 机关党委 (Art. 10) or a 总支 */
    return strcmp(parent_kind, "committee") == 0 || strcmp(parent_kind, "general_branch") == 0;
}

bool orgs_post_is_committee(const char *post)
{
    static const char *const c[] = {"secretary", "deputy_secretary", "organization", "propaganda", "discipline", NULL};
    return in_list(post, c);
}

bool orgs_post_allowed(const char *kind, const char *post)
{
    if (!orgs_kind_valid(kind) || !in_list(post, orgs_posts))
        return false;
    if (strcmp(kind, "group") == 0)
        return strcmp(post, "group_leader") == 0;
    if (orgs_kind_is_mass(kind))
        return strcmp(post, "chair") == 0 || strcmp(post, "vice_chair") == 0;
    return orgs_post_is_committee(post);
}

bool orgs_post_single(const char *post)
{
    static const char *const s[] = {"secretary", "discipline", "group_leader", "chair", NULL};
    return in_list(post, s);
}

static void warn(struct orgs_warning *w, int *n, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void warn(struct orgs_warning *w, int *n, const char *code, const char *fmt, ...)
{
    if (*n >= ORGS_MAX_WARNINGS)
        return;
    va_list ap;
    va_start(ap, fmt);
    w[*n].code = code;
    vsnprintf(w[*n].message, sizeof w[*n].message, fmt, ap);
    va_end(ap);
    (*n)++;
}

int orgs_warnings(const struct orgs_facts *f, int64_t today, int ending_days,
                  struct orgs_warning out[ORGS_MAX_WARNINGS])
{
    int n = 0;
    if (!f || !f->kind || f->dissolved)
        return 0;
    bool branch = strcmp(f->kind, "branch") == 0;
    bool general = strcmp(f->kind, "general_branch") == 0;
    if (branch || general) {
        /* Art. 7: >= 7 full members → a 支部委员会 of 3–5; Art. 9: it has a 纪检委员.
         * A 总支 always has its committee. */
        bool needs_committee = f->full_members >= 7 || general;
        if (needs_committee && f->committee_members < 3)
            warn(out, &n, "no_committee", "正式党员%d名，应设立%s委员会（3至5人），目前仅有%d名委员",
                 f->full_members, general ? "总支部" : "支部", f->committee_members);
        if (needs_committee && !f->has_discipline)
            warn(out, &n, "no_discipline_member", "%s委员会应设纪检委员，目前空缺", general ? "总支部" : "支部");
    }
    if (branch) {
        if (f->full_members < 3)
            warn(out, &n, "too_few_members", "正式党员仅%d名，不足3名，应调整为联合党支部", f->full_members);
        if (f->party_members > 50)
            warn(out, &n, "too_many_members", "党员%d名，超过50名，宜分设党支部", f->party_members);
    }
    if (f->term_end && strcmp(f->kind, "group") != 0) {
        int y, m, d;
        if (dj_date_parse(f->term_end, &y, &m, &d) == DJ_OK) {
            int64_t left = dj_days_from_civil(y, m, d) - today;
            if (left < 0)
                warn(out, &n, "term_ended", "任期已于%d年%d月%d日届满，已逾期%lld天，请尽快换届", y, m, d,
                     (long long)-left);
            else if (left <= ending_days)
                warn(out, &n, "term_ending", "任期将于%d年%d月%d日届满（还有%lld天），请做好换届准备", y, m, d,
                     (long long)left);
        }
    }
    return n;
}

int64_t orgs_today(void)
{
    int y, m, d;
    dj_local_date(dj_now(), &y, &m, &d);
    return dj_days_from_civil(y, m, d);
}

/* ---------------------------------------------------------------- the tree */

struct node {
    int64_t id;
    json_t *obj; /* borrowed from the items array */
    const char *kind;
    const char *term_end;
    bool dissolved;
    int full, party, people, mass_members, committee;
    bool discipline;
};

static int node_cmp(const void *a, const void *b)
{
    int64_t x = ((const struct node *)a)->id, y = ((const struct node *)b)->id;
    return x < y ? -1 : x > y;
}

static struct node *node_find(struct node *nodes, size_t n, int64_t id)
{
    struct node key = {.id = id};
    return bsearch(&key, nodes, n, sizeof *nodes, node_cmp);
}

/* Calls back for each id in a path "/1/4/9/". */
static void path_each(const char *path, struct node *nodes, size_t n, int full, int party, int people)
{
    const char *p = path;
    while (p && *p) {
        if (*p == '/') {
            p++;
            continue;
        }
        int64_t id = strtoll(p, (char **)&p, 10);
        struct node *nd = node_find(nodes, n, id);
        if (nd) {
            nd->full += full;
            nd->party += party;
            nd->people += people;
        }
    }
}

static char *scoped(const char *sql_fmt, const char *scope, int64_t only_id, bool with_dissolved)
{
    char extra[64] = "";
    if (only_id > 0)
        snprintf(extra, sizeof extra, " AND o.id = %lld", (long long)only_id);
    return dj_asprintf(sql_fmt, scope ? scope : "(1=1)", extra, with_dissolved ? "" : " AND o.dissolved_on IS NULL");
}

static orgs_warning_provider providers[8];
static int nproviders;

void orgs_warning_provider_add(orgs_warning_provider fn)
{
    if (nproviders < (int)(sizeof providers / sizeof providers[0]))
        providers[nproviders++] = fn;
}

/* Members counted over a subtree: the same question (the query with its scope)
 * gets the same answer until a write (readcache.h), instead of a pass over the
 * whole roster on every look at the tree. */
static json_t *counted(db_conn *c, const char *sql, int *rc)
{
    uint64_t gen;
    json_t *rows = dj_rcache_get(c, sql, &gen);
    if (rows)
        return rows;
    rows = db_query_rows_dynamic(c, rc, sql, "");
    if (rows)
        dj_rcache_put(sql, rows, gen);
    return rows;
}

json_t *orgs_list(db_conn *c, const char *scope_sql, int64_t only_id, bool with_dissolved, int *err)
{
    int rc = DJ_OK;
    char *sql = scoped("SELECT o.id, o.parent_id, o.kind, o.name, o.path, o.sort, o.set_up_on, o.term_start,"
                       " o.term_end, o.brand_name, o.brand_slogan, o.brand_description, o.dissolved_on,"
                       " o.created_at, o.updated_at FROM orgs o WHERE %s%s%s ORDER BY o.path",
                       scope_sql, only_id, with_dissolved || only_id > 0);
    json_t *items = db_query_rows_dynamic(c, &rc, sql, "");
    free(sql);
    if (!items)
        goto fail;
    size_t n = json_array_size(items), i;
    struct node *nodes = dj_calloc(n ? n : 1, sizeof *nodes);
    json_t *o;
    json_array_foreach(items, i, o) {
        nodes[i].id = dj_jint(o, "id", 0);
        nodes[i].obj = o;
        nodes[i].kind = dj_jstr(o, "kind", "");
        nodes[i].term_end = dj_jstr(o, "term_end", NULL);
        nodes[i].dissolved = dj_jstr(o, "dissolved_on", NULL) != NULL;
        json_object_set_new(o, "officers", json_array());
    }
    qsort(nodes, n, sizeof *nodes, node_cmp);

    /* member counts per organisation, added up the tree */
    const char *under = "(1=1)";
    char *upath = NULL;
    if (only_id > 0 && n == 1) {
        upath = dj_asprintf("o.path LIKE '%s%%'", dj_jstr(nodes[0].obj, "path", "/"));
        under = upath;
    } else if (scope_sql) {
        under = scope_sql;
    }
    sql = dj_asprintf("SELECT o.path, SUM(CASE WHEN p.party_status = 'full' THEN 1 ELSE 0 END) AS f,"
                      " SUM(CASE WHEN p.party_status IN ('full', 'probationary') THEN 1 ELSE 0 END) AS p, COUNT(*) AS n"
                      " FROM people p JOIN orgs o ON o.id = p.org_id WHERE p.active = 1 AND %s GROUP BY o.path",
                      under);
    json_t *rows = counted(c, sql, &rc);
    free(sql);
    if (!rows)
        goto out;
    size_t ri;
    json_t *row;
    json_array_foreach(rows, ri, row)
        path_each(dj_jstr(row, "path", ""), nodes, n, (int)dj_jint(row, "f", 0), (int)dj_jint(row, "p", 0),
                  (int)dj_jint(row, "n", 0));
    json_decref(rows);

    /* members of the union, women's and youth organisations */
    sql = dj_asprintf("SELECT m.org_id, COUNT(*) AS n FROM person_orgs m JOIN orgs o ON o.id = m.org_id"
                      " JOIN people p ON p.id = m.person_id WHERE p.active = 1 AND %s GROUP BY m.org_id", under);
    rows = counted(c, sql, &rc);
    free(sql);
    if (!rows)
        goto out;
    json_array_foreach(rows, ri, row) {
        struct node *nd = node_find(nodes, n, dj_jint(row, "org_id", 0));
        if (nd)
            nd->mass_members = (int)dj_jint(row, "n", 0);
    }
    json_decref(rows);

    /* officers */
    sql = dj_asprintf("SELECT f.org_id, f.post, f.person_id, p.name, f.since FROM org_officers f"
                      " JOIN orgs o ON o.id = f.org_id JOIN people p ON p.id = f.person_id WHERE %s"
                      " ORDER BY f.org_id, CASE f.post WHEN 'secretary' THEN 1 WHEN 'chair' THEN 1"
                      " WHEN 'group_leader' THEN 1 WHEN 'deputy_secretary' THEN 2 WHEN 'vice_chair' THEN 2"
                      " WHEN 'organization' THEN 3 WHEN 'propaganda' THEN 4 ELSE 5 END, f.id",
                      only_id > 0 ? (upath ? upath : "(1=0)") : under);
    db_stmt *s = db_prep_dynamic(c, sql);
    free(sql);
    if (!s) {
        rc = DJ_EDB;
        goto out;
    }
    while ((rc = db_step(s)) == DB_ROW) {
        struct node *nd = node_find(nodes, n, db_col_i64(s, 0));
        if (!nd)
            continue;
        const char *post = db_col_text(s, 1);
        json_array_append_new(json_object_get(nd->obj, "officers"),
                              json_pack("{s:s, s:s, s:I, s:s, s:o}", "post", post, "post_label",
                                        orgs_post_label(post), "person_id", (json_int_t)db_col_i64(s, 2), "name",
                                        db_col_text(s, 3), "since",
                                        db_col_null(s, 4) ? json_null() : json_string(db_col_text(s, 4))));
        if (orgs_post_is_committee(post)) {
            /* a person holding two posts counts once; rows of one org are adjacent but not by person */
            bool seen = false;
            json_t *offs = json_object_get(nd->obj, "officers"), *x;
            size_t k;
            json_array_foreach(offs, k, x) {
                if (k + 1 < json_array_size(offs) && dj_jint(x, "person_id", 0) == db_col_i64(s, 2) &&
                    orgs_post_is_committee(dj_jstr(x, "post", "")))
                    seen = true;
            }
            if (!seen)
                nd->committee++;
            if (strcmp(post, "discipline") == 0)
                nd->discipline = true;
        }
    }
    db_done(s);
    if (rc < 0)
        goto out;
    rc = DJ_OK;

    int64_t today = orgs_today();
    int ending = (int)dj_setting_int(c, "orgs.term_warning_days", 90);
    for (i = 0; i < n; i++) {
        struct node *nd = &nodes[i];
        bool mass = orgs_kind_is_mass(nd->kind);
        json_object_set_new(nd->obj, "kind_label", json_string(orgs_kind_label(nd->kind)));
        json_object_set_new(nd->obj, "members", json_integer(mass ? nd->mass_members : nd->party));
        /* a 工会, 妇委会 or 团组织 counts its own members; party figures mean nothing there */
        json_object_set_new(nd->obj, "full_members", mass ? json_null() : json_integer(nd->full));
        json_object_set_new(nd->obj, "people", json_integer(mass ? nd->mass_members : nd->people));
        struct orgs_facts f = {.kind = nd->kind, .full_members = nd->full, .party_members = nd->party,
                               .committee_members = nd->committee, .has_discipline = nd->discipline,
                               .term_end = nd->term_end, .dissolved = nd->dissolved};
        struct orgs_warning w[ORGS_MAX_WARNINGS];
        int nw = orgs_warnings(&f, today, ending, w);
        json_t *wa = json_array();
        for (int k = 0; k < nw; k++)
            json_array_append_new(wa, json_pack("{s:s, s:s}", "code", w[k].code, "message", w[k].message));
        json_object_set_new(nd->obj, "warnings", wa);
    }
    for (int k = 0; rc == DJ_OK && k < nproviders; k++)
        rc = providers[k](c, items);
out:
    free(upath);
    free(nodes);
    if (rc != DJ_OK) {
        json_decref(items);
        items = NULL;
    }
fail:
    if (err)
        *err = rc;
    return items;
}

json_t *orgs_get(db_conn *c, int64_t id, int *err)
{
    int rc;
    json_t *items = orgs_list(c, NULL, id, true, &rc);
    json_t *o = NULL;
    if (items && json_array_size(items) == 1)
        o = json_incref(json_array_get(items, 0));
    else if (items)
        rc = DJ_ENOTFOUND;
    json_decref(items);
    if (err)
        *err = rc;
    return o;
}

json_t *orgs_warnings_json(db_conn *c, int64_t id, int *err)
{
    json_t *o = orgs_get(c, id, err);
    if (!o)
        return NULL;
    json_t *res = json_pack("{s:O}", "items", json_object_get(o, "warnings"));
    json_decref(o);
    return res;
}

/* ---------------------------------------------------------------- changes */

static int fail(struct orgs_err *e, int rc, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(struct orgs_err *e, int rc, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    e->field = field;
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return rc;
}

struct orgrow {
    int64_t id;
    char kind[32];
    char path[512];
    bool dissolved;
};

static int org_row(db_conn *c, int64_t id, struct orgrow *o)
{
    db_stmt *s = db_prep(c, "SELECT id, kind, path, dissolved_on FROM orgs WHERE id = $1");
    if (!s)
        return DJ_EDB;
    db_bind(s, "i", id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        o->id = db_col_i64(s, 0);
        snprintf(o->kind, sizeof o->kind, "%s", db_col_text(s, 1));
        snprintf(o->path, sizeof o->path, "%s", db_col_text(s, 2));
        o->dissolved = !db_col_null(s, 3);
        rc = DJ_OK;
    } else if (rc == DB_DONE) {
        rc = DJ_ENOTFOUND;
    }
    db_done(s);
    return rc;
}

static int check_term(const json_t *in, const char *start, const char *end, struct orgs_err *e)
{
    (void)in;
    if ((start == NULL) != (end == NULL))
        return fail(e, DJ_EINVAL, start ? "term_end" : "term_start", "任期起止日期须同时填写");
    if (start && strcmp(end, start) <= 0)
        return fail(e, DJ_EINVAL, "term_end", "任期届满日期须晚于任期开始日期");
    return DJ_OK;
}

int orgs_create(db_conn *c, const json_t *in, int64_t *id_out, struct orgs_err *e)
{
    struct orgrow parent;
    const char *kind = dj_jstr(in, "kind", "");
    int rc = org_row(c, dj_jint(in, "parent_id", 0), &parent);
    if (rc == DJ_ENOTFOUND)
        return fail(e, DJ_EINVAL, "parent_id", "找不到上级组织");
    if (rc)
        return rc;
    if (parent.dissolved)
        return fail(e, DJ_EUNPROCESSABLE, "parent_id", "上级组织已撤销");
    if (!orgs_parent_ok(kind, parent.kind))
        return fail(e, DJ_EUNPROCESSABLE, "kind", "%s不能设在%s之下", orgs_kind_label(kind),
                    orgs_kind_label(parent.kind));
    const char *ts = dj_jstr(in, "term_start", NULL), *te = dj_jstr(in, "term_end", NULL);
    if ((rc = check_term(in, ts, te, e)))
        return rc;
    int64_t id = 0;
    if ((rc = db_query_i64(c, &id, "SELECT COALESCE(MAX(id), 0) + 1 FROM orgs", "")))
        return rc;
    char now[21], path[560];
    dj_time_iso(dj_now(), now);
    snprintf(path, sizeof path, "%s%lld/", parent.path, (long long)id);
    rc = db_exec(c,
                 "INSERT INTO orgs (id, parent_id, kind, name, path, sort, set_up_on, term_start, term_end,"
                 " brand_name, brand_slogan, brand_description, created_at, updated_at)"
                 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
                 "iitttittttttt", id, parent.id, kind, dj_jstr(in, "name", ""), path, dj_jint(in, "sort", 0),
                 dj_jstr(in, "set_up_on", NULL), ts, te, dj_jstr(in, "brand_name", NULL),
                 dj_jstr(in, "brand_slogan", NULL), dj_jstr(in, "brand_description", NULL), now);
    if (rc == DJ_OK && ts)
        rc = db_exec(c, "INSERT INTO org_terms (org_id, term_start, term_end, created_at) VALUES ($1, $2, $3, $4)",
                     "ittt", id, ts, te, now);
    if (rc == DJ_OK && json_is_array(json_object_get(in, "officers")))
        rc = orgs_set_officers(c, id, kind, json_object_get(in, "officers"), e);
    if (rc == DJ_OK)
        *id_out = id;
    return rc;
}

int orgs_set_officers(db_conn *c, int64_t org_id, const char *kind, const json_t *officers, struct orgs_err *e)
{
    size_t i, j;
    json_t *x, *y;
    json_array_foreach(officers, i, x) {
        const char *post = dj_jstr(x, "post", "");
        if (!json_is_object(x) || !json_is_integer(json_object_get(x, "person_id")))
            return fail(e, DJ_EINVAL, "officers", "第%zu项任职须包含职务（post）和人员（person_id）", i + 1);
        if (!orgs_post_allowed(kind, post))
            return fail(e, DJ_EINVAL, "officers", "%s不设“%s”职务", orgs_kind_label(kind), orgs_post_label(post));
        const char *since = dj_jstr(x, "since", NULL);
        int yy, mm, dd;
        if (since && dj_date_parse(since, &yy, &mm, &dd) != DJ_OK)
            return fail(e, DJ_EINVAL, "officers", "第%zu项任职日期“%s”无效", i + 1, since);
        json_array_foreach(officers, j, y) {
            if (j >= i)
                break;
            if (strcmp(dj_jstr(y, "post", ""), post) != 0)
                continue;
            if (orgs_post_single(post))
                return fail(e, DJ_EINVAL, "officers", "“%s”只能由一人担任", orgs_post_label(post));
            if (dj_jint(y, "person_id", 0) == dj_jint(x, "person_id", 0))
                return fail(e, DJ_EINVAL, "officers", "同一人重复担任“%s”", orgs_post_label(post));
        }
        int64_t active = 0;
        int rc = db_query_i64(c, &active, "SELECT active FROM people WHERE id = $1", "i", dj_jint(x, "person_id", 0));
        if (rc == DJ_ENOTFOUND || (rc == DJ_OK && !active))
            return fail(e, DJ_EINVAL, "officers", "找不到编号为%lld的在册人员", (long long)dj_jint(x, "person_id", 0));
        if (rc)
            return rc;
    }
    int rc = db_exec(c, "DELETE FROM org_officers WHERE org_id = $1", "i", org_id);
    json_array_foreach(officers, i, x) {
        if (rc)
            break;
        rc = db_exec(c, "INSERT INTO org_officers (org_id, post, person_id, since) VALUES ($1, $2, $3, $4)", "itit",
                     org_id, dj_jstr(x, "post", ""), dj_jint(x, "person_id", 0), dj_jstr(x, "since", NULL));
    }
    return rc;
}

/* The subtree moves with its root: every path under old_prefix gets new_prefix. */
static int move_subtree(db_conn *c, struct orgrow *o, int64_t parent_id, struct orgs_err *e)
{
    struct orgrow parent;
    int rc = org_row(c, parent_id, &parent);
    if (rc == DJ_ENOTFOUND)
        return fail(e, DJ_EINVAL, "parent_id", "找不到上级组织");
    if (rc)
        return rc;
    if (strncmp(parent.path, o->path, strlen(o->path)) == 0)
        return fail(e, DJ_EUNPROCESSABLE, "parent_id", "不能把组织移到它自己或其下级之下");
    if (parent.dissolved)
        return fail(e, DJ_EUNPROCESSABLE, "parent_id", "上级组织已撤销");
    if (!orgs_parent_ok(o->kind, parent.kind))
        return fail(e, DJ_EUNPROCESSABLE, "parent_id", "%s不能设在%s之下", orgs_kind_label(o->kind),
                    orgs_kind_label(parent.kind));
    char newpath[560];
    snprintf(newpath, sizeof newpath, "%s%lld/", parent.path, (long long)o->id);
    rc = db_exec(c,
                 "UPDATE orgs SET path = $1 || substr(path, $2) WHERE path >= $3 AND path < $3 || ':'",
                 "tit", newpath, (int64_t)strlen(o->path) + 1, o->path);
    if (rc == DJ_OK)
        rc = db_exec(c, "UPDATE orgs SET parent_id = $1 WHERE id = $2", "ii", parent.id, o->id);
    if (rc == DJ_OK)
        rc = orgs_stats_move(c, o->id, o->path, newpath);
    if (rc == DJ_OK)
        memcpy(o->path, newpath, strlen(newpath) < sizeof o->path ? strlen(newpath) + 1 : 0);
    return rc;
}

static int dissolve(db_conn *c, struct orgrow *o, const char *on, struct orgs_err *e)
{
    int64_t n = 0;
    int rc = db_query_i64(c, &n,
                          "SELECT COUNT(*) FROM orgs WHERE path >= $1 AND path < $1 || ':' AND id <> $2 AND dissolved_on IS NULL",
                          "ti", o->path, o->id);
    if (rc)
        return rc;
    if (n)
        return fail(e, DJ_ECONFLICT, "dissolved_on", "还有%lld个下级组织未撤销，不能撤销", (long long)n);
    rc = db_query_i64(c, &n,
                      "SELECT (SELECT COUNT(*) FROM people WHERE org_id = $1 AND active = 1)"
                      " + (SELECT COUNT(*) FROM person_orgs m JOIN people p ON p.id = m.person_id"
                      "    WHERE m.org_id = $1 AND p.active = 1)",
                      "i", o->id);
    if (rc)
        return rc;
    if (n)
        return fail(e, DJ_ECONFLICT, "dissolved_on", "还有%lld名成员，请先转出再撤销", (long long)n);
    rc = db_query_i64(c, &n, "SELECT COUNT(*) FROM grants WHERE org_id = $1", "i", o->id);
    if (rc)
        return rc;
    if (n)
        return fail(e, DJ_ECONFLICT, "dissolved_on", "还有%lld个账号授权在该组织上，请先撤销授权", (long long)n);
    rc = db_exec(c, "DELETE FROM org_officers WHERE org_id = $1", "i", o->id);
    if (rc == DJ_OK)
        rc = db_exec(c, "UPDATE orgs SET dissolved_on = $1 WHERE id = $2", "ti", on, o->id);
    o->dissolved = true;
    return rc;
}

int orgs_update(db_conn *c, int64_t id, const json_t *in, struct orgs_err *e)
{
    struct orgrow o;
    int rc = org_row(c, id, &o);
    if (rc == DJ_ENOTFOUND)
        return fail(e, DJ_ENOTFOUND, "id", "找不到该组织");
    if (rc)
        return rc;
    if (o.dissolved)
        return fail(e, DJ_ECONFLICT, "id", "该组织已撤销，不能修改");
    char now[21];
    dj_time_iso(dj_now(), now);
    static const char *const text_cols[] = {"name", "set_up_on", "brand_name", "brand_slogan", "brand_description",
                                            NULL};
    static const char *const text_sql[] = {
        "UPDATE orgs SET name = $1 WHERE id = $2",
        "UPDATE orgs SET set_up_on = $1 WHERE id = $2",
        "UPDATE orgs SET brand_name = $1 WHERE id = $2",
        "UPDATE orgs SET brand_slogan = $1 WHERE id = $2",
        "UPDATE orgs SET brand_description = $1 WHERE id = $2",
    };
    for (int i = 0; rc == DJ_OK && text_cols[i]; i++)
        if (json_object_get(in, text_cols[i]))
            rc = db_exec(c, text_sql[i], "ti", dj_jstr(in, text_cols[i], NULL), id);
    if (rc == DJ_OK && dj_jhas(in, "sort"))
        rc = db_exec(c, "UPDATE orgs SET sort = $1 WHERE id = $2", "ii", dj_jint(in, "sort", 0), id);
    if (rc == DJ_OK && (json_object_get(in, "term_start") || json_object_get(in, "term_end"))) {
        const char *ts = dj_jstr(in, "term_start", NULL), *te = dj_jstr(in, "term_end", NULL);
        if ((rc = check_term(in, ts, te, e)))
            return rc;
        if (strcmp(o.kind, "group") == 0 && ts)
            return fail(e, DJ_EINVAL, "term_start", "党小组不设任期");
        rc = db_exec(c, "UPDATE orgs SET term_start = $1, term_end = $2 WHERE id = $3", "tti", ts, te, id);
        /* 换届: a new term is kept in the history; correcting the current one updates it */
        if (rc == DJ_OK && ts)
            rc = db_exec(c,
                         "INSERT INTO org_terms (org_id, term_start, term_end, created_at) VALUES ($1, $2, $3, $4)"
                         " ON CONFLICT (org_id, term_start) DO UPDATE SET term_end = excluded.term_end",
                         "ittt", id, ts, te, now);
    }
    if (rc == DJ_OK && dj_jhas(in, "parent_id") && dj_jint(in, "parent_id", 0) != 0) {
        int64_t cur = 0;
        if ((rc = db_query_i64(c, &cur, "SELECT COALESCE(parent_id, 0) FROM orgs WHERE id = $1", "i", id)))
            return rc;
        if (cur == 0)
            return fail(e, DJ_EUNPROCESSABLE, "parent_id", "机关党委是组织树的根，不能移动");
        if (cur != dj_jint(in, "parent_id", 0))
            rc = move_subtree(c, &o, dj_jint(in, "parent_id", 0), e);
    }
    if (rc == DJ_OK && json_is_array(json_object_get(in, "officers")))
        rc = orgs_set_officers(c, id, o.kind, json_object_get(in, "officers"), e);
    if (rc == DJ_OK && dj_jhas(in, "dissolved_on")) {
        if (strcmp(o.kind, "committee") == 0 && strstr(o.path + 1, "/") == o.path + strlen(o.path) - 1)
            return fail(e, DJ_EUNPROCESSABLE, "dissolved_on", "机关党委是组织树的根，不能撤销");
        rc = dissolve(c, &o, dj_jstr(in, "dissolved_on", ""), e);
    }
    if (rc == DJ_OK)
        rc = db_exec(c, "UPDATE orgs SET updated_at = $1 WHERE id = $2", "ti", now, id);
    return rc;
}

json_t *orgs_terms(db_conn *c, int64_t id, int *err)
{
    return db_query_rows(c, err, "SELECT term_start, term_end, created_at FROM org_terms WHERE org_id = $1"
                                 " ORDER BY term_start DESC", "i", id);
}
