/* dues_view.c - what the screens show, computed from the members a subtree
 * keeps (dues_roster_load) and the rules of dues.c: 我的党费, the branch's
 * monthly sheet, arrears with their 3- and 6-month levels, the committee's
 * collection and remittance summary, and the collection rate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/mem.h"
#include "../core/readcache.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "dues.h"

/* How far back arrears are looked for (a streak longer than this reads as this). */
#define ARREARS_LOOKBACK 36

static json_t *month_json(const struct dues_month_row *row)
{
    char mt[8];
    dues_month_format(row->month, mt);
    return json_pack("{s:s, s:s, s:I, s:I}", "month", mt, "state", dues_state_codes[row->state], "due_fen",
                     (json_int_t)row->due_fen, "paid_fen", (json_int_t)row->paid_fen);
}

static const char *level_code(int level)
{
    return level == 2 ? "flag" : level == 1 ? "warn" : "none";
}

struct levels {
    int warn, flag;
};
static void levels_load(db_conn *c, struct levels *l)
{
    l->warn = (int)dj_setting_int(c, "dues.warn_months", 3);
    l->flag = (int)dj_setting_int(c, "dues.flag_months", 6);
}

/* The arrears of a member as of the running month: the streak and the unpaid months. */
static int member_streak(const struct dues_member *m, dues_month current, json_t *unpaid, int64_t *owed)
{
    dues_month from = current - ARREARS_LOOKBACK;
    struct dues_month_row rows[ARREARS_LOOKBACK + 1];
    dues_member_rows(m, from, current, rows);
    int streak = dues_unpaid_streak(rows, ARREARS_LOOKBACK + 1, current - 1);
    *owed = 0;
    for (int i = 0; i <= ARREARS_LOOKBACK; i++) {
        if (rows[i].month >= current)
            break;
        if (rows[i].state == DUES_UNPAID || rows[i].state == DUES_SHORT) {
            *owed += rows[i].due_fen - rows[i].paid_fen;
            if (unpaid)
                json_array_append_new(unpaid, month_json(&rows[i]));
        }
    }
    return streak;
}

static json_t *rate_text(int rate_bp)
{
    if (rate_bp < 0)
        return json_null();
    char t[16];
    if (rate_bp % 100 == 0)
        snprintf(t, sizeof t, "%d%%", rate_bp / 100);
    else if (rate_bp % 10 == 0)
        snprintf(t, sizeof t, "%d.%d%%", rate_bp / 100, rate_bp % 100 / 10);
    else
        snprintf(t, sizeof t, "%d.%02d%%", rate_bp / 100, rate_bp % 100);
    return json_string(t);
}

/* ---------------------------------------------------------------- 我的党费 */

static json_t *current_base_json(const struct dues_member *m, dues_month current)
{
    const struct dues_base *b = dues_base_at(&m->f, current);
    if (!b && m->f.nbases)
        b = &m->f.bases[0]; /* a base that starts later: show what is coming */
    if (!b)
        return json_null();
    int64_t due = 0;
    int bp = -1;
    dues_monthly_fen(m->f.rates, m->f.nrates, b, current < b->from ? b->from : current, &due, &bp);
    char from[8];
    dues_month_format(b->from, from);
    return json_pack("{s:s, s:s, s:I, s:s, s:o, s:o, s:I}", "category", dues_categories[b->category],
                     "category_label", dues_category_names[b->category], "base_fen",
                     (json_int_t)(dues_category_has_base(b->category) ? b->base_fen : 0), "effective_month", from,
                     "rate_bp", bp >= 0 ? json_integer(bp) : json_null(), "rate", rate_text(bp), "monthly_fen",
                     (json_int_t)due);
}

/* The annual declaration: open in its month (setting dues.declaration_month),
 * done once this year's is in and not turned down. */
static const char declared_sql[] = "SELECT COUNT(*) FROM dues_bases WHERE person_id = $1 AND declaration_year = $2"
                                   " AND status <> 'rejected'";

