/* test_development.c - the pure rules of 发展党员 at their boundaries: a year
 * (the day before and the day one year after, 29 February), a month, six
 * months, three months; working days across 国庆 with 调休; the vote's
 * quorum and majority; the order of the 25 steps; the extension of probation
 * (once, 6 to 12 months); warnings and overdue flags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/db.h"
#include "../../src/core/err.h"
#include "../../src/core/migrate.h"
#include "../../src/development/development.h"
#include "../../src/development/development_int.h"

static dev_day D(const char *s)
{
    dev_day d = 0;
    assert_int_equal(dev_day_parse(s, &d), DJ_OK);
    return d;
}

static void assert_day(dev_day d, const char *want)
{
    char got[11];
    dev_day_format(d, got);
    assert_string_equal(got, want);
}

/* 2026: 国庆 1–7 October off, Sunday 20 September and Saturday 10 October worked. */
static const struct dev_cal_day cal2026_days[] = {
    {0, true}, /* 2026-09-20 (filled in by setup) */
    {0, false}, {0, false}, {0, false}, {0, false}, {0, false}, {0, false}, {0, false},
    {0, true}, /* 2026-10-10 */
};
static struct dev_cal_day cal_days[9];
static struct dev_calendar cal = {cal_days, 9};

static int setup_cal(void **state)
{
    (void)state;
    memcpy(cal_days, cal2026_days, sizeof cal_days);
    cal_days[0].day = D("2026-09-20");
    for (int i = 0; i < 7; i++)
        cal_days[1 + i].day = D("2026-10-01") + i;
    cal_days[8].day = D("2026-10-10");
    return 0;
}

static void test_dates(void **state)
{
    (void)state;
    /* a year later is the same day; 29 February becomes 28 February */
    assert_day(dev_add_years(D("2026-05-10"), 1), "2027-05-10");
    assert_day(dev_add_years(D("2024-02-29"), 1), "2025-02-28");
    assert_day(dev_add_years(D("2028-02-29"), 1), "2029-02-28");
    assert_day(dev_add_years(D("2027-02-28"), 1), "2028-02-28");
    assert_day(dev_add_years(D("2024-02-29"), 4), "2028-02-29");
    /* months keep the day, or take the month's last */
    assert_day(dev_add_months(D("2026-01-31"), 1), "2026-02-28");
    assert_day(dev_add_months(D("2028-01-31"), 1), "2028-02-29");
    assert_day(dev_add_months(D("2026-08-31"), 6), "2027-02-28");
    assert_day(dev_add_months(D("2026-11-30"), 3), "2027-02-28");
    assert_day(dev_add_months(D("2026-03-31"), -1), "2026-02-28");
    assert_day(dev_add_months(D("2027-01-15"), -1), "2026-12-15");
    assert_day(dev_full_on_min(D("2026-05-10"), 0), "2027-05-10");
    assert_day(dev_full_on_min(D("2026-05-10"), 6), "2027-11-10");
    assert_int_equal(dev_weekday(D("2026-10-01")), 4); /* a Thursday */
    assert_int_equal(dev_weekday(D("2026-09-20")), 0); /* a Sunday */
    char cn[24];
    dev_day_cn(D("2026-05-01"), cn);
    assert_string_equal(cn, "2026年5月1日");
    dev_day x;
    assert_int_equal(dev_day_parse("2026-02-29", &x), DJ_EINVAL);
    assert_int_equal(dev_day_parse("2028-02-29", &x), DJ_OK);
}

static void test_workdays(void **state)
{
    (void)state;
    /* 公示 of 5 working days posted on Monday 28 September: 28, 29, 30 September, then 国庆, 8 and 9 October */
    assert_day(dev_workdays_end(&cal, D("2026-09-28"), 5), "2026-10-09");
    /* posted on 30 September: the 调休 Saturday 10 October counts, Sunday 11 does not */
    assert_day(dev_workdays_end(&cal, D("2026-09-30"), 5), "2026-10-12");
    /* the 调休 Sunday 20 September counts */
    assert_day(dev_workdays_end(&cal, D("2026-09-18"), 5), "2026-09-23");
    /* posted on a holiday: the first working day is 8 October */
    assert_day(dev_workdays_end(&cal, D("2026-10-03"), 1), "2026-10-08");
    assert_int_equal(dev_workdays_between(&cal, D("2026-10-01"), D("2026-10-07")), 0);
    assert_int_equal(dev_workdays_between(&cal, D("2026-09-14"), D("2026-09-20")), 6);
    assert_true(dev_is_workday(&cal, D("2026-10-10")));
    assert_false(dev_is_workday(&cal, D("2026-10-11")));
    assert_false(dev_is_workday(&cal, D("2026-10-05")));
    assert_true(dev_is_workday(NULL, D("2026-10-05"))); /* without the calendar only weekends are off */
}

