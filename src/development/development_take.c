/* development_take.c - writing the history of 发展党员: starting an
 * application, recording a step (with its people, vote and documents),
 * correcting a record by a new one that says why (the whole history is
 * replayed through the rules with the correction in place), posting a 公示.
 * Each runs inside the caller's transaction and ends by re-projecting the
 * application onto the roster (development_store.c). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/err.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "development_int.h"

static int fail(struct dev_err *e, int rc, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(struct dev_err *e, int rc, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    e->field = field;
    return rc;
}

static bool blank(const char *s) { return !s || dj_str_blank(s); }

/* ---------------------------------------------------------------- evidence */

/* Are all the named people full members on the roster, other than the applicant? */
static int people_evidence(db_conn *c, const struct dev_app *app, const struct dev_input *in, struct dev_rec *rec,
                           struct dev_err *e)
{
    rec->people = 0;
    rec->people_full = true;
    for (size_t i = 0; i < in->npeople; i++) {
        for (size_t j = 0; j < i; j++)
            if (in->people[j] == in->people[i])
                return fail(e, DJ_EINVAL, "people", "第%zu位人员与第%zu位重复", i + 1, j + 1);
        char *status = NULL;
        int64_t active = 0;
        int rc = db_query_text(c, &status, "SELECT party_status FROM people WHERE id = $1", "i", in->people[i]);
        if (rc == DJ_ENOTFOUND)
            return fail(e, DJ_EINVAL, "people", "找不到第%zu位人员", i + 1);
        if (rc == DJ_OK)
            rc = db_query_i64(c, &active, "SELECT active FROM people WHERE id = $1", "i", in->people[i]);
        if (rc) {
            free(status);
            return rc;
        }
        rec->people_full = rec->people_full && active && status && strcmp(status, "full") == 0 &&
                           in->people[i] != app->person_id;
        free(status);
        rec->people++;
    }
    return DJ_OK;
}

/* A vote linked to a 支部党员大会 of organisational life takes its day and its
 * attendance (voting full members expected and present) from there. */
static int activity_vote(db_conn *c, const struct dev_app *app, const struct dev_input *in, struct dev_rec *rec,
                         struct dev_err *e)
{
    int rc;
    json_t *a = db_query_row(c, &rc,
                             "SELECT v.kind, v.state, v.starts_at, o.path, o.kind AS org_kind, v.title FROM activities v"
                             " JOIN orgs o ON o.id = v.org_id WHERE v.id = $1",
                             "i", in->activity_id);
    if (!a)
        return rc == DJ_ENOTFOUND ? fail(e, DJ_EINVAL, "activity_id", "找不到该组织生活记录") : rc;
    const char *path = dj_jstr(a, "path", "");
    if (strcmp(dj_jstr(a, "kind", ""), "branch_assembly") != 0)
        rc = fail(e, DJ_EINVAL, "activity_id", "关联的活动须是支部党员大会");
    else if (strncmp(app->org_path, path, strlen(path)) != 0 ||
             (strcmp(dj_jstr(a, "org_kind", ""), "branch") != 0 && strcmp(dj_jstr(a, "org_kind", ""), "general_branch") != 0))
        rc = fail(e, DJ_EINVAL, "activity_id", "关联的支部党员大会不是本人所在支部的会议");
    else if (strcmp(dj_jstr(a, "state", ""), "held") != 0 && strcmp(dj_jstr(a, "state", ""), "closed") != 0)
        rc = fail(e, DJ_EUNPROCESSABLE, "activity_id", "关联的支部党员大会尚未召开（须为“已召开”或“已结束”）");
    int64_t t = 0;
    if (rc == DJ_OK && dj_time_parse(dj_jstr(a, "starts_at", ""), &t) == DJ_OK) {
        int y, m, d;
        dj_local_date(t, &y, &m, &d);
        dev_day day = dj_days_from_civil(y, m, d);
        if (rec->on != day) {
            char cn[24];
            dev_day_cn(day, cn);
            rc = fail(e, DJ_EINVAL, "on_date", "办理日期须与关联的支部党员大会日期（%s）一致", cn);
        }
    }
    json_decref(a);
    if (rc)
        return rc;
    json_t *q = db_query_row(c, &rc,
                             "SELECT COALESCE(SUM(CASE WHEN p.party_status = 'full' THEN 1 ELSE 0 END), 0) AS voting,"
                             " COALESCE(SUM(CASE WHEN p.party_status = 'full' AND t.id IS NOT NULL THEN 1 ELSE 0 END), 0)"
                             " AS present FROM activity_people ap JOIN people p ON p.id = ap.person_id"
                             " LEFT JOIN attendance t ON t.activity_id = ap.activity_id AND t.person_id = ap.person_id"
                             " WHERE ap.activity_id = $1",
                             "i", in->activity_id);
    if (!q)
        return rc;
    int voting = (int)dj_jint(q, "voting", 0), present = (int)dj_jint(q, "present", 0);
    json_decref(q);
    if (in->has_vote && in->vote.voting_members && (in->vote.voting_members != voting || in->vote.present != present))
        return fail(e, DJ_EINVAL, "vote.present",
                    "与组织生活记录的到会情况不一致：应到有表决权的正式党员%d人，实到%d人", voting, present);
    rec->vote.voting_members = voting;
    rec->vote.present = present;
    return DJ_OK;
}

