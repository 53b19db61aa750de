/* dues.h - party dues (党费, issue 16): bases, the 2008 rate table as data,
 * monthly dues per member, payments and the months they cover, 少交/免交,
 * arrears warnings, remittance (上缴), the payroll import and the reports.
 *
 * dues.c holds the rules as pure functions (months, tiers, rounding half up
 * in integer fen, the months a member owes, arrears, splitting a payment over
 * months); dues_store.c the SQL; dues_import.c the payroll file; dues_export.c
 * the 党费收缴明细表 as XLSX and PDF; dues_api.c and dues_api_admin.c the HTTP
 * handlers; dues_todo.c the to-dos and the org tree's warnings; dues_demo.c
 * the demo agency's dues. */
#ifndef DJ_DUES_H
#define DJ_DUES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/db.h"
#include "../core/http.h"

extern const struct dj_route dues_routes[];
/* Adds this subject's part of the demo agency (inside the demo's transaction). */
int dues_demo_load(db_conn *c, const char *password_hash);
/* Registers the to-do provider (annual declaration, reports and declarations to
 * decide, arrears) and the org tree's arrears warnings. */
void dues_register(void);
/* dues_notify.c: a reported payment decided, to the member (in the caller's
 * transaction); the arrears scan registered with the notification worker. */
int dues_notify_payment(db_conn *c, int64_t payment_id);
void dues_notify_register(void);

/* ---------------------------------------------------------------- rules (dues.c) */

/* A calendar month as one number, y * 12 + (m - 1); -1 for "none". */
typedef int dues_month;
dues_month dues_month_of(int y, int m);
int dues_month_year(dues_month mo);
int dues_month_mon(dues_month mo); /* 1..12 */
/* "YYYY-MM" to a month; DJ_EINVAL when it is not one (years 2000..2100). */
int dues_month_parse(const char *s, dues_month *out);
/* "YYYY-MM" into out (8 bytes). */
void dues_month_format(dues_month mo, char out[8]);
/* The month of an instant in Asia/Shanghai. */
dues_month dues_month_at(int64_t t);
/* The month of a "YYYY-MM-DD" date; -1 when it is not one. */
dues_month dues_month_of_date(const char *date);
/* Days since 1970-01-01 of the month's last day. */
int64_t dues_month_last_day(dues_month mo);

/* Who pays how (the categories of the 2008 regulation). */
enum dues_category { DUES_EMPLOYED, DUES_RETIRED, DUES_STUDENT, DUES_NO_INCOME, DUES_RELIEF, DUES_FARMER, DUES_NCAT };
extern const char *const dues_categories[];     /* codes, NULL-terminated */
extern const char *const dues_category_names[]; /* 在职, 离退休, 学生, ... */
/* enum dues_category of a code, or -1. */
int dues_category_parse(const char *s);
/* Categories whose dues are a share of a base (employed, retired). */
bool dues_category_has_base(int category);

/* One row of the rate table (dues_rates). */
struct dues_rate {
    int category;
    dues_month from;       /* first month in force */
    int64_t upper_fen;     /* inclusive upper bound of the base; -1: none */
    int rate_bp;           /* basis points of the whole base (1% = 100); -1: a fixed amount */
    int64_t fixed_fen;     /* the fixed amount, or the lowest of a range; -1: a share */
    int64_t fixed_max_fen; /* the highest of a range (farmers); -1: none */
};

/* num / den rounded half up (四舍五入), for num >= 0, den > 0. */
int64_t dues_round_half_up(int64_t num, int64_t den);
/* The share rate_bp of base_fen in fen, rounded half up once: 3456.50 yuan at 1% is 34.57. */
int64_t dues_share_fen(int64_t base_fen, int rate_bp);

/* The tier that applies to a base in a month: among the category's rows with the
 * latest `from` on or before month, the one with the smallest upper bound at or
 * above the base (the whole base is charged at that one rate). NULL when the
 * table has nothing for the category then. */
const struct dues_rate *dues_rate_find(const struct dues_rate *rates, size_t n, int category, dues_month month,
                                       int64_t base_fen);

/* A base from a month on (an approved dues_bases row). */
struct dues_base {
    dues_month from;
    int category;
    int64_t base_fen;
    int64_t fixed_fen; /* farmers: the amount set for the person; -1 */
};

/* The monthly due under a base: a share of the base for the employed and the
 * retired, the fixed amount otherwise (a farmer's own amount within the range).
 * DJ_OK with *fen (and *rate_bp, -1 for a fixed amount), or DJ_ENOTFOUND when
 * the rate table has no tier for it. */
int dues_monthly_fen(const struct dues_rate *rates, size_t n, const struct dues_base *b, dues_month month,
                     int64_t *fen, int *rate_bp);

