/* points_demo.c - this subject's part of the demo agency: the life demo's attendance
 * and study become points through the real consumer (points_consume_events_tx), then
 * a few members claim points (most wait for their secretary, one is approved) and one
 * mistaken award is reversed, so the honour roll and the verify screen have content. */
#include <stdio.h>
#include <string.h>

#include "../core/err.h"
#include "../core/timeutil.h"
#include "points.h"

static const struct {
    const char *rule, *description;
    int days_ago;
} demo_claims[] = {
    {"article_published", "在《江门日报》理论版发表《以模范机关创建推动机关党建高质量发展》", 12},
    {"lecture_given", "在支部“党建+微分享”活动中讲授《新时代机关党员的责任与担当》", 9},
    {"training_multi_day", "参加市直机关工委举办的党务干部培训班（3 天）", 20},
    {"honour_received", "获评市直机关“优秀共产党员”", 30},
    {"article_published", "在市政府门户网站发表政务服务改革经验文章", 5},
};

/* A user who may approve claims of the branch: its secretary, else anyone on the committee. */
static int64_t approver_of(db_conn *c, int64_t branch)
{
    int64_t uid = 0;
    if (db_query_i64(c, &uid,
                     "SELECT g.user_id FROM grants g JOIN orgs o ON o.id = g.org_id JOIN orgs b ON b.id = $1"
                     " WHERE g.role IN ('secretary', 'committee') AND b.path >= o.path AND b.path < o.path || ':'"
                     " ORDER BY length(o.path) DESC, g.id LIMIT 1",
                     "i", branch) != DJ_OK)
        return 0;
    return uid;
}

int points_demo_load(db_conn *c, const char *password_hash)
{
    (void)password_hash;
    struct points_sync st = {0};
    int rc = points_consume_events_tx(c, &st);
    if (rc)
        return rc;

    /* claims from members of different branches */
    int err = 0;
    json_t *members = db_query_rows(c, &err,
                                    "SELECT p.id, u.id AS user_id FROM people p JOIN orgs o ON o.id = p.org_id"
                                    " LEFT JOIN users u ON u.person_id = p.id"
                                    " WHERE p.party_status = 'full' AND p.active = 1"
                                    " ORDER BY (p.id * 7) % 11, p.id LIMIT 5",
                                    "");
    if (!members)
        return err;
    size_t n = json_array_size(members);
    int64_t approved_claim = 0;
    for (size_t i = 0; i < n && rc == DJ_OK; i++) {
        json_t *m = json_array_get(members, i);
        int y, mo, d;
        dj_local_date(dj_now() - (int64_t)demo_claims[i].days_ago * 86400, &y, &mo, &d);
        char on[16];
        snprintf(on, sizeof on, "%04d-%02d-%02d", y % 10000, mo % 100, d % 100);
        int64_t id = 0;
        char why[300];
        rc = points_claim_create(c, dj_jint(m, "id", 0), dj_jint(m, "user_id", 0), demo_claims[i].rule,
                                 demo_claims[i].description, on, &id, why, sizeof why);
        if (rc == DJ_EUNPROCESSABLE) /* a member outside any branch: no claim */
            rc = DJ_OK;
        if (rc == DJ_OK && i == n - 1 && id)
            approved_claim = id;
    }
    json_decref(members);
    if (rc)
        return rc;

    /* the secretary approves one of them */
    if (approved_claim) {
        json_t *k = points_claim_get(c, approved_claim, &err);
        if (!k)
            return err;
        int64_t approver = approver_of(c, dj_jint(k, "branch_id", 0));
        json_decref(k);
        if (approver) {
            struct points_result res;
            const char *msg = NULL;
            rc = points_claim_decide(c, approved_claim, approver, true, "材料齐全，同意加分", &res, &msg);
            if (rc == DJ_EUNPROCESSABLE)
                rc = DJ_OK; /* a cap reached: the claim stays pending */
            if (rc)
                return rc;
        }
    }

    /* one attendance recorded by mistake, reversed by the committee office */
    int64_t entry = 0;
    if (db_query_i64(c, &entry,
                     "SELECT id FROM points_ledger WHERE source_type = 'attendance' ORDER BY occurred_at DESC, id"
                     " LIMIT 1",
                     "") == DJ_OK) {
        int64_t committee = 0;
        db_query_i64(c, &committee,
                     "SELECT g.user_id FROM grants g WHERE g.role = 'committee' ORDER BY g.id LIMIT 1", "");
        int64_t new_id = 0;
        rc = points_reverse(c, entry, "该同志当天因公出差请假，签到系误记，予以冲正", committee, &new_id);
    }
    return rc;
}