static void test_vote(void **state)
{
    (void)state;
    const char *field = NULL;
    struct dev_vote v = {10, 5, 5, 0, 0};
    assert_null(dev_vote_invalid(&v, &field));
    assert_false(dev_vote_quorum(&v)); /* exactly half present is not more than half */
    v.present = 6;
    assert_true(dev_vote_quorum(&v));
    assert_false(dev_vote_passed(&v)); /* 5 of 10 in favour is not more than half of all voting members */
    v.votes_for = 6;
    assert_true(dev_vote_passed(&v));
    v.votes_against = 1;
    assert_non_null(dev_vote_invalid(&v, &field)); /* 7 votes from 6 present */
    assert_string_equal(field, "vote.votes_for");
    struct dev_vote w = {10, 11, 0, 0, 0};
    assert_non_null(dev_vote_invalid(&w, &field));
    assert_string_equal(field, "vote.present");
    struct dev_vote z = {0, 0, 0, 0, 0};
    assert_non_null(dev_vote_invalid(&z, &field));
    /* 7 voting members: 4 present is a quorum, 4 in favour pass */
    struct dev_vote s = {7, 4, 4, 0, 0};
    assert_true(dev_vote_passed(&s));
    s.votes_for = 3;
    assert_false(dev_vote_passed(&s));
}

/* ---------------------------------------------------------------- the pipeline */

static struct dev_notice notices[8];
static struct dev_study study[4];
static struct dev_ctx ctx;
static struct dev_state st;

static void fresh(const char *birth, const char *today)
{
    memset(&ctx, 0, sizeof ctx);
    ctx.today = D(today);
    ctx.birth = birth ? D(birth) : DEV_NO_DAY;
    ctx.has_committee = true;
    ctx.cal = &cal;
    ctx.notice_days = 5;
    ctx.notice_steps = (1u << 7) | (1u << 13) | (1u << 23);
    ctx.notices = notices;
    ctx.nnotices = 0;
    ctx.study = study;
    ctx.nstudy = 0;
    dev_state_init(&st, 0);
}

static struct dev_rec rec(int step, const char *on, const char *decision)
{
    struct dev_rec r;
    memset(&r, 0, sizeof r);
    r.step = step;
    r.on = D(on);
    snprintf(r.decision, sizeof r.decision, "%s", decision ? decision : "");
    r.organ = "committee";
    r.people = step == 9 ? 2 : 1;
    r.people_full = true;
    r.declaration = true;
    r.notice_clear = true;
    return r;
}

static struct dev_verdict verdict;

/* Checks a record and applies it when allowed; returns the check's code. */
static int take_rec(struct dev_rec r)
{
    int rc = dev_check(&st, &ctx, &r, &verdict);
    if (rc == DJ_OK)
        dev_apply(&st, &r);
    return rc;
}

static int take(int step, const char *on, const char *decision) { return take_rec(rec(step, on, decision)); }

static void post_notice(int step, const char *start)
{
    struct dev_notice *n = &notices[ctx.nnotices++];
    n->step = step;
    n->starts_on = D(start);
    n->working_days = 5;
    n->ends_on = dev_workdays_end(&cal, n->starts_on, 5);
}

static int vote(int step, const char *on, const char *decision, int voting, int present, int yes)
{
    struct dev_rec r = rec(step, on, decision);
    r.has_vote = true;
    r.vote = (struct dev_vote){voting, present, yes, present - yes, 0};
    if (!dev_vote_passed(&r.vote) && dev_vote_quorum(&r.vote))
        snprintf(r.decision, sizeof r.decision, "failed");
    return take_rec(r);
}