/* 少交 (reduce) or 免交 (waive) over months, once the committee approved it. */
struct dues_reduction {
    dues_month from, to;
    bool waive;
    int64_t amount_fen; /* reduce: the monthly amount */
};

/* What a month is for a member. */
enum dues_state {
    DUES_NOT_DUE, /* outside the member's months (before the start, after leaving) */
    DUES_NO_BASE, /* a party member without any base yet: the branch must set one */
    DUES_PAID,    /* paid in full (or more) */
    DUES_SHORT,   /* paid in part */
    DUES_UNPAID,  /* nothing paid */
    DUES_WAIVED,  /* 免交: nothing due */
    DUES_NSTATES
};
extern const char *const dues_state_codes[]; /* not_due, no_base, paid, short, unpaid, waived */

/* The facts that decide a member's dues. Arrays are sorted by month ascending. */
struct dues_facts {
    dues_month start; /* first month due (see dues_start_month); -1: none */
    dues_month end;   /* last month due (the month of leaving); -1: still here */
    const struct dues_base *bases;
    size_t nbases;
    const struct dues_reduction *reds;
    size_t nreds;
    const struct dues_rate *rates;
    size_t nrates;
};

struct dues_month_row {
    dues_month month;
    enum dues_state state;
    int64_t due_fen;  /* after any reduction */
    int64_t paid_fen; /* confirmed payments applied to the month */
    int64_t base_fen; /* the base in force (0 for fixed amounts) */
    int category;     /* of the base in force; -1 */
    int rate_bp;      /* -1: a fixed amount or none */
    bool reduced;     /* a reduction applies */
};

/* The base in force in a month (the latest with from <= month), or NULL. */
const struct dues_base *dues_base_at(const struct dues_facts *f, dues_month month);
/* The first month a member owes dues: the later of the dues start and the first
 * base's month (months before any base were not kept in this system); the dues
 * start while there is no base yet. -1: none. */
dues_month dues_first_month(const struct dues_facts *f);
/* One month's row given what was paid for it. */
void dues_month_compute(const struct dues_facts *f, dues_month month, int64_t paid_fen, struct dues_month_row *out);

/* Consecutive months with nothing paid that were due (UNPAID; a member without
 * any base is the branch's gap to fill, not the member's arrears), counted
 * back from `last` (the last month that is over; the running month is not yet
 * late). rows are n consecutive months starting at rows[0].month. */
int dues_unpaid_streak(const struct dues_month_row *rows, size_t n, dues_month last);
/* 0 none, 1 warn (>= warn months: 提醒), 2 flag (>= flag months: 党章第九条). */
int dues_arrears_level(int streak, int warn, int flag);

/* May a payment cover these months (sorted, distinct)?  Months older than
 * max_back before `current` are 补交 beyond the limit (*why explains), months
 * more than max_ahead after it are too far ahead.  DJ_OK or DJ_EINVAL. */
int dues_months_check(const dues_month *months, size_t n, dues_month current, int max_back, int max_ahead,
                      const char **why);
/* Splits amount over months whose outstanding dues are outstanding[0..n): each
 * month in order gets what it still owes while the money lasts; whatever is
 * left over goes to the last month. parts[] sums to amount. */
void dues_split(int64_t amount, const int64_t *outstanding, size_t n, int64_t *parts);

/* The month dues start for a party member: the month of the 支部大会 resolution
 * that admitted them (a probationary member's first month due).  The roster
 * keeps only joined_on (入党时间) today, which is that date; when member
 * development (issue 15) records the resolution, dues_start_month() in
 * dues_store.c reads it there and this rule stays the same. -1 when unknown. */
dues_month dues_start_from_joined(const char *joined_on);

/* Was a month paid on time: paid on or before the month's last day? */
bool dues_paid_on_time(dues_month month, const char *paid_on);

/* "34.57" (yuan with two decimals, thousands not separated) into out. */
void dues_yuan(int64_t fen, char out[32]);
/* Parses "3456.5", "3,456.50", "¥34.57" into fen; DJ_EINVAL when it is no amount
 * of money (more than two decimals, negative, letters). */
int dues_parse_yuan(const char *s, int64_t *fen);

/* ---------------------------------------------------------------- data (dues_store.c) */

/* The rate table, loaded per request (a few rows). */
struct dues_rates {
    struct dues_rate *rows;
    size_t n;
};
int dues_rates_load(db_conn *c, struct dues_rates *out);
void dues_rates_free(struct dues_rates *r);
json_t *dues_rates_json(db_conn *c, int *err);

