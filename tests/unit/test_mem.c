/* test_mem.c - shared bytes (dj_blob) and their gzipped twin, made once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../../src/core/mem.h"

static dj_blob *blob_of(const char *s, size_t n)
{
    dj_buf b = {0};
    dj_buf_append(&b, s, n);
    return dj_blob_take(&b);
}

/* A roster-like page: rows that repeat their field names. */
static dj_blob *page(int rows)
{
    dj_buf b = {0};
    dj_buf_puts(&b, "{\"items\":[");
    for (int i = 0; i < rows; i++)
        dj_buf_printf(&b, "%s{\"id\":%d,\"name\":\"党员%d\",\"org_name\":\"第一党支部\",\"party_status\":\"full\"}",
                      i ? "," : "", i + 1, i + 1);
    dj_buf_puts(&b, "]}");
    return dj_blob_take(&b);
}

static void test_gzip_round_trip(void **state)
{
    (void)state;
    dj_blob *x = page(400);
    dj_blob *gz = dj_blob_gzip(x);
    assert_non_null(gz);
    assert_true(dj_blob_len(gz) * 4 < dj_blob_len(x));
    /* a gzip member (magic 1f 8b) that inflates to the very bytes */
    assert_int_equal((unsigned char)dj_blob_data(gz)[0], 0x1f);
    assert_int_equal((unsigned char)dj_blob_data(gz)[1], 0x8b);
    z_stream z = {0};
    assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
    size_t cap = dj_blob_len(x) + 16;
    char *out = malloc(cap);
    z.next_in = (Bytef *)dj_blob_data(gz);
    z.avail_in = (uInt)dj_blob_len(gz);
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    assert_int_equal(z.total_out, dj_blob_len(x));
    assert_memory_equal(out, dj_blob_data(x), dj_blob_len(x));
    inflateEnd(&z);
    free(out);
    /* made once: every later reply is given the same bytes */
    dj_blob *again = dj_blob_gzip(x);
    assert_ptr_equal(again, gz);
    dj_blob_unref(again);
    /* the twin outlives the page as long as a reply holds it (LeakSanitizer sees the rest) */
    dj_blob_unref(x);
    assert_int_equal((unsigned char)dj_blob_data(gz)[0], 0x1f);
    dj_blob_unref(gz);
}

static void test_gzip_not_smaller(void **state)
{
    (void)state;
    /* bytes that do not compress are sent as they are, and not tried again */
    unsigned char noise[4096];
    uint32_t s = 2463534242u;
    for (size_t i = 0; i < sizeof noise; i++) {
        s ^= s << 13, s ^= s >> 17, s ^= s << 5;
        noise[i] = (unsigned char)s;
    }
    dj_blob *x = blob_of((const char *)noise, sizeof noise);
    assert_null(dj_blob_gzip(x));
    assert_null(dj_blob_gzip(x));
    dj_blob_unref(x);
    dj_blob *tiny = blob_of("{}", 2);
    assert_null(dj_blob_gzip(tiny));
    dj_blob_unref(tiny);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gzip_round_trip),
        cmocka_unit_test(test_gzip_not_smaller),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
