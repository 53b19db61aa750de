/* life.c - the pure rules of organisational life: activity kinds and states,
 * the rotating check-in token, quorum, Shanghai-calendar periods and the
 * compliance of DOMAIN.md §3. No SQL, no HTTP. */
#include "life.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/timeutil.h"

const struct life_kind life_kinds[] = {
    {"branch_assembly", "支部党员大会", LIFE_KIND_REQUIRED},
    {"committee_meeting", "支部委员会", LIFE_KIND_REQUIRED},
    {"group_meeting", "党小组会", LIFE_KIND_REQUIRED},
    {"party_lecture", "党课", LIFE_KIND_REQUIRED | LIFE_KIND_STUDY},
    {"theme_day", "主题党日", LIFE_KIND_REQUIRED},
    {"org_life_meeting", "组织生活会", LIFE_KIND_REQUIRED},
    {"democratic_review", "民主评议党员", LIFE_KIND_REQUIRED},
    {"heart_talk", "谈心谈话", LIFE_KIND_REQUIRED},
    {"study_session", "理论学习", LIFE_KIND_STUDY},
    {"micro_share", "党建+微分享", LIFE_KIND_STUDY},
    {"grassroots_visit", "支部下基层", 0},
    {"education_visit", "党性/警示教育", LIFE_KIND_STUDY},
    {"volunteer", "志愿服务", LIFE_KIND_SERVICE},
    {"union_activity", "工会活动", 0},
    {"women_activity", "妇委会活动", 0},
    {"youth_activity", "团组织活动", 0},
    {"other", "其他活动", 0},
    {NULL, NULL, 0},
};

const char *const life_kind_codes[] = {
    "branch_assembly", "committee_meeting", "group_meeting", "party_lecture", "theme_day", "org_life_meeting",
    "democratic_review", "heart_talk", "study_session", "micro_share", "grassroots_visit", "education_visit",
    "volunteer", "union_activity", "women_activity", "youth_activity", "other", NULL,
};

const struct life_kind *life_kind_find(const char *code)
{
    for (const struct life_kind *k = life_kinds; code && k->code; k++)
        if (strcmp(k->code, code) == 0)
            return k;
    return NULL;
}

/* ---------------------------------------------------------------- states */

const char *const life_states[] = {"planned", "noticed", "held", "closed", "cancelled", NULL};

bool life_transition_ok(const char *from, const char *to)
{
    static const char *const allowed[][2] = {
        {"planned", "noticed"}, {"noticed", "held"},       {"held", "closed"},
        {"planned", "cancelled"}, {"noticed", "cancelled"},
    };
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
        if (strcmp(allowed[i][0], from) == 0 && strcmp(allowed[i][1], to) == 0)
            return true;
    return false;
}

bool life_state_takes_checkins(const char *state)
{
    return strcmp(state, "noticed") == 0 || strcmp(state, "held") == 0;
}

enum life_mark_check life_mark_check(const char *status, bool expected, bool on_roll, bool present)
{
    bool to_present = strcmp(status, "present") == 0;
    if (!expected && !on_roll)
        return LIFE_MARK_NOT_EXPECTED;
    if (!expected && !to_present)
        return LIFE_MARK_ONLY_PRESENT;
    if (present && !to_present)
        return LIFE_MARK_ALREADY_PRESENT;
    return LIFE_MARK_OK;
}

/* ---------------------------------------------------------------- check-in */

int64_t life_token_window(int64_t now)
{
    return now >= 0 ? now / LIFE_TOKEN_WINDOW : (now - LIFE_TOKEN_WINDOW + 1) / LIFE_TOKEN_WINDOW;
}

int64_t life_token_remaining(int64_t now)
{
    return (life_token_window(now) + 1) * LIFE_TOKEN_WINDOW - now;
}

void life_token_make(const unsigned char secret[LIFE_SECRET_LEN], int64_t activity_id, int64_t window,
                     char out[LIFE_TOKEN_LEN + 1])
{
    char msg[48];
    int n = snprintf(msg, sizeof msg, "%lld:%lld", (long long)activity_id, (long long)window);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, secret, LIFE_SECRET_LEN);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, (unsigned long long)n);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(out, LIFE_TOKEN_LEN + 1, mac, LIFE_TOKEN_LEN / 2);
}

static bool token_is(const unsigned char secret[LIFE_SECRET_LEN], int64_t activity_id, int64_t window,
                     const char *token)
{
    char want[LIFE_TOKEN_LEN + 1];
    life_token_make(secret, activity_id, window, want);
    return sodium_memcmp(want, token, LIFE_TOKEN_LEN) == 0;
}

/* How far back an old token is still recognised as "expired" rather than "wrong". */
#define LIFE_TOKEN_RECOGNISE_WINDOWS (4 * 3600 / LIFE_TOKEN_WINDOW)

