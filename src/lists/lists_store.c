/* lists_store.c - the SQL of work lists: lists, items and their people,
 * the timeline, 销号 and cancelling (inspections and the report's rows are in
 * lists_store_report.c).
 * Every change writes its audit record in the same transaction; the callers
 * (lists_api.c) open and close the transactions. */
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/err.h"
#include "../core/json.h"
#include "../core/mem.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "lists.h"
#include "lists_api.h"
#include "lists_sql.h"

/* The derived status in SQL, the same rule as lists_item_status(); $n is today (YYYY-MM-DD).
 * Written into b, so that PostgreSQL sees the parameter only where it is used. */
void lists_status_sql(dj_buf *b, int n)
{
    dj_buf_printf(b,
                  "CASE WHEN i.state = 'cancelled' THEN 'cancelled' WHEN i.state = 'done' THEN 'done'"
                  " WHEN i.due_on IS NOT NULL AND i.due_on < $%d"
                  " AND NOT (i.submitted_on IS NOT NULL AND i.submitted_on <= i.due_on) THEN 'overdue'"
                  " WHEN i.state = 'in_progress' OR i.progress > 0 OR i.submitted_on IS NOT NULL THEN 'in_progress'"
                  " ELSE 'not_started' END",
                  n);
}

lists_day lists_today(void)
{
    return lists_day_of(dj_now());
}

void lists_today_text(char out[11])
{
    lists_day_format(lists_today(), out);
}

void lists_now_iso(char out[21])
{
    dj_time_iso(dj_now(), out);
}

/* ---------------------------------------------------------------- dynamic queries */


/* Adds a parameter; returns its $ number. */
int lists_qp_i(struct lists_qp *q, int64_t v)
{
    q->types[q->n] = 'i';
    q->i[q->n] = v;
    return ++q->n;
}

int lists_qp_t(struct lists_qp *q, const char *v)
{
    q->types[q->n] = 't';
    q->t[q->n] = v;
    return ++q->n;
}

static db_stmt *qp_prep(db_conn *c, const char *sql, const struct lists_qp *q, int *err)
{
    db_stmt *s = db_prep_dynamic(c, sql);
    if (!s) {
        *err = DJ_EDB;
        return NULL;
    }
    for (int k = 0; k < q->n; k++) {
        int rc = q->types[k] == 'i' ? db_bind_i64(s, k + 1, q->i[k]) : db_bind_text(s, k + 1, q->t[k]);
        if (rc) {
            db_done(s);
            *err = rc;
            return NULL;
        }
    }
    return s;
}

json_t *lists_qp_rows(db_conn *c, const char *sql, const struct lists_qp *q, int *err)
{
    db_stmt *s = qp_prep(c, sql, q, err);
    if (!s)
        return NULL;
    json_t *rows = json_array();
    int rc;
    while ((rc = db_step(s)) == DB_ROW)
        json_array_append_new(rows, db_row_json(s));
    db_done(s);
    if (rc != DB_DONE) {
        json_decref(rows);
        *err = rc < 0 ? rc : DJ_EDB;
        return NULL;
    }
    return rows;
}

int lists_qp_i64(db_conn *c, const char *sql, const struct lists_qp *q, int64_t *out)
{
    int err = 0;
    db_stmt *s = qp_prep(c, sql, q, &err);
    if (!s)
        return err;
    int rc = db_step(s);
    if (rc == DB_ROW)
        *out = db_col_i64(s, 0);
    db_done(s);
    return rc == DB_ROW ? DJ_OK : rc == DB_DONE ? DJ_ENOTFOUND : rc;
}

/* Who may see an item (i, with its org o): the read scope over the org or a
 * co-responsible org, or being one of its people. */
void lists_sql_visibility(dj_buf *b, const struct lists_viewer *v, struct lists_qp *q)
{
    int pp = lists_qp_i(q, v->person_id ? v->person_id : -1);
    dj_buf_printf(b,
                  " AND (%s OR EXISTS (SELECT 1 FROM list_item_people vp WHERE vp.item_id = i.id AND vp.person_id = $%d)"
                  " OR EXISTS (SELECT 1 FROM list_item_orgs vx JOIN orgs o2 ON o2.id = vx.org_id"
                  " WHERE vx.item_id = i.id AND %s))",
                  v->read_scope, pp, v->read_scope_co);
}

/* ---------------------------------------------------------------- lists */

