/* people_history.h - a person's membership history (issue 17): every branch they
 * belonged to and every party status they held, each from a day, with the event
 * that changed it.  people.org_id / party_status / active are its projection:
 * whoever changes them writes the history record in the same transaction. */
#ifndef DJ_PEOPLE_HISTORY_H
#define DJ_PEOPLE_HISTORY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/db.h"
#include "../core/http.h"

/* The events that end a membership (never a deletion), NULL-terminated, with the
 * status each leaves: death → dead, withdrawal (退党) → withdrawn, removal (除名) →
 * removed, expulsion (开除党籍) → expelled, stopped (停止党籍) → stopped. */
extern const char *const people_end_events[];
/* The status an end event leaves; NULL when ev is none. */
const char *people_end_status(const char *ev);
/* Chinese label of an event code (transfer_out → 转出, death → 去世 …), or the code. */
const char *people_event_label(const char *ev);
/* Chinese label of a history status (party statuses and the end statuses). */
const char *people_history_status_label(const char *status);

/* One record of the history. */
struct people_event {
    int64_t person_id;
    const char *kind;      /* "branch" or "status" */
    int64_t org_id;        /* branch: the branch from on_date; 0: left the agency */
    const char *status;    /* status: the status from on_date */
    const char *on_date;   /* YYYY-MM-DD */
    const char *event;     /* created, development, transfer_internal … */
    const char *ref_kind;  /* transfer, dev_application; NULL */
    int64_t ref_id;
    const char *document, *note;
    int64_t user_id;       /* 0: the system (demo, import) */
};
/* Appends one record (inside the caller's transaction). */
int people_history_add(db_conn *c, const struct people_event *e);
/* The two first records (branch and status) of a new person, from the day they
 * joined the party when known, else today (the branch from branch_since when given). */
int people_history_start(db_conn *c, int64_t person_id, const char *event, const char *branch_since, int64_t user_id);
/* Starts the history of everyone who has none yet (demo, import). */
int people_history_seed(db_conn *c);
/* A person's records, oldest first, with org names and Chinese labels. */
json_t *people_history_list(db_conn *c, int64_t person_id, int *err);


#endif
