/* dues_api_office.c - HTTP handlers of dues for the branch and committee
 * offices: the branches one may keep, the monthly sheet (JSON, XLSX and a
 * printable PDF 党费收缴明细表), arrears, the committee's collection and
 * remittance summary, the payroll import, 少交/免交 and remittance (上缴). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/csv.h"
#include "../core/err.h"
#include "../core/json.h"
#include "../core/timeutil.h"
#include "dues.h"
#include "dues_api.h"

/* ---------------------------------------------------------------- branches */

int dues_h_branches(dj_req *r)
{
    json_t *items = json_array();
    int rc = DJ_OK;
    /* the organisations under each grant with dues.read, once each */
    for (int i = 0; rc == DJ_OK && r->user && i < r->user->ngrants; i++) {
        const struct dj_grant *g = &r->user->grants[i];
        if (!auth_role_has(g->role, "dues.read"))
            continue;
        json_t *rows = dues_branches_under(dj_db(r), g->org_path, &rc);
        size_t k;
        json_t *b;
        json_array_foreach(rows, k, b) {
            bool seen = false;
            size_t j;
            json_t *x;
            json_array_foreach(items, j, x) seen = seen || dj_jint(x, "id", 0) == dj_jint(b, "id", 0);
            if (!seen) {
                json_object_del(b, "path");
                json_array_append(items, b);
            }
        }
        json_decref(rows);
        /* the granted org itself, when it is a committee above branches (the summary's level) */
        json_t *o = dues_org_get(dj_db(r), g->org_id, &rc);
        if (o && strcmp(dj_jstr(o, "kind", ""), "committee") == 0) {
            bool seen = false;
            size_t j;
            json_t *x;
            json_array_foreach(items, j, x) seen = seen || dj_jint(x, "id", 0) == g->org_id;
            if (!seen) {
                json_object_del(o, "path");
                json_object_del(o, "parent_id");
                json_array_insert(items, 0, o);
            }
        }
        json_decref(o);
    }
    if (rc) {
        json_decref(items);
        return rc;
    }
    return dj_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ---------------------------------------------------------------- the monthly sheet */

struct sheet_job {
    json_t *sheet;
    int format; /* 1 xlsx, 2 pdf */
    void *out;
    size_t len;
    char *disposition;
};

static void sheet_job_free(void *arg)
{
    struct sheet_job *j = arg;
    json_decref(j->sheet);
    free(j->out);
    free(j->disposition);
    j->sheet = NULL;
    j->out = NULL;
    j->disposition = NULL;
}

static void sheet_work(void *arg)
{
    struct sheet_job *j = arg;
    j->out = j->format == 1 ? dues_sheet_xlsx(j->sheet, &j->len) : dues_sheet_pdf(j->sheet, &j->len);
}

static int sheet_cont(dj_req *r)
{
    struct sheet_job *j = r->work_arg;
    void *out = j->out;
    j->out = NULL;
    if (!out)
        return dj_fail(r, DJ_EINTERNAL, NULL, "党费收缴明细表生成失败，请稍后再试");
    dj_add_header(r, "Content-Disposition", dj_arena_strdup(r->arena, j->disposition));
    return dj_reply_heap(r, 200,
                         j->format == 1 ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                                        : "application/pdf",
                         out, j->len);
}

int dues_h_sheet(dj_req *r)
{
    json_t *org;
    int year, rc = dues_org_param(r, "dues.read", &org);
    if (rc)
        return rc;
    const char *fmt = dj_query(r, "format");
    int format = !fmt || !*fmt || strcmp(fmt, "json") == 0 ? 0 : strcmp(fmt, "xlsx") == 0 ? 1
                                                          : strcmp(fmt, "pdf") == 0    ? 2
                                                                                       : -1;
    if (format < 0)
        rc = dj_fail(r, DJ_EINVAL, "format", "格式应为 json、xlsx 或 pdf");
    if (rc || (rc = dues_year_param(r, &year)))
        goto out;
    int err = 0;
    json_t *sheet = dues_sheet(dj_db(r), dj_jint(org, "id", 0), year, &err);
    if (!sheet) {
        rc = err;
        goto out;
    }
    if (format == 0) {
        rc = dj_reply_json(r, 200, sheet);
        goto out;
    }
    struct sheet_job *j = dj_arena_alloc(r->arena, sizeof *j);
    memset(j, 0, sizeof *j);
    j->sheet = sheet;
    j->format = format;
    /* 党费收缴明细表 in the UTF-8 name; an ASCII one for old clients */
    j->disposition = dj_asprintf("attachment; filename=\"dues-%lld-%d.%s\"; filename*=UTF-8''"
                                 "%%E5%%85%%9A%%E8%%B4%%B9%%E6%%94%%B6%%E7%%BC%%B4%%E6%%98%%8E%%E7%%BB%%86%%E8%%A1%%A8"
                                 "-%d.%s",
                                 (long long)dj_jint(org, "id", 0), year, format == 1 ? "xlsx" : "pdf", year,
                                 format == 1 ? "xlsx" : "pdf");
    dj_on_done(r, sheet_job_free, j);
    rc = dj_defer(r, sheet_work, j, sheet_cont);
    if (rc == DJ_EBUSY)
        dj_fail(r, DJ_EBUSY, NULL, "报表生成任务较多，请稍后再试");
out:
    json_decref(org);
    return rc;
}

/* ---------------------------------------------------------------- arrears and the summary */

int dues_h_arrears(dj_req *r)
{
    json_t *org;
    int rc = dues_org_param(r, "dues.read", &org);
    if (rc)
        return rc;
    int err = 0;
    json_t *a = dues_arrears(dj_db(r), dj_jstr(org, "path", "/"), &err);
    if (a)
        json_object_set_new(a, "org", json_pack("{s:O, s:O}", "id", json_object_get(org, "id"), "name",
                                                json_object_get(org, "name")));
    json_decref(org);
    return a ? dj_reply_json(r, 200, a) : err;
}

int dues_h_summary(dj_req *r)
{
    json_t *org;
    int year, rc = dues_org_param(r, "dues.read", &org);
    if (rc)
        return rc;
    if ((rc = dues_year_param(r, &year)) == DJ_OK) {
        int err = 0;
        json_t *s = dues_summary(dj_db(r), dj_jint(org, "id", 0), year, &err);
        rc = s ? dj_reply_json(r, 200, s) : err;
    }
    json_decref(org);
    return rc;
}

/* ---------------------------------------------------------------- the payroll import */

/* What the import's query and headers say: the month, the payroll day, dry run,
 * and the file as UTF-8 text (*text on the heap). 4xx naming the field when bad. */
struct import_req {
    dues_month month;
    int64_t dry;
    char paid_on[16];
    char *text;
    size_t len;
    const char *encoding;
};

static int import_request(dj_req *r, struct import_req *q)
{
    const char *ms = dj_query(r, "month"), *paid_on = dj_query(r, "paid_on");
    char today[16];
    int y, m, d;
    dj_local_date(dj_now(), &y, &m, &d);
    snprintf(today, sizeof today, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    int rc = dj_query_int(r, "dry_run", 1, 0, 1, &q->dry);
    if (rc)
        return rc;
    if (!ms || dues_month_parse(ms, &q->month) != DJ_OK)
        return dj_fail(r, DJ_EINVAL, "month", "请指明代扣的月份，写成 2026-03 的形式");
    if (q->month > dues_month_at(dj_now()))
        return dj_fail(r, DJ_EINVAL, "month", "代扣月份不能晚于本月");
    if (paid_on && (dj_date_parse(paid_on, &y, &m, &d) != DJ_OK || strcmp(paid_on, today) > 0))
        return dj_fail(r, DJ_EINVAL, "paid_on", "代扣日期应为不晚于今天的日期，写成 2026-03-15 的形式");
    /* the payroll day: as given, else today, but not after the month's last day */
    int64_t ld = dues_month_last_day(q->month);
    dj_civil_from_days(ld, &y, &m, &d);
    char last[16];
    snprintf(last, sizeof last, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    snprintf(q->paid_on, sizeof q->paid_on, "%s", paid_on ? paid_on : strcmp(today, last) < 0 ? today : last);
    const char *ct = dj_header(r, "Content-Type");
    if (!ct || (strncasecmp(ct, "text/csv", 8) != 0 && strncasecmp(ct, "text/plain", 10) != 0 &&
                strncasecmp(ct, "application/octet-stream", 24) != 0))
        return dj_fail(r, DJ_EMEDIA, NULL, "请以 text/csv 上传代扣文件（Excel 文件在页面中选择即可，会先转换）");
    if (r->body_len == 0)
        return dj_fail(r, DJ_EINVAL, "file", "文件为空");
    const char *cs = strcasestr(ct, "charset=");
    char charset[32] = "";
    if (cs) {
        cs += 8;
        size_t n = strcspn(cs, "; ");
        if (n < sizeof charset) {
            memcpy(charset, cs, n);
            charset[n] = '\0';
        }
    }
    if (dj_text_to_utf8(r->body, r->body_len, *charset ? charset : NULL, &q->text, &q->len, &q->encoding))
        return dj_fail(r, DJ_EINVAL, "file", "无法识别文件编码：请保存为 UTF-8 或 GBK 编码的 CSV");
    return DJ_OK;
}

/* Runs the import in a transaction that only a commit without errors keeps. */
static int import_run(dj_req *r, const json_t *org, struct import_req *q, json_t **res)
{
    /* the file is known by its text, so the same sheet in either encoding is one file */
    unsigned char h[crypto_hash_sha256_BYTES];
    char sha[65];
    crypto_hash_sha256(h, (const unsigned char *)q->text, q->len);
    sodium_bin2hex(sha, sizeof sha, h, sizeof h);
    struct dues_actor a = dues_actor_of(r);
    struct dues_import_opts o = {
        .org_id = dj_jint(org, "id", 0), .org_path = dj_jstr(org, "path", "/"), .month = q->month,
        .dry_run = q->dry, .paid_on = q->paid_on, .actor = &a,
    };
    db_conn *c = dj_db(r);
    int rc = db_begin(c);
    if (rc)
        return rc;
    *res = NULL;
    rc = dues_import(c, &o, q->text, q->len, sha, res);
    bool bad = *res && json_array_size(json_object_get(*res, "errors")) > 0;
    if (rc == DJ_OK && !q->dry && !bad && dj_jint(*res, "recorded", 0) > 0) {
        json_t *after = json_pack("{s:O, s:O, s:O, s:O, s:s, s:s}", "month", json_object_get(*res, "month"), "rows",
                                  json_object_get(*res, "rows"), "recorded", json_object_get(*res, "recorded"),
                                  "total_fen", json_object_get(*res, "total_fen"), "sha256", sha, "encoding",
                                  q->encoding ? q->encoding : "");
        rc = audit_write(c, r, "import", "dues_import", dj_jint(*res, "import_id", 0), NULL, after);
        json_decref(after);
    }
    if (q->dry || rc || bad)
        db_rollback(c); /* a dry run writes nothing */
    else
        rc = db_commit(c);
    if (rc) {
        json_decref(*res);
        *res = NULL;
    }
    return rc;
}

int dues_h_import(dj_req *r)
{
    json_t *org, *res = NULL;
    int rc = dues_org_param(r, "dues.write", &org);
    if (rc)
        return rc;
    struct import_req q = {0};
    if ((rc = import_request(r, &q)) || (rc = import_run(r, org, &q, &res)))
        goto out;
    json_object_set_new(res, "dry_run", json_boolean(q.dry));
    json_object_set_new(res, "encoding", json_string(q.encoding ? q.encoding : ""));
    if (json_array_size(json_object_get(res, "errors")) > 0 && !q.dry) {
        json_object_set_new(res, "error", json_pack("{s:s, s:s, s:n}", "code", "unprocessable", "message",
                                                    "代扣文件有错误，未登记任何交纳；请按错误列表修改后重试", "field"));
        rc = dj_reply_json(r, 422, res);
    } else {
        rc = dj_reply_json(r, 200, res);
    }
out:
    free(q.text);
    json_decref(org);
    return rc;
}

/* ---------------------------------------------------------------- 少交/免交 */

int dues_h_reductions(dj_req *r)
{
    json_t *org;
    int rc = dues_org_param(r, "dues.read", &org);
    if (rc)
        return rc;
    const char *st = dj_query(r, "status");
    if (st && *st && strcmp(st, "pending") && strcmp(st, "approved") && strcmp(st, "rejected")) {
        json_decref(org);
        return dj_fail(r, DJ_EINVAL, "status", "状态应为 pending、approved 或 rejected");
    }
    int err = 0;
    json_t *rows = dues_reductions_list(dj_db(r), dj_jstr(org, "path", "/"), st, &err);
    json_decref(org);
    return rows ? dj_reply_json(r, 200, json_pack("{s:o}", "items", rows)) : err;
}

int dues_h_reduction_add(dj_req *r)
{
    static const char *const kinds[] = {"reduce", "waive", NULL};
    static const struct dj_jfield spec[] = {
        {"person_id", "党员", DJ_J_ID, DJ_J_REQ, 0, 0, NULL, DJ_SCOPE("person", "dues.write")},
        {"kind", "类型", DJ_J_STR, DJ_J_REQ, 1, 8, kinds},
        {"from_month", "起始月份", DJ_J_STR, DJ_J_REQ, 7, 7, NULL},
        {"to_month", "截止月份", DJ_J_STR, DJ_J_REQ, 7, 7, NULL},
        {"amount_fen", "每月交纳金额", DJ_J_INT, DJ_J_NULL, 0, 100000000, NULL},
        {"reason", "原因", DJ_J_STR, DJ_J_REQ, 2, 500, NULL},
        {"decided_on", "支部决定日期", DJ_J_DATE, DJ_J_REQ, 0, 0, NULL},
        {NULL},
    };
    json_t *in;
    int rc = dj_body_json(r, spec, &in);
    if (rc)
        return rc;
    struct dues_reduction_in d = {
        .person_id = dj_jint(in, "person_id", 0), .kind = dj_jstr(in, "kind", "reduce"),
        .amount_fen = dj_jint(in, "amount_fen", -1), .reason = dj_jstr(in, "reason", ""),
        .decided_on = dj_jstr(in, "decided_on", ""),
    };
    if ((rc = dues_require_person(r, "dues.write", d.person_id, "person_id")) ||
        (rc = dues_month_field(r, in, "from_month", "起始月份", &d.from)) ||
        (rc = dues_month_field(r, in, "to_month", "截止月份", &d.to)))
        goto out;
    if (d.to < d.from) {
        rc = dj_fail(r, DJ_EINVAL, "to_month", "截止月份不能早于起始月份");
        goto out;
    }
    if (d.to - d.from >= 36) {
        rc = dj_fail(r, DJ_EINVAL, "to_month", "一次决定最多 36 个月，期满后重新决定");
        goto out;
    }
    if (strcmp(d.kind, "reduce") == 0 && d.amount_fen < 0) {
        rc = dj_fail(r, DJ_EINVAL, "amount_fen", "少交须写明每月交纳金额（分）");
        goto out;
    }
    db_conn *c = dj_db(r);
    struct dues_actor a = dues_actor_of(r);
    int64_t id = 0;
    if ((rc = db_begin(c)))
        goto out;
    if ((rc = dues_tx_end(c, dues_reduction_add(c, &a, &d, &id))) == DJ_OK) {
        int err = 0;
        json_t *o = dues_reduction_get(c, id, &err);
        rc = o ? dj_reply_json(r, 201, o) : err;
    }
out:
    json_decref(in);
    return rc;
}

int dues_h_reduction_decide(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"approve", "是否批准", DJ_J_BOOL, DJ_J_REQ, 0, 0, NULL},
        {"note", "审批意见", DJ_J_STR, DJ_J_NULL, 0, 500, NULL},
        {NULL},
    };
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    db_conn *c = dj_db(r);
    int err = 0;
    json_t *x = dues_reduction_get(c, id, &err);
    if (!x)
        return err == DJ_ENOTFOUND ? dj_fail(r, DJ_ENOTFOUND, "id", "找不到该少交/免交决定") : err;
    int64_t person = dj_jint(x, "person_id", 0);
    json_decref(x);
    if ((rc = dues_require_person(r, "dues.approve", person, "id")))
        return rc;
    json_t *in;
    if ((rc = dj_body_json(r, spec, &in)))
        return rc;
    struct dues_actor a = dues_actor_of(r);
    if ((rc = db_begin(c)) == DJ_OK)
        rc = dues_tx_end(c, dues_reduction_decide(c, &a, id, dj_jbool(in, "approve", false),
                                                  dj_jstr(in, "note", NULL)));
    json_decref(in);
    if (rc == DJ_ECONFLICT)
        return dj_fail(r, DJ_ECONFLICT, NULL, "该决定已审批过");
    if (rc)
        return rc;
    json_t *o = dues_reduction_get(c, id, &err);
    return o ? dj_reply_json(r, 200, o) : err;
}

/* ---------------------------------------------------------------- remittance */

int dues_h_remittances(dj_req *r)
{
    json_t *org;
    int year, rc = dues_org_param(r, "dues.read", &org);
    if (rc)
        return rc;
    if ((rc = dues_year_param(r, &year)) == DJ_OK) {
        int err = 0;
        json_t *rows = dues_remits_list(dj_db(r), dj_jstr(org, "path", "/"), year, &err);
        rc = rows ? dj_reply_json(r, 200, json_pack("{s:o}", "items", rows)) : err;
    }
    json_decref(org);
    return rc;
}

/* The party organisation a remittance goes to: the nearest committee or general
 * branch above; 0 for the top of the tree (the higher committee is outside it). */
static int remit_target(db_conn *c, const json_t *from, int64_t *to, char name[128])
{
    *to = 0;
    name[0] = '\0';
    int err = 0;
    json_t *row = db_query_row(c, &err,
                               "SELECT t.id, t.name FROM orgs t WHERE $1 LIKE t.path || '%' AND t.path <> $1"
                               " AND t.kind IN ('committee', 'general_branch') ORDER BY length(t.path) DESC LIMIT 1",
                               "t", dj_jstr(from, "path", ""));
    if (!row)
        return err == DJ_ENOTFOUND ? DJ_OK : err;
    *to = dj_jint(row, "id", 0);
    snprintf(name, 128, "%s", dj_jstr(row, "name", ""));
    json_decref(row);
    return DJ_OK;
}

int dues_h_remit_add(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"from_org_id", "上缴组织", DJ_J_ID, DJ_J_REQ, 0, 0, NULL, DJ_SCOPE("org", "dues.write")},
        {"to_name", "接收单位", DJ_J_STR, DJ_J_NULL, 1, 100, NULL},
        {"amount_fen", "上缴金额", DJ_J_INT, DJ_J_REQ, 1, 10000000000, NULL},
        {"period_from", "所属起始月份", DJ_J_STR, DJ_J_REQ, 7, 7, NULL},
        {"period_to", "所属截止月份", DJ_J_STR, DJ_J_REQ, 7, 7, NULL},
        {"remitted_on", "上缴日期", DJ_J_DATE, DJ_J_REQ, 0, 0, NULL},
        {"receipt_no", "凭证号", DJ_J_STR, DJ_J_NULL, 0, 50, NULL},
        {"note", "备注", DJ_J_STR, DJ_J_NULL, 0, 500, NULL},
        {"client_key", "请求标识", DJ_J_STR, 0, 8, 64, NULL},
        {NULL},
    };
    json_t *in, *from = NULL;
    int rc = dj_body_json(r, spec, &in);
    if (rc)
        return rc;
    struct dues_remit_in d = {
        .from_org_id = dj_jint(in, "from_org_id", 0), .amount_fen = dj_jint(in, "amount_fen", 0),
        .remitted_on = dj_jstr(in, "remitted_on", ""), .receipt_no = dj_jstr(in, "receipt_no", NULL),
        .note = dj_jstr(in, "note", NULL), .client_key = dj_jstr(in, "client_key", NULL),
    };
    if ((rc = dues_require_org(r, "dues.write", d.from_org_id, "from_org_id", &from)) ||
        (rc = dues_month_field(r, in, "period_from", "所属起始月份", &d.period_from)) ||
        (rc = dues_month_field(r, in, "period_to", "所属截止月份", &d.period_to)))
        goto out;
    if (d.period_to < d.period_from) {
        rc = dj_fail(r, DJ_EINVAL, "period_to", "所属截止月份不能早于起始月份");
        goto out;
    }
    char today[16], to_name[128];
    int y, m, dd;
    dj_local_date(dj_now(), &y, &m, &dd);
    snprintf(today, sizeof today, "%04d-%02d-%02d", y % 10000, m % 100, dd % 100);
    if (strcmp(d.remitted_on, today) > 0) {
        rc = dj_fail(r, DJ_EINVAL, "remitted_on", "上缴日期不能晚于今天");
        goto out;
    }
    db_conn *c = dj_db(r);
    if ((rc = remit_target(c, from, &d.to_org_id, to_name)))
        goto out;
    d.to_name = d.to_org_id ? to_name : dj_jstr(in, "to_name", NULL);
    if (!d.to_name) {
        rc = dj_fail(r, DJ_EINVAL, "to_name", "请写明接收党费的上级党组织");
        goto out;
    }
    struct dues_actor a = dues_actor_of(r);
    int64_t id = 0;
    bool dup = false;
    if ((rc = db_begin(c)))
        goto out;
    if ((rc = dues_tx_end(c, dues_remit_add(c, &a, &d, &id, &dup))) == DJ_OK) {
        int err = 0;
        json_t *o = dues_remit_get(c, id, &err);
        rc = o ? dj_reply_json(r, dup ? 200 : 201, o) : err;
    }
