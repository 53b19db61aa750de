/* lists_store_report.c - the SQL of inspections (点穴式专项检查) and of the
 * rows the quarterly report is computed from, and the small reads the
 * handlers need inside their transactions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/err.h"
#include "../core/json.h"
#include "../core/mem.h"
#include "../core/timeutil.h"
#include "lists.h"
#include "lists_sql.h"

/* ---------------------------------------------------------------- inspections */

json_t *lists_store_inspections(db_conn *c, const struct lists_viewer *v, int64_t org_id, int *err)
{
    char today[11];
    lists_today_text(today);
    struct lists_qp q = {0};
    int tn = lists_qp_t(&q, today);
    dj_buf st = {0};
    lists_status_sql(&st, tn);
    dj_buf b = {0};
    dj_buf_printf(&b,
                  "SELECT n.id, n.org_id, o.name AS org_name, n.list_id, l.title AS list_title, n.on_date, n.title,"
                  " n.inspectors AS inspectors__json, n.summary, n.created_at,"
                  " (SELECT COUNT(*) FROM list_items i WHERE i.inspection_id = n.id) AS findings,"
                  " (SELECT COUNT(*) FROM list_items i WHERE i.inspection_id = n.id AND i.state = 'done') AS done,"
                  " (SELECT COUNT(*) FROM list_items i WHERE i.inspection_id = n.id AND (%s) = 'overdue') AS overdue"
                  " FROM inspections n JOIN orgs o ON o.id = n.org_id JOIN lists l ON l.id = n.list_id WHERE %s",
                  st.data, v->read_scope);
    dj_buf_free(&st);
    if (org_id)
        dj_buf_printf(&b, " AND n.org_id = $%d", lists_qp_i(&q, org_id));
    dj_buf_puts(&b, " ORDER BY n.on_date DESC, n.id DESC");
    json_t *rows = lists_qp_rows(c, dj_buf_cstr(&b), &q, err);
    dj_buf_free(&b);
    return rows;
}

int lists_store_inspection_create(db_conn *c, dj_req *r, const json_t *in, int64_t list_id, int64_t *id,
                                  json_t **item_ids)
{
    char now[21];
    lists_now_iso(now);
    int64_t org = dj_jint(in, "org_id", 0);
    json_t *insp = json_object_get(in, "inspectors");
    int rc = db_query_i64(c, id,
                          "INSERT INTO inspections (org_id, list_id, on_date, title, inspectors, summary, created_by,"
                          " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                          "iittjtIt", org, list_id, dj_jstr(in, "on_date", ""), dj_jstr(in, "title", ""), insp,
                          dj_jstr(in, "summary", NULL), r && r->user ? r->user->id : 0, now);
    if (rc == DJ_OK && r)
        rc = audit_write(c, r, "create", "inspection", *id, NULL, in);
    *item_ids = json_array();
    size_t k;
    json_t *f;
    json_array_foreach(json_object_get(in, "findings"), k, f) {
        if (rc)
            break;
        json_t *item = json_deep_copy(f);
        json_object_set_new(item, "org_id", json_integer(org));
        json_object_set_new(item, "source", json_string("inspection"));
        json_object_set_new(item, "inspection_id", json_integer(*id));
        if (!dj_jhas(item, "category"))
            json_object_set_new(item, "category", json_string("点穴式专项检查"));
        if (!dj_jhas(item, "start_on"))
            json_object_set_new(item, "start_on", json_string(dj_jstr(in, "on_date", "")));
        int64_t iid = 0;
        rc = lists_store_item_create(c, r, list_id, item, &iid);
        json_decref(item);
        if (rc == DJ_OK)
            json_array_append_new(*item_ids, json_integer(iid));
    }
    return rc;
}

/* ---------------------------------------------------------------- the report's rows */

/* the order of categories within a list: its categories array, then the rest */
struct cat_order {
    int64_t list_id;
    json_t *cats;
};

