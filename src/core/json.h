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

enum dj_jtype {
    DJ_J_STR,   /* string; min/max count characters (code points) */
    DJ_J_INT,   /* integer; min/max is the range when max > min */
    DJ_J_ID,    /* positive integer id */
    DJ_J_BOOL,
    DJ_J_NUM,   /* integer or real */
    DJ_J_DATE,  /* "YYYY-MM-DD", a real calendar date */
    DJ_J_TIME,  /* ISO-8601 instant with an offset */
    DJ_J_OBJ,
    DJ_J_ARR,
    DJ_J_ANY,
};

#define DJ_J_REQ 1u   /* must be present */
#define DJ_J_NULL 2u  /* may be null (to clear an optional value) */

struct dj_jfield {
    const char *name;
    const char *label;          /* Chinese name shown in messages */
    enum dj_jtype type;
    unsigned flags;
    int64_t min, max;           /* see dj_jtype */
    const char *const *one_of;  /* NULL-terminated list of allowed strings */
};

struct dj_jerr {
    const char *field;   /* points into the spec (static) */
    const char *code;    /* "unknown_field", "missing_field", "wrong_type", "too_long", "invalid" */
    char message[320];
};

/* 0 when obj satisfies spec (a table ending with a {NULL} entry); else -1
 * with *e filled in. */
int dj_json_validate(const json_t *obj, const struct dj_jfield *spec, struct dj_jerr *e);
/* Characters (code points) in a UTF-8 string. */
size_t dj_utf8_len(const char *s);
/* True when s is non-empty after trimming ASCII and ideographic spaces. */
bool dj_str_blank(const char *s);

/* Compact JSON text of j in a heap buffer (caller frees), UTF-8 as it is,
 * keys in insertion order: what every API answer is rendered with.  Faster
 * than json_dumps(), which formats through a callback a character at a time. */
char *dj_json_render(const json_t *j, size_t *len);

/* Small readers for validated objects: absent or null gives the default. */
const char *dj_jstr(const json_t *o, const char *key, const char *def);
int64_t dj_jint(const json_t *o, const char *key, int64_t def);
bool dj_jbool(const json_t *o, const char *key, bool def);
bool dj_jhas(const json_t *o, const char *key);

#endif
