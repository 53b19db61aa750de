/* test_people_import.c - the roster import against an in-memory database with
 * every migration: UTF-8 and GBK files, every bad row listed with its line and
 * column (unknown branch, bad date, duplicate phone in the file and in the
 * roster, a branch out of scope), nothing written on error or in a dry run,
 * everything written otherwise, one callback per person written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/db.h"
#include "../../src/core/err.h"
#include "../../src/core/import.h"
#include "../../src/core/migrate.h"
#include "../../src/people/people.h"

static db_conn *db;

static int setup(void **state)
{
    (void)state;
    db = db_open(":memory:", NULL);
    if (!db || dj_migrate(db, false) != DJ_OK)
        return -1;
    return db_exec_script(db,
                          "INSERT INTO orgs (id, parent_id, kind, name, path, created_at, updated_at) VALUES"
                          " (1, NULL, 'committee', '机关党委', '/1/', 'x', 'x'),"
                          " (2, 1, 'branch', '第一党支部（秘书科）', '/1/2/', 'x', 'x'),"
                          " (3, 1, 'branch', '第二党支部', '/1/3/', 'x', 'x'),"
                          " (4, 2, 'group', '第一党小组', '/1/2/4/', 'x', 'x'),"
                          " (5, 3, 'group', '第一党小组', '/1/3/5/', 'x', 'x');"
                          "INSERT INTO people (name, phone, org_id, party_status, created_at, updated_at)"
                          " VALUES ('在册', '13800000001', 3, 'none', 'x', 'x');");
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

static int64_t people_count(void)
{
    int64_t n = -1;
    db_query_i64(db, &n, "SELECT COUNT(*) FROM people", "");
    return n;
}

static int inserted;
static int count_insert(void *arg, int64_t id, const json_t *row)
{
    (void)arg;
    assert_true(id > 0);
    assert_non_null(json_object_get(row, "name"));
    inserted++;
    return 0;
}

/* Runs an import; returns the result (caller releases). */
static json_t *run(const char *data, size_t len, bool dry, const char *scope)
{
    struct people_import_opts o = {.dry_run = dry, .write_scope = scope, .on_insert = count_insert};
    json_t *res = NULL;
    int64_t first, last;
    assert_int_equal(people_import(db, data, len, &o, &res, &first, &last), DJ_OK);
    assert_non_null(res);
    return res;
}

/* "line:column" of each error, joined by spaces. */
static const char *errs(const json_t *res)
{
    static char buf[512];
    buf[0] = '\0';
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(res, "errors"), i, e) {
        char one[64];
        snprintf(one, sizeof one, "%s%lld:%s", i ? " " : "", (long long)json_integer_value(json_object_get(e, "line")),
                 json_is_string(json_object_get(e, "column")) ? json_string_value(json_object_get(e, "column")) : "-");
        strcat(buf, one);
    }
    return buf;
}

static void test_bad_rows_listed_nothing_written(void **state)
{
    (void)state;
    const char *csv = "姓名,性别,出生日期,手机号,所在支部,党员类别,入党时间,转正时间\n"
                      "甲,男,1980-01-01,13900000001,第一党支部,正式党员,2005-07-01,2006-07-01\n" /* short name: ok */
                      "乙,男,1980-02-30,13900000002,第二党支部,正式党员,2005-07-01,2006-07-01\n" /* bad date */
                      "丙,男,1980-01-01,13900000001,第二党支部,群众,,\n"                           /* dup in file */
                      "丁,男,1980-01-01,13800000001,第二党支部,群众,,\n"                           /* dup in roster */
                      "戊,男,1980-01-01,13900000005,第九党支部,群众,,\n"                           /* unknown branch */
                      "己,男,1980-01-01,13900000006,第一党小组,群众,,\n"                           /* ambiguous */
                      "\"庚,\"\"引号\"\"\",男,1980-01-01,13900000007,第二党支部/第一党小组,入党积极分子,,\n"
                      "辛,未知,1980-01-01,13900000008,第二党支部,正式党员,,\n";                  /* gender, no dates */
    int64_t before = people_count();
    inserted = 0;
    json_t *res = run(csv, strlen(csv), false, NULL);
    assert_string_equal(errs(res), "3:出生日期 4:手机号 5:手机号 6:所在支部 7:所在支部 9:性别 9:入党时间");
    assert_int_equal(json_integer_value(json_object_get(res, "rows")), 8);
    assert_int_equal(people_count(), before);
    assert_int_equal(inserted, 0);
    json_decref(res);
}

/* The help says a branch may be written without its bracketed note, and a group
 * that shares its name as 支部/党小组: both at once must work too. */
