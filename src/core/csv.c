/* csv.c - a CSV reader as Excel writes it (RFC 4180: quoted fields, ""
 * inside quotes, CR LF or LF line ends, newlines inside quoted fields), the
 * writer's quoting, and the file's encoding (UTF-8 with or without BOM, else
 * GB18030 through iconv(3)).  One reader for every import (roster, work
 * lists); no database, no HTTP. */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

#include <strings.h>

#include "err.h"
#include "mem.h"

void dj_csv_init(struct dj_csv_reader *r, const char *data, size_t len)
{
    memset(r, 0, sizeof *r);
    r->p = data;
    r->end = data + len;
    r->line = 1;
}

void dj_csv_free(struct dj_csv_reader *r)
{
    free(r->fields);
    free(r->buf);
    r->fields = NULL;
    r->buf = NULL;
}

static void put(struct dj_csv_reader *r, size_t *n, char ch)
{
    if (*n + 1 >= r->bufcap) {
        r->bufcap = r->bufcap ? r->bufcap * 2 : 256;
        r->buf = dj_realloc(r->buf, r->bufcap);
    }
    r->buf[(*n)++] = ch;
}

int dj_csv_next(struct dj_csv_reader *r, struct dj_csv_record *rec)
{
    /* skip blank lines between records */
    while (r->p < r->end && (*r->p == '\n' || *r->p == '\r')) {
        if (*r->p == '\n')
            r->line++;
        r->p++;
    }
    if (r->p >= r->end)
        return 0;
    size_t n = 0;
    size_t starts_cap = 16, nf = 0;
    size_t *starts = dj_malloc(starts_cap * sizeof *starts);
    int start_line = r->line;
    bool done = false;
    while (!done) {
        if (nf == starts_cap) {
            starts_cap *= 2;
            starts = dj_realloc(starts, starts_cap * sizeof *starts);
        }
        starts[nf++] = n;
        if (r->p < r->end && *r->p == '"') {
            int qline = r->line;
            r->p++;
            for (;;) {
                if (r->p >= r->end) {
                    r->err = "引号未闭合：字段以引号开始，但到文件末尾也没有找到结束引号";
                    r->err_line = qline;
                    free(starts);
                    return -1;
                }
                char ch = *r->p++;
                if (ch == '"') {
                    if (r->p < r->end && *r->p == '"') {
                        put(r, &n, '"');
                        r->p++;
                        continue;
                    }
                    break;
                }
                if (ch == '\n')
                    r->line++;
                put(r, &n, ch);
            }
            /* after the closing quote: a delimiter, a line end or the end */
            if (r->p < r->end && *r->p != ',' && *r->p != '\r' && *r->p != '\n') {
                r->err = "引号字段之后出现多余字符（字段内的引号应写成两个引号）";
                r->err_line = r->line;
                /* skip the rest of the record so the caller may go on */
                while (r->p < r->end && *r->p != '\n')
                    r->p++;
                free(starts);
                return -1;
            }
        } else {
            while (r->p < r->end && *r->p != ',' && *r->p != '\r' && *r->p != '\n')
                put(r, &n, *r->p++);
        }
        put(r, &n, '\0');
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == '\r')
            r->p++;
        if (r->p < r->end && *r->p == '\n') {
            r->p++;
            r->line++;
        }
        done = true;
    }
    if (nf > r->cap) {
        r->cap = nf;
        r->fields = dj_realloc(r->fields, r->cap * sizeof *r->fields);
    }
    for (size_t i = 0; i < nf; i++)
        r->fields[i] = r->buf + starts[i];
    free(starts);
    r->nfields = nf;
    rec->fields = r->fields;
    rec->nfields = nf;
    rec->line = start_line;
    return 1;
}

void dj_csv_put(dj_buf *b, const char *s)
{
    if (!s)
        return;
    /* A cell that begins like a formula would run as one when the file is
     * opened in Excel or WPS (CSV injection): prefix it with ' as OWASP advises. */
    bool formula = strchr("=+-@\t\r", s[0]) && s[0];
    if (!formula && !strpbrk(s, ",\"\r\n")) {
        dj_buf_puts(b, s);
        return;
    }
    dj_buf_puts(b, formula ? "\"'" : "\"");
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            dj_buf_puts(b, "\"");
        dj_buf_append(b, p, 1);
    }
    dj_buf_puts(b, "\"");
}

bool dj_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned c = *p;
        size_t n;
        unsigned min;
        if (c < 0x80) {
            p++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1, min = 0x80, c &= 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, min = 0x800, c &= 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, min = 0x10000, c &= 0x07;
        } else {
            return false;
        }
        if ((size_t)(end - p) <= n)
            return false;
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            c = (c << 6) | (p[i] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return false;
        p += n + 1;
    }
    return true;
}

static bool charset_is(const char *charset, const char *const *names)
{
    for (; *names; names++)
        if (strcasecmp(charset, *names) == 0)
            return true;
    return false;
}

int dj_text_to_utf8(const char *in, size_t len, const char *charset, char **out, size_t *outlen,
                    const char **encoding)
{
    static const char *const utf8[] = {"utf-8", "utf8", NULL};
    static const char *const gb[] = {"gb18030", "gbk", "gb2312", "cp936", NULL};
    bool force_utf8 = charset && charset_is(charset, utf8), force_gb = charset && charset_is(charset, gb);
    if (len >= 3 && memcmp(in, "\xEF\xBB\xBF", 3) == 0) {
        in += 3;
        len -= 3;
        force_utf8 = true;
    }
    bool valid = dj_utf8_valid(in, len);
    if (force_utf8 && !valid)
        return DJ_EINVAL;
    if (valid && !force_gb) {
        *out = dj_strndup(in, len);
        *outlen = len;
        *encoding = "utf-8";
        return DJ_OK;
    }
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1)
        return DJ_EINTERNAL;
    /* a GB18030 character of 2 or 4 bytes is at most 4 bytes of UTF-8 */
    size_t cap = len * 2 + 16;
    char *buf = dj_malloc(cap);
    char *ip = (char *)in, *op = buf;
    size_t il = len, ol = cap - 1;
    size_t rc = iconv(cd, &ip, &il, &op, &ol);
    iconv_close(cd);
    if (rc == (size_t)-1 || il != 0) {
        free(buf);
        return DJ_EINVAL;
    }
    *op = '\0';
    *out = buf;
    *outlen = (size_t)(op - buf);
    *encoding = "gb18030";
    return DJ_OK;
}
