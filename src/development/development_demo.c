/* development_demo.c - 发展党员 in the demo agency (for trying the product only):
 * every person the roster shows on the way to membership gets a file whose
 * history is laid relative to the clock and taken through the real rules, so
 * the board tells the same story on any day: applicants, activists (one
 * ready to become a 发展对象), 发展对象, two in 预备党员的接收 (one waiting for
 * the higher committee's approval for more than three months), probationary
 * members (one whose probation ends within the month) and one walked all the
 * way to 转正.  An account demo-activist shows 我的入党进度 on the phone, and
 * demo-member is a 培养联系人. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../account/account.h"
#include "../core/err.h"
#include "development_int.h"

#define N7 107  /* the 公示 before step 7 */
#define N13 113 /* before 13 */
#define N23 123 /* before 23 */

/* The whole pipeline, in days relative to the 支部大会 resolution (R). */
static const struct {
    int step, off;
    const char *decision;
} chain[] = {
    {1, -620, NULL},  {2, -605, NULL},       {3, -560, NULL},  {4, -557, NULL},  {5, -555, NULL},
    {6, -410, NULL},  {6, -260, NULL},       {N7, -200, NULL}, {7, -170, NULL},  {8, -168, NULL},
    {9, -165, NULL},  {10, -150, "passed"},  {11, -140, NULL}, {12, -90, NULL},  {N13, -85, NULL},
    {13, -50, "approved"}, {14, -40, NULL},  {15, 0, NULL},    {16, 5, NULL},    {17, 20, "approved"},
    {18, 25, NULL},   {19, 25, NULL},        {20, 30, NULL},   {21, 180, NULL},  {22, 340, NULL},
    {N23, 341, NULL}, {23, 367, "full"},     {24, 380, "approved"}, {25, 385, NULL},
};
#define NCHAIN (int)(sizeof chain / sizeof chain[0])

/* The index of the first entry of step s in the chain (NCHAIN: the end). */
static int at_step(int s)
{
    for (int i = 0; i < NCHAIN; i++)
        if (chain[i].step == s)
            return i;
    return NCHAIN;
}

struct demo {
    db_conn *c;
    dj_arena *a;
    dev_day today;
    int64_t member_person; /* demo-member: a 培养联系人 in the first branch */
};

/* The branch's full members other than pid (at most n, by id). */
static size_t full_members(struct demo *d, int64_t org, int64_t pid, int64_t *out, size_t n)
{
    int rc;
    json_t *rows = db_query_rows(d->c, &rc,
                                 "SELECT p.id FROM people p JOIN orgs o ON o.id = p.org_id"
                                 " JOIN orgs b ON b.id = $1 WHERE o.path >= b.path AND o.path < b.path || ':' AND p.party_status = 'full'"
                                 " AND p.active = 1 AND p.id <> $2 ORDER BY p.id",
                                 "ii", org, pid);
    size_t k = 0, i;
    json_t *x;
    json_array_foreach(rows, i, x) if (k < n) out[k++] = dj_jint(x, "id", 0);
    json_decref(rows);
    return k;
}

static bool in_branch(struct demo *d, int64_t person, const char *path)
{
    int64_t n = 0;
    db_query_i64(d->c, &n,
                 "SELECT COUNT(*) FROM people p JOIN orgs o ON o.id = p.org_id WHERE p.id = $1 AND o.path >= $2 AND o.path < $2 || ':'",
                 "it", person, path);
    return n > 0;
}

static int say(int rc, const struct dev_err *e, int64_t pid, int step)
{
    if (rc)
        fprintf(stderr, "dangjian: demo development: person %lld step %d: %s\n", (long long)pid, step, e->message);
    return rc;
}

/* Walks person pid through chain[0..upto) anchored at R, stopping at the first entry after today. */
static int walk(struct demo *d, int64_t pid, dev_day R, int upto)
{
    int rc = db_exec(d->c, "UPDATE people SET party_status = 'none', joined_on = NULL, full_on = NULL,"
                           " probation_until = NULL WHERE id = $1", "i", pid);
    if (rc)
        return rc;
    char on[NCHAIN][11];
    for (int i = 0; i < NCHAIN; i++)
        dev_day_format(R + chain[i].off, on[i]);
    struct dev_err e = {0};
    int64_t app_id = 0, sid = 0;
    struct dev_input first = {.step = 1, .on_date = on[0], .note = "本人递交入党申请书。"};
    if ((rc = say(dev_start(d->c, NULL, d->a, pid, &first, 0, &app_id, &e), &e, pid, 1)))
        return rc;
    struct dev_app app;
    if ((rc = dev_app_load(d->c, d->a, app_id, &app)))
        return rc;
    int64_t people[2];
    for (int i = 1; i < upto && i < NCHAIN && rc == DJ_OK; i++) {
        if (R + chain[i].off > d->today)
            break;
        int s = chain[i].step;
        if (s > 100) {
            int64_t nid;
            rc = say(dev_notice_post(d->c, NULL, d->a, &app, s - 100, on[i], 0, "机关党委办公室，电话 0750-3000100", &nid, &e),
                     &e, pid, s);
            continue;
        }
        struct dev_input in = {.step = s, .on_date = on[i], .decision = chain[i].decision, .notice_clear = true};
        int voting = 0;
        switch (s) {
        case 2: in.note = "支部书记与其谈话，了解入党动机和对党的认识。"; break;
        case 3: in.organ = app.ctx.has_committee ? "committee" : "assembly"; in.note = "经党员推荐，支部委员会研究确定。"; break;
        case 5:
        case 9:
            in.npeople = full_members(d, app.org_id, pid, people, s == 5 ? 1 : 2);
            if (s == 5 && d->member_person && d->member_person != pid && in_branch(d, d->member_person, app.org_path))
                people[0] = d->member_person; /* demo-member accompanies the first branch's people */
            in.people = people;
            in.declaration = true;
            break;
        case 6: in.note = "学习积极，工作表现突出，能按时参加党组织活动。"; break;
        case 10: in.note = "经政治审查，政治立场坚定，历史清白，政审合格。"; break;
        case 11: in.train_days = 3; in.train_hours = 24; in.note = "参加机关党委发展对象培训班。"; break;
        case 15:
        case 23: {
            int64_t tmp[200];
            voting = (int)full_members(d, app.org_id, pid, tmp, 200);
            in.has_vote = true;
            in.vote = (struct dev_vote){voting, voting - 1, voting - 1, 0, 0};
            break;
        }
        case 21: in.note = "预备期内表现良好，能够发挥党员先锋模范作用。"; break;
        default: break;
        }
        rc = say(dev_take(d->c, NULL, d->a, &app, &in, &sid, &e), &e, pid, s);
    }
    return rc;
}

