/* csv.h - reading and writing CSV as Excel does, and the text encodings
 * Chinese rosters arrive in (UTF-8 with or without BOM, GBK/GB18030). */
#ifndef DJ_CSV_H
#define DJ_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "mem.h"

struct dj_csv_record {
    char **fields;   /* NUL-terminated copies, valid until the next call */
    size_t nfields;
    int line;        /* physical line where the record starts (1-based) */
};

struct dj_csv_reader {
    const char *p, *end;
    int line;
    char **fields;
    size_t cap, nfields;
    char *buf;       /* the record's text, fields point into it */
    size_t bufcap;
    int err_line;
    const char *err;  /* Chinese message when dj_csv_next failed */
};

void dj_csv_init(struct dj_csv_reader *r, const char *data, size_t len);
/* 1 with *rec filled, 0 at the end, -1 on a malformed record (r->err,
 * r->err_line); after -1 the reader has skipped that record, so a caller that
 * lists every bad row may go on. Blank lines between records are skipped. */
int dj_csv_next(struct dj_csv_reader *r, struct dj_csv_record *rec);
void dj_csv_free(struct dj_csv_reader *r);
/* Writes one field for a CSV file (quoted when it holds , " CR or LF); a
 * field that begins with = + - @ TAB or CR gets a leading ' so that a
 * spreadsheet shows it as text instead of running it as a formula. */
void dj_csv_put(dj_buf *b, const char *s);

bool dj_utf8_valid(const char *s, size_t len);
/* The text as UTF-8 in a heap buffer (*out, NUL-terminated, *outlen bytes):
 * a UTF-8 BOM is dropped; valid UTF-8 is taken as it is; anything else is read
 * as GB18030 (which includes GBK and GB2312).  charset (from a Content-Type,
 * or NULL) may force either reading.  *encoding says which was used.
 * DJ_EINVAL when the bytes are valid in neither. */
int dj_text_to_utf8(const char *in, size_t len, const char *charset, char **out, size_t *outlen,
                    const char **encoding);

#endif
