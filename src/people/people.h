/* people.h - the roster: people, their privacy (masked phone and birth date),
 * public profiles (亮身份、亮承诺), the CSV reader, import and export.
 * Pure rules first, then the data layer. */
#ifndef DJ_PEOPLE_H
#define DJ_PEOPLE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/db.h"
#include "../core/csv.h"
#include "../core/http.h"
#include "../core/scope.h"

extern const struct dj_route people_routes[];
/* The kinds of id the roster owns (scope.h): "person". */
extern const struct dj_scope_kind people_scope_kinds[];
/* Registers people with the file store (photo, 入党志愿书 scan). */
void people_files_register(void);
/* Adds this subject's part of the demo agency (inside the demo's transaction). */
int people_demo_load(db_conn *c, const char *password_hash);

/* --- rules (pure) --- */
/* applicant 入党申请人, activist 入党积极分子, candidate 发展对象, probationary 预备党员,
 * full 正式党员, none 群众. NULL-terminated. */
extern const char *const people_statuses[];
const char *people_status_label(const char *status);
/* The code for a Chinese label or a code ("正式党员", "预备", "full"); NULL when unknown. */
const char *people_status_parse(const char *text);
/* "male"/"female" for 男/女/male/female; NULL when unknown. */
const char *people_gender_parse(const char *text);
/* A mainland mobile number: 11 digits starting with 1. */
bool people_phone_valid(const char *phone);
/* 138****0001 (first 3 and last 4 kept); out has room for 32 bytes. */
void people_mask_phone(const char *phone, char out[32]);
/* 1975-**-** ; out has room for 16 bytes. */
void people_mask_birth(const char *date, char out[16]);
/* Whole years of party standing from joined_on (YYYY-MM-DD) to today (days since
 * the epoch); -1 when joined_on is missing or bad. */
int people_party_years(const char *joined_on, int64_t today);
/* Reads the date forms found in rosters: 1975-05-01, 1975-5-1, 1975/5/1, 1975.5.1,
 * 19750501, 1975年5月1日; writes YYYY-MM-DD. DJ_EINVAL when it is no real date. */
int people_date_parse(const char *text, char out[11]);
/* Checks the dates and status of a person against each other (joined before
 * full, full members have joined, ...). NULL when consistent, else a Chinese
 * message; *field names the field at fault. */
const char *people_check(const char *status, const char *birth_date, const char *joined_on, const char *full_on,
                         const char **field);

/* CSV reading, writing and encodings: src/core/csv.h */

/* --- data --- */
/* The path a person's scope is judged by: their org's, or the root's when they have none. */
#define PEOPLE_PATH_EXPR "COALESCE(o.path, (SELECT MIN(r.path) FROM orgs r WHERE r.parent_id IS NULL))"

/* Filters of the roster list and export. */
struct people_filter {
    const char *q;         /* name contains */
    const char *status;    /* party status code */
    const char *org_path;  /* subtree (party branch or union/women/youth membership) */
    int active;            /* 1 on the roster, 0 left, -1 both */
    const char *sort;      /* name, -name, joined_on, -joined_on, id, -id */
    /* SQL conditions from auth_scope_sql(): person.read on PEOPLE_PATH_EXPR and on
     * "mo.path" (membership of a union/women/youth org), person.private on
     * PEOPLE_PATH_EXPR. NULL: everything. */
    const char *read_scope, *read_scope_mass, *private_scope;
    int64_t me;            /* the viewer's person id (sees own data), 0 none */
};
/* Sort keys of the list; NULL-terminated. */
extern const char *const people_sorts[];
/* A page of the roster as {"items","total","next"}-ready items; *total gets the count. */
json_t *people_list(db_conn *c, const struct people_filter *f, int64_t limit, int64_t offset, int64_t *total,
                    int *err);
