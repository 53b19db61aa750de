/* life.h - organisational life (issue 4): 三会一课, 主题党日, study, volunteer and
 * group activities; QR check-in; leave; compliance with DOMAIN.md §3; the
 * events the points module consumes.
 *
 * life.c holds the pure rules (kinds, states, check-in tokens, quorum, periods,
 * compliance); life_store.c, life_checkin.c and life_report.c the SQL;
 * life_api.c the HTTP handlers; life_demo.c the demo year. */
#ifndef DJ_LIFE_H
#define DJ_LIFE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/db.h"
#include "../core/http.h"
#include "../core/scope.h"

extern const struct dj_route life_routes[];
/* The kind of id this subject owns (scope.h): "activity", in its organisation. */
extern const struct dj_scope_kind life_scope_kinds[];
/* Adds this subject's part of the demo agency (inside the demo's transaction). */
int life_demo_load(db_conn *c, const char *password_hash);
/* Registers the subject's to-do provider (call from app_routes_register). */
void life_todos_register(void);
/* Registers the reminder before a meeting with the outbox worker (issue 18). */
void life_notify_register(void);
/* Registers activities with the file store (photos, minutes, sign-in sheets). */
void life_files_register(void);
/* Asks for the points of new life_events (check-ins, hours, marks) to be awarded soon,
 * behind the check-ins' group commit and once across a cluster (after a closing). */
void life_points_poke(void);
/* Awards them now, on the calling thread, unless another server is doing so: called
 * when the server starts, before it answers, so that what a stopped or crashed server
 * left unawarded is given without waiting for the next check-in. */
void life_points_catch_up(void);

/* ---------------------------------------------------------------- kinds */

#define LIFE_KIND_STUDY 1u     /* counts 学时 (study_hours) */
#define LIFE_KIND_SERVICE 2u   /* counts volunteer hours */
#define LIFE_KIND_REQUIRED 4u  /* a 组织生活 requirement of DOMAIN §3 */

struct life_kind {
    const char *code;
    const char *name; /* Chinese */
    unsigned flags;
};
/* All kinds, ending with {NULL}. */
extern const struct life_kind life_kinds[];
/* The kind with this code, or NULL. */
const struct life_kind *life_kind_find(const char *code);
/* NULL-terminated list of codes (for dj_jfield.one_of). */
extern const char *const life_kind_codes[];

/* ---------------------------------------------------------------- states */

/* planned → noticed → held → closed; planned/noticed → cancelled. */
extern const char *const life_states[];
/* True when an activity may go from `from` to `to`. */
bool life_transition_ok(const char *from, const char *to);
/* True when check-ins may be recorded in this state. */
bool life_state_takes_checkins(const char *state);

/* Attendance marked by hand (present, leave, absent): may it be made? */
enum life_mark_check {
    LIFE_MARK_OK,
    LIFE_MARK_NOT_EXPECTED,    /* neither expected nor (支部党员大会) on the voting roll */
    LIFE_MARK_ONLY_PRESENT,    /* on the roll but not on the notice: may come, not be excused or absent */
    LIFE_MARK_ALREADY_PRESENT, /* signed in: no longer on leave or absent */
};
enum life_mark_check life_mark_check(const char *status, bool expected, bool on_roll, bool present);

/* ---------------------------------------------------------------- check-in */

#define LIFE_TOKEN_WINDOW 30 /* seconds a QR token lives before it changes */
#define LIFE_TOKEN_LEN 20    /* hex characters */
#define LIFE_SECRET_LEN 32

enum life_token_check {
    LIFE_TOKEN_OK = 0,      /* current or previous window */
    LIFE_TOKEN_EXPIRED = 1, /* a real token of this activity, older than that */
    LIFE_TOKEN_BAD = 2,     /* not a token of this activity */
};

/* The 30-second window an instant falls in. */
int64_t life_token_window(int64_t now);
/* HMAC-SHA256(secret, "activity:window"), first LIFE_TOKEN_LEN hex digits. */
void life_token_make(const unsigned char secret[LIFE_SECRET_LEN], int64_t activity_id, int64_t window,
                     char out[LIFE_TOKEN_LEN + 1]);
