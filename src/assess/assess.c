/* assess.c - the pure rules of assessment: period spans, the arithmetic of
 * the computed indicators, scaling, totals, ranking, 先进党支部 selection,
 * the 公示's working days and the assessor-own-branch rule.  No SQL, no HTTP:
 * everything here is a function of plain data (tests/unit/test_assess.c). */
#include "assess.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../core/err.h"
#include "../core/timeutil.h"

int assess_span_make(int year, int half, int64_t now, struct assess_span *s)
{
    if (year < 2000 || year > 2200 || half < 0 || half > 2)
        return DJ_EINVAL;
    memset(s, 0, sizeof *s);
    s->year = year;
    s->half = half;
    s->now = now;
    int m0 = half == 2 ? 7 : 1;
    int m1 = half == 1 ? 7 : 13; /* first month after the span */
    s->start = dj_local_midnight(year, m0, 1);
    s->end = m1 == 13 ? dj_local_midnight(year + 1, 1, 1) : dj_local_midnight(year, m1, 1);
    snprintf(s->starts_on, sizeof s->starts_on, "%04d-%02d-01", year, m0);
    snprintf(s->ends_on, sizeof s->ends_on, "%04d-%02d-%02d", year, m1 - 1, dj_days_in_month(year, m1 - 1));
    return DJ_OK;
}

int assess_span_months(const struct assess_span *s) { return s->half ? 6 : 12; }

int assess_requirement_cells(enum assess_freq f, const struct assess_span *s, const int64_t *starts, size_t n,
                             int *met, int *due, struct assess_cell *cells)
{
    return assess_requirement_cells_in(f, s, 0, INT64_MAX, starts, n, met, due, cells);
}

int assess_requirement_cells_in(enum assess_freq f, const struct assess_span *s, int64_t from, int64_t until,
                                const int64_t *starts, size_t n, int *met, int *due, struct assess_cell *cells)
{
    int m0 = s->half == 2 ? 7 : 1, months = assess_span_months(s), step = (int)f, ncells = 0;
    for (int m = m0; m + step - 1 <= m0 + months - 1; m += step) {
        if (f == ASSESS_QUARTER && (m - 1) % 3)
            continue; /* quarters start in Jan, Apr, Jul, Oct */
        if (f == ASSESS_YEAR && m != 1)
            continue;
        int64_t a = dj_local_midnight(s->year, m, 1);
        int64_t b = m + step > 12 ? dj_local_midnight(s->year + 1, 1, 1) : dj_local_midnight(s->year, m + step, 1);
        int act = -1;
        for (size_t i = 0; i < n && act < 0; i++)
            if (starts[i] >= a && starts[i] < b)
                act = (int)i;
        int status = act >= 0 ? 0 : (b <= s->now ? 1 : 2);
        if (b <= from || a >= until)
            status = 3; /* before the organisation was set up, or after it was dissolved */
        if (status != 2 && status != 3)
            (*due)++;
        if (status == 0)
            (*met)++;
        if (cells) {
            cells[ncells].year = s->year;
            cells[ncells].index = f == ASSESS_MONTH ? m : f == ASSESS_QUARTER ? (m - 1) / 3 + 1 : 1;
            cells[ncells].status = status;
            cells[ncells].act = act;
        }
        ncells++;
    }
    return ncells;
}

double assess_mean_ratio(const int *num, const int *den, size_t n)
{
    double sum = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (den[i] <= 0)
            continue;
        double r = (double)num[i] / den[i];
        sum += r > 1 ? 1 : r;
        k++;
    }
    return k ? sum / (double)k : -1;
}

double assess_share_at_least(const double *v, size_t n, double threshold)
{
    if (!n)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        /* 学时 are kept in half hours: compare with a small tolerance for the sums */
        if (v[i] + 1e-9 >= threshold)
            k++;
    return (double)k / (double)n;
}

double assess_per_member(double sum, size_t count) { return count ? sum / (double)count : -1; }

enum assess_on_time assess_item_on_time(const struct assess_item_facts *f, int64_t today)
{
    if (f->cancelled || f->due < 0)
        return ASSESS_IT_SKIP;
    if (f->done) {
        int64_t finished = f->submitted >= 0 ? f->submitted : f->verified;
        return finished >= 0 && finished <= f->due ? ASSESS_IT_ON_TIME : ASSESS_IT_LATE;
    }
    if (today <= f->due)
        return ASSESS_IT_SKIP; /* not yet due */
    if (f->submitted >= 0 && f->submitted <= f->due)
        return ASSESS_IT_SKIP; /* reported in time, awaiting 销号 */
    return ASSESS_IT_LATE;
}

double assess_round2(double v) { return v < 0 ? -floor(-v * 100 + 0.5) / 100 : floor(v * 100 + 0.5) / 100; }

double assess_scale(double value, double target, double max_score)
{
    if (value <= 0)
        return 0;
    double r = target > 0 ? value / target : 1;
    return assess_round2(max_score * (r > 1 ? 1 : r));
}

double assess_mean(const double *v, size_t n)
{
    if (!n)
        return -1;
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    return s / (double)n;
}

double assess_total(const double *scores, const double *maxes, const bool *applicable, size_t n, double total_max,
                    double *raw, double *applicable_max)
{
    double sum = 0, amax = 0;
    for (size_t i = 0; i < n; i++) {
        if (!applicable[i])
            continue;
        sum += scores[i];
        amax += maxes[i];
    }
    if (raw)
        *raw = assess_round2(sum);
    if (applicable_max)
        *applicable_max = assess_round2(amax);
    return amax > 0 ? assess_round2(sum / amax * total_max) : 0;
}

static long cents(double v) { return lround(v * 100); }

void assess_rank(const double *totals, size_t n, int *ranks)
{
    /* n is a few hundred branches: counting the better ones is plenty fast */
    for (size_t i = 0; i < n; i++) {
        int better = 0;
        for (size_t j = 0; j < n; j++)
            if (cents(totals[j]) > cents(totals[i]))
                better++;
        ranks[i] = better + 1;
    }
}

size_t assess_select(const double *totals, const int *ranks, size_t n, enum assess_select_mode mode, double value,
                     bool *selected)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        selected[i] = mode == ASSESS_TOP_N ? ranks[i] <= (int)value && value >= 1
                                           : cents(totals[i]) >= cents(value);
        k += selected[i];
    }
    return k;
}

int assess_weekday(int64_t day)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0) */
    int64_t w = (day + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

int64_t assess_publicity_end(int64_t day, int n)
{
    int64_t d = day;
    while (n > 0) {
        d++;
        if (assess_weekday(d) < 5)
            n--;
    }
    return d;
}

bool assess_may_score(const char *const *own_paths, size_t n, const char *target_path)
{
    size_t tl = strlen(target_path);
    for (size_t i = 0; i < n; i++)
        if (own_paths[i] && strncmp(own_paths[i], target_path, tl) == 0)
            return false;
    return true;
}
