/* import.h - what every importer of a sheet (roster, lists, 发展党员, payroll
 * ...) shares: cells trimmed of the spaces that Excel and Chinese typing leave,
 * and the list of row errors sent back for the person to fix the sheet. */
#ifndef DJ_IMPORT_H
#define DJ_IMPORT_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Trims spaces, tabs, CR and ideographic spaces (U+3000) at both ends, in place. */
char *dj_cell_trim(char *s);

/* Appends {line, column, message} to errors while it holds fewer than max;
 * false when it was full (the error is only counted by the caller).  column
 * may be NULL (the whole row). */
bool dj_import_error(json_t *errors, size_t max, int line, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
bool dj_import_verror(json_t *errors, size_t max, int line, const char *column, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

#endif