static void test_applicant(void **state)
{
    (void)state;
    /* born 29 February 2008: eighteen on 28 February 2026 */
    fresh("2008-02-29", "2026-12-31");
    assert_int_equal(take(1, "2026-02-27", NULL), DJ_EUNPROCESSABLE);
    assert_string_equal(verdict.field, "on_date");
    assert_non_null(strstr(verdict.message, "年满18周岁"));
    assert_non_null(strstr(verdict.message, "2026年2月28日"));
    assert_int_equal(take(1, "2026-02-28", NULL), DJ_OK);
    assert_string_equal(dev_state_status(&st), "applicant");
    /* the talk: not before the application; within a month (28 March), later only with a reason */
    assert_int_equal(take(2, "2026-02-27", NULL), DJ_EUNPROCESSABLE);
    struct dev_rec late = rec(2, "2026-03-29", NULL);
    assert_int_equal(take_rec(late), DJ_EUNPROCESSABLE);
    assert_string_equal(verdict.field, "late_reason");
    assert_non_null(strstr(verdict.message, "2026年3月28日"));
    late.late_reason = true;
    assert_int_equal(take_rec(late), DJ_OK);
    /* no step twice, none in the future */
    assert_int_equal(take(2, "2026-03-30", NULL), DJ_ECONFLICT);
    fresh("2008-02-29", "2026-03-01");
    assert_int_equal(take(1, "2026-03-02", NULL), DJ_EINVAL);
    /* a roster without the birth date cannot show the age */
    fresh(NULL, "2026-12-31");
    assert_int_equal(take(1, "2026-03-01", NULL), DJ_ECONFLICT);
    assert_non_null(strstr(verdict.message, "出生日期"));
}

static void test_talk_deadline_boundary(void **state)
{
    (void)state;
    fresh("1995-01-01", "2026-12-31");
    assert_int_equal(take(1, "2026-01-31", NULL), DJ_OK);
    /* a month after 31 January is 28 February */
    assert_int_equal(take(2, "2026-03-01", NULL), DJ_EUNPROCESSABLE);
    assert_int_equal(take(2, "2026-02-28", NULL), DJ_OK);
}

/* Steps 1–5 and one assessment, for an activist named on `activist`. */
static void to_activist(const char *apply, const char *activist)
{
    assert_int_equal(take(1, apply, NULL), DJ_OK);
    assert_int_equal(take(2, apply, NULL), DJ_OK);
    assert_int_equal(take(3, activist, NULL), DJ_OK);
    assert_int_equal(take(4, activist, NULL), DJ_OK);
    assert_int_equal(take(5, activist, NULL), DJ_OK);
}

static void test_activist(void **state)
{
    (void)state;
    fresh("1995-01-01", "2028-12-31");
    assert_int_equal(take(1, "2025-03-01", NULL), DJ_OK);
    /* named before the talk: refused; by a 支委会 where there is none: refused */
    assert_int_equal(take(3, "2025-03-02", NULL), DJ_ECONFLICT);
    assert_int_equal(take(2, "2025-03-10", NULL), DJ_OK);
    ctx.has_committee = false;
    assert_int_equal(take(3, "2025-04-01", NULL), DJ_EUNPROCESSABLE);
    assert_string_equal(verdict.field, "organ");
    struct dev_rec by_assembly = rec(3, "2025-04-01", NULL);
    by_assembly.organ = "assembly";
    assert_int_equal(take_rec(by_assembly), DJ_OK);
    assert_string_equal(dev_state_status(&st), "activist");
    assert_int_equal(dev_state_stage(&st), DEV_STAGE_ACTIVIST);
    assert_int_equal(take(4, "2025-04-02", NULL), DJ_OK);
    /* 培养联系人: one or two full members */
    struct dev_rec three = rec(5, "2025-04-02", NULL);
    three.people = 3;
    assert_int_equal(take_rec(three), DJ_EUNPROCESSABLE);
    struct dev_rec probationary = rec(5, "2025-04-02", NULL);
    probationary.people_full = false;
    assert_int_equal(take_rec(probationary), DJ_EUNPROCESSABLE);
    assert_int_equal(take(5, "2025-04-02", NULL), DJ_OK);
    /* assessments every six months: due 1 October; later only with a reason */
    struct dev_window w;
    dev_window_of(&st, &ctx, 6, &w);
    assert_day(w.due, "2025-10-01");
    assert_int_equal(take(6, "2025-10-01", NULL), DJ_OK);
    assert_int_equal(take(6, "2026-04-02", NULL), DJ_EUNPROCESSABLE);
    assert_string_equal(verdict.field, "late_reason");
    assert_int_equal(take(6, "2026-03-20", NULL), DJ_OK);
    /* 发展对象: the day before the year is up is refused, the day itself allowed (with the 公示 done) */
    assert_int_equal(take(7, "2026-03-31", NULL), DJ_ECONFLICT); /* no 公示 yet */
    assert_non_null(strstr(verdict.message, "公示"));
    post_notice(7, "2026-03-16");                                /* 16–20 March */
    assert_int_equal(take(7, "2026-03-31", NULL), DJ_EUNPROCESSABLE);
    assert_string_equal(verdict.field, "on_date");
    assert_non_null(strstr(verdict.message, "2026年4月1日"));
    dev_window_of(&st, &ctx, 7, &w);
    assert_day(w.earliest, "2026-04-01");
    struct dev_rec unclear = rec(7, "2026-04-01", NULL);
    unclear.notice_clear = false;
    assert_int_equal(take_rec(unclear), DJ_EUNPROCESSABLE);
    assert_int_equal(take(7, "2026-04-01", NULL), DJ_OK);
    assert_string_equal(dev_state_status(&st), "candidate");
    /* no more activist assessments once a candidate */
    assert_int_equal(take(6, "2026-04-02", NULL), DJ_ECONFLICT);
}

