/* development_store.c - the SQL of 发展党员: loading an application with its
 * records (the effective ones: a correction stands in for the record it
 * corrects), its 公示, the person's study hours from organisational life and
 * the calendar; replaying them through the rules; projecting the result onto
 * the application's cached columns and the roster's party_status, joined_on,
 * full_on and probation_until (which change only here); the file (档案) as JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/err.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "../orgs/orgs.h"
#include "../people/people_history.h"
#include "development_int.h"

dev_day dev_today(void)
{
    int y, m, d;
    dj_local_date(dj_now(), &y, &m, &d);
    return dj_days_from_civil(y, m, d);
}

void dev_ctx_settings(db_conn *c, struct dev_ctx *ctx)
{
    ctx->notice_days = (int)dj_setting_int(c, "development.notice_days", 5);
    if (ctx->notice_days < 1 || ctx->notice_days > 60)
        ctx->notice_days = 5;
    char *steps = dj_setting_text(c, "development.notice_steps", "7,13,23");
    ctx->notice_steps = 0;
    for (char *p = steps; *p;) {
        char *end;
        long s = strtol(p, &end, 10);
        if (end == p) {
            p++;
            continue;
        }
        if (s >= 1 && s <= DEV_NSTEPS)
            ctx->notice_steps |= 1u << s;
        p = end;
    }
    free(steps);
}

static void copy(char *dst, size_t n, const char *src) { snprintf(dst, n, "%s", src ? src : ""); }

/* Does the branch of org have a 支部委员会 (three or more people in committee posts)? */
static int branch_has_committee(db_conn *c, int64_t org_id, bool *has)
{
    int64_t n = 0;
    int rc = db_query_i64(c, &n,
                          "SELECT COUNT(DISTINCT f.person_id) FROM org_officers f JOIN orgs o ON o.id = $1"
                          " WHERE f.org_id = CASE WHEN o.kind = 'group' THEN o.parent_id ELSE o.id END"
                          " AND f.post IN ('secretary', 'deputy_secretary', 'organization', 'propaganda', 'discipline')",
                          "i", org_id);
    *has = rc == DJ_OK && n >= 3;
    return rc == DJ_ENOTFOUND ? DJ_OK : rc; /* a failed read is no "no committee": the verdict would be wrong */
}

static int load_head(db_conn *c, int64_t id, struct dev_app *out)
{
    db_stmt *s = db_prep(c, "SELECT a.id, a.person_id, a.org_id, a.state, a.legacy_before, a.imported, o.path, o.name,"
                            " p.name, p.birth_date FROM dev_applications a JOIN orgs o ON o.id = a.org_id"
                            " JOIN people p ON p.id = a.person_id WHERE a.id = $1");
    if (!s)
        return DJ_EDB;
    db_bind(s, "i", id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        out->id = db_col_i64(s, 0);
        out->person_id = db_col_i64(s, 1);
        out->org_id = db_col_i64(s, 2);
        copy(out->state, sizeof out->state, db_col_text(s, 3));
        out->legacy_before = (int)db_col_i64(s, 4);
        out->imported = db_col_i64(s, 5) != 0;
        copy(out->org_path, sizeof out->org_path, db_col_text(s, 6));
        copy(out->org_name, sizeof out->org_name, db_col_text(s, 7));
        copy(out->person_name, sizeof out->person_name, db_col_text(s, 8));
        if (db_col_null(s, 9) || dev_day_parse(db_col_text(s, 9), &out->ctx.birth) != DJ_OK)
            out->ctx.birth = DEV_NO_DAY;
    }
    db_done(s);
    return rc == DB_ROW ? DJ_OK : rc == DB_DONE ? DJ_ENOTFOUND : rc;
}

static int load_notices(db_conn *c, dj_arena *a, struct dev_app *app)
{
    int rc;
    json_t *rows = db_query_rows(c, &rc,
                                 "SELECT id, step, starts_on, ends_on, working_days FROM dev_notices"
                                 " WHERE application_id = $1 ORDER BY id",
                                 "i", app->id);
    if (!rows)
        return rc;
    size_t n = json_array_size(rows), i;
    app->notices = dj_arena_alloc(a, (n + 1) * sizeof *app->notices);
    app->notice_ids = dj_arena_alloc(a, (n + 1) * sizeof *app->notice_ids);
    json_t *o;
    app->nnotices = 0;
    json_array_foreach(rows, i, o) {
        struct dev_notice *x = &app->notices[app->nnotices];
        if (dev_day_parse(dj_jstr(o, "starts_on", ""), &x->starts_on) || dev_day_parse(dj_jstr(o, "ends_on", ""), &x->ends_on))
            continue;
        x->step = (int)dj_jint(o, "step", 0);
        x->working_days = (int)dj_jint(o, "working_days", 0);
        app->notice_ids[app->nnotices++] = dj_jint(o, "id", 0);
    }
    json_decref(rows);
    return DJ_OK;
}

