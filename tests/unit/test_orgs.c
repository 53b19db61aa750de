/* test_orgs.c - the organisation rules: warnings (DOMAIN.md §2), kinds under
 * parents, posts per kind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/core/timeutil.h"
#include "../../src/orgs/orgs.h"

static int64_t day(int y, int m, int d) { return dj_days_from_civil(y, m, d); }

/* The codes of the warnings for f on 2026-11-27, joined by spaces. */
static const char *codes(const struct orgs_facts *f)
{
    static char buf[256];
    struct orgs_warning w[ORGS_MAX_WARNINGS];
    int n = orgs_warnings(f, day(2026, 11, 27), 90, w);
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(buf, " ");
        strcat(buf, w[i].code);
        assert_true(strlen(w[i].message) > 0);
    }
    return buf;
}

static void test_healthy_branch(void **state)
{
    (void)state;
    struct orgs_facts f = {.kind = "branch", .full_members = 12, .party_members = 13, .committee_members = 5,
                           .has_discipline = true, .term_end = "2028-03-31"};
    assert_string_equal(codes(&f), "");
}

static void test_committee_rules(void **state)
{
    (void)state;
    /* 7 full members: a 支委会 and a 纪检委员 are due */
    struct orgs_facts f = {.kind = "branch", .full_members = 7, .party_members = 7, .committee_members = 1};
    assert_string_equal(codes(&f), "no_committee no_discipline_member");
    f.committee_members = 3;
    assert_string_equal(codes(&f), "no_discipline_member");
    f.has_discipline = true;
    assert_string_equal(codes(&f), "");
    /* 6 full members: a 书记 is enough */
    struct orgs_facts g = {.kind = "branch", .full_members = 6, .party_members = 8, .committee_members = 1};
    assert_string_equal(codes(&g), "");
    /* a 总支 always has its committee with a 纪检委员 */
    struct orgs_facts h = {.kind = "general_branch", .full_members = 3, .party_members = 3, .committee_members = 3};
    assert_string_equal(codes(&h), "no_discipline_member");
}

static void test_size_rules(void **state)
{
    (void)state;
    struct orgs_facts f = {.kind = "branch", .full_members = 2, .party_members = 4, .committee_members = 1};
    assert_string_equal(codes(&f), "too_few_members");
    f.full_members = 3;
    assert_string_equal(codes(&f), "");
    struct orgs_facts g = {.kind = "branch", .full_members = 48, .party_members = 51, .committee_members = 5,
                           .has_discipline = true};
    assert_string_equal(codes(&g), "too_many_members");
    g.party_members = 50;
    assert_string_equal(codes(&g), "");
    /* groups, the committee and the mass organisations have no size rule */
    struct orgs_facts k = {.kind = "group", .full_members = 1, .party_members = 1};
    assert_string_equal(codes(&k), "");
    struct orgs_facts u = {.kind = "union", .full_members = 0};
    assert_string_equal(codes(&u), "");
    struct orgs_facts c = {.kind = "committee", .full_members = 200, .party_members = 220};
    assert_string_equal(codes(&c), "");
}

static void test_term_rules(void **state)
{
    (void)state;
    struct orgs_facts f = {.kind = "committee", .term_end = "2027-02-24"}; /* 89 days on */
    assert_string_equal(codes(&f), "term_ending");
    f.term_end = "2027-02-25"; /* 90 days: still inside the window */
    assert_string_equal(codes(&f), "term_ending");
    f.term_end = "2027-02-26"; /* 91 days */
    assert_string_equal(codes(&f), "");
    f.term_end = "2026-11-27"; /* ends today */
    assert_string_equal(codes(&f), "term_ending");
    f.term_end = "2026-11-26";
    assert_string_equal(codes(&f), "term_ended");
    f.term_end = "garbage";
    assert_string_equal(codes(&f), "");
    struct orgs_facts u = {.kind = "union", .term_end = "2020-01-01"};
    assert_string_equal(codes(&u), "term_ended");
    /* a dissolved organisation raises nothing */
    u.dissolved = true;
    assert_string_equal(codes(&u), "");
    struct orgs_warning w[ORGS_MAX_WARNINGS];
    struct orgs_facts e = {.kind = "branch", .full_members = 5, .term_end = "2026-10-28"};
    assert_int_equal(orgs_warnings(&e, day(2026, 11, 27), 90, w), 1);
    assert_non_null(strstr(w[0].message, "30天"));
}

static void test_all_at_once(void **state)
{
    (void)state;
    struct orgs_facts f = {.kind = "branch", .full_members = 52, .party_members = 60, .term_end = "2026-12-01"};
    assert_string_equal(codes(&f), "no_committee no_discipline_member too_many_members term_ending");
}

static void test_parents_and_posts(void **state)
{
    (void)state;
    assert_true(orgs_parent_ok("committee", NULL));
    assert_false(orgs_parent_ok("branch", NULL));
    assert_true(orgs_parent_ok("branch", "committee"));
    assert_true(orgs_parent_ok("branch", "general_branch"));
    assert_false(orgs_parent_ok("branch", "branch"));
    assert_true(orgs_parent_ok("group", "branch"));
    assert_false(orgs_parent_ok("group", "committee"));
    assert_true(orgs_parent_ok("union", "committee"));
    assert_false(orgs_parent_ok("youth", "branch"));
    assert_false(orgs_parent_ok("committee", "committee"));
    assert_false(orgs_parent_ok("club", "committee"));
    assert_true(orgs_post_allowed("branch", "discipline"));
    assert_false(orgs_post_allowed("branch", "chair"));
    assert_true(orgs_post_allowed("union", "chair"));
    assert_false(orgs_post_allowed("union", "secretary"));
    assert_true(orgs_post_allowed("group", "group_leader"));
    assert_false(orgs_post_allowed("group", "discipline"));
    assert_true(orgs_post_single("secretary"));
    assert_false(orgs_post_single("deputy_secretary"));
    assert_string_equal(orgs_post_label("discipline"), "纪检委员");
    assert_string_equal(orgs_kind_label("women"), "妇委会");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_healthy_branch), cmocka_unit_test(test_committee_rules),
        cmocka_unit_test(test_size_rules),     cmocka_unit_test(test_term_rules),
        cmocka_unit_test(test_all_at_once),    cmocka_unit_test(test_parents_and_posts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
