/* lists_api.h - what the handler files of the lists subject share. */
#ifndef DJ_LISTS_API_H
#define DJ_LISTS_API_H

#include "lists.h"
#include "../core/json.h"

/* True when s is NULL, empty or only spaces (ASCII or ideographic). */
static inline bool lists_blank(const char *s) { return !s || dj_str_blank(s); }

/* The caller's scopes and person, for the store's queries (strings in r's arena). */
void lists_viewer_of(dj_req *r, struct lists_viewer *v);
/* May the caller keep this list (its write_perm, or list.write, on its org)? */
bool lists_can_write(dj_req *r, const json_t *list);
/* Loads a list the caller may see; 404/403 with the message set otherwise. */
int lists_load_visible(dj_req *r, int64_t id, json_t **out);

/* The fields of a new item (the import's rows become such objects too). */
extern const struct dj_jfield lists_item_new_spec[];
/* The file store's questions about an item (lists_api.c): may the caller
 * read it, may the caller add evidence to it (DJ_OK, or an error with its
 * message set). */
int lists_item_file_read(dj_req *r, int64_t item_id);
int lists_item_file_attach(dj_req *r, int64_t item_id);

/* lists_files.c */
/* Stores a progress update's evidence in the file store: {"file_id": "…"}
 * links a file the caller uploaded (or may read), {"name", "url"} records a
 * link or a name.  Inside the caller's transaction; r may be NULL (demo). */
int lists_evidence_store(db_conn *c, dj_req *r, int64_t update_id, const json_t *evidence, int64_t by_user);
/* The evidence of a progress update, from the file store (never NULL). */
json_t *lists_evidence_of(db_conn *c, int64_t update_id);

/* lists_report_api.c */
int lists_report_one(dj_req *r);
int lists_report_all(dj_req *r);
int lists_import(dj_req *r);
int inspections_list(dj_req *r);
int inspection_create(dj_req *r);
int inspection_get(dj_req *r);

#endif
