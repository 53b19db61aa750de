/* http_body.c - a request body kept on the heap while small and spilled to
 * an anonymous temporary file past DJ_SPOOL_AT, then mapped for the handler:
 * a 60 MB roster import costs page cache, not 60 MB of the server's heap,
 * and a stalled upload holds a descriptor, not its bytes. */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "err.h"
#include "http_int.h"

void dj_body_init(struct dj_body *b)
{
    *b = (struct dj_body){.fd = -1};
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return DJ_EINTERNAL;
        p += w;
        n -= (size_t)w;
    }
    return DJ_OK;
}

int dj_body_add(struct dj_body *b, const char *p, size_t n)
{
    if (b->fd < 0 && b->mem.len + n <= DJ_SPOOL_AT) {
        dj_buf_append(&b->mem, p, n);
        b->len += n;
        return DJ_OK;
    }
    if (b->fd < 0) {
        b->fd = dj_tmpfile(NULL);
        if (b->fd < 0 || write_all(b->fd, b->mem.data ? b->mem.data : "", b->mem.len) != DJ_OK)
            return DJ_EINTERNAL;
        dj_buf_free(&b->mem);
        b->mem = (dj_buf){0};
    }
    int rc = write_all(b->fd, p, n);
    if (rc == DJ_OK)
        b->len += n;
    return rc;
}

const char *dj_body_view(struct dj_body *b, size_t *len)
{
    *len = (size_t)b->len;
    if (b->fd < 0)
        return dj_buf_cstr(&b->mem);
    if (b->map)
        return b->map;
    /* one more byte: the NUL that handlers may rely on */
    if (write_all(b->fd, "", 1) != DJ_OK)
        return NULL;
    void *m = mmap(NULL, (size_t)b->len + 1, PROT_READ, MAP_PRIVATE, b->fd, 0);
    if (m == MAP_FAILED)
        return NULL;
    b->map = m;
    b->maplen = (size_t)b->len + 1;
    return m;
}

void dj_body_free(struct dj_body *b)
{
    if (b->map)
        munmap(b->map, b->maplen);
    if (b->fd >= 0)
        close(b->fd);
    dj_buf_free(&b->mem);
    dj_body_init(b);
}
