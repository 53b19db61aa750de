/* development_files.c - a 发展档案's materials in the file store: the 入党申请书,
 * the 入党志愿书, 政审 materials, 思想汇报, the 公示 as posted, and the like.
 * Whoever may read the file (development.read on the branch) and the applicant
 * may read them; whoever manages development there adds and removes them. */
#include "../core/auth.h"
#include "../core/err.h"
#include "../core/files.h"
#include "development.h"
#include "development_int.h"

static int dev_file_read(dj_req *r, int64_t id, const char *kind)
{
    (void)kind;
    struct dev_app app;
    int rc = dev_app_load(dj_db(r), r->arena, id, &app);
    if (rc != DJ_OK)
        return rc;
    if (auth_can(r, "development.read", app.org_id))
        return DJ_OK;
    return r->user && r->user->person_id && r->user->person_id == app.person_id ? DJ_OK : DJ_ENOTFOUND;
}

static int dev_file_attach(dj_req *r, int64_t id)
{
    struct dev_app app;
    int rc = dev_app_load(dj_db(r), r->arena, id, &app);
    if (rc == DJ_ENOTFOUND || (rc == DJ_OK && !auth_can(r, "development.read", app.org_id)))
        return dj_fail(r, DJ_ENOTFOUND, "record", "找不到该发展档案");
    if (rc != DJ_OK)
        return rc;
    return auth_require(r, "development.manage", app.org_id);
}

static const char *const dev_kinds[] = {"application", "volunteer_form", "review", "report", "notice", "other", NULL};

static const struct dj_file_subject dev_files = {
    "development", "发展档案", dev_kinds, dev_file_read, dev_file_attach,
};

void development_files_register(void)
{
    dj_files_subject_add(&dev_files);
}
