/* transfers_store.c - the data of 组织关系转接: reading and listing transfers with
 * their flags, and each write (internal move, 介绍信 drafted, issued, reported,
 * 回执, renewed, withdrawn; incoming letter registered and placed), each keeping
 * the roster, the membership history and the dues in step in one transaction. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/json.h"
#include "../core/mem.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "../dues/dues.h"
#include "../orgs/orgs.h"
#include "../people/people.h"
#include "../people/people_history.h"
#include "transfers.h"

static int fail(struct tr_err *e, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(struct tr_err *e, int code, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    e->field = field;
    return code;
}

static void now_iso(char out[21]) { dj_time_iso(dj_now(), out); }

static int letter_months(db_conn *c) { return (int)dj_setting_int(c, "transfers.letter_months", 3); }

static tr_day day_of(const json_t *o, const char *key)
{
    tr_day d;
    return tr_day_parse(dj_jstr(o, key, NULL), &d) == DJ_OK ? d : -1;
}

#define TR_SELECT                                                                                                      \
    "SELECT t.id, t.kind, t.state, t.person_id, t.person_name, t.party_status, t.from_org_id, fo.name AS from_org_name," \
    " t.to_org_id, tg.name AS to_org_name, t.outside_org, t.letter_no, t.issued_on, t.valid_until, t.dues_paid_until,"   \
    " t.dues_override, t.reason, t.on_date, t.reported_on, t.receipt_no, t.receipt_on, t.receipt_file, t.renewed_on,"    \
    " t.renew_reason, t.renewed_from, t.withdrawn_on, t.withdraw_reason, t.person_data AS person_data__json,"           \
    " t.created_at, t.updated_at, p.gender, p.joined_on, p.full_on"                                                     \
    " FROM transfers t LEFT JOIN orgs fo ON fo.id = t.from_org_id LEFT JOIN orgs tg ON tg.id = t.to_org_id"            \
    " LEFT JOIN people p ON p.id = t.person_id"

/* Labels and flags, computed on the day they are read. */
static void decorate(json_t *o, tr_day today, int months)
{
    const char *kind = dj_jstr(o, "kind", ""), *state = dj_jstr(o, "state", "");
    json_object_set_new(o, "kind_label", json_string(tr_kind_label(kind)));
    json_object_set_new(o, "status_label", json_string(people_status_label(dj_jstr(o, "party_status", NULL))));
    struct tr_flags f;
    tr_flags_of(state, day_of(o, "issued_on"), day_of(o, "valid_until"), day_of(o, "reported_on"), today, months, &f);
    json_object_set_new(o, "expired", json_boolean(f.expired));
    json_object_set_new(o, "receipt_overdue", json_boolean(f.receipt_overdue));
    bool open = !strcmp(state, "issued") || !strcmp(state, "reported");
    json_object_set_new(o, "days_left", open ? json_integer(f.days_left) : json_null());
    json_object_set_new(o, "state_label", json_string(f.expired ? "已过期" : tr_state_label(kind, state)));
    json_object_set_new(o, "renewed", json_boolean(dj_jstr(o, "renewed_on", NULL) != NULL));
}

json_t *tr_get(db_conn *c, int64_t id, int *err)
{
    json_t *o = db_query_row(c, err, TR_SELECT " WHERE t.id = $1", "i", id);
    if (o)
        decorate(o, tr_today(), letter_months(c));
    return o;
}

int tr_orgs(db_conn *c, int64_t id, int64_t *from_org, int64_t *to_org, int64_t *person_id)
{
    int rc;
    json_t *o = db_query_row(c, &rc, "SELECT from_org_id, to_org_id, person_id FROM transfers WHERE id = $1", "i", id);
    if (!o)
        return rc;
    *from_org = dj_jint(o, "from_org_id", 0);
    *to_org = dj_jint(o, "to_org_id", 0);
    if (person_id)
        *person_id = dj_jint(o, "person_id", 0);
    json_decref(o);
    return DJ_OK;
}

