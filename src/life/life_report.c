/* life_report.c - what the year looks like: the compliance matrix of each
 * party organisation (DOMAIN §3), counts of activities by kind, organisation
 * and period, a member's own attendance and study hours, and the life part
 * of the to-do list. The judging is done by the pure functions of life.c. */
#include <stdlib.h>
#include <string.h>

#include "../core/auth.h"
#include "../core/err.h"
#include "../core/readcache.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "../core/todo.h"
#include "../orgs/orgs.h"
#include "life.h"
#include "life_int.h"

void life_year_bounds_iso(int year, char start[21], char end[21])
{
    struct life_period y = {LIFE_YEAR, year, 1};
    int64_t s, e;
    life_period_bounds(&y, &s, &e);
    dj_time_iso(s, start);
    dj_time_iso(e, end);
}

static int64_t year_end(int year)
{
    struct life_period y = {LIFE_YEAR, year, 1};
    int64_t s, e;
    life_period_bounds(&y, &s, &e);
    return e;
}

/* 谈心谈话: each committee member (or, without a committee, the secretary and
 * deputy) talks at least once a year; a talk counts for whoever held it and for
 * the committee members who took part. One period cell with every member. */
static json_t *talks_cell(json_t *members, int year, int64_t now, const struct life_span *span, const json_t *acts)
{
    size_t nm = json_array_size(members), i;
    double *talks = dj_calloc(nm ? nm : 1, sizeof *talks);
    json_t *m;
    json_array_foreach(members, i, m) {
        static const char *const posts[] = {"", "secretary", "deputy_secretary", "organization", "propaganda",
                                            "discipline"};
        int64_t rank = dj_jint(m, "post_rank", 5);
        const char *post = posts[rank >= 1 && rank <= 5 ? rank : 5];
        talks[i] = (double)dj_jint(m, "talks", 0);
        json_object_set_new(m, "post", json_string(post));
        json_object_set_new(m, "post_label", json_string(orgs_post_label(post)));
        json_object_del(m, "post_rank");
    }
    struct life_period y = {LIFE_YEAR, year, 1};
    size_t met = 0;
    enum life_status st;
    json_t *sat = json_array();
    json_array_foreach(acts, i, m)
        if (strcmp(dj_jstr(m, "kind", ""), "heart_talk") == 0)
            json_array_append_new(sat, json_pack("{s:O, s:O, s:O}", "id", json_object_get(m, "id"), "title",
                                                 json_object_get(m, "title"), "starts_at",
                                                 json_object_get(m, "starts_at")));
    if (nm) {
        st = life_each_status(year, now, span, talks, nm, 1, &met);
    } else {
        /* no officers recorded: judged for the organisation as a whole */
        int64_t s, e;
        life_period_bounds(&y, &s, &e);
        st = !life_period_applies(&y, span) ? LIFE_NOT_APPLICABLE : life_period_status(e, now, json_array_size(sat) > 0);
    }
    free(talks);
    int64_t s, e;
    life_period_bounds(&y, &s, &e);
    char code[16], ends[21];
    life_period_code(&y, code);
    dj_time_iso(e, ends);
    return json_pack("{s:s, s:s, s:s, s:o, s:i, s:i, s:b, s:o}", "period", code, "status", life_status_name(st),
                     "ends_at", ends, "activities", sat, "members_total", (int)nm, "members_met", (int)met,
                     "officers_recorded", nm > 0, "members", members);
}

/* 学时: every party member of the subtree reaches min_hours in the year. One period
 * cell with each member's hours. */
