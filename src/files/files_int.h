/* files_int.h - the file store's HTTP side (src/files/): the routes, the
 * media-type and name rules (files_media.c, pure), uploads (files_upload.c),
 * thumbnails (files_thumb.c) and the commands (files_cli.c).  The store
 * itself is in src/core/files.h. */
#ifndef DJ_FILES_INT_H
#define DJ_FILES_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/files.h"
#include "../core/http.h"
#include "../core/mem.h"

/* ---------------------------------------------------------------- files_media.c */

#define FT_IMAGE 1u  /* a thumbnail can be made */
#define FT_VIDEO 2u  /* the video size limit applies */
#define FT_INLINE 4u /* may be shown in the browser (preview) */

struct files_type {
    const char *mime;
    const char *label;          /* Chinese: "JPEG 图片" */
    const char *const *exts;    /* lower case, without the dot; the first is the usual one */
    unsigned flags;
};

/* The type with this media type, or NULL. */
const struct files_type *files_type_by_mime(const char *mime);
/* Decides an upload's type from what libmagic saw in its first bytes (magic),
 * the bytes themselves (head, n), its file name and the type the client
 * claimed (NULL or "" when none).  NULL when refused; *why then says why in
 * Chinese, for a 415. */
const struct files_type *files_type_decide(const char *magic, const unsigned char *head, size_t n,
                                           const char *name, const char *claimed, const char **why);
/* The extension of name, lower-cased into out ("" when none). */
void files_ext(const char *name, char out[16]);
/* A file name safe to store and show: the last path component, valid UTF-8,
 * no control characters, at most 120 characters; "未命名文件" when nothing is
 * left.  Heap string. */
char *files_clean_name(const char *name);
/* Content-Disposition for name (RFC 6266 + RFC 5987: an ASCII fallback and
 * the UTF-8 name percent-encoded).  Heap string. */
char *files_disposition(const char *name, bool inline_);
/* A Range header against a size: 0 none (or one to ignore: several ranges,
 * bad syntax), 1 a satisfiable range [*start, *end], -1 unsatisfiable (416). */
int files_range(const char *h, uint64_t size, uint64_t *start, uint64_t *end);
/* The libmagic media type of a buffer (a per-thread magic cookie). */
const char *files_magic(const void *p, size_t n);
/* Frees the calling thread's magic cookie. */
void files_magic_thread_free(void);

/* ---------------------------------------------------------------- files_upload.c */

int files_upload_stream(dj_req *r, const char *data, size_t len);
int files_upload_finish(dj_req *r);

/* ---------------------------------------------------------------- files_thumb.c */

#define FILES_THUMB_PX 320

/* A JPEG thumbnail of an image blob, at most FILES_THUMB_PX on the longer
 * side, turned upright.  *out heap (caller frees). DJ_EUNPROCESSABLE when
 * the image cannot be decoded or is too large to. */
int files_thumb_make(db_conn *c, const struct dj_file_blob *b, char **out, size_t *len, int *w, int *h);
/* GET /api/v1/files/:id/thumb, after the file and the permission are checked. */
int files_thumb_reply(dj_req *r, const struct dj_file *f);
void files_thumb_cache_free(void);

#endif