/* The rules' view of an input; evidence looked up in the database. */
static int build_rec(db_conn *c, const struct dev_app *app, const struct dev_input *in, struct dev_rec *rec,
                     struct dev_err *e)
{
    memset(rec, 0, sizeof *rec);
    rec->step = in->step;
    if (!in->on_date || dev_day_parse(in->on_date, &rec->on) != DJ_OK)
        return fail(e, DJ_EINVAL, "on_date", "请以 YYYY-MM-DD 填写办理日期");
    snprintf(rec->decision, sizeof rec->decision, "%s", in->decision ? in->decision : "");
    rec->months = in->months;
    rec->late_reason = !blank(in->late_reason);
    rec->imported = in->imported;
    rec->organ = in->organ;
    rec->notice_clear = in->notice_clear;
    rec->declaration = in->declaration;
    rec->train_days = in->train_days;
    rec->train_hours = in->train_hours;
    int rc;
    if (in->annuls)
        return DJ_OK; /* a withdrawal restates nothing */
    if ((in->step == 5 || in->step == 9) && (rc = people_evidence(c, app, in, rec, e)))
        return rc;
    if (in->step == 15 || in->step == 23) {
        rec->has_vote = in->has_vote || in->activity_id;
        rec->vote = in->vote;
        if (in->activity_id && (rc = activity_vote(c, app, in, rec, e)))
            return rc;
        if (in->step == 23 && !in->imported) {
            static const char *const proposals[] = {"full", "extend", "cancel", NULL};
            bool ok = false;
            for (int i = 0; proposals[i]; i++)
                ok = ok || (in->decision && strcmp(in->decision, proposals[i]) == 0);
            if (!ok)
                return fail(e, DJ_EINVAL, "decision", "请选择支部大会表决的事项：按期转正、延长预备期或取消预备党员资格");
        }
        if (rec->has_vote && !in->imported) {
            bool passed = dev_vote_passed(&rec->vote);
            snprintf(rec->decision, sizeof rec->decision, "%s",
                     in->step == 15 ? (passed ? "passed" : "failed") : (passed ? in->decision : "failed"));
        }
    }
    return DJ_OK;
}

/* ---------------------------------------------------------------- writing */

/* TODO(files): when the file store (branch `files`) lands, check that each id
 * is a file the caller may cite (files.h scope check), then insert it here:
 *   INSERT INTO dev_documents (step_id, file_id, name) VALUES (…)
 * and add the foreign key to files(id) in a migration of the 06xx range.
 * Until then a step names its paper materials in its note. */
static int attach_documents(db_conn *c, int64_t step_id, const json_t *documents, struct dev_err *e)
{
    (void)c;
    (void)step_id;
    if (json_array_size(documents) > 0)
        return fail(e, DJ_EUNPROCESSABLE, "documents", "附件上传尚未开通，请在备注中写明已归档的材料");
    return DJ_OK;
}