static json_t *study_cell(json_t *members, int year, int64_t now, const struct life_span *span, double min_hours)
{
    size_t nm = json_array_size(members);
    double *hours = dj_calloc(nm ? nm : 1, sizeof *hours);
    for (size_t i = 0; i < nm; i++)
        hours[i] = json_number_value(json_object_get(json_array_get(members, i), "hours"));
    size_t met = 0;
    enum life_status st = life_each_status(year, now, span, hours, nm, min_hours, &met);
    free(hours);
    struct life_period y = {LIFE_YEAR, year, 1};
    int64_t s, e;
    life_period_bounds(&y, &s, &e);
    char code[16], ends[21];
    life_period_code(&y, code);
    dj_time_iso(e, ends);
    return json_pack("{s:s, s:s, s:s, s:[], s:i, s:i, s:f, s:o}", "period", code, "status", life_status_name(st),
                     "ends_at", ends, "activities", "members_total", (int)nm, "members_met", (int)met, "min_hours",
                     min_hours, "members", members);
}

/* An activity-kind requirement: a cell per period, each with the activities that met it. */
static json_t *kind_cells(const struct life_requirement *q, int year, int64_t now, const struct life_span *span,
                          const struct life_done_activity *da, size_t na, const json_t *acts)
{
    int np = life_periods_per_year(q->freq);
    struct life_cell cells[12];
    life_compliance_eval(q, year, now, span, da, na, cells);
    json_t *periods = json_array();
    for (int i = 0; i < np; i++) {
        char code[16], ends[21];
        int64_t s, e;
        life_period_code(&cells[i].period, code);
        life_period_bounds(&cells[i].period, &s, &e);
        dj_time_iso(e, ends);
        json_t *sat = json_array();
        for (size_t a = 0; a < na; a++)
            if (strcmp(da[a].kind, q->code) == 0 && da[a].starts_at >= s && da[a].starts_at < e) {
                json_t *src = json_array_get(acts, a);
                json_array_append_new(sat, json_pack("{s:O, s:O, s:O}", "id", json_object_get(src, "id"), "title",
                                                     json_object_get(src, "title"), "starts_at",
                                                     json_object_get(src, "starts_at")));
            }
        json_array_append_new(periods, json_pack("{s:s, s:s, s:s, s:o}", "period", code, "status",
                                                 life_status_name(cells[i].status), "ends_at", ends, "activities", sat));
    }
    return periods;
}

/* The compliance of one organisation for one year, from what src read of its
 * subtree: an object with its requirements, each with its periods.  With a
 * horizon (the to-do list's), the year-long requirements (谈心谈话, 学时) are
 * left out while the year ends after it: no to-do can come from them yet. */
static json_t *org_matrix(db_conn *c, const json_t *org, const struct life_org_facts *facts,
                          const struct life_matrix_src *src, int year, int64_t now, int64_t horizon, int *err)
{
    int64_t org_id = dj_jint(org, "id", 0);
    const char *path = dj_jstr(org, "path", "");
    char *lf = dj_setting_text(c, "life.party_lecture_period", "quarter");
    enum life_freq lecture = LIFE_QUARTER;
    life_freq_parse(lf, &lecture);
    free(lf);
    double min_hours = (double)dj_setting_int(c, "life.study_hours_min", 32);

    /* Activities held in the year by the org itself, plus the 党小组会 of its groups. */
    json_t *acts = life_src_acts(src, org_id, path);
    size_t na = json_array_size(acts);
    struct life_done_activity *da = dj_calloc(na ? na : 1, sizeof *da);
    for (size_t i = 0; i < na; i++) {
        json_t *a = json_array_get(acts, i);
        da[i].id = dj_jint(a, "id", 0);
        da[i].kind = dj_jstr(a, "kind", "");
        dj_time_parse(dj_jstr(a, "starts_at", ""), &da[i].starts_at);
    }

    struct life_requirement reqs[LIFE_MAX_REQS];
    int nreq = life_requirements(facts->has_groups, facts->has_committee, lecture, reqs);
    json_t *out_reqs = json_array();
    for (int k = 0; k < nreq && *err == DJ_OK; k++) {
        const struct life_requirement *q = &reqs[k];
        bool yearly = strcmp(q->code, "heart_talk") == 0 || strcmp(q->code, "study_hours") == 0;
        if (yearly && horizon && year_end(year) > horizon)
            continue;
        json_t *rq = json_pack("{s:s, s:s, s:s}", "code", q->code, "name", q->name, "freq", life_freq_name(q->freq));
        json_t *periods = NULL, *cell = NULL;
        if (strcmp(q->code, "heart_talk") == 0)
            cell = talks_cell(life_src_officers(src, org_id, path), year, now, &facts->span, acts);
        else if (strcmp(q->code, "study_hours") == 0)
            cell = study_cell(life_src_members(src, path), year, now, &facts->span, min_hours);
        else
            periods = kind_cells(q, year, now, &facts->span, da, na, acts);
        if (!periods && !cell) {
            json_decref(rq);
            break;
        }
        if (!periods)
            periods = json_pack("[o]", cell);
        json_object_set_new(rq, "periods", periods);
        json_array_append_new(out_reqs, rq);
    }
    free(da);
    json_decref(acts);
    if (*err != DJ_OK) {
        json_decref(out_reqs);
        return NULL;
    }
    /* each period as people name it: 2026年第一季度 */
    size_t k, i;
    json_t *rq, *cell;
    json_array_foreach(out_reqs, k, rq) json_array_foreach(json_object_get(rq, "periods"), i, cell)
    {
        char label[32];
        life_period_label_of(dj_jstr(cell, "period", ""), label);
        json_object_set_new(cell, "period_label", json_string(label));
    }
    return json_pack("{s:I, s:O, s:O, s:O, s:O, s:O, s:b, s:i, s:i, s:o}", "org_id", (json_int_t)org_id, "name",
                     json_object_get(org, "name"), "kind", json_object_get(org, "kind"), "path",
                     json_object_get(org, "path"), "set_up_on", json_object_get(org, "set_up_on"), "dissolved_on",
                     json_object_get(org, "dissolved_on"), "has_committee", facts->has_committee, "full_members",
                     facts->full_members, "committee_members", facts->committee_members, "requirements", out_reqs);
}

