/* json.c - field-table validation of JSON objects. */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

#include "timeutil.h"

size_t dj_utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

bool dj_str_blank(const char *s)
{
    while (*s) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
            s++;
        } else if ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80) {
            s += 3; /* U+3000 ideographic space */
        } else {
            return false;
        }
    }
    return true;
}

static int fail(struct dj_jerr *e, const struct dj_jfield *f, const char *field, const char *code,
                const char *fmt, const char *label, long long a)
{
    e->field = f ? f->name : field;
    e->code = code;
    snprintf(e->message, sizeof e->message, fmt, label, a);
    return -1;
}

static bool in_set(const char *s, const char *const *set)
{
    for (; *set; set++)
        if (strcmp(s, *set) == 0)
            return true;
    return false;
}

static int check_value(const json_t *v, const struct dj_jfield *f, struct dj_jerr *e)
{
    const char *L = f->label ? f->label : f->name;
    switch (f->type) {
    case DJ_J_STR:
    case DJ_J_DATE:
    case DJ_J_TIME: {
        if (!json_is_string(v))
            return fail(e, f, NULL, "wrong_type", "“%s”应为文字%.0lld", L, 0);
        const char *s = json_string_value(v);
        if (strlen(s) != json_string_length(v))
            return fail(e, f, NULL, "invalid", "“%s”含有不允许的字符%.0lld", L, 0);
        if (f->type == DJ_J_DATE) {
            int y, m, d;
            if (dj_date_parse(s, &y, &m, &d) != 0)
                return fail(e, f, NULL, "invalid", "“%s”不是有效日期，请使用 2026-01-31 这样的格式%.0lld", L, 0);
            return 0;
        }
        if (f->type == DJ_J_TIME) {
            int64_t t;
            if (dj_time_parse(s, &t) != 0)
                return fail(e, f, NULL, "invalid",
                            "“%s”不是有效时间，请使用 2026-01-31T09:00:00+08:00 这样的格式%.0lld", L, 0);
            return 0;
        }
        size_t n = dj_utf8_len(s);
        int64_t max = f->max > 0 ? f->max : 200;
        if ((int64_t)n > max)
            return fail(e, f, NULL, "too_long", "“%s”不能超过 %lld 个字", L, (long long)max);
        if (f->min > 0 && ((int64_t)n < f->min || dj_str_blank(s)))
            return f->min == 1 ? fail(e, f, NULL, "invalid", "“%s”不能为空%.0lld", L, 0)
                               : fail(e, f, NULL, "invalid", "“%s”至少需要 %lld 个字", L, (long long)f->min);
        if (f->one_of && !in_set(s, f->one_of))
            return fail(e, f, NULL, "invalid", "“%s”的取值不在允许范围内%.0lld", L, 0);
        return 0;
    }
    case DJ_J_INT:
    case DJ_J_ID: {
        if (!json_is_integer(v))
            return fail(e, f, NULL, "wrong_type", "“%s”应为整数%.0lld", L, 0);
        json_int_t x = json_integer_value(v);
        if (f->type == DJ_J_ID && x <= 0)
            return fail(e, f, NULL, "invalid", "“%s”应为有效的编号%.0lld", L, 0);
        if (f->max > f->min && (x < f->min || x > f->max)) {
            e->field = f->name;
            e->code = "invalid";
            snprintf(e->message, sizeof e->message, "“%s”应在 %lld 到 %lld 之间", L, (long long)f->min,
                     (long long)f->max);
            return -1;
        }
        return 0;
    }
    case DJ_J_NUM:
        if (!json_is_number(v))
            return fail(e, f, NULL, "wrong_type", "“%s”应为数字%.0lld", L, 0);
        if (f->max > f->min && (json_number_value(v) < (double)f->min || json_number_value(v) > (double)f->max)) {
            e->field = f->name;
            e->code = "invalid";
            snprintf(e->message, sizeof e->message, "“%s”应在 %lld 到 %lld 之间", L, (long long)f->min,
                     (long long)f->max);
            return -1;
        }
        return 0;
    case DJ_J_BOOL:
        if (!json_is_boolean(v))
            return fail(e, f, NULL, "wrong_type", "“%s”应为 true 或 false%.0lld", L, 0);
        return 0;
    case DJ_J_OBJ:
        if (!json_is_object(v))
            return fail(e, f, NULL, "wrong_type", "“%s”应为对象%.0lld", L, 0);
        return 0;
    case DJ_J_ARR:
        if (!json_is_array(v))
            return fail(e, f, NULL, "wrong_type", "“%s”应为数组%.0lld", L, 0);
        if (f->max > 0 && (int64_t)json_array_size(v) > f->max)
            return fail(e, f, NULL, "too_long", "“%s”最多 %lld 项", L, (long long)f->max);
        if (f->items) {
            size_t i;
            json_t *x;
            json_array_foreach(v, i, x) {
                struct dj_jerr inner;
                if (!json_is_object(x))
                    return fail(e, f, NULL, "wrong_type", "“%s”第 %lld 项应为对象", L, (long long)i + 1);
                if (dj_json_validate(x, f->items, &inner) != 0) {
                    e->field = f->name;
                    e->code = inner.code;
                    snprintf(e->message, sizeof e->message, "“%s”第 %zu 项：%.250s", L, i + 1, inner.message);
                    return -1;
                }
            }
        }
        return 0;
    case DJ_J_IDS: {
        if (!json_is_array(v))
            return fail(e, f, NULL, "wrong_type", "“%s”应为编号的数组%.0lld", L, 0);
        int64_t max = f->max > 0 ? f->max : 1000;
        if ((int64_t)json_array_size(v) > max)
            return fail(e, f, NULL, "too_long", "“%s”最多 %lld 项", L, (long long)max);
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            if (!json_is_integer(x) || json_integer_value(x) <= 0)
                return fail(e, f, NULL, "invalid", "“%s”第 %lld 项不是有效的编号", L, (long long)i + 1);
        }
        return 0;
    }
    case DJ_J_ANY:
        return 0;
    }
    return 0;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcmp(s + n - t, tail) == 0;
}

