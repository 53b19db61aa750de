/* development_notify.c - what 发展党员 tells people through the notification
 * outbox (core/notify.h): each deadline of an open application (dev_deadlines:
 * the talk within a month of the application, the half-year assessments, the
 * higher committee's approval within three months, the end of probation) when
 * it comes near (its warn day) and when it has passed.  The branch's secretaries
 * hear of the branch's deadlines, those who approve (development.approve) of the
 * approvals, and a probationary member of their own probation ending; and a
 * 公示 ending, to the branch's secretaries.  Scans;
 * each key names the application, the deadline and its day, so a second run or a
 * second server writes nothing, and a deadline moved is told again. */
#include <stdio.h>
#include <string.h>

#include "../core/err.h"
#include "../core/notify.h"
#include "../core/timeutil.h"
#include "development_int.h"

/* The secretaries of the application $1's branch (or of an organisation above it). */
static const char secretaries_sql[] = "SELECT g.user_id FROM grants g JOIN orgs go ON go.id = g.org_id,"
                                      " dev_applications a JOIN orgs o ON o.id = a.org_id"
                                      " WHERE a.id = $1 AND g.role = 'secretary' AND o.path >= go.path AND o.path < go.path || ':'";
/* Those who approve (接收预备党员, 转正) over the application $1's organisation. */
static const char approvers_sql[] =
    "SELECT g.user_id FROM grants g JOIN role_perms rp ON rp.role = g.role AND rp.perm = 'development.approve'"
    " JOIN orgs go ON go.id = g.org_id, dev_applications a JOIN orgs o ON o.id = a.org_id"
    " WHERE a.id = $1 AND o.path >= go.path AND o.path < go.path || ':'";

static const char *what_of(const char *code)
{
    if (strcmp(code, "talk") == 0)
        return "入党申请人谈话（收到申请后一个月内）";
    if (strcmp(code, "assessment") == 0)
        return "半年考察";
    if (strcmp(code, "approval") == 0)
        return "上级党委审批（三个月内）";
    return "预备期满讨论转正";
}

static bool told(db_conn *c, const char *key)
{
    int64_t one = 0;
    return db_query_i64(c, &one, "SELECT 1 FROM notifications WHERE dedup_key = $1 LIMIT 1", "t", key) == DJ_OK;
}

static int tell(db_conn *c, const json_t *d, const char *today)
{
    int64_t app = dj_jint(d, "id", 0);
    const char *code = dj_jstr(d, "code", ""), *due = dj_jstr(d, "due_on", ""), *name = dj_jstr(d, "name", "");
    bool overdue = strcmp(due, today) < 0, probation = strcmp(code, "probation") == 0;
    char key[128], pkey[136], day[32], title[300], body[600];
    snprintf(key, sizeof key, "development:%lld:%s:%s:%s", (long long)app, code, overdue ? "overdue" : "due", due);
    snprintf(pkey, sizeof pkey, "%s:person", key);
    if (told(c, key) || (probation && told(c, pkey)))
        return DJ_OK;
    dj_text_cn(due, true, day);
    const char *what = what_of(code);
    snprintf(title, sizeof title, "发展党员%s：%.100s · %s", overdue ? "已逾期" : "即将到期", name, what);
    if (probation)
        snprintf(body, sizeof body, overdue ? "%.100s的预备期已于 %s 期满，尚未讨论转正，请尽快召开支部大会讨论。"
                                            : "%.100s的预备期将于 %s 期满，请准备讨论转正。",
                 name, day);
    else
        snprintf(body, sizeof body, overdue ? "%s应在 %s 前办理，现已逾期，请尽快办理。" : "%s应在 %s 前办理，请按时办理。",
                 what, day);
    struct dj_notice n = {.event = overdue ? "development.overdue" : "development.due", .key = key, .title = title,
                          .body = body, .link_type = "development", .link_id = app};
    int rc = db_begin(c);
    if (rc != DJ_OK)
        return rc;
    rc = dj_notify_users(c, &n, strcmp(code, "approval") == 0 ? approvers_sql : secretaries_sql, app);
    if (rc == DJ_OK && probation) {
        /* the member's own part: the written 转正 application before the end */
        char ptitle[200], pbody[400];
        snprintf(ptitle, sizeof ptitle, overdue ? "预备期已满" : "预备期即将期满");
        snprintf(pbody, sizeof pbody, overdue ? "您的预备期已于 %s 期满，请尽快向党支部提交书面转正申请。"
                                              : "您的预备期将于 %s 期满，请在期满前向党支部提交书面转正申请。",
                 day);
        struct dj_notice p = {.event = n.event, .key = pkey, .title = ptitle, .body = pbody,
                              .link_type = "development", .link_id = app};
        rc = dj_notify_person(c, &p, dj_jint(d, "person_id", 0));
    }
    return rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
}

