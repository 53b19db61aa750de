/* lists.h - work lists: 模范机关, 整改, 三心事, 责任清单, inspections, reports (issue 6).
 *
 * lists.c holds the rules as pure functions (status, transitions, quarters,
 * the quarterly report's figures), lists_csv.c the CSV reader and the import's
 * row mapping, lists_store.c the SQL, lists_export.c the XLSX and PDF
 * renderers, lists_api.c the HTTP handlers and lists_demo.c the demo lists. */
#ifndef DJ_LISTS_H
#define DJ_LISTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/db.h"
#include "../core/http.h"
#include "../core/mem.h"
#include "../core/scope.h"

extern const struct dj_route lists_routes[];
/* The kinds of id the work lists own (scope.h): "list" (the keeping organisation). */
extern const struct dj_scope_kind lists_scope_kinds[];
/* Adds this subject's part of the demo agency (inside the demo's transaction). */
int lists_demo_load(db_conn *c, const char *password_hash);
/* `dangjian report`: a quarterly report written to a file (lists_cli.c). */
int lists_cli_report(int argc, char **argv);

/* ---------------------------------------------------------------- rules (lists.c) */

/* What is stored: "done" only by 销号, "cancelled" only with a reason. */
enum lists_state { LISTS_NOT_STARTED, LISTS_IN_PROGRESS, LISTS_DONE, LISTS_CANCELLED };
/* What is shown: the stored state, with overdue derived from the deadline. */
enum lists_status { LISTS_ST_NOT_STARTED, LISTS_ST_IN_PROGRESS, LISTS_ST_DONE, LISTS_ST_OVERDUE,
                    LISTS_ST_CANCELLED, LISTS_ST_COUNT };

extern const char *const lists_kinds[];      /* NULL-terminated: model_organ, rectification, ... */
extern const char *const lists_states[];     /* indexed by enum lists_state, NULL-terminated */
extern const char *const lists_statuses[];   /* indexed by enum lists_status, NULL-terminated */
extern const char *const lists_status_names[]; /* 未开始, 进行中, 已完成, 已逾期, 已取消 */
extern const char *const lists_sources[];    /* inspection, higher_feedback, special_campaign, self_check */
extern const char *const lists_five_types[]; /* 政治型 … 纪律型 */
extern const char *const lists_concern_kinds[]; /* 操心事, 烦心事, 揪心事 */

/* A Shanghai calendar day as days since 1970-01-01; -1 for "no date". */
typedef int64_t lists_day;
/* "YYYY-MM-DD" to a day; -1 when s is NULL or empty, -2 when it is not a date. */
lists_day lists_day_parse(const char *s);
/* The Shanghai calendar day of an instant. */
lists_day lists_day_of(int64_t t);
/* out gets "YYYY-MM-DD" (11 bytes). */
void lists_day_format(lists_day d, char out[11]);
/* Parses the looser dates found in spreadsheets: 2026-3-31, 2026/03/31,
 * 2026.3.31, 2026年3月31日; -2 when it is none of them. */
lists_day lists_day_parse_loose(const char *s);

int lists_state_parse(const char *s);  /* enum lists_state or -1 */
int lists_status_parse(const char *s); /* enum lists_status or -1 */

/* The facts about an item that its status depends on. */
struct lists_item_facts {
    enum lists_state state;
    int progress;          /* 0..100 */
    lists_day due;         /* -1: no deadline */
    lists_day submitted;   /* day reported complete, awaiting 销号; -1: not reported */
};

/*
 * The status of an item on a given Shanghai calendar day.  Cancelled and done
 * (after 销号) are final.  An open item is overdue from the day after its
 * deadline (an item due 2026-03-31 is overdue from 2026-04-01T00:00+08:00),
 * unless its owner reported it complete on or before the deadline and only
 * the committee's check is pending.  Otherwise it is in progress once work
 * has started or progress was reported.
 */
enum lists_status lists_item_status(const struct lists_item_facts *f, lists_day today);
/* Days until the deadline (negative when past); only meaningful when due >= 0. */
int64_t lists_days_left(lists_day due, lists_day today);

/*
 * May an item in state `from` be set to `to` by an edit?  DJ_OK, or an error
 * with *why (a Chinese sentence) set: "done" only through 销号 (the item must
 * have been reported complete), "overdue" is never set by hand, cancelling
 * needs a reason, and a done or cancelled item is closed.
 */
int lists_transition_check(enum lists_state from, const char *to, const char *reason, bool submitted,
                           const char **why);
