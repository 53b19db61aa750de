/* lists_sql.h - helpers the SQL files of the lists subject share
 * (lists_store.c, lists_store_report.c): parameters of dynamic statements,
 * the visibility condition, today and now as text. */
#ifndef DJ_LISTS_SQL_H
#define DJ_LISTS_SQL_H

#include "lists.h"

/* Parameters of a statement built at run time, numbered in the order added. */
struct lists_qp {
    int n;
    char types[24];
    int64_t i[24];
    const char *t[24];
};

/* Adds a parameter; returns its $ number. */
int lists_qp_i(struct lists_qp *q, int64_t v);
int lists_qp_t(struct lists_qp *q, const char *v);
/* Runs dynamic SQL with q's parameters; rows as a JSON array, NULL with *err on failure. */
json_t *lists_qp_rows(db_conn *c, const char *sql, const struct lists_qp *q, int *err);
int lists_qp_i64(db_conn *c, const char *sql, const struct lists_qp *q, int64_t *out);
/* Appends " AND (…)": the items (alias i, org o) the viewer may see. */
void lists_sql_visibility(dj_buf *b, const struct lists_viewer *v, struct lists_qp *q);
void lists_today_text(char out[11]);
void lists_now_iso(char out[21]);

#endif