const struct dj_jfield *dj_json_spec_unscoped(const struct dj_jfield *spec)
{
    for (const struct dj_jfield *f = spec; f->name; f++) {
        bool ids = f->type == DJ_J_ID || f->type == DJ_J_IDS;
        if (ids && !(f->flags & DJ_J_UNSCOPED) && (!f->ref || !f->perm))
            return f;
        if (!ids && (ends_with(f->name, "_id") || ends_with(f->name, "_ids")))
            return f;
        const struct dj_jfield *inner = f->items ? dj_json_spec_unscoped(f->items) : NULL;
        if (inner)
            return inner;
    }
    return NULL;
}

int dj_json_validate(const json_t *obj, const struct dj_jfield *spec, struct dj_jerr *e)
{
    if (!json_is_object(obj)) {
        e->field = NULL;
        e->code = "wrong_type";
        snprintf(e->message, sizeof e->message, "请求内容应为 JSON 对象");
        return -1;
    }
    const struct dj_jfield *bad = dj_json_spec_unscoped(spec);
    if (bad) {
        e->field = bad->name;
        e->code = "unscoped_id";
        snprintf(e->message, sizeof e->message, "服务器内部错误：字段“%s”的编号没有声明权限范围", bad->name);
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        const struct dj_jfield *f = spec;
        while (f->name && strcmp(f->name, key) != 0)
            f++;
        if (!f->name) {
            e->field = key;
            e->code = "unknown_field";
            snprintf(e->message, sizeof e->message, "不认识的字段“%.100s”，请检查拼写", key);
            return -1;
        }
        if (json_is_null(v)) {
            if (f->flags & DJ_J_NULL)
                continue;
            if (f->flags & DJ_J_REQ)
                return fail(e, f, NULL, "missing_field", "“%s”不能为空%.0lld", f->label ? f->label : f->name, 0);
            return fail(e, f, NULL, "wrong_type", "“%s”不能为 null%.0lld", f->label ? f->label : f->name, 0);
        }
        if (check_value(v, f, e) != 0)
            return -1;
    }
    for (const struct dj_jfield *f = spec; f->name; f++) {
        if ((f->flags & DJ_J_REQ) && !json_object_get(obj, f->name))
            return fail(e, f, NULL, "missing_field", "缺少必填项“%s”%.0lld", f->label ? f->label : f->name, 0);
    }
    return 0;
}

