/* dues_api.c - HTTP handlers of dues for members and branches: the rate table,
 * 我的党费 with a member's report of a transfer and base declaration, one member's
 * dues, bases set by the branch and declarations it decides, payroll
 * identities, payments and their confirmation.  The office's sheets, arrears,
 * summary, import, reductions and remittance are in dues_api_office.c.
 *   dues.read     see the dues of an org's subtree (leaders, discipline, secretaries)
 *   dues.write    bases, payments, imports, declarations, remittance (secretaries, the committee)
 *   dues.approve  少交/免交, receiving remittance, 补交 beyond the limit (the committee)
 * Every person id and org id a request carries is checked against the caller's scope. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/err.h"
#include "../core/json.h"
#include "../core/readcache.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "dues.h"
#include "dues_api.h"

/* ---------------------------------------------------------------- shared checks */

struct dues_actor dues_actor_of(dj_req *r)
{
    return (struct dues_actor){.user_id = r->user ? r->user->id : 0, .r = r};
}

int dues_require_person(dj_req *r, const char *perm, int64_t person_id, const char *field)
{
    int64_t org = 0;
    int rc = dues_person_scope(dj_db(r), person_id, &org);
    if (rc == DJ_ENOTFOUND)
        return dj_fail(r, DJ_ENOTFOUND, field, "找不到该党员");
    if (rc)
        return rc;
    if (!auth_can(r, perm, org))
        return dj_fail(r, DJ_EFORBIDDEN, field, "该党员不在您管理的组织范围内");
    return DJ_OK;
}

int dues_require_org(dj_req *r, const char *perm, int64_t org_id, const char *field, json_t **org)
{
    int err = 0;
    json_t *o = dues_org_get(dj_db(r), org_id, &err);
    if (!o)
        return err == DJ_ENOTFOUND ? dj_fail(r, DJ_ENOTFOUND, field, "找不到该组织") : err;
    if (!auth_can(r, perm, org_id)) {
        json_decref(o);
        return dj_fail(r, DJ_EFORBIDDEN, field, "该组织不在您的管理范围内");
    }
    *org = o;
    return DJ_OK;
}

int dues_org_param(dj_req *r, const char *perm, json_t **org)
{
    int64_t id = 0;
    int rc = dj_query_int(r, "org", 0, 1, INT64_MAX, &id);
    if (rc)
        return rc;
    for (int i = 0; id == 0 && r->user && i < r->user->ngrants; i++)
        if (auth_role_has(r->user->grants[i].role, perm))
            id = r->user->grants[i].org_id;
    if (id == 0)
        return dj_fail(r, DJ_EFORBIDDEN, "org", "没有可查看党费的组织");
    return dues_require_org(r, perm, id, "org", org);
}

int dues_year_param(dj_req *r, int *year)
{
    int y, m, d;
    dj_local_date(dj_now(), &y, &m, &d);
    int64_t v = y;
    int rc = dj_query_int(r, "year", y, 2000, 2100, &v);
    *year = (int)v;
    return rc;
}

int dues_month_field(dj_req *r, const json_t *in, const char *field, const char *label, dues_month *out)
{
    if (dues_month_parse(dj_jstr(in, field, ""), out) != DJ_OK)
        return dj_fail(r, DJ_EINVAL, field, "%s应写成 2026-03 的形式", label);
    return DJ_OK;
}

int dues_tx_end(db_conn *c, int rc)
{
    if (rc == DJ_OK)
        return db_commit(c);
    db_rollback(c);
    return rc;
}

int dues_refused(dj_req *r, int rc, const char *field, const char *why)
{
    if (why && *why && (rc == DJ_ECONFLICT || rc == DJ_EUNPROCESSABLE || rc == DJ_EINVAL))
        return dj_fail(r, rc, field, "%s", why);
    return rc;
}

static dues_month current_month(void)
{
    return dues_month_at(dj_now());
}

