/* transfers_notify.c - what 组织关系转接 tells people through the notification
 * outbox (core/notify.h): the member's 介绍信 issued, renewed or withdrawn (to the
 * member, in the write's transaction); a 回执 not back after the letter's months
 * (to those who keep the transfer: the committee office); a 流动党员 not yet
 * contacted this quarter (to the secretaries of the branch that keeps them).  The
 * last two are scans whose keys name the letter or the quarter, so a second run
 * or a second server writes nothing twice. */
#include <stdio.h>
#include <string.h>

#include "../core/err.h"
#include "../core/notify.h"
#include "../core/timeutil.h"
#include "transfers.h"

/* The accounts that manage transfers over the transfer $1's organisation. */
static const char office_sql[] =
    "SELECT g.user_id FROM grants g JOIN role_perms rp ON rp.role = g.role AND rp.perm = 'transfer.manage'"
    " JOIN orgs go ON go.id = g.org_id, transfers t JOIN orgs fo ON fo.id = COALESCE(t.from_org_id, t.to_org_id)"
    " WHERE t.id = $1 AND fo.path >= go.path AND fo.path < go.path || ':'";
/* The secretaries of the branch that keeps the 流动党员 $1. */
static const char flow_secretaries_sql[] =
    "SELECT g.user_id FROM grants g JOIN orgs go ON go.id = g.org_id, flow_members f JOIN orgs o ON o.id = f.org_id"
    " WHERE f.id = $1 AND g.role = 'secretary' AND o.path >= go.path AND o.path < go.path || ':'";

int tr_notify_letter(db_conn *c, int64_t id, const char *what)
{
    int err = 0;
    json_t *t = db_query_row(c, &err,
                             "SELECT person_id, letter_no, outside_org, valid_until, withdraw_reason FROM transfers"
                             " WHERE id = $1",
                             "i", id);
    if (!t)
        return err;
    int rc = DJ_OK;
    int64_t person = dj_jint(t, "person_id", 0);
    if (person) {
        char key[96], day[32], title[300], body[600];
        dj_text_cn(dj_jstr(t, "valid_until", ""), true, day);
        const char *to = dj_jstr(t, "outside_org", "");
        struct dj_notice n = {.key = key, .title = title, .body = body, .link_type = "my_transfer", .link_id = id};
        if (strcmp(what, "issued") == 0) {
            n.event = "transfer.issued";
            snprintf(key, sizeof key, "transfer:%lld:issued", (long long)id);
            snprintf(title, sizeof title, "介绍信已开具：%.200s", dj_jstr(t, "letter_no", ""));
            snprintf(body, sizeof body, "请持介绍信在 %s 前到%.200s报到。", day, *to ? to : "接收单位");
        } else if (strcmp(what, "renewed") == 0) {
            n.event = "transfer.renewed";
            snprintf(key, sizeof key, "transfer:%lld:renewed:%s", (long long)id, dj_jstr(t, "valid_until", ""));
            snprintf(title, sizeof title, "介绍信已续开：%.200s", dj_jstr(t, "letter_no", ""));
            snprintf(body, sizeof body, "有效期延至 %s，请在此前到%.200s报到。", day, *to ? to : "接收单位");
        } else {
            n.event = "transfer.withdrawn";
            snprintf(key, sizeof key, "transfer:%lld:withdrawn", (long long)id);
            snprintf(title, sizeof title, "介绍信已撤回：%.200s", dj_jstr(t, "letter_no", ""));
            snprintf(body, sizeof body, "您的组织关系介绍信已撤回，原因：%.300s。如有疑问请与机关党委联系。",
                     dj_jstr(t, "withdraw_reason", ""));
        }
        rc = dj_notify_person(c, &n, person);
    }
    json_decref(t);
    return rc;
}

static bool told(db_conn *c, const char *key)
{
    int64_t one = 0;
    return db_query_i64(c, &one, "SELECT 1 FROM notifications WHERE dedup_key = $1 LIMIT 1", "t", key) == DJ_OK;
}

static int tell_users(db_conn *c, const struct dj_notice *n, const char *sql, int64_t id)
{
    int rc = db_begin(c);
    if (rc == DJ_OK)
        rc = dj_notify_users(c, n, sql, id);
    return rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
}

static int receipts_scan(db_conn *c)
{
    struct tr_filter f = {.scope = "1=1", .flag = "overdue"};
    int err = 0;
    json_t *rows = tr_list(c, &f, 200, 0, NULL, &err);
    if (!rows)
        return err;
    size_t i;
    json_t *o;
    int rc = DJ_OK;
    json_array_foreach(rows, i, o) {
        int64_t id = dj_jint(o, "id", 0);
        char key[96], day[32], title[300], body[600];
        snprintf(key, sizeof key, "transfer:%lld:receipt_overdue:%s", (long long)id, dj_jstr(o, "issued_on", ""));
        if (told(c, key))
            continue;
        dj_text_cn(dj_jstr(o, "issued_on", ""), true, day);
        snprintf(title, sizeof title, "回执逾期未回：%.100s", dj_jstr(o, "person_name", ""));
        snprintf(body, sizeof body, "%.60s 开具于 %s，至今未收到%.200s的回执，请联系接收单位核实报到情况。",
                 dj_jstr(o, "letter_no", ""), day, dj_jstr(o, "outside_org", "接收单位"));
        struct dj_notice n = {.event = "transfer.receipt_overdue", .key = key, .title = title, .body = body,
                              .link_type = "transfer", .link_id = id};
        if ((rc = tell_users(c, &n, office_sql, id)) != DJ_OK)
            break;
    }
    json_decref(rows);
    return rc;
}

static int flow_scan(db_conn *c)
{
    int err = 0;
    json_t *rows = tr_flow_list(c, NULL, NULL, false, &err);
    if (!rows)
        return err;
    size_t i;
    json_t *o;
    int rc = DJ_OK;
    json_array_foreach(rows, i, o) {
        if (!dj_jbool(o, "contact_due", false))
            continue;
        int64_t id = dj_jint(o, "id", 0);
        char key[96], day[32], title[300], body[600];
        snprintf(key, sizeof key, "flow_member:%lld:contact:%s", (long long)id, dj_jstr(o, "quarter_ends", ""));
        if (told(c, key))
            continue;
        dj_text_cn(dj_jstr(o, "quarter_ends", ""), true, day);
        const char *last = dj_jstr(o, "last_contact", NULL);
        char lastcn[32] = "无";
        if (last)
            dj_text_cn(last, true, lastcn);
        snprintf(title, sizeof title, "流动党员本季度联系：%.100s", dj_jstr(o, "person_name", ""));
        snprintf(body, sizeof body, "%.100s（%.200s）本季度尚未联系，请在 %s 前联系并记录。最近联系：%s。",
                 dj_jstr(o, "person_name", ""), dj_jstr(o, "place", ""), day, lastcn);
        struct dj_notice n = {.event = "flow_member.contact_due", .key = key, .title = title, .body = body,
                              .link_type = "flow_member", .link_id = id};
        if ((rc = tell_users(c, &n, flow_secretaries_sql, id)) != DJ_OK)
            break;
    }
    json_decref(rows);
    return rc;
}

static int transfers_scan(db_conn *c, int64_t now)
{
    (void)now; /* the lists read the day from dj_now() */
    int rc = receipts_scan(c);
    int rc2 = flow_scan(c);
    return rc != DJ_OK ? rc : rc2;
}

void tr_notify_register(void) { dj_notify_scan_add("transfers", transfers_scan); }