static void counts_into(json_t *o, json_t *rows)
{
    json_t *counts = json_object();
    for (int k = 0; lists_statuses[k]; k++)
        json_object_set_new(counts, lists_statuses[k], json_integer(0));
    int64_t total = 0;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        int64_t n = dj_jint(row, "n", 0);
        json_object_set_new(counts, dj_jstr(row, "status", "not_started"), json_integer(n));
        total += n;
    }
    json_object_set_new(o, "counts", counts);
    json_object_set_new(o, "total", json_integer(total));
}

json_t *lists_store_lists(db_conn *c, const struct lists_viewer *v, const char *kind, int *err)
{
    char today[11];
    lists_today_text(today);
    struct lists_qp q = {0};
    dj_buf b = {0};
    /* a list is shown when its keeper's org is in scope, or it has an item the viewer may see */
    dj_buf_printf(&b,
                  "SELECT l.id, l.kind, l.subkind, l.title, l.year, l.description, l.org_id, o.name AS org_name,"
                  " l.write_perm, l.categories AS categories__json, l.archived AS archived__bool, l.created_at,"
                  " l.updated_at FROM lists l JOIN orgs o ON o.id = l.org_id WHERE (%s OR EXISTS (SELECT 1 FROM"
                  " list_items i JOIN orgs o ON o.id = i.org_id WHERE i.list_id = l.id",
                  v->read_scope);
    lists_sql_visibility(&b, v, &q);
    dj_buf_puts(&b, "))");
    if (kind)
        dj_buf_printf(&b, " AND l.kind = $%d", lists_qp_t(&q, kind));
    dj_buf_puts(&b, " ORDER BY l.archived, l.id");
    json_t *rows = lists_qp_rows(c, dj_buf_cstr(&b), &q, err);
    dj_buf_free(&b);
    if (!rows)
        return NULL;
    /* counts of the items each viewer may see */
    size_t k;
    json_t *l;
    json_array_foreach(rows, k, l) {
        struct lists_qp q2 = {0};
        int tn = lists_qp_t(&q2, today);
        int lid = lists_qp_i(&q2, dj_jint(l, "id", 0));
        dj_buf b2 = {0};
        dj_buf_puts(&b2, "SELECT ");
        lists_status_sql(&b2, tn);
        dj_buf_printf(&b2, " AS status, COUNT(*) AS n FROM list_items i JOIN orgs o ON o.id = i.org_id"
                           " WHERE i.list_id = $%d", lid);
        lists_sql_visibility(&b2, v, &q2);
        dj_buf_puts(&b2, " GROUP BY ");
        lists_status_sql(&b2, tn);
        json_t *cr = lists_qp_rows(c, dj_buf_cstr(&b2), &q2, err);
        dj_buf_free(&b2);
        if (!cr) {
            json_decref(rows);
            return NULL;
        }
        counts_into(l, cr);
        json_decref(cr);
    }
    return rows;
}

json_t *lists_store_list_get(db_conn *c, int64_t id, int *err)
{
    return db_query_row(c, err,
                        "SELECT l.id, l.kind, l.subkind, l.title, l.year, l.description, l.org_id,"
                        " o.name AS org_name, o.path AS org_path, l.write_perm, l.categories AS categories__json,"
                        " l.archived AS archived__bool, l.created_at, l.updated_at"
                        " FROM lists l JOIN orgs o ON o.id = l.org_id WHERE l.id = $1",
                        "i", id);
}

int lists_store_list_create(db_conn *c, dj_req *r, const json_t *in, int64_t org_id, int64_t *id)
{
    char now[21];
    lists_now_iso(now);
    const char *kind = dj_jstr(in, "kind", "custom");
    const char *subkind = dj_jstr(in, "subkind", NULL);
    const char *perm = subkind && strcmp(subkind, "supervision") == 0 ? "list.supervise" : "list.write";
    json_t *cats = json_object_get(in, "categories");
    json_t *own = NULL;
    if (!cats || !json_array_size(cats)) {
        own = json_array();
        if (strcmp(kind, "model_organ") == 0)
            for (int k = 0; lists_five_types[k]; k++)
                json_array_append_new(own, json_string(lists_five_types[k]));
        cats = own;
    }
    int rc = db_query_i64(c, id,
                          "INSERT INTO lists (kind, subkind, title, year, description, org_id, write_perm, categories,"
                          " created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)"
                          " RETURNING id",
                          "tttItitjIt", kind, subkind, dj_jstr(in, "title", ""), dj_jint(in, "year", 0),
                          dj_jstr(in, "description", NULL), org_id, perm, cats, r && r->user ? r->user->id : 0,
                          now);
    json_decref(own);
    if (rc == DJ_OK && r)
        rc = audit_write(c, r, "create", "list", *id, NULL, in);
    return rc;
}