static void today_text(char out[11])
{
    int y, m, d;
    dj_local_date(dj_now(), &y, &m, &d);
    char t[32];
    snprintf(t, sizeof t, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    memcpy(out, t, 11);
}

static int reply_created(dj_req *r, int status, json_t *(*get)(db_conn *, int64_t, int *), int64_t id)
{
    int err = 0;
    json_t *o = get(dj_db(r), id, &err);
    return o ? dj_reply_json(r, status, o) : err;
}

/* ---------------------------------------------------------------- rates */

static int h_rates(dj_req *r)
{
    int err = 0;
    json_t *rows = dues_rates_json(dj_db(r), &err);
    return rows ? dj_reply_json(r, 200, json_pack("{s:o}", "items", rows)) : err;
}

/* ---------------------------------------------------------------- one member */

static int me_person(dj_req *r, int64_t *id)
{
    *id = r->user->person_id;
    if (!*id)
        return dj_fail(r, DJ_ENOTFOUND, NULL, "当前账号没有关联党员信息，无法查看党费");
    return DJ_OK;
}

static json_t *me_make(dj_req *r, void *arg, int *rc)
{
    json_t *v = dues_member_view(dj_db(r), *(int64_t *)arg, rc);
    if (!v && *rc == DJ_ENOTFOUND)
        *rc = dj_fail(r, DJ_ENOTFOUND, "id", "找不到该党员");
    return v;
}

/* GET /api/v1/dues/me : kept for the member until a payment, a rate or their
 * record is written (the key carries the day, and so the month). */
static int h_me(dj_req *r)
{
    int64_t id;
    int rc = me_person(r, &id);
    return rc ? rc : dj_reply_user_kept(r, "dues.me", DJ_RCACHE_USER_TTL_MS, me_make, &id);
}

static int h_person(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc || (rc = dues_require_person(r, "dues.read", id, "id")))
        return rc;
    int err = 0;
    json_t *v = dues_member_view(dj_db(r), id, &err);
    if (!v)
        return err;
    json_t *prof = dues_profile_get(dj_db(r), id, &err);
    if (!prof) {
        json_decref(v);
        return err;
    }
    /* the ID number shown masked; the form takes a new one whole */
    const char *idn = dj_jstr(prof, "id_number", NULL);
    if (idn && strlen(idn) > 10) {
        char m[32];
        snprintf(m, sizeof m, "%.6s********%s", idn, idn + strlen(idn) - 4);
        json_object_set_new(prof, "id_number", json_string(m));
    }
    json_object_set_new(v, "profile", prof);
    return dj_reply_json(r, 200, v);
}

static bool id_number_ok(const char *s)
{
    size_t n = strlen(s);
    if (n != 15 && n != 18)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (i == n - 1 && (s[i] == 'X' || s[i] == 'x'))))
            return false;
    return true;
}

static int h_profile(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"staff_no", "工号", DJ_J_STR, DJ_J_NULL, 0, 32, NULL},
        {"id_number", "身份证号", DJ_J_STR, DJ_J_NULL, 0, 18, NULL},
        {NULL},
    };
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc || (rc = dues_require_person(r, "dues.write", id, "id")))
        return rc;
    json_t *in;
    if ((rc = dj_body_json(r, spec, &in)))
        return rc;
    db_conn *c = dj_db(r);
    char idn[24] = "";
    snprintf(idn, sizeof idn, "%s", dj_jstr(in, "id_number", "") ? dj_jstr(in, "id_number", "") : "");
    if (*idn && !id_number_ok(idn)) {
        rc = dj_fail(r, DJ_EINVAL, "id_number", "身份证号应为 18 位（或 15 位）数字，末位可为 X");
        goto out;
    }
    for (char *p = idn; *p; p++)
        if (*p == 'x')
            *p = 'X';
    if ((rc = db_begin(c)))
        goto out;
    int err = 0;
    json_t *before = dues_profile_get(c, id, &err);
    /* a field left out keeps what is there (the form shows the ID number masked) */
    const char *staff = dj_jhas(in, "staff_no") ? dj_jstr(in, "staff_no", NULL) : dj_jstr(before, "staff_no", NULL);
    if (!dj_jhas(in, "id_number"))
        snprintf(idn, sizeof idn, "%s", dj_jstr(before, "id_number", "") ? dj_jstr(before, "id_number", "") : "");
    rc = dues_profile_set(c, id, staff, idn);
    if (rc == DJ_ECONFLICT) {
        db_rollback(c);
        json_decref(before);
        rc = dj_fail(r, DJ_ECONFLICT, NULL, "该工号或身份证号已登记在另一名党员名下");
        goto out;
    }
    if (rc == DJ_OK) {
        json_t *after = json_pack("{s:s?, s:b}", "staff_no", staff, "id_number_set", *idn != 0);
        /* the ID number itself stays out of the audit trail */
        json_t *was = json_pack("{s:s?, s:b}", "staff_no", dj_jstr(before, "staff_no", NULL), "id_number_set",
                                dj_jstr(before, "id_number", NULL) != NULL);
        rc = audit_write(c, r, "update", "dues_profile", id, was, after);
        json_decref(was);
        json_decref(after);
    }
    json_decref(before);
    if ((rc = dues_tx_end(c, rc)))
        goto out;
    rc = dj_reply_empty(r, 204);
