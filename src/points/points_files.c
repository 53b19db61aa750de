/* points_files.c - a points claim's evidence (a photo of the certificate, a
 * scan of the published article) in the file store.  The claimant and those
 * who read or approve the branch's points may read it; the claimant adds it
 * while the claim waits (or when it was recorded without anyone's approval),
 * the approvers at any time: evidence an approver decided on stays as it was. */
#include <string.h>

#include "../core/auth.h"
#include "../core/err.h"
#include "../core/files.h"
#include "points.h"

static int claim_load(dj_req *r, int64_t id, int64_t *person, int64_t *branch, bool *pending)
{
    int rc = 0;
    json_t *k = points_claim_get(dj_db(r), id, &rc);
    if (!k)
        return rc;
    *person = dj_jint(k, "person_id", 0);
    *branch = dj_jint(k, "branch_id", 0);
    /* a claim recorded by a rule that needs no approval was decided by no one */
    *pending = strcmp(dj_jstr(k, "status", ""), "pending") == 0 || dj_jint(k, "decided_by", 0) == 0;
    json_decref(k);
    return DJ_OK;
}

static int claim_file_read(dj_req *r, int64_t id, const char *kind)
{
    (void)kind;
    int64_t person = 0, branch = 0;
    bool pending;
    int rc = claim_load(r, id, &person, &branch, &pending);
    if (rc != DJ_OK)
        return rc;
    if (person && person == r->user->person_id)
        return DJ_OK;
    return auth_can(r, "points.approve", branch) || auth_can(r, "points.read", branch) ? DJ_OK : DJ_ENOTFOUND;
}

static int claim_file_attach(dj_req *r, int64_t id)
{
    int64_t person = 0, branch = 0;
    bool pending;
    int rc = claim_load(r, id, &person, &branch, &pending);
    bool mine = rc == DJ_OK && person && person == r->user->person_id;
    if (rc == DJ_ENOTFOUND || (rc == DJ_OK && !mine && !auth_can(r, "points.read", branch) &&
                               !auth_can(r, "points.approve", branch)))
        return dj_fail(r, DJ_ENOTFOUND, "record", "找不到该积分申报");
    if (rc != DJ_OK)
        return rc;
    if (auth_can(r, "points.approve", branch))
        return DJ_OK;
    if (!mine)
        return dj_fail(r, DJ_EFORBIDDEN, "record", "只有申报人或审批人可以添加佐证材料");
    if (!pending)
        return dj_fail(r, DJ_ECONFLICT, "record", "申报已审批，不能再修改佐证材料");
    return DJ_OK;
}

static const char *const claim_kinds[] = {"evidence", NULL};

static const struct dj_file_subject claim_files = {"claim", "积分申报", claim_kinds, claim_file_read,
                                                    claim_file_attach};

void points_files_register(void)
{
    dj_files_subject_add(&claim_files);
}
