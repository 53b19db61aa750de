/* study_int.h - declarations shared by the files of the study subject only. */
#ifndef DJ_STUDY_INT_H
#define DJ_STUDY_INT_H

#include "study.h"

/* Scope conditions a list filters by (auth_scope_sql() text) and the caller's person. */
struct study_viewer {
    int64_t person_id;     /* 0: no person */
    const char *read_sql;  /* over "mo.path": orgs where the caller has study.read */
    const char *manage_sql;/* over "mo.path": orgs where the caller has study.manage */
};
void study_viewer_of(dj_req *r, struct study_viewer *v);

/* ---------- materials (study_store.c) ---------- */
struct study_material_filter {
    int64_t column_id;     /* 0: all */
    const char *state;     /* NULL: published for readers, any where the caller manages */
    const char *fts;       /* an FTS query (study_query()), NULL: none */
};
json_t *study_materials_list(db_conn *c, const struct study_viewer *v, const struct study_material_filter *f,
                             int64_t limit, int64_t offset, int64_t *total, int *err);
json_t *study_material_get(db_conn *c, int64_t id, int64_t person_id, int *err);
/* in: a validated body; body text is cleaned, length worked out for articles. */
int study_material_save(db_conn *c, int64_t id, const json_t *in, int64_t user_id, int64_t *new_id);
int study_material_set_state(db_conn *c, int64_t id, const char *state);
json_t *study_columns_list(db_conn *c, int *err);
int study_column_save(db_conn *c, int64_t id, const json_t *in, int64_t *new_id);

/* ---------- assignments (study_assign.c) ---------- */
int study_assignment_create(db_conn *c, const json_t *in, int64_t user_id, int64_t *id, bool *replayed);
int study_assignment_org(db_conn *c, int64_t id, int64_t *org_id);
/* Assignments issued under the orgs of manage_sql (over "o.path"), with counts. */
json_t *study_assignments_list(db_conn *c, const char *scope_sql, int *err);
/* The members an assignment reaches, each with what they finished; counts. */
json_t *study_assignment_progress(db_conn *c, int64_t id, int *err);
/* The caller's assignments with their own progress. */
json_t *study_assignments_mine(db_conn *c, int64_t person_id, int *err);
/* Reads ahead (db_prefetch()) what study_assignments_mine() and study_notices_mine() read. */
void study_assignments_mine_prefetch(db_conn *c, int64_t person_id);
void study_notices_mine_prefetch(db_conn *c, int64_t person_id);

/* ---------- quizzes and notices (study_quiz.c) ---------- */
int study_quiz_org(db_conn *c, int64_t id, int64_t *org_id, char state[16]);
int study_quiz_save(db_conn *c, int64_t id, const json_t *in, int64_t user_id, int64_t *new_id, const char **field,
                    const char **why);
json_t *study_quiz_get(db_conn *c, int64_t id, bool with_answers, int *err);
json_t *study_quizzes_list(db_conn *c, const struct study_viewer *v, int *err);
/* Starts (or, for the same client_key, answers again) an attempt: questions without answers. */
json_t *study_attempt_start(db_conn *c, int64_t quiz_id, int64_t person_id, const char *client_key, int *err);
int study_attempt_person(db_conn *c, int64_t id, int64_t *person_id);
/* An attempt scored from the answers given, not yet written (study_attempt_score
 * reads; study_attempt_record writes, inside the caller's transaction). */
struct study_scored {
    int64_t id, person_id, quiz_id;
    bool already;    /* submitted before: nothing to write, the stored result stands */
    json_t *answers; /* the answers normalised; the caller releases it */
    json_t *result;  /* what study_attempt_result() will give once it is written; the caller releases it */
    int64_t correct, score, at;
    bool passed;
};
/* Reads and scores; DJ_EUNPROCESSABLE (with *why) past the time limit. */
int study_attempt_score(db_conn *c, int64_t id, const json_t *answers, struct study_scored *out, int *err,
                        const char **why);
/* Writes a scored attempt, unless it was submitted meanwhile (*first tells whether this
 * call wrote it), and the marker of the points it is owed (study_points_due): they are
 * given after the commit, by study_quiz_points_award(). */
int study_attempt_record(db_conn *c, const struct study_scored *s, bool *first);
/* In the caller's transaction: the points owed to attempt_id, now (quiz_taken, quiz_passed:
 * once per quiz, daily caps), and its marker removed; nothing when none is owed. */
int study_attempt_points_now(db_conn *c, int64_t attempt_id);
/* The stored result of a submitted attempt, with the right answers and explanations. */
json_t *study_attempt_result(db_conn *c, int64_t id, int *err);
/* Scores an attempt once; a second submission answers the stored result. */
json_t *study_attempt_submit(db_conn *c, int64_t id, const json_t *answers, int *err, const char **why);
json_t *study_quiz_results(db_conn *c, int64_t quiz_id, int *err);

/* ---------- 每日一题 (study_daily.c) ---------- */
/* {"day", "question": the day's question without its answer until answered, or null: no daily bank}. */
json_t *study_daily_today(db_conn *c, int64_t person_id, int *err);
/* The same once drawn (it writes nothing); DJ_ENOTFOUND before the day's draw. */
json_t *study_daily_drawn(db_conn *c, int64_t person_id, int *err);
/* Answers the day's question once (again: the same result); *why for a malformed answer. */
int study_daily_answer(db_conn *c, int64_t person_id, const char *given, json_t **out, const char **why);

int study_notice_create(db_conn *c, const json_t *in, int64_t user_id, int64_t *id, bool *replayed);
int study_notice_org(db_conn *c, int64_t id, int64_t *org_id);
bool study_notice_reaches(db_conn *c, int64_t id, int64_t person_id);
json_t *study_notices_mine(db_conn *c, int64_t person_id, int *err);
json_t *study_notices_list(db_conn *c, const char *scope_sql, int *err);
int study_notice_read(db_conn *c, int64_t id, int64_t person_id, bool *first);
json_t *study_notice_receipts(db_conn *c, int64_t id, int *err);