int lists_store_list_patch(db_conn *c, dj_req *r, int64_t id, const json_t *in)
{
    int err = 0;
    json_t *before = lists_store_list_get(c, id, &err);
    if (!before)
        return err;
    char now[21];
    lists_now_iso(now);
    json_t *cats = json_object_get(in, "categories");
    int rc = db_exec(c,
                     "UPDATE lists SET title = $2, description = $3, categories = $4, archived = $5, year = $6,"
                     " updated_at = $7 WHERE id = $1",
                     "ittjbIt", id, dj_jstr(in, "title", dj_jstr(before, "title", "")),
                     dj_jhas(in, "description") ? dj_jstr(in, "description", NULL) : dj_jstr(before, "description", NULL),
                     cats ? cats : json_object_get(before, "categories"),
                     (int)dj_jbool(in, "archived", dj_jbool(before, "archived", false)),
                     dj_jint(in, "year", dj_jint(before, "year", 0)), now);
    if (rc == DJ_OK)
        rc = audit_write(c, r, "update", "list", id, before, in);
    json_decref(before);
    return rc;
}

/* Appends category to the list's categories when it is new there. */
static int list_add_category(db_conn *c, int64_t list_id, const char *category)
{
    char *txt = NULL;
    int rc = db_query_text(c, &txt, "SELECT categories FROM lists WHERE id = $1", "i", list_id);
    if (rc)
        return rc;
    json_t *cats = json_loads(txt, 0, NULL);
    free(txt);
    if (!json_is_array(cats)) {
        json_decref(cats);
        cats = json_array();
    }
    size_t k;
    json_t *v;
    bool found = false;
    json_array_foreach(cats, k, v) found = found || (json_is_string(v) && strcmp(json_string_value(v), category) == 0);
    if (!found) {
        json_array_append_new(cats, json_string(category));
        rc = db_exec(c, "UPDATE lists SET categories = $2 WHERE id = $1", "ij", list_id, cats);
    }
    json_decref(cats);
    return rc;
}

/* ---------------------------------------------------------------- items */

static const char item_cols[] =
    "SELECT i.id, i.list_id, l.title AS list_title, l.kind AS list_kind, i.seq, i.title, i.category, i.description,"
    " i.action_type, i.source, i.source_detail, i.inspection_id, i.org_id, o.name AS org_name, i.start_on, i.due_on,"
    " i.state, i.progress, i.submitted_on, i.verified_at, i.verify_note, vu.name AS verified_by_name,"
    " i.cancelled_at, i.cancel_reason, i.outcome, i.created_at, i.updated_at";

/* Adds status, status_name, days_left, due_soon and awaiting_verification, computed by
 * the rules; soon_days is the setting lists.due_soon_days (临期提醒天数). */
static void decorate(json_t *it, lists_day today, int64_t soon_days)
{
    struct lists_item_facts f = {
        .state = lists_state_parse(dj_jstr(it, "state", "not_started")),
        .progress = (int)dj_jint(it, "progress", 0),
        .due = lists_day_parse(dj_jstr(it, "due_on", NULL)),
        .submitted = lists_day_parse(dj_jstr(it, "submitted_on", NULL)),
    };
    if ((int)f.state < 0)
        f.state = LISTS_NOT_STARTED;
    enum lists_status st = lists_item_status(&f, today);
    json_object_set_new(it, "status", json_string(lists_statuses[st]));
    json_object_set_new(it, "status_name", json_string(lists_status_names[st]));
    json_object_set_new(it, "awaiting_verification",
                        json_boolean(f.submitted >= 0 && f.state != LISTS_DONE && f.state != LISTS_CANCELLED));
    json_object_set_new(it, "days_left", f.due >= 0 ? json_integer(lists_days_left(f.due, today)) : json_null());
    bool open = st == LISTS_ST_NOT_STARTED || st == LISTS_ST_IN_PROGRESS;
    json_object_set_new(it, "due_soon", json_boolean(open && f.submitted < 0 && f.due >= 0 &&
                                                     lists_days_left(f.due, today) >= 0 &&
                                                     lists_days_left(f.due, today) <= soon_days));
}

