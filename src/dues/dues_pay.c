/* dues_pay.c - the money of dues: payments and the months they cover (with
 * the on-time points through the points module's award path), the branch's
 * confirmation of a member's reported transfer, 少交/免交 with the committee's
 * approval, and remittance (上缴) up the tree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/err.h"
#include "../core/mem.h"
#include "../core/timeutil.h"
#include "../points/points.h"
#include "dues.h"

static void now_iso(char out[21])
{
    dj_time_iso(dj_now(), out);
}

static void month_words(dues_month mo, char out[32])
{
    snprintf(out, 32, "%d年%d月", dues_month_year(mo) % 10000, dues_month_mon(mo));
}

static int audit_row(db_conn *c, const struct dues_actor *a, const char *action, const char *entity, int64_t id,
                     json_t *before, json_t *(*get)(db_conn *, int64_t, int *))
{
    if (!a->r)
        return DJ_OK;
    int rc = DJ_OK;
    json_t *after = get(c, id, &rc);
    if (after)
        rc = audit_write(c, a->r, action, entity, id, before, after);
    json_decref(after);
    return rc;
}

/* ---------------------------------------------------------------- payments */

/* The member entry of a person whose months include `month` (now, or where dues ended). */
static const struct dues_member *entry_for(const struct dues_roster *ro, dues_month month)
{
    const struct dues_member *cur = NULL;
    for (size_t i = 0; i < ro->n; i++) {
        const struct dues_member *m = &ro->m[i];
        if (m->f.end >= 0 && month <= m->f.end && (m->f.start < 0 || month >= m->f.start))
            return m;
        if (m->f.end < 0)
            cur = m;
    }
    return cur;
}

/* What each month still owes, refusing months a payment cannot cover. */
static int outstanding_of(const struct dues_roster *ro, const dues_month *months, size_t n, int64_t *out,
                          char why[200])
{
    for (size_t i = 0; i < n; i++) {
        char w[32];
        month_words(months[i], w);
        const struct dues_member *m = entry_for(ro, months[i]);
        if (!m) {
            snprintf(why, 200, "该同志不是本系统中应交党费的党员");
            return DJ_EUNPROCESSABLE;
        }
        struct dues_month_row row;
        dues_month_compute(&m->f, months[i], dues_member_paid(m, months[i]), &row);
        switch (row.state) {
        case DUES_NOT_DUE:
            snprintf(why, 200, "%s不在该同志应交党费的月份内", w);
            return DJ_EUNPROCESSABLE;
        case DUES_NO_BASE:
            snprintf(why, 200, "尚未核定该同志的党费基数，请先设置基数再登记交纳");
            return DJ_EUNPROCESSABLE;
        case DUES_WAIVED:
            snprintf(why, 200, "%s已批准免交党费，无需交纳", w);
            return DJ_EUNPROCESSABLE;
        case DUES_PAID:
            snprintf(why, 200, "%s的党费已交清，不能重复交纳", w);
            return DJ_ECONFLICT;
        default:
            break;
        }
        out[i] = row.due_fen - row.paid_fen;
    }
    return DJ_OK;
}

/* One point per month paid in full by its end (the points module's rule
 * dues_on_time; idempotent there per member and month). A retired rule gives nothing. */
static int award_on_time(db_conn *c, int64_t person_id, const dues_month *months, size_t n, const char *paid_on,
                         int64_t user_id)
{
    struct dues_roster ro;
    int rc = dues_roster_load(c, "/", person_id, -1, &ro);
    if (rc)
        return rc;
    int y, mo, d;
    if (dj_date_parse(paid_on, &y, &mo, &d) != DJ_OK) {
        dues_roster_free(&ro);
        return DJ_OK;
    }
    for (size_t i = 0; i < n && rc == DJ_OK; i++) {
        const struct dues_member *m = entry_for(&ro, months[i]);
        if (!m || !dues_paid_on_time(months[i], paid_on))
            continue;
        struct dues_month_row row;
        dues_month_compute(&m->f, months[i], dues_member_paid(m, months[i]), &row);
        if (row.state != DUES_PAID)
            continue;
        struct points_award aw = {
            .person_id = person_id, .rule_code = "dues_on_time", .source_type = "dues",
            .source_id = (int64_t)dues_month_year(months[i]) * 100 + dues_month_mon(months[i]), .quantity = 1,
            .occurred_at = dj_local_midnight(y, mo, d) + 12 * 3600, .created_by = user_id,
        };
        struct points_result res;
        rc = points_award(c, &aw, &res);
        if (rc == DJ_ENOTFOUND)
            rc = DJ_OK; /* the committee retired the rule */
    }
    dues_roster_free(&ro);
    return rc;
}