json_t *tr_list(db_conn *c, const struct tr_filter *f, int64_t limit, int64_t offset, int64_t *total, int *err)
{
    tr_day today = tr_today();
    int months = letter_months(c);
    char t[11], overdue[11];
    tr_day_format(today, t);
    tr_day_format(tr_add_months(today, -months), overdue);
    dj_buf w = {0};
    dj_buf_printf(&w, " WHERE (%s)", f->scope ? f->scope : "1=1");
    /* one person's letters by the person's index (a plan kept for "$3 = 0 OR …" reads them all) */
    dj_buf_printf(&w, " AND ($1 = '' OR t.kind = $1) AND ($2 = '' OR t.state = $2) AND %s",
                  f->person_id ? "t.person_id = $3" : "$3 = 0");
    dj_buf_printf(&w, " AND ($4 = '' OR t.person_name LIKE '%%' || $4 || '%%' OR t.letter_no LIKE '%%' || $4 || '%%'"
                      " OR t.outside_org LIKE '%%' || $4 || '%%')");
    dj_buf_printf(&w, " AND ($5 = '' OR fo.path >= $5 AND fo.path < $5 || ':' OR tg.path >= $5 AND tg.path < $5 || ':')");
    if (f->flag && !strcmp(f->flag, "expired"))
        dj_buf_printf(&w, " AND t.state = 'issued' AND t.valid_until < $6");
    else if (f->flag && !strcmp(f->flag, "overdue"))
        dj_buf_printf(&w, " AND t.state IN ('issued', 'reported') AND t.issued_on < $7");
    else if (f->flag && !strcmp(f->flag, "open"))
        dj_buf_printf(&w, " AND t.state IN ('draft', 'issued', 'registered', 'reported')");
    dj_buf_printf(&w, " AND $6 <> '' AND $7 <> ''");
    char *count_sql = dj_asprintf("SELECT COUNT(*) AS n FROM transfers t LEFT JOIN orgs fo ON fo.id = t.from_org_id"
                                " LEFT JOIN orgs tg ON tg.id = t.to_org_id%s", dj_buf_cstr(&w));
    char *sql = dj_asprintf("SELECT * FROM (" TR_SELECT "%s) x ORDER BY x.created_at DESC, x.id DESC LIMIT %lld OFFSET %lld",
                          dj_buf_cstr(&w), (long long)limit, (long long)offset);
    json_t *rows = NULL, *cnt = NULL;
    const char *kind = f->kind ? f->kind : "", *state = f->state ? f->state : "", *q = f->q ? f->q : "",
               *path = f->org_path ? f->org_path : "";
    if (total) /* a caller that shows no total is spared the count */
        cnt = db_query_rows_dynamic(c, err, count_sql, "ttitttt", kind, state, f->person_id, q, path, t, overdue);
    if (cnt || !total)
        rows = db_query_rows_dynamic(c, err, sql, "ttitttt", kind, state, f->person_id, q, path, t, overdue);
    if (rows) {
        if (total)
            *total = dj_jint(json_array_get(cnt, 0), "n", 0);
        size_t i;
        json_t *o;
        json_array_foreach(rows, i, o) decorate(o, today, months);
    }
    json_decref(cnt);
    free(count_sql);
    free(sql);
    dj_buf_free(&w);
    return rows;
}

int64_t tr_by_key(db_conn *c, const char *key)
{
    int64_t id = 0;
    if (key && *key && db_query_i64(c, &id, "SELECT id FROM transfers WHERE client_key = $1", "t", key) != DJ_OK)
        id = 0;
    return id;
}

/* The next number of a series in a year, counted in the caller's transaction. */
static int next_number(db_conn *c, const char *series, int year, char out[64])
{
    int64_t n = 0;
    int rc = db_query_i64(c, &n,
                          "INSERT INTO transfer_numbers (series, year, last) VALUES ($1, $2, 1)"
                          " ON CONFLICT (series, year) DO UPDATE SET last = transfer_numbers.last + 1 RETURNING last",
                          "ti", series, (int64_t)year);
    if (rc == DJ_OK)
        tr_number(series, year, n, out);
    return rc;
}

static int year_of(tr_day d)
{
    int y, m, dd;
    dj_civil_from_days(d, &y, &m, &dd);
    return y;
}

static int month_of(tr_day d)
{
    int y, m, dd;
    dj_civil_from_days(d, &y, &m, &dd);
    return dues_month_of(y, m);
}

/* The person on the roster, with the org they belong to. */
static json_t *person_of(db_conn *c, int64_t id, struct tr_err *e, int *rc)
{
    json_t *p = db_query_row(c, rc,
                             "SELECT p.id, p.name, p.org_id, p.party_status, p.active AS active__bool, o.name AS org_name"
                             " FROM people p LEFT JOIN orgs o ON o.id = p.org_id WHERE p.id = $1",
                             "i", id);
    if (!p) {
        if (*rc == DJ_ENOTFOUND)
            *rc = fail(e, DJ_EINVAL, "person_id", "找不到该党员");
        return NULL;
    }
    if (!dj_jbool(p, "active", true) || !dj_jint(p, "org_id", 0)) {
        *rc = fail(e, DJ_EUNPROCESSABLE, "person_id", "%s已不在名册中或没有所在支部", dj_jstr(p, "name", ""));
        json_decref(p);
        return NULL;
    }
    const char *st = dj_jstr(p, "party_status", "");
    if (strcmp(st, "full") != 0 && strcmp(st, "probationary") != 0) {
        *rc = fail(e, DJ_EUNPROCESSABLE, "person_id", "%s不是正式党员或预备党员，没有党员组织关系可转接",
                   dj_jstr(p, "name", ""));
        json_decref(p);
        return NULL;
    }
    int64_t open = 0;
    if (db_query_i64(c, &open, "SELECT id FROM transfers WHERE person_id = $1 AND state IN ('draft', 'issued', 'reported')",
                     "i", id) == DJ_OK) {
        *rc = fail(e, DJ_ECONFLICT, "person_id", "%s已有一份正在办理的组织关系转接", dj_jstr(p, "name", ""));
        json_decref(p);
        return NULL;
    }
    *rc = DJ_OK;
    return p;
}