out:
    json_decref(from);
    json_decref(in);
    return rc;
}

int dues_h_remit_receive(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    db_conn *c = dj_db(r);
    int err = 0;
    json_t *x = dues_remit_get(c, id, &err);
    if (!x)
        return err == DJ_ENOTFOUND ? dj_fail(r, DJ_ENOTFOUND, "id", "找不到该上缴记录") : err;
    int64_t to = dj_jint(x, "to_org_id", 0);
    json_decref(x);
    if (!to)
        return dj_fail(r, DJ_EUNPROCESSABLE, "id", "上缴给本系统以外的上级党委，由对方出具凭证，无需在此确认");
    if (!auth_can(r, "dues.approve", to))
        return dj_fail(r, DJ_EFORBIDDEN, "id", "只有接收党费的党组织可以确认收到");
    struct dues_actor a = dues_actor_of(r);
    if ((rc = db_begin(c)) == DJ_OK)
        rc = dues_tx_end(c, dues_remit_receive(c, &a, id));
    if (rc == DJ_ECONFLICT)
        return dj_fail(r, DJ_ECONFLICT, NULL, "已确认收到，无需重复确认");
    if (rc)
        return rc;
    json_t *o = dues_remit_get(c, id, &err);
    return o ? dj_reply_json(r, 200, o) : err;
}