static int write_months(db_conn *c, int64_t payment_id, int64_t person_id, const dues_month *months,
                        const int64_t *parts, size_t n)
{
    int rc = DJ_OK;
    for (size_t i = 0; i < n && rc == DJ_OK; i++) {
        char mt[8];
        dues_month_format(months[i], mt);
        rc = db_exec(c,
                     "INSERT INTO dues_payment_months (payment_id, person_id, month, amount_fen)"
                     " VALUES ($1, $2, $3, $4)",
                     "iiti", payment_id, person_id, mt, parts[i]);
    }
    return rc;
}

int dues_payment_add(db_conn *c, const struct dues_actor *a, const struct dues_payment_in *in, int64_t *id,
                     bool *dup, char why[200])
{
    *dup = false;
    why[0] = '\0';
    if (in->client_key &&
        db_query_i64(c, id, "SELECT id FROM dues_payments WHERE client_key = $1", "t", in->client_key) == DJ_OK) {
        *dup = true;
        return DJ_OK;
    }
    struct dues_roster ro;
    int rc = dues_roster_load(c, "/", in->person_id, -1, &ro);
    if (rc)
        return rc;
    int64_t *owed = dj_calloc(in->nmonths, sizeof *owed), *parts = dj_calloc(in->nmonths, sizeof *parts);
    rc = outstanding_of(&ro, in->months, in->nmonths, owed, why);
    dues_roster_free(&ro);
    if (rc)
        goto out;
    dues_split(in->amount_fen, owed, in->nmonths, parts);
    char now[21];
    now_iso(now);
    rc = db_query_i64(c, id,
                      "INSERT INTO dues_payments (person_id, branch_id, amount_fen, method, paid_on, payer_name,"
                      " receipt_no, bank_ref, file_id, note, status, import_id, client_key, created_by, created_at)"
                      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
                      "iiitttttttt" "ItIt", in->person_id, in->branch_id, in->amount_fen, in->method, in->paid_on,
                      in->payer_name, in->receipt_no, in->bank_ref, in->file_id, in->note, in->status, in->import_id,
                      in->client_key, a->user_id, now);
    if (rc == DJ_OK)
        rc = write_months(c, *id, in->person_id, in->months, parts, in->nmonths);
    if (rc == DJ_OK && strcmp(in->status, "confirmed") == 0)
        rc = award_on_time(c, in->person_id, in->months, in->nmonths, in->paid_on, a->user_id);
    if (rc == DJ_OK)
        rc = audit_row(c, a, strcmp(in->status, "confirmed") == 0 ? "record" : "report", "dues_payment", *id, NULL,
                       dues_payment_get);
out:
    free(owed);
    free(parts);
    return rc;
}

/* The months a payment covers, ascending. */
static int payment_months(db_conn *c, int64_t id, dues_month **months, size_t *n)
{
    *months = NULL;
    *n = 0;
    db_stmt *s = db_prep(c, "SELECT month FROM dues_payment_months WHERE payment_id = $1 ORDER BY month");
    if (!s)
        return DJ_EDB;
    db_bind(s, "i", id);
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        dues_month m;
        if (dues_month_parse(db_col_text(s, 0), &m) != DJ_OK)
            continue;
        *months = dj_realloc(*months, (*n + 1) * sizeof **months);
        (*months)[(*n)++] = m;
    }
    db_done(s);
    return rc < 0 ? rc : DJ_OK;
}

