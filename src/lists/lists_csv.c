/* lists_csv.c - reading the spreadsheets that lists arrive in: an RFC 4180
 * CSV reader (quotes, doubled quotes, newlines inside quotes), the encoding
 * guess (UTF-8 with or without BOM, else GBK/GB18030 through iconv), and the
 * Chinese column headers of the import. */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/err.h"
#include "../core/mem.h"
#include "lists.h"

void lists_csv_init(struct lists_csv *r, const char *data, size_t len)
{
    memset(r, 0, sizeof *r);
    r->p = data;
    r->end = data + len;
    r->line = 1;
}

void lists_csv_free(struct lists_csv *r)
{
    free(r->fields);
    free(r->buf);
    free(r->offs);
    memset(r, 0, sizeof *r);
}

static void put_byte(struct lists_csv *r, char ch)
{
    if (r->buflen + 1 >= r->bufcap) {
        r->bufcap = r->bufcap ? r->bufcap * 2 : 256;
        r->buf = dj_realloc(r->buf, r->bufcap);
    }
    r->buf[r->buflen++] = ch;
}

static void end_field(struct lists_csv *r)
{
    put_byte(r, '\0');
    if (r->nfields == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->offs = dj_realloc(r->offs, (size_t)r->cap * sizeof *r->offs);
        r->fields = dj_realloc(r->fields, (size_t)r->cap * sizeof *r->fields);
    }
    r->offs[r->nfields++] = r->buflen;
}

int lists_csv_next(struct lists_csv *r, int *line)
{
    /* skip blank lines */
    while (r->p < r->end && (*r->p == '\n' || *r->p == '\r')) {
        if (*r->p == '\n')
            r->line++;
        r->p++;
    }
    if (r->p >= r->end)
        return 0;
    *line = r->line;
    r->nfields = 0;
    r->buflen = 0;
    for (;;) {
        /* one field */
        if (r->p < r->end && *r->p == '"') {
            r->p++;
            for (;;) {
                if (r->p >= r->end)
                    return DJ_EINVAL; /* unterminated quote: *line says where the record began */
                char ch = *r->p++;
                if (ch == '"') {
                    if (r->p < r->end && *r->p == '"') {
                        put_byte(r, '"');
                        r->p++;
                        continue;
                    }
                    break;
                }
                if (ch == '\n')
                    r->line++;
                put_byte(r, ch);
            }
            if (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
                *line = r->line;
                return DJ_EINVAL; /* text after the closing quote */
            }
        } else {
            while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
                put_byte(r, *r->p++);
        }
        end_field(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        /* end of record */
        if (r->p < r->end && *r->p == '\r')
            r->p++;
        if (r->p < r->end && *r->p == '\n') {
            r->p++;
            r->line++;
        }
        break;
    }
    size_t prev = 0;
    for (int i = 0; i < r->nfields; i++) {
        r->fields[i] = r->buf + prev;
        prev = r->offs[i];
    }
    return 1;
}

static bool valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        int extra;
        uint32_t cp;
        if (c < 0x80) {
            if (c == 0)
                return false;
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + (size_t)extra >= n)
            return false;
        for (int k = 1; k <= extra; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += (size_t)extra + 1;
    }
    return true;
}

static char *from_gb18030(const char *data, size_t len, size_t *outlen)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1)
        return NULL;
    size_t cap = len * 2 + 16;
    char *out = dj_malloc(cap);
    char *in = (char *)data, *o = out;
    size_t inleft = len, oleft = cap - 1;
    while (inleft > 0) {
        size_t rc = iconv(cd, &in, &inleft, &o, &oleft);
        if (rc != (size_t)-1)
            break;
        if (errno == E2BIG) {
            size_t used = (size_t)(o - out);
            cap *= 2;
            out = dj_realloc(out, cap);
            o = out + used;
            oleft = cap - used - 1;
            continue;
        }
        iconv_close(cd);
        free(out);
        return NULL; /* EILSEQ or EINVAL: not GB18030 either */
    }
    iconv_close(cd);
    *o = '\0';
    *outlen = (size_t)(o - out);
    if (memchr(out, '\0', *outlen)) {
        free(out);
        return NULL;
    }
    return out;
}