static void test_candidate_leap_day(void **state)
{
    (void)state;
    /* named an activist on 29 February 2028: the year is up on 28 February 2029 */
    fresh("1995-01-01", "2029-12-31");
    to_activist("2028-01-10", "2028-02-29");
    assert_int_equal(take(6, "2028-08-20", NULL), DJ_OK);
    assert_int_equal(take(6, "2029-02-01", NULL), DJ_OK);
    post_notice(7, "2029-02-05");
    assert_int_equal(take(7, "2029-02-27", NULL), DJ_EUNPROCESSABLE);
    assert_int_equal(take(7, "2029-02-28", NULL), DJ_OK);
}

static void test_candidate_notice_across_national_day(void **state)
{
    (void)state;
    fresh("1995-01-01", "2026-12-31");
    to_activist("2025-08-01", "2025-09-01");
    assert_int_equal(take(6, "2026-02-01", NULL), DJ_OK);
    assert_int_equal(take(6, "2026-07-30", NULL), DJ_OK);
    /* the year is up on 1 September, but the 公示 posted on 30 September ends on 12 October */
    post_notice(7, "2026-09-30");
    assert_int_equal(take(7, "2026-10-12", NULL), DJ_EUNPROCESSABLE);
    assert_non_null(strstr(verdict.message, "公示"));
    assert_non_null(strstr(verdict.message, "2026年10月13日"));
    assert_int_equal(take(7, "2026-10-13", NULL), DJ_OK);
    /* a 公示 shorter than the configured minimum does not count */
    fresh("1995-01-01", "2026-12-31");
    to_activist("2025-08-01", "2025-09-01");
    assert_int_equal(take(6, "2026-02-01", NULL), DJ_OK);
    post_notice(7, "2026-03-02");
    notices[0].working_days = 4;
    assert_int_equal(take(7, "2026-09-01", NULL), DJ_ECONFLICT);
    /* nor one posted before the person was an activist */
    notices[0].working_days = 5;
    notices[0].starts_on = D("2025-08-20");
    assert_int_equal(take(7, "2026-09-01", NULL), DJ_ECONFLICT);
}

static void test_assessment_gap_blocks_candidate(void **state)
{
    (void)state;
    fresh("1995-01-01", "2027-12-31");
    to_activist("2025-08-01", "2025-09-01");
    assert_int_equal(take(6, "2026-02-20", NULL), DJ_OK);
    post_notice(7, "2026-08-24");
    /* last assessment 20 February: another was due by 20 August */
    assert_int_equal(take(7, "2026-09-01", NULL), DJ_EUNPROCESSABLE);
    assert_non_null(strstr(verdict.message, "半年"));
}

/* An applicant walked to 发展对象 on 2026-04-01 (activist 2025-04-01). */
static void to_candidate(void)
{
    to_activist("2025-03-01", "2025-04-01");
    assert_int_equal(take(6, "2025-10-01", NULL), DJ_OK);
    assert_int_equal(take(6, "2026-03-20", NULL), DJ_OK);
    post_notice(7, "2026-03-23");
    assert_int_equal(take(7, "2026-04-01", NULL), DJ_OK);
}