int dues_payment_decide(db_conn *c, const struct dues_actor *a, int64_t id, bool approve, const char *note,
                        char why[200])
{
    why[0] = '\0';
    int err = 0;
    json_t *before = dues_payment_get(c, id, &err);
    if (!before)
        return err;
    dues_month *months = NULL;
    size_t n = 0;
    int64_t *owed = NULL, *parts = NULL;
    int rc = DJ_OK;
    if (strcmp(dj_jstr(before, "status", ""), "reported") != 0) {
        snprintf(why, 200, "该笔交纳已处理，不能重复确认");
        rc = DJ_ECONFLICT;
        goto out;
    }
    int64_t person = dj_jint(before, "person_id", 0);
    char now[21];
    now_iso(now);
    if (approve) {
        /* the split is made again: other payments may have come in since the report */
        if ((rc = payment_months(c, id, &months, &n)))
            goto out;
        struct dues_roster ro;
        if ((rc = dues_roster_load(c, "/", person, -1, &ro)))
            goto out;
        owed = dj_calloc(n ? n : 1, sizeof *owed);
        parts = dj_calloc(n ? n : 1, sizeof *parts);
        rc = outstanding_of(&ro, months, n, owed, why);
        dues_roster_free(&ro);
        if (rc)
            goto out;
        dues_split(dj_jint(before, "amount_fen", 0), owed, n, parts);
        rc = db_exec(c, "DELETE FROM dues_payment_months WHERE payment_id = $1", "i", id);
        if (rc == DJ_OK)
            rc = write_months(c, id, person, months, parts, n);
    }
    if (rc == DJ_OK)
        rc = db_exec(c,
                     "UPDATE dues_payments SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5"
                     " WHERE id = $1 AND status = 'reported'",
                     "itItt", id, approve ? "confirmed" : "rejected", a->user_id, now, note);
    if (rc == DJ_OK && approve)
        rc = award_on_time(c, person, months, n, dj_jstr(before, "paid_on", ""), a->user_id);
    if (rc == DJ_OK)
        rc = audit_row(c, a, approve ? "confirm" : "reject", "dues_payment", id, before, dues_payment_get);
    if (rc == DJ_OK)
        rc = dues_notify_payment(c, id);
out:
    free(months);
    free(owed);
    free(parts);
    json_decref(before);
    return rc;
}

#define PAYMENT_SELECT                                                                                                 \
    "SELECT x.id, x.person_id, p.name, x.branch_id, b.name AS branch_name, x.amount_fen, x.method, x.paid_on,"        \
    " x.payer_name, x.receipt_no, x.bank_ref, x.file_id, x.note, x.status, x.import_id, x.created_at,"                \
    " cu.name AS recorded_by, x.decided_at, du.name AS decided_by_name, x.decision_note"                              \
    " FROM dues_payments x JOIN people p ON p.id = x.person_id JOIN orgs b ON b.id = x.branch_id"                     \
    " LEFT JOIN users cu ON cu.id = x.created_by LEFT JOIN users du ON du.id = x.decided_by"

/* Adds "months": [{month, amount_fen}] to each payment, with one query for the page. */
static int attach_months(db_conn *c, json_t *rows)
{
    size_t n = json_array_size(rows);
    if (n == 0)
        return DJ_OK;
    int64_t lo = INT64_MAX, hi = 0;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        int64_t id = dj_jint(r, "id", 0);
        lo = id < lo ? id : lo;
        hi = id > hi ? id : hi;
        json_object_set_new(r, "months", json_array());
    }
    db_stmt *s = db_prep(c, "SELECT payment_id, month, amount_fen FROM dues_payment_months"
                            " WHERE payment_id BETWEEN $1 AND $2 ORDER BY payment_id, month");
    if (!s)
        return DJ_EDB;
    db_bind(s, "ii", lo, hi);
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        int64_t pid = db_col_i64(s, 0);
        json_array_foreach(rows, i, r) {
            if (dj_jint(r, "id", 0) == pid) {
                json_array_append_new(json_object_get(r, "months"),
                                      json_pack("{s:s, s:I}", "month", db_col_text(s, 1), "amount_fen",
                                                (json_int_t)db_col_i64(s, 2)));
                break;
            }
        }
    }
    db_done(s);
    return rc < 0 ? rc : DJ_OK;
}

json_t *dues_payment_get(db_conn *c, int64_t id, int *err)
{
    json_t *rows = db_query_rows(c, err, PAYMENT_SELECT " WHERE x.id = $1", "i", id);
    if (!rows)
        return NULL;
    int rc = attach_months(c, rows);
    json_t *row = rc ? NULL : json_incref(json_array_get(rows, 0));
    json_decref(rows);
    if (!row && err)
        *err = rc ? rc : DJ_ENOTFOUND;
    return row;
}

