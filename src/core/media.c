/* media.c - the playing time of an ISO base media file (ISO/IEC 14496-12):
 * a file is a sequence of boxes, each [size:32][type:4] (size 1: a 64-bit
 * size follows; size 0: to the end of the enclosing box).  The movie header
 * 'mvhd' inside 'moov' holds the timescale (units per second) and the
 * duration in those units: version 0 with 32-bit times, version 1 with 64-bit. */
#include <string.h>

#include "err.h"
#include "media.h"

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint64_t be64(const unsigned char *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

struct walk {
    dj_read_at rd;
    void *ctx;
    int boxes;
};

/* Finds the first box of type `want` among the boxes in [from, to): its
 * payload's offset and length.  DJ_ENOTFOUND when there is none. */
static int find_box(struct walk *w, uint64_t from, uint64_t to, const char want[4], uint64_t *at, uint64_t *len)
{
    uint64_t off = from;
    while (to - off >= 8) {
        if (++w->boxes > DJ_MEDIA_MAX_BOXES)
            return DJ_ENOTFOUND;
        unsigned char h[16];
        int rc = w->rd(w->ctx, off, h, 8);
        if (rc)
            return rc;
        uint64_t size = be32(h), head = 8;
        if (size == 1) {
            if (to - off < 16)
                return DJ_EINVAL;
            if ((rc = w->rd(w->ctx, off + 8, h + 8, 8)))
                return rc;
            size = be64(h + 8);
            head = 16;
        } else if (size == 0) {
            size = to - off;
        }
        if (size < head || size > to - off)
            return DJ_EINVAL;
        if (memcmp(h + 4, want, 4) == 0) {
            *at = off + head;
            *len = size - head;
            return DJ_OK;
        }
        off += size;
    }
    return DJ_ENOTFOUND;
}

int dj_mp4_duration_ms(dj_read_at rd, void *ctx, uint64_t size, int64_t *ms)
{
    *ms = 0;
    struct walk w = {rd, ctx, 0};
    unsigned char ftyp[8];
    /* An ISO media file opens with 'ftyp' (or, in old QuickTime files, with
     * the movie or its data); anything else is not one. */
    if (size < 16 || rd(ctx, 0, ftyp, 8))
        return DJ_ENOTFOUND;
    if (memcmp(ftyp + 4, "ftyp", 4) && memcmp(ftyp + 4, "moov", 4) && memcmp(ftyp + 4, "mdat", 4) &&
        memcmp(ftyp + 4, "wide", 4) && memcmp(ftyp + 4, "free", 4))
        return DJ_ENOTFOUND;
    uint64_t moov, moov_len, mvhd, mvhd_len;
    int rc = find_box(&w, 0, size, "moov", &moov, &moov_len);
    if (rc == DJ_OK)
        rc = find_box(&w, moov, moov + moov_len, "mvhd", &mvhd, &mvhd_len);
    if (rc)
        return rc;
    unsigned char b[32];
    if (mvhd_len < 20 || (rc = rd(ctx, mvhd, b, mvhd_len < sizeof b ? (size_t)mvhd_len : sizeof b)))
        return rc ? rc : DJ_EINVAL;
    uint64_t timescale, duration;
    if (b[0] == 1) {
        if (mvhd_len < 32)
            return DJ_EINVAL;
        timescale = be32(b + 20);
        duration = be64(b + 24);
        if (duration == UINT64_MAX)
            return DJ_ENOTFOUND;
    } else if (b[0] == 0) {
        timescale = be32(b + 12);
        duration = be32(b + 16);
        if (duration == UINT32_MAX)
            return DJ_ENOTFOUND;
    } else {
        return DJ_ENOTFOUND;
    }
    if (timescale == 0 || duration == 0)
        return DJ_ENOTFOUND;
    /* milliseconds, rounded up, without overflow for any 64-bit duration */
    uint64_t whole = duration / timescale, rest = duration % timescale;
    if (whole > (uint64_t)INT64_MAX / 1000 - 1)
        return DJ_EINVAL;
    *ms = (int64_t)(whole * 1000 + (rest * 1000 + timescale - 1) / timescale);
    return DJ_OK;
}

struct mem {
    const unsigned char *p;
    size_t n;
};

static int mem_read(void *ctx, uint64_t off, void *buf, size_t n)
{
    const struct mem *m = ctx;
    if (off > m->n || n > m->n - off)
        return DJ_EINVAL;
    memcpy(buf, m->p + off, n);
    return DJ_OK;
}

int dj_mp4_duration_ms_mem(const void *p, size_t n, int64_t *ms)
{
    struct mem m = {p, n};
    return dj_mp4_duration_ms(mem_read, &m, n, ms);
}
