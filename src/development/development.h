/* development.h - 发展党员 (issue 15): the five stages and 25 steps of
 * 《中国共产党发展党员工作细则》, with the statutory intervals enforced.
 *
 * development.c holds the pure rules: the step catalogue, date arithmetic
 * (a year, six months, three months; 29 February), the working-day
 * calendar, the vote, and the state machine that replays an application's
 * step records and says whether a new one may be taken, from which day, and
 * which rule blocks it.  development_store.c holds the SQL (and projects the
 * history onto the roster's party_status, joined_on, full_on and
 * probation_until, which change only through steps); development_api.c the
 * handlers; development_calendar.c the calendar table; development_import.c,
 * development_export.c, development_todo.c and development_demo.c the rest. */
#ifndef DJ_DEVELOPMENT_H
#define DJ_DEVELOPMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/db.h"
#include "../core/http.h"

extern const struct dj_route development_routes[];
/* Adds this subject's part of the demo agency (inside the demo's transaction). */
int development_demo_load(db_conn *c, const char *password_hash);
/* Registers the subject's to-do provider (call from app_routes_register). */
void development_todos_register(void);
/* The deadlines' scan, registered with the notification worker (development_notify.c). */
void development_notify_register(void);
/* Registers the 发展档案's materials with the file store (development_files.c). */
void development_files_register(void);

/*
 * The day of the 支部大会 resolution that admitted person_id (预备党员 from that
 * day; dues are owed from its month), as "YYYY-MM-DD" in out.  From the
 * pipeline once the higher committee has approved the admission; for members
 * entered in the roster without a pipeline history, their 入党时间 (joined_on,
 * which is by definition that day).  DJ_ENOTFOUND when the person has not
 * been admitted (or does not exist).
 */
int development_admitted_on(db_conn *c, int64_t person_id, char out[11]);

/* ================================================================ pure rules */

/* Days since 1970-01-01 (Asia/Shanghai calendar dates). */
typedef int64_t dev_day;
#define DEV_NO_DAY ((dev_day)-100000000)

/* "YYYY-MM-DD" into *out; DJ_EINVAL when it is no real date. */
int dev_day_parse(const char *s, dev_day *out);
/* "YYYY-MM-DD" (11 bytes with the NUL). */
void dev_day_format(dev_day d, char out[11]);
/* "2026年5月10日" (at least 24 bytes). */
void dev_day_cn(dev_day d, char out[24]);
/* The same day n months later (n may be negative); a day the target month
 * lacks becomes its last day (民法典 第二百零二条): 31 August + 6 months is
 * 28 February, 29 February + 12 months is 28 February. */
dev_day dev_add_months(dev_day d, int n);
dev_day dev_add_years(dev_day d, int n);
/* 0 Sunday … 6 Saturday. */
int dev_weekday(dev_day d);

/* ---------------------------------------------------------------- stages and steps */

enum dev_stage {
    DEV_STAGE_APPLICANT = 1, /* 申请入党 */
    DEV_STAGE_ACTIVIST = 2,  /* 入党积极分子的确定和培养教育 */
    DEV_STAGE_CANDIDATE = 3, /* 发展对象的确定和考察 */
    DEV_STAGE_ADMISSION = 4, /* 预备党员的接收 */
    DEV_STAGE_PROBATION = 5, /* 预备党员的教育考察和转正 */
    DEV_STAGE_DONE = 6,      /* 已转正 (archive may still be due) */
};
#define DEV_NSTAGES 5
#define DEV_NSTEPS 25
/* Step 0 in a record is 终止: the application ends (withdrawn, disqualified). */
#define DEV_STEP_STOP 0

/* step flags */
#define DEV_F_COMMITTEE 1u /* recorded by the higher committee only (development.approve) */
#define DEV_F_REPEAT 2u    /* recorded more than once (assessments, trainings) */
#define DEV_F_VOTE 4u      /* a 支部党员大会 vote */
#define DEV_F_MENTOR 8u    /* the person's 培养联系人/入党介绍人 may record it */
#define DEV_F_PEOPLE 16u   /* names people (联系人, 介绍人) */