/* The people the roster shows on the way, by status, in a stable order. */
/* The first branch (demo-secretary's) comes first. */
static json_t *on_the_way(struct demo *d, const char *status)
{
    int rc;
    return db_query_rows(d->c, &rc,
                         "SELECT p.id, p.joined_on, p.org_id FROM people p JOIN orgs o ON o.id = p.org_id"
                         " WHERE p.party_status = $1 AND p.active = 1"
                         " ORDER BY CASE WHEN o.path LIKE (SELECT b.path FROM grants g JOIN users u ON u.id = g.user_id"
                         " JOIN orgs b ON b.id = g.org_id WHERE u.login = 'demo-secretary' LIMIT 1) || '%' THEN 0 ELSE 1 END,"
                         " o.sort, o.id, p.id",
                         "t", status);
}

int development_demo_load(db_conn *c, const char *password_hash)
{
    struct demo d = {.c = c, .a = dj_arena_new(), .today = dev_today()};
    int rc = db_query_i64(c, &d.member_person, "SELECT person_id FROM users WHERE login = 'demo-member'", "");
    if (rc == DJ_ENOTFOUND)
        rc = DJ_OK;
    dev_day D = d.today;
    json_t *applicants = on_the_way(&d, "applicant"), *activists = on_the_way(&d, "activist"),
           *candidates = on_the_way(&d, "candidate"), *probationary = on_the_way(&d, "probationary");
    if (!applicants || !activists || !candidates || !probationary)
        rc = DJ_EDB;
    size_t i;
    json_t *p;
    /* applicants: one who applied twelve days ago (the talk is due), one already talked to */
    json_array_foreach(applicants, i, p) if (rc == DJ_OK)
        rc = walk(&d, dj_jint(p, "id", 0), i == 0 ? D + 620 - 12 : D + 620 - 50, at_step(i == 0 ? 2 : 3));
    /* activists named between 25 and 420 days ago; the 420-day one has had a 公示 and may become a 发展对象 */
    static const int named[] = {290, 420, 200, 130, 60, 25, 380, 250};
    json_array_foreach(activists, i, p) if (rc == DJ_OK) {
        int A = named[i % (sizeof named / sizeof named[0])];
        rc = walk(&d, dj_jint(p, "id", 0), D - A + 560, at_step(A >= 400 ? 7 : N7));
    }
    /* 发展对象: training to come; waiting for the approval (overdue); waiting for the 预审 after its 公示 */
    json_array_foreach(candidates, i, p) if (rc == DJ_OK) {
        if (i % 3 == 0)
            rc = walk(&d, dj_jint(p, "id", 0), D + 110, at_step(11));
        else if (i % 3 == 1)
            rc = walk(&d, dj_jint(p, "id", 0), D - 100, at_step(17));
        else
            rc = walk(&d, dj_jint(p, "id", 0), D + 50, at_step(13));
    }
    /* probationary members: admitted on their 入党时间; the first ends its probation within the month, the last is 转正 */
    size_t np = json_array_size(probationary);
    json_array_foreach(probationary, i, p) if (rc == DJ_OK) {
        dev_day R;
        int upto = at_step(22);
        if (i == 0) {
            R = D - 340;
        } else if (i == np - 1) {
            R = D - 400;
            upto = NCHAIN;
        } else if (dev_day_parse(dj_jstr(p, "joined_on", ""), &R) != DJ_OK || R > D - 60) {
            R = D - 60 - (dev_day)(i * 23 % 200);
        }
        rc = walk(&d, dj_jint(p, "id", 0), R, upto);
    }
    /* the phone: the first branch's activist signs in as demo-activist */
    int64_t uid = 0, person = 0, org = 0;
    if (rc == DJ_OK && json_array_size(activists) > 0) {
        person = dj_jint(json_array_get(activists, 0), "id", 0);
        org = dj_jint(json_array_get(activists, 0), "org_id", 0);
        char *name = NULL;
        rc = db_query_text(c, &name, "SELECT name FROM people WHERE id = $1", "i", person);
        if (rc == DJ_OK)
            rc = account_user_create(c, "demo-activist", name, password_hash, person, false, &uid);
        free(name);
        if (rc == DJ_OK)
            rc = account_grant(c, uid, "member", org);
    }
    json_decref(applicants);
    json_decref(activists);
    json_decref(candidates);
    json_decref(probationary);
    dj_arena_free(d.a);
    return rc;
}
