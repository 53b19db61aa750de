/* dues.c - the rules of party dues as pure functions: calendar months, the
 * rate table's tiers, the share of a base rounded half up in integer fen, the
 * months a member owes and what each is, arrears in a row, which months a
 * payment may cover and how its money is split over them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/timeutil.h"
#include "dues.h"

/* ---------------------------------------------------------------- months */

dues_month dues_month_of(int y, int m)
{
    return y * 12 + (m - 1);
}

int dues_month_year(dues_month mo)
{
    return mo / 12;
}

int dues_month_mon(dues_month mo)
{
    return mo % 12 + 1;
}

int dues_month_parse(const char *s, dues_month *out)
{
    if (!s || strlen(s) != 7 || s[4] != '-')
        return DJ_EINVAL;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9'))
            return DJ_EINVAL;
    int y = atoi(s), m = atoi(s + 5);
    if (y < 2000 || y > 2100 || m < 1 || m > 12)
        return DJ_EINVAL;
    *out = dues_month_of(y, m);
    return DJ_OK;
}

void dues_month_format(dues_month mo, char out[8])
{
    char t[16];
    snprintf(t, sizeof t, "%04d-%02d", dues_month_year(mo) % 10000, dues_month_mon(mo));
    memcpy(out, t, 8);
}

dues_month dues_month_at(int64_t t)
{
    int y, m, d;
    dj_local_date(t, &y, &m, &d);
    return dues_month_of(y, m);
}

dues_month dues_month_of_date(const char *date)
{
    int y, m, d;
    if (!date || dj_date_parse(date, &y, &m, &d) != DJ_OK)
        return -1;
    return dues_month_of(y, m);
}

int64_t dues_month_last_day(dues_month mo)
{
    int y = dues_month_year(mo), m = dues_month_mon(mo);
    return dj_days_from_civil(y, m, dj_days_in_month(y, m));
}

/* ---------------------------------------------------------------- categories */

const char *const dues_categories[] = {"employed", "retired", "student", "no_income", "relief", "farmer", NULL};
const char *const dues_category_names[] = {"在职", "离退休", "学生", "无固定收入", "领取救济金或低保", "农民", NULL};
const char *const dues_state_codes[] = {"not_due", "no_base", "paid", "short", "unpaid", "waived", NULL};

int dues_category_parse(const char *s)
{
    for (int i = 0; s && dues_categories[i]; i++)
        if (strcmp(s, dues_categories[i]) == 0)
            return i;
    return -1;
}

bool dues_category_has_base(int category)
{
    return category == DUES_EMPLOYED || category == DUES_RETIRED;
}

/* ---------------------------------------------------------------- amounts */

int64_t dues_round_half_up(int64_t num, int64_t den)
{
    return (num + den / 2) / den;
}

int64_t dues_share_fen(int64_t base_fen, int rate_bp)
{
    /* base (fen) x rate (1/10000) is fen: 345650 x 100 / 10000 = 3456.5 -> 3457 */
    return dues_round_half_up(base_fen * rate_bp, 10000);
}

const struct dues_rate *dues_rate_find(const struct dues_rate *rates, size_t n, int category, dues_month month,
                                       int64_t base_fen)
{
    dues_month from = -1;
    for (size_t i = 0; i < n; i++)
        if (rates[i].category == category && rates[i].from <= month && rates[i].from > from)
            from = rates[i].from;
    if (from < 0)
        return NULL;
    const struct dues_rate *best = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct dues_rate *r = &rates[i];
        if (r->category != category || r->from != from)
            continue;
        if (r->upper_fen >= 0 && base_fen > r->upper_fen)
            continue;
        /* the tightest bound that still holds the base; no bound ranks last */
        if (!best || (r->upper_fen >= 0 && (best->upper_fen < 0 || r->upper_fen < best->upper_fen)))
            best = r;
    }
    return best;
}

int dues_monthly_fen(const struct dues_rate *rates, size_t n, const struct dues_base *b, dues_month month,
                     int64_t *fen, int *rate_bp)
{
    const struct dues_rate *r = dues_rate_find(rates, n, b->category, month, b->base_fen);
    if (!r)
        return DJ_ENOTFOUND;
    if (r->rate_bp >= 0) {
        *fen = dues_share_fen(b->base_fen, r->rate_bp);
        *rate_bp = r->rate_bp;
        return DJ_OK;
    }
    int64_t amount = r->fixed_fen;
    /* a range (farmers): the amount set for the person, kept within it */
    if (r->fixed_max_fen >= 0 && b->fixed_fen >= 0)
        amount = b->fixed_fen < r->fixed_fen ? r->fixed_fen : b->fixed_fen > r->fixed_max_fen ? r->fixed_max_fen
                                                                                            : b->fixed_fen;
    *fen = amount;
    *rate_bp = -1;
    return DJ_OK;
}

/* ---------------------------------------------------------------- months of a member */

const struct dues_base *dues_base_at(const struct dues_facts *f, dues_month month)
{
    const struct dues_base *b = NULL;
    for (size_t i = 0; i < f->nbases; i++)
        if (f->bases[i].from <= month)
            b = &f->bases[i]; /* sorted: the last one that started wins */
    return b;
}

dues_month dues_first_month(const struct dues_facts *f)
{
    if (f->start < 0 || f->nbases == 0)
        return f->start < 0 ? -1 : f->start;
    return f->bases[0].from > f->start ? f->bases[0].from : f->start;
}