/* Everything about one member's dues, loaded together. */
struct dues_member {
    int64_t person_id;
    int64_t org_id, branch_id;
    char name[64];
    char status[16];
    struct dues_facts f;
    struct dues_base *bases; /* owned */
    struct dues_reduction *reds;
    /* confirmed payments per month: months[i] got paid[i] */
    dues_month *paid_months;
    int64_t *paid_fen;
    size_t npaid;
};
struct dues_roster {
    struct dues_member *m;
    size_t n;
    struct dues_rates rates;
};
/*
 * Loads the members whose dues are kept under an organisation's subtree (or
 * one person when person_id > 0): party members (full, probationary) on the
 * roster now, and those whose dues ended there (dues_leaves) in or after
 * `since` (a month; -1: any).  Sorted by branch, then name.
 */
int dues_roster_load(db_conn *c, const char *org_path, int64_t person_id, dues_month since, struct dues_roster *out);
/* Reads ahead (db_prefetch()) what dues_roster_load(c, "/", person_id, -1, …) reads. */
void dues_roster_prefetch_one(db_conn *c, int64_t person_id);
void dues_roster_free(struct dues_roster *r);
/* The paid amount of one member's month (0 when none). */
int64_t dues_member_paid(const struct dues_member *m, dues_month month);
/* Rows for months from..to (inclusive) of one member; out has to - from + 1 rows. */
void dues_member_rows(const struct dues_member *m, dues_month from, dues_month to, struct dues_month_row *out);

/* The month dues start for a person (see dues_start_from_joined): the one place
 * that decides it. -1 when the person is no party member or has no date. */
int dues_start_month(db_conn *c, int64_t person_id, dues_month *out);
/*
 * For the transfers module (组织关系转接): the member's dues end at branch_id with
 * last_month, the month they leave (dues are paid up to it).  Inside the caller's
 * transaction; a second call for the same member and branch moves the month.
 */
int dues_member_left(db_conn *c, int64_t person_id, int64_t branch_id, const char *last_month, const char *reason);

/* The branch (nearest branch-kind ancestor, else the org itself) of a person; 0 when none. */
int dues_person_branch(db_conn *c, int64_t person_id, int64_t *branch_id, int64_t *org_id);
/* The org (and its path) whose scope covers a person's dues: their org, or the root. */
int dues_person_scope(db_conn *c, int64_t person_id, int64_t *org_id);

/* Who is recording, and when (for rows and audit). */
struct dues_actor {
    int64_t user_id;
    dj_req *r; /* NULL from the command line and the demo */
};

/* A base set by the branch (approved) or declared by the member (pending). */
struct dues_base_in {
    int64_t person_id;
    dues_month effective;
    int category;
    int64_t base_fen;
    int64_t fixed_fen;     /* -1 */
    const char *source;    /* member | branch */
    const char *note;
    int declaration_year;  /* 0: none */
};
int dues_base_add(db_conn *c, const struct dues_actor *a, const struct dues_base_in *in, int64_t *id);
/* The branch approves or rejects a pending declaration. DJ_ECONFLICT when decided. */
int dues_base_decide(db_conn *c, const struct dues_actor *a, int64_t id, bool approve, const char *note);
json_t *dues_base_get(db_conn *c, int64_t id, int *err);
json_t *dues_bases_of(db_conn *c, int64_t person_id, int *err);
/* Declarations (member-declared bases) under an org subtree, of a year or all. */
json_t *dues_declarations(db_conn *c, const char *org_path, int year, const char *status, int *err);
int dues_profile_set(db_conn *c, int64_t person_id, const char *staff_no, const char *id_number);
json_t *dues_profile_get(db_conn *c, int64_t person_id, int *err);

struct dues_payment_in {
    int64_t person_id;
    int64_t branch_id;
    const dues_month *months;
    size_t nmonths;
    int64_t amount_fen;
    const char *method;    /* payroll, cash, bank, other */
    const char *paid_on;   /* YYYY-MM-DD */
    const char *payer_name, *receipt_no, *bank_ref, *file_id, *note, *client_key;
    const char *status;    /* confirmed | reported */
    int64_t import_id;     /* 0 */
};
/*
 * Records a payment and its months (split by dues_split over what each month
 * still owes).  A confirmed payment awards the on-time points (the points
 * module's rule dues_on_time) for months it completes by their end.  *dup is set
 * when client_key was used before (nothing new written; *id is that payment).
 * DJ_ECONFLICT (a month already paid in full) or DJ_EUNPROCESSABLE (a month not
 * due, waived, or without a base) with why[] saying which month and why.
 */
int dues_payment_add(db_conn *c, const struct dues_actor *a, const struct dues_payment_in *in, int64_t *id,
                     bool *dup, char why[200]);
/* The branch confirms (approve) or rejects a member's reported payment; DJ_ECONFLICT
 * when it was decided already or a month it covers has been paid meanwhile. */