struct dev_step_def {
    int no;
    int stage;
    const char *code;      /* apply, talk, activist, ... */
    const char *name;      /* 递交入党申请书 */
    const char *rule;      /* the rule, shown on the step's form */
    unsigned flags;
    const char *const *decisions; /* allowed decisions (NULL: none); the first is the positive one */
};
/* The step numbered no (1..25), or NULL. */
const struct dev_step_def *dev_step_def(int no);
/* The step with this code, or NULL. */
const struct dev_step_def *dev_step_by_code(const char *code);
const char *dev_stage_name(int stage);
/* First step of a stage. */
int dev_stage_first(int stage);
/* Chinese label of a decision code (passed → 通过 …); the code itself when unknown. */
const char *dev_decision_label(const char *decision);
/* Chinese label of a roster status of the pipeline. */
const char *dev_status_label(const char *status);

/* ---------------------------------------------------------------- working days */

/* A day that differs from the Monday–Friday rule: a public holiday (休) or a
 * 调休 working weekend day (班). */
struct dev_cal_day {
    dev_day day;
    bool workday;
};
struct dev_calendar {
    const struct dev_cal_day *days; /* sorted by day */
    size_t n;
};
bool dev_is_workday(const struct dev_calendar *cal, dev_day d);
/* The n-th working day counting from start (start itself counts when it is
 * one); n >= 1. */
dev_day dev_workdays_end(const struct dev_calendar *cal, dev_day start, int n);
/* Working days in [from, to]. */
int dev_workdays_between(const struct dev_calendar *cal, dev_day from, dev_day to);

/* ---------------------------------------------------------------- votes */

/* A 支部党员大会 vote.  voting_members: the voting full members (应到会有表决权的
 * 正式党员); present: those of them present. */
struct dev_vote {
    int voting_members, present, votes_for, votes_against, abstentions;
};
/* NULL when the figures hold together, else a Chinese message (*field names the figure). */
const char *dev_vote_invalid(const struct dev_vote *v, const char **field);
/* More than half of the voting full members present (life_quorum_met). */
bool dev_vote_quorum(const struct dev_vote *v);
/* More than half of all voting full members in favour. */
bool dev_vote_passed(const struct dev_vote *v);

/* ---------------------------------------------------------------- the state machine */

/* One effective step record, as the rules see it. */
struct dev_rec {
    int step;             /* 0 (终止) or 1..25 */
    dev_day on;
    char decision[16];    /* "" or one of the step's decisions */
    int months;           /* 23 "extend": months of the extension */
    bool late_reason;     /* a reason was given for doing it after its deadline */
    bool imported;        /* from the import of people already part-way */
    bool verified;        /* evidence below was checked when written; replays skip it */
    /* evidence, checked when the record is new */
    int people;           /* 5: 培养联系人, 9: 入党介绍人 */
    bool people_full;     /* every one a full member other than the applicant */
    bool declaration;     /* 9: the sponsors declared they are not relatives */
    const char *organ;    /* 3: "committee" (支委会) or "assembly" (支部党员大会) */
    bool notice_clear;    /* the 公示 before it ended without objection */
    double train_days, train_hours; /* 11 */
    bool has_vote;
    struct dev_vote vote; /* 15, 23 */
};

/* A 公示 (public notice) of an application, as the rules see it. */
struct dev_notice {
    int step;          /* the step it precedes */
    dev_day starts_on, ends_on;
    int working_days;
};

/* Study hours from organisational life: a day and the hours attended. */
struct dev_study {
    dev_day day;
    double hours;
};

/* What the rules need besides the records. */
struct dev_ctx {
    dev_day today;
    dev_day birth;               /* DEV_NO_DAY when the roster has none */
    bool has_committee;          /* the branch has a 支部委员会 */
    const struct dev_calendar *cal;
    int notice_days;             /* minimum working days of a 公示 (5, configurable) */
    unsigned notice_steps;       /* bit s set: step s needs a 公示 first (7, 13, 23) */
    const struct dev_notice *notices; /* the application's notices, oldest first */
    size_t nnotices;
    const struct dev_study *study;    /* organisational-life study hours */
    size_t nstudy;
    int legacy_before;           /* imported: steps < this count as done before the platform (0: none) */
};

#define DEV_MAX_TRAININGS 32