static json_t *declaration_json(db_conn *c, int64_t person_id, bool member, dues_month current, int *rc)
{
    int year = dues_month_year(current);
    int64_t decl_month = dj_setting_int(c, "dues.declaration_month", 1);
    int64_t done = 0;
    *rc = db_query_i64(c, &done, declared_sql, "ii", person_id, (int64_t)year);
    if (*rc)
        return NULL;
    return json_pack("{s:i, s:b, s:b}", "year", year, "open", member && dues_month_mon(current) == decl_month, "done",
                     done > 0);
}

json_t *dues_member_view(db_conn *c, int64_t person_id, int *err)
{
    struct dues_roster ro;
    int rc = dues_roster_load(c, "/", person_id, -1, &ro);
    json_t *out = NULL;
    if (rc)
        goto out;
    int e = 0;
    json_t *p = db_query_row(c, &e,
                             "SELECT p.id AS person_id, p.name, p.party_status, p.joined_on, o.name AS org_name"
                             " FROM people p LEFT JOIN orgs o ON o.id = p.org_id WHERE p.id = $1",
                             "i", person_id);
    if (!p) {
        rc = e;
        goto out;
    }
    dues_month current = dues_month_at(dj_now());
    char cur[8];
    dues_month_format(current, cur);
    out = p;
    json_object_set_new(out, "current_month", json_string(cur));
    const struct dues_member *m = NULL;
    for (size_t i = 0; i < ro.n; i++)
        if (ro.m[i].f.end < 0)
            m = &ro.m[i];
    json_object_set_new(out, "is_member", json_boolean(m != NULL));
    struct levels lv;
    levels_load(c, &lv);
    json_t *months = json_array(), *unpaid = json_array();
    int64_t owed = 0;
    int streak = 0;
    if (m) {
        dues_month first = dues_first_month(&m->f);
        dues_month from = current - 11 > first && first >= 0 ? current - 11 : first >= 0 ? first : current;
        for (dues_month mo = current; mo >= from; mo--) {
            struct dues_month_row row;
            dues_month_compute(&m->f, mo, dues_member_paid(m, mo), &row);
            json_array_append_new(months, month_json(&row));
            if (mo == current)
                json_object_set_new(out, "this_month", month_json(&row));
        }
        streak = member_streak(m, current, unpaid, &owed);
        json_object_set_new(out, "base", current_base_json(m, current));
        json_object_set_new(out, "no_base", json_boolean(m->f.nbases == 0));
    } else {
        json_object_set_new(out, "base", json_null());
        json_object_set_new(out, "no_base", json_false());
    }
    if (!json_object_get(out, "this_month"))
        json_object_set_new(out, "this_month", json_null());
    json_object_set_new(out, "months", months);
    json_object_set_new(out, "unpaid", unpaid);
    json_object_set_new(out, "owed_fen", json_integer(owed));
    json_object_set_new(out, "streak", json_integer(streak));
    json_object_set_new(out, "level", json_string(level_code(dues_arrears_level(streak, lv.warn, lv.flag))));
    int64_t total = 0;
    json_t *pays = dues_payments_list(c, "/", person_id, NULL, 0, 50, 0, &total, &rc);
    if (!pays)
        goto fail;
    json_object_set_new(out, "payments", pays);
    json_t *bases = dues_bases_of(c, person_id, &rc);
    if (!bases)
        goto fail;
    json_object_set_new(out, "bases", bases);
    json_t *decl = declaration_json(c, person_id, m != NULL, current, &rc);
    if (!decl)
        goto fail;
    json_object_set_new(out, "declaration", decl);
    rc = DJ_OK;
    goto out;
fail:
    json_decref(out);
    out = NULL;
out:
    dues_roster_free(&ro);
    if (err)
        *err = rc;
    return out;
}

void dues_member_due_prefetch(db_conn *c, int64_t person_id)
{
    dues_roster_prefetch_one(c, person_id);
    db_prefetch(c, declared_sql, "ii", person_id, (int64_t)dues_month_year(dues_month_at(dj_now())));
}

