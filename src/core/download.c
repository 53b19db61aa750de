/* download.c - Content-Disposition for files with Chinese names. */
#include "download.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

char *dj_attachment_value(const char *ascii_fallback, const char *utf8_name)
{
    static const char hex[] = "0123456789ABCDEF";
    dj_buf b = {0};
    dj_buf_puts(&b, "attachment; filename=\"");
    for (const char *p = ascii_fallback; *p; p++)
        if ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f && *p != '"' && *p != '\\')
            dj_buf_append(&b, p, 1);
    dj_buf_puts(&b, "\"; filename*=UTF-8''");
    for (const unsigned char *p = (const unsigned char *)utf8_name; *p; p++) {
        unsigned char ch = strchr("/\\:*?\"<>|", *p) ? '-' : *p;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || strchr("-._~", ch)) {
            dj_buf_append(&b, (const char *)&ch, 1);
        } else {
            char e[3] = {'%', hex[ch >> 4], hex[ch & 15]};
            dj_buf_append(&b, e, 3);
        }
    }
    return dj_buf_cstr(&b);
}

void dj_attachment(dj_req *r, const char *ascii_fallback, const char *utf8_name)
{
    char *v = dj_attachment_value(ascii_fallback, utf8_name);
    dj_add_header(r, "Content-Disposition", dj_arena_strdup(r->arena, v));
    free(v);
}