/* owners, co_owners and co_orgs of one item */
static int attach_people(db_conn *c, json_t *it)
{
    int err = 0;
    int64_t id = dj_jint(it, "id", 0);
    json_t *ppl = db_query_rows(c, &err,
                                "SELECT p.person_id, pe.name, p.role FROM list_item_people p"
                                " JOIN people pe ON pe.id = p.person_id WHERE p.item_id = $1"
                                " ORDER BY p.role DESC, p.person_id",
                                "i", id);
    if (!ppl)
        return err;
    json_t *owners = json_array(), *co = json_array();
    size_t k;
    json_t *p;
    json_array_foreach(ppl, k, p) {
        json_t *o = json_pack("{s:I, s:s}", "person_id", (json_int_t)dj_jint(p, "person_id", 0), "name",
                              dj_jstr(p, "name", ""));
        json_array_append_new(strcmp(dj_jstr(p, "role", ""), "lead") == 0 ? owners : co, o);
    }
    json_decref(ppl);
    json_object_set_new(it, "owners", owners);
    json_object_set_new(it, "co_owners", co);
    json_t *orgs = db_query_rows(c, &err,
                                 "SELECT x.org_id, o.name FROM list_item_orgs x JOIN orgs o ON o.id = x.org_id"
                                 " WHERE x.item_id = $1 ORDER BY x.org_id",
                                 "i", id);
    if (!orgs)
        return err;
    json_object_set_new(it, "co_orgs", orgs);
    return DJ_OK;
}

json_t *lists_store_items(db_conn *c, const struct lists_viewer *v, const struct lists_item_filter *f,
                          int64_t limit, int64_t offset, int64_t *total, int *err)
{
    lists_day td = lists_today();
    char today[11];
    lists_day_format(td, today);
    struct lists_qp q = {0};
    dj_buf w = {0};
    dj_buf_puts(&w, " FROM list_items i JOIN lists l ON l.id = i.list_id JOIN orgs o ON o.id = i.org_id"
                    " LEFT JOIN users vu ON vu.id = i.verified_by WHERE 1=1");
    lists_sql_visibility(&w, v, &q);
    if (f->list_id)
        dj_buf_printf(&w, " AND i.list_id = $%d", lists_qp_i(&q, f->list_id));
    if (f->category)
        dj_buf_printf(&w, " AND i.category = $%d", lists_qp_t(&q, f->category));
    if (f->status >= 0) {
        dj_buf_puts(&w, " AND ");
        lists_status_sql(&w, lists_qp_t(&q, today));
        dj_buf_printf(&w, " = $%d", lists_qp_t(&q, lists_statuses[f->status]));
    }
    if (f->org_id) {
        int n = lists_qp_i(&q, f->org_id);
        dj_buf_printf(&w, " AND o.path LIKE (SELECT path FROM orgs WHERE id = $%d) || '%%'", n);
    }
    if (f->person_id)
        dj_buf_printf(&w, " AND EXISTS (SELECT 1 FROM list_item_people fp WHERE fp.item_id = i.id AND fp.person_id = $%d)",
                      lists_qp_i(&q, f->person_id));
    if (f->inspection_id)
        dj_buf_printf(&w, " AND i.inspection_id = $%d", lists_qp_i(&q, f->inspection_id));
    if (f->due_from)
        dj_buf_printf(&w, " AND i.due_on >= $%d", lists_qp_t(&q, f->due_from));
    if (f->due_to)
        dj_buf_printf(&w, " AND i.due_on <= $%d", lists_qp_t(&q, f->due_to));
    char *until = NULL;
    if (f->due_within >= 0) {
        until = dj_malloc(11);
        lists_day_format(td + f->due_within, until);
        dj_buf_printf(&w, " AND i.state IN ('not_started', 'in_progress') AND i.submitted_on IS NULL"
                          " AND i.due_on IS NOT NULL AND i.due_on <= $%d", lists_qp_t(&q, until));
    }
    if (f->mine) {
        int pp = lists_qp_i(&q, v->person_id ? v->person_id : -1);
        dj_buf_printf(&w, " AND (EXISTS (SELECT 1 FROM list_item_people mp WHERE mp.item_id = i.id AND mp.person_id = $%d)",
                      pp);
        if (v->mine_orgs && *v->mine_orgs)
            dj_buf_printf(&w, " OR i.org_id IN (%s)", v->mine_orgs);
        dj_buf_puts(&w, ")");
    }
    char *like = NULL;
    if (f->q && *f->q) {
        like = dj_asprintf("%%%s%%", f->q);
        int n = lists_qp_t(&q, like);
        dj_buf_printf(&w, " AND (i.title LIKE $%d OR i.description LIKE $%d)", n, n);
    }
    dj_buf cnt = {0};
    dj_buf_printf(&cnt, "SELECT COUNT(*)%s", w.data);
    int rc = lists_qp_i64(c, dj_buf_cstr(&cnt), &q, total);
    dj_buf_free(&cnt);
    json_t *rows = NULL;
    if (rc) {
        *err = rc;
        goto out;
    }
    dj_buf sel = {0};
    dj_buf_printf(&sel, "%s%s", item_cols, w.data);
    if (f->sort && strcmp(f->sort, "due") == 0)
        dj_buf_puts(&sel, " ORDER BY CASE WHEN i.due_on IS NULL THEN 1 ELSE 0 END, i.due_on, i.list_id, i.seq");
    else
        dj_buf_puts(&sel, " ORDER BY i.list_id, i.seq");
    dj_buf_printf(&sel, " LIMIT $%d OFFSET $%d", lists_qp_i(&q, limit), lists_qp_i(&q, offset));
    rows = lists_qp_rows(c, dj_buf_cstr(&sel), &q, err);
    dj_buf_free(&sel);
    if (!rows)
        goto out;
    size_t k;
    json_t *it;
    int64_t soon = dj_setting_int(c, "lists.due_soon_days", 7);
    json_array_foreach(rows, k, it) {
        decorate(it, td, soon);
        if ((rc = attach_people(c, it))) {
            *err = rc;
            json_decref(rows);
            rows = NULL;
            goto out;
        }
    }
out:
    free(until);
    free(like);
    dj_buf_free(&w);
    return rows;
}