static int deadlines_scan(db_conn *c, int64_t now)
{
    int y, m, d;
    dj_local_date(now, &y, &m, &d);
    char today[11];
    snprintf(today, sizeof today, "%04d-%02d-%02d", y, m, d);
    int err = 0;
    /* deadlines near (warned) or passed of open applications, not yet told for that day */
    json_t *rows = db_query_rows(c, &err,
                                 "SELECT a.id, a.person_id, p.name, d.code, d.due_on FROM dev_deadlines d"
                                 " JOIN dev_applications a ON a.id = d.application_id JOIN people p ON p.id = a.person_id"
                                 " WHERE a.state = 'open' AND d.warn_on <= $1 AND NOT EXISTS (SELECT 1 FROM notifications n"
                                 " WHERE n.dedup_key = 'development:' || a.id || ':' || d.code || CASE WHEN d.due_on < $1"
                                 " THEN ':overdue:' ELSE ':due:' END || d.due_on)"
                                 " ORDER BY d.due_on, a.id LIMIT 200",
                                 "t", today);
    if (!rows)
        return err;
    size_t i;
    json_t *x;
    int rc = DJ_OK;
    json_array_foreach(rows, i, x) {
        if ((rc = tell(c, x, today)) != DJ_OK)
            break;
    }
    json_decref(rows);
    return rc;
}

/* A 公示 ending (from the day before its last working day to three days after): the
 * branch's secretaries, once per 公示, to hold the step it precedes when no
 * objection came in. */
static int notices_scan(db_conn *c, int64_t now)
{
    int y, m, d;
    dj_local_date(now, &y, &m, &d);
    int64_t days = dj_days_from_civil(y, m, d);
    char from[11], to[11];
    dj_civil_from_days(days - 3, &y, &m, &d);
    snprintf(from, sizeof from, "%04d-%02d-%02d", y, m, d);
    dj_civil_from_days(days + 1, &y, &m, &d);
    snprintf(to, sizeof to, "%04d-%02d-%02d", y, m, d);
    int err = 0;
    json_t *rows = db_query_rows(c, &err,
                                 "SELECT x.id, x.application_id, x.ends_on, x.title, p.name FROM dev_notices x"
                                 " JOIN dev_applications a ON a.id = x.application_id JOIN people p ON p.id = a.person_id"
                                 " WHERE a.state = 'open' AND x.ends_on >= $1 AND x.ends_on <= $2"
                                 " AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.dedup_key = 'development:notice:'"
                                 " || x.id || ':ends:' || x.ends_on) ORDER BY x.id LIMIT 200",
                                 "tt", from, to);
    if (!rows)
        return err;
    size_t i;
    json_t *x;
    int rc = DJ_OK;
    json_array_foreach(rows, i, x) {
        char key[96], day[32], title[300], body[600];
        snprintf(key, sizeof key, "development:notice:%lld:ends:%s", (long long)dj_jint(x, "id", 0),
                 dj_jstr(x, "ends_on", ""));
        dj_text_cn(dj_jstr(x, "ends_on", ""), true, day);
        snprintf(title, sizeof title, "发展党员公示期满：%.100s", dj_jstr(x, "name", ""));
        snprintf(body, sizeof body, "《%.200s》于 %s 期满。期满无异议的，可办理下一步；有异议的，须调查核实后重新公示。",
                 dj_jstr(x, "title", ""), day);
        struct dj_notice n = {.event = "development.notice_ends", .key = key, .title = title, .body = body,
                              .link_type = "development", .link_id = dj_jint(x, "application_id", 0)};
        if ((rc = db_begin(c)) != DJ_OK)
            break;
        rc = dj_notify_users(c, &n, secretaries_sql, dj_jint(x, "application_id", 0));
        if ((rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc)) != DJ_OK)
            break;
    }
    json_decref(rows);
    return rc;
}

void development_notify_register(void)
{
    dj_notify_scan_add("development.deadlines", deadlines_scan);
    dj_notify_scan_add("development.notices", notices_scan);
}