/* A branch the roster may place people in (branch, general branch, group; not dissolved). */
static int check_branch(db_conn *c, int64_t org, const char *field, struct tr_err *e)
{
    char *kind = NULL;
    int rc = db_query_text(c, &kind, "SELECT kind FROM orgs WHERE id = $1 AND dissolved_on IS NULL", "i", org);
    if (rc == DJ_ENOTFOUND)
        return fail(e, DJ_EINVAL, field, "找不到该支部或已撤销");
    if (rc)
        return rc;
    bool ok = !strcmp(kind, "branch") || !strcmp(kind, "group") || !strcmp(kind, "general_branch");
    free(kind);
    return ok ? DJ_OK : fail(e, DJ_EINVAL, field, "接收组织须为党支部、党总支或党小组");
}

static int history_branch(db_conn *c, const struct tr_actor *a, int64_t person, int64_t org, const char *on,
                          const char *event, int64_t transfer_id)
{
    struct people_event ev = {.person_id = person, .kind = "branch", .org_id = org, .on_date = on, .event = event,
                              .ref_kind = "transfer", .ref_id = transfer_id, .user_id = a->user_id};
    return people_history_add(c, &ev);
}

/* The dues of the branch a member leaves end with last_month (dues subject). */
static int dues_leave(db_conn *c, int64_t person, int last_month, const char *why)
{
    int64_t branch = 0;
    int rc = dues_person_branch(c, person, &branch, NULL);
    if (rc || !branch)
        return rc;
    char m[8];
    dues_month_format(last_month, m);
    return dues_member_left(c, person, branch, m, why);
}

int tr_internal(db_conn *c, const struct tr_actor *a, const json_t *in, int64_t *id, struct tr_err *e)
{
    int rc;
    int64_t person = dj_jint(in, "person_id", 0), to = dj_jint(in, "to_org_id", 0);
    json_t *p = person_of(c, person, e, &rc);
    if (!p)
        return rc;
    tr_day today = tr_today(), on = dj_jhas(in, "on_date") ? day_of(in, "on_date") : today;
    int64_t from = dj_jint(p, "org_id", 0);
    char on_s[11], now[21];
    tr_day_format(on, on_s);
    now_iso(now);
    char *last = NULL;
    if ((rc = check_branch(c, to, "to_org_id", e)))
        goto out;
    if (to == from) {
        rc = fail(e, DJ_EUNPROCESSABLE, "to_org_id", "%s已在%s，无需转接", dj_jstr(p, "name", ""),
                  dj_jstr(p, "org_name", ""));
        goto out;
    }
    if (on > today) {
        rc = fail(e, DJ_EINVAL, "on_date", "转接日期不能晚于今天");
        goto out;
    }
    rc = db_query_text(c, &last, "SELECT MAX(on_date) FROM person_history WHERE person_id = $1 AND kind = 'branch'", "i",
                       person);
    if (rc && rc != DJ_ENOTFOUND)
        goto out;
    if (last && strcmp(on_s, last) < 0) {
        rc = fail(e, DJ_EUNPROCESSABLE, "on_date", "转接日期不能早于其上一次组织关系变动（%s）", last);
        goto out;
    }
    /* the old branch's dues end with the month before the move, when the branch changes */
    int64_t old_branch = 0, new_branch = 0;
    if ((rc = dues_person_branch(c, person, &old_branch, NULL)))
        goto out;
    if ((rc = db_query_i64(c, &new_branch,
                           "SELECT COALESCE((SELECT b.id FROM orgs b WHERE b.kind = 'branch' AND o.path >= b.path AND o.path < b.path || ':'"
                           " ORDER BY LENGTH(b.path) DESC LIMIT 1), o.id) FROM orgs o WHERE o.id = $1",
                           "i", to)))
        goto out;
    rc = db_query_i64(c, id,
                      "INSERT INTO transfers (kind, state, person_id, person_name, party_status, from_org_id, to_org_id,"
                      " reason, on_date, client_key, created_by, created_at, updated_at)"
                      " VALUES ('internal', 'done', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
                      "ittiitttIt", person, dj_jstr(p, "name", ""), dj_jstr(p, "party_status", NULL), from, to,
                      dj_jstr(in, "reason", NULL), on_s, dj_jstr(in, "client_key", NULL), a->user_id, now);
    if (rc == DJ_OK)
        rc = orgs_stats_person(c, person, -1);
    if (rc == DJ_OK)
        rc = db_exec(c, "UPDATE people SET org_id = $1, updated_at = $2 WHERE id = $3", "iti", to, now, person);
    if (rc == DJ_OK)
        rc = orgs_stats_person(c, person, +1);
    /* posts in the old organisation end with the move */
    if (rc == DJ_OK)
        rc = db_exec(c, "DELETE FROM org_officers WHERE person_id = $1 AND org_id = $2", "ii", person, from);
    if (rc == DJ_OK)
        rc = history_branch(c, a, person, to, on_s, "transfer_internal", *id);
    /* a 流动党员 stays in care: the new branch's */
    if (rc == DJ_OK)
        rc = db_exec(c, "UPDATE flow_members SET org_id = $1, updated_at = $2 WHERE person_id = $3 AND ended_on IS NULL",
                     "iti", to, now, person);
    if (rc == DJ_OK && old_branch && old_branch != new_branch) {
        char m[8];
        dues_month_format(month_of(on) - 1, m);
        rc = dues_member_left(c, person, old_branch, m, "transfer_internal");
    }
out:
    free(last);
    json_decref(p);
    return rc;
}

