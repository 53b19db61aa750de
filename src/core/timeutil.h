/* timeutil.h - instants, calendar dates and the Asia/Shanghai calendar.
 *
 * Instants are int64 seconds since the Unix epoch (UTC) and travel as
 * ISO-8601 text.  Stored times are UTC ("2026-11-27T01:30:00Z"); periods
 * (months, quarters, years) are counted in Asia/Shanghai, which has been
 * UTC+08:00 all year since 1991, so a fixed offset is exact. */
#ifndef DJ_TIMEUTIL_H
#define DJ_TIMEUTIL_H

#include <stdbool.h>
#include <stdint.h>

#define DJ_TZ_OFFSET (8 * 3600) /* Asia/Shanghai */

/* Now, in seconds: the one clock every "now" comes from.  Unit tests may
 * shift it with dj_time_set_offset(). */
int64_t dj_now(void);
void dj_time_set_offset(int64_t seconds);
/* Reads $DJ_NOW once at start-up: in a build configured for testing
 * (meson -Dtest_clock=true) the clock starts there and runs on in real
 * time; a release build ignores it and says so on stderr.  DJ_EINVAL when
 * a test build is given a time it cannot parse. */
int dj_clock_init(void);
/* True when the clock was moved by $DJ_NOW (test builds only). */
bool dj_clock_is_test(void);

/* "2026-11-27T01:30:00Z" into out (at least 21 bytes). */
void dj_time_iso(int64_t t, char out[21]);
/* Parses "YYYY-MM-DDTHH:MM[:SS[.frac]]" followed by "Z" or "+HH:MM"/"-HH:MM".
 * A time without an offset is refused: its meaning would be a guess. */
int dj_time_parse(const char *s, int64_t *out);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t dj_days_from_civil(int y, int m, int d);
void dj_civil_from_days(int64_t days, int *y, int *m, int *d);
bool dj_leap_year(int y);
int dj_days_in_month(int y, int m);
/* Parses and validates "YYYY-MM-DD". */
int dj_date_parse(const char *s, int *y, int *m, int *d);
/* The Asia/Shanghai calendar date of an instant. */
void dj_local_date(int64_t t, int *y, int *m, int *d);
/* The instant at which a Shanghai calendar date begins. */
int64_t dj_local_midnight(int y, int m, int d);

/* The one style a date or time takes for a person (screens, exports, PDFs):
 * "2026年12月5日" and "2026年12月5日 14:30", in Asia/Shanghai. out has 32 bytes. */
void dj_date_cn(int64_t t, char out[32]);
void dj_datetime_cn(int64_t t, char out[32]);
/* The same for text as stored: "YYYY-MM-DD" gives the date, an ISO instant the
 * date and time (date_only: the date alone); other text is copied as it is. */
void dj_text_cn(const char *s, bool date_only, char out[32]);

#endif
