/* xlsx.c - a workbook on a private temporary file, read back when finished. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "err.h"
#include "xlsx.h"

int dj_xlsx_new(dj_xlsx *x, const char *tag)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(x->path, sizeof x->path, "%s/dj-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", tag);
    x->wb = NULL;
    int fd = mkstemp(x->path);
    if (fd < 0)
        return DJ_EINTERNAL;
    close(fd);
    if (!(x->wb = workbook_new(x->path))) {
        unlink(x->path);
        return DJ_EINTERNAL;
    }
    return DJ_OK;
}

int dj_xlsx_finish(dj_xlsx *x, dj_buf *out)
{
    int rc = workbook_close(x->wb) == LXW_NO_ERROR ? DJ_OK : DJ_EINTERNAL;
    x->wb = NULL;
    FILE *f = rc == DJ_OK ? fopen(x->path, "rb") : NULL;
    if (rc == DJ_OK && !f)
        rc = DJ_EINTERNAL;
    char buf[65536];
    size_t n, before = out->len;
    while (f && (n = fread(buf, 1, sizeof buf, f)) > 0)
        dj_buf_append(out, buf, n);
    if (f && (ferror(f) || out->len == before))
        rc = DJ_EINTERNAL;
    if (f)
        fclose(f);
    unlink(x->path);
    return rc;
}