json_t *dues_payments_list(db_conn *c, const char *org_path, int64_t person_id, const char *status, int year,
                           int64_t limit, int64_t offset, int64_t *total, int *err)
{
    char yy[8] = "";
    if (year)
        snprintf(yy, sizeof yy, "%04d", year % 10000);
    /* one person's payments (a member's own page, the to-do list) by the person's
     * index, not a pass over every payment of the subtree */
    int rc = person_id ? db_query_i64(c, total,
                                      "SELECT COUNT(*) FROM dues_payments x JOIN orgs b ON b.id = x.branch_id"
                                      " WHERE x.person_id = $2 AND b.path >= $1 AND b.path < $1 || ':'"
                                      " AND ($3 = '' OR x.status = $3) AND ($4 = '' OR x.paid_on LIKE $4 || '%')",
                                      "titt", org_path, person_id, status ? status : "", yy)
                       : db_query_i64(c, total,
                                      "SELECT COUNT(*) FROM dues_payments x JOIN orgs b ON b.id = x.branch_id"
                                      " WHERE b.path >= $1 AND b.path < $1 || ':' AND ($2 = 0 OR x.person_id = $2)"
                                      " AND ($3 = '' OR x.status = $3) AND ($4 = '' OR x.paid_on LIKE $4 || '%')",
                                      "titt", org_path, person_id, status ? status : "", yy);
    if (rc) {
        if (err)
            *err = rc;
        return NULL;
    }
    json_t *rows =
        person_id ? db_query_rows(c, err,
                                  PAYMENT_SELECT " WHERE x.person_id = $2 AND b.path >= $1 AND b.path < $1 || ':'"
                                                 " AND ($3 = '' OR x.status = $3) AND ($4 = '' OR x.paid_on LIKE $4 || '%')"
                                                 " ORDER BY x.paid_on DESC, x.id DESC LIMIT $5 OFFSET $6",
                                  "tittii", org_path, person_id, status ? status : "", yy, limit, offset)
                  : db_query_rows(c, err,
                                  PAYMENT_SELECT " WHERE b.path >= $1 AND b.path < $1 || ':' AND ($2 = 0 OR x.person_id = $2)"
                                                 " AND ($3 = '' OR x.status = $3) AND ($4 = '' OR x.paid_on LIKE $4 || '%')"
                                                 " ORDER BY x.paid_on DESC, x.id DESC LIMIT $5 OFFSET $6",
                                  "tittii", org_path, person_id, status ? status : "", yy, limit, offset);
    if (rows && (rc = attach_months(c, rows))) {
        json_decref(rows);
        if (err)
            *err = rc;
        return NULL;
    }
    return rows;
}

/* ---------------------------------------------------------------- 少交/免交 */

int dues_reduction_add(db_conn *c, const struct dues_actor *a, const struct dues_reduction_in *in, int64_t *id)
{
    char now[21], from[8], to[8];
    now_iso(now);
    dues_month_format(in->from, from);
    dues_month_format(in->to, to);
    bool waive = strcmp(in->kind, "waive") == 0;
    int rc = db_query_i64(c, id,
                          "INSERT INTO dues_reductions (person_id, kind, from_month, to_month, amount_fen, reason,"
                          " branch_decided_on, status, created_by, created_at)"
                          " VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9) RETURNING id",
                          "itttittIt", in->person_id, waive ? "waive" : "reduce", from, to,
                          waive ? (int64_t)0 : in->amount_fen, in->reason, in->decided_on, a->user_id, now);
    if (rc == DJ_OK)
        rc = audit_row(c, a, "decide", "dues_reduction", *id, NULL, dues_reduction_get);
    return rc;
}

int dues_reduction_decide(db_conn *c, const struct dues_actor *a, int64_t id, bool approve, const char *note)
{
    int err = 0;
    json_t *before = dues_reduction_get(c, id, &err);
    if (!before)
        return err;
    int rc = DJ_ECONFLICT;
    if (strcmp(dj_jstr(before, "status", ""), "pending") == 0) {
        char now[21];
        now_iso(now);
        rc = db_exec(c,
                     "UPDATE dues_reductions SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5"
                     " WHERE id = $1 AND status = 'pending'",
                     "itItt", id, approve ? "approved" : "rejected", a->user_id, now, note);
        if (rc == DJ_OK)
            rc = audit_row(c, a, approve ? "approve" : "reject", "dues_reduction", id, before, dues_reduction_get);
    }
    json_decref(before);
    return rc;
}

#define REDUCTION_SELECT                                                                                               \
    "SELECT x.id, x.person_id, p.name, o.name AS org_name, x.kind, x.from_month, x.to_month, x.amount_fen,"           \
    " x.reason, x.branch_decided_on, x.status, x.created_at, cu.name AS created_by_name, x.decided_at,"               \
    " du.name AS decided_by_name, x.decision_note FROM dues_reductions x JOIN people p ON p.id = x.person_id"          \
    " LEFT JOIN orgs o ON o.id = p.org_id LEFT JOIN users cu ON cu.id = x.created_by"                                 \
    " LEFT JOIN users du ON du.id = x.decided_by"