/* Party organisations (支部, 总支) in the subtree at path that existed during
 * the year, in tree order, with what life_org_facts_of() reads. */
static json_t *party_orgs(db_conn *c, const char *path, int year, int *err)
{
    char first[16], next[16];
    snprintf(first, sizeof first, "%04u-01-01", (unsigned)year % 10000u);
    snprintf(next, sizeof next, "%04u-01-01", (unsigned)(year + 1) % 10000u);
    return db_query_rows(c, err,
                         "SELECT o.id, o.name, o.kind, o.path, o.set_up_on, o.dissolved_on," LIFE_ORG_FACTS_COLUMNS
                         " FROM orgs o WHERE o.path >= $1 AND o.path < $1 || ':'"
                         " AND o.kind IN ('branch', 'general_branch') AND (o.dissolved_on IS NULL OR o.dissolved_on > $2)"
                         " AND (o.set_up_on IS NULL OR o.set_up_on < $3) ORDER BY o.path",
                         "ttt", path, first, next);
}

json_t *life_compliance(dj_req *r, int64_t org_id, int year, int *err)
{
    db_conn *c = dj_db(r);
    char *path = NULL;
    if (auth_org_path(c, org_id, &path) != DJ_OK) {
        *err = dj_fail(r, DJ_EINVAL, "org", "找不到该组织");
        return NULL;
    }
    /* four statements for the whole subtree, however many organisations it holds */
    json_t *orgs = party_orgs(c, path, year, err);
    struct life_matrix_src src;
    if (orgs && (*err = life_matrix_src_load(c, path, year, true, &src)) != DJ_OK) {
        json_decref(orgs);
        orgs = NULL;
    }
    free(path);
    if (!orgs)
        return NULL;
    int64_t now = dj_now();
    json_t *out = json_array();
    size_t i;
    json_t *o;
    json_array_foreach(orgs, i, o) {
        struct life_org_facts facts;
        life_org_facts_of(o, &facts);
        json_t *m = org_matrix(c, o, &facts, &src, year, now, 0, err);
        if (!m) {
            json_decref(out);
            out = NULL;
            break;
        }
        json_array_append_new(out, m);
    }
    life_matrix_src_free(&src);
    json_decref(orgs);
    if (!out)
        return NULL;
    char nowiso[21];
    dj_time_iso(now, nowiso);
    return json_pack("{s:i, s:I, s:s, s:o}", "year", year, "org_id", (json_int_t)org_id, "as_of", nowiso, "orgs", out);
}

