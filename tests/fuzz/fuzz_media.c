/* fuzz_media.c - libFuzzer target: the playing time of whatever bytes are
 * uploaded as a video.  The reader never reads outside the bytes (the
 * callback aborts if asked to), and a duration it gives is positive. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/err.h"
#include "../../src/core/media.h"

struct mem {
    const uint8_t *p;
    size_t n;
};

static int strict_read(void *ctx, uint64_t off, void *buf, size_t n)
{
    const struct mem *m = ctx;
    if (off > m->n || n > m->n - off)
        abort(); /* the walker asked past the end it was told */
    memcpy(buf, m->p + off, n);
    return DJ_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mem m = {data, size};
    int64_t ms = -1;
    int rc = dj_mp4_duration_ms(strict_read, &m, size, &ms);
    if ((rc == DJ_OK && ms <= 0) || (rc != DJ_OK && ms != 0))
        abort();
    return 0;
}