int dues_member_due(db_conn *c, int64_t person_id, struct dues_member_due *out)
{
    memset(out, 0, sizeof *out);
    struct dues_roster ro;
    int rc = dues_roster_load(c, "/", person_id, -1, &ro);
    if (rc)
        return rc;
    const struct dues_member *m = NULL;
    for (size_t i = 0; i < ro.n; i++)
        if (ro.m[i].f.end < 0)
            m = &ro.m[i];
    dues_month current = dues_month_at(dj_now());
    if (m) {
        json_t *unpaid = json_array();
        member_streak(m, current, unpaid, &out->owed_fen);
        out->unpaid = json_array_size(unpaid);
        json_decref(unpaid);
    }
    json_t *decl = declaration_json(c, person_id, m != NULL, current, &rc);
    if (decl) {
        out->year = (int)dj_jint(decl, "year", 0);
        out->declaration_open = json_is_true(json_object_get(decl, "open"));
        out->declaration_done = json_is_true(json_object_get(decl, "done"));
        json_decref(decl);
        rc = DJ_OK;
    }
    dues_roster_free(&ro);
    return rc;
}

/* ---------------------------------------------------------------- the monthly sheet */

/* {id: name} of the organisations members' dues are kept by, for labels. */
static json_t *org_names(db_conn *c, const struct dues_roster *ro, int *err)
{
    dj_buf b = {0};
    dj_buf_puts(&b, "SELECT id, name FROM orgs WHERE id IN (0");
    /* the roster comes ordered by branch: each id once (a city has thousands of members a branch list) */
    for (size_t i = 0; i < ro->n; i++)
        if (i == 0 || ro->m[i].branch_id != ro->m[i - 1].branch_id)
            dj_buf_printf(&b, ",%lld", (long long)ro->m[i].branch_id);
    dj_buf_puts(&b, ")");
    json_t *rows = db_query_rows_dynamic(c, err, dj_buf_cstr(&b), "");
    dj_buf_free(&b);
    if (!rows)
        return NULL;
    json_t *names = json_object();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        char k[24];
        snprintf(k, sizeof k, "%lld", (long long)dj_jint(r, "id", 0));
        json_object_set(names, k, json_object_get(r, "name"));
    }
    json_decref(rows);
    return names;
}

/* The agency's name for headers: the setting, or the root organisation's name
 * while the setting still holds init's placeholder. Heap. */
static char *agency_name(db_conn *c)
{
    char *s = dj_setting_text(c, "agency.name", "");
    if (!*s || strcmp(s, "机关党委") == 0) {
        char *org = NULL;
        if (db_query_text(c, &org, "SELECT name FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1", "") == DJ_OK) {
            free(s);
            return org;
        }
    }
    return s;
}

static const char *name_of(json_t *names, int64_t id)
{
    char k[24];
    snprintf(k, sizeof k, "%lld", (long long)id);
    return json_string_value(json_object_get(names, k)) ? json_string_value(json_object_get(names, k)) : "";
}

/* One member's row of the sheet; takes the reference to cells. */
static json_t *sheet_member(const struct dues_member *m, json_t *names, dues_month jan, dues_month current,
                            const struct levels *lv, int64_t due, int64_t paid, int64_t shortfall, json_t *cells)
{
    int64_t owed = 0;
    int streak = m->f.end < 0 ? member_streak(m, current, NULL, &owed) : 0;
    const struct dues_base *b = dues_base_at(&m->f, current < jan + 11 ? current : jan + 11);
    char end[8] = "";
    if (m->f.end >= 0)
        dues_month_format(m->f.end, end);
    json_t *row = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s?, s:s?, s:I, s:I, s:I, s:I, s:i, s:s, s:s?}", "person_id",
                            (json_int_t)m->person_id, "name", m->name, "party_status", m->status, "branch_id",
                            (json_int_t)m->branch_id, "branch_name", name_of(names, m->branch_id), "category",
                            b ? dues_categories[b->category] : NULL, "category_label",
                            b ? dues_category_names[b->category] : NULL, "base_fen",
                            (json_int_t)(b && dues_category_has_base(b->category) ? b->base_fen : 0), "due_fen",
                            (json_int_t)due, "paid_fen", (json_int_t)paid, "short_fen", (json_int_t)shortfall,
                            "streak", streak, "level", level_code(dues_arrears_level(streak, lv->warn, lv->flag)),
                            "left_month", *end ? end : NULL);
    json_object_set_new(row, "cells", cells);
    return row;
}

