/* development_int.h - declarations shared by the development subject's files
 * (not for other subjects). */
#ifndef DJ_DEVELOPMENT_INT_H
#define DJ_DEVELOPMENT_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/db.h"
#include "../core/http.h"
#include "../core/mem.h"
#include "development.h"

/* One stored record of a step (effective or not). */
struct dev_row {
    int64_t id, seq, corrects_id, activity_id, notice_id;
    bool annuls, superseded;
    struct dev_rec rec;
    char organ[16];
};

/* An application loaded with everything its rules need.  Memory in the arena. */
struct dev_app {
    int64_t id, person_id, org_id;
    char org_path[256];
    char org_name[128];
    char person_name[64];
    char state[16];
    int legacy_before;
    bool imported;
    struct dev_row *rows;   /* every record, in the order of (on_date, seq) */
    size_t nrows;
    struct dev_rec *recs;   /* the effective ones, in order */
    int64_t *rec_ids;       /* the record id of each effective one */
    size_t nrecs;
    struct dev_notice *notices;
    int64_t *notice_ids;
    size_t nnotices;
    struct dev_study *study;
    size_t nstudy;
    struct dev_calendar cal;
    struct dev_ctx ctx;
    struct dev_state st;
};

/* What a new step record says (from the API, the import or the demo). */
struct dev_input {
    int step;
    const char *on_date;
    const char *decision;   /* 23: the proposal; 15: computed from the vote */
    const char *note, *late_reason, *organ;
    int months;
    double train_days, train_hours;
    bool declaration, notice_clear;
    const int64_t *people;  /* 5, 9 */
    size_t npeople;
    int64_t activity_id;    /* 15, 23: the 支部党员大会 of organisational life */
    bool has_vote;
    struct dev_vote vote;
    bool imported;
    const char *client_key;  /* idempotency key of the client's submit */
    const json_t *documents; /* file ids of the file store (not yet open: see attach_documents) */
    /* a correction */
    int64_t corrects_id;
    bool annuls;
    const char *reason;
};

/* development_calendar.c */
/* Every exception day, sorted, in the arena. */
int dev_calendar_load(db_conn *c, dj_arena *a, struct dev_calendar *cal);
/* GET /development/calendar, GET /development/calendar/workdays,
 * PUT and DELETE /development/calendar/:day */
int dev_calendar_get(dj_req *r);
int dev_calendar_workdays(dj_req *r);
int dev_calendar_put(dj_req *r);
int dev_calendar_delete(dj_req *r);

/* development_store.c */
/* The settings of the rules (notice days and steps) into ctx. */
void dev_ctx_settings(db_conn *c, struct dev_ctx *ctx);
/* Today in Asia/Shanghai. */
dev_day dev_today(void);
/* Loads application id with its records, notices, study hours, calendar and
 * the replayed state.  DJ_ENOTFOUND when absent. */
int dev_app_load(db_conn *c, dj_arena *a, int64_t id, struct dev_app *out);
/* The open application of a person (0 when none). */
int dev_app_of_person(db_conn *c, int64_t person_id, int64_t *id);
/* Is person_id a 培养联系人 of the application (for step 21, or an 入党介绍人),
 * named by an effective record of step 5 (or 9)? */
bool dev_is_mentor(db_conn *c, const struct dev_app *app, int64_t person_id, int step);
/* Both at once (one query): *contact as step 6 asks, *mentor21 as step 21 does. */
void dev_mentor_of(db_conn *c, const struct dev_app *app, int64_t person_id, bool *contact, bool *mentor21);
/* Refreshes the projection (the application's cached columns and the
 * roster's four fields) from app->st; inside the caller's transaction.
 * r may be NULL (demo, import from the command line). */
int dev_project(db_conn *c, dj_req *r, struct dev_app *app);
/* The application's file (档案) as JSON: person, state, the 25 steps, records,
 * people, notices, votes, extensions, flags. */
json_t *dev_app_json(db_conn *c, struct dev_app *app, int *err);
/* The 25 steps of app as the timeline shows them. */
json_t *dev_timeline_json(struct dev_app *app);
/* One record as JSON. */
json_t *dev_step_row_json(db_conn *c, int64_t step_id, int *err);

/* development_take.c */
struct dev_err {
    const char *field;
    char message[400];
    bool repeated; /* dev_take: the client_key was seen before; nothing written */
};
/* Starts an application for person_id with step 1 (inside the caller's transaction). */
int dev_start(db_conn *c, dj_req *r, dj_arena *a, int64_t person_id, const struct dev_input *in, int legacy_before,
              int64_t *app_id, struct dev_err *e);
/* Records a step (or a correction when in->corrects_id) on a loaded application,
 * inside the caller's transaction; checks the rules, writes, re-projects. */
int dev_take(db_conn *c, dj_req *r, dj_arena *a, struct dev_app *app, const struct dev_input *in, int64_t *step_id,
             struct dev_err *e);
/* Posts a 公示 for the step it precedes. */
int dev_notice_post(db_conn *c, dj_req *r, dj_arena *a, struct dev_app *app, int step, const char *starts_on, int working_days,
                    const char *contact, int64_t *notice_id, struct dev_err *e);
/* The text of a 公示 (title, body) in the arena. */
void dev_notice_text(db_conn *c, dj_arena *a, const struct dev_app *app, int step, dev_day starts, dev_day ends,
                     int days, const char *contact, char **title, char **body);

/* development_phone_api.c: GET /development/me and /development/mentees */
int dev_me_get(dj_req *r);
int dev_mentees_get(dj_req *r);

/* development_todo.c */
int dev_todos_provider(dj_req *r, json_t *items);

/* development_export.c */
/* The year's statistics (申请, 积极分子, 发展对象, 接收预备党员, 转正) by branch and
 * quarter, limited to scope_sql (on "o.path"). */
json_t *dev_stats(db_conn *c, int year, const char *scope_sql, int *err);
int dev_stats_xlsx(const json_t *stats, dj_buf *out);

/* development_import.c */
struct dev_import_opts {
    bool dry_run;
    const char *write_scope; /* SQL on "o.path": organisations the caller may manage */
    dj_req *r;               /* for the audit (NULL from the command line) */
};
/* Imports people already part-way (CSV, UTF-8 or GBK): {"rows","errors","preview"}. */
int dev_import(db_conn *c, const char *data, size_t len, const struct dev_import_opts *o, json_t **result);

#endif
