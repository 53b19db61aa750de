/* timeutil.c - ISO-8601 parsing and the civil calendar (H. Hinnant's algorithms). */
#include "timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "err.h"

/* The one clock.  Every "now" of the server and the command-line tools is
 * dj_now(); a build configured with -Dtest_clock=true starts it at $DJ_NOW
 * (and it runs on in real time from there), so the tests can stand on any
 * day they need.  A release build ignores $DJ_NOW. */
static int64_t time_offset;

int64_t dj_now(void)
{
    return (int64_t)time(NULL) + time_offset;
}

int dj_clock_init(void)
{
    const char *v = getenv("DJ_NOW");
    if (!v || !*v)
        return DJ_OK;
#if DJ_TEST_CLOCK
    int64_t t;
    if (dj_time_parse(v, &t) != DJ_OK) {
        fprintf(stderr, "dangjian: DJ_NOW=%s is not an ISO-8601 time with an offset "
                        "(e.g. 2027-03-31T23:59:30+08:00)\n", v);
        return DJ_EINVAL;
    }
    time_offset = t - (int64_t)time(NULL);
    return DJ_OK;
#else
    fprintf(stderr, "dangjian: DJ_NOW is set but ignored: this is a release build "
                    "(only builds configured with -Dtest_clock=true read it)\n");
    return DJ_OK;
#endif
}

bool dj_clock_is_test(void)
{
    return DJ_TEST_CLOCK && time_offset != 0;
}

void dj_time_set_offset(int64_t seconds)
{
    time_offset = seconds;
}

bool dj_leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int dj_days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && dj_leap_year(y) ? 29 : days[m - 1];
}

int64_t dj_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void dj_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t dd = doy - (153 * mp + 2) / 5 + 1;
    int64_t mm = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (mm <= 2));
    *m = (int)mm;
    *d = (int)dd;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

void dj_time_iso(int64_t t, char out[21])
{
    int64_t days = floor_div(t, 86400);
    int64_t rem = t - days * 86400;
    int y, m, d;
    dj_civil_from_days(days, &y, &m, &d);
    unsigned hh = (unsigned)(rem / 3600) % 24u, mi = (unsigned)(rem / 60 % 60), ss = (unsigned)(rem % 60);
    snprintf(out, 21, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)y % 10000u, (unsigned)m % 13u,
             (unsigned)d % 32u, hh, mi, ss);
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int dj_date_parse(const char *s, int *y, int *m, int *d)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return DJ_EINVAL;
    if (digits(s, 4, y) || digits(s + 5, 2, m) || digits(s + 8, 2, d))
        return DJ_EINVAL;
    if (*y < 1900 || *y > 2200 || *m < 1 || *m > 12 || *d < 1 || *d > dj_days_in_month(*y, *m))
        return DJ_EINVAL;
    return DJ_OK;
}

int dj_time_parse(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, sec = 0;
    if (!s || strlen(s) < 16 || (s[10] != 'T' && s[10] != ' '))
        return DJ_EINVAL;
    char date[11];
    memcpy(date, s, 10);
    date[10] = '\0';
    if (dj_date_parse(date, &y, &mo, &d) != DJ_OK)
        return DJ_EINVAL;
    const char *p = s + 11;
    if (digits(p, 2, &h) || p[2] != ':' || digits(p + 3, 2, &mi))
        return DJ_EINVAL;
    p += 5;
    if (*p == ':') {
        if (digits(p + 1, 2, &sec))
            return DJ_EINVAL;
        p += 3;
        if (*p == '.') {
            p++;
            if (*p < '0' || *p > '9')
                return DJ_EINVAL;
            while (*p >= '0' && *p <= '9')
                p++;
        }
    }
    if (h > 23 || mi > 59 || sec > 59)
        return DJ_EINVAL;
    int64_t off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 14 || om > 59)
            return DJ_EINVAL;
        off = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return DJ_EINVAL;
    }
    if (*p)
        return DJ_EINVAL;
    *out = dj_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
    return DJ_OK;
}

void dj_local_date(int64_t t, int *y, int *m, int *d)
{
    dj_civil_from_days(floor_div(t + DJ_TZ_OFFSET, 86400), y, m, d);
}

int64_t dj_local_midnight(int y, int m, int d)
{
    return dj_days_from_civil(y, m, d) * 86400 - DJ_TZ_OFFSET;
}

void dj_date_cn(int64_t t, char out[32])
{
    int y, m, d;
    dj_local_date(t, &y, &m, &d);
    snprintf(out, 32, "%d年%d月%d日", y, m, d);
}

void dj_datetime_cn(int64_t t, char out[32])
{
    int y, m, d;
    dj_local_date(t, &y, &m, &d);
    int64_t sec = t + DJ_TZ_OFFSET - floor_div(t + DJ_TZ_OFFSET, 86400) * 86400;
    snprintf(out, 32, "%d年%d月%d日 %02d:%02d", y, m, d, (int)(sec / 3600), (int)(sec % 3600 / 60));
}

void dj_text_cn(const char *s, bool date_only, char out[32])
{
    int y, m, d;
    int64_t t;
    if (!s)
        out[0] = '\0';
    else if (strlen(s) == 10 && dj_date_parse(s, &y, &m, &d) == DJ_OK)
        snprintf(out, 32, "%d年%d月%d日", y, m, d);
    else if (dj_time_parse(s, &t) == DJ_OK)
        (date_only ? dj_date_cn : dj_datetime_cn)(t, out);
    else
        snprintf(out, 32, "%s", s);
}
