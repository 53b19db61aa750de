/* lists_notify.c - what the work lists tell people (issue 18): an item due in
 * a few days (setting lists.notify_due_days, 3 by default) and an item past
 * its due day, to the people responsible (lead and co).  A scan the outbox
 * worker runs; each message's key names the item and its due day, so a second
 * run (or a second server) writes nothing, and a new due day is told again. */
#include <stdio.h>
#include <string.h>

#include "../core/err.h"
#include "../core/notify.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "lists.h"

static const char responsible_sql[] = "SELECT person_id FROM list_item_people WHERE item_id = $1";

static int tell(db_conn *c, const json_t *it, bool overdue)
{
    int64_t id = dj_jint(it, "id", 0);
    const char *due = dj_jstr(it, "due_on", "");
    char key[96], title[400], body[600], day[32];
    dj_text_cn(due, true, day);
    snprintf(key, sizeof key, "list_item:%lld:%s:%s", (long long)id, overdue ? "overdue" : "due", due);
    snprintf(title, sizeof title, "%s：%.300s", overdue ? "清单事项已逾期" : "清单事项即将到期", dj_jstr(it, "title", ""));
    snprintf(body, sizeof body, "《%.200s》中的事项应于 %s 完成%s。", dj_jstr(it, "list_title", ""), day,
             overdue ? "，现已逾期，请尽快办理并报告进展" : "，请按时办理");
    struct dj_notice n = {.event = overdue ? "list_item.overdue" : "list_item.due", .key = key, .title = title,
                          .body = body, .link_type = "list_item", .link_id = id};
    int rc = db_begin(c);
    if (rc == DJ_OK)
        rc = dj_notify_people(c, &n, responsible_sql, id);
    return rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
}

static int due_scan(db_conn *c, int64_t now)
{
    int y, m, d;
    dj_local_date(now, &y, &m, &d);
    int64_t days = dj_days_from_civil(y, m, d);
    char today[11], until[11];
    snprintf(today, sizeof today, "%04d-%02d-%02d", y, m, d);
    dj_civil_from_days(days + dj_setting_int(c, "lists.notify_due_days", 3), &y, &m, &d);
    snprintf(until, sizeof until, "%04d-%02d-%02d", y, m, d);
    int err = 0;
    /* open items due from today to `until`, or before today, not yet told for this due day */
    json_t *rows = db_query_rows(c, &err,
                                 "SELECT i.id, i.title, i.due_on, l.title AS list_title, CASE WHEN i.due_on < $1 THEN 1 ELSE 0 END AS overdue__bool"
                                 " FROM list_items i JOIN lists l ON l.id = i.list_id"
                                 " WHERE i.state IN ('not_started', 'in_progress') AND i.due_on IS NOT NULL"
                                 " AND i.due_on <= $2 AND NOT EXISTS (SELECT 1 FROM notifications n"
                                 " WHERE n.dedup_key = 'list_item:' || i.id || CASE WHEN i.due_on < $1"
                                 " THEN ':overdue:' ELSE ':due:' END || i.due_on)"
                                 " AND EXISTS (SELECT 1 FROM list_item_people p JOIN users u ON u.person_id = p.person_id"
                                 " WHERE p.item_id = i.id AND u.disabled = 0)"
                                 " ORDER BY i.id LIMIT 500",
                                 "tt", today, until);
    if (!rows)
        return err;
    size_t i;
    json_t *it;
    int rc = DJ_OK;
    json_array_foreach(rows, i, it) {
        if ((rc = tell(c, it, json_is_true(json_object_get(it, "overdue")))) != DJ_OK)
            break;
    }
    json_decref(rows);
    return rc;
}

void lists_notify_register(void)
{
    dj_notify_scan_add("lists.due", due_scan);
}