/* 学时 the person attended in organisational life (held or closed activities). */
static int load_study(db_conn *c, dj_arena *a, struct dev_app *app)
{
    int rc;
    json_t *rows = db_query_rows(c, &rc,
                                 "SELECT v.starts_at, v.study_hours FROM attendance t JOIN activities v ON v.id = t.activity_id"
                                 " WHERE t.person_id = $1 AND v.study_hours > 0 AND v.state IN ('held', 'closed')"
                                 " ORDER BY v.starts_at",
                                 "i", app->person_id);
    if (!rows)
        return rc;
    size_t n = json_array_size(rows), i;
    app->study = dj_arena_alloc(a, (n + 1) * sizeof *app->study);
    app->nstudy = 0;
    json_t *o;
    json_array_foreach(rows, i, o) {
        int64_t t;
        if (dj_time_parse(dj_jstr(o, "starts_at", ""), &t) != DJ_OK)
            continue;
        int y, m, d;
        dj_local_date(t, &y, &m, &d);
        json_t *h = json_object_get(o, "study_hours");
        app->study[app->nstudy].day = dj_days_from_civil(y, m, d);
        app->study[app->nstudy].hours = json_is_number(h) ? json_number_value(h) : 0;
        app->nstudy++;
    }
    json_decref(rows);
    return DJ_OK;
}

static int load_rows(db_conn *c, dj_arena *a, struct dev_app *app)
{
    int rc;
    /* one statement: the rows grow as they come (no count first, a round trip on PostgreSQL) */
    size_t cap = 16;
    app->rows = dj_arena_alloc(a, cap * sizeof *app->rows);
    memset(app->rows, 0, cap * sizeof *app->rows);
    db_stmt *s = db_prep(c, "SELECT id, seq, step, on_date, decision, late_reason, organ, months, train_days,"
                            " train_hours, declaration, notice_id, activity_id, corrects_id, annuls, imported"
                            " FROM dev_steps WHERE application_id = $1 ORDER BY on_date, seq, id");
    if (!s)
        return DJ_EDB;
    db_bind(s, "i", app->id);
    size_t k = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        if (k + 1 >= cap) {
            struct dev_row *more = dj_arena_alloc(a, cap * 2 * sizeof *more);
            memset(more, 0, cap * 2 * sizeof *more);
            memcpy(more, app->rows, cap * sizeof *more);
            app->rows = more;
            cap *= 2;
        }
        struct dev_row *w = &app->rows[k];
        w->id = db_col_i64(s, 0);
        w->seq = db_col_i64(s, 1);
        w->rec.step = (int)db_col_i64(s, 2);
        if (dev_day_parse(db_col_text(s, 3), &w->rec.on) != DJ_OK)
            continue;
        copy(w->rec.decision, sizeof w->rec.decision, db_col_text(s, 4));
        w->rec.late_reason = !db_col_null(s, 5);
        copy(w->organ, sizeof w->organ, db_col_text(s, 6));
        w->rec.organ = w->organ;
        w->rec.months = (int)db_col_i64(s, 7);
        w->rec.train_days = db_col_double(s, 8);
        w->rec.train_hours = db_col_double(s, 9);
        w->rec.declaration = db_col_i64(s, 10) != 0;
        w->notice_id = db_col_i64(s, 11);
        w->activity_id = db_col_i64(s, 12);
        w->corrects_id = db_col_i64(s, 13);
        w->annuls = db_col_i64(s, 14) != 0;
        w->rec.imported = db_col_i64(s, 15) != 0;
        w->rec.verified = true; /* checked when written */
        k++;
    }
    db_done(s);
    if (rc < 0)
        return rc;
    app->nrows = k;
    for (size_t i = 0; i < k; i++)
        app->rows[i].rec.organ = app->rows[i].organ; /* in the array they ended in */
    /* a record corrected by another is superseded */
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++)
            if (app->rows[j].corrects_id == app->rows[i].id)
                app->rows[i].superseded = true;
    app->recs = dj_arena_alloc(a, (k + 1) * sizeof *app->recs);
    app->rec_ids = dj_arena_alloc(a, (k + 1) * sizeof *app->rec_ids);
    app->nrecs = 0;
    for (size_t i = 0; i < k; i++)
        if (!app->rows[i].superseded && !app->rows[i].annuls) {
            app->recs[app->nrecs] = app->rows[i].rec;
            app->rec_ids[app->nrecs++] = app->rows[i].id;
        }
    return DJ_OK;
}