const char *dj_jstr(const json_t *o, const char *key, const char *def)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : def;
}

int64_t dj_jint(const json_t *o, const char *key, int64_t def)
{
    json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : def;
}

bool dj_jbool(const json_t *o, const char *key, bool def)
{
    json_t *v = json_object_get(o, key);
    return json_is_boolean(v) ? json_is_true(v) : def;
}

bool dj_jhas(const json_t *o, const char *key)
{
    return json_object_get(o, key) != NULL;
}

void dj_json_array_sort(json_t *a, int (*cmp)(const void *, const void *))
{
    size_t n = json_array_size(a);
    if (n < 2)
        return;
    json_t **v = dj_calloc(n, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = json_incref(json_array_get(a, i));
    qsort(v, n, sizeof *v, cmp);
    json_array_clear(a);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, v[i]);
    free(v);
}

/* ---------- rendering ---------- */

static void render_string(dj_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF"; /* as jansson writes it */
    dj_buf_append(b, "\"", 1);
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        dj_buf_append(b, s + start, i - start);
        start = i + 1;
        char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
        size_t elen = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        default:
            esc[1] = 'u', esc[2] = '0', esc[3] = '0', esc[4] = hex[c >> 4], esc[5] = hex[c & 15];
            elen = 6;
        }
        dj_buf_append(b, esc, elen);
    }
    dj_buf_append(b, s + start, n - start);
    dj_buf_append(b, "\"", 1);
}

static void render_int(dj_buf *b, json_int_t v)
{
    char tmp[24];
    int i = sizeof tmp;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--i] = '-';
    dj_buf_append(b, tmp + i, sizeof tmp - (size_t)i);
}

static void render(dj_buf *b, const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        dj_buf_append(b, "{", 1);
        const char *key;
        json_t *v;
        bool first = true;
        json_object_foreach((json_t *)j, key, v) {
            if (!first)
                dj_buf_append(b, ",", 1);
            first = false;
            render_string(b, key, strlen(key));
            dj_buf_append(b, ":", 1);
            render(b, v);
        }
        dj_buf_append(b, "}", 1);
        break;
    }
    case JSON_ARRAY: {
        dj_buf_append(b, "[", 1);
        for (size_t i = 0; i < json_array_size(j); i++) {
            if (i)
                dj_buf_append(b, ",", 1);
            render(b, json_array_get(j, i));
        }
        dj_buf_append(b, "]", 1);
        break;
    }
    case JSON_STRING:
        render_string(b, json_string_value(j), json_string_length(j));
        break;
    case JSON_INTEGER:
        render_int(b, json_integer_value(j));
        break;
    case JSON_REAL: {
        char tmp[32];
        double d = json_real_value(j);
        /* the shortest text that reads back as the same double: 62.3, not 62.299999999999997 */
        int n = snprintf(tmp, sizeof tmp, "%.15g", d);
        if (strtod(tmp, NULL) != d)
            n = snprintf(tmp, sizeof tmp, "%.17g", d);
        /* keep it a real: 2 → 2.0, as jansson writes it */
        if (!strpbrk(tmp, ".eEn"))
            n = snprintf(tmp, sizeof tmp, "%.1f", d);
        dj_buf_append(b, tmp, (size_t)n);
        break;
    }
    case JSON_TRUE:
        dj_buf_append(b, "true", 4);
        break;
    case JSON_FALSE:
        dj_buf_append(b, "false", 5);
        break;
    default:
        dj_buf_append(b, "null", 4);
        break;
    }
}

void dj_json_render_into(dj_buf *b, const json_t *j) { render(b, j); }
void dj_json_string_into(dj_buf *b, const char *s) { render_string(b, s, strlen(s)); }
void dj_json_int_into(dj_buf *b, int64_t v) { render_int(b, (json_int_t)v); }

char *dj_json_render(const json_t *j, size_t *len)
{
    dj_buf b = {0};
    render(&b, j);
    *len = b.len;
    return dj_buf_cstr(&b);
}