/* Checks a scanned token at time now (constant-time comparisons). */
enum life_token_check life_token_verify(const unsigned char secret[LIFE_SECRET_LEN], int64_t activity_id,
                                        const char *token, int64_t now);
/* Seconds the token made at now stays the current one. */
int64_t life_token_remaining(int64_t now);

/* Check-in window: opens open_before seconds before the start and closes
 * close_after seconds after the end. <0 too early, 0 open, >0 closed. */
int life_checkin_window(int64_t starts, int64_t ends, int64_t open_before, int64_t close_after, int64_t now);

/* 支部党员大会: more than half of the voting full members present. */
bool life_quorum_met(int voting_members, int present_voting);

/* The quorum of a 支部党员大会 (支部工作条例 Art. 13; DOMAIN §3). The roll is the
 * organisation's full members on the meeting's date, not under 留党察看, whoever
 * was invited; a person may be left out of it only with a reason the committee
 * accepted (life_quorum_reasons), and one left out who came anyway counts again. */
struct life_quorum {
    int roll;     /* full members with a vote on the meeting's date */
    int excluded; /* left out with an accepted reason, and absent */
    int voting;   /* the denominator: roll - excluded */
    int present;  /* voting members present */
    int needed;   /* more than half of voting */
    bool met;
};
void life_quorum_count(int roll, int excluded_absent, int present, struct life_quorum *q);
/* "应到有表决权的正式党员10人（另有1人经支部委员会同意不计入），实到6人，超过半数，符合规定人数。" */
void life_quorum_statement(const struct life_quorum *q, char *out, size_t n);
/* The accepted reasons for leaving a voting member out of the roll, {code, label}, ending {NULL}. */
struct life_reason {
    const char *code;
    const char *label;
};
extern const struct life_reason life_quorum_reasons[];
extern const char *const life_quorum_reason_codes[];
const char *life_quorum_reason_label(const char *code);

/* ---------------------------------------------------------------- periods */

enum life_freq { LIFE_MONTH = 1, LIFE_QUARTER = 2, LIFE_YEAR = 3 };

struct life_period {
    enum life_freq freq;
    int year;
    int index; /* month 1–12, quarter 1–4, 1 for the year */
};

/* [start, end) in epoch seconds, in the Asia/Shanghai calendar. */
void life_period_bounds(const struct life_period *p, int64_t *start, int64_t *end);
/* The period of frequency freq containing instant t (Shanghai calendar). */
struct life_period life_period_of(enum life_freq freq, int64_t t);
/* "2026", "2026-Q1", "2026-03" into out (at least 8 bytes). */
void life_period_code(const struct life_period *p, char out[16]);
/* "2026年", "2026年第一季度", "2026年3月" into out (at least 32 bytes). */
void life_period_label(const struct life_period *p, char out[32]);
/* The same from a code ("2026-Q1", "2026-03", "2026"); the code itself when it is none. */
void life_period_label_of(const char *code, char out[32]);
/* Number of periods of freq in a year (12, 4 or 1). */
int life_periods_per_year(enum life_freq freq);

/* ---------------------------------------------------------------- compliance */

/* not_applicable: the period lies wholly before the organisation was set up,
 * or after it was dissolved (DOMAIN §3). */
enum life_status { LIFE_DONE = 0, LIFE_MISSING = 1, LIFE_NOT_DUE = 2, LIFE_NOT_APPLICABLE = 3 };
const char *life_status_name(enum life_status s);

/* When an organisation owes organisational life: [from, until) instants, from
 * its set_up_on to its dissolved_on (0 and INT64_MAX when not recorded). */
struct life_span {
    int64_t from, until;
};
/* The span of set_up_on / dissolved_on (YYYY-MM-DD or NULL), Shanghai midnights. */
struct life_span life_span_of(const char *set_up_on, const char *dissolved_on);
/* A period applies when it overlaps the span (NULL span: always). */
bool life_period_applies(const struct life_period *p, const struct life_span *span);
/* Does the organisation have a committee (支部委员会)? A 总支 and the 机关党委
 * always; a 支部 when one is set up (3 or more committee members in post) or
 * when it should be (7 or more full members, 条例 Art. 7; the orgs warning
 * no_committee then speaks). A 支部 of fewer has a secretary and no 支委会. */