int tr_out_create(db_conn *c, const struct tr_actor *a, const json_t *in, int64_t *id, struct tr_err *e)
{
    int rc;
    (void)a;
    int64_t person = dj_jint(in, "person_id", 0);
    json_t *p = person_of(c, person, e, &rc);
    if (!p)
        return rc;
    char now[21];
    now_iso(now);
    rc = db_query_i64(c, id,
                      "INSERT INTO transfers (kind, state, person_id, person_name, party_status, from_org_id, outside_org,"
                      " reason, client_key, created_by, created_at, updated_at)"
                      " VALUES ('out', 'draft', $1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
                      "ittitttIt", person, dj_jstr(p, "name", ""), dj_jstr(p, "party_status", NULL),
                      dj_jint(p, "org_id", 0), dj_jstr(in, "outside_org", ""), dj_jstr(in, "reason", NULL),
                      dj_jstr(in, "client_key", NULL), a->user_id, now);
    json_decref(p);
    return rc;
}

/* Loads a transfer for a write and checks the action is allowed in its state. */
static json_t *load_for(db_conn *c, int64_t id, enum tr_action act, struct tr_err *e, int *rc)
{
    json_t *t = db_query_row(c, rc, "SELECT * FROM transfers WHERE id = $1", "i", id);
    if (!t) {
        if (*rc == DJ_ENOTFOUND)
            *rc = fail(e, DJ_ENOTFOUND, "id", "找不到该转接记录");
        return NULL;
    }
    const char *why = tr_action_refused(dj_jstr(t, "kind", ""), dj_jstr(t, "state", ""), act);
    if (why) {
        *rc = fail(e, DJ_ECONFLICT, "state", "%s", why);
        json_decref(t);
        return NULL;
    }
    return t;
}

int tr_dues_status(db_conn *c, int64_t person_id, int month, char paid_until[8], int *owed, char first_owed[8])
{
    struct dues_roster ro = {0};
    *owed = 0;
    paid_until[0] = first_owed[0] = 0;
    int rc = dues_roster_load(c, "/", person_id, -1, &ro);
    if (rc)
        return rc;
    struct dues_member *m = NULL;
    for (size_t i = 0; i < ro.n; i++)
        if (ro.m[i].person_id == person_id && ro.m[i].f.end < 0)
            m = &ro.m[i];
    dues_month start = m ? dues_first_month(&m->f) : -1;
    if (m && start >= 0 && start <= month + 12) {
        size_t n = (size_t)(month + 12 - start + 1);
        struct dues_month_row *rows = calloc(n, sizeof *rows);
        int *months = calloc(n, sizeof *months);
        const char **states = calloc(n, sizeof *states);
        if (!rows || !months || !states)
            abort();
        dues_member_rows(m, start, month + 12, rows);
        dues_month last_paid = start - 1;
        bool run = true;
        for (size_t i = 0; i < n; i++) {
            months[i] = rows[i].month;
            states[i] = dues_state_codes[rows[i].state];
            bool ok = rows[i].state == DUES_PAID || rows[i].state == DUES_WAIVED || rows[i].state == DUES_NOT_DUE;
            if (run && ok)
                last_paid = rows[i].month;
            run = run && ok;
        }
        int first = -1;
        *owed = tr_dues_owed(months, states, n, month, &first);
        if (first >= 0)
            dues_month_format(first, first_owed);
        if (last_paid >= start)
            dues_month_format(last_paid, paid_until);
        free(rows);
        free(months);
        free(states);
    }
    dues_roster_free(&ro);
    return DJ_OK;
}

