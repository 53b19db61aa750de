/* lists_api.h - what the handler files of the lists subject share. */
#ifndef DJ_LISTS_API_H
#define DJ_LISTS_API_H

#include "lists.h"
#include "../core/json.h"

/* True when s is NULL, empty or only spaces (ASCII or ideographic). */
static inline bool lists_blank(const char *s) { return !s || dj_str_blank(s); }

/* lists_access.c: who may see and do what */
/* The caller's scopes and person, for the store's queries (strings in r's arena). */
void lists_viewer_of(dj_req *r, struct lists_viewer *v);
/* May the caller keep this list (its write_perm, or list.write, on its org)? */
bool lists_can_write(dj_req *r, const json_t *list);
/* Loads a list the caller may see; 404/403 with the message set otherwise. */
int lists_load_visible(dj_req *r, int64_t id, json_t **out);
/* An item (as lists_store_item_get reads it) the caller may read: list.read on its
 * org or its list's, an owner or co-owner, or list.read on a co-operating org. */
bool lists_item_readable(dj_req *r, const json_t *it);
/* The caller keeps the item's list. */
bool lists_item_list_writable(dj_req *r, const json_t *it);
/* The caller may post progress on the item (its org's item.update, or item.respond
 * as a person responsible), or keeps its list. */
bool lists_item_updatable(dj_req *r, const json_t *it);
/* Loads an item the caller may see (with its timeline when asked); 404/403 otherwise. */
int lists_load_item(dj_req *r, int64_t id, bool timeline, json_t **out);
/* Drops the fields only the server needs; returns it. */
json_t *lists_item_public(json_t *it);
/* Sets can_edit, can_update and can_verify on the item for the caller. */
void lists_item_permissions(dj_req *r, json_t *it);
/* The head of every write to an item: the path's id, the item (404 outside the
 * caller's view), the caller allowed by may (else 403 saying denied), and the body
 * read by spec.  On an error nothing is left to free. */
int lists_item_write_in(dj_req *r, bool (*may)(dj_req *, json_t *), const char *denied,
                        const struct dj_jfield *spec, int64_t *id, json_t **it, json_t **in);
/* The three questions lists_item_write_in asks: keeps the list, may report, may verify. */
bool lists_may_write_list(dj_req *r, json_t *it);
bool lists_may_report(dj_req *r, json_t *it);
bool lists_may_verify(dj_req *r, json_t *it);

/* The fields of a new item (the import's rows become such objects too). */
extern const struct dj_jfield lists_item_new_spec[];
/* The file store's questions about an item (lists_access.c): may the caller
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
