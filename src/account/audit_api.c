/* audit_api.c - reading and exporting the audit trail, for the 审计管理员
 * alone (audit.read).  The auditor's own reads and exports are audited too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/anchor.h"
#include "../core/audit.h"
#include "../core/csv.h"
#include "../core/err.h"
#include "../core/timeutil.h"
#include "account.h"

/* Normalises an ISO instant from the query to the stored UTC form. */
static int time_arg(dj_req *r, const char *name, char out[21])
{
    const char *v = dj_query(r, name);
    out[0] = '\0';
    if (!v || !*v)
        return DJ_OK;
    int64_t t;
    if (dj_time_parse(v, &t) != DJ_OK) {
        int y, m, d;
        if (dj_date_parse(v, &y, &m, &d) != DJ_OK)
            return dj_fail(r, DJ_EINVAL, name, "参数“%s”不是有效的时间，例如 2026-11-27 或 2026-11-27T09:00:00+08:00", name);
        t = dj_local_midnight(y, m, d) + (strcmp(name, "to") == 0 ? 86400 - 1 : 0);
    }
    dj_time_iso(t, out);
    return DJ_OK;
}

/* One statement for every filter combination: an empty filter matches all. */
#define AUDIT_WHERE                                                                                   \
    " FROM audit WHERE ($1 = '' OR login = $1) AND ($2 = '' OR action = $2)"                          \
    " AND ($3 = '' OR entity = $3) AND (CAST($4 AS BIGINT) = 0 OR entity_id = $4)"                                    \
    " AND ($5 = '' OR at >= $5) AND ($6 = '' OR at <= $6)"

static const char count_sql[] = "SELECT COUNT(*)" AUDIT_WHERE;
/* The cursor is the id the next page starts below: the trail grows while the
 * auditor pages through it (their own reads are records too), so an offset
 * would shift; an id does not. */
static const char list_sql[] = "SELECT id, at, user_id, login, action, entity, entity_id, before AS before__json,"
                               " after AS after__json, ip" AUDIT_WHERE " AND (CAST($8 AS BIGINT) = 0 OR id < $8)"
                               " ORDER BY id DESC LIMIT $7";

struct audit_filter {
    char from[21], to[21];
    int64_t entity_id;
    const char *login, *action, *entity;
};

static int parse_filter(dj_req *r, struct audit_filter *f)
{
    int rc;
    if ((rc = time_arg(r, "from", f->from)) || (rc = time_arg(r, "to", f->to)))
        return rc;
    if ((rc = dj_query_int(r, "entity_id", 0, 0, INT64_MAX, &f->entity_id)))
        return rc;
    f->login = dj_query(r, "login");
    f->action = dj_query(r, "action");
    f->entity = dj_query(r, "entity");
    f->login = f->login ? f->login : "";
    f->action = f->action ? f->action : "";
    f->entity = f->entity ? f->entity : "";
    return DJ_OK;
}

/* The auditor's own look at the trail, itself a record (who audits the auditor). */
static int note_read(dj_req *r, const char *action, const struct audit_filter *f, int64_t rows)
{
    json_t *what = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:I}", "login", f->login, "action", f->action, "entity",
                             f->entity, "entity_id", (json_int_t)f->entity_id, "from", f->from, "to", f->to, "rows",
                             (json_int_t)rows);
    int rc = audit_write(dj_db(r), r, action, "audit", 0, NULL, what);
    json_decref(what);
    return rc;
}

static int audit_list(dj_req *r)
{
    struct audit_filter f;
    int64_t limit, below;
    int rc = dj_query_int(r, "limit", 50, 1, 500, &limit);
    if (rc == DJ_OK && (rc = dj_query_int(r, "cursor", 0, 1, INT64_MAX, &below)))
        rc = dj_fail(r, DJ_EINVAL, "cursor", "参数“cursor”无效，请使用上一页返回的 next 值");
    if (rc || (rc = parse_filter(r, &f)))
        return rc;
    db_conn *c = dj_db(r);
    int64_t total = 0;
    rc = db_query_i64(c, &total, count_sql, "tttitt", f.login, f.action, f.entity, f.entity_id, f.from, f.to);
    if (rc)
        return rc;
    json_t *items = db_query_rows(c, &rc, list_sql, "tttittii", f.login, f.action, f.entity, f.entity_id, f.from,
                                  f.to, limit, below);
    if (!items)
        return rc;
    size_t n = json_array_size(items);
    if ((rc = note_read(r, "read", &f, (int64_t)n))) {
        json_decref(items);
        return rc;
    }
    json_t *next = json_null();
    if ((int64_t)n == limit) {
        char buf[24];
        snprintf(buf, sizeof buf, "%lld", (long long)dj_jint(json_array_get(items, n - 1), "id", 0));
        next = json_string(buf);
    }
    return dj_reply_json(r, 200, json_pack("{s:o, s:I, s:o}", "items", items, "total", (json_int_t)total, "next", next));
}