out:
    json_decref(in);
    return rc;
}

/* ---------------------------------------------------------------- bases */

static const char *const categories_spec[] = {"employed", "retired", "student", "no_income", "relief", "farmer", NULL};

/* Fills a base from a validated body; 400 naming the field at fault. */
static int base_from(dj_req *r, const json_t *in, struct dues_base_in *b)
{
    memset(b, 0, sizeof *b);
    b->category = dues_category_parse(dj_jstr(in, "category", ""));
    b->fixed_fen = -1;
    int rc = dues_month_field(r, in, "effective_month", "生效月份", &b->effective);
    if (rc)
        return rc;
    if (b->effective > current_month() + 12)
        return dj_fail(r, DJ_EINVAL, "effective_month", "生效月份不能晚于一年以后");
    if (dues_category_has_base(b->category)) {
        if (!dj_jhas(in, "base_fen") || dj_jint(in, "base_fen", 0) < 1)
            return dj_fail(r, DJ_EINVAL, "base_fen", "请填写党费基数（月工资或离退休费，单位：分）");
        b->base_fen = dj_jint(in, "base_fen", 0);
    } else if (b->category == DUES_FARMER) {
        int64_t f = dj_jint(in, "fixed_fen", -1);
        if (f < 20 || f > 100)
            return dj_fail(r, DJ_EINVAL, "fixed_fen", "农民党员每月交纳 0.2 元至 1 元（20 至 100 分）");
        b->fixed_fen = f;
    }
    b->note = dj_jstr(in, "note", NULL);
    return DJ_OK;
}

#define BASE_FIELDS                                                                                                    \
    {"category", "党员类别", DJ_J_STR, DJ_J_REQ, 1, 16, categories_spec},                                          \
        {"base_fen", "党费基数", DJ_J_INT, 0, 0, 100000000, NULL},                                                   \
        {"fixed_fen", "每月固定金额", DJ_J_INT, DJ_J_NULL, 0, 100000, NULL},                                          \
        {"effective_month", "生效月份", DJ_J_STR, DJ_J_REQ, 7, 7, NULL},                                             \
        {"note", "说明", DJ_J_STR, DJ_J_NULL, 0, 500, NULL}

static int h_base_set(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"person_id", "党员", DJ_J_ID, DJ_J_REQ, 0, 0, NULL, DJ_SCOPE("person", "dues.write")}, BASE_FIELDS, {NULL},
    };
    json_t *in;
    int rc = dj_body_json(r, spec, &in);
    if (rc)
        return rc;
    struct dues_base_in b;
    if ((rc = dues_require_person(r, "dues.write", dj_jint(in, "person_id", 0), "person_id")) ||
        (rc = base_from(r, in, &b)))
        goto out;
    b.person_id = dj_jint(in, "person_id", 0);
    b.source = "branch";
    db_conn *c = dj_db(r);
    struct dues_actor a = dues_actor_of(r);
    int64_t id = 0;
    if ((rc = db_begin(c)))
        goto out;
    rc = dues_tx_end(c, dues_base_add(c, &a, &b, &id));
    if (rc == DJ_OK)
        rc = reply_created(r, 201, dues_base_get, id);