/* May the committee's final check (销号) pass on this item? */
int lists_verify_check(enum lists_state state, bool submitted, const char **why);

/* "2026-Q3" → year 2026, quarter 3; DJ_EINVAL when malformed. */
int lists_quarter_parse(const char *s, int *year, int *q);
/* The first and last day of a quarter. */
void lists_quarter_bounds(int year, int q, lists_day *first, lists_day *last);
/* The quarter holding a day. */
void lists_quarter_of(lists_day d, int *year, int *q);

/* ---------------------------------------------------------------- the quarterly report */

/* One item as the report sees it (strings borrowed from the caller). */
struct lists_ritem {
    int64_t id;
    int64_t list_id;
    int seq;
    const char *list_title;
    const char *title;
    const char *category;
    const char *group;         /* what the report counts by: the category, or the list in an all-lists report */
    const char *org_name;
    const char *owners;        /* "张三、李四" */
    struct lists_item_facts f;
    lists_day created;         /* day the item was recorded */
    lists_day verified;        /* day of 销号; -1 */
    lists_day cancelled;       /* -1 */
    const char *latest_note;   /* the latest timeline entry's text; NULL */
    lists_day latest_on;       /* its day; -1 */
};

struct lists_rcat {
    const char *category;
    int counts[LISTS_ST_COUNT];
    int total;
};

/*
 * The figures of a quarter.  Statuses are taken as of `asof`: the quarter's
 * last day, or today while the quarter runs.  An item 销号'd or cancelled
 * after asof counts as open then; items recorded after asof are left out.
 */
struct lists_report {
    int year, quarter;
    lists_day first, last, asof;
    struct lists_rcat *cats;   /* in first-seen order (the caller sorts items by category order) */
    int ncats;
    int counts[LISTS_ST_COUNT];
    int total;
    /* indexes into the items array */
    int *finished;             /* 销号 within the quarter (and by asof) */
    int nfinished;
    int *overdue;              /* overdue on asof, oldest deadline first */
    int noverdue;
    int *planned;              /* open, deadline in the next quarter, soonest first */
    int nplanned;
    enum lists_status *status; /* per item, as of asof */
};

/* Computes the report over items[0..n). today bounds asof. Free with lists_report_free. */
void lists_report_compute(struct lists_report *rep, const struct lists_ritem *items, int n, int year, int q,
                          lists_day today);
void lists_report_free(struct lists_report *rep);

/* ---------------------------------------------------------------- import columns (lists_csv.c) */

/* The CSV reader and the encodings are src/core/csv.h. */

/* The import's columns, found by their Chinese (or English) headers. */
enum lists_col { LC_SEQ, LC_TITLE, LC_CATEGORY, LC_DESCRIPTION, LC_ACTION, LC_ORG, LC_OWNERS, LC_CO_ORGS,
                 LC_CO_PEOPLE, LC_START, LC_DUE, LC_SOURCE, LC_SOURCE_DETAIL, LC_PROGRESS, LC_OUTCOME, LC_NCOLS };
extern const char *const lists_col_labels[LC_NCOLS];
/* Maps a header cell to a column, or -1 when unknown. */
int lists_col_of_header(const char *h);

/* ---------------------------------------------------------------- storage (lists_store.c) */

/* What the caller may see and do, computed once per request by the handlers. */
struct lists_viewer {
    int64_t user_id;
    int64_t person_id;
    const char *read_scope;   /* SQL condition on o.path (list.read) */
    const char *read_scope_co; /* the same on o2.path (a co-responsible org) */
    const char *update_scope; /* SQL condition on o.path (item.update) */
    const char *mine_orgs;    /* "2,3": orgs granted to the viewer with item.update; "" for none */
};

/* Filters of an item listing; zero/NULL fields do not filter. */
/* Every field is in the key a page of items is kept under (lists_api.c, items_page). */
struct lists_item_filter {
    int64_t list_id;
    const char *category;
    int status;               /* enum lists_status or -1 */
    int64_t org_id;           /* responsible org (its subtree) */
    int64_t person_id;        /* responsible or co-responsible person */
    const char *due_from, *due_to;
    int64_t due_within;       /* -1: off; open items due within N days (overdue ones included) */
    bool mine;                /* items the viewer is responsible for, or whose org the viewer works */
    const char *q;            /* text in title or description */
    int64_t inspection_id;
    const char *sort;         /* "due" or "seq" (default) */
};

lists_day lists_today(void);
/* Writes the SQL expression of the derived status into b, with $n = today (YYYY-MM-DD). */
void lists_status_sql(dj_buf *b, int n);