/* ---------------------------------------------------------------- counts */

json_t *life_counts(dj_req *r, int64_t org_id, int year, int *err)
{
    db_conn *c = dj_db(r);
    char *path = NULL;
    if (auth_org_path(c, org_id, &path) != DJ_OK) {
        *err = dj_fail(r, DJ_EINVAL, "org", "找不到该组织");
        return NULL;
    }
    char ys[21], ye[21];
    life_year_bounds_iso(year, ys, ye);
    /* a 党小组's name repeats across branches: it is named with its branch */
    db_stmt *s = db_prep(c, "SELECT a.kind, a.org_id, CASE WHEN o.kind = 'group' THEN po.name || ' / ' || o.name"
                            " ELSE o.name END, a.starts_at FROM activities a JOIN orgs o ON o.id = a.org_id"
                            " LEFT JOIN orgs po ON po.id = o.parent_id"
                            " WHERE o.path >= $1 AND o.path < $1 || ':' AND a.state IN ('held', 'closed') AND a.starts_at >= $2"
                            " AND a.starts_at < $3 ORDER BY o.path, a.starts_at");
    if (!s) {
        free(path);
        *err = DJ_EDB;
        return NULL;
    }
    db_bind(s, "ttt", path, ys, ye);
    json_t *by_kind = json_object(), *by_org = json_object(), *org_order = json_array();
    int months[12] = {0}, total = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        const char *kind = db_col_text(s, 0);
        char oid[24];
        snprintf(oid, sizeof oid, "%lld", (long long)db_col_i64(s, 1));
        int64_t t = 0;
        dj_time_parse(db_col_text(s, 3), &t);
        struct life_period m = life_period_of(LIFE_MONTH, t);
        if (m.year == year)
            months[m.index - 1]++;
        total++;
        json_object_set_new(by_kind, kind, json_integer(dj_jint(by_kind, kind, 0) + 1));
        json_t *org = json_object_get(by_org, oid);
        if (!org) {
            org = json_pack("{s:I, s:s, s:i, s:{}}", "org_id", (json_int_t)db_col_i64(s, 1), "name", db_col_text(s, 2),
                            "count", 0, "by_kind");
            json_object_set_new(by_org, oid, org);
            json_array_append(org_order, org);
        }
        json_object_set_new(org, "count", json_integer(dj_jint(org, "count", 0) + 1));
        json_t *ok = json_object_get(org, "by_kind");
        json_object_set_new(ok, kind, json_integer(dj_jint(ok, kind, 0) + 1));
    }
    db_done(s);
    free(path);
    json_decref(by_org);
    if (rc != DB_DONE) {
        json_decref(by_kind);
        json_decref(org_order);
        *err = rc;
        return NULL;
    }
    json_t *kinds = json_array();
    for (const struct life_kind *k = life_kinds; k->code; k++)
        json_array_append_new(kinds, json_pack("{s:s, s:s, s:I}", "kind", k->code, "name", k->name, "count",
                                               (json_int_t)dj_jint(by_kind, k->code, 0)));
    json_decref(by_kind);
    json_t *bm = json_array(), *bq = json_array();
    for (int i = 0; i < 12; i++)
        json_array_append_new(bm, json_integer(months[i]));
    for (int q = 0; q < 4; q++)
        json_array_append_new(bq, json_integer(months[3 * q] + months[3 * q + 1] + months[3 * q + 2]));
    return json_pack("{s:i, s:I, s:i, s:o, s:o, s:o, s:o}", "year", year, "org_id", (json_int_t)org_id, "total", total,
                     "by_kind", kinds, "by_org", org_order, "by_month", bm, "by_quarter", bq);
}

/* ---------------------------------------------------------------- my year */