out:
    json_decref(in);
    return rc;
}

static int h_me_declare(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        BASE_FIELDS,
        {"annual", "年度申报", DJ_J_BOOL, 0, 0, 0, NULL},
        {NULL},
    };
    int64_t person;
    int rc = me_person(r, &person);
    if (rc)
        return rc;
    json_t *in;
    if ((rc = dj_body_json(r, spec, &in)))
        return rc;
    struct dues_base_in b;
    if ((rc = base_from(r, in, &b)))
        goto out;
    dues_month start = -1;
    if ((rc = dues_start_month(dj_db(r), person, &start)))
        goto out;
    if (start < 0) {
        rc = dj_fail(r, DJ_EUNPROCESSABLE, NULL, "只有党员（含预备党员）需要申报党费基数");
        goto out;
    }
    b.person_id = person;
    b.source = "member";
    b.declaration_year = dj_jbool(in, "annual", false) ? dues_month_year(current_month()) : 0;
    db_conn *c = dj_db(r);
    struct dues_actor a = dues_actor_of(r);
    int64_t id = 0;
    if ((rc = db_begin(c)))
        goto out;
    int64_t pending = 0;
    rc = db_query_i64(c, &pending, "SELECT COUNT(*) FROM dues_bases WHERE person_id = $1 AND status = 'pending'",
                      "i", person);
    if (rc == DJ_OK && pending > 0) {
        db_rollback(c);
        rc = dj_fail(r, DJ_ECONFLICT, NULL, "已有一份申报在等待支部审核，审核后再提交新的申报");
        goto out;
    }
    if (rc == DJ_OK)
        rc = dues_base_add(c, &a, &b, &id);
    if ((rc = dues_tx_end(c, rc)) == DJ_OK)
        rc = reply_created(r, 201, dues_base_get, id);
out:
    json_decref(in);
    return rc;
}

static int h_declarations(dj_req *r)
{
    json_t *org;
    int rc = dues_org_param(r, "dues.read", &org);
    if (rc)
        return rc;
    int64_t year = 0;
    const char *st = dj_query(r, "status");
    if ((rc = dj_query_int(r, "year", 0, 0, 2100, &year)))
        goto out;
    if (st && *st && strcmp(st, "pending") && strcmp(st, "approved") && strcmp(st, "rejected")) {
        rc = dj_fail(r, DJ_EINVAL, "status", "状态应为 pending、approved 或 rejected");
        goto out;
    }
    int err = 0;
    json_t *rows = dues_declarations(dj_db(r), dj_jstr(org, "path", "/"), (int)year, st, &err);
    rc = rows ? dj_reply_json(r, 200, json_pack("{s:o}", "items", rows)) : err;
out:
    json_decref(org);
    return rc;
}

static const struct dj_jfield decide_spec[] = {
    {"approve", "是否同意", DJ_J_BOOL, DJ_J_REQ, 0, 0, NULL},
    {"note", "意见", DJ_J_STR, DJ_J_NULL, 0, 500, NULL},
    {NULL},
};

/* The head every decision on a member's record shares: the record (get) of
 * the path's id, its person in the caller's dues.write scope, and the
 * decision's body, whose refusal must give a reason (why_needed). */
static int decision_in(dj_req *r, json_t *(*get)(db_conn *, int64_t, int *), const char *missing,
                       const char *why_needed, int64_t *id, json_t **in)
{
    int rc = dj_param_id(r, "id", id);
    if (rc)
        return rc;
    int err = 0;
    json_t *rec = get(dj_db(r), *id, &err);
    if (!rec)
        return err == DJ_ENOTFOUND ? dj_fail(r, DJ_ENOTFOUND, "id", missing) : err;
    int64_t person = dj_jint(rec, "person_id", 0);
    json_decref(rec);
    if ((rc = dues_require_person(r, "dues.write", person, "id")) || (rc = dj_body_json(r, decide_spec, in)))
        return rc;
    if (!dj_jbool(*in, "approve", false) && !dj_jstr(*in, "note", NULL)) {
        json_decref(*in);
        *in = NULL;
        return dj_fail(r, DJ_EINVAL, "note", why_needed);
    }
    return DJ_OK;
}

