/* lists_report_api.c - handlers of the quarterly report (page, XLSX, PDF; one
 * list or all of them), the CSV import (dry run, then all-or-nothing commit)
 * and the inspections (点穴式专项检查) whose findings become rectification items. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/download.h"
#include "../core/err.h"
#include "../core/scope.h"
#include "../core/json.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "../core/csv.h"
#include "lists.h"
#include "lists_api.h"

/* ---------------------------------------------------------------- the report */

struct report_job {
    struct lists_report rep;
    struct lists_report_doc doc;
    struct lists_ritem *items;
    json_t *pool;
    char *agency;
    int format; /* 1 xlsx, 2 pdf */
    void *out;
    size_t len;
    char filename[64];  /* ASCII, for the few clients that cannot read the other */
    char *name;         /* 模范机关创建工作清单-2026年第四季度.pdf (arena) */
};

/* Frees what the job holds on the heap; safe to call twice (dj_on_done runs it
 * however the request ends, also when the client left while rendering). */
static void report_job_free(void *arg)
{
    struct report_job *j = arg;
    lists_report_free(&j->rep);
    free(j->items);
    json_decref(j->pool);
    free(j->agency);
    free(j->out);
    j->items = NULL;
    j->pool = NULL;
    j->agency = NULL;
    j->out = NULL;
}

static void report_work(void *arg)
{
    struct report_job *j = arg;
    j->out = j->format == 1 ? lists_report_xlsx(&j->doc, &j->len) : lists_report_pdf(&j->doc, &j->len);
}

static int report_cont(dj_req *r)
{
    struct report_job *j = r->work_arg;
    void *out = j->out;
    j->out = NULL; /* the answer owns it now */
    report_job_free(j);
    if (!out)
        return dj_fail(r, DJ_EINTERNAL, NULL, "报表文件生成失败，请稍后再试");
    dj_attachment(r, j->filename, j->name);
    return dj_reply_heap(r, 200,
                         j->format == 1 ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                                        : "application/pdf",
                         out, j->len);
}

static int report(dj_req *r, int64_t list_id, const char *list_title)
{
    const char *qs = dj_query(r, "quarter");
    int year, q;
    lists_day today = lists_today();
    if (qs && *qs) {
        if (lists_quarter_parse(qs, &year, &q))
            return dj_fail(r, DJ_EINVAL, "quarter", "季度应写成 2026-Q3 的形式");
    } else {
        lists_quarter_of(today, &year, &q);
    }
    const char *fmt = dj_query(r, "format");
    int format = !fmt || !*fmt || strcmp(fmt, "json") == 0 ? 0 : strcmp(fmt, "xlsx") == 0 ? 1 : strcmp(fmt, "pdf") == 0 ? 2 : -1;
    if (format < 0)
        return dj_fail(r, DJ_EINVAL, "format", "格式应为 json、xlsx 或 pdf");
    struct lists_viewer v;
    lists_viewer_of(r, &v);
    struct report_job *j = dj_arena_alloc(r->arena, sizeof *j);
    memset(j, 0, sizeof *j);
    int n = 0;
    int rc = lists_store_report_items(dj_db(r), &v, list_id, &j->items, &n, &j->pool);
    if (rc)
        return rc;
    lists_report_compute(&j->rep, j->items, n, year, q, today);
    j->agency = lists_agency_name(dj_db(r));
    j->doc.agency = j->agency;
    char *title = lists_report_title(list_id ? list_title : NULL, year, q);
    j->doc.title = dj_arena_strdup(r->arena, title);
    free(title);
    j->doc.rep = &j->rep;
    j->doc.items = j->items;
    j->doc.nitems = n;
    j->doc.all_lists = list_id == 0;
    j->format = format;
    if (format == 0) {
        json_t *out = lists_report_json(&j->doc);
        if (list_id)
            json_object_set_new(out, "list_id", json_integer(list_id));
        report_job_free(j);
        return dj_reply_json(r, 200, out);
    }
    if (list_id)
        snprintf(j->filename, sizeof j->filename, "list-%lld-%04d-Q%d.%s", (long long)list_id, year, q,
                 format == 1 ? "xlsx" : "pdf");
    else
        snprintf(j->filename, sizeof j->filename, "lists-%04d-Q%d.%s", year, q, format == 1 ? "xlsx" : "pdf");
    static const char *const quarters[] = {"", "第一季度", "第二季度", "第三季度", "第四季度"};
    /* "2026年模范机关创建工作清单" for 2026 reads as 模范机关创建工作清单-2026年第四季度 */
    char ylead[16];
    snprintf(ylead, sizeof ylead, "%d年", year);
    const char *base = list_id ? list_title : "工作清单季度汇总";
    if (strncmp(base, ylead, strlen(ylead)) == 0 && base[strlen(ylead)])
        base += strlen(ylead);
    j->name = dj_arena_printf(r->arena, "%s-%d年%s.%s", base, year,
                              quarters[q >= 1 && q <= 4 ? q : 1], format == 1 ? "xlsx" : "pdf");
    dj_on_done(r, report_job_free, j);
    rc = dj_defer(r, report_work, j, report_cont);
    if (rc == DJ_EBUSY)
        dj_fail(r, DJ_EBUSY, NULL, "报表生成任务较多，请稍后再试");
    return rc;
}