json_t *lists_store_item_get(db_conn *c, int64_t id, bool with_timeline, int *err)
{
    static const char sql[] =
        "SELECT i.id, i.list_id, l.title AS list_title, l.kind AS list_kind, i.seq, i.title, i.category,"
        " i.description, i.action_type, i.source, i.source_detail, i.inspection_id, i.org_id, o.name AS org_name,"
        " o.path AS org_path, l.org_id AS list_org_id, l.write_perm AS list_write_perm, i.start_on, i.due_on,"
        " i.state, i.progress, i.submitted_on, i.verified_at, i.verify_note, vu.name AS verified_by_name,"
        " i.cancelled_at, i.cancel_reason, i.outcome, i.created_at, i.updated_at"
        " FROM list_items i JOIN lists l ON l.id = i.list_id JOIN orgs o ON o.id = i.org_id"
        " LEFT JOIN users vu ON vu.id = i.verified_by WHERE i.id = $1";
    json_t *it = db_query_row(c, err, sql, "i", id);
    if (!it)
        return NULL;
    decorate(it, lists_today(), dj_setting_int(c, "lists.due_soon_days", 7));
    int rc = attach_people(c, it);
    if (rc == DJ_OK && with_timeline) {
        json_t *tl = db_query_rows(c, &rc,
                                   "SELECT id, kind, on_date, at, author, body, progress"
                                   " FROM list_item_updates WHERE item_id = $1 ORDER BY on_date DESC, id DESC",
                                   "i", id);
        size_t k;
        json_t *e;
        json_array_foreach(tl, k, e) json_object_set_new(e, "evidence", lists_evidence_of(c, dj_jint(e, "id", 0)));
        if (tl)
            json_object_set_new(it, "timeline", tl);
    }
    if (rc) {
        *err = rc;
        json_decref(it);
        return NULL;
    }
    return it;
}

bool lists_store_is_responsible(db_conn *c, int64_t item_id, int64_t person_id)
{
    int64_t one;
    return person_id > 0 && db_query_i64(c, &one,
                                         "SELECT 1 FROM list_item_people WHERE item_id = $1 AND person_id = $2", "ii",
                                         item_id, person_id) == DJ_OK;
}

/* Checks an array of ids against a table; *bad gets the first unknown one. */
static int ids_exist(db_conn *c, const json_t *arr, bool people, int64_t *bad)
{
    size_t k;
    json_t *v;
    json_array_foreach(arr, k, v) {
        int64_t one, id = json_integer_value(v);
        int rc = people ? db_query_i64(c, &one, "SELECT 1 FROM people WHERE id = $1", "i", id)
                        : db_query_i64(c, &one, "SELECT 1 FROM orgs WHERE id = $1", "i", id);
        if (rc == DJ_ENOTFOUND) {
            *bad = id;
            return DJ_EINVAL;
        }
        if (rc)
            return rc;
    }
    return DJ_OK;
}