static int h_declaration_decide(dj_req *r)
{
    int64_t id;
    json_t *in;
    int rc = decision_in(r, dues_base_get, "找不到该申报", "退回申报时请写明原因", &id, &in);
    if (rc)
        return rc;
    db_conn *c = dj_db(r);
    bool approve = dj_jbool(in, "approve", false);
    struct dues_actor a = dues_actor_of(r);
    if ((rc = db_begin(c)) == DJ_OK)
        rc = dues_tx_end(c, dues_base_decide(c, &a, id, approve, dj_jstr(in, "note", NULL)));
    json_decref(in);
    if (rc == DJ_ECONFLICT)
        return dj_fail(r, DJ_ECONFLICT, NULL, "该申报已审核过");
    return rc ? rc : reply_created(r, 200, dues_base_get, id);
}

/* ---------------------------------------------------------------- payments */

static const char *const methods_spec[] = {"payroll", "cash", "bank", "other", NULL};

/* The sorted, distinct months of a body's "months" array, checked against the
 * back-payment and advance limits (the committee may go beyond the back limit). */
static int months_from(dj_req *r, const json_t *in, int64_t person_id, dues_month *out, size_t *n)
{
    json_t *arr = json_object_get(in, "months");
    size_t k = json_array_size(arr);
    if (k == 0 || k > 24)
        return dj_fail(r, DJ_EINVAL, "months", "请选择交纳的月份（一次最多 24 个月）");
    for (size_t i = 0; i < k; i++) {
        json_t *v = json_array_get(arr, i);
        if (!json_is_string(v) || dues_month_parse(json_string_value(v), &out[i]) != DJ_OK)
            return dj_fail(r, DJ_EINVAL, "months", "交纳月份应写成 2026-03 的形式");
    }
    for (size_t i = 1; i < k; i++) /* insertion sort: at most 24 */
        for (size_t j = i; j > 0 && out[j] < out[j - 1]; j--) {
            dues_month t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    *n = k;
    db_conn *c = dj_db(r);
    int back = (int)dj_setting_int(c, "dues.backpay_max_months", 6);
    int ahead = (int)dj_setting_int(c, "dues.advance_max_months", 3);
    int64_t org = 0;
    if (dues_person_scope(c, person_id, &org) == DJ_OK && auth_can(r, "dues.approve", org))
        back = 1200; /* the committee records older 补交 it has agreed to */
    const char *why = NULL;
    if (dues_months_check(out, k, current_month(), back, ahead, &why))
        return dj_fail(r, DJ_EINVAL, "months", "%s", why);
    return DJ_OK;
}

static int paid_on_field(dj_req *r, const json_t *in, char out[11])
{
    char today[11];
    today_text(today);
    snprintf(out, 11, "%s", dj_jstr(in, "paid_on", today));
    if (strcmp(out, today) > 0)
        return dj_fail(r, DJ_EINVAL, "paid_on", "交纳日期不能晚于今天");
    return DJ_OK;
}

static int payment_write(dj_req *r, const json_t *in, struct dues_payment_in *p)
{
    dues_month months[24];
    size_t n = 0;
    char paid_on[11], why[200] = "";
    int rc = months_from(r, in, p->person_id, months, &n);
    if (rc || (rc = paid_on_field(r, in, paid_on)))
        return rc;
    int64_t org = 0;
    if ((rc = dues_person_branch(dj_db(r), p->person_id, &p->branch_id, &org)))
        return rc;
    if (!p->branch_id)
        return dj_fail(r, DJ_EUNPROCESSABLE, "person_id", "该同志不在任何党支部，无法登记党费");
    p->months = months;
    p->nmonths = n;
    p->paid_on = paid_on;
    p->amount_fen = dj_jint(in, "amount_fen", 0);
    p->note = dj_jstr(in, "note", NULL);
    p->client_key = dj_jstr(in, "client_key", NULL);
    db_conn *c = dj_db(r);
    struct dues_actor a = dues_actor_of(r);
    int64_t id = 0;
    bool dup = false;
    if ((rc = db_begin(c)))
        return rc;
    rc = dues_tx_end(c, dues_payment_add(c, &a, p, &id, &dup, why));
    if (rc)
        return dues_refused(r, rc, "months", why);
    return reply_created(r, dup ? 200 : 201, dues_payment_get, id);
}

static int h_payment_add(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"person_id", "党员", DJ_J_ID, DJ_J_REQ, 0, 0, NULL, DJ_SCOPE("person", "dues.write")},
        {"months", "交纳月份", DJ_J_ARR, DJ_J_REQ, 0, 0, NULL},
        {"amount_fen", "金额", DJ_J_INT, DJ_J_REQ, 1, 100000000, NULL},
        {"method", "交纳方式", DJ_J_STR, DJ_J_REQ, 1, 16, methods_spec},
        {"paid_on", "交纳日期", DJ_J_DATE, 0, 0, 0, NULL},
        {"payer_name", "代交人", DJ_J_STR, DJ_J_NULL, 0, 50, NULL},
        {"receipt_no", "收据号", DJ_J_STR, DJ_J_NULL, 0, 50, NULL},
        {"bank_ref", "银行流水号", DJ_J_STR, DJ_J_NULL, 0, 64, NULL},
        {"note", "备注", DJ_J_STR, DJ_J_NULL, 0, 500, NULL},
        {"client_key", "请求标识", DJ_J_STR, 0, 8, 64, NULL},
        {NULL},
    };
    json_t *in;
    int rc = dj_body_json(r, spec, &in);
    if (rc)
        return rc;
    int64_t person = dj_jint(in, "person_id", 0);
    if ((rc = dues_require_person(r, "dues.write", person, "person_id")) == DJ_OK) {
        struct dues_payment_in p = {
            .person_id = person, .method = dj_jstr(in, "method", "cash"),
            .payer_name = dj_jstr(in, "payer_name", NULL), .receipt_no = dj_jstr(in, "receipt_no", NULL),
            .bank_ref = dj_jstr(in, "bank_ref", NULL), .status = "confirmed",
        };
        rc = payment_write(r, in, &p);
    }
    json_decref(in);
    return rc;
}