bool life_has_committee(const char *kind, int full_members, int committee_members);

/* done when satisfied; otherwise not_due until the period has ended, then missing. */
enum life_status life_period_status(int64_t period_end, int64_t now, bool satisfied);

struct life_requirement {
    const char *code; /* an activity kind, or "study_hours" */
    const char *name;
    enum life_freq freq;
};

#define LIFE_MAX_REQS 12
/* The requirements DOMAIN §3 sets for a party organisation. has_groups:
 * the org has 党小组 (else group_meeting does not apply); has_committee:
 * life_has_committee() (else committee_meeting does not apply); lecture_freq
 * is the configurable 党课 period. Returns the number written to out. */
int life_requirements(bool has_groups, bool has_committee, enum life_freq lecture_freq,
                      struct life_requirement out[LIFE_MAX_REQS]);
/* "month", "quarter", "year" */
const char *life_freq_name(enum life_freq f);
int life_freq_parse(const char *s, enum life_freq *out);

/* One held or closed activity, as the compliance evaluation sees it. */
struct life_done_activity {
    int64_t id;
    const char *kind;
    int64_t starts_at;
};

/* Per-requirement, per-period result. */
struct life_cell {
    struct life_period period;
    enum life_status status;
    int count; /* satisfying activities */
};

/* Evaluates one activity-kind requirement for every period of year: a period
 * is satisfied by an activity of that kind starting inside it; one outside
 * span is not applicable (span NULL: every period applies). cells must hold
 * life_periods_per_year(req->freq) entries. */
void life_compliance_eval(const struct life_requirement *req, int year, int64_t now, const struct life_span *span,
                          const struct life_done_activity *acts, size_t nacts, struct life_cell *cells);
/* A yearly requirement of each person (学时 of every member, a 谈心谈话 by every
 * committee member): the year is done when each of the n values reached min (no
 * one: nothing is owed); not applicable outside span; *met gets how many did. */
enum life_status life_each_status(int year, int64_t now, const struct life_span *span, const double *values, size_t n,
                                  double min, size_t *met);
/* Study hours (学时): life_each_status over every member's hours, for any span. */
enum life_status life_study_status(int year, int64_t now, const double *hours, size_t nmembers, double min_hours,
                                   size_t *met);

/* ---------------------------------------------------------------- store (SQL) */

/* What compliance needs to know of a party organisation (life_facts.c): its
 * span, whether it has 党小组 and a committee, and its counts. */
struct life_org_facts {
    int64_t id;
    char kind[24];
    struct life_span span;
    bool has_groups, has_committee;
    int full_members, committee_members;
};
/* DJ_ENOTFOUND when there is no such organisation. */
int life_org_facts(db_conn *c, int64_t org_id, struct life_org_facts *f);
/* The columns life_org_facts_of() reads beside the organisation's own (id,
 * kind, set_up_on, dissolved_on), for a statement over many organisations
 * aliased o: groups, full_members, committee_members. */
#define LIFE_ORG_FACTS_COLUMNS                                                                                         \
    " (SELECT COUNT(*) FROM orgs g WHERE g.parent_id = o.id AND g.kind = 'group' AND g.dissolved_on IS NULL)"         \
    "  AS groups,"                                                                                                     \
    /* the subtree's full members on the roster: one row of the subtree figures                                        \
     * (org_stats, kept by the writes), not a pass over the roster */                                                  \
    " (SELECT CAST(COALESCE(SUM(s.n), 0) AS BIGINT) FROM org_stats s WHERE s.org_id = o.id AND s.period = ''"          \
    "  AND s.key = 'people:1:full') AS full_members,"                                                                  \
    " (SELECT COUNT(DISTINCT f.person_id) FROM org_officers f WHERE f.org_id = o.id"                                   \
    "  AND f.post IN ('secretary', 'deputy_secretary', 'organization', 'propaganda', 'discipline'))"                   \
    "  AS committee_members"
/* The facts of one row that has those columns and the organisation's own. */
void life_org_facts_of(const json_t *row, struct life_org_facts *f);

/* The check-in secret, created in settings on first use; cached for the process. */
int life_secret(db_conn *c, unsigned char out[LIFE_SECRET_LEN]);

#endif
