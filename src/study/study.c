/* study.c - the pure rules of 学习园地: what a heartbeat earns, the cap of a material,
 * seconds into 学时, the bigram terms of Chinese text for the full-text index, the
 * rich-text allow-list and the spelling of quiz answers.  No SQL, no HTTP. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../core/csv.h"
#include "../core/mem.h"
#include "study.h"

int64_t study_beat_credit(int64_t last_beat_at, int64_t now, bool visible, bool active, int64_t max_gap)
{
    if (last_beat_at <= 0 || !visible || !active)
        return 0;
    int64_t gap = now - last_beat_at;
    if (gap <= 0 || gap > max_gap)
        return 0;
    return gap;
}

int64_t study_cap_credit(int64_t counted, int64_t credit, int64_t length_seconds)
{
    if (credit <= 0 || counted >= length_seconds)
        return 0;
    return credit < length_seconds - counted ? credit : length_seconds - counted;
}

int64_t study_hours_tenths(int64_t seconds, int64_t minutes_per_hour, int64_t cap_tenths)
{
    if (seconds <= 0 || minutes_per_hour <= 0)
        return 0;
    int64_t t = seconds * 10 / (minutes_per_hour * 60);
    return cap_tenths > 0 && t > cap_tenths ? cap_tenths : t;
}

int64_t study_article_seconds(size_t chars)
{
    int64_t s = (int64_t)(chars * 60 / 400);
    return s < 60 ? 60 : s;
}

/* ---------- terms ---------- */

/* The code point at p (UTF-8) and its length; an invalid byte reads as itself. */
static uint32_t utf8_next(const unsigned char *p, int *len)
{
    if (p[0] < 0x80) {
        *len = 1;
        return p[0];
    }
    int n = (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3 : (p[0] & 0xF8) == 0xF0 ? 4 : 1;
    uint32_t c = n == 2 ? p[0] & 0x1F : n == 3 ? p[0] & 0x0F : n == 4 ? p[0] & 0x07 : p[0];
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *len = 1;
            return 0xFFFD;
        }
        c = (c << 6) | (p[i] & 0x3F);
    }
    *len = n;
    return c;
}

static bool is_han(uint32_t c)
{
    return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0x20000 && c <= 0x2FA1F);
}

/* Appends the terms of one word segment to b: pairs for a Chinese run, the word
 * for letters and digits.  words counts what was added; *single notes a one-character
 * Chinese run. */
static void segment_terms(dj_buf *b, const char *s, bool quote, int *words, bool *single)
{
    const unsigned char *p = (const unsigned char *)s;
    int first = 1;
    while (*p) {
        int n;
        uint32_t c = utf8_next(p, &n);
        if (is_han(c)) {
            const unsigned char *run = p;
            size_t chars = 0;
            const unsigned char *q = p;
            while (*q) {
                int m;
                if (!is_han(utf8_next(q, &m)))
                    break;
                q += m;
                chars++;
            }
            if (quote)
                dj_buf_puts(b, first ? "\"" : " \"");
            else if (b->len)
                dj_buf_puts(b, " ");
            if (chars == 1) {
                dj_buf_append(b, run, (size_t)(q - run));
                if (single)
                    *single = true;
            } else {
                const unsigned char *a = run;
                for (size_t i = 0; i + 1 < chars; i++) {
                    int l1, l2;
                    utf8_next(a, &l1);
                    utf8_next(a + l1, &l2);
                    if (i)
                        dj_buf_puts(b, " ");
                    dj_buf_append(b, a, (size_t)(l1 + l2));
                    a += l1;
                }
            }
            if (quote)
                dj_buf_puts(b, "\"");
            first = 0;
            (*words)++;
            p = q;
        } else if (c < 0x80 && isalnum((int)c)) {
            if (quote)
                dj_buf_puts(b, first ? "\"" : " \"");
            else if (b->len)
                dj_buf_puts(b, " ");
            while (*p < 0x80 && isalnum(*p)) {
                char ch = (char)tolower(*p++);
                dj_buf_append(b, &ch, 1);
            }
            if (quote)
                dj_buf_puts(b, "\"");
            first = 0;
            (*words)++;
        } else {
            p += n; /* punctuation, spaces, other scripts: separators */
        }
    }
}

char *study_terms(const char *text)
{
    dj_buf b = {0};
    int words = 0;
    segment_terms(&b, text ? text : "", false, &words, NULL);
    return dj_buf_cstr(&b);
}

char *study_query(const char *typed, const char **why)
{
    dj_buf b = {0};
    int words = 0;
    bool single = false;
    segment_terms(&b, typed ? typed : "", true, &words, &single);
    if (words == 0 || single || words > 16) {
        *why = words == 0 ? "请输入要搜索的字词" : single ? "中文请至少输入两个字" : "搜索的词太多，请精简";
        dj_buf_free(&b);
        return NULL;
    }
    return dj_buf_cstr(&b);
}

/* ---------- rich text ---------- */

