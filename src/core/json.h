/* json.h - declared validation of JSON input (the kore validator idea).
 *
 * A handler declares the fields it takes as a table of dj_jfield; one call
 * checks an object against it: unknown fields, missing ones, wrong types,
 * strings that are too long or too short, numbers out of range, dates and
 * times that do not parse, values outside a closed set.  The first problem
 * found is reported with the field's name and a Chinese message naming the
 * field's label, so the user knows what to fix. */
#ifndef DJ_JSON_H
#define DJ_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mem.h"

enum dj_jtype {
    DJ_J_STR,   /* string; min/max count characters (code points) */
    DJ_J_INT,   /* integer; min/max is the range when max > min */
    DJ_J_ID,    /* positive integer id */
    DJ_J_BOOL,
    DJ_J_NUM,   /* integer or real */
    DJ_J_DATE,  /* "YYYY-MM-DD", a real calendar date */
    DJ_J_TIME,  /* ISO-8601 instant with an offset */
    DJ_J_OBJ,
    DJ_J_ARR,   /* array; max is the most items; with .items, each one an object checked against it */
    DJ_J_ANY,
    DJ_J_IDS,   /* array of positive integer ids; max is the most items (0: 1000) */
};

#define DJ_J_REQ 1u   /* must be present */
#define DJ_J_NULL 2u  /* may be null (to clear an optional value) */
/* An id that names nothing inside an organisation (a points rule, an assessment
 * scheme): no scope to check.  Every other DJ_J_ID/DJ_J_IDS field declares
 * .ref and .perm, and a field named *_id or *_ids must be one of the two types:
 * dj_json_validate() refuses a table that breaks this, so a handler cannot
 * forget to check an id against the caller's scope. */
#define DJ_J_UNSCOPED 4u

struct dj_jfield {
    const char *name;
    const char *label;          /* Chinese name shown in messages */
    enum dj_jtype type;
    unsigned flags;
    int64_t min, max;           /* see dj_jtype */
    const char *const *one_of;  /* NULL-terminated list of allowed strings */
    const struct dj_jfield *items; /* DJ_J_ARR: the table each item (an object) must satisfy */
    const char *ref;            /* DJ_J_ID/DJ_J_IDS: the kind of row the id names ("person", "org", ...; scope.h) */
    const char *perm;           /* ... and the permission the caller needs on that row's organisation */
};

/* In a field table: {"person_id", "党员", DJ_J_ID, DJ_J_REQ, DJ_SCOPE("person", "points.manage")}. */
#define DJ_SCOPE(kind, permission) .ref = (kind), .perm = (permission)

struct dj_jerr {
    const char *field;   /* points into the spec (static) */
    const char *code;    /* "unknown_field", "missing_field", "wrong_type", "too_long", "invalid";
                          * "unscoped_id": the table itself is wrong (a server bug, not the input's) */
    char message[320];
};

/* 0 when obj satisfies spec (a table ending with a {NULL} entry); else -1
 * with *e filled in. */
int dj_json_validate(const json_t *obj, const struct dj_jfield *spec, struct dj_jerr *e);
/* The first field of spec (or of a nested .items table) that carries ids
 * without declaring their scope, or NULL when the table is sound. */
const struct dj_jfield *dj_json_spec_unscoped(const struct dj_jfield *spec);
/* Characters (code points) in a UTF-8 string. */
size_t dj_utf8_len(const char *s);
/* True when s is non-empty after trimming ASCII and ideographic spaces. */
bool dj_str_blank(const char *s);

/* Compact JSON text of j in a heap buffer (caller frees), UTF-8 as it is,
 * keys in insertion order: what every API answer is rendered with.  Faster
 * than json_dumps(), which formats through a callback a character at a time. */
char *dj_json_render(const json_t *j, size_t *len);
/* The same text appended to b; a string's or an integer's alone.  For answers
 * written straight from a statement's rows (db_row_render()), without a tree. */
void dj_json_render_into(dj_buf *b, const json_t *j);
void dj_json_string_into(dj_buf *b, const char *s);
void dj_json_int_into(dj_buf *b, int64_t v);

/* Small readers for validated objects: absent or null gives the default. */
const char *dj_jstr(const json_t *o, const char *key, const char *def);
int64_t dj_jint(const json_t *o, const char *key, int64_t def);
bool dj_jbool(const json_t *o, const char *key, bool def);
bool dj_jhas(const json_t *o, const char *key);
/* Sorts a JSON array in place; cmp gets two json_t *const * (qsort's way). */
void dj_json_array_sort(json_t *a, int (*cmp)(const void *, const void *));

#endif