json_t *dues_sheet(db_conn *c, int64_t org_id, int year, int *err)
{
    int rc = DJ_OK;
    json_t *org = dues_org_get(c, org_id, &rc), *out = NULL, *names = NULL;
    struct dues_roster ro = {0};
    if (!org)
        goto out;
    const char *path = dj_jstr(org, "path", "/");
    dues_month jan = dues_month_of(year, 1), current = dues_month_at(dj_now());
    if ((rc = dues_roster_load(c, path, 0, jan, &ro)))
        goto out;
    if (!(names = org_names(c, &ro, &rc)))
        goto out;
    struct levels lv;
    levels_load(c, &lv);
    json_t *members = json_array(), *months = json_array();
    int64_t mdue[12] = {0}, mpaid[12] = {0}, mcount[12] = {0}, mpaidn[12] = {0};
    for (int k = 0; k < 12; k++) {
        char mt[8];
        dues_month_format(jan + k, mt);
        json_array_append_new(months, json_string(mt));
    }
    for (size_t i = 0; i < ro.n; i++) {
        const struct dues_member *m = &ro.m[i];
        struct dues_month_row rows[12];
        dues_member_rows(m, jan, jan + 11, rows);
        json_t *cells = json_array();
        int64_t due = 0, paid = 0, shortfall = 0;
        bool any = false;
        for (int k = 0; k < 12; k++) {
            json_array_append_new(cells, month_json(&rows[k]));
            /* due so far: the months that are over, and the running one once paid */
            bool counted = rows[k].month <= current && rows[k].state != DUES_NOT_DUE &&
                           !(rows[k].month == current && rows[k].paid_fen == 0);
            any = any || rows[k].state != DUES_NOT_DUE;
            paid += rows[k].paid_fen;
            mpaid[k] += rows[k].paid_fen;
            if (!counted)
                continue;
            due += rows[k].due_fen;
            mdue[k] += rows[k].due_fen;
            mcount[k] += rows[k].due_fen > 0;
            mpaidn[k] += rows[k].state == DUES_PAID && rows[k].due_fen > 0;
            if (rows[k].due_fen > rows[k].paid_fen)
                shortfall += rows[k].due_fen - rows[k].paid_fen;
        }
        if (!any) {
            json_decref(cells);
            continue;
        }
        json_array_append_new(members, sheet_member(m, names, jan, current, &lv, due, paid, shortfall, cells));
    }
    json_t *totals = json_array();
    int64_t tdue = 0, tpaid = 0;
    for (int k = 0; k < 12; k++) {
        json_array_append_new(totals, json_pack("{s:O, s:I, s:I, s:I, s:I}", "month", json_array_get(months, k),
                                                "due_fen", (json_int_t)mdue[k], "paid_fen", (json_int_t)mpaid[k],
                                                "members_due", (json_int_t)mcount[k], "members_paid",
                                                (json_int_t)mpaidn[k]));
        tdue += mdue[k];
        tpaid += mpaid[k];
    }
    char *agency = agency_name(c);
    char cur[8];
    dues_month_format(current, cur);
    out = json_pack("{s:{s:I, s:s, s:s}, s:i, s:s, s:s, s:o, s:o, s:o, s:I, s:I}", "org", "id", (json_int_t)org_id,
                    "name", dj_jstr(org, "name", ""), "kind", dj_jstr(org, "kind", ""), "year", year, "current_month",
                    cur, "agency", agency, "months", months, "members", members, "totals", totals, "due_fen",
                    (json_int_t)tdue, "paid_fen", (json_int_t)tpaid);
    free(agency);
out:
    json_decref(org);
    json_decref(names);
    dues_roster_free(&ro);
    if (err)
        *err = rc;
    return out;
}

/* ---------------------------------------------------------------- arrears */

