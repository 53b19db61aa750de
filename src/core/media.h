/* media.h - what a stored file says about itself: the playing time of an
 * ISO base media file (MP4, M4V, MOV), read from its movie header box
 * ('moov' > 'mvhd') wherever the box sits, without reading the media data. */
#ifndef DJ_MEDIA_H
#define DJ_MEDIA_H

#include <stddef.h>
#include <stdint.h>

/* Reads exactly n bytes at offset off into buf: DJ_OK, or an error. */
typedef int (*dj_read_at)(void *ctx, uint64_t off, void *buf, size_t n);

/* The movie's duration in milliseconds (rounded up) of a file of `size`
 * bytes: DJ_OK; DJ_ENOTFOUND when it is not an ISO media file, has no
 * movie header, or the header gives no duration; DJ_EINVAL when a box's
 * size points outside its parent.  Reads headers only (a few dozen bytes per
 * box), and at most DJ_MEDIA_MAX_BOXES boxes. */
#define DJ_MEDIA_MAX_BOXES 4096
int dj_mp4_duration_ms(dj_read_at rd, void *ctx, uint64_t size, int64_t *ms);

/* The same over bytes held in memory. */
int dj_mp4_duration_ms_mem(const void *p, size_t n, int64_t *ms);

#endif