#define EXPORT_MAX 200000

/* The filtered trail as CSV (UTF-8 with BOM, as Excel and WPS open it). */
static int audit_export(dj_req *r)
{
    struct audit_filter f;
    int rc = parse_filter(r, &f);
    if (rc)
        return rc;
    db_conn *c = dj_db(r);
    db_stmt *s = db_prep(c, list_sql);
    if (!s)
        return DJ_EDB;
    db_bind(s, "tttittii", f.login, f.action, f.entity, f.entity_id, f.from, f.to, (int64_t)EXPORT_MAX, (int64_t)0);
    static const char *const heads[] = {"编号", "时间", "账号编号", "账号", "操作", "对象", "对象编号", "修改前", "修改后",
                                        "来源地址", NULL};
    dj_buf b = {0};
    dj_buf_puts(&b, "\xEF\xBB\xBF");
    for (int i = 0; heads[i]; i++) {
        if (i)
            dj_buf_puts(&b, ",");
        dj_csv_put(&b, heads[i]);
    }
    dj_buf_puts(&b, "\r\n");
    int64_t rows = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        for (int i = 0; i < 10; i++) {
            if (i)
                dj_buf_puts(&b, ",");
            dj_csv_put(&b, db_col_text(s, i));
        }
        dj_buf_puts(&b, "\r\n");
        rows++;
    }
    db_done(s);
    if (rc != DB_DONE || (rc = note_read(r, "export", &f, rows)) != DJ_OK) {
        dj_buf_free(&b);
        return rc == DB_DONE ? DJ_EDB : rc;
    }
    dj_add_header(r, "Content-Disposition",
                  "attachment; filename=\"audit.csv\"; filename*=UTF-8''%E5%AE%A1%E8%AE%A1%E6%97%A5%E5%BF%97.csv");
    return dj_reply_heap(r, 200, "text/csv; charset=utf-8", b.data, b.len);
}

/* The auditor's copy of the checkpoints: everything is sealed and a fresh
 * checkpoint written first, so the file ends with today's heads.  Kept outside
 * the database, it lets `dangjian verify --checkpoints FILE` notice rows cut
 * off the end of a chain together with their seals. */
static int checkpoints_export(dj_req *r)
{
    const unsigned char *key = dj_anchor_key();
    if (!key)
        return dj_fail_code(r, DJ_EUNPROCESSABLE, "no_key", NULL,
                            "服务器未配置防篡改密钥（serve --key-file），无法生成检查点");
    db_conn *c = dj_db(r);
    char since[21];
    dj_time_iso(dj_now() - 86400, since);
    dj_anchor_seal(c, key, since, NULL); /* another server may be sealing: what it sealed counts too */
    int64_t id = 0;
    int rc = dj_anchor_checkpoint(c, key, &id);
    json_t *list = rc == DJ_OK ? dj_anchor_checkpoints(c, &rc) : NULL;
    if (!list)
        return rc;
    char now[21];
    dj_time_iso(dj_now(), now);
    json_t *file = json_pack("{s:s, s:i, s:s, s:o}", "kind", "dangjian-checkpoints", "version", 1, "exported_at", now,
                             "checkpoints", list);
    json_t *what = json_pack("{s:I, s:I}", "checkpoint", (json_int_t)id, "count", (json_int_t)json_array_size(list));
    rc = audit_write(c, r, "export", "checkpoints", id, NULL, what);
    json_decref(what);
    if (rc != DJ_OK) {
        json_decref(file);
        return rc;
    }
    dj_add_header(r, "Content-Disposition",
                  dj_arena_printf(r->arena, "attachment; filename=\"dangjian-checkpoints-%.10s.json\"", now));
    return dj_reply_json(r, 200, file);
}

const struct dj_route audit_routes[] = {
    {"GET", "/api/v1/audit/checkpoints", checkpoints_export, "audit.read", 0, 0},
    {"GET", "/api/v1/audit", audit_list, "audit.read", 0, 0},
    {"GET", "/api/v1/audit/export", audit_export, "audit.read", 0, 0},
    {0},
};