static json_t *arrears_compute(db_conn *c, const char *org_path, int *err)
{
    struct dues_roster ro;
    int rc = dues_roster_load(c, org_path, 0, -1, &ro);
    json_t *out = NULL, *names = NULL;
    if (rc || !(names = org_names(c, &ro, &rc)))
        goto out;
    struct levels lv;
    levels_load(c, &lv);
    dues_month current = dues_month_at(dj_now());
    json_t *items = json_array();
    int nwarn = 0, nflag = 0, nobase = 0;
    for (size_t i = 0; i < ro.n; i++) {
        const struct dues_member *m = &ro.m[i];
        if (m->f.end >= 0)
            continue; /* dues ended there: the new branch follows them up */
        if (m->f.nbases == 0 && m->f.start >= 0)
            nobase++;
        int64_t owed = 0;
        json_t *unpaid = json_array();
        int streak = member_streak(m, current, unpaid, &owed);
        if (json_array_size(unpaid) == 0) {
            json_decref(unpaid);
            continue;
        }
        int level = dues_arrears_level(streak, lv.warn, lv.flag);
        nwarn += level == 1;
        nflag += level == 2;
        json_array_append_new(items, json_pack("{s:I, s:s, s:I, s:s, s:i, s:s, s:I, s:o}", "person_id",
                                               (json_int_t)m->person_id, "name", m->name, "branch_id",
                                               (json_int_t)m->branch_id, "branch_name", name_of(names, m->branch_id),
                                               "streak", streak, "level", level_code(level), "owed_fen",
                                               (json_int_t)owed, "unpaid", unpaid));
    }
    /* the longest streaks first */
    size_t n = json_array_size(items);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && dj_jint(json_array_get(items, j), "streak", 0) >
                                        dj_jint(json_array_get(items, j - 1), "streak", 0);
             j--) {
            json_t *x = json_incref(json_array_get(items, j));
            json_array_set(items, j, json_array_get(items, j - 1));
            json_array_set_new(items, j - 1, x);
        }
    out = json_pack("{s:o, s:i, s:i, s:i, s:i, s:i}", "items", items, "warn", nwarn, "flag", nflag, "no_base",
                    nobase, "warn_months", lv.warn, "flag_months", lv.flag);
out:
    json_decref(names);
    dues_roster_free(&ro);
    if (err)
        *err = rc;
    return out;
}

/* A subtree's arrears are read by the org tree, the to-do lists and the
 * dashboard, all from the same roster: computed once for them all (readcache.h;
 * the caller has checked the reader's scope over org_path). */
json_t *dues_arrears(db_conn *c, const char *org_path, int *err)
{
    char month[8], key[160];
    dues_month_format(dues_month_at(dj_now()), month);
    snprintf(key, sizeof key, "dues.arrears %s %s", month, org_path);
    uint64_t gen;
    json_t *out = dj_rcache_get(c, key, &gen);
    if (out) {
        if (err)
            *err = DJ_OK;
        return out;
    }
    out = arrears_compute(c, org_path, err);
    if (out)
        dj_rcache_put(key, out, gen);
    return out;
}

/* ---------------------------------------------------------------- the committee's summary */

struct sums {
    int64_t due, paid, covered; /* covered: paid up to each month's due */
    int members;
};

/* Due and paid over from..to; the running month (current) counts once it is paid,
 * so the rate does not drop on the first of each month. */
static void member_sums(const struct dues_member *m, dues_month from, dues_month to, dues_month current,
                        struct sums *s)
{
    bool any = false;
    for (dues_month mo = from; mo <= to; mo++) {
        struct dues_month_row row;
        dues_month_compute(&m->f, mo, dues_member_paid(m, mo), &row);
        if (row.state == DUES_NOT_DUE)
            continue;
        any = true;
        if (mo == current && row.paid_fen == 0)
            continue;
        s->due += row.due_fen;
        s->paid += row.paid_fen;
        s->covered += row.paid_fen < row.due_fen ? row.paid_fen : row.due_fen;
    }
    s->members += any;
}

int dues_collection(db_conn *c, const char *org_path, int year, int64_t *due, int64_t *paid, int *members)
{
    struct dues_roster ro;
    dues_month jan = dues_month_of(year, 1), current = dues_month_at(dj_now());
    dues_month last = current < jan + 11 ? current : jan + 11;
    int rc = dues_roster_load(c, org_path, 0, jan, &ro);
    if (rc)
        return rc;
    struct sums s = {0};
    for (size_t i = 0; i < ro.n; i++)
        member_sums(&ro.m[i], jan, last, current, &s);
    *due = s.due;
    *paid = s.covered;
    *members = s.members;
    dues_roster_free(&ro);
    return DJ_OK;
}