static int insert_row(db_conn *c, dj_req *r, const struct dev_app *app, const struct dev_input *in,
                      const struct dev_rec *rec, int64_t seq, int64_t *id)
{
    char now[21];
    dj_time_iso(dj_now(), now);
    char on[11];
    dev_day_format(rec->on, on);
    /* the notice a step confirms: the latest for it */
    int64_t notice_id = 0;
    for (size_t i = 0; i < app->nnotices; i++)
        if (app->notices[i].step == rec->step)
            notice_id = app->notice_ids[i];
    db_stmt *s = db_prep(c, "INSERT INTO dev_steps (application_id, seq, step, on_date, decision, note, late_reason,"
                            " organ, months, train_days, train_hours, declaration, notice_id, activity_id, corrects_id,"
                            " annuls, reason, imported, recorded_by, recorded_at, client_key)"
                            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,"
                            " $19, $20, $21) RETURNING id");
    if (!s)
        return DJ_EDB;
    bool has_train = rec->step == 11;
    db_bind(s, "iiittttt", app->id, seq, (int64_t)rec->step, on, rec->decision[0] ? rec->decision : NULL,
            blank(in->note) ? NULL : in->note, blank(in->late_reason) ? NULL : in->late_reason,
            rec->step == 3 && !in->annuls ? in->organ : NULL);
    if (rec->step == 23 && rec->months)
        db_bind_i64(s, 9, rec->months);
    else
        db_bind_null(s, 9);
    if (has_train) {
        db_bind_double(s, 10, rec->train_days);
        db_bind_double(s, 11, rec->train_hours);
    } else {
        db_bind_null(s, 10);
        db_bind_null(s, 11);
    }
    if (rec->step == 9)
        db_bind_i64(s, 12, rec->declaration);
    else
        db_bind_null(s, 12);
    if (notice_id && rec->notice_clear)
        db_bind_i64(s, 13, notice_id);
    else
        db_bind_null(s, 13);
    if (in->activity_id)
        db_bind_i64(s, 14, in->activity_id);
    else
        db_bind_null(s, 14);
    if (in->corrects_id)
        db_bind_i64(s, 15, in->corrects_id);
    else
        db_bind_null(s, 15);
    db_bind_i64(s, 16, in->annuls);
    db_bind_text(s, 17, blank(in->reason) ? NULL : in->reason);
    db_bind_i64(s, 18, in->imported);
    if (r && r->user)
        db_bind_i64(s, 19, r->user->id);
    else
        db_bind_null(s, 19);
    db_bind_text(s, 20, now);
    db_bind_text(s, 21, blank(in->client_key) ? NULL : in->client_key);
    int rc = db_step(s);
    if (rc == DB_ROW)
        *id = db_col_i64(s, 0);
    db_done(s);
    if (rc != DB_ROW)
        return rc < 0 ? rc : DJ_EDB;
    if (in->annuls)
        return DJ_OK;
    for (size_t i = 0; rc >= 0 && i < in->npeople && (rec->step == 5 || rec->step == 9); i++)
        rc = db_exec(c, "INSERT INTO dev_links (step_id, application_id, role, person_id) VALUES ($1, $2, $3, $4)",
                     "iiti", *id, app->id, rec->step == 5 ? "contact" : "sponsor", in->people[i]);
    if (rc >= 0 && rec->has_vote)
        rc = db_exec(c,
                     "INSERT INTO dev_votes (step_id, activity_id, voting_members, present, votes_for, votes_against,"
                     " abstentions) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                     "iIiiiii", *id, in->activity_id, (int64_t)rec->vote.voting_members, (int64_t)rec->vote.present,
                     (int64_t)rec->vote.votes_for, (int64_t)rec->vote.votes_against, (int64_t)rec->vote.abstentions);
    return rc < 0 ? rc : DJ_OK;
}