int lists_report_one(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    json_t *l;
    if ((rc = lists_load_visible(r, id, &l)))
        return rc;
    char *title = dj_arena_strdup(r->arena, dj_jstr(l, "title", ""));
    json_decref(l);
    return report(r, id, title);
}

int lists_report_all(dj_req *r)
{
    return report(r, 0, NULL);
}

/* ---------------------------------------------------------------- the import */

int lists_import(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    int64_t dry = 1;
    if ((rc = dj_query_int(r, "dry_run", 1, 0, 1, &dry)))
        return rc;
    json_t *l;
    if ((rc = lists_load_visible(r, id, &l)))
        return rc;
    bool can = lists_can_write(r, l);
    json_decref(l);
    if (!can)
        return dj_fail(r, DJ_EFORBIDDEN, NULL, "没有权限向该清单导入事项");
    const char *ct = dj_header(r, "Content-Type");
    if (!ct || (strncasecmp(ct, "text/csv", 8) != 0 && strncasecmp(ct, "text/plain", 10) != 0 &&
                strncasecmp(ct, "application/octet-stream", 24) != 0))
        return dj_fail(r, DJ_EMEDIA, NULL, "请以 text/csv 格式上传表格（在 Excel 中“另存为 CSV”）");
    const char *cs = ct ? strcasestr(ct, "charset=") : NULL;
    char charset[32] = "";
    if (cs) {
        cs += 8;
        size_t n = strcspn(cs, "; ");
        if (n < sizeof charset) {
            memcpy(charset, cs, n);
            charset[n] = '\0';
        }
    }
    size_t len = 0;
    char *text = NULL;
    const char *encoding;
    if (dj_text_to_utf8(r->body ? r->body : "", r->body_len, *charset ? charset : NULL, &text, &len, &encoding))
        return dj_fail(r, DJ_EINVAL, "body", "无法识别文件编码：请保存为 UTF-8 或 GBK 编码的 CSV");
    db_conn *c = dj_db(r);
    struct lists_import imp;
    if (!dry && (rc = db_begin(c))) {
        free(text);
        return rc;
    }
    rc = lists_import_parse(c, id, text, len, &imp);
    free(text);
    /* the people and organisations the rows name are ids in a body too: each within the caller's reach */
    size_t k;
    json_t *it;
    json_array_foreach(imp.items, k, it) {
        if (rc != DJ_OK)
            break;
        if ((rc = dj_scope_body(r, lists_item_new_spec, it)) != DJ_OK)
            dj_fail_code(r, rc, r->err_code, r->err_field, "表格第 %zu 个事项：%s", k + 1, r->err_message);
    }
    if (rc && !dry)
        db_rollback(c);
    size_t nerr = imp.errors ? json_array_size(imp.errors) : 0;
    int64_t imported = 0;
    if (!dry && rc == DJ_OK) {
        json_array_foreach(imp.items, k, it) {
            if (rc || nerr)
                break;
            int64_t iid;
            rc = lists_store_item_create(c, r, id, it, &iid);
            imported++;
        }
        if (rc == DJ_OK && !nerr) {
            json_t *after = json_pack("{s:i, s:I}", "rows", imp.rows, "imported", (json_int_t)imported);
            rc = audit_write(c, r, "import", "list", id, NULL, after);
            json_decref(after);
        }
        if (rc == DJ_OK && !nerr)
            rc = db_commit(c);
        else
            db_rollback(c), imported = 0;
    }
    if (rc) {
        lists_import_free(&imp);
        return rc;
    }
    json_t *out = json_pack("{s:i, s:O, s:b, s:I}", "rows", imp.rows, "errors", imp.errors, "dry_run", dry == 1,
                            "imported", (json_int_t)imported);
    lists_import_free(&imp);
    if (!dry && nerr) {
        json_object_set_new(out, "error",
                            json_pack("{s:s, s:s, s:n}", "code", "import_invalid", "message",
                                      "表格中有错误，未导入任何事项；请按 errors 逐条修改后重新导入", "field"));
        return dj_reply_json(r, 422, out);
    }
    return dj_reply_json(r, 200, out);
}