static const char *const allowed_tags[] = {"p",  "br", "h2", "h3", "h4", "strong", "b",          "em",
                                           "i",  "u",  "ul", "ol", "li", "blockquote", NULL};

static bool tag_allowed(const char *name)
{
    for (int i = 0; allowed_tags[i]; i++)
        if (strcmp(allowed_tags[i], name) == 0)
            return true;
    return false;
}

/* Reads a tag at p ('<'): its lower-case name (empty when it is not a tag), whether
 * it closes, and the end (after '>'; the end of the text when unterminated). */
static const char *read_tag(const char *p, char name[16], bool *closing)
{
    const char *q = p + 1;
    *closing = *q == '/';
    if (*closing)
        q++;
    size_t n = 0;
    while (isalnum((unsigned char)*q) && n < 15)
        name[n++] = (char)tolower((unsigned char)*q++);
    name[n] = 0;
    while (isalnum((unsigned char)*q))
        q++, name[0] = 0; /* too long to be one we know */
    const char *end = strchr(q, '>');
    if (!end) {
        name[0] = 0; /* never closed: text */
        return q;
    }
    return end + 1;
}

static void escape_char(dj_buf *b, char ch)
{
    switch (ch) {
    case '<': dj_buf_puts(b, "&lt;"); break;
    case '>': dj_buf_puts(b, "&gt;"); break;
    case '"': dj_buf_puts(b, "&quot;"); break;
    case '\'': dj_buf_puts(b, "&#39;"); break;
    default: dj_buf_append(b, &ch, 1);
    }
}

/* An entity (&amp; &#12; &#x1F;) starting at p: its length, else 0. */
static size_t entity_len(const char *p)
{
    size_t i = 1;
    if (p[i] == '#') {
        i++;
        if (p[i] == 'x' || p[i] == 'X')
            i++;
    }
    size_t start = i;
    while (isalnum((unsigned char)p[i]) && i < 12)
        i++;
    return i > start && p[i] == ';' ? i + 1 : 0;
}

static char *html_walk(const char *html, bool keep_tags)
{
    dj_buf b = {0};
    const char *p = html ? html : "";
    while (*p) {
        if (*p == '<') {
            char name[16];
            bool closing;
            const char *end = read_tag(p, name, &closing);
            if (!name[0] && strncmp(p, "<!--", 4) != 0) {
                escape_char(&b, *p++); /* a lone '<' is text */
                continue;
            }
            if (strncmp(p, "<!--", 4) == 0) {
                const char *c = strstr(p + 4, "-->");
                p = c ? c + 3 : p + strlen(p);
                continue;
            }
            if (!closing && (strcmp(name, "script") == 0 || strcmp(name, "style") == 0)) {
                /* dropped with everything up to its end tag */
                char close[24];
                snprintf(close, sizeof close, "</%s", name);
                const char *c = strcasestr(end, close);
                p = c ? read_tag(c, name, &closing) : end + strlen(end);
                continue;
            }
            if (keep_tags && tag_allowed(name)) {
                if (strcmp(name, "br") == 0)
                    dj_buf_puts(&b, "<br>");
                else
                    dj_buf_printf(&b, "<%s%s>", closing ? "/" : "", name);
            } else if (!keep_tags && (strcmp(name, "p") == 0 || strcmp(name, "br") == 0 || strcmp(name, "li") == 0 ||
                                      name[0] == 'h')) {
                dj_buf_puts(&b, " ");
            }
            p = end;
        } else if (*p == '&') {
            size_t n = entity_len(p);
            if (n && keep_tags) {
                dj_buf_append(&b, p, n);
                p += n;
            } else if (n) {
                dj_buf_puts(&b, " ");
                p += n;
            } else {
                dj_buf_puts(&b, keep_tags ? "&amp;" : "&");
                p++;
            }
        } else {
            if (keep_tags)
                escape_char(&b, *p);
            else
                dj_buf_append(&b, p, 1);
            p++;
        }
    }
    return dj_buf_cstr(&b);
}

char *study_html_clean(const char *html) { return html_walk(html, true); }
char *study_html_text(const char *html) { return html_walk(html, false); }

/* ---------- quiz answers ---------- */

char *study_answer_norm(const char *kind, const char *given, int n_options, const char **why)
{
    const char *g = given ? given : "";
    if (strcmp(kind, "judge") == 0) {
        if (!strcasecmp(g, "T") || !strcasecmp(g, "true") || !strcmp(g, "对") || !strcmp(g, "正确") ||
            !strcmp(g, "√"))
            return dj_strdup("T");
        if (!strcasecmp(g, "F") || !strcasecmp(g, "false") || !strcmp(g, "错") || !strcmp(g, "错误") ||
            !strcmp(g, "×"))
            return dj_strdup("F");
        *why = "判断题的答案应为“对”或“错”";
        return NULL;
    }
    bool seen[26] = {0};
    int count = 0;
    for (const char *p = g; *p; p++) {
        if (*p == ' ' || *p == ',' || *p == ';')
            continue;
        int ch = toupper((unsigned char)*p);
        if (ch < 'A' || ch >= 'A' + n_options || n_options > 26) {
            *why = "答案应为选项字母（如 A 或 AC）";
            return NULL;
        }
        if (!seen[ch - 'A'])
            count++;
        seen[ch - 'A'] = true;
    }
    if (count == 0 || (strcmp(kind, "single") == 0 && count != 1)) {
        *why = count == 0 ? "请选择答案" : "单选题只能选一个答案";
        return NULL;
    }
    char out[27];
    int n = 0;
    for (int i = 0; i < 26; i++)
        if (seen[i])
            out[n++] = (char)('A' + i);
    out[n] = 0;
    return dj_strdup(out);
}

