/* people_int.h - what people.c and people_page.c share: the roster's columns,
 * the parameters of a statement built at run time and a filter's WHERE. */
#ifndef DJ_PEOPLE_INT_H
#define DJ_PEOPLE_INT_H

#include "../core/db.h"
#include "../core/mem.h"
#include "people.h"

#define PERSON_COLS                                                                                              \
    "p.id, p.name, p.gender, p.birth_date, p.ethnicity, p.education, p.phone, p.job_post, p.job_title, p.org_id," \
    " o.name AS org_name, o.kind AS org_kind, CASE WHEN o.kind = 'group' THEN po.id ELSE o.id END AS branch_id,"  \
    " CASE WHEN o.kind = 'group' THEN po.name ELSE o.name END AS branch_name, p.party_status, p.joined_on,"        \
    " p.full_on, p.probation_until, p.observation_from, p.observation_until, p.pledge, p.active AS active__bool," \
    " p.created_at, p.updated_at,"                                                                               \
    " CASE WHEN o.kind = 'group' THEN po.name || '/' || o.name ELSE o.name END AS org_full_name"
#define PERSON_FROM " FROM people p LEFT JOIN orgs o ON o.id = p.org_id LEFT JOIN orgs po ON po.id = o.parent_id"

/* The parameters of a statement built at run time, numbered as they are
 * added, so that the statement uses every $n (PostgreSQL needs each one's type). */
struct qparams {
    int n;
    char type[12];
    int64_t i[12];
    char *t[12]; /* owned */
};
/* Adds a parameter and writes its "$n" into buf (returned). */
const char *qp_int(struct qparams *q, int64_t v, char buf[8]);
const char *qp_text(struct qparams *q, char *owned, char buf[8]);
void qp_bind(db_stmt *s, const struct qparams *q);
void qp_free(struct qparams *q);

/* The WHERE clause of a filter. me ($n) is the viewer's person id, already in q. */
void people_where_sql(dj_buf *b, const struct people_filter *f, struct qparams *q, const char *me);
/* The filtered query in f's order, LIMIT limit OFFSET offset (every row when
 * limit < 0). The statement is dynamic. */
db_stmt *people_query(db_conn *c, const struct people_filter *f, int64_t limit, int64_t offset);
/* The count of every match, kept by the read cache. */
int people_count_matches(db_conn *c, const struct people_filter *f, int64_t *total);

#endif
