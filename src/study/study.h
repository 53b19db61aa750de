/* study.h - 学习园地 (issue 19): study materials in columns with full-text search,
 * study time measured from the phone's heartbeats and turned into 学时 and points,
 * assignments with completion, quizzes scored on the server, notices with receipts.
 *
 * study.c holds the pure rules (heartbeat credit, caps, 学时, bigram terms, the rich
 * text allow-list, quiz scoring); study_store.c the SQL of materials, reading and
 * assignments; study_quiz.c that of quizzes and notices; study_api.c and
 * study_quiz_api.c the HTTP handlers; study_files.c, study_todo.c, study_demo.c the
 * file-store subject, the to-do provider and the demo data. */
#ifndef DJ_STUDY_H
#define DJ_STUDY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/db.h"
#include "../core/http.h"
#include "../core/scope.h"

extern const struct dj_route study_routes[];
extern const struct dj_scope_kind study_scope_kinds[];
/* Registers the to-do provider and the file-store subjects (from app_routes_register). */
void study_register(void);
/* Adds this subject's part of the demo agency (inside the demo's transaction). */
int study_demo_load(db_conn *c, const char *password_hash);
/* The points of quiz answers follow the answers' commit: the awarder behind the answers'
 * group commit (once across a cluster) gives what study_points_due says is owed, within
 * a second. Called when the server starts, before it answers: what a stopped or crashed
 * server left owed is given then, on the calling thread (unless another server starting
 * beside it does so). */
void study_quiz_points_start(void);
/* Gives the points owed for submitted quiz answers (study_points_due), in transactions of
 * a few attempts each; each attempt's awards once, however often and wherever this runs.
 * *awarded (may be NULL) counts the attempts awarded. DJ_OK when none is left owed. */
int study_quiz_points_award(db_conn *c, int64_t *awarded);

/* ---------- pure rules (study.c) ---------- */

/* A heartbeat arriving later than this after the previous one means the page was
 * not beating in between (screen off, tab hidden, phone asleep): nothing counted. */
#define STUDY_BEAT_MAX_GAP 45
/* The first beat of a reading only starts the clock. */

/*
 * Seconds a heartbeat earns: the time since the previous beat (by the server's
 * clock) when the page was visible and the reader active throughout, 0 for the
 * first beat (last_beat_at 0), a hidden page, an idle reader, a clock that went
 * backwards, or a gap longer than max_gap.
 */
int64_t study_beat_credit(int64_t last_beat_at, int64_t now, bool visible, bool active, int64_t max_gap);
/* What is left of credit under a material's cap (its length): counted seconds never
 * pass length_seconds. */
int64_t study_cap_credit(int64_t counted, int64_t credit, int64_t length_seconds);
/* 学时 in tenths from counted seconds: minutes_per_hour minutes make one 学时,
 * rounded down to the tenth; cap_tenths > 0 limits the result. */
int64_t study_hours_tenths(int64_t seconds, int64_t minutes_per_hour, int64_t cap_tenths);
/* The reading time of an article of n characters (400 a minute), at least a minute. */
int64_t study_article_seconds(size_t chars);

/* The index terms of a text: each run of Chinese characters as its overlapping pairs
 * (a run of one character as itself), other letters and digits as lower-case words,
 * space-separated.  Heap string. */
char *study_terms(const char *text);
/*
 * An FTS5 query (all phrases required) for what a user typed: one quoted phrase of
 * terms per word.  NULL (and *why set) when nothing searchable is left or a word of
 * Chinese has a single character.  Heap string.
 */
char *study_query(const char *typed, const char **why);

/* Rich text kept to an allow-list: p, br, h2, h3, h4, strong, b, em, i, u, ul, ol, li,
 * blockquote, without attributes; script and style dropped with their content; every
 * other tag dropped, its text kept; text escaped.  Heap string. */
char *study_html_clean(const char *html);
/* The text of rich text (tags removed): for search and reading time.  Heap string. */
char *study_html_text(const char *html);

/* A quiz answer in its one spelling: single/multi choice as upper-case letters in
 * order without repeats ("ca" -> "AC"), judge as "T"/"F" (also 对/错, true/false).
 * NULL (and *why) when it is not a valid answer for kind with n_options choices. */
char *study_answer_norm(const char *kind, const char *given, int n_options, const char **why);
/*
 * A question bank as Excel saves it as CSV (UTF-8 or GBK): a header row naming the
 * columns 题型 (单选/多选/判断), 题干, 选项A … 选项H, 答案 (letters, or 对/错), 解析
 * (optional), then one question a row.  Appends {kind, stem, options, answer,
 * explanation} objects to out; -1 with why (a Chinese sentence naming the line) on
 * the first bad row, else the number of questions read.
 */
int study_questions_from_csv(const char *text, size_t len, json_t *out, char *why, size_t why_len);
/* Percent (rounded half up) of correct answers out of total; 0 when total is 0. */
int64_t study_score_percent(int64_t correct, int64_t total);

/* ---------- store: materials and reading (study_store.c) ---------- */

/* The org of a material (for scope checks); DJ_ENOTFOUND when none. */
int study_material_org(db_conn *c, int64_t id, int64_t *org_id, char state[16]);
/* The longest a material may count (10 hours). */
#define STUDY_MAX_LENGTH 36000
/* A video's length, read from its file (study_files.c). */
int study_material_set_length(db_conn *c, int64_t id, int64_t seconds);
/* The caller may read the material: published to an org whose subtree holds the
 * caller's person, or the caller reads/manages study on its org. */
bool study_may_see_material(dj_req *r, int64_t material_id);
/* The same for a material already read (study_material_org): its org and state. */
bool study_may_see_material_at(dj_req *r, int64_t org, const char *state);
/* Writes the material's index row from its title, summary and text. */
int study_index_material(db_conn *c, int64_t id);

struct study_beat {
    int64_t person_id, material_id;
    const char *session; /* the reading session's id (the client's) */
    int64_t seq;         /* the beat's number within it */
    bool visible, active;
};
struct study_beat_result {
    int64_t credited, seconds, length_seconds;
    bool replay;         /* a retried beat: nothing counted */
    bool finished_now;   /* this beat completed the material */
    bool finished;
    int64_t points;      /* awarded now */
    char notice[200];    /* why no points (a cap), for the reader */
};
/* Records a heartbeat (inside a transaction): counted time, the day's row, and on
 * completion the points award through points_award(). */
int study_beat_record(db_conn *c, const struct study_beat *b, int64_t now, struct study_beat_result *res);
/* The caller's 学时 of a year: online study beside organisational life's, the minimum. */
json_t *study_hours_of(db_conn *c, int64_t person_id, int year, int *err);
/* Members of an org subtree with their 学时 of a year. */
json_t *study_hours_report(db_conn *c, const char *org_path, int year, int *err);

#endif