static void test_admission(void **state)
{
    (void)state;
    fresh("1995-01-01", "2027-12-31");
    to_candidate();
    assert_int_equal(take(12, "2026-05-06", NULL), DJ_ECONFLICT);
    assert_int_equal(take(8, "2026-04-02", NULL), DJ_OK);
    struct dev_rec one = rec(9, "2026-04-03", NULL);
    one.people = 1;
    assert_int_equal(take_rec(one), DJ_EUNPROCESSABLE);
    struct dev_rec undeclared = rec(9, "2026-04-03", NULL);
    undeclared.declaration = false;
    assert_int_equal(take_rec(undeclared), DJ_EUNPROCESSABLE);
    assert_string_equal(verdict.field, "declaration");
    assert_int_equal(take(9, "2026-04-03", NULL), DJ_OK);
    assert_int_equal(take(10, "2026-04-10", NULL), DJ_EINVAL); /* needs a conclusion */
    assert_int_equal(take(10, "2026-04-10", "failed"), DJ_OK);
    assert_int_equal(take(12, "2026-05-06", NULL), DJ_ECONFLICT); /* 政审 not passed */
    assert_int_equal(take(10, "2026-04-20", "passed"), DJ_OK);
    /* training: 2 days and 10 hours, plus 13.5 hours of study from organisational life: 23.5 < 24 */
    struct dev_rec tr = rec(11, "2026-04-24", NULL);
    tr.train_days = 2;
    tr.train_hours = 10;
    assert_int_equal(take_rec(tr), DJ_OK);
    study[0] = (struct dev_study){D("2025-06-01"), 8};  /* within the year before 6 May 2026 */
    study[1] = (struct dev_study){D("2025-05-05"), 20}; /* a day too old */
    study[2] = (struct dev_study){D("2026-03-01"), 5.5};
    ctx.nstudy = 3;
    assert_int_equal(take(12, "2026-05-06", NULL), DJ_EUNPROCESSABLE);
    assert_non_null(strstr(verdict.message, "24学时"));
    study[1].day = D("2025-05-06"); /* exactly a year before: counts */
    assert_int_equal(take(12, "2026-05-06", NULL), DJ_OK);
    assert_int_equal(dev_state_stage(&st), DEV_STAGE_ADMISSION);
    assert_string_equal(dev_state_status(&st), "candidate");
    /* 预审 by the higher committee, after a 公示 */
    post_notice(13, "2026-05-07");
    assert_int_equal(take(13, "2026-05-13", "approved"), DJ_EUNPROCESSABLE);
    assert_int_equal(take(13, "2026-05-14", "approved"), DJ_OK);
    assert_int_equal(take(14, "2026-05-15", NULL), DJ_OK);
    /* the vote: half present is no quorum; half in favour does not pass */
    assert_int_equal(vote(15, "2026-05-20", "passed", 10, 5, 5), DJ_EUNPROCESSABLE);
    assert_string_equal(verdict.field, "vote.present");
    assert_int_equal(vote(15, "2026-05-20", "passed", 10, 8, 5), DJ_OK);
    assert_string_equal(st.decision[15], "failed");
    assert_int_equal(take(16, "2026-05-21", NULL), DJ_ECONFLICT);
    assert_int_equal(vote(15, "2026-05-29", "passed", 10, 8, 6), DJ_OK);
    assert_int_equal(take(16, "2026-06-01", NULL), DJ_OK);
    /* approval: warning from 29 July, overdue after 29 August */
    struct dev_flag f[DEV_MAX_FLAGS];
    ctx.today = D("2026-07-28");
    assert_int_equal(dev_flags(&st, &ctx, f), 0);
    ctx.today = D("2026-07-29");
    assert_int_equal(dev_flags(&st, &ctx, f), 1);
    assert_string_equal(f[0].code, "approval_warning");
    assert_false(f[0].overdue);
    ctx.today = D("2026-08-30");
    assert_int_equal(dev_flags(&st, &ctx, f), 1);
    assert_string_equal(f[0].code, "approval_overdue");
    assert_true(f[0].overdue);
    struct dev_window w;
    dev_window_of(&st, &ctx, 17, &w);
    assert_day(w.due, "2026-08-29");
    assert_int_equal(take(17, "2026-08-30", "approved"), DJ_EUNPROCESSABLE);
    assert_string_equal(verdict.field, "late_reason");
    assert_int_equal(take(17, "2026-08-29", "approved"), DJ_OK);
    assert_string_equal(dev_state_status(&st), "probationary");
    assert_day(st.resolution, "2026-05-29");
    assert_day(st.probation_until, "2027-05-29");
}