static bool id_array_ok(const json_t *arr)
{
    if (!arr || json_is_null(arr))
        return true;
    if (!json_is_array(arr) || json_array_size(arr) > 50)
        return false;
    size_t k;
    json_t *v;
    json_array_foreach(arr, k, v) if (!json_is_integer(v) || json_integer_value(v) <= 0) return false;
    return true;
}

int lists_store_item_check(db_conn *c, const json_t *in, const char **field, char *msg, size_t msglen)
{
    static const char *const arrays[] = {"owners", "co_owners", "co_orgs", NULL};
    static const char *const labels[] = {"责任人", "协同责任人", "协同单位", NULL};
    for (int k = 0; arrays[k]; k++) {
        const json_t *a = json_object_get(in, arrays[k]);
        if (!id_array_ok(a)) {
            *field = arrays[k];
            snprintf(msg, msglen, "“%s”应为人员或组织编号的数组（至多50个）", labels[k]);
            return DJ_EINVAL;
        }
        int64_t bad = 0;
        int rc = a ? ids_exist(c, a, k < 2, &bad) : DJ_OK;
        if (rc == DJ_EINVAL) {
            *field = arrays[k];
            snprintf(msg, msglen, "“%s”中的编号 %lld 不存在", labels[k], (long long)bad);
        }
        if (rc)
            return rc;
    }
    if (dj_jhas(in, "org_id")) {
        int64_t one;
        int rc = db_query_i64(c, &one, "SELECT 1 FROM orgs WHERE id = $1", "i", dj_jint(in, "org_id", 0));
        if (rc == DJ_ENOTFOUND) {
            *field = "org_id";
            snprintf(msg, msglen, "找不到责任单位（编号 %lld）", (long long)dj_jint(in, "org_id", 0));
            return DJ_EINVAL;
        }
        if (rc)
            return rc;
    }
    const char *s = dj_jstr(in, "start_on", NULL), *d = dj_jstr(in, "due_on", NULL);
    if (s && d && strcmp(s, d) > 0) {
        *field = "due_on";
        snprintf(msg, msglen, "完成时限不能早于开始日期");
        return DJ_EINVAL;
    }
    return DJ_OK;
}

static int set_people(db_conn *c, int64_t id, const json_t *owners, const json_t *co, const json_t *orgs)
{
    int rc = DJ_OK;
    size_t k;
    json_t *v;
    if (owners) {
        rc = db_exec(c, "DELETE FROM list_item_people WHERE item_id = $1 AND role = 'lead'", "i", id);
        json_array_foreach(owners, k, v) if (rc == DJ_OK) rc =
            db_exec(c, "INSERT INTO list_item_people (item_id, person_id, role) VALUES ($1, $2, 'lead')"
                       " ON CONFLICT (item_id, person_id) DO UPDATE SET role = 'lead'",
                    "ii", id, (int64_t)json_integer_value(v));
    }
    if (co && rc == DJ_OK) {
        rc = db_exec(c, "DELETE FROM list_item_people WHERE item_id = $1 AND role = 'co'", "i", id);
        json_array_foreach(co, k, v) if (rc == DJ_OK) rc =
            db_exec(c, "INSERT INTO list_item_people (item_id, person_id, role) VALUES ($1, $2, 'co')"
                       " ON CONFLICT (item_id, person_id) DO NOTHING",
                    "ii", id, (int64_t)json_integer_value(v));
    }
    if (orgs && rc == DJ_OK) {
        rc = db_exec(c, "DELETE FROM list_item_orgs WHERE item_id = $1", "i", id);
        json_array_foreach(orgs, k, v) if (rc == DJ_OK) rc =
            db_exec(c, "INSERT INTO list_item_orgs (item_id, org_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", "ii", id,
                    (int64_t)json_integer_value(v));
    }
    return rc;
}