json_t *dues_summary(db_conn *c, int64_t org_id, int year, int *err)
{
    int rc = DJ_OK;
    json_t *org = dues_org_get(c, org_id, &rc), *out = NULL, *branches = NULL;
    struct dues_roster ro = {0};
    if (!org)
        goto out;
    const char *path = dj_jstr(org, "path", "/");
    dues_month jan = dues_month_of(year, 1), current = dues_month_at(dj_now());
    dues_month last = current < jan + 11 ? current : jan + 11;
    if ((rc = dues_roster_load(c, path, 0, jan, &ro)))
        goto out;
    if (!(branches = dues_branches_under(c, path, &rc)))
        goto out;
    char yy[8];
    snprintf(yy, sizeof yy, "%04d", year % 10000);
    json_t *items = json_array();
    struct sums all = {0};
    int64_t all_collected = 0, all_remitted = 0;
    size_t i;
    json_t *b;
    json_array_foreach(branches, i, b) {
        int64_t bid = dj_jint(b, "id", 0);
        struct sums s = {0};
        for (size_t k = 0; k < ro.n; k++)
            if (ro.m[k].branch_id == bid)
                member_sums(&ro.m[k], jan, last, current, &s);
        int64_t collected = 0, remitted = 0;
        if ((rc = db_query_i64(c, &collected,
                               "SELECT COALESCE(SUM(amount_fen), 0) FROM dues_payments WHERE branch_id = $1"
                               " AND status = 'confirmed' AND paid_on LIKE $2 || '%'",
                               "it", bid, yy)) ||
            (rc = db_query_i64(c, &remitted,
                               "SELECT COALESCE(SUM(amount_fen), 0) FROM dues_remittances WHERE from_org_id = $1"
                               " AND period_from LIKE $2 || '%'",
                               "it", bid, yy)))
            goto fail;
        json_array_append_new(items, json_pack("{s:I, s:s, s:i, s:I, s:I, s:I, s:I, s:I}", "org_id", (json_int_t)bid,
                                               "name", dj_jstr(b, "name", ""), "members", s.members, "due_fen",
                                               (json_int_t)s.due, "paid_fen", (json_int_t)s.covered,
                                               "collected_fen", (json_int_t)collected, "remitted_fen",
                                               (json_int_t)remitted, "to_remit_fen",
                                               (json_int_t)(collected - remitted)));
        all.due += s.due;
        all.covered += s.covered;
        all.members += s.members;
        all_collected += collected;
        all_remitted += remitted;
    }
    /* what this organisation itself passed on up (a committee to the higher committee) */
    int64_t up = 0;
    if ((rc = db_query_i64(c, &up,
                           "SELECT COALESCE(SUM(amount_fen), 0) FROM dues_remittances WHERE from_org_id = $1"
                           " AND period_from LIKE $2 || '%'",
                           "it", org_id, yy)))
        goto fail;
    json_t *remits = dues_remits_list(c, path, year, &rc);
    if (!remits)
        goto fail;
    out = json_pack("{s:{s:I, s:s, s:s}, s:i, s:o, s:{s:i, s:I, s:I, s:I, s:I, s:I}, s:o}", "org", "id",
                    (json_int_t)org_id, "name", dj_jstr(org, "name", ""), "kind", dj_jstr(org, "kind", ""), "year",
                    year, "branches", items, "total", "members", all.members, "due_fen", (json_int_t)all.due,
                    "paid_fen", (json_int_t)all.covered, "collected_fen", (json_int_t)all_collected, "remitted_fen",
                    (json_int_t)all_remitted, "remitted_up_fen", (json_int_t)up, "remittances", remits);
    goto out;
fail:
    json_decref(items);
out:
    json_decref(org);
    json_decref(branches);
    dues_roster_free(&ro);
    if (err)
        *err = rc;
    return out;
}
