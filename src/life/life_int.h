/* life_int.h - declarations shared by the life subject's files (not for other subjects). */
#ifndef DJ_LIFE_INT_H
#define DJ_LIFE_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/db.h"
#include "../core/http.h"

/* What most checks need to know about an activity. */
struct life_activity_brief {
    int64_t id, org_id;
    char org_path[256];
    char kind[32];
    char state[16];
    char title[256];
    int64_t starts_at, ends_at;
};

/* life_notify.c: notices in the caller's transaction (what: noticed, changed, cancelled) */
int life_notify_activity(db_conn *c, int64_t id, const char *what, const char *reason);
int life_notify_leave(db_conn *c, int64_t leave_id);

/* life_store.c */
int life_activity_brief(db_conn *c, int64_t id, struct life_activity_brief *out);
json_t *life_activity_row(db_conn *c, int64_t id, int *err);
bool life_is_expected(db_conn *c, int64_t activity_id, int64_t person_id);
/* Visible to the user: life.read on its org, or the user is expected at it;
 * a planned (not yet noticed) one only to those who may manage it. */
bool life_may_see(dj_req *r, const struct life_activity_brief *a);
int life_activity_create(dj_req *r, const json_t *in, int64_t *id_out);
int life_activity_update(dj_req *r, const struct life_activity_brief *a, const json_t *in);
/* to: noticed, held, closed, cancelled */
int life_activity_transition(dj_req *r, const struct life_activity_brief *a, const char *to, const char *reason);
/* A page of GET /api/v1/activities written into out as its JSON text. */
int life_activity_page(dj_req *r, const struct dj_page *pg, dj_buf *out);
/* The caller's own part: expected, checked in, leave. */
json_t *life_activity_me(db_conn *c, int64_t activity_id, int64_t person_id);
json_t *life_activity_expected(db_conn *c, int64_t activity_id, int *err);
/* Who may be expected: the active people of the organisation's subtree, and
 * anyone already expected; each with "expected": true/false. */
json_t *life_activity_candidates(db_conn *c, const struct life_activity_brief *a, int *err);
int life_leave_request(dj_req *r, const struct life_activity_brief *a, const char *reason, int64_t *id_out);
int life_leave_decide(dj_req *r, int64_t leave_id, bool approve, const char *note);
json_t *life_leaves_of(db_conn *c, int64_t activity_id, int *err);

/* life_files.c: the activity's attachments from the file store (never NULL) */
json_t *life_activity_attachments(db_conn *c, int64_t id);

/* life_checkin.c */
int life_checkin_self(dj_req *r, const struct life_activity_brief *a, const char *token);
int life_checkin_manual(dj_req *r, const struct life_activity_brief *a, int64_t person_id);
int life_qr(dj_req *r, const struct life_activity_brief *a);
json_t *life_attendance_sheet(db_conn *c, const struct life_activity_brief *a, int *err);

/* life_marks.c: attendance marked by hand (present, leave, absent) with a reason */
extern const char *const life_mark_codes[];
int life_attendance_mark(dj_req *r, const struct life_activity_brief *a, int64_t person_id, const char *status,
                         const char *reason);

/* life_facts.c: the voting roll of a 支部党员大会 */
json_t *life_quorum_roll(db_conn *c, const struct life_activity_brief *a, int *err);
/* Is the person on the meeting's voting roll (a 支部党员大会 only)? */
bool life_on_roll(db_conn *c, const struct life_activity_brief *a, int64_t person_id);
json_t *life_quorum_exclusions(db_conn *c, int64_t activity_id, int *err);
/* The quorum object of the attendance sheet: counts, statement, members, exclusions. */
json_t *life_quorum_json(db_conn *c, const struct life_activity_brief *a, int *err);
/* Keeps the roll as it stood at the closing (inside the closing's transaction). */
int life_quorum_freeze(db_conn *c, const struct life_activity_brief *a);
int life_quorum_exclude(dj_req *r, const struct life_activity_brief *a, int64_t person_id, const char *reason,
                        const char *note);
int life_quorum_include(dj_req *r, const struct life_activity_brief *a, int64_t person_id);

/* life_src.c: what the compliance of every party organisation under one path
 * reads, in three statements (the officers and members only when yearly). */
struct life_src_row;
struct life_src_rows {
    struct life_src_row *v;
    size_t n;
    json_t *rows;
};
struct life_matrix_src {
    struct life_src_rows acts, officers, members;
};
int life_matrix_src_load(db_conn *c, const char *subtree, int year, bool yearly, struct life_matrix_src *m);
void life_matrix_src_free(struct life_matrix_src *m);
/* An organisation's part, new arrays: its held activities and its groups' 党小组会
 * by time (id, kind, title, starts_at); its committee members by post
 * (person_id, name, post_rank, talks); the subtree's members by id (person_id,
 * name, hours). */
json_t *life_src_acts(const struct life_matrix_src *m, int64_t org_id, const char *path);
json_t *life_src_officers(const struct life_matrix_src *m, int64_t org_id, const char *path);
json_t *life_src_members(const struct life_matrix_src *m, const char *path);

/* life_report.c */
/* The year's first and next year's first instant (Shanghai), ISO UTC. */
void life_year_bounds_iso(int year, char start[21], char end[21]);
json_t *life_compliance(dj_req *r, int64_t org_id, int year, int *err);
json_t *life_counts(dj_req *r, int64_t org_id, int year, int *err);
json_t *life_my_stats(dj_req *r, int year, int *err);
int life_todos_provider(dj_req *r, json_t *items);

#endif