int dev_app_load(db_conn *c, dj_arena *a, int64_t id, struct dev_app *out)
{
    memset(out, 0, sizeof *out);
    int rc = load_head(c, id, out);
    if (rc == DJ_OK)
        rc = dev_calendar_load(c, a, &out->cal);
    if (rc == DJ_OK)
        rc = load_notices(c, a, out);
    if (rc == DJ_OK)
        rc = load_study(c, a, out);
    if (rc == DJ_OK)
        rc = load_rows(c, a, out);
    struct dev_ctx *x = &out->ctx;
    if (rc == DJ_OK)
        rc = branch_has_committee(c, out->org_id, &x->has_committee);
    if (rc)
        return rc;
    x->today = dev_today();
    x->cal = &out->cal;
    dev_ctx_settings(c, x);
    x->notices = out->notices;
    x->nnotices = out->nnotices;
    x->study = out->study;
    x->nstudy = out->nstudy;
    x->legacy_before = out->legacy_before;
    /* the stored history was checked when written: apply it as it is */
    dev_state_init(&out->st, out->legacy_before);
    for (size_t i = 0; i < out->nrecs; i++)
        dev_apply(&out->st, &out->recs[i]);
    return DJ_OK;
}

int dev_app_of_person(db_conn *c, int64_t person_id, int64_t *id)
{
    *id = 0;
    int rc = db_query_i64(c, id, "SELECT id FROM dev_applications WHERE person_id = $1 AND state = 'open'", "i",
                          person_id);
    return rc == DJ_ENOTFOUND ? DJ_OK : rc;
}

/* ---------------------------------------------------------------- people */

void dev_mentor_of(db_conn *c, const struct dev_app *app, int64_t person_id, bool *contact, bool *mentor21)
{
    *contact = *mentor21 = false;
    if (!person_id)
        return;
    /* the records of the application that name the person (one query), matched
     * against the effective records of steps 5 and 9 */
    db_stmt *s = db_prep(c, "SELECT step_id FROM dev_links WHERE person_id = $1 AND application_id = $2");
    if (!s)
        return;
    db_bind(s, "ii", person_id, app->id);
    while (db_step(s) == DB_ROW) {
        int64_t id = db_col_i64(s, 0);
        for (size_t i = 0; i < app->nrecs; i++) {
            if (app->rec_ids[i] != id)
                continue;
            *contact = *contact || app->recs[i].step == 5;
            *mentor21 = *mentor21 || app->recs[i].step == 5 || app->recs[i].step == 9;
        }
    }
    db_done(s);
}

bool dev_is_mentor(db_conn *c, const struct dev_app *app, int64_t person_id, int step)
{
    bool contact, mentor21;
    dev_mentor_of(c, app, person_id, &contact, &mentor21);
    return step == 21 ? mentor21 : contact;
}

/* ---------------------------------------------------------------- projection */

static const char *day_or_null(dev_day d, char buf[11])
{
    if (d == DEV_NO_DAY)
        return NULL;
    dev_day_format(d, buf);
    return buf;
}

