/* fuzz_csv.c - libFuzzer target: the CSV reader and the encoding guess every
 * import goes through (src/core/csv.c), and the writer's round trip: a field
 * written with dj_csv_put reads back as itself (after the formula prefix). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = NULL;
    size_t len = 0;
    const char *enc = NULL;
    if (dj_text_to_utf8((const char *)data, size, NULL, &text, &len, &enc) != 0)
        return 0;
    if (!dj_utf8_valid(text, len))
        abort(); /* the guess promises UTF-8 */
    struct dj_csv_reader r;
    struct dj_csv_record rec;
    dj_csv_init(&r, text, len);
    int rc, records = 0;
    while ((rc = dj_csv_next(&r, &rec)) != 0 && records < 100000) {
        records++;
        if (rc < 0) {
            if (!r.err || r.err_line <= 0)
                abort();
            continue;
        }
        for (size_t i = 0; i < rec.nfields; i++) {
            /* write the field and read it back */
            dj_buf b = {0};
            dj_csv_put(&b, rec.fields[i]);
            dj_buf_puts(&b, "\n");
            struct dj_csv_reader r2;
            struct dj_csv_record rec2;
            dj_csv_init(&r2, b.data, b.len);
            int rc2 = dj_csv_next(&r2, &rec2);
            const char *f = rec.fields[i];
            bool prefixed = f[0] && strchr("=+-@\t\r", f[0]);
            if (f[0] && (rc2 != 1 || rec2.nfields != 1 || strcmp(rec2.fields[0] + (prefixed ? 1 : 0), f) != 0)) {
                fprintf(stderr, "csv round trip failed for field %zu\n", i);
                abort();
            }
            dj_csv_free(&r2);
            dj_buf_free(&b);
        }
    }
    dj_csv_free(&r);
    free(text);
    return 0;
}