int tr_issue(db_conn *c, const struct tr_actor *a, int64_t id, const json_t *in, struct tr_err *e)
{
    (void)a;
    int rc;
    json_t *t = load_for(c, id, TR_ISSUE, e, &rc);
    if (!t)
        return rc;
    tr_day today = tr_today();
    tr_day issued = dj_jhas(in, "issued_on") ? day_of(in, "issued_on") : today;
    int months = letter_months(c);
    tr_day until = dj_jhas(in, "valid_until") ? day_of(in, "valid_until") : tr_add_months(issued, months);
    const char *why;
    char paid[8], first[8], no[64], is[11], us[11], now[21];
    int owed = 0;
    if (issued > today) {
        rc = fail(e, DJ_EINVAL, "issued_on", "开具日期不能晚于今天");
        goto out;
    }
    if ((why = tr_validity_refused(issued, until, months))) {
        rc = fail(e, DJ_EINVAL, "valid_until", "%s", why);
        goto out;
    }
    if ((rc = tr_dues_status(c, dj_jint(t, "person_id", 0), month_of(issued), paid, &owed, first)))
        goto out;
    const char *override = dj_jstr(in, "dues_override", NULL);
    if (owed > 0 && (!override || dj_str_blank(override))) {
        int y = atoi(first), mo = atoi(first + 5);
        rc = fail(e, DJ_EUNPROCESSABLE, "dues_override",
                  "%s尚欠%d个月党费（自%d年%d月起），请缴清后再开具介绍信；确需开具的，由机关党委填写理由",
                  dj_jstr(t, "person_name", ""), owed, y, mo);
        goto out;
    }
    if ((rc = next_number(c, "letter", year_of(issued), no)))
        goto out;
    tr_day_format(issued, is);
    tr_day_format(until, us);
    now_iso(now);
    rc = db_exec(c,
                 "UPDATE transfers SET state = 'issued', letter_no = $1, issued_on = $2, valid_until = $3,"
                 " dues_paid_until = $4, dues_override = $5, updated_at = $6 WHERE id = $7",
                 "tttttti", no, is, us, paid[0] ? paid : NULL, owed > 0 ? override : NULL, now, id);
    if (rc == DJ_OK)
        rc = tr_notify_letter(c, id, "issued");
out:
    json_decref(t);
    return rc;
}

int tr_report(db_conn *c, const struct tr_actor *a, int64_t id, const json_t *in, struct tr_err *e)
{
    (void)a;
    int rc;
    json_t *t = load_for(c, id, TR_REPORT, e, &rc);
    if (!t)
        return rc;
    tr_day today = tr_today(), rep = dj_jhas(in, "reported_on") ? day_of(in, "reported_on") : today;
    const char *why = tr_receipt_refused(day_of(t, "issued_on"), day_of(t, "valid_until"), rep, today);
    char rs[11], now[21];
    if (!strcmp(dj_jstr(t, "state", ""), "reported"))
        rc = fail(e, DJ_ECONFLICT, "state", "已登记报到");
    else if (why)
        rc = fail(e, DJ_EUNPROCESSABLE, "reported_on", "%s", why);
    else {
        tr_day_format(rep, rs);
        now_iso(now);
        rc = db_exec(c, "UPDATE transfers SET state = 'reported', reported_on = $1, updated_at = $2 WHERE id = $3",
                     "tti", rs, now, id);
    }
    json_decref(t);
    return rc;
}