/* Order of replay: by day, then by when the record's chain began. */
struct order {
    struct dev_rec rec;
    int64_t seq;
};
static int by_day(const void *a, const void *b)
{
    const struct order *x = a, *y = b;
    if (x->rec.on != y->rec.on)
        return x->rec.on < y->rec.on ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Replays the history with target replaced by rec (or removed when annulled). */
static int replay_corrected(dj_arena *a, const struct dev_app *app, const struct dev_row *target,
                            const struct dev_rec *rec, bool annuls, struct dev_err *e)
{
    struct order *list = dj_arena_alloc(a, (app->nrecs + 1) * sizeof *list);
    size_t n = 0;
    for (size_t i = 0; i < app->nrecs; i++) {
        if (app->rec_ids[i] == target->id) {
            if (annuls)
                continue;
            list[n].rec = *rec;
        } else {
            list[n].rec = app->recs[i];
        }
        list[n].seq = target->seq;
        for (size_t k = 0; k < app->nrows; k++)
            if (app->rows[k].id == app->rec_ids[i])
                list[n].seq = app->rows[k].seq;
        n++;
    }
    qsort(list, n, sizeof *list, by_day);
    struct dev_rec *recs = dj_arena_alloc(a, (n + 1) * sizeof *recs);
    for (size_t i = 0; i < n; i++)
        recs[i] = list[i].rec;
    struct dev_state st;
    struct dev_verdict v;
    size_t bad = 0;
    dev_state_init(&st, app->legacy_before);
    int rc = dev_replay(recs, n, &app->ctx, &st, &v, &bad);
    if (rc) {
        /* a correction that breaks the history breaks a rule, whatever the step's own refusal was */
        if (rc == DJ_ECONFLICT)
            rc = DJ_EUNPROCESSABLE;
        char d[24];
        dev_day_cn(recs[bad].on, d);
        const struct dev_step_def *def = dev_step_def(recs[bad].step);
        return fail(e, rc, recs[bad].step == rec->step && recs[bad].on == rec->on ? v.field : "corrects_id",
                    "更正后，第%d步“%s”（%s）不再符合规则：%s", recs[bad].step, def->name, d, v.message);
    }
    return DJ_OK;
}

/* An approved extension of probation, as a fact of its own (step 24 approving a 23 "extend"). */
static int record_extension(db_conn *c, const struct dev_app *app, int64_t step_id, dev_day until_before)
{
    char now[21], from[11], to[11];
    dj_time_iso(dj_now(), now);
    dev_day_format(until_before, from);
    dev_day_format(app->st.probation_until, to);
    return db_exec(c,
                   "INSERT INTO dev_extensions (application_id, person_id, step_id, months, from_until, new_until,"
                   " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                   "iiiittt", app->id, app->person_id, step_id, (int64_t)app->st.ext_months, from, to, now);
}

int dev_take(db_conn *c, dj_req *r, dj_arena *a, struct dev_app *app, const struct dev_input *in, int64_t *step_id,
             struct dev_err *e)
{
    const struct dev_row *target = NULL;
    /* the state as it is inside the caller's transaction, not as it was read before it */
    int rc = dev_app_load(c, a, app->id, app);
    if (rc)
        return rc;
    if (!blank(in->client_key)) {
        rc = db_query_i64(c, step_id, "SELECT id FROM dev_steps WHERE application_id = $1 AND client_key = $2", "it",
                          app->id, in->client_key);
        if (rc == DJ_OK) {
            e->repeated = true; /* answered before: nothing new is written */
            return DJ_OK;
        }
        if (rc != DJ_ENOTFOUND)
            return rc;
    }
    if (in->corrects_id) {
        for (size_t i = 0; i < app->nrows; i++)
            if (app->rows[i].id == in->corrects_id)
                target = &app->rows[i];
        if (!target)
            return fail(e, DJ_ENOTFOUND, "corrects_id", "找不到要更正的记录");
        if (target->superseded || target->annuls)
            return fail(e, DJ_ECONFLICT, "corrects_id", "该记录已被更正，请更正最新的记录");
        if (blank(in->reason))
            return fail(e, DJ_EINVAL, "reason", "更正须说明原因");
    }
    struct dev_input x = *in;
    char target_on[11];
    if (target) {
        x.step = target->rec.step;
        if (x.annuls || !x.on_date) {
            dev_day_format(target->rec.on, target_on);
            x.on_date = target_on;
        }
        if (x.annuls)
            x.decision = target->rec.decision;
    }
    struct dev_rec rec;
    rc = build_rec(c, app, &x, &rec, e);
    if (rc)
        return rc;
    if (target && !x.annuls && target->rec.step == DEV_STEP_STOP && !rec.decision[0])
        snprintf(rec.decision, sizeof rec.decision, "%s", target->rec.decision);
    if (target) {
        if ((rc = replay_corrected(a, app, target, &rec, x.annuls, e)))
            return rc;
    } else {
        struct dev_verdict v;
        if ((rc = dev_check(&app->st, &app->ctx, &rec, &v)))
            return fail(e, rc, v.field, "%s", v.message);
    }
    int64_t seq = target ? target->seq : 0;
    if (!target && (rc = db_query_i64(c, &seq, "SELECT COALESCE(MAX(seq), 0) + 1 FROM dev_steps WHERE application_id = $1",
                                      "i", app->id)))
        return rc;
    dev_day until_before = app->st.probation_until;
    int ext_before = app->st.ext_months;
    if ((rc = insert_row(c, r, app, &x, &rec, seq, step_id)))
        return rc == DJ_ECONFLICT ? fail(e, rc, "corrects_id", "该记录已被更正，请刷新后重试") : rc;
    if ((rc = attach_documents(c, *step_id, in->documents, e)))
        return rc;
    int64_t id = app->id;
    if ((rc = dev_app_load(c, a, id, app)))
        return rc;
    if (app->st.ext_months > 0 && ext_before == 0 && rec.step == 24 &&
        (rc = record_extension(c, app, *step_id, until_before)))
        return rc;
    if ((rc = dev_project(c, r, app)))
        return rc;
    json_t *after = dev_step_row_json(c, *step_id, &rc);
    if (!after)
        return rc;
    json_t *before = target ? dev_step_row_json(c, target->id, &rc) : NULL;
    rc = audit_write(c, r, target ? "correct" : "step", "development", app->id, before, after);
    json_decref(before);
    json_decref(after);
    return rc;
}

int dev_start(db_conn *c, dj_req *r, dj_arena *a, int64_t person_id, const struct dev_input *in, int legacy_before,
              int64_t *app_id, struct dev_err *e)
{
    int rc;
    json_t *p = db_query_row(c, &rc,
                             "SELECT p.party_status, p.active, p.org_id, o.kind FROM people p"
                             " LEFT JOIN orgs o ON o.id = p.org_id WHERE p.id = $1",
                             "i", person_id);
    if (!p)
        return rc == DJ_ENOTFOUND ? fail(e, DJ_EINVAL, "person_id", "找不到该人员") : rc;
    char status[16], kind[24];
    snprintf(status, sizeof status, "%s", dj_jstr(p, "party_status", "none"));
    snprintf(kind, sizeof kind, "%s", dj_jstr(p, "kind", ""));
    int64_t org = dj_jint(p, "org_id", 0);
    bool active = dj_jint(p, "active", 1) != 0;
    bool party_org = !strcmp(kind, "branch") || !strcmp(kind, "group") || !strcmp(kind, "general_branch");
    char label[32];
    snprintf(label, sizeof label, "%s", dev_status_label(status));
    json_decref(p);
    if (!active)
        return fail(e, DJ_EUNPROCESSABLE, "person_id", "该人员已不在册");
    if (!org || !party_org)
        return fail(e, DJ_EUNPROCESSABLE, "person_id", "请先在党员名册中填写其所在党支部");
    if (!in->imported && strcmp(status, "none") != 0 && strcmp(status, "applicant") != 0)
        return fail(e, DJ_EUNPROCESSABLE, "person_id",
                    "该人员在名册中已是%s；已在发展过程中的人员请通过“导入在途人员”补录其发展经历", label);
    if (in->imported && !strcmp(status, "full"))
        return fail(e, DJ_EUNPROCESSABLE, "person_id", "该人员已是%s，不能再导入发展经历", label);
    int64_t open = 0;
    if ((rc = dev_app_of_person(c, person_id, &open)))
        return rc;
    if (open)
        return fail(e, DJ_ECONFLICT, "person_id", "该人员已有进行中的发展档案");
    char now[21];
    dj_time_iso(dj_now(), now);
    db_stmt *s = db_prep(c, "INSERT INTO dev_applications (person_id, org_id, legacy_before, imported, created_by,"
                            " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id");
    if (!s)
        return DJ_EDB;
    db_bind(s, "iiibIt", person_id, org, (int64_t)legacy_before, (int)in->imported,
            r && r->user ? r->user->id : 0, now);
    rc = db_step(s);
    if (rc == DB_ROW)
        *app_id = db_col_i64(s, 0);
    db_done(s);
    if (rc != DB_ROW)
        return rc == DJ_ECONFLICT ? fail(e, rc, "person_id", "该人员已有进行中的发展档案") : rc < 0 ? rc : DJ_EDB;
    json_t *row = db_query_row(c, &rc, "SELECT id, person_id, org_id, legacy_before, imported FROM dev_applications"
                                       " WHERE id = $1", "i", *app_id);
    if (!row)
        return rc;
    rc = audit_write(c, r, "create", "development", *app_id, NULL, row);
    json_decref(row);
    if (rc)
        return rc;
    struct dev_app app;
    if ((rc = dev_app_load(c, a, *app_id, &app)))
        return rc;
    if (in->step == 0)
        return dev_project(c, r, &app);
    int64_t step_id = 0;
    return dev_take(c, r, a, &app, in, &step_id, e);
}

/* ---------------------------------------------------------------- 公示 */

static const char *notice_subject(int step)
{
    switch (step) {
    case 3:
        return "拟确定为入党积极分子";
    case 7:
        return "拟确定为发展对象";
    case 13:
        return "拟接收为预备党员";
    default:
        return "预备党员拟转为正式党员";
    }
}

void dev_notice_text(db_conn *c, dj_arena *a, const struct dev_app *app, int step, dev_day starts, dev_day ends,
                     int days, const char *contact, char **title, char **body)
{
    int rc;
    json_t *p = db_query_row(c, &rc,
                             "SELECT p.name, p.gender, p.birth_date, p.education, p.job_post, o.name AS org_name,"
                             " (SELECT r.name FROM orgs r WHERE r.parent_id IS NULL ORDER BY r.id LIMIT 1) AS agency"
                             " FROM people p LEFT JOIN orgs o ON o.id = p.org_id WHERE p.id = $1",
                             "i", app->person_id);
    const char *name = p ? dj_jstr(p, "name", "") : app->person_name;
    const char *gender = p && dj_jstr(p, "gender", NULL) ? (!strcmp(dj_jstr(p, "gender", ""), "female") ? "女" : "男") : "";
    const char *birth = p ? dj_jstr(p, "birth_date", NULL) : NULL;
    char born[32] = "";
    if (birth && strlen(birth) >= 7)
        snprintf(born, sizeof born, "，%.4s年%d月出生", birth, atoi(birth + 5));
    const char *edu = p ? dj_jstr(p, "education", NULL) : NULL;
    const char *post = p ? dj_jstr(p, "job_post", NULL) : NULL;
    const char *org = p ? dj_jstr(p, "org_name", app->org_name) : app->org_name;
    const char *agency = p ? dj_jstr(p, "agency", "机关党委") : "机关党委";
    const struct dev_state *st = &app->st;
    char d1[24], d2[24], s1[24], s2[24], today[24];
    dj_buf b = {0};
    dj_buf_printf(&b, "%s%s%s%s%s%s%s", name, *gender ? "，" : "", gender, born, edu ? "，" : "", edu ? edu : "",
                  post ? "，" : "");
    if (post)
        dj_buf_puts(&b, post);
    dj_buf_puts(&b, "。");
    if (st->at[1] != DEV_NO_DAY) {
        dev_day_cn(st->at[1], d1);
        dj_buf_printf(&b, "%s递交入党申请书", d1);
    }
    if (st->at[3] != DEV_NO_DAY) {
        dev_day_cn(st->at[3], d1);
        dj_buf_printf(&b, "，%s被确定为入党积极分子", d1);
    }
    if (step >= 13 && st->at[7] != DEV_NO_DAY) {
        dev_day_cn(st->at[7], d2);
        dj_buf_printf(&b, "，%s被确定为发展对象", d2);
    }
    if (step == 23 && st->resolution != DEV_NO_DAY) {
        dev_day_cn(st->resolution, d2);
        dj_buf_printf(&b, "，%s经支部大会讨论接收为预备党员", d2);
        if (st->probation_until != DEV_NO_DAY) {
            dev_day_cn(st->probation_until, d1);
            dj_buf_printf(&b, "，预备期至%s", d1);
        }
    }
    dj_buf_puts(&b, "。");
    char *intro = dj_arena_strdup(a, dj_buf_cstr(&b));
    dj_buf_free(&b);
    dev_day_cn(starts, s1);
    dev_day_cn(ends, s2);
    dev_day_cn(starts, today);
    *title = dj_arena_printf(a, "关于%s同志%s的公示", name, notice_subject(step));
    *body = dj_arena_printf(
        a,
        "根据《中国共产党发展党员工作细则》有关规定，经%s研究，%s同志%s，现予以公示。\n\n%s\n\n"
        "公示时间：%s至%s（%d个工作日）。\n\n"
        "公示期间，党员和群众可通过来电、来信或当面反映等方式，向%s反映%s同志的有关情况和问题。"
        "反映问题应实事求是，以个人名义反映的请提供真实姓名和联系方式，我们将严格保密。\n\n联系方式：%s",
        org, name, notice_subject(step), intro, s1, s2, days, agency, name,
        blank(contact) ? "机关党委办公室" : contact);
    json_decref(p);
    (void)c;
}

int dev_notice_post(db_conn *c, dj_req *r, dj_arena *a, struct dev_app *app, int step, const char *starts_on, int working_days,
                    const char *contact, int64_t *notice_id, struct dev_err *e)
{
    int rc = dev_app_load(c, a, app->id, app); /* as it is inside the transaction */
    if (rc)
        return rc;
    if (!(app->ctx.notice_steps & (1u << step)))
        return fail(e, DJ_EINVAL, "step", "第%d步之前无须公示", step);
    dev_day start;
    if (dev_day_parse(starts_on, &start) != DJ_OK)
        return fail(e, DJ_EINVAL, "starts_on", "请以 YYYY-MM-DD 填写公示开始日期");
    if (working_days == 0)
        working_days = app->ctx.notice_days;
    if (working_days < app->ctx.notice_days)
        return fail(e, DJ_EUNPROCESSABLE, "working_days", "公示期不少于%d个工作日", app->ctx.notice_days);
    struct dev_window w;
    dev_window_of(&app->st, &app->ctx, step, &w);
    if (!w.open && !strstr(w.blocked, "公示"))
        return fail(e, DJ_ECONFLICT, "step", "%s", w.blocked);
    static const int after[DEV_NSTEPS + 1] = {[3] = 2, [7] = 3, [13] = 12, [23] = 22};
    dev_day prev = app->st.at[after[step]];
    char d[24];
    if (prev != DEV_NO_DAY && start < prev) {
        dev_day_cn(prev, d);
        return fail(e, DJ_EUNPROCESSABLE, "starts_on", "公示须在第%d步“%s”（%s）之后开始", after[step],
                    dev_step_def(after[step])->name, d);
    }
    if (start > app->ctx.today + 30)
        return fail(e, DJ_EINVAL, "starts_on", "公示开始日期不能晚于30天之后");
    dev_day ends = dev_workdays_end(&app->cal, start, working_days);
    char *title, *body;
    dev_notice_text(c, a, app, step, start, ends, working_days, contact, &title, &body);
    char s1[11], s2[11], now[21];
    dev_day_format(start, s1);
    dev_day_format(ends, s2);
    dj_time_iso(dj_now(), now);
    db_stmt *s = db_prep(c, "INSERT INTO dev_notices (application_id, step, starts_on, working_days, ends_on, title, body,"
                            " contact, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                            " RETURNING id");
    rc = DJ_EDB;
    if (s) {
        db_bind(s, "iitittttIt", app->id, (int64_t)step, s1, (int64_t)working_days, s2, title, body,
                blank(contact) ? NULL : contact, r && r->user ? r->user->id : 0, now);
        rc = db_step(s);
        if (rc == DB_ROW)
            *notice_id = db_col_i64(s, 0);
        db_done(s);
        rc = rc == DB_ROW ? DJ_OK : rc < 0 ? rc : DJ_EDB;
    }
    if (rc == DJ_OK) {
        json_t *row = db_query_row(c, &rc, "SELECT id, application_id, step, starts_on, working_days, ends_on, title"
                                           " FROM dev_notices WHERE id = $1", "i", *notice_id);
        if (row)
            rc = audit_write(c, r, "notice", "development", app->id, NULL, row);
        json_decref(row);
    }
    if (rc == DJ_OK)
        rc = dev_app_load(c, a, app->id, app);
    if (rc == DJ_OK)
        rc = dev_project(c, r, app);
    return rc;
}