int dues_payment_decide(db_conn *c, const struct dues_actor *a, int64_t id, bool approve, const char *note,
                        char why[200]);
json_t *dues_payment_get(db_conn *c, int64_t id, int *err);
/* Payments under an org subtree (or of one person), newest first. status NULL: all. */
json_t *dues_payments_list(db_conn *c, const char *org_path, int64_t person_id, const char *status, int year,
                           int64_t limit, int64_t offset, int64_t *total, int *err);

struct dues_reduction_in {
    int64_t person_id;
    const char *kind; /* reduce | waive */
    dues_month from, to;
    int64_t amount_fen;
    const char *reason, *decided_on;
};
int dues_reduction_add(db_conn *c, const struct dues_actor *a, const struct dues_reduction_in *in, int64_t *id);
int dues_reduction_decide(db_conn *c, const struct dues_actor *a, int64_t id, bool approve, const char *note);
json_t *dues_reduction_get(db_conn *c, int64_t id, int *err);
json_t *dues_reductions_list(db_conn *c, const char *org_path, const char *status, int *err);

struct dues_remit_in {
    int64_t from_org_id, to_org_id; /* to 0: the higher committee, named by to_name */
    const char *to_name;
    int64_t amount_fen;
    dues_month period_from, period_to;
    const char *remitted_on, *receipt_no, *note, *client_key;
};
int dues_remit_add(db_conn *c, const struct dues_actor *a, const struct dues_remit_in *in, int64_t *id, bool *dup);
int dues_remit_receive(db_conn *c, const struct dues_actor *a, int64_t id);
json_t *dues_remit_get(db_conn *c, int64_t id, int *err);
json_t *dues_remits_list(db_conn *c, const char *org_path, int year, int *err);

/* An org row {id, name, kind, path, parent_id}; NULL with *err. */
json_t *dues_org_get(db_conn *c, int64_t id, int *err);
/* The party orgs of a subtree that keep dues: branches (and general branches or
 * committees with members of their own), ordered as the tree. */
json_t *dues_branches_under(db_conn *c, const char *org_path, int *err);

/* ---------------------------------------------------------------- views (dues_view.c) */

/* 我的党费 of a person (also the branch's view of one member). */
json_t *dues_member_view(db_conn *c, int64_t person_id, int *err);
/* What the to-do list needs of it: this year's declaration (open in its month,
 * done once in), the months unpaid before this one and what they owe; without
 * the payments, the bases and the months of the view (fewer statements). */
struct dues_member_due {
    int year;
    bool declaration_open, declaration_done;
    size_t unpaid;
    int64_t owed_fen;
};
int dues_member_due(db_conn *c, int64_t person_id, struct dues_member_due *out);
/* Reads ahead (db_prefetch()) what dues_member_due() reads. */
void dues_member_due_prefetch(db_conn *c, int64_t person_id);
/* The branch's monthly sheet: members x months of a year, with totals. */
json_t *dues_sheet(db_conn *c, int64_t org_id, int year, int *err);
/* Members with months unpaid in a row, with the 3- and 6-month levels. */
json_t *dues_arrears(db_conn *c, const char *org_path, int *err);
/* Collection (due, paid, rate) and remittance per branch under an org, for a year. */
json_t *dues_summary(db_conn *c, int64_t org_id, int year, int *err);
/* Due and collected so far this year under an org subtree (the dashboard's rate). */
int dues_collection(db_conn *c, const char *org_path, int year, int64_t *due, int64_t *paid, int *members);

/* ---------------------------------------------------------------- the payroll import (dues_import.c) */

struct dues_import_opts {
    int64_t org_id;
    const char *org_path;
    dues_month month;
    bool dry_run;
    const char *paid_on;      /* YYYY-MM-DD: the payroll day */
    const struct dues_actor *actor;
};
/*
 * Reads a payroll deduction file (CSV text in UTF-8; XLSX files are turned into
 * CSV in the page), matches rows to members by 工号, 身份证号 or name and builds
 * {"rows","matched":[…],"unmatched":[…],"differences":[…],"already_paid":[…],
 *  "errors":[…],"total_fen","recorded","duplicate"}.  Without dry_run and
 * without errors, records a payroll payment for every matched row not already
 * paid, in the caller's transaction.  The same file twice records nothing.
 */
int dues_import(db_conn *c, const struct dues_import_opts *o, const char *csv, size_t len, const char *sha256,
                json_t **result);

/* ---------------------------------------------------------------- exports (dues_export.c) */

/* The 党费收缴明细表 of dues_sheet() as XLSX or PDF; heap bytes (caller frees), NULL on failure. */
void *dues_sheet_xlsx(const json_t *sheet, size_t *len);
void *dues_sheet_pdf(const json_t *sheet, size_t *len);

#endif