int tr_receipt(db_conn *c, const struct tr_actor *a, int64_t id, const json_t *in, struct tr_err *e)
{
    int rc;
    json_t *t = load_for(c, id, TR_RECEIPT, e, &rc);
    if (!t)
        return rc;
    tr_day today = tr_today();
    tr_day rep = day_of(t, "reported_on");
    if (rep < 0)
        rep = dj_jhas(in, "reported_on") ? day_of(in, "reported_on") : today;
    tr_day on = dj_jhas(in, "receipt_on") ? day_of(in, "receipt_on") : today;
    const char *why = tr_receipt_refused(day_of(t, "issued_on"), day_of(t, "valid_until"), rep, today);
    int64_t person = dj_jint(t, "person_id", 0);
    char rs[11], os[11], now[21];
    tr_day_format(rep, rs);
    tr_day_format(on, os);
    now_iso(now);
    if (why) {
        rc = fail(e, DJ_EUNPROCESSABLE, "reported_on", "%s", why);
        goto out;
    }
    if (on > today || on < rep) {
        rc = fail(e, DJ_EINVAL, "receipt_on", "回执日期须在报到日期与今天之间");
        goto out;
    }
    rc = db_exec(c,
                 "UPDATE transfers SET state = 'done', reported_on = $1, receipt_no = $2, receipt_on = $3,"
                 " receipt_file = $4, updated_at = $5 WHERE id = $6",
                 "ttttti", rs, dj_jstr(in, "receipt_no", NULL), os, dj_jstr(in, "receipt_file", NULL), now, id);
    /* the dues of the branch end with the month the 回执 shows the member reported there */
    if (rc == DJ_OK)
        rc = dues_leave(c, person, month_of(rep), "transfer_out");
    if (rc == DJ_OK)
        rc = history_branch(c, a, person, 0, rs, "transfer_out", id);
    if (rc == DJ_OK)
        rc = orgs_stats_person(c, person, -1);
    if (rc == DJ_OK)
        rc = db_exec(c, "UPDATE people SET active = 0, updated_at = $1 WHERE id = $2", "ti", now, person);
    if (rc == DJ_OK)
        rc = orgs_stats_person(c, person, +1);
    if (rc == DJ_OK)
        rc = db_exec(c, "DELETE FROM org_officers WHERE person_id = $1", "i", person);
    /* a 流动党员 who has reported elsewhere is that organisation's care now */
    if (rc == DJ_OK)
        rc = db_exec(c, "UPDATE flow_members SET ended_on = $1, end_reason = '组织关系转出', updated_at = $2"
                        " WHERE person_id = $3 AND ended_on IS NULL", "tti", rs, now, person);
out:
    json_decref(t);
    return rc;
}

int tr_renew(db_conn *c, const struct tr_actor *a, int64_t id, const json_t *in, struct tr_err *e)
{
    (void)a;
    int rc;
    json_t *t = load_for(c, id, TR_RENEW, e, &rc);
    if (!t)
        return rc;
    tr_day today = tr_today();
    int months = letter_months(c);
    tr_day until = dj_jhas(in, "valid_until") ? day_of(in, "valid_until") : tr_add_months(today, months);
    const char *why = tr_renew_refused(dj_jstr(t, "state", ""), dj_jstr(t, "renewed_on", NULL) != NULL,
                                       day_of(t, "valid_until"), until, today, months);
    char us[11], ts[11], now[21];
    if (why)
        rc = fail(e, DJ_EUNPROCESSABLE, dj_jstr(t, "renewed_on", NULL) || today <= day_of(t, "valid_until") ? "state" : "valid_until",
                  "%s", why);
    else {
        tr_day_format(until, us);
        tr_day_format(today, ts);
        now_iso(now);
        rc = db_exec(c,
                     "UPDATE transfers SET valid_until = $1, renewed_on = $2, renew_reason = $3, renewed_from = valid_until,"
                     " updated_at = $4 WHERE id = $5",
                     "tttti", us, ts, dj_jstr(in, "reason", ""), now, id);
        if (rc == DJ_OK)
            rc = tr_notify_letter(c, id, "renewed");
    }
    json_decref(t);
    return rc;
}

int tr_withdraw(db_conn *c, const struct tr_actor *a, int64_t id, const json_t *in, struct tr_err *e)
{
    (void)a;
    int rc;
    json_t *t = load_for(c, id, TR_WITHDRAW, e, &rc);
    if (!t)
        return rc;
    char ts[11], now[21];
    tr_day_format(tr_today(), ts);
    now_iso(now);
    rc = db_exec(c,
                 "UPDATE transfers SET state = 'withdrawn', withdrawn_on = $1, withdraw_reason = $2, updated_at = $3"
                 " WHERE id = $4",
                 "ttti", ts, dj_jstr(in, "reason", ""), now, id);
    if (rc == DJ_OK)
        rc = tr_notify_letter(c, id, "withdrawn");
    json_decref(t);
    return rc;
}

int tr_in_register(db_conn *c, const struct tr_actor *a, const json_t *in, int64_t *id, struct tr_err *e)
{
    json_t *pd = json_object_get(in, "person");
    tr_day today = tr_today(), issued = day_of(in, "issued_on"), until = day_of(in, "valid_until");
    int rc = check_branch(c, dj_jint(in, "to_org_id", 0), "to_org_id", e);
    if (rc)
        return rc;
    if (issued > today)
        return fail(e, DJ_EINVAL, "issued_on", "开具日期不能晚于今天");
    const char *why = tr_validity_refused(issued, until, letter_months(c));
    if (why)
        return fail(e, DJ_EINVAL, "valid_until", "%s", why);
    const char *st = dj_jstr(pd, "party_status", "");
    if (strcmp(st, "full") != 0 && strcmp(st, "probationary") != 0)
        return fail(e, DJ_EINVAL, "person.party_status", "转入人员须为正式党员或预备党员");
    char now[21];
    now_iso(now);
    return db_query_i64(c, id,
                        "INSERT INTO transfers (kind, state, person_name, party_status, to_org_id, outside_org, letter_no,"
                        " issued_on, valid_until, dues_paid_until, reason, person_data, client_key, created_by, created_at,"
                        " updated_at) VALUES ('in', 'registered', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)"
                        " RETURNING id",
                        "ttittttttjtIt", dj_jstr(pd, "name", ""), st, dj_jint(in, "to_org_id", 0),
                        dj_jstr(in, "outside_org", ""), dj_jstr(in, "letter_no", ""), dj_jstr(in, "issued_on", NULL),
                        dj_jstr(in, "valid_until", NULL), dj_jstr(in, "dues_paid_until", NULL),
                        dj_jstr(in, "reason", NULL), pd, dj_jstr(in, "client_key", NULL), a->user_id, now);
}