/* A material's files (the file store's list). */
json_t *study_material_files(db_conn *c, int64_t id);
json_t *study_notice_files(db_conn *c, int64_t id);
void study_files_register(void);
void study_todos_register(void);

/* The routes of study_quiz_api.c, spliced into study_routes. */
int study_h_quizzes_list(dj_req *r);
int study_h_quiz_create(dj_req *r);
int study_h_quiz_get(dj_req *r);
int study_h_quiz_patch(dj_req *r);
int study_h_quiz_publish(dj_req *r);
int study_h_quiz_results(dj_req *r);
int study_h_quiz_import(dj_req *r);
int study_h_daily_get(dj_req *r);
int study_h_daily_answer(dj_req *r);
int study_h_attempt_start(dj_req *r);
int study_h_attempt_submit(dj_req *r);
int study_h_notices_list(dj_req *r);
int study_h_notices_mine(dj_req *r);
int study_h_notice_create(dj_req *r);
int study_h_notice_get(dj_req *r);
int study_h_notice_read(dj_req *r);
int study_h_notice_receipts(dj_req *r);
#define STUDY_QUIZ_ROUTES                                                                                             \
    {"GET", "/api/v1/study/quizzes", study_h_quizzes_list, NULL, 0, 0},                                               \
    {"GET", "/api/v1/study/daily", study_h_daily_get, NULL, 0, 0},                                                    \
    {"POST", "/api/v1/study/daily", study_h_daily_answer, NULL, 0, 0},                                                \
    {"POST", "/api/v1/study/quizzes", study_h_quiz_create, "study.manage", 0, 0},                                     \
    {"GET", "/api/v1/study/quizzes/:id", study_h_quiz_get, NULL, 0, 0},                                               \
    {"PATCH", "/api/v1/study/quizzes/:id", study_h_quiz_patch, "study.manage", 0, 0},                                 \
    {"POST", "/api/v1/study/quizzes/:id/publish", study_h_quiz_publish, "study.manage", 0, 0},                        \
    {"GET", "/api/v1/study/quizzes/:id/results", study_h_quiz_results, "study.read", 0, 0},                           \
    {"POST", "/api/v1/study/quizzes/:id/import", study_h_quiz_import, "study.manage", DJ_ROUTE_ANY_BODY, 2u << 20},    \
    {"POST", "/api/v1/study/quizzes/:id/attempts", study_h_attempt_start, NULL, 0, 0},                                \
    {"POST", "/api/v1/study/attempts/:id/submit", study_h_attempt_submit, NULL, 0, 0},                                \
    {"GET", "/api/v1/study/notices", study_h_notices_list, "study.read", 0, 0},                                       \
    {"POST", "/api/v1/study/notices", study_h_notice_create, "study.manage", 0, 0},                                   \
    {"GET", "/api/v1/study/notices/mine", study_h_notices_mine, NULL, 0, 0},                                          \
    {"GET", "/api/v1/study/notices/:id", study_h_notice_get, NULL, 0, 0},                                             \
    {"POST", "/api/v1/study/notices/:id/read", study_h_notice_read, NULL, 0, 0},                                      \
    {"GET", "/api/v1/study/notices/:id/receipts", study_h_notice_receipts, "study.read", 0, 0}

/* The SQL of "the active party members of an org subtree" ($1: a LIKE pattern). */
#define STUDY_MEMBER_STATUS "('full', 'probationary')"

/* ---------- where a quiz answer's time goes (study_timing.c, DJ_TIMING=1) ---------- */
enum study_stage { STUDY_T_SCORE, STUDY_T_COMMIT, STUDY_T_RESUME, STUDY_T_REPLY, STUDY_T_TOTAL, STUDY_T_N };
/* Whether answers are timed (DJ_TIMING set in the environment); the stages are then
 * printed to stderr when the process exits. */
bool study_timing_on(void);
uint64_t study_timing_now(void); /* µs, monotonic */
void study_timing_add(enum study_stage s, uint64_t us);

/* Runs fn(c, arg) in a write transaction, again after a short wait while the
 * database is busy (the points ledger's lock): fn must be safe to run twice. */
int study_in_tx(db_conn *c, int (*fn)(db_conn *, void *), void *arg);

/* ---------- who is reached (SQL conditions shared by the lists and the notifications) ---------- */
/* Whether person p (joined with its org o) is reached by assignment $1. */
#define STUDY_ASSIGNMENT_REACHES                                                                                      \
    "p.active = 1 AND ((p.party_status IN " STUDY_MEMBER_STATUS " AND EXISTS (SELECT 1 FROM study_assignment_targets" \
    " t JOIN orgs tgo ON tgo.id = t.org_id WHERE t.assignment_id = a.id AND o.path LIKE tgo.path || '%'))"             \
    " OR EXISTS (SELECT 1 FROM study_assignment_targets t WHERE t.assignment_id = a.id AND t.person_id = p.id))"

/* People a notice reaches: the active people of its org's subtree. */
#define STUDY_NOTICE_REACHES                                                                                          \
    "p.active = 1 AND EXISTS (SELECT 1 FROM orgs po WHERE po.id = p.org_id AND po.path LIKE no.path || '%')"

/* ---------- notifications (study_notify.c) ---------- */
/* In the caller's transaction: an assignment made, to the people it reaches; a notice
 * published, to its audience. */
int study_notify_assignment(db_conn *c, int64_t id);
int study_notify_notice(db_conn *c, int64_t id);
void study_notify_register(void);

#endif
