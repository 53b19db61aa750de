/* db_rows.c - the varargs conveniences over the statement API: run one
 * statement, read one value, and read rows as JSON (a column named x__json is
 * parsed into the member x; x__bool becomes a JSON boolean). */
#include "db.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "json.h"
#include "mem.h"

int db_execv(db_conn *c, const char *sql, const char *types, va_list ap)
{
    db_stmt *s = db_prep(c, sql);
    if (!s)
        return db_prep_error();
    int rc = db_bindv(s, types, ap);
    if (rc == DJ_OK) {
        rc = db_step(s);
        while (rc == DB_ROW)
            rc = db_step(s);
        if (rc == DB_DONE)
            rc = DJ_OK;
    }
    db_done(s);
    return rc;
}

int db_exec(db_conn *c, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    int rc = db_execv(c, sql, types, ap);
    va_end(ap);
    return rc;
}

int db_query_i64(db_conn *c, int64_t *out, const char *sql, const char *types, ...)
{
    db_stmt *s = db_prep(c, sql);
    if (!s)
        return db_prep_error();
    va_list ap;
    va_start(ap, types);
    int rc = db_bindv(s, types, ap);
    va_end(ap);
    if (rc == DJ_OK) {
        rc = db_step(s);
        if (rc == DB_ROW) {
            *out = db_col_i64(s, 0);
            rc = DJ_OK;
        } else if (rc == DB_DONE) {
            rc = DJ_ENOTFOUND;
        }
    }
    db_done(s);
    return rc;
}

int db_query_text(db_conn *c, char **out, const char *sql, const char *types, ...)
{
    db_stmt *s = db_prep(c, sql);
    if (!s)
        return db_prep_error();
    va_list ap;
    va_start(ap, types);
    int rc = db_bindv(s, types, ap);
    va_end(ap);
    *out = NULL;
    if (rc == DJ_OK) {
        rc = db_step(s);
        if (rc == DB_ROW) {
            const char *t = db_col_text(s, 0);
            *out = t ? dj_strdup(t) : NULL;
            rc = DJ_OK;
        } else if (rc == DB_DONE) {
            rc = DJ_ENOTFOUND;
        }
    }
    db_done(s);
    return rc;
}

static bool has_suffix(const char *s, const char *suf, size_t *stem)
{
    size_t n = strlen(s), m = strlen(suf);
    if (n <= m || strcmp(s + n - m, suf) != 0)
        return false;
    *stem = n - m;
    return true;
}

json_t *db_row_json(db_stmt *s)
{
    json_t *o = json_object();
    int n = db_ncols(s);
    for (int i = 0; i < n; i++) {
        const char *name = db_col_name(s, i);
        size_t stem;
        json_t *v;
        char key[128];
        enum db_type t = db_col_type(s, i);
        if (has_suffix(name, "__json", &stem) && stem < sizeof key) {
            memcpy(key, name, stem);
            key[stem] = '\0';
            v = t == DB_T_NULL ? json_null() : json_loads(db_col_text(s, i), JSON_DECODE_ANY, NULL);
            json_object_set_new(o, key, v ? v : json_null());
            continue;
        }
        if (has_suffix(name, "__bool", &stem) && stem < sizeof key) {
            memcpy(key, name, stem);
            key[stem] = '\0';
            json_object_set_new(o, key, t == DB_T_NULL ? json_null() : json_boolean(db_col_i64(s, i) != 0));
            continue;
        }
        switch (t) {
        case DB_T_NULL: v = json_null(); break;
        case DB_T_INT: v = json_integer(db_col_i64(s, i)); break;
        case DB_T_REAL: v = json_real(db_col_double(s, i)); break;
        default: v = json_string(db_col_text(s, i)); break;
        }
        json_object_set_new(o, name, v ? v : json_null());
    }
    return o;
}

int db_row_render(db_stmt *s, dj_buf *b, int (*each)(void *arg, dj_buf *b, int col, const char *name), void *arg)
{
    int n = db_ncols(s), written = 0;
    for (int i = 0; i < n; i++) {
        const char *name = db_col_name(s, i);
        size_t stem;
        int what = each ? each(arg, b, i, name) : DB_COL_RENDER;
        if (what == DB_COL_SKIP)
            continue;
        if (written++)
            dj_buf_append(b, ",", 1);
        bool as_bool = has_suffix(name, "__bool", &stem), as_json = has_suffix(name, "__json", &stem);
        dj_buf_append(b, "\"", 1);
        dj_buf_append(b, name, as_bool || as_json ? stem : strlen(name)); /* column names need no escaping */
        dj_buf_append(b, "\":", 2);
        if (what == DB_COL_WRITTEN) { /* each() writes the value itself: call it again to do so */
            each(arg, b, -1 - i, name);
            continue;
        }
        enum db_type t = db_col_type(s, i);
        if (t == DB_T_NULL) {
            dj_buf_puts(b, "null");
        } else if (as_bool) {
            dj_buf_puts(b, db_col_i64(s, i) ? "true" : "false");
        } else if (as_json) {
            json_t *v = json_loads(db_col_text(s, i), JSON_DECODE_ANY, NULL);
            if (v)
                dj_json_render_into(b, v);
            else
                dj_buf_puts(b, "null");
            json_decref(v);
        } else if (t == DB_T_INT) {
            dj_json_int_into(b, db_col_i64(s, i));
        } else if (t == DB_T_REAL) {
            json_t *v = json_real(db_col_double(s, i));
            dj_json_render_into(b, v);
            json_decref(v);
        } else {
            dj_json_string_into(b, db_col_text(s, i));
        }
    }
    return written;
}

static json_t *rows_from(db_stmt *s, int *err, const char *types, va_list ap, bool first_only)
{
    int rc = db_bindv(s, types, ap);
    json_t *out = first_only ? NULL : json_array();
    while (rc == DJ_OK) {
        int st = db_step(s);
        if (st == DB_DONE)
            break;
        if (st != DB_ROW) {
            rc = st;
            break;
        }
        if (first_only) {
            out = db_row_json(s);
            break;
        }
        json_array_append_new(out, db_row_json(s));
    }
    db_done(s);
    if (rc != DJ_OK) {
        json_decref(out);
        if (err)
            *err = rc;
        return NULL;
    }
    if (err)
        *err = (first_only && !out) ? DJ_ENOTFOUND : DJ_OK;
    return out;
}

/* Runs s (NULL when it did not prepare) and converts its rows. */
static json_t *query_json(db_stmt *s, int *err, const char *types, va_list ap, bool first_only)
{
    if (!s) {
        if (err)
            *err = db_prep_error();
        return NULL;
    }
    return rows_from(s, err, types, ap, first_only);
}

json_t *db_query_rows(db_conn *c, int *err, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    json_t *r = query_json(db_prep(c, sql), err, types, ap, false);
    va_end(ap);
    return r;
}

json_t *db_query_rows_dynamic(db_conn *c, int *err, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    json_t *r = query_json(db_prep_dynamic(c, sql), err, types, ap, false);
    va_end(ap);
    return r;
}

json_t *db_query_row(db_conn *c, int *err, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    json_t *r = query_json(db_prep(c, sql), err, types, ap, true);
    va_end(ap);
    return r;
}