static void to_probationary(void)
{
    to_candidate();
    assert_int_equal(take(8, "2026-04-02", NULL), DJ_OK);
    assert_int_equal(take(9, "2026-04-03", NULL), DJ_OK);
    assert_int_equal(take(10, "2026-04-10", "passed"), DJ_OK);
    struct dev_rec tr = rec(11, "2026-04-24", NULL);
    tr.train_days = 3;
    assert_int_equal(take_rec(tr), DJ_OK);
    assert_int_equal(take(12, "2026-05-06", NULL), DJ_OK);
    post_notice(13, "2026-05-07");
    assert_int_equal(take(13, "2026-05-14", "approved"), DJ_OK);
    assert_int_equal(take(14, "2026-05-15", NULL), DJ_OK);
    assert_int_equal(vote(15, "2026-05-29", "passed", 10, 8, 6), DJ_OK);
    assert_int_equal(take(16, "2026-06-01", NULL), DJ_OK);
    assert_int_equal(take(17, "2026-06-15", "approved"), DJ_OK);
    assert_int_equal(take(18, "2026-06-20", NULL), DJ_OK);
    assert_int_equal(take(19, "2026-06-20", NULL), DJ_OK);
    assert_int_equal(take(20, "2026-07-01", NULL), DJ_OK);
}

static void test_probation_and_full(void **state)
{
    (void)state;
    fresh("1995-01-01", "2028-12-31");
    to_probationary();
    /* the application from a month before the end (29 April 2027) */
    assert_int_equal(take(22, "2027-04-28", NULL), DJ_EUNPROCESSABLE);
    assert_int_equal(take(22, "2027-04-29", NULL), DJ_OK);
    /* the discussion once the year is up (29 May 2027), after a 公示 */
    post_notice(23, "2027-05-10");
    assert_int_equal(vote(23, "2027-05-28", "full", 10, 8, 8), DJ_EUNPROCESSABLE);
    assert_non_null(strstr(verdict.message, "2027年5月29日"));
    assert_int_equal(vote(23, "2027-05-29", "full", 10, 8, 8), DJ_OK);
    /* the branch cannot skip the approval; the archive waits for it */
    assert_int_equal(take(25, "2027-06-01", NULL), DJ_ECONFLICT);
    assert_int_equal(take(24, "2027-06-10", "approved"), DJ_OK);
    assert_string_equal(dev_state_status(&st), "full");
    assert_day(st.full_on, "2027-05-29");
    assert_int_equal(dev_state_stage(&st), DEV_STAGE_DONE);
    assert_int_equal(take(25, "2027-06-11", NULL), DJ_OK);
    struct dev_window w;
    assert_int_equal(dev_next(&st, &ctx, &w), 0);
}

static void test_extension(void **state)
{
    (void)state;
    fresh("1995-01-01", "2029-12-31");
    to_probationary();
    struct dev_flag f[DEV_MAX_FLAGS];
    /* a to-do a month before the end; a flag once it ends without a decision */
    ctx.today = D("2027-04-28");
    int n = dev_flags(&st, &ctx, f);
    for (int i = 0; i < n; i++)
        assert_string_not_equal(f[i].code, "probation_ending");
    ctx.today = D("2027-04-29");
    n = dev_flags(&st, &ctx, f);
    assert_true(n >= 1);
    assert_string_equal(f[0].code, "probation_ending");
    ctx.today = D("2027-05-30");
    n = dev_flags(&st, &ctx, f);
    assert_string_equal(f[0].code, "probation_ended");
    assert_true(f[0].overdue);
    ctx.today = D("2029-12-31");
    assert_int_equal(take(22, "2027-05-01", NULL), DJ_OK);
    post_notice(23, "2027-05-17");
    /* an extension is 6 to 12 months */
    struct dev_rec ext = rec(23, "2027-06-01", "extend");
    ext.has_vote = true;
    ext.vote = (struct dev_vote){10, 9, 7, 2, 0};
    ext.months = 5;
    assert_int_equal(take_rec(ext), DJ_EUNPROCESSABLE);
    assert_string_equal(verdict.field, "months");
    ext.months = 13;
    assert_int_equal(take_rec(ext), DJ_EUNPROCESSABLE);
    ext.months = 6;
    assert_int_equal(take_rec(ext), DJ_OK);
    /* the secretary cannot record the approval for the committee, but the rules only see days: refused later */
    assert_int_equal(take(24, "2027-06-20", "approved"), DJ_OK);
    assert_string_equal(dev_state_status(&st), "probationary");
    assert_int_equal(st.ext_months, 6);
    assert_day(st.probation_until, "2027-11-29");
    assert_day(dev_full_on_min(st.resolution, st.ext_months), "2027-11-29");
    /* a new round at the end of the extension; a second extension is refused */
    assert_int_equal(take(22, "2027-10-28", NULL), DJ_EUNPROCESSABLE);
    assert_int_equal(take(22, "2027-10-29", NULL), DJ_OK);
    post_notice(23, "2027-11-01");
    ext.on = D("2027-11-29");
    assert_int_equal(take_rec(ext), DJ_EUNPROCESSABLE);
    assert_non_null(strstr(verdict.message, "只能延长一次"));
    assert_int_equal(vote(23, "2027-11-28", "full", 10, 9, 9), DJ_EUNPROCESSABLE);
    assert_int_equal(vote(23, "2027-11-29", "full", 10, 9, 9), DJ_OK);
    /* the approval is due within three months of the resolution */
    assert_int_equal(take(24, "2028-03-01", "approved"), DJ_EUNPROCESSABLE);
    assert_int_equal(take(24, "2028-02-29", "approved"), DJ_OK); /* 29 November + 3 months */
    assert_day(st.full_on, "2027-11-29");
}

