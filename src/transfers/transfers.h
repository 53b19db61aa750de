/* transfers.h - 组织关系转接 (issue 17): moves between the agency's branches, 介绍信
 * out of the agency and their 回执, letters from outside registered and placed,
 * 流动党员 and the branch's quarterly contacts, the events that end a membership,
 * and a branch's figures of a year read from the membership history.
 * Pure rules first (transfers.c), then the data layer (transfers_store.c,
 * transfers_flow.c) and the HTTP handlers (transfers_api.c, transfers_flow_api.c). */
#ifndef DJ_TRANSFERS_H
#define DJ_TRANSFERS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/db.h"
#include "../core/http.h"
#include "../core/scope.h"

extern const struct dj_route transfers_routes[];
/* "transfer" (the from and to organisations) and "flow" (the caring branch). */
extern const struct dj_scope_kind transfers_scope_kinds[];
void transfers_register(void); /* to-dos and the 回执 scans in the file store */
int transfers_demo_load(db_conn *c, const char *password_hash);

/* ---------------------------------------------------------------- rules (transfers.c) */

/* A day as days since 1970-01-01; -1 for none. */
typedef int64_t tr_day;
int tr_day_parse(const char *s, tr_day *out); /* "YYYY-MM-DD"; DJ_EINVAL */
void tr_day_format(tr_day d, char out[11]);
void tr_day_cn(tr_day d, char out[24]);        /* 2026年12月5日 */
tr_day tr_today(void);                          /* in Asia/Shanghai, from dj_now() */
/* The same day n months later (the month's last day when it has no such day). */
tr_day tr_add_months(tr_day d, int n);

extern const char *const tr_kinds[];   /* internal, out, in */
extern const char *const tr_states[];  /* draft, issued, registered, reported, done, withdrawn */
const char *tr_kind_label(const char *kind);
const char *tr_state_label(const char *kind, const char *state);

/* What may be done to a transfer, by its kind and state. */
enum tr_action { TR_ISSUE, TR_REPORT, TR_RECEIPT, TR_RENEW, TR_WITHDRAW, TR_PLACE };
/* NULL when allowed; else a Chinese reason. */
const char *tr_action_refused(const char *kind, const char *state, enum tr_action a);

/* A 介绍信's validity: issued <= until <= issued + months. NULL or the reason. */
const char *tr_validity_refused(tr_day issued, tr_day until, int months);
/* Numbers: "介字〔2026〕第007号" (letters) and "回字〔2026〕第003号" (receipts). */
void tr_number(const char *series, int year, int64_t n, char out[64]);

/* The flags of an open out letter on a day. */
struct tr_flags {
    bool expired;         /* past valid_until and the member has not reported */
    bool receipt_overdue; /* no 回执 more than `months` after it was issued */
    int64_t days_left;    /* until valid_until (negative: past) */
};
void tr_flags_of(const char *state, tr_day issued, tr_day until, tr_day reported, tr_day today, int months,
                 struct tr_flags *out);
/* A renewal (once, of an expired letter, to at most months from today). */
const char *tr_renew_refused(const char *state, bool renewed_before, tr_day until, tr_day new_until, tr_day today,
                             int months);
/* The 回执: the member reported within the letter's validity, not in the future. */
const char *tr_receipt_refused(tr_day issued, tr_day until, tr_day reported, tr_day today);

/* The dues months (YYYY-MM numbers as y*12+m-1) a member still owes before the
 * transfer month, given each month's state code ("paid", "unpaid", "short",
 * "no_base", "waived", "not_due"); returns how many, and the first in *first. */
int tr_dues_owed(const int *months, const char *const *states, size_t n, int before, int *first);

/* The first dues month of a member placed from an incoming 介绍信: the month they
 * were placed, or the month after the letter's 党费缴至 (-1: none), whichever is later. */
int tr_dues_first_month(int placed_month, int paid_until_month);

/* 流动党员: the quarter's contact is due when none is recorded in the quarter
 * of today; lost contact when nothing (contact, or the day they left when there
 * was none) for `months` months. */
bool tr_flow_contact_due(tr_day last_contact, tr_day today);
bool tr_flow_lost(tr_day last_contact, tr_day since, tr_day today, int months);
tr_day tr_quarter_start(tr_day d);
tr_day tr_quarter_end(tr_day d);

/* One record of the membership history for the figures, sorted by person, then day. */
struct tr_hist {
    int64_t person_id;
    bool branch;       /* a branch record (else a status record) */
    bool in_scope;     /* branch: the branch lies in the org's subtree */
    bool member;       /* status: full or probationary */
    tr_day day;
};
struct tr_figures {
    int start;   /* party members of the subtree on the day before `from` */
    int end;     /* on `to` */
    int arrived; /* became one during [from, to] */
    int left;    /* stopped being one during [from, to] */
};
void tr_figures(const struct tr_hist *h, size_t n, tr_day from, tr_day to, struct tr_figures *out);

/* ---------------------------------------------------------------- data (transfers_store.c) */