/* A member reports a transfer; the branch confirms it once the money is there.
 * The photo of the transfer: once the file store (issue 14) is on main, a
 * "file_id" field joins this spec, checked to be the caller's own upload, and is
 * stored in dues_payments.file_id (the column is there already). */
static int h_me_report(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"months", "交纳月份", DJ_J_ARR, DJ_J_REQ, 0, 0, NULL},
        {"amount_fen", "金额", DJ_J_INT, DJ_J_REQ, 1, 100000000, NULL},
        {"paid_on", "转账日期", DJ_J_DATE, 0, 0, 0, NULL},
        {"bank_ref", "银行流水号", DJ_J_STR, DJ_J_REQ, 4, 64, NULL},
        {"payer_name", "代交人", DJ_J_STR, DJ_J_NULL, 0, 50, NULL},
        {"note", "备注", DJ_J_STR, DJ_J_NULL, 0, 500, NULL},
        {"client_key", "请求标识", DJ_J_STR, 0, 8, 64, NULL},
        {NULL},
    };
    int64_t person;
    int rc = me_person(r, &person);
    if (rc)
        return rc;
    json_t *in;
    if ((rc = dj_body_json(r, spec, &in)))
        return rc;
    struct dues_payment_in p = {
        .person_id = person, .method = "bank", .bank_ref = dj_jstr(in, "bank_ref", NULL),
        .payer_name = dj_jstr(in, "payer_name", NULL), .status = "reported",
    };
    rc = payment_write(r, in, &p);
    json_decref(in);
    return rc;
}