enum life_token_check life_token_verify(const unsigned char secret[LIFE_SECRET_LEN], int64_t activity_id,
                                        const char *token, int64_t now)
{
    if (!token || strlen(token) != LIFE_TOKEN_LEN)
        return LIFE_TOKEN_BAD;
    int64_t w = life_token_window(now);
    if (token_is(secret, activity_id, w, token) || token_is(secret, activity_id, w - 1, token))
        return LIFE_TOKEN_OK;
    for (int64_t i = 2; i <= LIFE_TOKEN_RECOGNISE_WINDOWS; i++)
        if (token_is(secret, activity_id, w - i, token))
            return LIFE_TOKEN_EXPIRED;
    return LIFE_TOKEN_BAD;
}

int life_checkin_window(int64_t starts, int64_t ends, int64_t open_before, int64_t close_after, int64_t now)
{
    if (now < starts - open_before)
        return -1;
    if (now > ends + close_after)
        return 1;
    return 0;
}

bool life_quorum_met(int voting_members, int present_voting)
{
    return voting_members > 0 && 2 * present_voting > voting_members;
}

void life_quorum_count(int roll, int excluded_absent, int present, struct life_quorum *q)
{
    q->roll = roll;
    q->excluded = excluded_absent;
    q->voting = roll - excluded_absent;
    q->present = present;
    q->needed = q->voting / 2 + 1;
    q->met = life_quorum_met(q->voting, present);
}

void life_quorum_statement(const struct life_quorum *q, char *out, size_t n)
{
    char left_out[96] = "";
    if (q->excluded)
        snprintf(left_out, sizeof left_out, "（另有%d人经支部委员会同意不计入应到人数）", q->excluded);
    if (q->voting <= 0)
        snprintf(out, n, "没有有表决权的正式党员%s，不能作出决议。", left_out);
    else
        snprintf(out, n, "应到有表决权的正式党员%d人%s，实到%d人，%s。", q->voting, left_out, q->present,
                 q->met ? "超过半数，符合规定人数" : "未超过半数，不足规定人数，不能作出决议");
}

/* The cases the 中央组织部 answer lists for not counting a member among those
 * expected (出国半年以上, 长期患病 …); each needs the committee's decision. */
const struct life_reason life_quorum_reasons[] = {
    {"abroad", "出国（境）半年以上"},
    {"illness", "长期患病、生活不能自理或不能表达本人意志"},
    {"away", "外出学习或工作半年以上，组织关系应转未转"},
    {"criminal", "正在受刑事处罚"},
    {NULL, NULL},
};
const char *const life_quorum_reason_codes[] = {"abroad", "illness", "away", "criminal", NULL};

const char *life_quorum_reason_label(const char *code)
{
    for (const struct life_reason *r = life_quorum_reasons; code && r->code; r++)
        if (strcmp(r->code, code) == 0)
            return r->label;
    return "";
}

/* ---------------------------------------------------------------- periods */

int life_periods_per_year(enum life_freq freq)
{
    return freq == LIFE_MONTH ? 12 : freq == LIFE_QUARTER ? 4 : 1;
}

void life_period_bounds(const struct life_period *p, int64_t *start, int64_t *end)
{
    int m0, m1, y1 = p->year;
    switch (p->freq) {
    case LIFE_MONTH: m0 = p->index; m1 = p->index + 1; break;
    case LIFE_QUARTER: m0 = 3 * (p->index - 1) + 1; m1 = m0 + 3; break;
    default: m0 = 1; m1 = 13; break;
    }
    if (m1 > 12) {
        m1 -= 12;
        y1++;
    }
    *start = dj_local_midnight(p->year, m0, 1);
    *end = dj_local_midnight(y1, m1, 1);
}

struct life_period life_period_of(enum life_freq freq, int64_t t)
{
    int y, m, d;
    dj_local_date(t, &y, &m, &d);
    struct life_period p = {freq, y, 1};
    if (freq == LIFE_MONTH)
        p.index = m;
    else if (freq == LIFE_QUARTER)
        p.index = (m - 1) / 3 + 1;
    return p;
}

void life_period_code(const struct life_period *p, char out[16])
{
    if (p->freq == LIFE_MONTH)
        snprintf(out, 16, "%04d-%02d", p->year, p->index);
    else if (p->freq == LIFE_QUARTER)
        snprintf(out, 16, "%04d-Q%d", p->year, p->index);
    else
        snprintf(out, 16, "%04d", p->year);
}

void life_period_label(const struct life_period *p, char out[32])
{
    static const char *const q[] = {"", "第一季度", "第二季度", "第三季度", "第四季度"};
    if (p->freq == LIFE_MONTH)
        snprintf(out, 32, "%d年%d月", p->year, p->index);
    else if (p->freq == LIFE_QUARTER)
        snprintf(out, 32, "%d年%s", p->year, q[p->index >= 1 && p->index <= 4 ? p->index : 0]);
    else
        snprintf(out, 32, "%d年", p->year);
}

void life_period_label_of(const char *code, char out[32])
{
    struct life_period p = {LIFE_YEAR, 0, 1};
    size_t n = code ? strlen(code) : 0;
    if (n < 4 || sscanf(code, "%4d", &p.year) != 1) {
        snprintf(out, 32, "%s", code ? code : "");
        return;
    }
    if (n == 7 && code[5] == 'Q')
        p.freq = LIFE_QUARTER, p.index = code[6] - '0';
    else if (n == 7)
        p.freq = LIFE_MONTH, p.index = atoi(code + 5);
    life_period_label(&p, out);
}