static int cat_index(const json_t *cats, const char *cat)
{
    size_t k;
    json_t *v;
    json_array_foreach(cats, k, v) if (json_is_string(v) && strcmp(json_string_value(v), cat) == 0) return (int)k;
    return 1 << 20;
}

struct ritem_sort {
    struct lists_ritem it;
    int catidx;
};

static int ritem_cmp(const void *a, const void *b)
{
    const struct ritem_sort *x = a, *y = b;
    if (x->it.list_id != y->it.list_id)
        return x->it.list_id < y->it.list_id ? -1 : 1;
    if (x->catidx != y->catidx)
        return x->catidx < y->catidx ? -1 : 1;
    int s = strcmp(x->it.category, y->it.category);
    if (s)
        return s;
    return x->it.seq - y->it.seq;
}

static lists_day day_of_iso(const char *iso)
{
    int64_t t;
    if (!iso || dj_time_parse(iso, &t) != DJ_OK)
        return -1;
    return lists_day_of(t);
}

int lists_store_report_items(db_conn *c, const struct lists_viewer *v, int64_t list_id, struct lists_ritem **items,
                             int *n, json_t **pool)
{
    struct lists_qp q = {0};
    dj_buf b = {0};
    dj_buf_puts(&b,
                "SELECT i.id, i.list_id, l.title AS list_title, l.categories AS list_categories, i.seq, i.title,"
                " i.category, o.name AS org_name, i.state, i.progress, i.start_on, i.due_on, i.submitted_on, i.created_at,"
                " i.verified_at, i.cancelled_at, i.cancel_reason,"
                " (SELECT u.body FROM list_item_updates u WHERE u.item_id = i.id AND u.kind IN ('progress', 'reject')"
                "  ORDER BY u.on_date DESC, u.id DESC LIMIT 1) AS latest_note,"
                " (SELECT u.on_date FROM list_item_updates u WHERE u.item_id = i.id AND u.kind IN ('progress', 'reject')"
                "  ORDER BY u.on_date DESC, u.id DESC LIMIT 1) AS latest_on"
                " FROM list_items i JOIN lists l ON l.id = i.list_id JOIN orgs o ON o.id = i.org_id WHERE 1=1");
    lists_sql_visibility(&b, v, &q);
    if (list_id)
        dj_buf_printf(&b, " AND i.list_id = $%d", lists_qp_i(&q, list_id));
    else
        dj_buf_puts(&b, " AND l.archived = 0");
    int err = 0;
    json_t *rows = lists_qp_rows(c, dj_buf_cstr(&b), &q, &err);
    dj_buf_free(&b);
    if (!rows)
        return err;
    /* owners of every item, in one pass */
    struct lists_qp q2 = {0};
    dj_buf ob = {0};
    dj_buf_puts(&ob, "SELECT p.item_id, pe.name FROM list_item_people p JOIN people pe ON pe.id = p.person_id"
                     " JOIN list_items i ON i.id = p.item_id WHERE p.role = 'lead'");
    if (list_id)
        dj_buf_printf(&ob, " AND i.list_id = $%d", lists_qp_i(&q2, list_id));
    dj_buf_puts(&ob, " ORDER BY p.item_id, p.person_id");
    json_t *own = lists_qp_rows(c, dj_buf_cstr(&ob), &q2, &err);
    dj_buf_free(&ob);
    if (!own) {
        json_decref(rows);
        return err;
    }
    json_t *names = json_object(); /* item id → "甲、乙" */
    size_t k;
    json_t *row;
    json_array_foreach(own, k, row) {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)dj_jint(row, "item_id", 0));
        const char *prev = dj_jstr(names, key, NULL);
        char *joined = prev ? dj_asprintf("%s、%s", prev, dj_jstr(row, "name", "")) : dj_strdup(dj_jstr(row, "name", ""));
        json_object_set_new(names, key, json_string(joined));
        free(joined);
    }
    json_decref(own);
    size_t cnt = json_array_size(rows);
    struct ritem_sort *tmp = dj_calloc(cnt + 1, sizeof *tmp);
    json_t *cats_cache = json_object();
    json_array_foreach(rows, k, row) {
        struct ritem_sort *s = &tmp[k];
        struct lists_ritem *it = &s->it;
        it->id = dj_jint(row, "id", 0);
        it->list_id = dj_jint(row, "list_id", 0);
        it->seq = (int)dj_jint(row, "seq", 0);
        it->list_title = dj_jstr(row, "list_title", "");
        it->title = dj_jstr(row, "title", "");
        it->category = dj_jstr(row, "category", "");
        it->group = list_id ? it->category : it->list_title;
        it->org_name = dj_jstr(row, "org_name", "");
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)it->id);
        it->owners = dj_jstr(names, key, "");
        int st = lists_state_parse(dj_jstr(row, "state", "not_started"));
        it->f.state = st < 0 ? LISTS_NOT_STARTED : (enum lists_state)st;
        it->f.progress = (int)dj_jint(row, "progress", 0);
        it->f.due = lists_day_parse(dj_jstr(row, "due_on", NULL));
        it->f.submitted = lists_day_parse(dj_jstr(row, "submitted_on", NULL));
        /* an item entered late for work that began earlier counts from its start; one
         * recorded early for work that starts later counts from when it was recorded */
        it->created = day_of_iso(dj_jstr(row, "created_at", NULL));
        lists_day start = lists_day_parse(dj_jstr(row, "start_on", NULL));
        if (start >= 0 && (it->created < 0 || start < it->created))
            it->created = start;
        it->verified = day_of_iso(dj_jstr(row, "verified_at", NULL));
        it->cancelled = day_of_iso(dj_jstr(row, "cancelled_at", NULL));
        it->latest_note = dj_jstr(row, "latest_note", NULL);
        it->latest_on = lists_day_parse(dj_jstr(row, "latest_on", NULL));
        if (it->f.state == LISTS_CANCELLED && !it->latest_note)
            it->latest_note = dj_jstr(row, "cancel_reason", NULL);
        /* the list's categories, parsed once per list */
        json_t *cats = json_object_get(cats_cache, it->list_title);
        if (!cats) {
            cats = json_loads(dj_jstr(row, "list_categories", "[]"), 0, NULL);
            if (!cats)
                cats = json_array();
            json_object_set_new(cats_cache, it->list_title, cats);
        }
        s->catidx = list_id ? cat_index(cats, it->category) : 0;
    }
    qsort(tmp, cnt, sizeof *tmp, ritem_cmp);
    struct lists_ritem *out = dj_calloc(cnt + 1, sizeof *out);
    for (size_t i = 0; i < cnt; i++)
        out[i] = tmp[i].it;
    free(tmp);
    json_decref(cats_cache);
    *items = out;
    *n = (int)cnt;
    *pool = json_pack("[o, o]", rows, names);
    return DJ_OK;
}

/* ---------------------------------------------------------------- small reads for the handlers */

json_t *lists_store_item_state(db_conn *c, int64_t id, int *err)
{
    return db_query_row(c, err, "SELECT state, progress, submitted_on FROM list_items WHERE id = $1", "i", id);
}

bool lists_store_inspection_exists(db_conn *c, int64_t id)
{
    int64_t one;
    return db_query_i64(c, &one, "SELECT 1 FROM inspections WHERE id = $1", "i", id) == DJ_OK;
}

int lists_store_rectification_for_year(db_conn *c, int year, int64_t *id)
{
    return db_query_i64(c, id,
                        "SELECT id FROM lists WHERE kind = 'rectification' AND archived = 0 AND (year = $1 OR year IS NULL)"
                        " ORDER BY year DESC, id LIMIT 1",
                        "i", (int64_t)year);
}

int lists_store_root_org(db_conn *c, int64_t org_id, int64_t *root)
{
    return db_query_i64(c, root,
                        "SELECT r.id FROM orgs o JOIN orgs r ON o.path >= r.path AND o.path < r.path || ':' WHERE o.id = $1"
                        " ORDER BY LENGTH(r.path) LIMIT 1",
                        "i", org_id);
}
