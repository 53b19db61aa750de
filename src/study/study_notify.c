/* study_notify.c - what 学习园地 tells people through the notification outbox
 * (core/notify.h): an assignment made, to the people it reaches; its deadline in
 * a few days (setting study.notify_due_days, 3 by default) and passed, to those
 * who have not finished; a notice published, to its audience; and a reminder to
 * those who have not read it by its date (from the day before; a notice or an
 * assignment made in the last day is not reminded at once).  The writes
 * run in the event's transaction; the reminders are a scan whose keys name the
 * date, so a second run or a second server writes nothing twice. */
#include <stdio.h>
#include <string.h>

#include "../core/err.h"
#include "../core/notify.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "study_int.h"

/* The people an assignment reaches ($1), and those of them who have not finished it. */
static const char reached_sql[] = "SELECT p.id FROM study_assignments a, people p JOIN orgs o ON o.id = p.org_id"
                                  " WHERE a.id = $1 AND " STUDY_ASSIGNMENT_REACHES;
static const char unfinished_sql[] =
    "SELECT p.id FROM study_assignments a, people p JOIN orgs o ON o.id = p.org_id WHERE a.id = $1 AND "
    STUDY_ASSIGNMENT_REACHES " AND (SELECT COUNT(*) FROM study_assignment_materials am JOIN study_progress sp"
    " ON sp.material_id = am.material_id AND sp.person_id = p.id AND sp.finished_at IS NOT NULL"
    " WHERE am.assignment_id = a.id) < (SELECT COUNT(*) FROM study_assignment_materials am WHERE am.assignment_id = a.id)";
/* The audience of a notice ($1), and those of it who have not read it. */
static const char audience_sql[] = "SELECT p.id FROM study_notices n JOIN orgs no ON no.id = n.org_id, people p"
                                   " WHERE n.id = $1 AND " STUDY_NOTICE_REACHES;
static const char unread_sql[] = "SELECT p.id FROM study_notices n JOIN orgs no ON no.id = n.org_id, people p"
                                 " WHERE n.id = $1 AND " STUDY_NOTICE_REACHES " AND NOT EXISTS (SELECT 1 FROM"
                                 " study_notice_reads r WHERE r.notice_id = n.id AND r.person_id = p.id)";