/* ---------------------------------------------------------------- inspections */

int inspections_list(dj_req *r)
{
    int64_t org = 0;
    int rc = dj_query_ref(r, "org_id", "org", "list.read", &org);
    if (rc)
        return rc;
    struct lists_viewer v;
    lists_viewer_of(r, &v);
    int err = 0;
    json_t *rows = lists_store_inspections(dj_db(r), &v, org, &err);
    if (!rows)
        return err;
    struct dj_page pg = {.limit = 500, .offset = 0};
    return dj_reply_json(r, 200, dj_page_result(&pg, rows, (int64_t)json_array_size(rows)));
}

int inspection_get(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    struct lists_viewer v;
    lists_viewer_of(r, &v);
    int err = 0;
    json_t *rows = lists_store_inspections(dj_db(r), &v, 0, &err);
    if (!rows)
        return err;
    json_t *found = NULL;
    size_t k;
    json_t *x;
    json_array_foreach(rows, k, x) if (dj_jint(x, "id", 0) == id) found = json_incref(x);
    json_decref(rows);
    if (!found) {
        if (lists_store_inspection_exists(dj_db(r), id))
            return dj_fail(r, DJ_EFORBIDDEN, NULL, "没有权限查看该检查记录");
        return dj_fail(r, DJ_ENOTFOUND, "id", "找不到该检查记录");
    }
    struct lists_item_filter f = {.status = -1, .due_within = -1, .inspection_id = id};
    int64_t total = 0;
    json_t *items = lists_store_items(dj_db(r), &v, &f, 500, 0, &total, &err);
    if (!items) {
        json_decref(found);
        return err;
    }
    json_object_set_new(found, "items", items);
    return dj_reply_json(r, 200, found);
}

/* The rectification list the findings go to: the one named, or this year's
 * open one kept by the agency, made when there is none. */
static int rectification_list(dj_req *r, const json_t *in, int64_t *list_id)
{
    db_conn *c = dj_db(r);
    int64_t id = dj_jint(in, "list_id", 0);
    int err = 0;
    if (id) {
        json_t *l = lists_store_list_get(c, id, &err);
        if (!l)
            return err == DJ_ENOTFOUND ? dj_fail(r, DJ_EINVAL, "list_id", "找不到该整改清单") : err;
        bool ok = strcmp(dj_jstr(l, "kind", ""), "rectification") == 0;
        bool can = lists_can_write(r, l);
        json_decref(l);
        if (!ok)
            return dj_fail(r, DJ_EINVAL, "list_id", "检查发现的问题只能列入整改清单");
        if (!can)
            return dj_fail(r, DJ_EFORBIDDEN, "list_id", "没有权限向该整改清单添加事项");
        *list_id = id;
        return DJ_OK;
    }
    int y, m, d;
    dj_date_parse(dj_jstr(in, "on_date", ""), &y, &m, &d);
    if (lists_store_rectification_for_year(c, y, &id) == DJ_OK) {
        *list_id = id;
        return DJ_OK;
    }
    /* the keeper: the top of the inspected org's tree */
    int64_t root = 0;
    int rc = lists_store_root_org(c, dj_jint(in, "org_id", 0), &root);
    if (rc)
        return rc;
    char title[64];
    snprintf(title, sizeof title, "%d年整改清单", y);
    json_t *spec = json_pack("{s:s, s:s, s:i, s:s, s:[s,s,s,s]}", "kind", "rectification", "title", title, "year", y,
                             "description", "点穴式专项检查、上级反馈和专项整治发现问题的整改清单", "categories",
                             "点穴式专项检查", "上级反馈", "专项整治", "自查自纠");
    rc = lists_store_list_create(c, r, spec, root, list_id);
    json_decref(spec);
    return rc;
}