json_t *dues_reduction_get(db_conn *c, int64_t id, int *err)
{
    return db_query_row(c, err, REDUCTION_SELECT " WHERE x.id = $1", "i", id);
}

json_t *dues_reductions_list(db_conn *c, const char *org_path, const char *status, int *err)
{
    return db_query_rows(c, err,
                         REDUCTION_SELECT " WHERE o.path >= $1 AND o.path < $1 || ':' AND ($2 = '' OR x.status = $2)"
                                          " ORDER BY CASE x.status WHEN 'pending' THEN 0 ELSE 1 END, x.id DESC"
                                          " LIMIT 500",
                         "tt", org_path, status ? status : "");
}

/* ---------------------------------------------------------------- remittance */

int dues_remit_add(db_conn *c, const struct dues_actor *a, const struct dues_remit_in *in, int64_t *id, bool *dup)
{
    *dup = false;
    if (in->client_key &&
        db_query_i64(c, id, "SELECT id FROM dues_remittances WHERE client_key = $1", "t", in->client_key) == DJ_OK) {
        *dup = true;
        return DJ_OK;
    }
    char now[21], from[8], to[8];
    now_iso(now);
    dues_month_format(in->period_from, from);
    dues_month_format(in->period_to, to);
    int rc = db_query_i64(c, id,
                          "INSERT INTO dues_remittances (from_org_id, to_org_id, to_name, amount_fen, period_from,"
                          " period_to, remitted_on, receipt_no, note, client_key, created_by, created_at)"
                          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                          "iItitttttt" "It", in->from_org_id, in->to_org_id, in->to_name, in->amount_fen, from, to,
                          in->remitted_on, in->receipt_no, in->note, in->client_key, a->user_id, now);
    if (rc == DJ_OK)
        rc = audit_row(c, a, "remit", "dues_remittance", *id, NULL, dues_remit_get);
    return rc;
}

int dues_remit_receive(db_conn *c, const struct dues_actor *a, int64_t id)
{
    int err = 0;
    json_t *before = dues_remit_get(c, id, &err);
    if (!before)
        return err;
    int rc = DJ_ECONFLICT;
    if (json_is_null(json_object_get(before, "received_at")) || !json_object_get(before, "received_at")) {
        char now[21];
        now_iso(now);
        rc = db_exec(c,
                     "UPDATE dues_remittances SET received_by = $2, received_at = $3 WHERE id = $1"
                     " AND received_at IS NULL",
                     "iIt", id, a->user_id, now);
        if (rc == DJ_OK)
            rc = audit_row(c, a, "receive", "dues_remittance", id, before, dues_remit_get);
    }
    json_decref(before);
    return rc;
}

#define REMIT_SELECT                                                                                                   \
    "SELECT x.id, x.from_org_id, f.name AS from_name, x.to_org_id, x.to_name, x.amount_fen, x.period_from,"          \
    " x.period_to, x.remitted_on, x.receipt_no, x.note, x.created_at, cu.name AS created_by_name, x.received_at,"     \
    " ru.name AS received_by_name FROM dues_remittances x JOIN orgs f ON f.id = x.from_org_id"                        \
    " LEFT JOIN users cu ON cu.id = x.created_by LEFT JOIN users ru ON ru.id = x.received_by"

json_t *dues_remit_get(db_conn *c, int64_t id, int *err)
{
    return db_query_row(c, err, REMIT_SELECT " WHERE x.id = $1", "i", id);
}

json_t *dues_remits_list(db_conn *c, const char *org_path, int year, int *err)
{
    char yy[8] = "";
    if (year)
        snprintf(yy, sizeof yy, "%04d", year % 10000);
    return db_query_rows(c, err,
                         REMIT_SELECT " WHERE (f.path >= $1 AND f.path < $1 || ':' OR x.to_org_id IN"
                                      " (SELECT t.id FROM orgs t WHERE t.path >= $1 AND t.path < $1 || ':'))"
                                      " AND ($2 = '' OR x.period_from LIKE $2 || '%' OR x.period_to LIKE $2 || '%')"
                                      " ORDER BY x.remitted_on DESC, x.id DESC LIMIT 500",
                         "tt", org_path, yy);
}