static int h_payments(dj_req *r)
{
    json_t *org;
    int rc = dues_org_param(r, "dues.read", &org);
    if (rc)
        return rc;
    struct dj_page pg;
    int64_t person = 0, year = 0;
    const char *st = dj_query(r, "status");
    if ((rc = dj_page_parse(r, &pg)) || (rc = dj_query_int(r, "person", 0, 0, INT64_MAX, &person)) ||
        (rc = dj_query_int(r, "year", 0, 0, 2100, &year)))
        goto out;
    if (st && *st && strcmp(st, "confirmed") && strcmp(st, "reported") && strcmp(st, "rejected")) {
        rc = dj_fail(r, DJ_EINVAL, "status", "状态应为 confirmed、reported 或 rejected");
        goto out;
    }
    if (person && (rc = dues_require_person(r, "dues.read", person, "person")))
        goto out;
    int64_t total = 0;
    int err = 0;
    json_t *rows = dues_payments_list(dj_db(r), dj_jstr(org, "path", "/"), person, st, (int)year, pg.limit,
                                      pg.offset, &total, &err);
    rc = rows ? dj_reply_json(r, 200, dj_page_result(&pg, rows, total)) : err;
out:
    json_decref(org);
    return rc;
}

static int h_payment_decide(dj_req *r)
{
    int64_t id;
    json_t *in;
    int rc = decision_in(r, dues_payment_get, "找不到该笔交纳", "退回时请写明原因（如未查到到账）", &id, &in);
    if (rc)
        return rc;
    db_conn *c = dj_db(r);
    bool approve = dj_jbool(in, "approve", false);
    char why[200] = "";
    struct dues_actor a = dues_actor_of(r);
    if ((rc = db_begin(c)) == DJ_OK)
        rc = dues_tx_end(c, dues_payment_decide(c, &a, id, approve, dj_jstr(in, "note", NULL), why));
    json_decref(in);
    if (rc)
        return dues_refused(r, rc, NULL, why);
    return reply_created(r, 200, dues_payment_get, id);
}

/* ---------------------------------------------------------------- routes */

const struct dj_route dues_routes[] = {
    {"GET", "/api/v1/dues/rates", h_rates, NULL, 0, 0},
    {"GET", "/api/v1/dues/me", h_me, NULL, 0, 0},
    {"POST", "/api/v1/dues/me/payments", h_me_report, NULL, 0, 0},
    {"POST", "/api/v1/dues/me/declarations", h_me_declare, NULL, 0, 0},
    {"GET", "/api/v1/dues/people/:id", h_person, "dues.read", 0, 0},
    {"PUT", "/api/v1/dues/people/:id/profile", h_profile, "dues.write", 0, 0},
    {"POST", "/api/v1/dues/bases", h_base_set, "dues.write", 0, 0},
    {"GET", "/api/v1/dues/declarations", h_declarations, "dues.read", 0, 0},
    {"POST", "/api/v1/dues/declarations/:id/decide", h_declaration_decide, "dues.write", 0, 0},
    {"GET", "/api/v1/dues/payments", h_payments, "dues.read", 0, 0},
    {"POST", "/api/v1/dues/payments", h_payment_add, "dues.write", 0, 0},
    {"POST", "/api/v1/dues/payments/:id/decide", h_payment_decide, "dues.write", 0, 0},
    {"GET", "/api/v1/dues/branches", dues_h_branches, "dues.read", 0, 0},
    {"GET", "/api/v1/dues/sheet", dues_h_sheet, "dues.read", 0, 0},
    {"GET", "/api/v1/dues/arrears", dues_h_arrears, "dues.read", 0, 0},
    {"GET", "/api/v1/dues/summary", dues_h_summary, "dues.read", 0, 0},
    {"POST", "/api/v1/dues/import", dues_h_import, "dues.write", DJ_ROUTE_ANY_BODY, 16u << 20},
    {"GET", "/api/v1/dues/reductions", dues_h_reductions, "dues.read", 0, 0},
    {"POST", "/api/v1/dues/reductions", dues_h_reduction_add, "dues.write", 0, 0},
    {"POST", "/api/v1/dues/reductions/:id/decide", dues_h_reduction_decide, "dues.approve", 0, 0},
    {"GET", "/api/v1/dues/remittances", dues_h_remittances, "dues.read", 0, 0},
    {"POST", "/api/v1/dues/remittances", dues_h_remit_add, "dues.write", 0, 0},
    {"POST", "/api/v1/dues/remittances/:id/receive", dues_h_remit_receive, "dues.approve", 0, 0},
    {0},
};