const char *life_freq_name(enum life_freq f)
{
    return f == LIFE_MONTH ? "month" : f == LIFE_QUARTER ? "quarter" : "year";
}

int life_freq_parse(const char *s, enum life_freq *out)
{
    if (!s)
        return DJ_EINVAL;
    if (strcmp(s, "month") == 0)
        *out = LIFE_MONTH;
    else if (strcmp(s, "quarter") == 0)
        *out = LIFE_QUARTER;
    else if (strcmp(s, "year") == 0)
        *out = LIFE_YEAR;
    else
        return DJ_EINVAL;
    return DJ_OK;
}

/* ---------------------------------------------------------------- compliance */

const char *life_status_name(enum life_status s)
{
    static const char *const names[] = {"done", "missing", "not_due", "not_applicable"};
    return names[s];
}

struct life_span life_span_of(const char *set_up_on, const char *dissolved_on)
{
    struct life_span s = {0, INT64_MAX};
    int y, m, d;
    if (set_up_on && dj_date_parse(set_up_on, &y, &m, &d) == DJ_OK)
        s.from = dj_local_midnight(y, m, d);
    if (dissolved_on && dj_date_parse(dissolved_on, &y, &m, &d) == DJ_OK)
        s.until = dj_local_midnight(y, m, d);
    return s;
}

bool life_period_applies(const struct life_period *p, const struct life_span *span)
{
    if (!span)
        return true;
    int64_t start, end;
    life_period_bounds(p, &start, &end);
    return end > span->from && start < span->until;
}

bool life_has_committee(const char *kind, int full_members, int committee_members)
{
    if (kind && (strcmp(kind, "general_branch") == 0 || strcmp(kind, "committee") == 0))
        return true;
    return committee_members >= 3 || full_members >= 7;
}

enum life_status life_period_status(int64_t period_end, int64_t now, bool satisfied)
{
    if (satisfied)
        return LIFE_DONE;
    return now >= period_end ? LIFE_MISSING : LIFE_NOT_DUE;
}

int life_requirements(bool has_groups, bool has_committee, enum life_freq lecture_freq,
                      struct life_requirement out[LIFE_MAX_REQS])
{
    int n = 0;
    out[n++] = (struct life_requirement){"branch_assembly", "支部党员大会", LIFE_QUARTER};
    if (has_committee)
        out[n++] = (struct life_requirement){"committee_meeting", "支部委员会", LIFE_MONTH};
    if (has_groups)
        out[n++] = (struct life_requirement){"group_meeting", "党小组会", LIFE_MONTH};
    out[n++] = (struct life_requirement){"party_lecture", "党课", lecture_freq};
    out[n++] = (struct life_requirement){"theme_day", "主题党日", LIFE_MONTH};
    out[n++] = (struct life_requirement){"org_life_meeting", "组织生活会", LIFE_YEAR};
    out[n++] = (struct life_requirement){"democratic_review", "民主评议党员", LIFE_YEAR};
    out[n++] = (struct life_requirement){"heart_talk", "谈心谈话（每名委员每年）", LIFE_YEAR};
    out[n++] = (struct life_requirement){"study_hours", "学时（每人每年）", LIFE_YEAR};
    return n;
}

void life_compliance_eval(const struct life_requirement *req, int year, int64_t now, const struct life_span *span,
                          const struct life_done_activity *acts, size_t nacts, struct life_cell *cells)
{
    int np = life_periods_per_year(req->freq);
    for (int i = 0; i < np; i++) {
        struct life_cell *cell = &cells[i];
        cell->period = (struct life_period){req->freq, year, i + 1};
        cell->count = 0;
        int64_t start, end;
        life_period_bounds(&cell->period, &start, &end);
        for (size_t a = 0; a < nacts; a++)
            if (strcmp(acts[a].kind, req->code) == 0 && acts[a].starts_at >= start && acts[a].starts_at < end)
                cell->count++;
        cell->status = life_period_applies(&cell->period, span) ? life_period_status(end, now, cell->count > 0)
                                                                : LIFE_NOT_APPLICABLE;
    }
}

enum life_status life_each_status(int year, int64_t now, const struct life_span *span, const double *values, size_t n,
                                  double min, size_t *met)
{
    size_t ok = 0;
    for (size_t i = 0; i < n; i++)
        if (values[i] + 1e-9 >= min)
            ok++;
    if (met)
        *met = ok;
    struct life_period y = {LIFE_YEAR, year, 1};
    if (!life_period_applies(&y, span))
        return LIFE_NOT_APPLICABLE;
    int64_t start, end;
    life_period_bounds(&y, &start, &end);
    return life_period_status(end, now, ok == n); /* no one: nothing is owed */
}

enum life_status life_study_status(int year, int64_t now, const double *hours, size_t nmembers, double min_hours,
                                   size_t *met)
{
    return life_each_status(year, now, NULL, hours, nmembers, min_hours, met);
}