static void day_plus(int64_t now, int days, char out[11])
{
    int y, m, d;
    dj_local_date(now, &y, &m, &d);
    dj_civil_from_days(dj_days_from_civil(y, m, d) + days, &y, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

int study_notify_assignment(db_conn *c, int64_t id)
{
    int err = 0;
    json_t *a = db_query_row(c, &err,
                             "SELECT a.title, a.due_on, o.name AS org_name, (SELECT COUNT(*) FROM"
                             " study_assignment_materials am WHERE am.assignment_id = a.id) AS n"
                             " FROM study_assignments a JOIN orgs o ON o.id = a.org_id WHERE a.id = $1",
                             "i", id);
    if (!a)
        return err;
    char key[64], title[300], body[600], day[32];
    dj_text_cn(dj_jstr(a, "due_on", ""), true, day);
    snprintf(key, sizeof key, "study_assignment:%lld:made", (long long)id);
    snprintf(title, sizeof title, "学习任务：%.200s", dj_jstr(a, "title", ""));
    snprintf(body, sizeof body, "%.100s布置了 %lld 篇学习材料，请在 %s 前学完。", dj_jstr(a, "org_name", ""),
             (long long)dj_jint(a, "n", 0), day);
    struct dj_notice n = {.event = "study_assignment.made", .key = key, .title = title, .body = body,
                          .link_type = "study_assignment", .link_id = id};
    int rc = dj_notify_people(c, &n, reached_sql, id);
    json_decref(a);
    return rc;
}

int study_notify_notice(db_conn *c, int64_t id)
{
    int err = 0;
    json_t *x = db_query_row(c, &err,
                             "SELECT n.title, n.read_by, o.name AS org_name FROM study_notices n"
                             " JOIN orgs o ON o.id = n.org_id WHERE n.id = $1",
                             "i", id);
    if (!x)
        return err;
    char key[64], title[300], body[600], day[32] = "";
    const char *read_by = dj_jstr(x, "read_by", NULL);
    if (read_by)
        dj_text_cn(read_by, true, day);
    snprintf(key, sizeof key, "study_notice:%lld:published", (long long)id);
    snprintf(title, sizeof title, "通知公告：%.200s", dj_jstr(x, "title", ""));
    snprintf(body, sizeof body, "%.100s发布了通知%s%s%s。", dj_jstr(x, "org_name", ""), read_by ? "，请在 " : "，请及时阅读",
             day, read_by ? " 前阅读" : "");
    struct dj_notice n = {.event = "study_notice.published", .key = key, .title = title, .body = body,
                          .link_type = "study_notice", .link_id = id};
    int rc = dj_notify_people(c, &n, audience_sql, id);
    json_decref(x);
    return rc;
}

/* One reminder in a transaction of its own. */
static int tell(db_conn *c, const struct dj_notice *n, const char *sql, int64_t id)
{
    int rc = db_begin(c);
    if (rc == DJ_OK)
        rc = dj_notify_people(c, n, sql, id);
    return rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
}

/* Assignments due from today to today + N days, or passed in the last week, not yet told. */
static int assignments_scan(db_conn *c, int64_t now)
{
    char today[11], until[11], since[11];
    day_plus(now, 0, today);
    day_plus(now, (int)dj_setting_int(c, "study.notify_due_days", 3), until);
    day_plus(now, -7, since);
    char day_ago[21];
    dj_time_iso(now - 86400, day_ago);
    int err = 0;
    json_t *rows = db_query_rows(c, &err,
                                 "SELECT a.id, a.title, a.due_on, CASE WHEN a.due_on < $1 THEN 1 ELSE 0 END AS overdue__bool"
                                 " FROM study_assignments a WHERE a.due_on >= $3 AND a.due_on <= $2"
                                 " AND (a.due_on < $1 OR a.created_at < $4)" /* made a day ago: not told twice at once */
                                 " AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.dedup_key = 'study_assignment:'"
                                 " || a.id || CASE WHEN a.due_on < $1 THEN ':overdue:' ELSE ':due:' END || a.due_on)"
                                 " ORDER BY a.id LIMIT 200",
                                 "tttt", today, until, since, day_ago);
    if (!rows)
        return err;
    size_t i;
    json_t *a;
    int rc = DJ_OK;
    json_array_foreach(rows, i, a) {
        bool overdue = json_is_true(json_object_get(a, "overdue"));
        int64_t id = dj_jint(a, "id", 0);
        char key[96], title[300], body[300], day[32];
        dj_text_cn(dj_jstr(a, "due_on", ""), true, day);
        snprintf(key, sizeof key, "study_assignment:%lld:%s:%s", (long long)id, overdue ? "overdue" : "due",
                 dj_jstr(a, "due_on", ""));
        snprintf(title, sizeof title, "%s：%.200s", overdue ? "学习任务已逾期" : "学习任务即将到期", dj_jstr(a, "title", ""));
        snprintf(body, sizeof body, overdue ? "应于 %s 前学完，您还没有完成，请尽快学习。" : "请在 %s 前学完，您还没有完成。",
                 day);
        struct dj_notice n = {.event = overdue ? "study_assignment.overdue" : "study_assignment.due", .key = key,
                              .title = title, .body = body, .link_type = "study_assignment", .link_id = id};
        if ((rc = tell(c, &n, unfinished_sql, id)) != DJ_OK)
            break;
    }
    json_decref(rows);
    return rc;
}

/* Notices whose read-by date is tomorrow or passed in the last week, not yet reminded. */
static int notices_scan(db_conn *c, int64_t now)
{
    char today[11], tomorrow[11], since[11];
    day_plus(now, 0, today);
    day_plus(now, 1, tomorrow);
    day_plus(now, -7, since);
    char day_ago[21];
    dj_time_iso(now - 86400, day_ago);
    int err = 0;
    json_t *rows = db_query_rows(c, &err,
                                 "SELECT n.id, n.title, n.read_by FROM study_notices n WHERE n.read_by IS NOT NULL"
                                 " AND n.read_by >= $2 AND n.read_by <= $1 AND (n.read_by < $3 OR n.created_at < $4)"
                                 " AND NOT EXISTS (SELECT 1 FROM notifications x"
                                 " WHERE x.dedup_key = 'study_notice:' || n.id || ':remind:' || n.read_by)"
                                 " ORDER BY n.id LIMIT 200",
                                 "tttt", tomorrow, since, today, day_ago);
    if (!rows)
        return err;
    size_t i;
    json_t *x;
    int rc = DJ_OK;
    json_array_foreach(rows, i, x) {
        int64_t id = dj_jint(x, "id", 0);
        const char *by = dj_jstr(x, "read_by", "");
        bool passed = strcmp(by, today) < 0;
        char key[96], title[300], body[300], day[32];
        dj_text_cn(by, true, day);
        snprintf(key, sizeof key, "study_notice:%lld:remind:%s", (long long)id, by);
        snprintf(title, sizeof title, "通知未读提醒：%.200s", dj_jstr(x, "title", ""));
        snprintf(body, sizeof body, passed ? "此通知应于 %s 前阅读，您还没有阅读，请尽快阅读。" : "请在 %s 前阅读此通知，您还没有阅读。",
                 day);
        struct dj_notice n = {.event = "study_notice.reminder", .key = key, .title = title, .body = body,
                              .link_type = "study_notice", .link_id = id};
        if ((rc = tell(c, &n, unread_sql, id)) != DJ_OK)
            break;
    }
    json_decref(rows);
    return rc;
}

void study_notify_register(void)
{
    dj_notify_scan_add("study.assignments", assignments_scan);
    dj_notify_scan_add("study.notices", notices_scan);
}
