/* life_notify.c - what organisational life tells people (issue 18): a
 * meeting's notice, change and cancellation to the people expected, a
 * reminder before it starts (setting life.reminder_minutes), and a leave
 * decision to the member who asked.  Written in the caller's transaction
 * through the core's outbox (core/notify.h); the reminder is a scan the
 * outbox worker runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/notify.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "life.h"
#include "life_int.h"

/* the people expected, less those whose leave was granted */
static const char attendees_sql[] =
    "SELECT person_id FROM activity_people WHERE activity_id = $1 AND person_id NOT IN"
    " (SELECT person_id FROM activity_leaves WHERE activity_id = $1 AND status = 'approved')";

static void when_text(const char *iso, char out[32])
{
    int64_t t = 0;
    if (iso && dj_time_parse(iso, &t) == DJ_OK)
        dj_datetime_cn(t, out);
    else
        snprintf(out, 32, "%s", iso ? iso : "");
}

int life_notify_activity(db_conn *c, int64_t id, const char *what, const char *reason)
{
    int err = 0;
    json_t *a = db_query_row(c, &err, "SELECT kind, title, starts_at, place, updated_at FROM activities WHERE id = $1",
                             "i", id);
    if (!a)
        return err;
    char when[32], key[96], title[400], body[700];
    when_text(dj_jstr(a, "starts_at", NULL), when);
    const struct life_kind *k = life_kind_find(dj_jstr(a, "kind", ""));
    const char *kname = k ? k->name : "活动";
    const char *place = dj_jstr(a, "place", "");
    struct dj_notice n = {.event = NULL, .key = key, .title = title, .body = body, .link_type = "activity",
                          .link_id = id};
    if (strcmp(what, "noticed") == 0) {
        n.event = "activity.noticed";
        snprintf(key, sizeof key, "activity:%lld:noticed", (long long)id);
        snprintf(title, sizeof title, "%s通知：%s", kname, dj_jstr(a, "title", ""));
        snprintf(body, sizeof body, "时间：%s%s%s。请准时参加；不能参加请在手机上请假。", when, *place ? "，地点：" : "", place);
    } else if (strcmp(what, "changed") == 0) {
        n.event = "activity.changed";
        /* each change is an event of its own */
        snprintf(key, sizeof key, "activity:%lld:changed:%s", (long long)id, dj_jstr(a, "updated_at", ""));
        snprintf(title, sizeof title, "%s安排变更：%s", kname, dj_jstr(a, "title", ""));
        snprintf(body, sizeof body, "现定于 %s%s%s，请以此为准。", when, *place ? "，地点：" : "", place);
    } else {
        n.event = "activity.cancelled";
        n.urgent = true; /* someone may be on the way */
        snprintf(key, sizeof key, "activity:%lld:cancelled", (long long)id);
        snprintf(title, sizeof title, "%s取消：%s", kname, dj_jstr(a, "title", ""));
        snprintf(body, sizeof body, "原定 %s 的%s已取消。原因：%s", when, kname, reason ? reason : "");
    }
    int rc = dj_notify_people(c, &n, attendees_sql, id);
    json_decref(a);
    return rc;
}

int life_notify_leave(db_conn *c, int64_t leave_id)
{
    int err = 0;
    json_t *l = db_query_row(c, &err,
                             "SELECT l.person_id, l.status, l.decision_note, l.activity_id, a.title, a.starts_at"
                             " FROM activity_leaves l JOIN activities a ON a.id = l.activity_id WHERE l.id = $1",
                             "i", leave_id);
    if (!l)
        return err;
    bool ok = strcmp(dj_jstr(l, "status", ""), "approved") == 0;
    char when[32], key[64], title[400], body[700];
    when_text(dj_jstr(l, "starts_at", NULL), when);
    snprintf(key, sizeof key, "leave:%lld:%s", (long long)leave_id, dj_jstr(l, "status", ""));
    snprintf(title, sizeof title, "请假%s：%s", ok ? "已批准" : "未批准", dj_jstr(l, "title", ""));
    const char *note = dj_jstr(l, "decision_note", "");
    snprintf(body, sizeof body, "%s（%s）%s%s", ok ? "您的请假申请已批准" : "您的请假申请未获批准，请按时参加", when,
             *note ? "。说明：" : "", note);
    struct dj_notice n = {.event = ok ? "leave.approved" : "leave.refused", .key = key, .title = title, .body = body,
                          .link_type = "activity", .link_id = dj_jint(l, "activity_id", 0)};
    int rc = dj_notify_person(c, &n, dj_jint(l, "person_id", 0));
    json_decref(l);
    return rc;
}

/* The reminder before a noticed meeting starts; its key names the start time,
 * so a meeting moved after its reminder is reminded again. */
static int reminder_scan(db_conn *c, int64_t now)
{
    int64_t minutes = dj_setting_int(c, "life.reminder_minutes", 60);
    if (minutes <= 0)
        return DJ_OK;
    char from[21], to[21];
    dj_time_iso(now, from);
    dj_time_iso(now + minutes * 60, to);
    int err = 0;
    json_t *due = db_query_rows(c, &err,
                                "SELECT id, kind, title, starts_at, place FROM activities WHERE state = 'noticed'"
                                " AND starts_at > $1 AND starts_at <= $2 AND NOT EXISTS (SELECT 1 FROM notifications n"
                                " WHERE n.event = 'activity.reminder' AND n.link_id = activities.id"
                                " AND n.dedup_key = 'activity:' || activities.id || ':reminder:' || activities.starts_at)",
                                "tt", from, to);
    if (!due)
        return err;
    size_t i;
    json_t *a;
    int rc = DJ_OK;
    json_array_foreach(due, i, a) {
        int64_t id = dj_jint(a, "id", 0);
        char when[32], key[96], title[400], body[700];
        when_text(dj_jstr(a, "starts_at", NULL), when);
        const struct life_kind *k = life_kind_find(dj_jstr(a, "kind", ""));
        const char *place = dj_jstr(a, "place", "");
        snprintf(key, sizeof key, "activity:%lld:reminder:%s", (long long)id, dj_jstr(a, "starts_at", ""));
        snprintf(title, sizeof title, "即将开始：%s", dj_jstr(a, "title", ""));
        snprintf(body, sizeof body, "%s将于 %s 开始%s%s，请提前到场签到。", k ? k->name : "活动", when,
                 *place ? "，地点：" : "", place);
        struct dj_notice n = {.event = "activity.reminder", .key = key, .title = title, .body = body,
                              .link_type = "activity", .link_id = id};
        if ((rc = db_begin(c)) != DJ_OK)
            break;
        rc = dj_notify_people(c, &n, attendees_sql, id);
        rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
        if (rc != DJ_OK)
            break;
    }
    json_decref(due);
    return rc;
}

void life_notify_register(void)
{
    dj_notify_scan_add("life.reminder", reminder_scan);
}