json_t *life_my_stats(dj_req *r, int year, int *err)
{
    db_conn *c = dj_db(r);
    int64_t pid = r->user->person_id;
    char ys[21], ye[21], now[21];
    life_year_bounds_iso(year, ys, ye);
    dj_time_iso(dj_now(), now);
    json_t *rows = db_query_rows(
        c, err,
        "SELECT a.id, a.kind, a.title, a.starts_at, a.state, a.study_hours, a.volunteer_hours, t.checked_in_at,"
        " l.status AS leave_status,"
        " CASE WHEN t.id IS NOT NULL THEN 'present' WHEN l.status = 'approved' THEN 'leave'"
        " WHEN a.ends_at > $4 THEN 'upcoming' ELSE 'absent' END AS status"
        " FROM activity_people ap JOIN activities a ON a.id = ap.activity_id"
        " LEFT JOIN attendance t ON t.activity_id = a.id AND t.person_id = ap.person_id"
        " LEFT JOIN activity_leaves l ON l.activity_id = a.id AND l.person_id = ap.person_id"
        " WHERE ap.person_id = $1 AND a.state <> 'cancelled' AND a.starts_at >= $2 AND a.starts_at < $3"
        " ORDER BY a.starts_at DESC",
        "ittt", pid, ys, ye, now);
    if (!rows)
        return NULL;
    double study = 0, volunteer = 0;
    int present = 0, absent = 0, leave = 0;
    db_stmt *s = db_prep(c, "SELECT kind, COALESCE(SUM(quantity), 0) FROM life_events WHERE person_id = $1"
                            " AND occurred_at >= $2 AND occurred_at < $3 GROUP BY kind");
    if (s) {
        db_bind(s, "itt", pid, ys, ye);
        while (db_step(s) == DB_ROW) {
            if (strcmp(db_col_text(s, 0), "study_hours") == 0)
                study = db_col_double(s, 1);
            else if (strcmp(db_col_text(s, 0), "volunteer_hours") == 0)
                volunteer = db_col_double(s, 1);
        }
        db_done(s);
    }
    size_t i;
    json_t *a;
    json_array_foreach(rows, i, a) {
        const char *st = dj_jstr(a, "status", "");
        present += strcmp(st, "present") == 0;
        absent += strcmp(st, "absent") == 0;
        leave += strcmp(st, "leave") == 0;
        const struct life_kind *k = life_kind_find(dj_jstr(a, "kind", ""));
        json_object_set_new(a, "kind_name", json_string(k ? k->name : ""));
    }
    return json_pack("{s:i, s:I, s:f, s:I, s:f, s:i, s:i, s:i, s:o}", "year", year, "person_id", (json_int_t)pid,
                     "study_hours", study, "study_hours_min", (json_int_t)dj_setting_int(c, "life.study_hours_min", 32),
                     "volunteer_hours", volunteer, "present", present, "absent", absent, "leave", leave, "activities",
                     rows);
}

/* ---------------------------------------------------------------- to-dos */

/* The activities the caller is to attend and has not: until each has ended. */
static const char my_activities_sql[] =
    "SELECT a.id, a.kind, a.title, a.place, a.starts_at, a.ends_at, a.org_id, l.status AS leave_status"
    " FROM activity_people ap JOIN activities a ON a.id = ap.activity_id"
    " LEFT JOIN activity_leaves l ON l.activity_id = a.id AND l.person_id = ap.person_id"
    " WHERE ap.person_id = $1 AND a.state IN ('noticed', 'held') AND a.ends_at >= $2"
    " AND NOT EXISTS (SELECT 1 FROM attendance t WHERE t.activity_id = a.id AND t.person_id = ap.person_id)"
    " AND (l.status IS NULL OR l.status <> 'approved') ORDER BY a.starts_at LIMIT 50";

