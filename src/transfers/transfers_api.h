/* transfers_api.h - what the handler files of the transfers subject share. */
#ifndef DJ_TRANSFERS_API_H
#define DJ_TRANSFERS_API_H

#include "../core/http.h"
#include "transfers.h"

struct tr_actor tr_actor_of(dj_req *r);
/* Maps a refusal of the store (e) to the reply; other codes pass through. */
int tr_finish(dj_req *r, int rc, const struct tr_err *e);

/* transfers_flow_api.c */
int tr_flow_index(dj_req *r);
int tr_flow_new(dj_req *r);
int tr_flow_show(dj_req *r);
int tr_flow_contact_new(dj_req *r);
int tr_flow_end_one(dj_req *r);

/* transfers_todo.c */
void transfers_todos_register(void);

#endif