/* The application's state after replaying its records. */
struct dev_state {
    dev_day at[DEV_NSTEPS + 1]; /* day each step was last done with a positive outcome (this cycle) */
    int count[DEV_NSTEPS + 1];  /* records of each step (this cycle) */
    char decision[DEV_NSTEPS + 1][16]; /* the latest decision of each step */
    dev_day resolution;         /* 15 passed: the admission resolution (入党时间) */
    dev_day probation_until;    /* 17 approved: resolution + 1 year (+ extension) */
    int ext_months;             /* an approved extension (once) */
    int ext_proposal;           /* 23 "extend": the months proposed, until approved */
    char full_proposal[16];     /* 23 passed: full, extend or cancel */
    dev_day full_on;            /* 24 approved "full": 转正时间 */
    dev_day last_assessment;    /* 6 (or 3): the latest assessment of an activist */
    dev_day last_prob_assessment; /* 21 (or 17) */
    dev_day train_day[DEV_MAX_TRAININGS];
    double train_days[DEV_MAX_TRAININGS], train_hours[DEV_MAX_TRAININGS];
    int ntrain;
    bool stopped;
    char stop_kind[16];
    dev_day stopped_on;
    int legacy_before;
};

/* Why a step may not be taken. */
struct dev_verdict {
    const char *field;   /* the input at fault (on_date, people, vote.present …) or NULL */
    int code;            /* DJ_EUNPROCESSABLE (a rule), DJ_ECONFLICT (order/state), DJ_EINVAL */
    char message[400];
};

/* When a step may be taken. */
struct dev_window {
    bool open;           /* its prerequisites are done */
    dev_day earliest;    /* first allowed day (DEV_NO_DAY: none) */
    dev_day due;         /* deadline (DEV_NO_DAY: none); later needs a reason */
    dev_day warn;        /* from this day the deadline is near (DEV_NO_DAY: none) */
    char blocked[300];   /* why not open, or "" */
};

void dev_state_init(struct dev_state *st, int legacy_before);
/* The roster status the state stands for: applicant, activist, candidate,
 * probationary, full or none. */
const char *dev_state_status(const struct dev_state *st);
/* The stage (1..5, or DEV_STAGE_DONE). */
int dev_state_stage(const struct dev_state *st);
/* True when step s is done (a record with a positive outcome, or legacy). */
bool dev_done(const struct dev_state *st, int s);

/* The window of step s in state st. */
void dev_window_of(const struct dev_state *st, const struct dev_ctx *ctx, int s, struct dev_window *w);
/* May rec be taken now?  DJ_OK, or an error code with *v filled in. */
int dev_check(const struct dev_state *st, const struct dev_ctx *ctx, const struct dev_rec *rec, struct dev_verdict *v);
/* Applies a record that passed dev_check. */
void dev_apply(struct dev_state *st, const struct dev_rec *rec);
/* Checks and applies recs in order (sorted by day, then by when recorded).
 * DJ_OK, or the first refusal with *bad its index. */
int dev_replay(const struct dev_rec *recs, size_t n, const struct dev_ctx *ctx, struct dev_state *st,
               struct dev_verdict *v, size_t *bad);

/* The step to do next (0 when none: finished or stopped) and its window. */
int dev_next(const struct dev_state *st, const struct dev_ctx *ctx, struct dev_window *w);

/* The deadlines that run for a state, whatever the day: talk (a month after
 * the application), assessment (six months after the last), approval (three
 * months after a resolution, warned at two), probation (its end, warned a
 * month before). */
struct dev_deadline {
    const char *code;  /* talk, assessment, approval, probation */
    dev_day warn, due;
    const char *what;  /* Chinese */
};
int dev_deadlines(const struct dev_state *st, struct dev_deadline out[8]);

/* Warnings and overdue flags on ctx->today. */
#define DEV_MAX_FLAGS 8
struct dev_flag {
    const char *code;  /* talk_overdue, assessment_due, assessment_overdue, approval_warning,
                          approval_overdue, probation_ending, probation_ended */
    bool overdue;      /* red */
    dev_day day;       /* the day it is about */
    char message[200];
};
int dev_flags(const struct dev_state *st, const struct dev_ctx *ctx, struct dev_flag out[DEV_MAX_FLAGS]);

/* The shortest time from 入党 to 转正 the roster may show: one year, plus an
 * approved extension (0, or 6..12 months). */
dev_day dev_full_on_min(dev_day joined_on, int ext_months);

#endif
