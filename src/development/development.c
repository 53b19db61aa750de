/* development.c - the pure rules of 发展党员: the 25 steps, date arithmetic,
 * working days, the 支部党员大会 vote, and the state machine that replays an
 * application's records and says whether the next one may be taken, from
 * which day, by which deadline, and which rule refuses it.  No SQL, no HTTP:
 * every rule is a function of plain data, tested at its boundaries in
 * tests/unit/test_development.c. */
#include "development.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../core/err.h"
#include "../core/timeutil.h"
#include "../life/life.h"

/* ---------------------------------------------------------------- days */

int dev_day_parse(const char *s, dev_day *out)
{
    int y, m, d;
    if (!s || dj_date_parse(s, &y, &m, &d) != DJ_OK)
        return DJ_EINVAL;
    *out = dj_days_from_civil(y, m, d);
    return DJ_OK;
}

void dev_day_format(dev_day d, char out[11])
{
    int y, m, dd;
    dj_civil_from_days(d, &y, &m, &dd);
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 13u, (unsigned)dd % 32u);
}

void dev_day_cn(dev_day d, char out[24])
{
    int y, m, dd;
    dj_civil_from_days(d, &y, &m, &dd);
    snprintf(out, 24, "%u年%u月%u日", (unsigned)y % 10000u, (unsigned)m % 13u, (unsigned)dd % 32u);
}

dev_day dev_add_months(dev_day d, int n)
{
    int y, m, dd;
    dj_civil_from_days(d, &y, &m, &dd);
    int total = y * 12 + (m - 1) + n;
    int ny = total / 12, nm = total % 12 + 1;
    int last = dj_days_in_month(ny, nm);
    return dj_days_from_civil(ny, nm, dd > last ? last : dd);
}

dev_day dev_add_years(dev_day d, int n) { return dev_add_months(d, 12 * n); }

int dev_weekday(dev_day d)
{
    int64_t w = (d + 4) % 7; /* 1970-01-01 was a Thursday */
    return (int)(w < 0 ? w + 7 : w);
}

dev_day dev_full_on_min(dev_day joined_on, int ext_months)
{
    return dev_add_months(joined_on, 12 + ext_months);
}

/* ---------------------------------------------------------------- working days */

