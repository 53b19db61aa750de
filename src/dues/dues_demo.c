/* dues_demo.c - this subject's part of the demo agency, relative to the clock:
 * a base for every party member (employed ones in each tier, the retirees'
 * branch on pensions either side of 5000 yuan, one student), payroll numbers,
 * a year of payments through the real path (payroll each month, retirees in
 * cash a quarter at a time, some by bank transfer), one member 3 months behind
 * and one 6 months behind, a short month, a 免交 approved and a 少交 waiting for
 * the committee, a member's transfer waiting for confirmation, a declaration
 * waiting for review, and quarterly remittance up the tree.  For trying the
 * product only. */
#include <stdio.h>
#include <string.h>

#include "../core/err.h"
#include "../core/timeutil.h"
#include "dues.h"

/* Employed bases in yuan x 100, one per tier and a few more; picked by person. */
static const int64_t employed_bases[] = {285000, 345650, 420000, 498000, 568000, 682000, 765000, 890000, 1025000,
                                         1260000};
static const int64_t retired_bases[] = {380000, 465000, 520000, 610000};

static void date_in(dues_month mo, int day, char out[11])
{
    char t[32];
    snprintf(t, sizeof t, "%04d-%02d-%02d", dues_month_year(mo) % 10000, dues_month_mon(mo), day % 100);
    memcpy(out, t, 11);
}

static int64_t user_of(db_conn *c, const char *login)
{
    int64_t id = 0;
    db_query_i64(c, &id, "SELECT id FROM users WHERE login = $1", "t", login);
    return id;
}

/* The bases: most from a year ago, some with a raise four months ago. */
static int demo_bases(db_conn *c, struct dues_actor *sec, dues_month current, int64_t *student)
{
    int err = 0;
    json_t *people = db_query_rows(c, &err,
                                   "SELECT p.id, p.party_status, p.joined_on, o.name AS org_name FROM people p"
                                   " JOIN orgs o ON o.id = p.org_id WHERE p.active = 1"
                                   " AND p.party_status IN ('full', 'probationary') ORDER BY p.id",
                                   "");
    if (!people)
        return err;
    int rc = DJ_OK;
    size_t i;
    json_t *p;
    *student = 0;
    json_array_foreach(people, i, p) {
        if (rc)
            break;
        int64_t id = dj_jint(p, "id", 0);
        bool retired = strstr(dj_jstr(p, "org_name", ""), "离退休") != NULL;
        dues_month start = dues_start_from_joined(dj_jstr(p, "joined_on", NULL));
        dues_month from = start > current - 12 ? start : current - 12;
        struct dues_base_in b = {.person_id = id, .effective = from, .fixed_fen = -1, .source = "branch",
                                 .note = "根据工资表核定"};
        if (retired) {
            b.category = DUES_RETIRED;
            b.base_fen = retired_bases[id % 4];
            b.note = "根据离退休费核定";
        } else if (!*student && strcmp(dj_jstr(p, "party_status", ""), "probationary") == 0) {
            /* a probationary member still in full-time study (在读研究生) */
            b.category = DUES_STUDENT;
            b.note = "在读研究生，按学生党员标准交纳";
            *student = id;
        } else {
            b.category = DUES_EMPLOYED;
            b.base_fen = employed_bases[id % 10];
        }
        int64_t bid;
        char staff[16];
        snprintf(staff, sizeof staff, "GZ%05lld", (long long)id);
        rc = dues_profile_set(c, id, staff, NULL);
        if (rc == DJ_OK)
            rc = dues_base_add(c, sec, &b, &bid);
        if (rc == DJ_OK && b.category == DUES_EMPLOYED && id % 5 == 0 && from < current - 4) {
            /* 职级晋升 four months ago: the new base from the month of the new salary */
            b.effective = current - 4;
            b.base_fen += 60000;
            b.note = "职级晋升，工资调整";
            rc = dues_base_add(c, sec, &b, &bid);
        }
    }
    json_decref(people);
    return rc;
}

struct plan {
    int64_t behind3, behind6, short_one, waived, reporter;
};

static int pay(db_conn *c, struct dues_actor *a, int64_t person, int64_t branch, const dues_month *months, size_t n,
               int64_t amount, const char *method, const char *paid_on, const char *status, const char *note)
{
    char receipt[32];
    snprintf(receipt, sizeof receipt, "DF%04d%02d-%05lld", dues_month_year(months[0]) % 10000,
             dues_month_mon(months[0]), (long long)person);
    struct dues_payment_in in = {
        .person_id = person, .branch_id = branch, .months = months, .nmonths = n, .amount_fen = amount,
        .method = method, .paid_on = paid_on, .status = status, .note = note,
        .receipt_no = strcmp(method, "cash") == 0 ? receipt : NULL,
        .bank_ref = strcmp(method, "bank") == 0 ? "6222 0213 0000 8866" : NULL,
    };
    int64_t id;
    bool dup;
    char why[200];
    int rc = dues_payment_add(c, a, &in, &id, &dup, why);
    /* a month the rules refuse (not due, waived) is simply not paid in the demo */
    return rc == DJ_EUNPROCESSABLE || rc == DJ_ECONFLICT ? DJ_OK : rc;
}

