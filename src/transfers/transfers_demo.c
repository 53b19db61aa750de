/* transfers_demo.c - the demo agency's 组织关系转接, relative to the clock: a 介绍信
 * out awaiting its 回执 (two months old), one overdue, an incoming letter waiting to
 * be placed, two 流动党员 (one due a contact this quarter, one without contact for
 * seven months), and a member who died last year, still in last year's figures. */
#include <stdio.h>
#include <string.h>

#include "../core/err.h"
#include "../core/timeutil.h"
#include "../people/people_history.h"
#include "transfers.h"

/* The n-th full member without an account or a post (the demo's story people keep theirs). */
static int64_t pick(db_conn *c, int n)
{
    int64_t id = 0;
    db_query_i64(c, &id,
                 "SELECT p.id FROM people p WHERE p.active = 1 AND p.party_status = 'full' AND p.org_id IS NOT NULL"
                 " AND NOT EXISTS (SELECT 1 FROM users u WHERE u.person_id = p.id)"
                 " AND NOT EXISTS (SELECT 1 FROM org_officers f WHERE f.person_id = p.id)"
                 " AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.person_id = p.id)"
                 " AND NOT EXISTS (SELECT 1 FROM flow_members f WHERE f.person_id = p.id)"
                 " ORDER BY p.id LIMIT 1 OFFSET $1",
                 "i", (int64_t)n);
    return id;
}

static const char *day(tr_day d, char out[11])
{
    tr_day_format(d, out);
    return out;
}

/* A letter out issued `months_ago` months ago. */
static int letter(db_conn *c, const struct tr_actor *a, int64_t person, const char *to, int months_ago)
{
    int64_t id = 0;
    struct tr_err e = {0};
    char is[11];
    json_t *in = json_pack("{s:I, s:s, s:s}", "person_id", (json_int_t)person, "outside_org", to, "reason", "工作调动");
    int rc = tr_out_create(c, a, in, &id, &e);
    json_decref(in);
    in = json_pack("{s:s, s:s}", "issued_on", day(tr_add_months(tr_today(), -months_ago), is), "dues_override",
                   "党费已由原支部收至转出当月");
    if (rc == DJ_OK)
        rc = tr_issue(c, a, id, in, &e);
    json_decref(in);
    if (rc)
        fprintf(stderr, "transfers demo: %s\n", e.message);
    return rc;
}

int transfers_demo_load(db_conn *c, const char *password_hash)
{
    (void)password_hash;
    struct tr_actor a = {0};
    struct tr_err e = {0};
    tr_day today = tr_today();
    char d1[11], d2[11];
    int rc = people_history_seed(c);
    int64_t p1 = pick(c, 3), p2 = pick(c, 7);
    if (rc == DJ_OK && p1)
        rc = letter(c, &a, p1, "中共江门市财政局机关委员会", 2);
    if (rc == DJ_OK && p2)
        rc = letter(c, &a, p2, "中共蓬江区人民政府办公室支部委员会", 4);
    /* a letter from outside, registered five days ago, waiting for its branch */
    int64_t branch = 0, id = 0;
    db_query_i64(c, &branch, "SELECT MIN(id) FROM orgs WHERE kind = 'branch' AND dissolved_on IS NULL", "");
    if (rc == DJ_OK && branch) {
        json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:{s:s, s:s, s:s, s:s, s:s}}", "letter_no",
                               "江财机党介字〔2026〕第018号", "outside_org", "中共江门市财政局机关委员会", "issued_on",
                               day(today - 5, d1), "valid_until", day(tr_add_months(today - 5, 3), d2), "dues_paid_until",
                               "2026-01", "to_org_id", (json_int_t)branch, "reason", "工作调动", "person", "name", "邓嘉欣",
                               "gender", "female", "party_status", "full", "joined_on", "2012-06-28", "full_on", "2013-06-28");
        char mon[11];
        tr_day_format(today - 5, mon);
        mon[7] = 0;
        json_object_set_new(in, "dues_paid_until", json_string(mon));
        rc = tr_in_register(c, &a, in, &id, &e);
        json_decref(in);
    }
    /* two 流动党员: one away since last spring (last contact in the previous quarter),
     * one whose last contact was seven months ago */
    int64_t f1 = pick(c, 11), f2 = pick(c, 13), fid = 0, cid = 0;
    bool dup = false;
    if (rc == DJ_OK && f1) {
        json_t *in = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "person_id", (json_int_t)f1, "place", "广东省珠海市",
                               "since", day(tr_add_months(today, -10), d1), "contact", "微信同手机号", "card_no",
                               "粤流字第2026-0031号", "reason", "借调");
        rc = tr_flow_create(c, &a, in, &fid, &e);
        json_decref(in);
        in = json_pack("{s:s, s:s, s:s}", "contacted_on", day(tr_quarter_start(today) - 20, d1), "way", "phone", "note",
                       "电话了解思想和工作情况，按月在线缴纳党费");
        if (rc == DJ_OK)
            rc = tr_flow_contact(c, &a, fid, in, &cid, &dup, &e);
        json_decref(in);
    }
    if (rc == DJ_OK && f2) {
        json_t *in = json_pack("{s:I, s:s, s:s, s:s, s:s}", "person_id", (json_int_t)f2, "place", "四川省成都市", "since",
                               day(tr_add_months(today, -14), d1), "contact", "家属转告", "reason", "外出务工");
        rc = tr_flow_create(c, &a, in, &fid, &e);
        json_decref(in);
        in = json_pack("{s:s, s:s, s:s}", "contacted_on", day(tr_add_months(today, -7), d1), "way", "visit", "note",
                       "走访家属，告知按时参加组织生活");
        if (rc == DJ_OK)
            rc = tr_flow_contact(c, &a, fid, in, &cid, &dup, &e);
        json_decref(in);
    }
    /* a member who died in the spring of last year: off the roster, still in last year's figures */
    int64_t dead = pick(c, 17);
    if (rc == DJ_OK && dead) {
        tr_day_format(tr_add_months(today, -12), d1);
        memcpy(d1 + 5, "04-12", 5);
        json_t *in = json_pack("{s:s, s:s, s:s}", "event", "death", "on_date", d1, "note", "因病去世");
        rc = tr_membership_end(c, &a, dead, in, &e);
        json_decref(in);
    }
    if (rc)
        fprintf(stderr, "transfers demo: %s (%d)\n", e.message, rc);
    return rc;
}