int lists_store_item_create(db_conn *c, dj_req *r, int64_t list_id, const json_t *in, int64_t *id)
{
    char now[21];
    lists_now_iso(now);
    int64_t seq = 0, org = dj_jint(in, "org_id", 0);
    int rc = db_query_i64(c, &seq, "SELECT COALESCE(MAX(seq), 0) + 1 FROM list_items WHERE list_id = $1", "i",
                          list_id);
    if (rc == DJ_OK && !org)
        rc = db_query_i64(c, &org, "SELECT org_id FROM lists WHERE id = $1", "i", list_id);
    if (rc)
        return rc;
    int progress = (int)dj_jint(in, "progress", 0);
    const char *state = progress > 0 ? "in_progress" : "not_started";
    char today[11];
    lists_today_text(today);
    rc = db_query_i64(c, id,
                      "INSERT INTO list_items (list_id, seq, title, category, description, action_type, source,"
                      " source_detail, inspection_id, org_id, start_on, due_on, state, progress, submitted_on, outcome,"
                      " created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,"
                      " $12, $13, $14, $15, $16, $17, $18, $18) RETURNING id",
                      "iittttttIitttittIt", list_id, seq, dj_jstr(in, "title", ""), dj_jstr(in, "category", "其他"),
                      dj_jstr(in, "description", NULL), dj_jstr(in, "action_type", "mandated"),
                      dj_jstr(in, "source", NULL), dj_jstr(in, "source_detail", NULL),
                      dj_jint(in, "inspection_id", 0), org, dj_jstr(in, "start_on", NULL),
                      dj_jstr(in, "due_on", NULL), state, (int64_t)progress, progress == 100 ? today : NULL,
                      dj_jstr(in, "outcome", NULL), r && r->user ? r->user->id : 0, now);
    if (rc == DJ_OK)
        rc = set_people(c, *id, json_object_get(in, "owners"), json_object_get(in, "co_owners"),
                        json_object_get(in, "co_orgs"));
    if (rc == DJ_OK)
        rc = list_add_category(c, list_id, dj_jstr(in, "category", "其他"));
    if (rc == DJ_OK && r)
        rc = audit_write(c, r, "create", "list_item", *id, NULL, in);
    return rc;
}

static const char *pick(const json_t *in, const json_t *before, const char *key)
{
    return dj_jhas(in, key) ? dj_jstr(in, key, NULL) : dj_jstr(before, key, NULL);
}

int lists_store_item_patch(db_conn *c, dj_req *r, int64_t id, const json_t *in)
{
    int err = 0;
    json_t *before = lists_store_item_get(c, id, false, &err);
    if (!before)
        return err;
    char now[21];
    lists_now_iso(now);
    const char *state = dj_jstr(before, "state", "not_started");
    const char *to = dj_jstr(in, "state", NULL);
    bool cancelling = to && strcmp(to, "cancelled") == 0;
    if (to && !cancelling)
        state = to;
    int rc = db_exec(c,
                     "UPDATE list_items SET title = $2, category = $3, description = $4, action_type = $5, source = $6,"
                     " source_detail = $7, org_id = $8, start_on = $9, due_on = $10, state = $11, outcome = $12,"
                     " updated_at = $13 WHERE id = $1",
                     "ittttttittttt", id, pick(in, before, "title"), pick(in, before, "category"),
                     pick(in, before, "description"), pick(in, before, "action_type"), pick(in, before, "source"),
                     pick(in, before, "source_detail"), dj_jint(in, "org_id", dj_jint(before, "org_id", 0)),
                     pick(in, before, "start_on"), pick(in, before, "due_on"), state, pick(in, before, "outcome"),
                     now);
    if (rc == DJ_OK)
        rc = set_people(c, id, json_object_get(in, "owners"), json_object_get(in, "co_owners"),
                        json_object_get(in, "co_orgs"));
    if (rc == DJ_OK && dj_jhas(in, "category"))
        rc = list_add_category(c, dj_jint(before, "list_id", 0), dj_jstr(in, "category", ""));
    if (rc == DJ_OK)
        rc = audit_write(c, r, "update", "list_item", id, before, in);
    if (rc == DJ_OK && cancelling)
        rc = lists_store_cancel(c, r, id, dj_jstr(in, "cancel_reason", ""));
    json_decref(before);
    return rc;
}

static const char *author_of(dj_req *r)
{
    return r && r->user ? r->user->name : "系统";
}