/* One member's year: payroll on the 10th, retirees in cash each quarter, the
 * planted arrears, the short month and the reported transfer. */
static int member_year(db_conn *c, struct dues_actor *a, const struct dues_member *m, const struct plan *pl,
                       dues_month current, int today_day)
{
    dues_month first = dues_first_month(&m->f);
    if (first < 0)
        return DJ_OK;
    dues_month last = current - 1;
    if (m->person_id == pl->behind3)
        last = current - 4;
    else if (m->person_id == pl->behind6)
        last = current - 7;
    bool retired = m->f.nbases && m->f.bases[0].category == DUES_RETIRED;
    int rc = DJ_OK;
    char on[11];
    if (retired) {
        /* a quarter at once, in cash, at the start of each quarter */
        for (dues_month q = first - (dues_month_mon(first) - 1) % 3; q <= current && rc == DJ_OK; q += 3) {
            dues_month months[3];
            size_t n = 0;
            int64_t amount = 0;
            for (dues_month mo = q; mo < q + 3; mo++) {
                struct dues_month_row row;
                dues_month_compute(&m->f, mo, 0, &row);
                if (row.state == DUES_UNPAID) {
                    months[n++] = mo;
                    amount += row.due_fen;
                }
            }
            date_in(q, 5, on);
            if (n && (q < current || today_day >= 5))
                rc = pay(c, a, m->person_id, m->branch_id, months, n, amount, "cash", on, "confirmed", "按季度交纳");
        }
        return rc;
    }
    for (dues_month mo = first; mo <= current && rc == DJ_OK; mo++) {
        if (mo > last && !(mo == current && m->person_id != pl->behind3 && m->person_id != pl->behind6 &&
                           today_day >= 10))
            continue;
        struct dues_month_row row;
        dues_month_compute(&m->f, mo, dues_member_paid(m, mo), &row);
        if (row.state != DUES_UNPAID)
            continue;
        int64_t amount = row.due_fen;
        if (m->person_id == pl->short_one && mo == current - 2)
            amount = row.due_fen / 2; /* the payroll deducted half: the branch follows it up */
        if (m->person_id == pl->reporter && mo == current - 1) {
            /* paid by bank transfer and reported from the phone, waiting for the branch */
            date_in(mo, 20, on);
            rc = pay(c, a, m->person_id, m->branch_id, &mo, 1, amount, "bank", on, "reported", "手机银行转账");
            continue;
        }
        date_in(mo, 10, on);
        const char *method = m->person_id % 7 == 3 ? "bank" : "payroll";
        rc = pay(c, a, m->person_id, m->branch_id, &mo, 1, amount, method, on, "confirmed",
                 strcmp(method, "payroll") == 0 ? "工资代扣" : "银行转账");
    }
    return rc;
}

/* Quarterly remittance of what each branch collected, and the committee's to the higher committee. */
static int demo_remit(db_conn *c, struct dues_actor *com, dues_month current)
{
    int err = 0;
    json_t *branches = dues_branches_under(c, "/1/", &err);
    if (!branches)
        return err;
    dues_month q0 = current - (dues_month_mon(current) - 1) % 3; /* this quarter's first month */
    int rc = DJ_OK;
    for (dues_month q = q0 - 12; q < q0 && rc == DJ_OK; q += 3) {
        char from[8], to[8], on[11];
        dues_month_format(q, from);
        dues_month_format(q + 2, to);
        date_in(q + 3, 8, on);
        int64_t total = 0;
        size_t i;
        json_t *b;
        json_array_foreach(branches, i, b) {
            int64_t sum = 0;
            rc = db_query_i64(c, &sum,
                              "SELECT COALESCE(SUM(pm.amount_fen), 0) FROM dues_payment_months pm"
                              " JOIN dues_payments x ON x.id = pm.payment_id WHERE x.branch_id = $1"
                              " AND x.status = 'confirmed' AND pm.month BETWEEN $2 AND $3",
                              "itt", dj_jint(b, "id", 0), from, to);
            if (rc || sum == 0)
                continue;
            struct dues_remit_in in = {.from_org_id = dj_jint(b, "id", 0), .to_org_id = 1, .to_name = "市政府办公室机关党委",
                                       .amount_fen = sum, .period_from = q, .period_to = q + 2, .remitted_on = on,
                                       .note = "按季度上缴"};
            int64_t id;
            bool dup;
            rc = dues_remit_add(c, com, &in, &id, &dup);
            if (rc == DJ_OK)
                rc = db_exec(c, "UPDATE dues_remittances SET received_by = $2, received_at = created_at WHERE id = $1",
                             "iI", id, com->user_id);
            total += sum;
        }
        if (rc == DJ_OK && total > 0) {
            date_in(q + 3, 15, on);
            struct dues_remit_in up = {.from_org_id = 1, .to_name = "中共江门市直属机关工作委员会",
                                       .amount_fen = total, .period_from = q, .period_to = q + 2, .remitted_on = on,
                                       .receipt_no = "SJ-DF", .note = "机关党委按季度上缴上级党委"};
            int64_t id;
            bool dup;
            rc = dues_remit_add(c, com, &up, &id, &dup);
        }
    }
    json_decref(branches);
    return rc;
}