static void test_branch_and_group_without_note(void **state)
{
    (void)state;
    const char *csv = "姓名,所在支部\n"
                      "甲,第一党支部/第一党小组\n"        /* 第一党支部（秘书科）/第一党小组 */
                      "乙,第一党支部（秘书科）/第一党小组\n"
                      "丙,第二党支部/第一党小组\n"
                      "丁,第三党支部/第一党小组\n"        /* no such branch */
                      "戊,第一党支部/第二党小组\n";       /* no such group */
    json_t *res = run(csv, strlen(csv), true, NULL);
    assert_string_equal(errs(res), "5:所在支部 6:所在支部");
    json_decref(res);
}

static void test_scope(void **state)
{
    (void)state;
    const char *csv = "姓名,所在支部\n甲,第一党支部\n乙,第二党支部\n";
    json_t *res = run(csv, strlen(csv), true, "(o.path LIKE '/1/2/%')");
    assert_string_equal(errs(res), "3:所在支部");
    json_decref(res);
}

static void test_gbk_file_commits_whole(void **state)
{
    (void)state;
    /* 姓名,所在支部,手机号\r\n张三,第二党支部,13900000011\r\n in GBK; 第二党支部 = B5DA B6FE B5B3 D6A7 B2BF */
    const char gbk[] = "\xD0\xD5\xC3\xFB,\xCB\xF9\xD4\xDA\xD6\xA7\xB2\xBF,\xCA\xD6\xBB\xFA\xBA\xC5\r\n"
                       "\xD5\xC5\xC8\xFD,\xB5\xDA\xB6\xFE\xB5\xB3\xD6\xA7\xB2\xBF,13900000011\r\n";
    int64_t before = people_count();
    inserted = 0;
    json_t *res = run(gbk, sizeof gbk - 1, true, NULL);
    assert_string_equal(json_string_value(json_object_get(res, "encoding")), "gb18030");
    assert_string_equal(errs(res), "");
    assert_int_equal(people_count(), before); /* a dry run writes nothing */
    json_decref(res);
    res = run(gbk, sizeof gbk - 1, false, NULL);
    assert_string_equal(errs(res), "");
    assert_int_equal(people_count(), before + 1);
    assert_int_equal(inserted, 1);
    char *name = NULL;
    assert_int_equal(db_query_text(db, &name, "SELECT name FROM people WHERE phone = '13900000011' AND org_id = 3", ""),
                     DJ_OK);
    assert_string_equal(name, "张三");
    free(name);
    json_decref(res);
}

static void test_bom_and_header_problems(void **state)
{
    (void)state;
    const char *bom = "\xEF\xBB\xBF姓名,所在支部,姓名\n甲,第二党支部,甲\n";
    json_t *res = run(bom, strlen(bom), true, NULL);
    assert_string_equal(errs(res), "1:姓名"); /* the BOM is gone, the repeated header is named */
    json_decref(res);
    const char *missing = "名字,所在支部\n甲,第二党支部\n";
    res = run(missing, strlen(missing), true, NULL);
    assert_string_equal(errs(res), "1:姓名");
    json_decref(res);
    res = run("", 0, true, NULL);
    assert_string_equal(errs(res), "1:-");
    json_decref(res);
    const char junk[] = "\xFF\xFE\xFD";
    res = run(junk, sizeof junk - 1, true, NULL);
    assert_string_equal(errs(res), "1:-");
    json_decref(res);
}

/* Every importer trims a cell the same way: ASCII and ideographic spaces, tabs
 * and a CR left by Excel, at both ends, never inside. */
static void test_cell_trim(void **state)
{
    (void)state;
    char a[] = " \t\xE3\x80\x80张　三\xE3\x80\x80 \r";
    assert_string_equal(dj_cell_trim(a), "张　三");
    char b[] = "\xE3\x80\x80\xE3\x80\x80";
    assert_string_equal(dj_cell_trim(b), "");
    char c[] = "";
    assert_string_equal(dj_cell_trim(c), "");
    json_t *errors = json_array();
    assert_true(dj_import_error(errors, 1, 3, "姓名", "第 %d 行缺少%s", 3, "姓名"));
    assert_false(dj_import_error(errors, 1, 4, NULL, "满了"));
    assert_int_equal(json_array_size(errors), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 0), "message")), "第 3 行缺少姓名");
    json_decref(errors);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_rows_listed_nothing_written),
        cmocka_unit_test(test_branch_and_group_without_note),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_gbk_file_commits_whole),
        cmocka_unit_test(test_bom_and_header_problems),
        cmocka_unit_test(test_cell_trim),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