/* The calendar's entry for d, or NULL (binary search). */
static const struct dev_cal_day *cal_find(const struct dev_calendar *cal, dev_day d)
{
    if (!cal)
        return NULL;
    size_t lo = 0, hi = cal->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->days[mid].day == d)
            return &cal->days[mid];
        if (cal->days[mid].day < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

bool dev_is_workday(const struct dev_calendar *cal, dev_day d)
{
    const struct dev_cal_day *x = cal_find(cal, d);
    if (x)
        return x->workday;
    int w = dev_weekday(d);
    return w != 0 && w != 6;
}

dev_day dev_workdays_end(const struct dev_calendar *cal, dev_day start, int n)
{
    dev_day d = start;
    int seen = 0;
    if (n < 1)
        n = 1;
    for (int guard = 0; guard < 3660; guard++, d++) {
        if (dev_is_workday(cal, d) && ++seen == n)
            return d;
    }
    return d;
}

int dev_workdays_between(const struct dev_calendar *cal, dev_day from, dev_day to)
{
    int n = 0;
    for (dev_day d = from; d <= to; d++)
        n += dev_is_workday(cal, d);
    return n;
}

/* ---------------------------------------------------------------- votes */

const char *dev_vote_invalid(const struct dev_vote *v, const char **field)
{
    if (v->voting_members < 1) {
        *field = "vote.voting_members";
        return "应到会有表决权的正式党员人数须至少为1";
    }
    if (v->present < 0 || v->present > v->voting_members) {
        *field = "vote.present";
        return "实到有表决权的正式党员人数不能超过应到人数";
    }
    if (v->votes_for < 0 || v->votes_against < 0 || v->abstentions < 0) {
        *field = "vote.votes_for";
        return "票数不能为负数";
    }
    if (v->votes_for + v->votes_against + v->abstentions > v->present) {
        *field = "vote.votes_for";
        return "赞成、反对、弃权票数之和不能超过实到有表决权的正式党员人数";
    }
    return NULL;
}

bool dev_vote_quorum(const struct dev_vote *v) { return life_quorum_met(v->voting_members, v->present); }

bool dev_vote_passed(const struct dev_vote *v) { return dev_vote_quorum(v) && 2 * v->votes_for > v->voting_members; }

/* ---------------------------------------------------------------- state */

static void reset_step(struct dev_state *st, int s)
{
    st->at[s] = DEV_NO_DAY;
    st->count[s] = 0;
    st->decision[s][0] = 0;
}

void dev_state_init(struct dev_state *st, int legacy_before)
{
    memset(st, 0, sizeof *st);
    for (int s = 0; s <= DEV_NSTEPS; s++)
        reset_step(st, s);
    st->resolution = st->probation_until = st->full_on = DEV_NO_DAY;
    st->last_assessment = st->last_prob_assessment = st->stopped_on = DEV_NO_DAY;
    st->legacy_before = legacy_before;
}

bool dev_done(const struct dev_state *st, int s)
{
    return s >= 1 && s <= DEV_NSTEPS && (s < st->legacy_before || st->at[s] != DEV_NO_DAY);
}

const char *dev_state_status(const struct dev_state *st)
{
    if (st->stopped)
        return "none";
    if (st->full_on != DEV_NO_DAY)
        return "full";
    if (dev_done(st, 17))
        return "probationary";
    if (dev_done(st, 7))
        return "candidate";
    if (dev_done(st, 3))
        return "activist";
    if (dev_done(st, 1))
        return "applicant";
    return "none";
}

int dev_state_stage(const struct dev_state *st)
{
    if (st->full_on != DEV_NO_DAY)
        return DEV_STAGE_DONE;
    if (dev_done(st, 17))
        return DEV_STAGE_PROBATION;
    if (dev_done(st, 12))
        return DEV_STAGE_ADMISSION;
    if (dev_done(st, 7))
        return DEV_STAGE_CANDIDATE;
    if (dev_done(st, 3))
        return DEV_STAGE_ACTIVIST;
    return DEV_STAGE_APPLICANT;
}

/* ---------------------------------------------------------------- windows */

/* The steps that must be done before each step. */
static const int reqs[DEV_NSTEPS + 1][5] = {
    [2] = {1},         [3] = {2},      [4] = {3},  [5] = {3},  [6] = {5},  [7] = {3, 4, 5, 6},
    [8] = {7},         [9] = {7},      [10] = {7}, [11] = {7}, [12] = {8, 9, 10, 11},
    [13] = {12},       [14] = {13},    [15] = {14}, [16] = {15}, [17] = {16}, [18] = {17},
    [19] = {17},       [20] = {17},    [21] = {17}, [22] = {17}, [23] = {22}, [24] = {23},
    [25] = {24},
};
/* The step a 公示 must follow (it is posted for this round, not an earlier one). */
static const int notice_after[DEV_NSTEPS + 1] = {[3] = 2, [7] = 3, [13] = 12, [23] = 22};

static void cn(dev_day d, char out[24]) { dev_day_cn(d, out); }

static void blockf(struct dev_window *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void blockf(struct dev_window *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->blocked, sizeof w->blocked, fmt, ap);
    va_end(ap);
    w->open = false;
}

/* The latest notice for step s posted on or after `after`, or NULL. */
static const struct dev_notice *notice_for(const struct dev_ctx *ctx, int s, dev_day after)
{
    const struct dev_notice *best = NULL;
    for (size_t i = 0; i < ctx->nnotices; i++) {
        const struct dev_notice *n = &ctx->notices[i];
        if (n->step == s && (after == DEV_NO_DAY || n->starts_on >= after) &&
            (!best || n->starts_on >= best->starts_on))
            best = n;
    }
    return best;
}

/* Raises w->earliest to d (with its reason) when d is later. */
static void later(struct dev_window *w, char why[300], dev_day d, const char *reason)
{
    if (d != DEV_NO_DAY && (w->earliest == DEV_NO_DAY || d >= w->earliest)) {
        w->earliest = d;
        snprintf(why, 300, "%s", reason);
    }
}

/* The state a step needs: not stopped, not done already, the steps before it
 * done (and from the day of the latest of them).  False when blocked. */
static bool gate(const struct dev_state *st, int s, bool imported, struct dev_window *w, char why[300])
{
    const struct dev_step_def *def = dev_step_def(s);
    char d1[24], r[300];
    if (st->stopped) {
        blockf(w, "该发展档案已终止（%s），不能再办理", dev_decision_label(st->stop_kind));
        return false;
    }
    /* an import dates a step the platform counts as done before it */
    bool legacy_dated = imported && s < st->legacy_before && st->at[s] == DEV_NO_DAY;
    if (!(def->flags & DEV_F_REPEAT) && dev_done(st, s) && !legacy_dated) {
        blockf(w, "第%d步“%s”已办理；如有错误，请更正原记录", s, def->name);
        return false;
    }
    if ((def->flags & DEV_F_REPEAT) && dev_state_stage(st) > def->stage) {
        blockf(w, "已进入“%s”阶段，不再办理“%s”", dev_stage_name(dev_state_stage(st)), def->name);
        return false;
    }
    for (int i = 0; i < 5 && reqs[s][i]; i++) {
        int q = reqs[s][i];
        const struct dev_step_def *qd = dev_step_def(q);
        if (!dev_done(st, q)) {
            if (q == 24 || q == 17 || q == 13 || q == 10)
                blockf(w, "须先完成第%d步“%s”（且结论为%s）", q, qd->name, dev_decision_label(qd->decisions[0]));
            else if (q == 23)
                blockf(w, "须先由支部大会通过转正、延长预备期或取消资格的决议（第23步）");
            else
                blockf(w, "须先完成第%d步“%s”", q, qd->name);
            return false;
        }
        if (st->at[q] != DEV_NO_DAY && (w->earliest == DEV_NO_DAY || st->at[q] > w->earliest)) {
            cn(st->at[q], d1);
            snprintf(r, sizeof r, "须在第%d步“%s”（%s）之后办理", q, qd->name, d1);
            later(w, why, st->at[q], r);
        }
    }
    /* an imported milestone is never dated before an earlier one */
    for (int q = 1; imported && q < s; q++)
        if (!(dev_step_def(q)->flags & DEV_F_REPEAT) && st->at[q] != DEV_NO_DAY &&
            (w->earliest == DEV_NO_DAY || st->at[q] > w->earliest)) {
            cn(st->at[q], d1);
            snprintf(r, sizeof r, "须在第%d步“%s”（%s）之后", q, dev_step_def(q)->name, d1);
            later(w, why, st->at[q], r);
        }
    /* 24 approves a passed resolution; 25 follows an approved 转正 */
    if (s == 24 && !st->full_proposal[0]) {
        blockf(w, "支部大会的转正决议未获通过，须重新讨论（第23步）");
        return false;
    }
    if (s == 25 && st->full_on == DEV_NO_DAY) {
        blockf(w, "须先经上级党委批准转正（第24步）");
        return false;
    }
    return true;
}

/* The intervals of DOMAIN §5: the first allowed day and the deadline of step s. */
static bool intervals(const struct dev_state *st, const struct dev_ctx *ctx, int s, struct dev_window *w, char why[300])
{
    char d1[24], d2[24], r[300];
    switch (s) {
    case 1:
        if (ctx->birth == DEV_NO_DAY) {
            blockf(w, "名册中缺少出生日期，无法核对是否年满18周岁；请先在党员名册中补充出生日期");
            return false;
        }
        cn(dev_add_years(ctx->birth, 18), d1);
        snprintf(r, sizeof r, "递交入党申请书须年满18周岁：%s年满18周岁", d1);
        later(w, why, dev_add_years(ctx->birth, 18), r);
        break;
    case 2:
    case 6:
    case 21: {
        /* the talk a month after the application; assessments every six months */
        dev_day from = s == 2 ? st->at[1] : s == 6 ? st->last_assessment : st->last_prob_assessment;
        if (from != DEV_NO_DAY) {
            w->due = dev_add_months(from, s == 2 ? 1 : 6);
            w->warn = w->due - (s == 2 ? 7 : 30);
        }
        break;
    }
    case 7:
        if (st->at[3] != DEV_NO_DAY) {
            cn(st->at[3], d1);
            cn(dev_add_years(st->at[3], 1), d2);
            snprintf(r, sizeof r, "确定为发展对象须经过一年以上的培养考察：%s确定为入党积极分子，满一年为%s", d1, d2);
            later(w, why, dev_add_years(st->at[3], 1), r);
        }
        break;
    case 17:
    case 24: {
        /* the higher committee: within three months of the branch's resolution */
        dev_day res = s == 17 ? st->resolution : st->at[23];
        if (res != DEV_NO_DAY) {
            w->due = dev_add_months(res, 3);
            w->warn = dev_add_months(res, 2);
            cn(res, d1);
            snprintf(r, sizeof r, "审批须在支部大会通过决议（%s）之后", d1);
            if (s == 17)
                later(w, why, res, r);
        }
        break;
    }
    case 22:
    case 23:
        if (st->probation_until != DEV_NO_DAY) {
            cn(st->probation_until, d1);
            if (s == 22)
                snprintf(r, sizeof r, "预备期满（%s）前一个月起方可提出转正申请", d1);
            else
                snprintf(r, sizeof r, "预备期%s满，期满后方可讨论转正", d1);
            later(w, why, s == 22 ? dev_add_months(st->probation_until, -1) : st->probation_until, r);
        }
        break;
    default:
        break;
    }
    return true;
}

/* The 公示 before step s: posted for this round, long enough, ended before the step. */
static void notice_bound(const struct dev_state *st, const struct dev_ctx *ctx, int s, struct dev_window *w,
                         char why[300])
{
    char d1[24], d2[24], r[300];
    int after = notice_after[s];
    const struct dev_notice *n = notice_for(ctx, s, after ? st->at[after] : DEV_NO_DAY);
    if (!n || n->working_days < ctx->notice_days) {
        blockf(w, "须先公示，公示期不少于%d个工作日", ctx->notice_days);
        return;
    }
    if (w->earliest == DEV_NO_DAY || n->ends_on + 1 > w->earliest) {
        cn(n->starts_on, d1);
        cn(n->ends_on, d2);
        snprintf(r, sizeof r, "须在公示期满后办理：公示自%s起%d个工作日，至%s期满", d1, n->working_days, d2);
        later(w, why, n->ends_on + 1, r);
    }
}

/* Window of a step, plus the reason its earliest day is what it is. */
static void window(const struct dev_state *st, const struct dev_ctx *ctx, int s, bool imported, struct dev_window *w,
                   char why[300])
{
    memset(w, 0, sizeof *w);
    w->open = true;
    w->earliest = w->due = w->warn = DEV_NO_DAY;
    why[0] = 0;
    if (!dev_step_def(s) || s == 0)
        return;
    if (!gate(st, s, imported, w, why) || !intervals(st, ctx, s, w, why))
        return;
    /* a 公示 held before the platform is not on record: imports skip it */
    if ((ctx->notice_steps & (1u << s)) && !imported)
        notice_bound(st, ctx, s, w, why);
}

void dev_window_of(const struct dev_state *st, const struct dev_ctx *ctx, int s, struct dev_window *w)
{
    char why[300];
    window(st, ctx, s, false, w, why);
}

/* ---------------------------------------------------------------- checks */

static int refuse(struct dev_verdict *v, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int refuse(struct dev_verdict *v, int code, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->message, sizeof v->message, fmt, ap);
    va_end(ap);
    v->field = field;
    v->code = code;
    return code;
}

static bool in_list(const char *const *list, const char *s)
{
    for (int i = 0; list && list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

/* 集中培训 within the year before `on`: days from trainings, hours from
 * trainings and organisational-life study. */
static void training_totals(const struct dev_state *st, const struct dev_ctx *ctx, dev_day on, double *days,
                            double *hours, double *life_hours)
{
    dev_day from = dev_add_years(on, -1);
    *days = *hours = *life_hours = 0;
    for (int i = 0; i < st->ntrain; i++)
        if (st->train_day[i] >= from && st->train_day[i] <= on) {
            *days += st->train_days[i];
            *hours += st->train_hours[i];
        }
    for (size_t i = 0; i < ctx->nstudy; i++)
        if (ctx->study[i].day >= from && ctx->study[i].day <= on)
            *life_hours += ctx->study[i].hours;
    *hours += *life_hours;
}

static int check_stop(const struct dev_state *st, const struct dev_rec *rec, struct dev_verdict *v)
{
    static const char *const kinds[] = {"withdrawn", "disqualified", NULL};
    char d1[24];
    if (st->stopped)
        return refuse(v, DJ_ECONFLICT, "step", "该发展档案已终止");
    if (st->full_on != DEV_NO_DAY || dev_done(st, 17))
        return refuse(v, DJ_ECONFLICT, "step",
                      "已是党员，不能终止发展档案；取消预备党员资格须经支部大会讨论和上级党委审批（第23、24步）");
    if (!in_list(kinds, rec->decision))
        return refuse(v, DJ_EINVAL, "decision", "终止原因只能是“本人撤回申请”或“不再列为培养对象”");
    if (st->at[1] != DEV_NO_DAY && rec->on < st->at[1]) {
        cn(st->at[1], d1);
        return refuse(v, DJ_EUNPROCESSABLE, "on_date", "终止日期不能早于递交入党申请书之日（%s）", d1);
    }
    return DJ_OK;
}

/* Evidence of a new record: people, declaration, organ, notice, vote, training. */
static int check_evidence(const struct dev_state *st, const struct dev_ctx *ctx, const struct dev_rec *rec,
                          struct dev_verdict *v)
{
    const char *field = NULL;
    switch (rec->step) {
    case 3:
        if (!rec->organ || (strcmp(rec->organ, "committee") != 0 && strcmp(rec->organ, "assembly") != 0))
            return refuse(v, DJ_EINVAL, "organ", "请选择由支部委员会还是支部党员大会研究确定");
        if (strcmp(rec->organ, "committee") == 0 && !ctx->has_committee)
            return refuse(v, DJ_EUNPROCESSABLE, "organ", "本支部未设支部委员会，入党积极分子应由支部党员大会研究确定");
        break;
    case 5:
        if (rec->people < 1 || rec->people > 2)
            return refuse(v, DJ_EUNPROCESSABLE, "people", "培养联系人应为一至两名正式党员");
        if (!rec->people_full)
            return refuse(v, DJ_EUNPROCESSABLE, "people", "培养联系人须是正式党员，且不能是本人");
        break;
    case 9:
        if (rec->people != 2)
            return refuse(v, DJ_EUNPROCESSABLE, "people", "入党介绍人须为两名正式党员");
        if (!rec->people_full)
            return refuse(v, DJ_EUNPROCESSABLE, "people", "入党介绍人须是正式党员，且不能是本人");
        if (!rec->declaration)
            return refuse(v, DJ_EUNPROCESSABLE, "declaration", "请记录入党介绍人关于与发展对象无亲属关系的声明");
        break;
    case 11:
        if (rec->train_days <= 0 && rec->train_hours <= 0)
            return refuse(v, DJ_EINVAL, "training", "请填写培训天数或学时");
        break;
    case 15:
    case 23:
        if (!rec->has_vote)
            return refuse(v, DJ_EINVAL, "vote", "请填写表决情况：应到、实到有表决权的正式党员人数及赞成、反对、弃权票数");
        {
            const char *why = dev_vote_invalid(&rec->vote, &field);
            if (why)
                return refuse(v, DJ_EINVAL, field, "%s", why);
        }
        if (!dev_vote_quorum(&rec->vote))
            return refuse(v, DJ_EUNPROCESSABLE, "vote.present",
                          "到会有表决权的正式党员须超过应到人数的一半：应到%d人，须至少%d人到会，实到%d人，会议不能表决",
                          rec->vote.voting_members, rec->vote.voting_members / 2 + 1, rec->vote.present);
        break;
    default:
        break;
    }
    if ((ctx->notice_steps & (1u << rec->step)) && !rec->notice_clear)
        return refuse(v, DJ_EUNPROCESSABLE, "notice_clear", "请确认公示期满且无异议（有异议的须调查核实后重新公示）");
    (void)st;
    return DJ_OK;
}

/* Rules that depend on dates and hold on every replay. */
static int check_dated(const struct dev_state *st, const struct dev_ctx *ctx, const struct dev_rec *rec,
                       struct dev_verdict *v)
{
    char d1[24], d2[24];
    if (rec->step == 7 && !rec->imported && rec->step >= st->legacy_before) {
        if (st->last_assessment != DEV_NO_DAY && dev_add_months(st->last_assessment, 6) < rec->on) {
            cn(st->last_assessment, d1);
            cn(dev_add_months(st->last_assessment, 6), d2);
            return refuse(v, DJ_EUNPROCESSABLE, "on_date",
                          "培养考察每半年至少一次：最近一次考察在%s，%s前应再考察一次（第6步）后方可确定为发展对象", d1,
                          d2);
        }
    }
    if (rec->step == 12 && !rec->imported && rec->step >= st->legacy_before) {
        double days, hours, life;
        training_totals(st, ctx, rec->on, &days, &hours, &life);
        if (days < 3 && hours < 24)
            return refuse(v, DJ_EUNPROCESSABLE, "on_date",
                          "集中培训一般不少于3天或24学时（一年内有效）：近一年已培训%.1f天、%.1f学时（其中组织生活学习%.1f学时）",
                          days, hours, life);
    }
    if (rec->step == 23 && strcmp(rec->decision, "extend") == 0) {
        if (st->ext_months > 0)
            return refuse(v, DJ_EUNPROCESSABLE, "decision", "预备期只能延长一次，已延长%d个月", st->ext_months);
        if (rec->months < 6 || rec->months > 12)
            return refuse(v, DJ_EUNPROCESSABLE, "months", "延长预备期为6至12个月");
    }
    return DJ_OK;
}

int dev_check(const struct dev_state *st, const struct dev_ctx *ctx, const struct dev_rec *rec, struct dev_verdict *v)
{
    memset(v, 0, sizeof *v);
    char d1[24];
    if (rec->on > ctx->today)
        return refuse(v, DJ_EINVAL, "on_date", "办理日期不能晚于今天");
    if (rec->step == DEV_STEP_STOP)
        return check_stop(st, rec, v);
    const struct dev_step_def *def = dev_step_def(rec->step);
    if (!def)
        return refuse(v, DJ_EINVAL, "step", "步骤应为1至25");
    struct dev_window w;
    char why[300];
    window(st, ctx, rec->step, rec->imported, &w, why);
    if (!w.open)
        return refuse(v, DJ_ECONFLICT, "step", "%s", w.blocked);
    if (w.earliest != DEV_NO_DAY && rec->on < w.earliest) {
        cn(w.earliest, d1);
        return refuse(v, DJ_EUNPROCESSABLE, "on_date", "%s；最早可在%s办理", why[0] ? why : def->rule, d1);
    }
    if (w.due != DEV_NO_DAY && rec->on > w.due && !rec->late_reason) {
        cn(w.due, d1);
        return refuse(v, DJ_EUNPROCESSABLE, "late_reason", "%s应在%s前办理，已逾期；逾期办理须说明原因", def->name, d1);
    }
    if (def->decisions ? !in_list(def->decisions, rec->decision) : rec->decision[0] != 0)
        return refuse(v, DJ_EINVAL, "decision", def->decisions ? "请选择“%s”的结论" : "“%s”没有结论项", def->name);
    if (!rec->verified && !rec->imported) {
        int rc = check_evidence(st, ctx, rec, v);
        if (rc)
            return rc;
    }
    return check_dated(st, ctx, rec, v);
}

static bool positive(const struct dev_rec *rec)
{
    const struct dev_step_def *def = dev_step_def(rec->step);
    if (!def->decisions)
        return true;
    if (rec->step == 23)
        return strcmp(rec->decision, "failed") != 0;
    return strcmp(rec->decision, def->decisions[0]) == 0;
}

void dev_apply(struct dev_state *st, const struct dev_rec *rec)
{
    int s = rec->step;
    if (s == DEV_STEP_STOP) {
        st->stopped = true;
        snprintf(st->stop_kind, sizeof st->stop_kind, "%s", rec->decision);
        st->stopped_on = rec->on;
        return;
    }
    st->count[s]++;
    snprintf(st->decision[s], sizeof st->decision[s], "%s", rec->decision);
    bool ok = positive(rec);
    if (ok && (st->at[s] == DEV_NO_DAY || rec->on >= st->at[s]))
        st->at[s] = rec->on;
    switch (s) {
    case 3:
    case 6:
        if (st->last_assessment == DEV_NO_DAY || rec->on > st->last_assessment)
            st->last_assessment = rec->on;
        break;
    case 11:
        if (st->ntrain < DEV_MAX_TRAININGS) {
            st->train_day[st->ntrain] = rec->on;
            st->train_days[st->ntrain] = rec->train_days;
            st->train_hours[st->ntrain] = rec->train_hours;
            st->ntrain++;
        }
        break;
    case 15:
        if (ok)
            st->resolution = rec->on;
        break;
    case 17:
    case 21:
        if (s == 17 && ok && st->resolution != DEV_NO_DAY)
            st->probation_until = dev_add_years(st->resolution, 1);
        if (ok && (st->last_prob_assessment == DEV_NO_DAY || rec->on > st->last_prob_assessment))
            st->last_prob_assessment = rec->on;
        break;
    case 23:
        if (ok) {
            snprintf(st->full_proposal, sizeof st->full_proposal, "%s", rec->decision);
            st->ext_proposal = rec->months;
        }
        break;
    case 24:
        if (!ok || !st->full_proposal[0]) {
            reset_step(st, 23); /* refused: the branch discusses again */
            st->at[24] = DEV_NO_DAY;
            st->full_proposal[0] = 0;
        } else if (strcmp(st->full_proposal, "full") == 0) {
            st->full_on = st->probation_until;
        } else if (strcmp(st->full_proposal, "extend") == 0) {
            st->ext_months = st->ext_proposal;
            st->probation_until = dev_add_months(st->probation_until, st->ext_months);
            /* a new round: application, 公示, vote and approval again at its end */
            reset_step(st, 22);
            reset_step(st, 23);
            reset_step(st, 24);
            st->full_proposal[0] = 0;
        } else {
            st->stopped = true;
            snprintf(st->stop_kind, sizeof st->stop_kind, "cancelled");
            st->stopped_on = rec->on;
        }
        st->ext_proposal = 0;
        break;
    default:
        break;
    }
}

int dev_replay(const struct dev_rec *recs, size_t n, const struct dev_ctx *ctx, struct dev_state *st,
               struct dev_verdict *v, size_t *bad)
{
    for (size_t i = 0; i < n; i++) {
        int rc = dev_check(st, ctx, &recs[i], v);
        if (rc) {
            if (bad)
                *bad = i;
            return rc;
        }
        dev_apply(st, &recs[i]);
    }
    return DJ_OK;
}

int dev_next(const struct dev_state *st, const struct dev_ctx *ctx, struct dev_window *w)
{
    memset(w, 0, sizeof *w);
    w->earliest = w->due = w->warn = DEV_NO_DAY;
    if (st->stopped)
        return 0;
    for (int s = 1; s <= DEV_NSTEPS; s++) {
        /* 21 recurs through the probation (a to-do, not the next step); 6 and 11 are next until done once */
        if (s == 21 || ((dev_step_def(s)->flags & DEV_F_REPEAT) ? st->count[s] > 0 || s < st->legacy_before : dev_done(st, s)))
            continue;
        struct dev_window x;
        dev_window_of(st, ctx, s, &x);
        if (x.open || strstr(x.blocked, "公示")) {
            *w = x;
            return s;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- flags */

static void flag(struct dev_flag *out, int *n, const char *code, bool overdue, dev_day day, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static void flag(struct dev_flag *out, int *n, const char *code, bool overdue, dev_day day, const char *fmt, ...)
{
    if (*n >= DEV_MAX_FLAGS)
        return;
    struct dev_flag *f = &out[(*n)++];
    f->code = code;
    f->overdue = overdue;
    f->day = day;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof f->message, fmt, ap);
    va_end(ap);
}

/* The flag code of a deadline: talk_due/talk_overdue, assessment_due/…, approval_warning/…. */
static const char *flag_code(const char *base, bool overdue)
{
    if (strcmp(base, "talk") == 0)
        return overdue ? "talk_overdue" : "talk_due";
    if (strcmp(base, "assessment") == 0)
        return overdue ? "assessment_overdue" : "assessment_due";
    return overdue ? "approval_overdue" : "approval_warning";
}

int dev_deadlines(const struct dev_state *st, struct dev_deadline out[DEV_MAX_FLAGS])
{
    int n = 0;
#define ADD(c, w, d, x)                                                                                                \
    do {                                                                                                               \
        if (n < DEV_MAX_FLAGS)                                                                                         \
            out[n++] = (struct dev_deadline){c, w, d, x};                                                              \
    } while (0)
    if (st->stopped || st->full_on != DEV_NO_DAY)
        return 0;
    if (st->at[1] != DEV_NO_DAY && !dev_done(st, 2)) {
        dev_day due = dev_add_months(st->at[1], 1);
        ADD("talk", due - 7, due, "入党申请人谈话");
    }
    if (dev_done(st, 3) && !dev_done(st, 7) && st->last_assessment != DEV_NO_DAY) {
        dev_day due = dev_add_months(st->last_assessment, 6);
        ADD("assessment", due - 30, due, "入党积极分子半年考察");
    }
    if (st->resolution != DEV_NO_DAY && !dev_done(st, 17))
        ADD("approval", dev_add_months(st->resolution, 2), dev_add_months(st->resolution, 3),
            "上级党委审批（接收预备党员）");
    if (dev_done(st, 17) && st->probation_until != DEV_NO_DAY) {
        if (st->full_proposal[0] && st->at[23] != DEV_NO_DAY)
            ADD("approval", dev_add_months(st->at[23], 2), dev_add_months(st->at[23], 3), "上级党委审批（转正）");
        else
            ADD("probation", dev_add_months(st->probation_until, -1), st->probation_until, "预备期满讨论转正");
        if (st->last_prob_assessment != DEV_NO_DAY) {
            dev_day due = dev_add_months(st->last_prob_assessment, 6);
            if (due < st->probation_until)
                ADD("assessment", due - 30, due, "预备党员半年考察");
        }
    }
#undef ADD
    return n;
}

int dev_flags(const struct dev_state *st, const struct dev_ctx *ctx, struct dev_flag out[DEV_MAX_FLAGS])
{
    struct dev_deadline dl[DEV_MAX_FLAGS];
    int nd = dev_deadlines(st, dl), n = 0;
    dev_day today = ctx->today;
    for (int i = 0; i < nd; i++) {
        char d[24];
        dev_day_cn(dl[i].due, d);
        if (strcmp(dl[i].code, "probation") == 0) {
            if (today > dl[i].due)
                flag(out, &n, "probation_ended", true, dl[i].due, "预备期已于%s期满，尚未讨论转正或延长预备期", d);
            else if (today >= dl[i].warn)
                flag(out, &n, "probation_ending", false, dl[i].due,
                     "预备期将于%s期满，请提出转正申请并准备讨论转正", d);
            continue;
        }
        if (today > dl[i].due)
            flag(out, &n, flag_code(dl[i].code, true), true, dl[i].due, "%s已逾期：应在%s前办理，已超过%lld天",
                 dl[i].what, d, (long long)(today - dl[i].due));
        else if (today >= dl[i].warn)
            flag(out, &n, flag_code(dl[i].code, false), false, dl[i].due, "%s将到期：应在%s前办理，还剩%lld天",
                 dl[i].what, d, (long long)(dl[i].due - today));
    }
    return n;
}