int inspection_create(dj_req *r)
{
    static const struct dj_jfield finding_spec[] = {
        {"title", "问题", DJ_J_STR, DJ_J_REQ, 1, 200, NULL},
        {"description", "整改要求", DJ_J_STR, DJ_J_NULL, 0, 4000, NULL},
        {"category", "类别", DJ_J_STR, 0, 1, 50, NULL},
        {"source_detail", "问题类型", DJ_J_STR, DJ_J_NULL, 0, 200, NULL},
        {"due_on", "整改时限", DJ_J_DATE, DJ_J_REQ, 0, 0, NULL},
        {"owners", "整改责任人", DJ_J_IDS, 0, 0, 50, NULL, DJ_SCOPE("person", "list.read")},
        {NULL},
    };
    static const struct dj_jfield spec[] = {
        {"org_id", "被检查支部", DJ_J_ID, DJ_J_REQ, DJ_SCOPE("org", "inspection.write")},
        {"on_date", "检查日期", DJ_J_DATE, DJ_J_REQ, 0, 0, NULL},
        {"title", "检查名称", DJ_J_STR, DJ_J_REQ, 1, 100, NULL},
        {"inspectors", "检查人员", DJ_J_ARR, DJ_J_REQ, 0, 0, NULL},
        {"summary", "检查情况", DJ_J_STR, DJ_J_NULL, 0, 4000, NULL},
        {"list_id", "整改清单", DJ_J_ID, 0, DJ_SCOPE("list", "list.read")},
        {"findings", "发现问题", DJ_J_ARR, DJ_J_REQ, 0, 0, NULL, finding_spec},
        {NULL},
    };
    json_t *in;
    int rc = dj_body_json(r, spec, &in);
    if (rc)
        return rc;
    db_conn *c = dj_db(r);
    int64_t org = dj_jint(in, "org_id", 0);
    if ((rc = auth_require(r, "inspection.write", org)))
        goto out;
    if (lists_blank(dj_jstr(in, "title", ""))) {
        rc = dj_fail(r, DJ_EINVAL, "title", "检查名称不能为空");
        goto out;
    }
    json_t *insp = json_object_get(in, "inspectors");
    size_t k;
    json_t *v;
    if (json_array_size(insp) == 0 || json_array_size(insp) > 20) {
        rc = dj_fail(r, DJ_EINVAL, "inspectors", "请填写检查人员（1 至 20 人）");
        goto out;
    }
    json_array_foreach(insp, k, v) if (!json_is_string(v) || lists_blank(json_string_value(v)) ||
                                       dj_utf8_len(json_string_value(v)) > 50) {
        rc = dj_fail(r, DJ_EINVAL, "inspectors", "检查人员应为姓名的列表，每个不超过 50 字");
        goto out;
    }
    json_t *findings = json_object_get(in, "findings");
    if (json_array_size(findings) == 0 || json_array_size(findings) > 100) {
        rc = dj_fail(r, DJ_EINVAL, "findings", "请填写发现的问题（1 至 100 条）");
        goto out;
    }
    lists_day on = lists_day_parse(dj_jstr(in, "on_date", ""));
    if (on > lists_today()) {
        rc = dj_fail(r, DJ_EINVAL, "on_date", "检查日期不能晚于今天");
        goto out;
    }
    json_array_foreach(findings, k, v) {
        struct dj_jerr e;
        if (!json_is_object(v) || dj_json_validate(v, finding_spec, &e)) {
            rc = dj_fail(r, DJ_EINVAL, "findings", "第 %zu 条问题：%s", k + 1,
                         json_is_object(v) ? e.message : "应为一个对象");
            goto out;
        }
        if (lists_blank(dj_jstr(v, "title", ""))) {
            rc = dj_fail(r, DJ_EINVAL, "findings", "第 %zu 条问题：问题不能为空", k + 1);
            goto out;
        }
        if (lists_day_parse(dj_jstr(v, "due_on", "")) < on) {
            rc = dj_fail(r, DJ_EINVAL, "findings", "第 %zu 条问题：整改时限不能早于检查日期", k + 1);
            goto out;
        }
        const char *field = NULL;
        char msg[200];
        rc = lists_store_item_check(c, v, &field, msg, sizeof msg);
        if (rc == DJ_EINVAL) {
            rc = dj_fail(r, rc, "findings", "第 %zu 条问题：%s", k + 1, msg);
            goto out;
        }
        if (rc)
            goto out;
    }
    if ((rc = db_begin(c)))
        goto out;
    int64_t list_id = 0, id = 0;
    json_t *ids = NULL;
    rc = rectification_list(r, in, &list_id);
    if (rc == DJ_OK)
        rc = lists_store_inspection_create(c, r, in, list_id, &id, &ids);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if (rc == DJ_OK)
        rc = dj_reply_json(r, 201, json_pack("{s:I, s:I, s:O}", "id", (json_int_t)id, "list_id", (json_int_t)list_id,
                                             "items", ids));
    json_decref(ids);
out:
    json_decref(in);
    return rc;
}