int dev_project(db_conn *c, dj_req *r, struct dev_app *app)
{
    const struct dev_state *st = &app->st;
    struct dev_window w;
    int next = dev_next(st, &app->ctx, &w);
    struct dev_deadline dl[DEV_MAX_FLAGS];
    int nd = dev_deadlines(st, dl), near = -1;
    for (int i = 0; i < nd; i++)
        if (near < 0 || dl[i].due < dl[near].due)
            near = i;
    const char *state = st->stopped ? "stopped" : dev_done(st, 25) ? "finished" : "open";
    const char *status = dev_state_status(st);
    char b1[11], b2[11], b3[11], b4[11], b5[11], now[21];
    dj_time_iso(dj_now(), now);
    int rc = db_exec(c,
                     "UPDATE dev_applications SET state = $1, stage = $2, status = $3, next_step = $4, next_on = $5,"
                     " due_on = $6, warn_on = $7, due_code = $8, resolution_on = $9, probation_until = $10,"
                     " updated_at = $11 WHERE id = $12",
                     "titIttttttti", state, (int64_t)dev_state_stage(st), status, (int64_t)next,
                     next ? day_or_null(w.earliest, b1) : NULL, near >= 0 ? day_or_null(dl[near].due, b2) : NULL,
                     near >= 0 ? day_or_null(dl[near].warn, b3) : NULL, near >= 0 ? dl[near].code : NULL,
                     day_or_null(st->resolution, b4), day_or_null(st->probation_until, b5), now, app->id);
    if (rc == DJ_OK)
        rc = db_exec(c, "DELETE FROM dev_deadlines WHERE application_id = $1", "i", app->id);
    for (int i = 0; rc == DJ_OK && i < nd; i++) {
        /* two deadlines of one kind (the probationary assessment and approval): the nearer */
        bool later = false;
        for (int k = 0; k < nd; k++)
            later = later || (k != i && strcmp(dl[k].code, dl[i].code) == 0 && (dl[k].due < dl[i].due || (dl[k].due == dl[i].due && k < i)));
        if (!later)
            rc = db_exec(c, "INSERT INTO dev_deadlines (application_id, code, warn_on, due_on) VALUES ($1, $2, $3, $4)",
                         "ittt", app->id, dl[i].code, day_or_null(dl[i].warn, b1), day_or_null(dl[i].due, b2));
    }
    if (rc)
        return rc;
    snprintf(app->state, sizeof app->state, "%s", state);
    /* the roster's four fields follow the pipeline */
    bool member = dev_done(st, 17) && !st->stopped;
    char j[11], f[11], u[11];
    const char *joined = member ? day_or_null(st->resolution, j) : NULL;
    const char *full = member ? day_or_null(st->full_on, f) : NULL;
    const char *until = member ? day_or_null(st->probation_until, u) : NULL;
    json_t *before = db_query_row(c, &rc,
                                  "SELECT party_status, joined_on, full_on, probation_until FROM people WHERE id = $1",
                                  "i", app->person_id);
    if (!before)
        return rc;
#define SAME(k, v) ((dj_jstr(before, k, NULL) == NULL && (v) == NULL) || \
                    (dj_jstr(before, k, NULL) && (v) && strcmp(dj_jstr(before, k, NULL), (v)) == 0))
    bool same = SAME("party_status", status) && SAME("joined_on", joined) && SAME("full_on", full) &&
                SAME("probation_until", until);
#undef SAME
    if (!same) {
        rc = orgs_stats_person(c, app->person_id, -1);
        if (rc == DJ_OK)
            rc = db_exec(c,
                         "UPDATE people SET party_status = $1, joined_on = $2, full_on = $3, probation_until = $4,"
                         " updated_at = $5 WHERE id = $6",
                         "tttttI", status, joined, full, until, now, app->person_id);
        if (rc == DJ_OK)
            rc = orgs_stats_person(c, app->person_id, +1);
        json_t *after = rc == DJ_OK ? db_query_row(c, &rc,
                                                  "SELECT party_status, joined_on, full_on, probation_until FROM people"
                                                  " WHERE id = $1",
                                                  "i", app->person_id)
                                    : NULL;
        if (after)
            rc = audit_write(c, r, "development", "person", app->person_id, before, after);
        /* the membership history keeps every status with its day (issue 17) */
        if (rc == DJ_OK && strcmp(dj_jstr(before, "party_status", ""), status) != 0) {
            /* the day of the step that changed it: 转正, the resolution, else the latest step done */
            dev_day on = DEV_NO_DAY;
            for (int k = 1; k <= DEV_NSTEPS; k++)
                if (st->at[k] != DEV_NO_DAY && (on == DEV_NO_DAY || st->at[k] > on))
                    on = st->at[k];
            if (st->stopped && st->stopped_on != DEV_NO_DAY)
                on = st->stopped_on;
            char day[11];
            dev_day_format(on == DEV_NO_DAY ? dev_today() : on, day);
            struct people_event ev = {.person_id = app->person_id, .kind = "status", .status = status,
                                      .on_date = full ? full : joined ? joined : day, .event = "development",
                                      .ref_kind = "dev_application", .ref_id = app->id,
                                      .user_id = r && r->user ? r->user->id : 0};
            rc = people_history_add(c, &ev);
        }
        json_decref(after);
    }
    json_decref(before);
    return rc;
}