/* Who is behind, short, waived and reporting: fixed picks among full members of
 * different branches (the demo member of the first branch pays on time). */
static int demo_plan(db_conn *c, struct plan *pl)
{
    int err = 0;
    json_t *picks = db_query_rows(c, &err,
                                  "SELECT p.id, o.sort FROM people p JOIN orgs o ON o.id = p.org_id"
                                  " WHERE p.party_status = 'full' AND p.active = 1 AND o.kind = 'branch'"
                                  " AND o.name NOT LIKE '%离退休%' ORDER BY o.sort, o.id, p.id",
                                  "");
    if (!picks)
        return err;
    int64_t last_sort = -1;
    int nb = 0;
    size_t i;
    json_t *pk;
    json_array_foreach(picks, i, pk) {
        if (dj_jint(pk, "sort", 0) == last_sort)
            continue;
        last_sort = dj_jint(pk, "sort", 0);
        /* the last full member listed directly in the branch (not its secretary) */
        int64_t id = dj_jint(pk, "id", 0);
        for (size_t k = i + 1; k < json_array_size(picks) && dj_jint(json_array_get(picks, k), "sort", 0) == last_sort;
             k++)
            id = dj_jint(json_array_get(picks, k), "id", 0);
        switch (nb++) {
        case 1: pl->behind3 = id; break;
        case 2: pl->behind6 = id; break;
        case 3: pl->short_one = id; break;
        case 4: pl->waived = id; break;
        case 5: pl->reporter = id; break;
        default: break;
        }
    }
    json_decref(picks);
    return DJ_OK;
}

/* 免交 approved by the committee, and a 少交 the branch decided, waiting for it. */
static int demo_reductions(db_conn *c, struct dues_actor *sec, struct dues_actor *com, const struct plan *pl,
                           dues_month current)
{
    int rc = DJ_OK;
    int64_t rid = 0;
    /* 免交 for three months of serious illness, approved by the committee */
    if (pl->waived) {
        struct dues_reduction_in w = {.person_id = pl->waived, .kind = "waive", .from = current - 5, .to = current - 3,
                                      .reason = "因病长期住院治疗，经济困难", .decided_on = ""};
        char on[11];
        date_in(current - 6, 20, on);
        w.decided_on = on;
        rc = dues_reduction_add(c, sec, &w, &rid);
        if (rc == DJ_OK)
            rc = dues_reduction_decide(c, com, rid, true, "同意免交三个月");
    }
    /* a 少交 the branch decided, waiting for the committee */
    if (rc == DJ_OK && pl->short_one) {
        struct dues_reduction_in s = {.person_id = pl->short_one, .kind = "reduce", .from = current, .to = current + 5,
                                      .amount_fen = 2000, .reason = "家庭遭遇变故，收入大幅减少", .decided_on = ""};
        char on[11];
        date_in(current, 1, on);
        s.decided_on = on;
        rc = dues_reduction_add(c, sec, &s, &rid);
    }
    return rc;
}

int dues_demo_load(db_conn *c, const char *password_hash)
{
    (void)password_hash;
    struct dues_actor sec = {.user_id = user_of(c, "demo-secretary")};
    struct dues_actor com = {.user_id = user_of(c, "demo-committee")};
    dues_month current = dues_month_at(dj_now());
    int y, mo, today_day;
    dj_local_date(dj_now(), &y, &mo, &today_day);
    int64_t student = 0;
    int rc = demo_bases(c, &sec, current, &student);
    if (rc)
        return rc;
    struct plan pl = {0};
    if ((rc = demo_plan(c, &pl)) || (rc = demo_reductions(c, &sec, &com, &pl, current)))
        return rc;

    struct dues_roster ro;
    if ((rc = dues_roster_load(c, "/", 0, -1, &ro)))
        return rc;
    for (size_t k = 0; k < ro.n && rc == DJ_OK; k++)
        rc = member_year(c, &com, &ro.m[k], &pl, current, today_day);
    dues_roster_free(&ro);
    if (rc)
        return rc;

    /* a member's declaration waiting for the branch: a raise from this month */
    if (pl.reporter) {
        struct dues_base_in d = {.person_id = pl.reporter, .effective = current, .category = DUES_EMPLOYED,
                                 .base_fen = 702000, .fixed_fen = -1, .source = "member",
                                 .note = "本月起工资调整，申报新的基数", .declaration_year = mo == 1 ? y : 0};
        int64_t id;
        struct dues_actor self = {.user_id = 0};
        rc = dues_base_add(c, &self, &d, &id);
    }
    (void)student;
    return rc == DJ_OK ? demo_remit(c, &com, current) : rc;
}