void dues_month_compute(const struct dues_facts *f, dues_month month, int64_t paid_fen, struct dues_month_row *out)
{
    memset(out, 0, sizeof *out);
    out->month = month;
    out->paid_fen = paid_fen;
    out->category = -1;
    out->rate_bp = -1;
    dues_month first = dues_first_month(f);
    if (first < 0 || month < first || (f->end >= 0 && month > f->end)) {
        out->state = DUES_NOT_DUE;
        return;
    }
    const struct dues_base *b = dues_base_at(f, month);
    if (!b) {
        /* no base at all yet: the branch must set one; not counted as arrears */
        out->state = paid_fen > 0 ? DUES_PAID : DUES_NO_BASE;
        return;
    }
    out->category = b->category;
    out->base_fen = dues_category_has_base(b->category) ? b->base_fen : 0;
    int64_t due = 0;
    if (dues_monthly_fen(f->rates, f->nrates, b, month, &due, &out->rate_bp) != DJ_OK) {
        out->state = paid_fen > 0 ? DUES_PAID : DUES_NO_BASE;
        return;
    }
    for (size_t i = 0; i < f->nreds; i++) {
        const struct dues_reduction *r = &f->reds[i];
        if (month >= r->from && month <= r->to) {
            out->reduced = true;
            due = r->waive ? 0 : (r->amount_fen < due ? r->amount_fen : due);
        }
    }
    out->due_fen = due;
    if (due == 0)
        out->state = DUES_WAIVED;
    else if (paid_fen >= due)
        out->state = DUES_PAID;
    else if (paid_fen > 0)
        out->state = DUES_SHORT;
    else
        out->state = DUES_UNPAID;
}

int dues_unpaid_streak(const struct dues_month_row *rows, size_t n, dues_month last)
{
    int streak = 0;
    for (size_t i = n; i-- > 0;) {
        if (rows[i].month > last)
            continue;
        if (rows[i].state == DUES_UNPAID)
            streak++;
        else
            break;
    }
    return streak;
}

int dues_arrears_level(int streak, int warn, int flag)
{
    return streak >= flag ? 2 : streak >= warn ? 1 : 0;
}

/* ---------------------------------------------------------------- payments */

int dues_months_check(const dues_month *months, size_t n, dues_month current, int max_back, int max_ahead,
                      const char **why)
{
    if (n == 0) {
        *why = "请选择本次交纳的月份";
        return DJ_EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && months[i] <= months[i - 1]) {
            *why = "交纳月份不能重复";
            return DJ_EINVAL;
        }
        if (months[i] < current - max_back) {
            *why = "补交一般不超过规定的月数；更早的月份须经党委同意后由党委办公室登记";
            return DJ_EINVAL;
        }
        if (months[i] > current + max_ahead) {
            *why = "预交的月份超出了允许的范围";
            return DJ_EINVAL;
        }
    }
    return DJ_OK;
}

void dues_split(int64_t amount, const int64_t *outstanding, size_t n, int64_t *parts)
{
    int64_t rest = amount;
    for (size_t i = 0; i < n; i++) {
        int64_t want = outstanding[i] > 0 ? outstanding[i] : 0;
        parts[i] = want < rest ? want : rest;
        rest -= parts[i];
    }
    if (n > 0)
        parts[n - 1] += rest;
}

dues_month dues_start_from_joined(const char *joined_on)
{
    return dues_month_of_date(joined_on);
}

bool dues_paid_on_time(dues_month month, const char *paid_on)
{
    int y, m, d;
    if (!paid_on || dj_date_parse(paid_on, &y, &m, &d) != DJ_OK)
        return false;
    return dj_days_from_civil(y, m, d) <= dues_month_last_day(month);
}

/* ---------------------------------------------------------------- yuan */

void dues_yuan(int64_t fen, char out[32])
{
    long long a = fen < 0 ? -(long long)fen : (long long)fen;
    snprintf(out, 32, "%s%lld.%02lld", fen < 0 ? "-" : "", (a / 100) % 1000000000000000LL, a % 100);
}

int dues_parse_yuan(const char *s, int64_t *fen)
{
    if (!s)
        return DJ_EINVAL;
    while (*s == ' ')
        s++;
    if (strncmp(s, "¥", strlen("¥")) == 0)
        s += strlen("¥");
    else if (strncmp(s, "￥", strlen("￥")) == 0)
        s += strlen("￥");
    int64_t whole = 0;
    int digits = 0, decimals = 0;
    int64_t frac = 0;
    bool dot = false;
    for (; *s; s++) {
        if (*s == ',' && !dot && digits > 0)
            continue;
        if (*s == '.' && !dot) {
            dot = true;
            continue;
        }
        if (*s == ' ')
            break;
        if (*s < '0' || *s > '9')
            return DJ_EINVAL;
        if (dot) {
            if (++decimals > 2) {
                if (*s != '0') /* 34.570 is fine, 34.575 is not money */
                    return DJ_EINVAL;
                decimals = 2;
                continue;
            }
            frac = frac * 10 + (*s - '0');
        } else {
            if (++digits > 12)
                return DJ_EINVAL;
            whole = whole * 10 + (*s - '0');
        }
    }
    while (*s == ' ')
        s++;
    if (*s || (digits == 0 && decimals == 0))
        return DJ_EINVAL;
    if (decimals == 1)
        frac *= 10;
    *fen = whole * 100 + frac;
    return DJ_OK;
}