static int todo_activities(dj_req *r, db_conn *c, json_t *items)
{
    if (!r->user->person_id)
        return DJ_OK;
    char now[21];
    dj_time_iso(dj_now(), now);
    int rc;
    json_t *rows = db_query_rows(c, &rc, my_activities_sql, "it", r->user->person_id, now);
    if (!rows)
        return rc;
    size_t i;
    json_t *a;
    json_array_foreach(rows, i, a) {
        const struct life_kind *k = life_kind_find(dj_jstr(a, "kind", ""));
        const char *ls = dj_jstr(a, "leave_status", NULL);
        json_array_append_new(
            items, json_pack("{s:s, s:s, s:s++, s:s+, s:O, s:O, s:{s:s, s:O}}", "source", "life", "kind", "activity",
                             "title", k ? k->name : "", "：", dj_jstr(a, "title", ""), "detail",
                             dj_jstr(a, "place", ""), ls && strcmp(ls, "pending") == 0 ? "（请假待审批）" : "",
                             "due_at", json_object_get(a, "starts_at"), "org_id", json_object_get(a, "org_id"), "link",
                             "type", "activity", "id", json_object_get(a, "id")));
    }
    json_decref(rows);
    return DJ_OK;
}

/* The leave requests waiting for the caller's decision. */
static char *leaves_sql(dj_req *r)
{
    return dj_arena_printf(r->arena,
                           "SELECT l.id, l.reason, p.name AS person_name, a.id AS activity_id, a.title,"
                           " a.starts_at, a.org_id FROM activity_leaves l JOIN activities a ON a.id = l.activity_id"
                           " JOIN orgs o ON o.id = a.org_id JOIN people p ON p.id = l.person_id"
                           " WHERE l.status = 'pending' AND a.state IN ('planned', 'noticed', 'held') AND %s"
                           " ORDER BY a.starts_at LIMIT 100",
                           auth_scope_sql(r, "life.manage", "o.path"));
}

static int todo_leaves(dj_req *r, db_conn *c, json_t *items)
{
    if (!auth_has_perm(r, "life.manage"))
        return DJ_OK;
    int rc;
    json_t *rows = db_query_rows_dynamic(c, &rc, leaves_sql(r), "");
    if (!rows)
        return rc;
    size_t i;
    json_t *l;
    json_array_foreach(rows, i, l)
        json_array_append_new(items,
                              json_pack("{s:s, s:s, s:s+, s:s+++, s:O, s:O, s:{s:s, s:O, s:O}}", "source", "life", "kind",
                                        "leave_decision", "title", "审批请假：", dj_jstr(l, "person_name", ""),
                                        "detail", dj_jstr(l, "title", ""), "（", dj_jstr(l, "reason", ""), "）", "due_at", json_object_get(l, "starts_at"),
                                        "org_id", json_object_get(l, "org_id"), "link", "type", "leave", "id",
                                        json_object_get(l, "id"), "activity_id", json_object_get(l, "activity_id")));
    json_decref(rows);
    return DJ_OK;
}

/* The to-dos of one organisation's requirements: the current periods still
 * missing within warn seconds of their end. */
static int org_todos(dj_req *r, db_conn *c, const json_t *o, int year, int64_t now, int64_t warn, json_t *items)
{
    struct life_org_facts facts;
    struct life_matrix_src src;
    int64_t horizon = now + warn;
    int rc = life_org_facts(c, dj_jint(o, "id", 0), &facts);
    if (rc == DJ_OK)
        rc = life_matrix_src_load(c, dj_jstr(o, "path", ""), year, year_end(year) <= horizon, &src);
    if (rc != DJ_OK)
        return rc;
    json_t *m = org_matrix(c, o, &facts, &src, year, now, horizon, &rc);
    life_matrix_src_free(&src);
    if (!m)
        return rc;
    size_t k;
    json_t *q;
    json_array_foreach(json_object_get(m, "requirements"), k, q) {
        size_t p;
        json_t *cell;
        json_array_foreach(json_object_get(q, "periods"), p, cell) {
            int64_t end = 0;
            dj_time_parse(dj_jstr(cell, "ends_at", ""), &end);
            if (strcmp(dj_jstr(cell, "status", ""), "not_due") != 0 || now >= end || now < end - warn)
                continue;
            int64_t days = (end - now + 86399) / 86400;
            char due[21]; /* the period's last second: its last day, not the next one's */
            dj_time_iso(end - 1, due);
            char label[32];
            life_period_label_of(dj_jstr(cell, "period", ""), label);
            json_array_append_new(
                items, json_pack("{s:s, s:s, s:s+++, s:s+, s:s, s:O, s:{s:s, s:O, s:s}}", "source", "life", "kind",
                                 "requirement_missing", "title", dj_jstr(m, "name", ""), "：", label,
                                 " 尚未完成", "detail", dj_jstr(q, "name", ""),
                                 dj_arena_printf(r->arena, "（还剩 %lld 天）", (long long)days), "due_at", due, "org_id", json_object_get(m, "org_id"), "link",
                                 "type", "compliance", "org_id", json_object_get(m, "org_id"), "requirement",
                                 dj_jstr(q, "code", "")));
        }
    }
    json_decref(m);
    return DJ_OK;
}

