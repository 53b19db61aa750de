/* assess.h - branch assessment (量化考评) and 先进党支部评选 (issue 7).
 *
 * A scheme's versions hold its indicators; a period freezes one version.
 * assess.c holds the pure rules (period spans, the arithmetic of every computed
 * indicator, score scaling, averaging, ranking, selection, working days, the
 * assessor-own-branch rule); assess_providers.c the table of computed
 * indicators and their SQL; assess_store.c schemes, periods, scores and the
 * computation; assess_api.c the HTTP handlers; assess_demo.c the demo rounds. */
#ifndef DJ_ASSESS_H
#define DJ_ASSESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/db.h"
#include "../core/http.h"

extern const struct dj_route assess_routes[];
/* Adds this subject's part of the demo agency (inside the demo's transaction). */
int assess_demo_load(db_conn *c, const char *password_hash);
/* `dangjian assess compute --db FILE --period ID`: computes a period's results. */
int assess_cmd(int argc, char **argv);

/* ---------------------------------------------------------------- periods (assess.c) */

struct assess_hours;

/* The time an assessment period covers, and the instant it is computed at. */
struct assess_span {
    int year;
    int half;            /* 0: the whole year; 1 or 2: a half-year */
    int64_t start, end;  /* [start, end) instants, Asia/Shanghai calendar */
    int64_t now;         /* when the figures are computed */
    char starts_on[11];  /* first day, YYYY-MM-DD */
    char ends_on[11];    /* last day */
    /* optional: every member's study and volunteer hours in the span, loaded once for a
     * whole computation (assess_hours_load); NULL: each provider reads its branch's own */
    const struct assess_hours *hours;
};
/* Fills a span for a year (half 0) or half-year (1, 2); DJ_EINVAL for a bad half or year. */
int assess_span_make(int year, int half, int64_t now, struct assess_span *s);
/* Months the span covers (12 or 6). */
int assess_span_months(const struct assess_span *s);

/* ---------------------------------------------------------------- arithmetic (assess.c) */

/* Requirement frequencies of 三会一课 and 主题党日. */
enum assess_freq { ASSESS_MONTH = 1, ASSESS_QUARTER = 3, ASSESS_YEAR = 12 };

/*
 * One requirement ("a 支部委员会 every month") over a span: every month,
 * quarter or year lying inside the span is a cell.  A cell with an activity
 * starting in it is met; a cell without one counts as missed once it has ended
 * (before s->now) and is left out while it is still running (not yet due), as
 * the compliance view of organisational life does.  Adds to *met and *due; when
 * cells is not NULL, writes one entry per cell (status 0 met, 1 missed, 2 not
 * due; act the index of the first satisfying activity or -1) and returns the
 * number of cells (at most 12).
 */
struct assess_cell {
    int year, index;     /* index: month 1–12, quarter 1–4, 1 for the year */
    int status;
    int act;
};
int assess_requirement_cells(enum assess_freq f, const struct assess_span *s, const int64_t *starts, size_t n,
                             int *met, int *due, struct assess_cell *cells);
/* The same for an organisation that exists over [from, until) only (its set_up_on
 * and dissolution): a cell wholly outside is not applicable (status 3) and is
 * neither met nor due. */
int assess_requirement_cells_in(enum assess_freq f, const struct assess_span *s, int64_t from, int64_t until,
                                const int64_t *starts, size_t n, int *met, int *due, struct assess_cell *cells);

/* Mean of per-item ratios num[i]/den[i] (each capped at 1), over items with den > 0.
 * -1 when there is none. */
double assess_mean_ratio(const int *num, const int *den, size_t n);
/* Share of values >= threshold; -1 when n == 0. */
double assess_share_at_least(const double *v, size_t n, double threshold);
/* Sum / count; -1 when count == 0. */
double assess_per_member(double sum, size_t count);

/* A list item as the on-time indicator sees it (days since 1970-01-01, -1: none). */
struct assess_item_facts {
    bool done;           /* 销号 */
    bool cancelled;
    int64_t due;
    int64_t submitted;   /* reported complete */
    int64_t verified;    /* day of 销号 */
};
enum assess_on_time { ASSESS_IT_SKIP = 0, ASSESS_IT_ON_TIME = 1, ASSESS_IT_LATE = 2 };
/* On time: done, and completed (reported, or else checked) on or before the deadline.
 * Late: done after it, or still open after it.  Skipped: cancelled, no deadline, not yet
 * due, or reported in time and awaiting the committee's check. */
enum assess_on_time assess_item_on_time(const struct assess_item_facts *f, int64_t today);

/* Score of a computed value: max * min(1, value / target); a target <= 0 gives max when
 * value > 0.  Rounded to two decimals. */
double assess_scale(double value, double target, double max_score);
/* Round half away from zero to two decimals. */
double assess_round2(double v);
/* Mean of assessors' scores; -1 when there are none. */
double assess_mean(const double *v, size_t n);

/* The total of a branch: the applicable indicators' scores (applicable[i]) summed and
 * scaled to total_max by their max scores, so an indicator that does not apply to anyone
 * (its data is not available) or to this branch (no basis) neither rewards nor punishes.
 * Writes the raw sum and the applicable max when the pointers are not NULL. */
double assess_total(const double *scores, const double *maxes, const bool *applicable, size_t n,
                    double total_max, double *raw, double *applicable_max);

/* Competition ranking (1, 1, 3) of totals in any order, compared at two decimals. */
void assess_rank(const double *totals, size_t n, int *ranks);