/* Calls cb for every person under f (no paging), masked as in the list; cb borrows row. */
int people_each(db_conn *c, const struct people_filter *f, void (*cb)(json_t *row, void *arg), void *arg);
/* Where a page of the default order ends: a keyset cursor (people_page.c). */
struct people_cursor {
    char seg;       /* 'A' people of organisations, 'B' without one; 0 none */
    int64_t id;     /* the last person */
    char path[256]; /* the last person's organisation path (A) */
};
/* Reads "kA<id>.<path>" or "kB<id>"; false if text is not one. */
bool people_cursor_parse(const char *text, struct people_cursor *k);
/* The same page as people_list(), written straight into out as the JSON text of
 * {"items":[...],"total":N,"next":...} (dj_page_result()'s shape) without a tree
 * of objects; *rows gets the number of people on the page.  The default order
 * pages by a keyset cursor (after, from the previous page's next; total null)
 * or by an offset. */
int people_page_render(db_conn *c, const struct people_filter *f, int64_t limit, int64_t offset,
                       const struct people_cursor *after, dj_buf *out, int64_t *rows);
/* The same page as shared bytes (*page, a reference: mem.h), kept by the read
 * cache for everyone with the same scopes while the tables it was read from
 * are not written, and sent without a copy; a page that shows the viewer's own
 * row only because it is theirs is written for them alone. */
int people_page_text(db_conn *c, const struct people_filter *f, int64_t limit, int64_t offset,
                     const struct people_cursor *after, dj_blob **page, int64_t *rows);
/* One person, masked unless show_private; with mass organisations and posts. */
json_t *people_get(db_conn *c, int64_t id, bool show_private, int *err);
/* The raw row (for audit and scope checks); NULL when absent. */
json_t *people_row(db_conn *c, int64_t id, int *err);
/* The organisation a person belongs to for scope checks: org_id, or the root when none. */
int people_scope_org(db_conn *c, int64_t person_id, int64_t *org_id);
/* The public profile: name, branch, post, party standing, pledge. */
json_t *people_profile(db_conn *c, int64_t id, int *err);
/* Public profiles of the members of an organisation's subtree (party members
 * for a party org, members for a union/women/youth org). */
json_t *people_org_members(db_conn *c, int64_t org_id, int *err);

struct people_err {
    const char *field;
    char message[200];
};
/* Creates a person from a validated object; inside the caller's transaction. */
int people_create(db_conn *c, const json_t *in, int64_t *id, struct people_err *e);
/* The same, recording the start of the membership history as `event` (the branch
 * from branch_since; NULL: from the day they joined the party, else today). */
int people_create_as(db_conn *c, const json_t *in, int64_t *id, struct people_err *e, const char *event,
                     const char *branch_since);
/* Applies a validated change; inside the caller's transaction. */
int people_update(db_conn *c, int64_t id, const json_t *in, struct people_err *e);

/* --- import and export --- */
struct people_import_opts {
    bool dry_run;
    const char *write_scope; /* SQL on "o.path": organisations the caller may add people to */
    size_t max_errors;       /* errors listed at most (0: 10000) */
    /* Called for each person written (the audit record of the row); a non-zero
     * return stops the import. NULL: nothing. */
    int (*on_insert)(void *arg, int64_t id, const json_t *row);
    void *arg;
};
/*
 * Imports a roster file (CSV in UTF-8 or GB18030, Chinese headers).  Fills
 * *result with {"rows":N,"errors":[{"line","column","message"}],"encoding"}.
 * With errors or in a dry run nothing is written; otherwise every row is
 * inserted, in the caller's transaction.  Returns DJ_OK (check "errors"), or a
 * database error.
 */
int people_import(db_conn *c, const char *data, size_t len, const struct people_import_opts *o, json_t **result,
                  int64_t *first_id, int64_t *last_id);
/* The roster under f as a CSV file (UTF-8 with BOM, the import's headers). */
int people_export_csv(db_conn *c, const struct people_filter *f, dj_buf *out);
/* The same as an .xlsx workbook (libxlsxwriter); out gets the file's bytes. */
int people_export_xlsx(db_conn *c, const struct people_filter *f, dj_buf *out);

/* `dangjian import --db F --file ROSTER.csv [--commit]` and
 * `dangjian export --db F --out FILE [--format csv|xlsx] [--status S]`. */
int people_cmd_import(int argc, char **argv);
int people_cmd_export(int argc, char **argv);

#endif
