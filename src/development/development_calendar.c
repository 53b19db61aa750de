/* development_calendar.c - the working-day calendar (工作日历) that 公示 periods
 * are counted in: table work_calendar holds the days that differ from
 * Monday–Friday (public holidays, 调休 working weekends), 2026 and 2027 loaded
 * by migration 0601; the committee corrects it here (development.calendar). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/err.h"
#include "../core/readcache.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "development_int.h"

/* The days that differ from Monday–Friday as [[day, workday], …], from the table. */
static json_t *calendar_rows(db_conn *c, int *err)
{
    db_stmt *s = db_prep(c, "SELECT day, kind FROM work_calendar ORDER BY day");
    if (!s) {
        *err = DJ_EDB;
        return NULL;
    }
    json_t *days = json_array();
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        dev_day d;
        if (dev_day_parse(db_col_text(s, 0), &d) == DJ_OK)
            json_array_append_new(days, json_pack("[I, b]", (json_int_t)d, strcmp(db_col_text(s, 1), "workday") == 0));
    }
    db_done(s);
    if (rc != DB_DONE) {
        json_decref(days);
        *err = rc < 0 ? rc : DJ_EDB;
        return NULL;
    }
    return days;
}

int dev_calendar_load(db_conn *c, dj_arena *a, struct dev_calendar *cal)
{
    /* the same for everyone and seldom written: kept by the read cache (readcache.h),
     * read from the table inside a transaction (which may have just changed it) */
    int rc = DJ_OK;
    uint64_t gen = 0;
    bool tx = db_in_tx(c);
    json_t *days = tx ? NULL : dj_rcache_get(c, "development.calendar", &gen);
    if (!days) {
        if (!(days = calendar_rows(c, &rc)))
            return rc;
        if (!tx)
            dj_rcache_put("development.calendar", days, gen);
    }
    size_t n = json_array_size(days);
    struct dev_cal_day *out = dj_arena_alloc(a, (n + 1) * sizeof *out);
    for (size_t i = 0; i < n; i++) {
        json_t *d = json_array_get(days, i);
        out[i].day = (dev_day)json_integer_value(json_array_get(d, 0));
        out[i].workday = json_is_true(json_array_get(d, 1));
    }
    json_decref(days);
    cal->days = out;
    cal->n = n;
    return DJ_OK;
}

static int year_param(dj_req *r, int64_t *year)
{
    int y, m, d;
    dj_local_date(dj_now(), &y, &m, &d);
    return dj_query_int(r, "year", y, 2000, 2100, year);
}

/* GET /api/v1/development/calendar?year= */
int dev_calendar_get(dj_req *r)
{
    int64_t year;
    int rc = year_param(r, &year);
    if (rc)
        return rc;
    char from[16], to[16];
    snprintf(from, sizeof from, "%04d-01-01", (int)year);
    snprintf(to, sizeof to, "%04d-12-31", (int)year);
    db_conn *c = dj_db(r);
    json_t *items = db_query_rows(c, &rc,
                                  "SELECT day, kind, name, provisional AS provisional__bool, updated_at FROM work_calendar"
                                  " WHERE day >= $1 AND day <= $2 ORDER BY day",
                                  "tt", from, to);
    if (!items)
        return rc;
    struct dev_calendar cal;
    if ((rc = dev_calendar_load(c, r->arena, &cal)))
        goto out;
    dev_day a, b;
    dev_day_parse(from, &a);
    dev_day_parse(to, &b);
    int workdays = dev_workdays_between(&cal, a, b);
    bool provisional = false;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) provisional = provisional || json_is_true(json_object_get(it, "provisional"));
    return dj_reply_json(r, 200,
                         json_pack("{s:I, s:o, s:i, s:i, s:b, s:b}", "year", (json_int_t)year, "items", items,
                                   "workdays", workdays, "days", (int)(b - a + 1), "provisional", provisional,
                                   "can_edit", auth_has_perm(r, "development.calendar")));
out:
    json_decref(items);
    return rc;
}

