/* dues_notify.c - what 党费 tells people through the notification outbox
 * (core/notify.h): a payment the member reported, confirmed or refused by the
 * branch (to the member, in the decision's transaction); and arrears, warned at
 * dues.arrears_warn_months (3) and flagged at dues.arrears_flag_months (6) months
 * in a row, to the member and the branch's secretaries (a scan).  An arrears
 * message's key names the person, the level and the first month of the unpaid
 * run, so each run of months is told once per level, by any number of servers. */
#include <stdio.h>
#include <string.h>

#include "../core/err.h"
#include "../core/notify.h"
#include "../core/timeutil.h"
#include "dues.h"

/* The secretaries of the branch $1 (or of an organisation above it). */
static const char secretaries_sql[] = "SELECT g.user_id FROM grants g JOIN orgs go ON go.id = g.org_id, orgs b"
                                      " WHERE b.id = $1 AND g.role = 'secretary' AND b.path >= go.path AND b.path < go.path || ':'";

int dues_notify_payment(db_conn *c, int64_t payment_id)
{
    int err = 0;
    json_t *p = db_query_row(c, &err,
                             "SELECT person_id, amount_fen, paid_on, status, decision_note FROM dues_payments WHERE id = $1",
                             "i", payment_id);
    if (!p)
        return err;
    const char *status = dj_jstr(p, "status", "");
    bool ok = strcmp(status, "confirmed") == 0;
    int rc = DJ_OK;
    if (ok || strcmp(status, "rejected") == 0) {
        char key[64], yuan[32], day[32], body[600];
        dues_yuan(dj_jint(p, "amount_fen", 0), yuan);
        dj_text_cn(dj_jstr(p, "paid_on", ""), true, day);
        const char *note = dj_jstr(p, "decision_note", "");
        snprintf(key, sizeof key, "dues_payment:%lld:%s", (long long)payment_id, status);
        snprintf(body, sizeof body, "您 %s 报告交纳的党费 %s 元%s%s%.300s", day, yuan,
                 ok ? "已由支部确认收到" : "未获支部确认，请与支部核对后重新报告", *note ? "。说明：" : "", note);
        struct dj_notice n = {.event = ok ? "dues_payment.confirmed" : "dues_payment.rejected", .key = key,
                              .title = ok ? "党费交纳已确认" : "党费交纳未确认", .body = body, .link_type = "dues"};
        rc = dj_notify_person(c, &n, dj_jint(p, "person_id", 0));
    }
    json_decref(p);
    return rc;
}

static bool told(db_conn *c, const char *key)
{
    int64_t one = 0;
    return db_query_i64(c, &one, "SELECT 1 FROM notifications WHERE dedup_key = $1 LIMIT 1", "t", key) == DJ_OK;
}

/* One member in arrears: the member and the branch, in one transaction. */
static int tell_arrears(db_conn *c, const json_t *it, int months)
{
    bool flag = strcmp(dj_jstr(it, "level", ""), "flag") == 0;
    int64_t person = dj_jint(it, "person_id", 0), streak = dj_jint(it, "streak", 0);
    char from[8], key[96], bkey[104], yuan[32], title[200], body[600];
    dues_month_format(dues_month_at(dj_now()) - (dues_month)streak, from);
    snprintf(key, sizeof key, "dues_arrears:%lld:%s:%s", (long long)person, flag ? "flag" : "warn", from);
    snprintf(bkey, sizeof bkey, "%s:branch", key);
    if (told(c, key) || told(c, bkey))
        return DJ_OK;
    dues_yuan(dj_jint(it, "owed_fen", 0), yuan);
    int rc = db_begin(c);
    if (rc != DJ_OK)
        return rc;
    snprintf(body, sizeof body, "您已连续 %lld 个月未交纳党费（自 %.4s年%d月起），共欠交 %s 元。%s", (long long)streak, from,
             (from[5] - '0') * 10 + (from[6] - '0'), yuan,
             flag ? "按照党章第九条，没有正当理由连续六个月不交纳党费的，被认为是自行脱党；请尽快与支部联系并补交。"
                  : "请及时交纳。");
    struct dj_notice n = {.event = flag ? "dues.arrears_flag" : "dues.arrears_warn", .key = key,
                          .title = flag ? "党费已连续多月未交" : "党费欠交提醒", .body = body, .link_type = "dues",
                          .urgent = false};
    rc = dj_notify_person(c, &n, person);
    if (rc == DJ_OK) {
        snprintf(title, sizeof title, "%s：%.100s 连续 %lld 个月未交党费", flag ? "党费欠交警示" : "党费欠交提醒",
                 dj_jstr(it, "name", ""), (long long)streak);
        snprintf(body, sizeof body, "%.100s 自 %.4s年%d月起未交党费，共欠交 %s 元（达到 %d 个月%s）。", dj_jstr(it, "name", ""),
                 from, (from[5] - '0') * 10 + (from[6] - '0'), yuan, months,
                 flag ? "，请支部了解原因并按规定处理" : "，请提醒其按月交纳");
        struct dj_notice b = {.event = n.event, .key = bkey, .title = title, .body = body, .link_type = "dues_arrears"};
        rc = dj_notify_users(c, &b, secretaries_sql, dj_jint(it, "branch_id", 0));
    }
    return rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
}

/* Arrears change with the month and with payments: the tree's arrears (a roster
 * read, cached until dues change) are looked at every few minutes, not every scan. */
#define ARREARS_EVERY 300

static int arrears_scan(db_conn *c, int64_t now)
{
    static int64_t last; /* the worker thread's alone */
    if (last && now >= last && now - last < ARREARS_EVERY)
        return DJ_OK;
    last = now;
    int err = 0;
    json_t *a = dues_arrears(c, "/", &err);
    if (!a)
        return err;
    int warn = (int)dj_jint(a, "warn_months", 3), flag = (int)dj_jint(a, "flag_months", 6);
    size_t i;
    json_t *it;
    int rc = DJ_OK;
    json_array_foreach(json_object_get(a, "items"), i, it) {
        const char *level = dj_jstr(it, "level", "");
        if (strcmp(level, "warn") == 0 || strcmp(level, "flag") == 0)
            if ((rc = tell_arrears(c, it, strcmp(level, "flag") == 0 ? flag : warn)) != DJ_OK)
                break;
    }
    json_decref(a);
    return rc;
}

void dues_notify_register(void) { dj_notify_scan_add("dues.arrears", arrears_scan); }