char *lists_csv_to_utf8(const char *data, size_t len, const char *charset, size_t *outlen)
{
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
        charset = "utf-8";
    }
    bool want_gb = charset && (strcasecmp(charset, "gbk") == 0 || strcasecmp(charset, "gb2312") == 0 ||
                               strcasecmp(charset, "gb18030") == 0);
    bool want_utf8 = charset && (strcasecmp(charset, "utf-8") == 0 || strcasecmp(charset, "utf8") == 0);
    if (!want_gb && valid_utf8((const unsigned char *)data, len)) {
        *outlen = len;
        return dj_strndup(data, len);
    }
    if (want_utf8)
        return NULL;
    return from_gb18030(data, len, outlen);
}

const char *const lists_col_labels[LC_NCOLS] = {
    "序号", "事项名称", "类别", "具体内容", "动作类型", "责任单位", "责任人", "协同单位",
    "协同责任人", "开始日期", "完成时限", "问题来源", "来源说明", "进度", "成效",
};

/* Headers seen in real spreadsheets, by column. */
static const char *const header_aliases[LC_NCOLS][8] = {
    [LC_SEQ] = {"序号", "编号", "seq", "no", NULL},
    [LC_TITLE] = {"事项名称", "事项", "标题", "名称", "工作措施", "问题", "任务", "title"},
    [LC_CATEGORY] = {"类别", "分类", "类型分类", "所属类别", "category", NULL},
    [LC_DESCRIPTION] = {"具体内容", "内容", "描述", "工作内容", "问题描述", "整改措施", "description", NULL},
    [LC_ACTION] = {"动作类型", "规定动作/自选动作", "动作", "action_type", NULL},
    [LC_ORG] = {"责任单位", "责任部门", "责任支部", "牵头单位", "org", NULL},
    [LC_OWNERS] = {"责任人", "牵头责任人", "负责人", "owners", NULL},
    [LC_CO_ORGS] = {"协同单位", "配合单位", "协办单位", "co_orgs", NULL},
    [LC_CO_PEOPLE] = {"协同责任人", "配合人", "协办人", "co_owners", NULL},
    [LC_START] = {"开始日期", "开始时间", "start_on", NULL},
    [LC_DUE] = {"完成时限", "截止日期", "完成时间", "整改时限", "due_on", NULL},
    [LC_SOURCE] = {"问题来源", "来源", "source", NULL},
    [LC_SOURCE_DETAIL] = {"来源说明", "来源详情", "source_detail", NULL},
    [LC_PROGRESS] = {"进度", "完成进度", "progress", NULL},
    [LC_OUTCOME] = {"成效", "完成情况", "备注", "outcome", NULL},
};

int lists_col_of_header(const char *h)
{
    if (!h)
        return -1;
    while (*h == ' ' || *h == '\t')
        h++;
    size_t n = strlen(h);
    while (n > 0 && (h[n - 1] == ' ' || h[n - 1] == '\t'))
        n--;
    /* a trailing "（必填）" or "*" marks required columns in templates */
    static const char *const marks[] = {"（必填）", "(必填)", "*", NULL};
    for (int k = 0; marks[k]; k++) {
        size_t m = strlen(marks[k]);
        if (n > m && memcmp(h + n - m, marks[k], m) == 0)
            n -= m;
    }
    for (int c = 0; c < LC_NCOLS; c++)
        for (int k = 0; k < 8 && header_aliases[c][k]; k++)
            if (strlen(header_aliases[c][k]) == n && strncasecmp(header_aliases[c][k], h, n) == 0)
                return c;
    return -1;
}
