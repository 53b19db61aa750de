/* life_files.c - an activity's attachments in the file store: photos,
 * minutes, the signed sign-in sheet.  Whoever may see the activity may read
 * them; whoever may manage it may add and remove them while it is still
 * being recorded (not once it is closed or cancelled). */
#include <string.h>

#include "../core/auth.h"
#include "../core/err.h"
#include "../core/files.h"
#include "life.h"
#include "life_int.h"

static int activity_file_read(dj_req *r, int64_t id, const char *kind)
{
    (void)kind;
    struct life_activity_brief a;
    int rc = life_activity_brief(dj_db(r), id, &a);
    if (rc != DJ_OK)
        return rc;
    return life_may_see(r, &a) ? DJ_OK : DJ_ENOTFOUND;
}

static int activity_file_attach(dj_req *r, int64_t id)
{
    struct life_activity_brief a;
    int rc = life_activity_brief(dj_db(r), id, &a);
    if (rc == DJ_ENOTFOUND || (rc == DJ_OK && !life_may_see(r, &a)))
        return dj_fail(r, DJ_ENOTFOUND, "record", "找不到该活动");
    if (rc != DJ_OK)
        return rc;
    if ((rc = auth_require(r, "life.manage", a.org_id)) != DJ_OK)
        return rc;
    if (strcmp(a.state, "closed") == 0 || strcmp(a.state, "cancelled") == 0)
        return dj_fail(r, DJ_ECONFLICT, "record", "活动已%s，不能再修改附件",
                       strcmp(a.state, "closed") == 0 ? "结束" : "取消");
    return DJ_OK;
}

static const char *const activity_kinds[] = {"photo", "minutes", "signin_sheet", "other", NULL};

static const struct dj_file_subject activity_files = {
    "activity", "活动", activity_kinds, activity_file_read, activity_file_attach,
};

void life_files_register(void)
{
    dj_files_subject_add(&activity_files);
}

json_t *life_activity_attachments(db_conn *c, int64_t id)
{
    int err = 0;
    json_t *a = dj_files_of_record(c, "activity", id, &err);
    return a ? a : json_array();
}