int64_t study_score_percent(int64_t correct, int64_t total)
{
    if (total <= 0)
        return 0;
    return (correct * 200 + total) / (total * 2);
}

/* ---------- question banks from Excel (CSV) ---------- */

static int column_of(const struct dj_csv_record *h, const char *name)
{
    for (size_t i = 0; i < h->nfields; i++) {
        const char *f = h->fields[i];
        while (*f == ' ')
            f++;
        if (strncmp(f, name, strlen(name)) == 0 && (f[strlen(name)] == 0 || f[strlen(name)] == ' '))
            return (int)i;
    }
    return -1;
}

int study_questions_from_csv(const char *text, size_t len, json_t *out, char *why, size_t why_len)
{
    struct dj_csv_reader rd;
    struct dj_csv_record rec;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3; /* Excel's "CSV UTF-8" starts with a BOM */
        len -= 3;
    }
    dj_csv_init(&rd, text, len);
    int n = -1, rc = dj_csv_next(&rd, &rec);
    if (rc != 1) {
        snprintf(why, why_len, "文件是空的，第一行应为列名：题型、题干、选项A、选项B…、答案、解析");
        goto out;
    }
    int c_kind = column_of(&rec, "题型"), c_stem = column_of(&rec, "题干"), c_ans = column_of(&rec, "答案"),
        c_exp = column_of(&rec, "解析"), c_opt[8];
    static const char *const opt_names[] = {"选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "选项G", "选项H"};
    for (int i = 0; i < 8; i++)
        c_opt[i] = column_of(&rec, opt_names[i]);
    if (c_kind < 0 || c_stem < 0 || c_ans < 0) {
        snprintf(why, why_len, "第一行缺少列名“%s”", c_kind < 0 ? "题型" : c_stem < 0 ? "题干" : "答案");
        goto out;
    }
    n = 0;
    while ((rc = dj_csv_next(&rd, &rec)) == 1) {
#define FIELD(col) ((col) >= 0 && (size_t)(col) < rec.nfields ? rec.fields[col] : "")
        const char *k = FIELD(c_kind);
        const char *kind = strcmp(k, "单选") == 0 || strcmp(k, "单选题") == 0   ? "single"
                           : strcmp(k, "多选") == 0 || strcmp(k, "多选题") == 0 ? "multi"
                           : strcmp(k, "判断") == 0 || strcmp(k, "判断题") == 0 ? "judge"
                                                                                 : NULL;
        if (!kind && dj_str_blank(FIELD(c_stem)))
            continue; /* an empty row */
        if (!kind) {
            snprintf(why, why_len, "第 %d 行：题型应为“单选”“多选”或“判断”", rec.line);
            n = -1;
            break;
        }
        if (dj_str_blank(FIELD(c_stem))) {
            snprintf(why, why_len, "第 %d 行：题干不能为空", rec.line);
            n = -1;
            break;
        }
        json_t *opts = json_array();
        for (int i = 0; i < 8 && strcmp(kind, "judge") != 0; i++)
            if (!dj_str_blank(FIELD(c_opt[i])))
                json_array_append_new(opts, json_string(FIELD(c_opt[i])));
        int nopt = strcmp(kind, "judge") == 0 ? 2 : (int)json_array_size(opts);
        const char *w = NULL;
        char *a = study_answer_norm(kind, FIELD(c_ans), nopt, &w);
        if (!a || (strcmp(kind, "judge") != 0 && nopt < 2)) {
            snprintf(why, why_len, "第 %d 行：%s", rec.line, a ? "选择题至少要有两个选项" : w);
            free(a);
            json_decref(opts);
            n = -1;
            break;
        }
        json_t *q = json_pack("{s:s, s:s, s:s, s:s*}", "kind", kind, "stem", FIELD(c_stem), "answer",
                              strcmp(kind, "judge") == 0 ? (strcmp(a, "T") == 0 ? "对" : "错") : a, "explanation",
                              dj_str_blank(FIELD(c_exp)) ? NULL : FIELD(c_exp));
        if (strcmp(kind, "judge") != 0)
            json_object_set(q, "options", opts);
        json_decref(opts);
        free(a);
        json_array_append_new(out, q);
        n++;
#undef FIELD
    }
    if (rc < 0 && n >= 0) {
        snprintf(why, why_len, "第 %d 行：%s", rd.err_line, rd.err ? rd.err : "格式不正确");
        n = -1;
    }
out:
    dj_csv_free(&rd);
    return n;
}