int tr_place(db_conn *c, const struct tr_actor *a, int64_t id, const json_t *in, struct tr_err *e)
{
    (void)a;
    int rc;
    json_t *t = load_for(c, id, TR_PLACE, e, &rc);
    if (!t)
        return rc;
    tr_day today = tr_today(), on = dj_jhas(in, "on_date") ? day_of(in, "on_date") : today;
    int64_t to = dj_jhas(in, "to_org_id") ? dj_jint(in, "to_org_id", 0) : dj_jint(t, "to_org_id", 0);
    char os[11], no[64], now[21];
    tr_day_format(on, os);
    now_iso(now);
    json_t *pd = json_deep_copy(json_object_get(t, "person_data"));
    if (json_is_string(json_object_get(t, "person_data"))) {
        json_decref(pd);
        pd = json_loads(dj_jstr(t, "person_data", "{}"), 0, NULL);
    }
    if (!pd)
        pd = json_object();
    int64_t person = 0;
    struct people_err pe = {0};
    if ((rc = check_branch(c, to, "to_org_id", e)))
        goto out;
    if (on > today || on < day_of(t, "issued_on")) {
        rc = fail(e, DJ_EINVAL, "on_date", "接收日期须在介绍信开具日期与今天之间");
        goto out;
    }
    json_object_set_new(pd, "org_id", json_integer(to));
    if ((rc = people_create_as(c, pd, &person, &pe, "transfer_in", os))) {
        if (pe.field)
            rc = fail(e, rc, "person", "%s", pe.message);
        goto out;
    }
    if ((rc = next_number(c, "receipt", year_of(on), no)))
        goto out;
    rc = db_exec(c,
                 "UPDATE transfers SET state = 'done', person_id = $1, to_org_id = $2, on_date = $3, receipt_no = $4,"
                 " receipt_on = $3, updated_at = $5 WHERE id = $6",
                 "iitttI", person, to, os, no, now, id);
out:
    json_decref(pd);
    json_decref(t);
    return rc;
}

char *tr_agency_name(db_conn *c, int *err)
{
    char *name = NULL;
    *err = db_query_text(c, &name, "SELECT name FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1", "");
    if (*err == DJ_ENOTFOUND) {
        *err = DJ_OK;
        return dj_asprintf("%s", "");
    }
    if (*err)
        return NULL;
    char *out = strncmp(name, "中共", strlen("中共")) == 0 ? dj_asprintf("%s", name) : dj_asprintf("中共%s", name);
    free(name);
    return out;
}

static const char dues_starts_one_sql[] = "SELECT person_id, on_date, dues_paid_until FROM transfers"
                                         " WHERE kind = 'in' AND state = 'done' AND person_id = $1";

void tr_dues_starts_prefetch(db_conn *c, int64_t person_id)
{
    db_prefetch(c, dues_starts_one_sql, "i", person_id);
}

int tr_dues_starts(db_conn *c, int64_t person_id, void (*fn)(int64_t person_id, int first_month, void *arg),
                   void *arg)
{
    db_stmt *s = db_prep(c, person_id ? dues_starts_one_sql
                                      : "SELECT person_id, on_date, dues_paid_until FROM transfers"
                                        " WHERE kind = 'in' AND state = 'done' AND person_id IS NOT NULL");
    if (!s)
        return DJ_EDB;
    if (person_id)
        db_bind(s, "i", person_id);
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        tr_day on = -1;
        dues_month paid = -1;
        if (!db_col_text(s, 1) || tr_day_parse(db_col_text(s, 1), &on) != DJ_OK)
            continue;
        if (!db_col_text(s, 2) || dues_month_parse(db_col_text(s, 2), &paid) != DJ_OK)
            paid = -1;
        fn(db_col_i64(s, 0), tr_dues_first_month(month_of(on), paid), arg);
    }
    db_done(s);
    return rc < 0 ? rc : DJ_OK;
}