int lists_store_update_add(db_conn *c, dj_req *r, int64_t item_id, const json_t *in, int64_t *uid, bool *dup)
{
    *dup = false;
    const char *key = dj_jstr(in, "client_key", NULL);
    if (key && db_query_i64(c, uid, "SELECT id FROM list_item_updates WHERE client_key = $1 AND item_id = $2", "ti",
                            key, item_id) == DJ_OK) {
        *dup = true;
        return DJ_OK;
    }
    int err = 0;
    json_t *before = db_query_row(c, &err, "SELECT state, progress, submitted_on FROM list_items WHERE id = $1", "i",
                                  item_id);
    if (!before)
        return err;
    char now[21], today[11];
    lists_now_iso(now);
    lists_today_text(today);
    int progress = (int)dj_jint(in, "progress", dj_jint(before, "progress", 0));
    const char *state = dj_jstr(before, "state", "not_started");
    const char *submitted = dj_jstr(before, "submitted_on", NULL);
    if (progress == 100 && !submitted)
        submitted = today;
    else if (progress < 100)
        submitted = NULL;
    if (strcmp(state, "not_started") == 0)
        state = "in_progress";
    int rc = db_query_i64(c, uid,
                          "INSERT INTO list_item_updates (item_id, kind, on_date, at, user_id, author, body, progress,"
                          " client_key) VALUES ($1, 'progress', $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                          "ittIttit", item_id, dj_jstr(in, "on_date", today), now,
                          r && r->user ? r->user->id : 0, author_of(r), dj_jstr(in, "body", ""), (int64_t)progress,
                          key);
    /* evidence lives in the file store, attached to this update */
    if (rc == DJ_OK)
        rc = lists_evidence_store(c, r, *uid, json_object_get(in, "evidence"), r && r->user ? r->user->id : 0);
    if (rc == DJ_OK)
        rc = db_exec(c,
                     "UPDATE list_items SET progress = $2, state = $3, submitted_on = $4, updated_at = $5 WHERE id = $1",
                     "iittt", item_id, (int64_t)progress, state, submitted, now);
    if (rc == DJ_OK && r) {
        json_t *after = json_pack("{s:I, s:O}", "update_id", (json_int_t)*uid, "update", in);
        rc = audit_write(c, r, "progress", "list_item", item_id, before, after);
        json_decref(after);
    }
    json_decref(before);
    return rc;
}

static int timeline_add(db_conn *c, dj_req *r, int64_t item_id, const char *kind, const char *body, int progress)
{
    char now[21], today[11];
    lists_now_iso(now);
    lists_today_text(today);
    return db_exec(c,
                   "INSERT INTO list_item_updates (item_id, kind, on_date, at, user_id, author, body, progress)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                   "itttItti", item_id, kind, today, now, r && r->user ? r->user->id : 0, author_of(r), body,
                   (int64_t)progress);
}

int lists_store_verify(db_conn *c, dj_req *r, int64_t item_id, bool approve, const char *note)
{
    int err = 0;
    json_t *before = db_query_row(c, &err, "SELECT state, progress, submitted_on FROM list_items WHERE id = $1", "i",
                                  item_id);
    if (!before)
        return err;
    char now[21];
    lists_now_iso(now);
    int rc;
    if (approve) {
        rc = db_exec(c,
                     "UPDATE list_items SET state = 'done', progress = 100, verified_at = $2, verified_by = $3,"
                     " verify_note = $4, updated_at = $2 WHERE id = $1",
                     "itIt", item_id, now, r && r->user ? r->user->id : 0, note);
        if (rc == DJ_OK)
            rc = timeline_add(c, r, item_id, "verify", note && *note ? note : "经审核，同意销号", 100);
    } else {
        rc = db_exec(c, "UPDATE list_items SET submitted_on = NULL, verify_note = $2, updated_at = $3 WHERE id = $1",
                     "itt", item_id, note, now);
        if (rc == DJ_OK)
            rc = timeline_add(c, r, item_id, "reject", note, (int)dj_jint(before, "progress", 0));
    }
    if (rc == DJ_OK && r) {
        json_t *after = json_pack("{s:b, s:s?}", "approved", approve, "note", note);
        rc = audit_write(c, r, approve ? "verify" : "reject", "list_item", item_id, before, after);
        json_decref(after);
    }
    json_decref(before);
    return rc;
}

int lists_store_cancel(db_conn *c, dj_req *r, int64_t item_id, const char *reason)
{
    int err = 0;
    json_t *before = db_query_row(c, &err, "SELECT state, progress FROM list_items WHERE id = $1", "i", item_id);
    if (!before)
        return err;
    char now[21];
    lists_now_iso(now);
    int rc = db_exec(c,
                     "UPDATE list_items SET state = 'cancelled', cancelled_at = $2, cancel_reason = $3, updated_at = $2"
                     " WHERE id = $1",
                     "itt", item_id, now, reason);
    if (rc == DJ_OK)
        rc = timeline_add(c, r, item_id, "cancel", reason, (int)dj_jint(before, "progress", 0));
    if (rc == DJ_OK && r) {
        json_t *after = json_pack("{s:s, s:s}", "state", "cancelled", "cancel_reason", reason);
        rc = audit_write(c, r, "cancel", "list_item", item_id, before, after);
        json_decref(after);
    }
    json_decref(before);
    return rc;
}