int development_admitted_on(db_conn *c, int64_t person_id, char out[11])
{
    char *d = NULL;
    int rc = db_query_text(c, &d,
                           "SELECT resolution_on FROM dev_applications WHERE person_id = $1 AND state <> 'stopped'"
                           " AND status IN ('probationary', 'full') AND resolution_on IS NOT NULL"
                           " ORDER BY id DESC LIMIT 1",
                           "i", person_id);
    if (rc == DJ_ENOTFOUND || (rc == DJ_OK && !d))
        rc = db_query_text(c, &d,
                           "SELECT joined_on FROM people WHERE id = $1 AND party_status IN ('probationary', 'full')"
                           " AND joined_on IS NOT NULL",
                           "i", person_id);
    if (rc == DJ_OK && !d)
        rc = DJ_ENOTFOUND;
    if (rc == DJ_OK)
        snprintf(out, 11, "%s", d);
    free(d);
    return rc;
}

/* ---------------------------------------------------------------- JSON */

static void set_day(json_t *o, const char *key, dev_day d)
{
    char b[11];
    json_object_set_new(o, key, d == DEV_NO_DAY ? json_null() : json_string(day_or_null(d, b)));
}

json_t *dev_timeline_json(struct dev_app *app)
{
    const struct dev_state *st = &app->st;
    struct dev_window nw;
    int next = dev_next(st, &app->ctx, &nw);
    json_t *items = json_array();
    for (int s = 1; s <= DEV_NSTEPS; s++) {
        const struct dev_step_def *d = dev_step_def(s);
        struct dev_window w;
        dev_window_of(st, &app->ctx, s, &w);
        /* the day of the latest effective record of the step */
        dev_day on = DEV_NO_DAY;
        int count = 0;
        for (size_t i = 0; i < app->nrecs; i++)
            if (app->recs[i].step == s) {
                on = app->recs[i].on;
                count++;
            }
        const char *status = s == next ? "next"
                             : dev_done(st, s) && on == DEV_NO_DAY && s < st->legacy_before ? "legacy"
                             : dev_done(st, s) ? "done"
                             : count > 0 ? (st->stopped ? "stopped" : "recorded")
                             : st->stopped ? "stopped"
                             : w.open ? "open"
                                      : "waiting";
        if ((d->flags & DEV_F_REPEAT) && count > 0 && s != next)
            status = "done";
        json_t *o = json_pack("{s:i, s:i, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:s, s:i}", "no", s, "stage", d->stage,
                              "stage_name", dev_stage_name(d->stage), "code", d->code, "name", d->name, "rule", d->rule,
                              "committee", (d->flags & DEV_F_COMMITTEE) != 0, "repeat", (d->flags & DEV_F_REPEAT) != 0,
                              "vote", (d->flags & DEV_F_VOTE) != 0, "notice", (app->ctx.notice_steps & (1u << s)) != 0,
                              "status", status, "count", count);
        set_day(o, "on_date", on);
        json_object_set_new(o, "decision", st->decision[s][0] ? json_string(st->decision[s]) : json_null());
        json_object_set_new(o, "decision_label", json_string(dev_decision_label(st->decision[s])));
        set_day(o, "earliest_on", w.open ? w.earliest : DEV_NO_DAY);
        set_day(o, "due_on", w.open ? w.due : DEV_NO_DAY);
        json_object_set_new(o, "blocked", w.open ? json_null() : json_string(w.blocked));
        json_array_append_new(items, o);
    }
    return items;
}