json_t *lists_store_lists(db_conn *c, const struct lists_viewer *v, const char *kind, int *err);
json_t *lists_store_list_get(db_conn *c, int64_t id, int *err);
int lists_store_list_create(db_conn *c, dj_req *r, const json_t *in, int64_t org_id, int64_t *id);
int lists_store_list_patch(db_conn *c, dj_req *r, int64_t id, const json_t *in);

json_t *lists_store_items(db_conn *c, const struct lists_viewer *v, const struct lists_item_filter *f,
                          int64_t limit, int64_t offset, int64_t *total, int *err);
json_t *lists_store_item_get(db_conn *c, int64_t id, bool with_timeline, int *err);
/* Is person responsible (lead or co) for the item? */
bool lists_store_is_responsible(db_conn *c, int64_t item_id, int64_t person_id);
/* Checks the references of an item's input (org, people, orgs, dates); DJ_OK or
 * DJ_EINVAL with *field and *msg (a static or heap-free Chinese sentence in buf). */
int lists_store_item_check(db_conn *c, const json_t *in, const char **field, char *msg, size_t msglen);
int lists_store_item_create(db_conn *c, dj_req *r, int64_t list_id, const json_t *in, int64_t *id);
int lists_store_item_patch(db_conn *c, dj_req *r, int64_t id, const json_t *in);
/* Appends a progress report; *dup is true when client_key had been used (nothing new written). */
int lists_store_update_add(db_conn *c, dj_req *r, int64_t item_id, const json_t *in, int64_t *uid, bool *dup);
int lists_store_verify(db_conn *c, dj_req *r, int64_t item_id, bool approve, const char *note);
int lists_store_cancel(db_conn *c, dj_req *r, int64_t item_id, const char *reason);

/* {state, progress, submitted_on} of an item, read inside the caller's transaction. */
json_t *lists_store_item_state(db_conn *c, int64_t id, int *err);
bool lists_store_inspection_exists(db_conn *c, int64_t id);
/* The open rectification list of a year (or one without a year); DJ_ENOTFOUND when none. */
int lists_store_rectification_for_year(db_conn *c, int year, int64_t *id);
/* The top of the tree an organisation belongs to. */
int lists_store_root_org(db_conn *c, int64_t org_id, int64_t *root);

json_t *lists_store_inspections(db_conn *c, const struct lists_viewer *v, int64_t org_id, int *err);
int lists_store_inspection_create(db_conn *c, dj_req *r, const json_t *in, int64_t list_id, int64_t *id,
                                  json_t **item_ids);

/* One parsed import row (strings owned by the import). */
struct lists_import {
    int rows;
    json_t *errors;   /* [{line, column, message}] */
    json_t *items;    /* item objects as lists_store_item_create takes them */
};
/* Parses and checks a UTF-8 CSV body against the database; fills imp. */
int lists_import_parse(db_conn *c, int64_t list_id, const char *csv, size_t len, struct lists_import *imp);
void lists_import_free(struct lists_import *imp);

/* Loads the report's items of one list (list_id > 0) or of every list the
 * viewer may read (list_id == 0). Strings live in *pool (a json array kept alive). */
int lists_store_report_items(db_conn *c, const struct lists_viewer *v, int64_t list_id, struct lists_ritem **items,
                             int *n, json_t **pool);

/* ---------------------------------------------------------------- renderers (lists_export.c) */

struct lists_report_doc {
    const char *agency;       /* the header's agency name */
    const char *title;        /* "《…》2026年第三季度推进情况报告" */
    const struct lists_report *rep;
    const struct lists_ritem *items;
    int nitems;
    bool all_lists;           /* items from several lists: show the list column */
};
/* The agency's name for report headers: the setting agency.name, or the root
 * organisation's name while the setting still holds init's placeholder. Heap. */
char *lists_agency_name(db_conn *c);
/* "《清单》2026年第三季度推进情况报告", or the all-lists title when list_title is NULL. Heap. */
char *lists_report_title(const char *list_title, int year, int q);
json_t *lists_report_json(const struct lists_report_doc *d);
/* Heap bytes (caller frees) or NULL on failure. */
void *lists_report_xlsx(const struct lists_report_doc *d, size_t *len);
void *lists_report_pdf(const struct lists_report_doc *d, size_t *len);

/* Registers the work-list to-do provider (items due soon or overdue). */
void lists_todos_register(void);
/* Registers the due-day reminders with the outbox worker (issue 18). */
void lists_notify_register(void);
/* Registers list items, progress updates and inspections with the file store. */
void lists_files_register(void);

#endif