static void test_stop_and_replay(void **state)
{
    (void)state;
    fresh("1995-01-01", "2026-12-31");
    struct dev_rec recs[4] = {rec(1, "2026-01-05", NULL), rec(2, "2026-01-20", NULL), rec(3, "2026-03-01", NULL),
                              rec(0, "2026-06-01", "withdrawn")};
    size_t bad = 99;
    assert_int_equal(dev_replay(recs, 4, &ctx, &st, &verdict, &bad), DJ_OK);
    assert_true(st.stopped);
    assert_string_equal(dev_state_status(&st), "none");
    assert_int_equal(take(4, "2026-06-02", NULL), DJ_ECONFLICT);
    /* a correction that moves the talk after the activist step breaks the order: the replay names it */
    dev_state_init(&st, 0);
    recs[1].on = D("2026-03-05");
    assert_int_equal(dev_replay(recs, 4, &ctx, &st, &verdict, &bad), DJ_EUNPROCESSABLE);
    assert_int_equal(bad, 1); /* the talk is now late (due 5 February) */
    recs[1].late_reason = true;
    dev_state_init(&st, 0);
    assert_int_equal(dev_replay(recs, 4, &ctx, &st, &verdict, &bad), DJ_EUNPROCESSABLE);
    assert_int_equal(bad, 2);
    /* legacy: an imported 发展对象 has steps 1–6 behind them */
    fresh("1995-01-01", "2026-12-31");
    dev_state_init(&st, 7);
    struct dev_rec seven = rec(7, "2026-04-01", NULL);
    seven.imported = true;
    assert_int_equal(take_rec(seven), DJ_OK);
    struct dev_window w;
    assert_int_equal(dev_next(&st, &ctx, &w), 8);
    assert_string_equal(dev_state_status(&st), "candidate");
}

static void test_catalogue(void **state)
{
    (void)state;
    for (int s = 1; s <= DEV_NSTEPS; s++) {
        const struct dev_step_def *d = dev_step_def(s);
        assert_int_equal(d->no, s);
        assert_true(d->stage >= 1 && d->stage <= DEV_NSTAGES);
        assert_ptr_equal(dev_step_by_code(d->code), d);
        assert_true(strlen(d->rule) > 0);
    }
    assert_true(dev_step_def(17)->flags & DEV_F_COMMITTEE);
    assert_true(dev_step_def(24)->flags & DEV_F_COMMITTEE);
    assert_false(dev_step_def(15)->flags & DEV_F_COMMITTEE);
    assert_null(dev_step_def(26));
    assert_string_equal(dev_stage_name(3), "发展对象的确定和考察");
    assert_string_equal(dev_decision_label("extend"), "延长预备期");
    /* the stages begin at steps 1, 3, 7, 12, 19 */
    for (int s = 1; s <= DEV_NSTEPS; s++)
        assert_true(s >= dev_stage_first(dev_step_def(s)->stage) || dev_step_def(s)->stage == 5);
}

/* The store against a real (in-memory) SQLite database: an imported probationary
 * member projected onto the roster, and the day the dues subject asks for. */
