/* mem.h - allocation that aborts on out-of-memory, and the per-request arena.
 *
 * dj_malloc() and friends never return NULL: a process that cannot allocate
 * has no sensible way on, so it says so and aborts (as Redis's zmalloc does).
 * An arena hands out memory that is freed all at once with dj_arena_free();
 * each HTTP request owns one. */
#ifndef DJ_MEM_H
#define DJ_MEM_H

#include <stdarg.h>
#include <stddef.h>

void *dj_malloc(size_t n);
void *dj_calloc(size_t count, size_t n);
void *dj_realloc(void *p, size_t n);
char *dj_strdup(const char *s);
char *dj_strndup(const char *s, size_t n);
/* printf into a fresh heap string; the caller frees it. */
char *dj_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Overwrites a NUL-terminated secret (a password, a channel's key) with zeros, then frees it. NULL is fine. */
void dj_free_secret(char *s);

typedef struct dj_arena dj_arena;

dj_arena *dj_arena_new(void);
/* Frees every allocation of the arena and the arena itself. NULL is fine. */
void dj_arena_free(dj_arena *a);
/* Memory that lives until the arena is freed; aligned for any type. */
void *dj_arena_alloc(dj_arena *a, size_t n);
char *dj_arena_strdup(dj_arena *a, const char *s);
char *dj_arena_strndup(dj_arena *a, const char *s, size_t n);
char *dj_arena_printf(dj_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *dj_arena_vprintf(dj_arena *a, const char *fmt, va_list ap);

/* A growable byte buffer on the heap (for building SQL, CSV, responses). */
typedef struct {
    char *data;
    size_t len, cap;
} dj_buf;

void dj_buf_append(dj_buf *b, const void *p, size_t n);
void dj_buf_puts(dj_buf *b, const char *s);
void dj_buf_printf(dj_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Makes sure data is NUL-terminated (not counted in len) and returns it. */
char *dj_buf_cstr(dj_buf *b);
void dj_buf_free(dj_buf *b);

/* Bytes that no longer change, shared by reference: a kept answer and every
 * reply sending it (no copy per answer).  The last reference frees them. */
typedef struct dj_blob dj_blob;
/* b's bytes as a blob with one reference; b is emptied (its bytes are not copied). */
dj_blob *dj_blob_take(dj_buf *b);
/* Another reference to x (NULL gives NULL). */
dj_blob *dj_blob_ref(dj_blob *x);
/* Gives a reference back (NULL is fine). */
void dj_blob_unref(dj_blob *x);
/* The bytes (NUL-terminated, the NUL not counted) and their length. */
const char *dj_blob_data(const dj_blob *x);
size_t dj_blob_len(const dj_blob *x);
/* A reference to x's bytes compressed with gzip, made once for every reply
 * that sends them (a roster page kept for many readers); NULL when they do
 * not compress (or on no memory): send x itself. */
dj_blob *dj_blob_gzip(dj_blob *x);

/* An anonymous temporary file in dir (NULL: $TMPDIR or /tmp): it has no
 * name, so it vanishes when closed, however the process ends.  A descriptor
 * opened read-write, or -1 with errno set. */
int dj_tmpfile(const char *dir);

#endif