static json_t *flags_json(struct dev_app *app)
{
    struct dev_flag f[DEV_MAX_FLAGS];
    int n = dev_flags(&app->st, &app->ctx, f);
    json_t *a = json_array();
    for (int i = 0; i < n; i++) {
        json_t *o = json_pack("{s:s, s:b, s:s}", "code", f[i].code, "overdue", f[i].overdue, "message", f[i].message);
        set_day(o, "day", f[i].day);
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *next_json(struct dev_app *app)
{
    struct dev_window w;
    int s = dev_next(&app->st, &app->ctx, &w);
    if (!s)
        return json_null();
    const struct dev_step_def *d = dev_step_def(s);
    json_t *o = json_pack("{s:i, s:s, s:s, s:b}", "step", s, "name", d->name, "rule", d->rule, "committee",
                          (d->flags & DEV_F_COMMITTEE) != 0);
    set_day(o, "earliest_on", w.earliest);
    set_day(o, "due_on", w.due);
    json_object_set_new(o, "blocked", w.open ? json_null() : json_string(w.blocked));
    dev_day target = w.due != DEV_NO_DAY ? w.due : w.earliest;
    json_object_set_new(o, "days_left", target == DEV_NO_DAY ? json_null() : json_integer(target - app->ctx.today));
    return o;
}

/* The records of an application with their people, votes and documents. */
static json_t *records_json(db_conn *c, struct dev_app *app, int *err)
{
    json_t *recs = db_query_rows(
        c, err,
        "SELECT s.id, s.seq, s.step, s.on_date, s.decision, s.note, s.late_reason, s.organ, s.months, s.train_days,"
        " s.train_hours, s.declaration AS declaration__bool, s.notice_id, s.activity_id, s.corrects_id,"
        " s.annuls AS annuls__bool, s.reason, s.imported AS imported__bool, u.name AS recorded_by_name, s.recorded_at"
        " FROM dev_steps s LEFT JOIN users u ON u.id = s.recorded_by WHERE s.application_id = $1"
        " ORDER BY s.on_date, s.seq, s.id",
        "i", app->id);
    json_t *links = recs ? db_query_rows(c, err,
                                         "SELECT l.step_id, l.role, l.person_id, p.name FROM dev_links l"
                                         " JOIN people p ON p.id = l.person_id WHERE l.application_id = $1 ORDER BY l.id",
                                         "i", app->id)
                         : NULL;
    json_t *votes = links ? db_query_rows(c, err,
                                          "SELECT v.step_id, v.activity_id, a.title AS activity_title, v.voting_members,"
                                          " v.present, v.votes_for, v.votes_against, v.abstentions FROM dev_votes v"
                                          " JOIN dev_steps s ON s.id = v.step_id LEFT JOIN activities a ON a.id = v.activity_id"
                                          " WHERE s.application_id = $1",
                                          "i", app->id)
                          : NULL;
    json_t *docs = votes ? db_query_rows(c, err,
                                         "SELECT d.step_id, d.file_id, d.name FROM dev_documents d"
                                         " JOIN dev_steps s ON s.id = d.step_id WHERE s.application_id = $1",
                                         "i", app->id)
                         : NULL;
    if (!docs) {
        json_decref(recs);
        json_decref(links);
        json_decref(votes);
        return NULL;
    }
    size_t i, j;
    json_t *o, *x;
    json_array_foreach(recs, i, o) {
        int64_t id = dj_jint(o, "id", 0);
        int s = (int)dj_jint(o, "step", 0);
        bool effective = false;
        for (size_t k = 0; k < app->nrecs; k++)
            effective = effective || app->rec_ids[k] == id;
        json_object_set_new(o, "effective", json_boolean(effective));
        json_object_set_new(o, "name", json_string(dev_step_def(s)->name));
        json_object_set_new(o, "decision_label", json_string(dev_decision_label(dj_jstr(o, "decision", NULL))));
        json_t *people = json_array(), *documents = json_array();
        json_array_foreach(links, j, x) if (dj_jint(x, "step_id", 0) == id)
            json_array_append_new(people, json_pack("{s:O, s:O, s:O}", "person_id", json_object_get(x, "person_id"),
                                                    "name", json_object_get(x, "name"), "role", json_object_get(x, "role")));
        json_array_foreach(docs, j, x) if (dj_jint(x, "step_id", 0) == id)
            json_array_append_new(documents, json_pack("{s:O, s:O}", "file_id", json_object_get(x, "file_id"), "name",
                                                       json_object_get(x, "name")));
        json_object_set_new(o, "people", people);
        json_object_set_new(o, "documents", documents);
        json_object_set_new(o, "vote", json_null());
        json_array_foreach(votes, j, x) if (dj_jint(x, "step_id", 0) == id) {
            json_t *v = json_deep_copy(x);
            json_object_del(v, "step_id");
            json_object_set_new(v, "quorum", json_boolean(dev_vote_quorum(&(struct dev_vote){
                                                 (int)dj_jint(x, "voting_members", 0), (int)dj_jint(x, "present", 0),
                                                 (int)dj_jint(x, "votes_for", 0), 0, 0})));
            json_object_set_new(o, "vote", v);
        }
    }
    json_decref(links);
    json_decref(votes);
    json_decref(docs);
    return recs;
}

/* The people named by the latest effective record of step s (5 contacts, 9 sponsors). */
static json_t *effective_people(const json_t *records, int s)
{
    json_t *out = NULL;
    size_t i;
    json_t *o;
    json_array_foreach(records, i, o) if (dj_jint(o, "step", 0) == s && json_is_true(json_object_get(o, "effective")))
        out = json_object_get(o, "people");
    return out ? json_incref(out) : json_array();
}

json_t *dev_app_json(db_conn *c, struct dev_app *app, int *err)
{
    json_t *records = records_json(c, app, err);
    if (!records)
        return NULL;
    json_t *person = db_query_row(c, err,
                                  "SELECT p.id, p.name, p.gender, p.org_id, o.name AS org_name, p.party_status,"
                                  " p.joined_on, p.full_on, p.probation_until, p.education, p.job_post FROM people p"
                                  " LEFT JOIN orgs o ON o.id = p.org_id WHERE p.id = $1",
                                  "i", app->person_id);
    json_t *notices = person ? db_query_rows(c, err,
                                             "SELECT id, step, starts_on, ends_on, working_days, title, contact, created_at"
                                             " FROM dev_notices WHERE application_id = $1 ORDER BY id",
                                             "i", app->id)
                             : NULL;
    json_t *ext = notices ? db_query_rows(c, err,
                                          "SELECT e.id, e.step_id, e.months, e.from_until, e.new_until, e.created_at"
                                          " FROM dev_extensions e WHERE e.application_id = $1 ORDER BY e.id",
                                          "i", app->id)
                          : NULL;
    if (!ext) {
        json_decref(records);
        json_decref(person);
        json_decref(notices);
        return NULL;
    }
    const struct dev_state *st = &app->st;
    int stage = st->stopped ? 0 : dev_state_stage(st);
    json_t *o = json_pack("{s:I, s:I, s:I, s:s, s:s, s:i, s:s, s:s, s:s, s:i, s:b, s:o}", "id", (json_int_t)app->id,
                          "person_id", (json_int_t)app->person_id, "org_id", (json_int_t)app->org_id, "org_name",
                          app->org_name, "state", app->state, "stage", stage, "stage_name", dev_stage_name(stage),
                          "status", dev_state_status(st), "status_label", dev_status_label(dev_state_status(st)),
                          "legacy_before", app->legacy_before, "imported", app->imported, "person", person);
    set_day(o, "applied_on", st->at[1]);
    set_day(o, "resolution_on", st->resolution);
    set_day(o, "probation_until", st->probation_until);
    set_day(o, "full_on", st->full_on);
    json_object_set_new(o, "extension_months", json_integer(st->ext_months));
    json_object_set_new(o, "stop", st->stopped ? json_pack("{s:s, s:s}", "kind", st->stop_kind, "label",
                                                           dev_decision_label(st->stop_kind))
                                               : json_null());
    json_object_set_new(o, "next", next_json(app));
    json_object_set_new(o, "flags", flags_json(app));
    json_object_set_new(o, "timeline", dev_timeline_json(app));
    json_object_set_new(o, "contacts", effective_people(records, 5));
    json_object_set_new(o, "sponsors", effective_people(records, 9));
    json_object_set_new(o, "records", records);
    json_object_set_new(o, "notices", notices);
    json_object_set_new(o, "extensions", ext);
    json_object_set_new(o, "notice_days", json_integer(app->ctx.notice_days));
    json_object_set_new(o, "today", json_string(day_or_null(app->ctx.today, (char[11]){0})));
    return o;
}

json_t *dev_step_row_json(db_conn *c, int64_t step_id, int *err)
{
    return db_query_row(c, err,
                        "SELECT id, application_id, step, on_date, decision, note, corrects_id, annuls AS annuls__bool,"
                        " reason, recorded_at FROM dev_steps WHERE id = $1",
                        "i", step_id);
}