static void test_admitted_on(void **state)
{
    (void)state;
    db_conn *db = db_open(":memory:", NULL);
    assert_non_null(db);
    assert_int_equal(dj_migrate(db, false), DJ_OK);
    assert_int_equal(db_exec_script(db,
                                    "INSERT INTO orgs (id, parent_id, kind, name, path, created_at, updated_at) VALUES"
                                    " (1, NULL, 'committee', '机关党委', '/1/', 'x', 'x'),"
                                    " (2, 1, 'branch', '第一党支部', '/1/2/', 'x', 'x');"
                                    "INSERT INTO people (id, name, birth_date, org_id, party_status, joined_on, created_at, updated_at) VALUES"
                                    " (1, '甲', '1996-01-01', 2, 'probationary', '2025-01-01', 'x', 'x'),"
                                    " (2, '乙', '1996-01-01', 2, 'probationary', '2025-03-01', 'x', 'x'),"
                                    " (3, '丙', '1996-01-01', 2, 'none', NULL, 'x', 'x');"),
                     DJ_OK);
    char day[11];
    /* a member entered in the roster: their 入党时间 */
    assert_int_equal(development_admitted_on(db, 2, day), DJ_OK);
    assert_string_equal(day, "2025-03-01");
    assert_int_equal(development_admitted_on(db, 3, day), DJ_ENOTFOUND);
    assert_int_equal(development_admitted_on(db, 99, day), DJ_ENOTFOUND);
    /* through the pipeline: imported as probationary, resolution on 10 October 2025, approved in December */
    dj_arena *a = dj_arena_new();
    struct dev_input first = {.step = 0, .imported = true};
    struct dev_err e = {0};
    int64_t app_id = 0, sid = 0;
    assert_int_equal(db_begin(db), DJ_OK);
    assert_int_equal(dev_start(db, NULL, a, 1, &first, 21, &app_id, &e), DJ_OK);
    struct dev_app app;
    assert_int_equal(dev_app_load(db, a, app_id, &app), DJ_OK);
    struct dev_input vote = {.step = 15, .on_date = "2025-10-10", .decision = "passed", .imported = true};
    assert_int_equal(dev_take(db, NULL, a, &app, &vote, &sid, &e), DJ_OK);
    struct dev_input late = {.step = 17, .on_date = "2026-01-11", .decision = "approved", .imported = true};
    assert_int_equal(dev_take(db, NULL, a, &app, &late, &sid, &e), DJ_EUNPROCESSABLE); /* more than three months */
    assert_string_equal(e.field, "late_reason");
    struct dev_input ok = {.step = 17, .on_date = "2025-12-01", .decision = "approved", .imported = true};
    assert_int_equal(dev_take(db, NULL, a, &app, &ok, &sid, &e), DJ_OK);
    assert_int_equal(db_commit(db), DJ_OK);
    assert_int_equal(development_admitted_on(db, 1, day), DJ_OK);
    assert_string_equal(day, "2025-10-10");
    char *row = NULL;
    assert_int_equal(db_query_text(db, &row, "SELECT party_status || '|' || joined_on || '|' || probation_until FROM people"
                                              " WHERE id = 1", ""), DJ_OK);
    assert_string_equal(row, "probationary|2025-10-10|2026-10-10");
    free(row);
    /* the history cannot be edited */
    assert_int_not_equal(db_exec(db, "UPDATE dev_steps SET on_date = '2025-01-01'", ""), DJ_OK);
    assert_int_not_equal(db_exec(db, "DELETE FROM dev_steps", ""), DJ_OK);
    dj_arena_free(a);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test_setup(test_workdays, setup_cal),
        cmocka_unit_test(test_vote),
        cmocka_unit_test_setup(test_applicant, setup_cal),
        cmocka_unit_test_setup(test_talk_deadline_boundary, setup_cal),
        cmocka_unit_test_setup(test_activist, setup_cal),
        cmocka_unit_test_setup(test_candidate_leap_day, setup_cal),
        cmocka_unit_test_setup(test_candidate_notice_across_national_day, setup_cal),
        cmocka_unit_test_setup(test_assessment_gap_blocks_candidate, setup_cal),
        cmocka_unit_test_setup(test_admission, setup_cal),
        cmocka_unit_test_setup(test_probation_and_full, setup_cal),
        cmocka_unit_test_setup(test_extension, setup_cal),
        cmocka_unit_test_setup(test_stop_and_replay, setup_cal),
        cmocka_unit_test(test_catalogue),
        cmocka_unit_test(test_admitted_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
