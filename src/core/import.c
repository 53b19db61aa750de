/* import.c - trimmed cells and row errors for the sheet importers. */
#include <stdio.h>
#include <string.h>

#include "import.h"

#define IDEO_SPACE "\xE3\x80\x80"

char *dj_cell_trim(char *s)
{
    for (;;) {
        if (*s == ' ' || *s == '\t' || *s == '\r')
            s++;
        else if (strncmp(s, IDEO_SPACE, 3) == 0)
            s += 3;
        else
            break;
    }
    size_t n = strlen(s);
    for (;;) {
        if (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
            s[--n] = '\0';
        else if (n >= 3 && memcmp(s + n - 3, IDEO_SPACE, 3) == 0)
            s[n -= 3] = '\0';
        else
            break;
    }
    return s;
}

bool dj_import_verror(json_t *errors, size_t max, int line, const char *column, const char *fmt, va_list ap)
{
    if (json_array_size(errors) >= max)
        return false;
    char msg[500];
    vsnprintf(msg, sizeof msg, fmt, ap);
    json_array_append_new(errors, json_pack("{s:i, s:s?, s:s}", "line", line, "column", column, "message", msg));
    return true;
}

bool dj_import_error(json_t *errors, size_t max, int line, const char *column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool kept = dj_import_verror(errors, max, line, column, fmt, ap);
    va_end(ap);
    return kept;
}
