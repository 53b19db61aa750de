/* dues_api.h - what the two handler files of dues share: the checks every id a
 * request carries goes through (a person's org, an organisation in the query or
 * body), the year and month arguments, and the end of a write transaction. */
#ifndef DJ_DUES_API_H
#define DJ_DUES_API_H

#include "../core/http.h"
#include "dues.h"

/* The caller as the store records them. */
struct dues_actor dues_actor_of(dj_req *r);
/* perm on the org that keeps person_id's dues; 404 naming `field` for no such person. */
int dues_require_person(dj_req *r, const char *perm, int64_t person_id, const char *field);
/* The organisation of ?org= (default: the first org the caller holds perm on),
 * checked against perm; *org is a new reference {id, name, kind, path, parent_id}. */
int dues_org_param(dj_req *r, const char *perm, json_t **org);
/* perm on an organisation id from a body; *org as above. */
int dues_require_org(dj_req *r, const char *perm, int64_t org_id, const char *field, json_t **org);
/* ?year= (default: this year in Shanghai). */
int dues_year_param(dj_req *r, int *year);
/* A "YYYY-MM" field of a validated body; 400 naming it when it is not a month. */
int dues_month_field(dj_req *r, const json_t *in, const char *field, const char *label, dues_month *out);
/* Commits on DJ_OK, rolls back otherwise; returns rc (or the commit's error). */
int dues_tx_end(db_conn *c, int rc);
/* The 400/409/422 answer for a refused payment (why from the store). */
int dues_refused(dj_req *r, int rc, const char *field, const char *why);

/* The office's handlers (dues_api_office.c), listed in dues_routes. */
int dues_h_sheet(dj_req *r);
int dues_h_arrears(dj_req *r);
int dues_h_summary(dj_req *r);
int dues_h_import(dj_req *r);
int dues_h_reductions(dj_req *r);
int dues_h_reduction_add(dj_req *r);
int dues_h_reduction_decide(dj_req *r);
int dues_h_remittances(dj_req *r);
int dues_h_remit_add(dj_req *r);
int dues_h_remit_receive(dj_req *r);
int dues_h_branches(dj_req *r);

#endif
