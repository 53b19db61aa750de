/* multipart.h - an incremental multipart/form-data reader (RFC 7578): fed
 * the body piece by piece as it arrives, it calls back for each part's
 * headers and each stretch of its content, holding no more than a boundary's
 * length of it.  For uploads that must never sit whole in memory. */
#ifndef DJ_MULTIPART_H
#define DJ_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>

typedef struct dj_multipart dj_multipart;

struct dj_multipart_cb {
    /* A part begins. filename is NULL for a plain field; ctype NULL when the
     * part did not say. Strings live until the part ends. */
    int (*part)(void *cls, const char *name, const char *filename, const char *ctype);
    int (*data)(void *cls, const char *p, size_t n);
    int (*end)(void *cls);
};

/* The boundary of a Content-Type "multipart/form-data; boundary=…" into out;
 * false when ctype is not multipart/form-data or has no usable boundary. */
bool dj_multipart_boundary(const char *ctype, char out[80]);
dj_multipart *dj_multipart_new(const char *boundary, const struct dj_multipart_cb *cb, void *cls);
/* DJ_OK, DJ_EINVAL for a malformed body, or the first callback's error. */
int dj_multipart_feed(dj_multipart *m, const char *p, size_t n);
/* True when the closing boundary has been read. */
bool dj_multipart_done(const dj_multipart *m);
void dj_multipart_free(dj_multipart *m);

#endif