enum assess_select_mode { ASSESS_TOP_N = 0, ASSESS_THRESHOLD = 1 };
/* 先进党支部 selection: top N by rank (ties at the N-th place all in), or every total at
 * or above the threshold.  Returns how many were selected. */
size_t assess_select(const double *totals, const int *ranks, size_t n, enum assess_select_mode mode, double value,
                     bool *selected);

/* Days since 1970-01-01 → 0 Monday … 6 Sunday. */
int assess_weekday(int64_t day);
/* The last day of a 公示 of n working days (Monday to Friday) that starts the day after
 * `day`.  Public holidays are not known to the platform; set more days to cover them. */
int64_t assess_publicity_end(int64_t day, int n);

/*
 * The assessor-own-branch rule: an assessor may not score a branch they belong to.
 * own_paths are the org paths of the assessor's own organisations (the roster org of
 * their person, and every org where they hold a branch-level grant); the assessor
 * belongs to the target when any of them lies in the target's subtree.
 */
bool assess_may_score(const char *const *own_paths, size_t n, const char *target_path);

/* ---------------------------------------------------------------- providers (assess_providers.c) */

/* A branch as a provider sees it. */
struct assess_org {
    int64_t id;
    const char *path;
    const char *name;
};

/* What a provider found: the value, how it was reached, and the records behind it. */
struct assess_value {
    bool available;      /* false: value is null; reason says why */
    double value;
    char detail[160];    /* "达标 18/20 人" */
    char reason[160];    /* "数据不可用：…" or "不适用：…" */
    json_t *evidence;    /* owned: {"records":[{type,id,label,…}], "truncated":bool} */
};

struct assess_provider {
    const char *code;
    const char *name;
    const char *formula;   /* shown to the user */
    const char *unit;      /* "%" for rates, "学时", "分", "小时" */
    bool rate;             /* a 0..1 share shown as a percentage */
    double default_target;
    int (*compute)(db_conn *c, const struct assess_org *org, const struct assess_span *p, struct assess_value *v);
};

/* Every computed indicator, ending with {NULL}. */
extern const struct assess_provider assess_providers[];
const struct assess_provider *assess_provider_find(const char *code);
/* Loads every member's study and volunteer hours in the span in one pass (*out NULL when
 * the organisational-life tables are missing). Free with assess_hours_free. */
int assess_hours_load(db_conn *c, const struct assess_span *p, struct assess_hours **out);
void assess_hours_free(struct assess_hours *h);
/* Does the database have this table? (The modules that write the data land separately.) */
bool assess_table_exists(db_conn *c, const char *table);

/* ---------------------------------------------------------------- store (assess_store.c) */

/* Why a change was refused: a field and a Chinese message. */
struct assess_err {
    const char *field;
    char message[200];
};

json_t *assess_schemes_list(db_conn *c, int *err);
/* A scheme with its current version's indicators (version 0: current). */
json_t *assess_scheme_get(db_conn *c, int64_t id, int64_t version, int *err);
/* Validates the indicators array of a scheme body; DJ_OK or DJ_EINVAL with e set. */
int assess_indicators_check(const json_t *indicators, struct assess_err *e);
/* New scheme (version 1) from a validated body. Inside the caller's transaction. */
int assess_scheme_create(db_conn *c, const json_t *in, int64_t user_id, int64_t *id, struct assess_err *e);
/* New version of a scheme; periods keep the version they were opened with. */
int assess_scheme_new_version(db_conn *c, int64_t id, const json_t *in, int64_t user_id, int64_t *version,
                              struct assess_err *e);

json_t *assess_periods_list(db_conn *c, int *err);
json_t *assess_period_get(db_conn *c, int64_t id, int *err);
int assess_period_create(db_conn *c, const json_t *in, int64_t user_id, int64_t *id, struct assess_err *e);
/* Sets the selection rule (top_n N or threshold T) of an open period. */
int assess_period_selection(db_conn *c, int64_t id, const char *mode, double value, struct assess_err *e);

/* Records (or replaces) an assessor's score; the caller checked the role. */
int assess_score_save(db_conn *c, int64_t period_id, int64_t org_id, int64_t indicator_id, int64_t assessor_id,
                      const char *const *own_paths, size_t nown, double score, const char *comment,
                      struct assess_err *e);
/* The assessor's own org paths (roster org and branch-level grants); heap strings in a json array. */
json_t *assess_own_paths(db_conn *c, int64_t user_id, int *err);

/* Computes every branch's figures, totals, ranks and selection for an open period.
 * Inside the caller's transaction. *nbranches gets the count. */
int assess_compute(db_conn *c, int64_t period_id, int64_t now, int *nbranches, struct assess_err *e);
/* Starts the 公示 (state publicity) with the setting's number of working days. */
int assess_publish(db_conn *c, int64_t period_id, int64_t now, struct assess_err *e);
/* Makes the results final once the 公示 has ended. */
int assess_finalise(db_conn *c, int64_t period_id, int64_t now, struct assess_err *e);

/* The period's results: branches ranked, each with per-indicator figures and
 * (with_evidence) the records behind them. scope_sql limits the branches (o.path). */
json_t *assess_results(db_conn *c, int64_t period_id, const char *scope_sql, bool with_evidence, int *err);
/* A branch's totals and ranks across every period (history across years). */
json_t *assess_history(db_conn *c, int64_t org_id, int *err);
/* The latest period with results: its top n (for the dashboard). NULL object members when none. */
json_t *assess_latest_ranking(db_conn *c, int n, int *err);

#endif