/* The branches whose requirements the caller keeps. */
static char *requirement_orgs_sql(dj_req *r)
{
    return dj_arena_printf(r->arena,
                           "SELECT id, name, kind, path, set_up_on, dissolved_on FROM orgs"
                           " WHERE kind IN ('branch', 'general_branch')"
                           " AND dissolved_on IS NULL AND %s ORDER BY path LIMIT 100",
                           auth_scope_sql(r, "life.manage", "path"));
}

/* A requirement of the current period still missing within warn_days of its end. */
static int todo_requirements(dj_req *r, db_conn *c, json_t *items)
{
    if (!auth_has_perm(r, "life.manage"))
        return DJ_OK;
    int64_t now = dj_now();
    int64_t warn = dj_setting_int(c, "life.todo_warn_days", 7) * 86400;
    struct life_period y = life_period_of(LIFE_YEAR, now);
    int rc = DJ_OK;
    json_t *orgs = db_query_rows_dynamic(c, &rc, requirement_orgs_sql(r), "");
    if (!orgs)
        return rc;
    size_t i;
    json_t *o;
    json_array_foreach(orgs, i, o) {
        /* an organisation's to-dos are the same for every reader whose scope holds it
         * and change at midnight (the days left) or with a write (readcache.h) */
        char key[96];
        snprintf(key, sizeof key, "life.todos %lld %lld %lld", (long long)dj_jint(o, "id", 0),
                 (long long)((now + 8 * 3600) / 86400), (long long)warn);
        uint64_t gen;
        json_t *cached = dj_rcache_get(c, key, &gen);
        if (cached) {
            json_array_extend(items, cached);
            json_decref(cached);
            continue;
        }
        json_t *mine = json_array();
        rc = org_todos(r, c, o, y.year, now, warn, mine);
        if (rc == DJ_OK) {
            dj_rcache_put(key, mine, gen);
            json_array_extend(items, mine);
        }
        json_decref(mine);
        if (rc != DJ_OK)
            break;
    }
    json_decref(orgs);
    return rc;
}

int life_todos_provider(dj_req *r, json_t *items)
{
    db_conn *c = dj_db(r);
    int rc = todo_activities(r, c, items);
    if (rc == DJ_OK)
        rc = todo_leaves(r, c, items);
    if (rc == DJ_OK)
        rc = todo_requirements(r, c, items);
    return rc;
}

/* The provider's first reads, sent ahead with the other providers' (todo.h). */
static void life_todos_prefetch(dj_req *r, db_conn *c)
{
    if (r->user->person_id) {
        char now[21];
        dj_time_iso(dj_now(), now);
        db_prefetch(c, my_activities_sql, "it", r->user->person_id, now);
    }
    if (auth_has_perm(r, "life.manage")) {
        db_prefetch_dynamic(c, leaves_sql(r), "");
        db_prefetch_dynamic(c, requirement_orgs_sql(r), "");
    }
}

void life_todos_register(void)
{
    dj_todo_register("life", life_todos_provider);
    dj_todo_register_prefetch(life_todos_prefetch);
}
