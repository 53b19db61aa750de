/* test_files.c - the file store's pure rules: which bytes are taken under
 * which name, safe names, Content-Disposition, Range, the multipart reader fed
 * in pieces of every size, and the connection share per address. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/err.h"
#include "../../src/core/http_int.h"
#include "../../src/core/multipart.h"
#include "../../src/files/files_int.h"

static const unsigned char jpeg_head[] = {0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1};

static const char *decide(const char *magic, const char *name, const char *claimed, const char **why)
{
    const struct files_type *t = files_type_decide(magic, jpeg_head, sizeof jpeg_head, name, claimed, why);
    return t ? t->mime : NULL;
}

static void test_type_decide(void **state)
{
    (void)state;
    const char *why;
    assert_string_equal(decide("image/jpeg", "会议照片.JPG", "image/jpeg", &why), "image/jpeg");
    assert_string_equal(decide("image/jpeg", "scan", NULL, &why), "image/jpeg");       /* no extension: the bytes decide */
    assert_string_equal(decide("image/jpeg", "x.jpg", "image/png", &why), "image/jpeg"); /* both images */
    assert_null(decide("image/jpeg", "x.pdf", NULL, &why));
    assert_non_null(strstr(why, ".pdf"));
    assert_null(decide("image/jpeg", "x.jpg", "application/pdf", &why));
    assert_null(decide("application/x-executable", "tool", NULL, &why));
    assert_non_null(strstr(why, "可执行"));
    assert_null(decide("application/pdf", "report.exe", NULL, &why)); /* a dangerous name, whatever is inside */
    assert_null(decide("image/heic", "IMG_1.heic", NULL, &why));
    assert_non_null(strstr(why, "HEIC"));
    assert_null(decide("video/quicktime", "clip.mov", NULL, &why));
    assert_null(decide("text/html", "a.txt", NULL, &why));
    assert_null(decide("application/octet-stream", "a.bin", NULL, &why));
    /* WPS and old Office files share one container: the name says which */
    assert_string_equal(decide("application/CDFV2", "方案.wps", NULL, &why), "application/wps-office.wps");
    assert_string_equal(decide("application/msword", "表格.et", NULL, &why), "application/wps-office.et");
    assert_string_equal(decide("application/msword", "旧文档.doc", NULL, &why), "application/msword");
    assert_null(decide("application/CDFV2", "x.jpg", NULL, &why));
    /* text: plain, or CSV by name */
    assert_string_equal(decide("text/plain", "名单.csv", "text/csv", &why), "text/csv");
    assert_string_equal(decide("text/plain", "记录.txt", NULL, &why), "text/plain");
}

static void test_ooxml(void **state)
{
    (void)state;
    const char *why;
    const char zip[] = "PK\x03\x04\x14\0\0\0[Content_Types].xml";
    const struct files_type *t = files_type_decide("application/zip", (const unsigned char *)zip, sizeof zip - 1,
                                                   "方案.docx", NULL, &why);
    assert_non_null(t);
    assert_string_equal(t->label, "Word 文档");
    const char other[] = "PK\x03\x04\x14\0\0\0photo.jpg";
    assert_null(files_type_decide("application/zip", (const unsigned char *)other, sizeof other - 1, "方案.docx", NULL,
                                  &why));
    assert_non_null(strstr(why, "压缩包"));
}

static void check_name(const char *in, const char *want)
{
    char *s = files_clean_name(in);
    assert_string_equal(s, want);
    free(s);
}

static void test_clean_name(void **state)
{
    (void)state;
    check_name("../../etc/passwd", "passwd");
    check_name("C:\\Users\\张三\\桌面\\会议记录.docx", "会议记录.docx");
    check_name("a\tb\x01" "c.txt", "abc.txt");
    check_name("\xff\xfe照片.jpg", "__照片.jpg");
    check_name("  ..  ", "未命名文件");
    check_name("", "未命名文件");
    char *long_name = malloc(1000);
    memset(long_name, 'a', 999);
    long_name[999] = '\0';
    char *s = files_clean_name(long_name);
    assert_int_equal(strlen(s), 120);
    free(s);
    free(long_name);
}

static void test_disposition(void **state)
{
    (void)state;
    char *d = files_disposition("会议照片.jpg", false);
    assert_string_equal(d, "attachment; filename=\"file.jpg\"; filename*=UTF-8''%E4%BC%9A%E8%AE%AE%E7%85%A7%E7%89%87.jpg");
    free(d);
    d = files_disposition("report 1.pdf", true);
    assert_string_equal(d, "inline; filename=\"report 1.pdf\"; filename*=UTF-8''report%201.pdf");
    free(d);
    d = files_disposition("a\"b.txt", false);
    assert_string_equal(d, "attachment; filename=\"file.txt\"; filename*=UTF-8''a%22b.txt");
    free(d);
}

