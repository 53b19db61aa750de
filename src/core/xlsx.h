/* xlsx.h - Excel workbooks made for an answer.  libxlsxwriter writes to a
 * file, so a workbook lives on a private temporary file under $TMPDIR (or
 * /tmp) until it is finished: then its bytes are read back whole and the file
 * removed, whatever happened. */
#ifndef DJ_XLSX_H
#define DJ_XLSX_H

#include <xlsxwriter.h>

#include "mem.h"

typedef struct {
    lxw_workbook *wb;
    char path[512];
} dj_xlsx;

/* Opens x->wb; tag names the temporary file ("dues").  DJ_EINTERNAL when no
 * file or workbook can be made (then there is nothing to discard). */
int dj_xlsx_new(dj_xlsx *x, const char *tag);
/* Closes the workbook and appends its bytes to out; removes the file. */
int dj_xlsx_finish(dj_xlsx *x, dj_buf *out);

#endif