struct tr_actor {
    int64_t user_id;
    dj_req *r; /* NULL from the demo */
};
struct tr_err {
    const char *field;
    char message[240];
};
/* A transfer with its labels and flags; NULL (*err DJ_ENOTFOUND) when none. */
json_t *tr_get(db_conn *c, int64_t id, int *err);
/* The orgs whose scope covers a transfer: from and to (0 when none). */
int tr_orgs(db_conn *c, int64_t id, int64_t *from_org, int64_t *to_org, int64_t *person_id);

struct tr_filter {
    const char *scope;   /* SQL on the from and to orgs' paths (auth_scope_sql) */
    const char *kind, *state, *flag; /* flag: expired, overdue, open */
    const char *org_path;            /* from or to in this subtree */
    int64_t person_id;
    const char *q;                   /* name or letter number contains */
};
/* A page of letters, newest first; *total gets the count of all matches (NULL: not counted). */
json_t *tr_list(db_conn *c, const struct tr_filter *f, int64_t limit, int64_t offset, int64_t *total, int *err);

/* The writes, each inside the caller's transaction; on a refusal e says why. */
int tr_internal(db_conn *c, const struct tr_actor *a, const json_t *in, int64_t *id, struct tr_err *e);
int tr_out_create(db_conn *c, const struct tr_actor *a, const json_t *in, int64_t *id, struct tr_err *e);
int tr_issue(db_conn *c, const struct tr_actor *a, int64_t id, const json_t *in, struct tr_err *e);
int tr_report(db_conn *c, const struct tr_actor *a, int64_t id, const json_t *in, struct tr_err *e);
int tr_receipt(db_conn *c, const struct tr_actor *a, int64_t id, const json_t *in, struct tr_err *e);
int tr_renew(db_conn *c, const struct tr_actor *a, int64_t id, const json_t *in, struct tr_err *e);
/* transfers_notify.c: the member told of their letter ("issued", "renewed",
 * "withdrawn") in the caller's transaction; the scans of overdue 回执 and of
 * 流动党员 to contact, registered with the notification worker. */
int tr_notify_letter(db_conn *c, int64_t id, const char *what);
void tr_notify_register(void);
int tr_withdraw(db_conn *c, const struct tr_actor *a, int64_t id, const json_t *in, struct tr_err *e);
int tr_in_register(db_conn *c, const struct tr_actor *a, const json_t *in, int64_t *id, struct tr_err *e);
int tr_place(db_conn *c, const struct tr_actor *a, int64_t id, const json_t *in, struct tr_err *e);
/* A transfer already made with this client key (0 when none). */
int64_t tr_by_key(db_conn *c, const char *key);
/* Dues of a member up to the month before `month`: paid-up-to month and owed months. */
int tr_dues_status(db_conn *c, int64_t person_id, int month, char paid_until[8], int *owed, char first_owed[8]);

/* Dues hook (called by the dues subject): for each member placed from an incoming
 * letter (person_id 0: all; else that one), fn(person, first month due, arg). */
int tr_dues_starts(db_conn *c, int64_t person_id, void (*fn)(int64_t person_id, int first_month, void *arg),
                   void *arg);
/* Reads one person's ahead (db_prefetch()). */
void tr_dues_starts_prefetch(db_conn *c, int64_t person_id);

/* The agency's warnings for the leaders' dashboard: 介绍信 expired or without their
 * 回执 past three months, 流动党员 without contact for six months; each
 * {kind, level, org_id, message, type, id}.  NULL on error. */
json_t *tr_warnings(db_conn *c, int *err);

/* The agency as a letter names it: "中共" and the root organisation's name (malloc'd). */
char *tr_agency_name(db_conn *c, int *err);
/* The 介绍信 (存根, letter, 回执) or, for a letter in, our 回执, as a PDF
 * (transfers_letter.c); malloc'd bytes, NULL when cairo fails. */
void *tr_letter_pdf(const json_t *t, const char *agency, size_t *len);

/* Ends a membership (death, 退党, 除名, 开除党籍, 停止党籍): a recorded event. */
int tr_membership_end(db_conn *c, const struct tr_actor *a, int64_t person_id, const json_t *in, struct tr_err *e);
/* Figures of an org's subtree over [from, to] from the membership history. */
int tr_org_figures(db_conn *c, const char *org_path, tr_day from, tr_day to, struct tr_figures *out);

/* ---------------------------------------------------------------- 流动党员 (transfers_flow.c) */

json_t *tr_flow_list(db_conn *c, const char *scope, const char *org_path, bool ended, int *err);
json_t *tr_flow_get(db_conn *c, int64_t id, int *err);
int tr_flow_create(db_conn *c, const struct tr_actor *a, const json_t *in, int64_t *id, struct tr_err *e);
int tr_flow_contact(db_conn *c, const struct tr_actor *a, int64_t flow_id, const json_t *in, int64_t *id, bool *dup,
                    struct tr_err *e);
int tr_flow_end(db_conn *c, const struct tr_actor *a, int64_t flow_id, const json_t *in, struct tr_err *e);

#endif