static void test_range(void **state)
{
    (void)state;
    uint64_t a, b;
    assert_int_equal(files_range(NULL, 100, &a, &b), 0);
    assert_int_equal(files_range("bytes=0-9", 100, &a, &b), 1);
    assert_true(a == 0 && b == 9);
    assert_int_equal(files_range("bytes=90-", 100, &a, &b), 1);
    assert_true(a == 90 && b == 99);
    assert_int_equal(files_range("bytes=50-500", 100, &a, &b), 1);
    assert_true(a == 50 && b == 99);
    assert_int_equal(files_range("bytes=-10", 100, &a, &b), 1);
    assert_true(a == 90 && b == 99);
    assert_int_equal(files_range("bytes=-1000", 100, &a, &b), 1);
    assert_true(a == 0 && b == 99);
    assert_int_equal(files_range("bytes=100-", 100, &a, &b), -1);
    assert_int_equal(files_range("bytes=-0", 100, &a, &b), -1);
    assert_int_equal(files_range("bytes=5-2", 100, &a, &b), 0);    /* bad syntax: ignored */
    assert_int_equal(files_range("bytes=0-1,5-6", 100, &a, &b), 0); /* several: the whole file */
    assert_int_equal(files_range("items=0-1", 100, &a, &b), 0);
    assert_int_equal(files_range("bytes=99999999999999999999999-", 100, &a, &b), 0);
}

/* ---------------------------------------------------------------- multipart */

struct seen {
    char names[4][64];
    char files[4][64];
    dj_buf data[4];
    int parts, ended;
};

static int on_part(void *cls, const char *name, const char *filename, const char *ctype)
{
    (void)ctype;
    struct seen *s = cls;
    snprintf(s->names[s->parts], 64, "%s", name);
    snprintf(s->files[s->parts], 64, "%s", filename ? filename : "-");
    s->parts++;
    return DJ_OK;
}

static int on_data(void *cls, const char *p, size_t n)
{
    struct seen *s = cls;
    dj_buf_append(&s->data[s->parts - 1], p, n);
    return DJ_OK;
}

static int on_end(void *cls)
{
    ((struct seen *)cls)->ended++;
    return DJ_OK;
}

static const struct dj_multipart_cb cb = {on_part, on_data, on_end};

static const char body[] = "preamble\r\n"
                           "--b0und\r\n"
                           "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
                           "hello\r\n--b0un not yet\r\n"
                           "--b0und\r\n"
                           "Content-Disposition: form-data; name=\"file\"; filename=\"x.bin\"; "
                           "filename*=UTF-8''%E7%85%A7%E7%89%87.jpg\r\n"
                           "Content-Type: image/jpeg\r\n\r\n"
                           "\r\n--\r\nbytes\r\n"
                           "--b0und--\r\nepilogue";

static void test_multipart_pieces(void **state)
{
    (void)state;
    char boundary[80];
    assert_true(dj_multipart_boundary("multipart/form-data; boundary=b0und", boundary));
    assert_string_equal(boundary, "b0und");
    assert_true(dj_multipart_boundary("multipart/form-data; charset=x; boundary=\"b0und\"", boundary));
    assert_false(dj_multipart_boundary("text/plain; boundary=x", boundary));
    assert_false(dj_multipart_boundary("multipart/form-data", boundary));
    size_t n = sizeof body - 1;
    for (size_t piece = 1; piece <= n; piece++) {
        struct seen s = {0};
        dj_multipart *m = dj_multipart_new("b0und", &cb, &s);
        for (size_t off = 0; off < n; off += piece)
            assert_int_equal(dj_multipart_feed(m, body + off, off + piece > n ? n - off : piece), DJ_OK);
        assert_true(dj_multipart_done(m));
        assert_int_equal(s.parts, 2);
        assert_int_equal(s.ended, 2);
        assert_string_equal(s.names[0], "note");
        assert_string_equal(s.files[0], "-");
        assert_string_equal(dj_buf_cstr(&s.data[0]), "hello\r\n--b0un not yet");
        assert_string_equal(s.files[1], "照片.jpg");
        /* the CRLF before a boundary belongs to the boundary */
        assert_int_equal(s.data[1].len, 11);
        assert_memory_equal(s.data[1].data, "\r\n--\r\nbytes", 11);
        dj_multipart_free(m);
        for (int i = 0; i < 4; i++)
            dj_buf_free(&s.data[i]);
    }
}

static void test_multipart_bad(void **state)
{
    (void)state;
    struct seen s = {0};
    dj_multipart *m = dj_multipart_new("b", &cb, &s);
    const char bad[] = "--b\r\nContent-Disposition: attachment; name=\"x\"\r\n\r\nz\r\n--b--";
    assert_int_equal(dj_multipart_feed(m, bad, sizeof bad - 1), DJ_EINVAL);
    dj_multipart_free(m);
    m = dj_multipart_new("b", &cb, &s);
    const char cut[] = "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nunfinished";
    assert_int_equal(dj_multipart_feed(m, cut, sizeof cut - 1), DJ_OK);
    assert_false(dj_multipart_done(m));
    dj_multipart_free(m);
    for (int i = 0; i < 4; i++)
        dj_buf_free(&s.data[i]);
}

static void test_share(void **state)
{
    (void)state;
    assert_int_equal(dj_guard_share(4096, 0, 16), 1024);
    assert_int_equal(dj_guard_share(64, 13, 8), 12);
    assert_int_equal(dj_guard_share(64, 60, 8), 8);
    assert_int_equal(dj_guard_share(64, 70, 8), 8);
    /* one address alone stops where its count reaches its share */
    unsigned c = 0;
    while (c < dj_guard_share(4096, c, 16))
        c++;
    assert_true(c < 4096 / 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_decide), cmocka_unit_test(test_ooxml),         cmocka_unit_test(test_clean_name),
        cmocka_unit_test(test_disposition), cmocka_unit_test(test_range),         cmocka_unit_test(test_multipart_pieces),
        cmocka_unit_test(test_multipart_bad), cmocka_unit_test(test_share),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
