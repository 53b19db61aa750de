/* test_media.c - the playing time of an MP4/MOV read from its movie header,
 * wherever the header sits, and every malformed file refused without reading
 * past its end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/err.h"
#include "../../src/core/media.h"

struct file {
    unsigned char b[1 << 16];
    size_t n;
};

static void put32(struct file *f, uint32_t v)
{
    for (int i = 3; i >= 0; i--)
        f->b[f->n++] = (unsigned char)(v >> (8 * i));
}

static void put64(struct file *f, uint64_t v)
{
    put32(f, (uint32_t)(v >> 32));
    put32(f, (uint32_t)v);
}

static void box(struct file *f, uint32_t size, const char *type)
{
    put32(f, size);
    memcpy(f->b + f->n, type, 4);
    f->n += 4;
}

static void ftyp(struct file *f)
{
    box(f, 20, "ftyp");
    memcpy(f->b + f->n, "isom\0\0\2\0mp41", 12);
    f->n += 12;
}

/* moov { mvhd version 0 } of 8 + 8 + 100 bytes */
static void moov_v0(struct file *f, uint32_t timescale, uint32_t duration)
{
    box(f, 8 + 108, "moov");
    box(f, 108, "mvhd");
    put32(f, 0);          /* version 0, flags */
    put32(f, 0), put32(f, 0); /* created, modified */
    put32(f, timescale);
    put32(f, duration);
    memset(f->b + f->n, 0, 80);
    f->n += 80;
}

static void moov_v1(struct file *f, uint32_t timescale, uint64_t duration)
{
    box(f, 8 + 120, "moov");
    box(f, 120, "mvhd");
    put32(f, 1u << 24);   /* version 1 */
    put64(f, 0), put64(f, 0);
    put32(f, timescale);
    put64(f, duration);
    memset(f->b + f->n, 0, 80);
    f->n += 80;
}

static int duration(const struct file *f, int64_t *ms)
{
    return dj_mp4_duration_ms_mem(f->b, f->n, ms);
}

static void test_faststart(void **state)
{
    (void)state;
    struct file *f = calloc(1, sizeof *f);
    ftyp(f);
    moov_v0(f, 1000, 754000);
    box(f, 1000, "mdat");
    f->n += 992;
    int64_t ms;
    assert_int_equal(duration(f, &ms), DJ_OK);
    assert_int_equal(ms, 754000);
    free(f);
}

static void test_header_at_the_end_with_64bit_sizes(void **state)
{
    (void)state;
    struct file *f = calloc(1, sizeof *f);
    ftyp(f);
    box(f, 1, "mdat"); /* a 64-bit size follows */
    put64(f, 16 + 4000);
    f->n += 4000;
    moov_v1(f, 90000, (uint64_t)90000 * 3600 + 1); /* one hour and 1/90000 s: rounded up */
    int64_t ms;
    assert_int_equal(duration(f, &ms), DJ_OK);
    assert_int_equal(ms, 3600001);
    free(f);
}

static void test_last_box_to_the_end(void **state)
{
    (void)state;
    struct file *f = calloc(1, sizeof *f);
    ftyp(f);
    size_t at = f->n;
    moov_v0(f, 600, 600 * 95);
    f->b[at] = f->b[at + 1] = f->b[at + 2] = f->b[at + 3] = 0; /* moov's size 0: to the end */
    int64_t ms;
    assert_int_equal(duration(f, &ms), DJ_OK);
    assert_int_equal(ms, 95000);
    free(f);
}

static void test_not_a_movie(void **state)
{
    (void)state;
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    int64_t ms = 7;
    assert_int_equal(dj_mp4_duration_ms_mem(png, sizeof png, &ms), DJ_ENOTFOUND);
    assert_int_equal(ms, 0);
    assert_int_equal(dj_mp4_duration_ms_mem("", 0, &ms), DJ_ENOTFOUND);

    struct file *f = calloc(1, sizeof *f);
    ftyp(f);
    box(f, 16, "moov"); /* a movie without its header */
    box(f, 8, "trak");
    assert_int_equal(duration(f, &ms), DJ_ENOTFOUND);
    free(f);
}

static void test_no_duration(void **state)
{
    (void)state;
    int64_t ms;
    struct file *f = calloc(1, sizeof *f);
    ftyp(f);
    moov_v0(f, 1000, UINT32_MAX); /* "unknown" */
    assert_int_equal(duration(f, &ms), DJ_ENOTFOUND);
    f->n = 0;
    ftyp(f);
    moov_v0(f, 0, 1000); /* no timescale */
    assert_int_equal(duration(f, &ms), DJ_ENOTFOUND);
    f->n = 0;
    ftyp(f);
    moov_v1(f, 1000, UINT64_MAX);
    assert_int_equal(duration(f, &ms), DJ_ENOTFOUND);
    free(f);
}

static void test_sizes_outside_the_file(void **state)
{
    (void)state;
    int64_t ms;
    struct file *f = calloc(1, sizeof *f);
    ftyp(f);
    box(f, 100000, "mdat"); /* claims more than the file has */
    f->n += 100;
    moov_v0(f, 1000, 1000);
    assert_int_equal(duration(f, &ms), DJ_EINVAL);

    f->n = 0;
    ftyp(f);
    box(f, 4, "free"); /* smaller than its own header */
    assert_int_equal(duration(f, &ms), DJ_EINVAL);

    f->n = 0;
    ftyp(f);
    moov_v0(f, 1000, 5000);
    f->n -= 90; /* the header cut short: its box runs past the end */
    assert_int_equal(duration(f, &ms), DJ_EINVAL);

    f->n = 0;
    ftyp(f);
    box(f, 8 + 16, "moov");
    box(f, 16, "mvhd"); /* a header box too short to hold the times */
    put32(f, 0), put32(f, 0);
    assert_int_equal(duration(f, &ms), DJ_EINVAL);
    free(f);
}

static void test_box_count_bounded(void **state)
{
    (void)state;
    int64_t ms;
    struct file *f = calloc(1, sizeof *f);
    ftyp(f);
    for (int i = 0; i < DJ_MEDIA_MAX_BOXES + 1; i++)
        box(f, 8, "free");
    moov_v0(f, 1000, 1000);
    assert_int_equal(duration(f, &ms), DJ_ENOTFOUND);
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_faststart),
        cmocka_unit_test(test_header_at_the_end_with_64bit_sizes),
        cmocka_unit_test(test_last_box_to_the_end),
        cmocka_unit_test(test_not_a_movie),
        cmocka_unit_test(test_no_duration),
        cmocka_unit_test(test_sizes_outside_the_file),
        cmocka_unit_test(test_box_count_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