int tr_membership_end(db_conn *c, const struct tr_actor *a, int64_t person_id, const json_t *in, struct tr_err *e)
{
    int rc;
    json_t *p = db_query_row(c, &rc, "SELECT name, org_id, active AS active__bool FROM people WHERE id = $1", "i",
                             person_id);
    if (!p)
        return rc == DJ_ENOTFOUND ? fail(e, DJ_ENOTFOUND, "id", "找不到该人员") : rc;
    const char *ev = dj_jstr(in, "event", ""), *status = people_end_status(ev);
    tr_day today = tr_today(), on = day_of(in, "on_date");
    char os[11], now[21];
    tr_day_format(on, os);
    now_iso(now);
    int64_t open = 0;
    if (!dj_jbool(p, "active", true))
        rc = fail(e, DJ_ECONFLICT, "id", "%s已不在名册中", dj_jstr(p, "name", ""));
    else if (!status)
        rc = fail(e, DJ_EINVAL, "event", "事件“%s”无效", ev);
    else if (on > today)
        rc = fail(e, DJ_EINVAL, "on_date", "日期不能晚于今天");
    else if (strcmp(ev, "death") != 0 && dj_str_blank(dj_jstr(in, "document", "")))
        rc = fail(e, DJ_EINVAL, "document", "请填写决定文件（文号）：%s须有组织决定", people_event_label(ev));
    else if (db_query_i64(c, &open, "SELECT id FROM transfers WHERE person_id = $1 AND state IN ('draft', 'issued', 'reported')",
                          "i", person_id) == DJ_OK)
        rc = fail(e, DJ_ECONFLICT, "id", "%s有正在办理的组织关系转接，请先撤回", dj_jstr(p, "name", ""));
    else {
        struct people_event h = {.person_id = person_id, .kind = "status", .status = status, .on_date = os,
                                 .event = ev, .document = dj_jstr(in, "document", NULL),
                                 .note = dj_jstr(in, "note", NULL), .user_id = a->user_id};
        rc = people_history_add(c, &h);
        h.kind = "branch";
        h.status = NULL;
        if (rc == DJ_OK)
            rc = people_history_add(c, &h);
        if (rc == DJ_OK)
            rc = dues_leave(c, person_id, month_of(on), ev);
        if (rc == DJ_OK)
            rc = orgs_stats_person(c, person_id, -1);
        if (rc == DJ_OK)
            rc = db_exec(c, "UPDATE people SET active = 0, updated_at = $1 WHERE id = $2", "ti", now, person_id);
        if (rc == DJ_OK)
            rc = orgs_stats_person(c, person_id, +1);
        if (rc == DJ_OK)
            rc = db_exec(c, "DELETE FROM org_officers WHERE person_id = $1", "i", person_id);
        if (rc == DJ_OK)
            rc = db_exec(c, "UPDATE flow_members SET ended_on = $1, end_reason = $2, updated_at = $3"
                            " WHERE person_id = $4 AND ended_on IS NULL", "ttti", os, people_event_label(ev), now, person_id);
    }
    json_decref(p);
    return rc;
}

int tr_org_figures(db_conn *c, const char *org_path, tr_day from, tr_day to, struct tr_figures *out)
{
    int rc;
    json_t *rows = db_query_rows(c, &rc,
                                 "SELECT h.person_id, h.kind, h.on_date, h.status,"
                                 " CASE WHEN o.path >= $1 AND o.path < $1 || ':' THEN 1 ELSE 0 END AS in_scope"
                                 " FROM person_history h LEFT JOIN orgs o ON o.id = h.org_id"
                                 " WHERE h.person_id IN (SELECT h2.person_id FROM person_history h2"
                                 " JOIN orgs o2 ON o2.id = h2.org_id WHERE o2.path >= $1 AND o2.path < $1 || ':')"
                                 " ORDER BY h.person_id, h.on_date, h.id",
                                 "t", org_path);
    if (!rows)
        return rc;
    size_t n = json_array_size(rows);
    struct tr_hist *h = calloc(n ? n : 1, sizeof *h);
    if (!h)
        abort();
    size_t k = 0, i;
    json_t *x;
    json_array_foreach(rows, i, x) {
        tr_day d = day_of(x, "on_date");
        if (d < 0)
            continue;
        const char *st = dj_jstr(x, "status", "");
        h[k++] = (struct tr_hist){.person_id = dj_jint(x, "person_id", 0),
                                  .branch = !strcmp(dj_jstr(x, "kind", ""), "branch"),
                                  .in_scope = dj_jint(x, "in_scope", 0) == 1,
                                  .member = !strcmp(st, "full") || !strcmp(st, "probationary"),
                                  .day = d};
    }
    tr_figures(h, k, from, to, out);
    free(h);
    json_decref(rows);
    return DJ_OK;
}