/* GET /api/v1/development/calendar/workdays?from=&days= : the last working day of a period. */
int dev_calendar_workdays(dj_req *r)
{
    const char *from = dj_query(r, "from");
    dev_day start;
    if (!from || dev_day_parse(from, &start) != DJ_OK)
        return dj_fail(r, DJ_EINVAL, "from", "请以 YYYY-MM-DD 填写开始日期");
    int64_t days;
    db_conn *c = dj_db(r);
    int rc = dj_query_int(r, "days", dj_setting_int(c, "development.notice_days", 5), 1, 60, &days);
    if (rc)
        return rc;
    struct dev_calendar cal;
    if ((rc = dev_calendar_load(c, r->arena, &cal)))
        return rc;
    dev_day end = dev_workdays_end(&cal, start, (int)days);
    char e[11], next[11];
    dev_day_format(end, e);
    dev_day_format(end + 1, next);
    return dj_reply_json(r, 200,
                         json_pack("{s:s, s:I, s:s, s:s}", "from", from, "days", (json_int_t)days, "ends_on", e,
                                   "first_allowed_on", next));
}

static int root_org(db_conn *c, int64_t *id)
{
    return db_query_i64(c, id, "SELECT MIN(id) FROM orgs WHERE parent_id IS NULL", "");
}

static int day_param(dj_req *r, char out[11])
{
    const char *d = dj_param(r, "day");
    dev_day x;
    if (!d || dev_day_parse(d, &x) != DJ_OK)
        return dj_fail(r, DJ_EINVAL, "day", "日期应为 YYYY-MM-DD");
    dev_day_format(x, out);
    return DJ_OK;
}

static const char *const cal_kinds[] = {"holiday", "workday", NULL};

/* PUT /api/v1/development/calendar/:day {kind, name} */
int dev_calendar_put(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"kind", "类型", DJ_J_STR, DJ_J_REQ, 0, 0, cal_kinds},
        {"name", "名称", DJ_J_STR, DJ_J_REQ, 1, 30, NULL},
        {NULL},
    };
    char day[11];
    int64_t root = 0;
    int rc = day_param(r, day);
    if (rc)
        return rc;
    db_conn *c = dj_db(r);
    if ((rc = root_org(c, &root)) || (rc = auth_require(r, "development.calendar", root)))
        return rc;
    json_t *in;
    if ((rc = dj_body_json(r, spec, &in)))
        return rc;
    if (dj_str_blank(dj_jstr(in, "name", ""))) {
        json_decref(in);
        return dj_fail(r, DJ_EINVAL, "name", "请填写名称，如“国庆节”或“国庆节调休上班”");
    }
    char now[21];
    dj_time_iso(dj_now(), now);
    json_t *before = NULL, *after = NULL;
    if ((rc = db_begin(c)))
        goto out;
    before = db_query_row(c, NULL, "SELECT day, kind, name, provisional FROM work_calendar WHERE day = $1", "t", day);
    rc = db_exec(c,
                 "INSERT INTO work_calendar (day, kind, name, provisional, updated_by, updated_at)"
                 " VALUES ($1, $2, $3, 0, $4, $5) ON CONFLICT (day) DO UPDATE SET kind = $2, name = $3,"
                 " provisional = 0, updated_by = $4, updated_at = $5",
                 "tttIt", day, dj_jstr(in, "kind", ""), dj_jstr(in, "name", ""), r->user->id, now);
    if (rc == DJ_OK) {
        after = db_query_row(c, &rc, "SELECT day, kind, name, provisional FROM work_calendar WHERE day = $1", "t", day);
        if (after)
            rc = audit_write(c, r, before ? "update" : "create", "work_calendar", 0, before, after);
    }
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if (rc == DJ_OK) {
        rc = dj_reply_json(r, 200, after);
        after = NULL;
    }
out:
    json_decref(before);
    json_decref(after);
    json_decref(in);
    return rc;
}

/* DELETE /api/v1/development/calendar/:day : the day follows Monday–Friday again. */
int dev_calendar_delete(dj_req *r)
{
    char day[11];
    int64_t root = 0;
    int rc = day_param(r, day);
    if (rc)
        return rc;
    db_conn *c = dj_db(r);
    if ((rc = root_org(c, &root)) || (rc = auth_require(r, "development.calendar", root)))
        return rc;
    if ((rc = db_begin(c)))
        return rc;
    json_t *before = db_query_row(c, &rc, "SELECT day, kind, name, provisional FROM work_calendar WHERE day = $1", "t",
                                  day);
    if (!before) {
        db_rollback(c);
        return rc == DJ_ENOTFOUND ? dj_fail(r, rc, "day", "%s 不在工作日历的调整中", day) : rc;
    }
    rc = db_exec(c, "DELETE FROM work_calendar WHERE day = $1", "t", day);
    if (rc == DJ_OK)
        rc = audit_write(c, r, "delete", "work_calendar", 0, before, NULL);
    json_decref(before);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    return rc ? rc : dj_reply_empty(r, 204);
}
