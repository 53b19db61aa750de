/* study_files.c - the file store's subjects of 学习园地: a material's document, video
 * or cover (read by whoever may read the material; attached by whoever manages its
 * org), and a notice's attachments (read by those it reaches). */
#include <string.h>

#include "../core/auth.h"
#include "../core/err.h"
#include "../core/files.h"
#include "study_int.h"

static int material_file_read(dj_req *r, int64_t id, const char *kind)
{
    (void)kind;
    return study_may_see_material(r, id) ? DJ_OK : DJ_ENOTFOUND;
}

static int material_file_attach(dj_req *r, int64_t id)
{
    int64_t org = 0;
    char state[16];
    int rc = study_material_org(dj_db(r), id, &org, state);
    if (rc == DJ_ENOTFOUND || (rc == DJ_OK && !study_may_see_material_at(r, org, state)))
        return dj_fail(r, DJ_ENOTFOUND, "record", "找不到该学习材料");
    if (rc)
        return rc;
    return auth_require(r, "study.manage", org);
}

static int notice_file_read(dj_req *r, int64_t id, const char *kind)
{
    (void)kind;
    int64_t org = 0;
    if (study_notice_org(dj_db(r), id, &org) != DJ_OK)
        return DJ_ENOTFOUND;
    if (auth_can(r, "study.read", org))
        return DJ_OK;
    return r->user->person_id && study_notice_reaches(dj_db(r), id, r->user->person_id) ? DJ_OK : DJ_ENOTFOUND;
}

static int notice_file_attach(dj_req *r, int64_t id)
{
    int64_t org = 0;
    int rc = study_notice_org(dj_db(r), id, &org);
    if (rc == DJ_ENOTFOUND || (rc == DJ_OK && !auth_can(r, "study.read", org)))
        return dj_fail(r, DJ_ENOTFOUND, "record", "找不到该通知");
    return rc ? rc : auth_require(r, "study.manage", org);
}

static const char *const material_kinds[] = {"document", "video", "cover", "other", NULL};
static const struct dj_file_subject material_files = {
    "study_material", "学习材料", material_kinds, material_file_read, material_file_attach,
};
static const struct dj_file_subject notice_files = {
    "study_notice", "通知公告", NULL, notice_file_read, notice_file_attach,
};

/* A video attached to a material sets its length from the file's own
 * header (MP4/MOV), so the cap on counted time is the film's, not a figure
 * typed by hand.  A file that says no length keeps the one entered. */
static int material_linked(db_conn *c, int64_t file_id, int64_t record_id, const char *kind)
{
    if (strcmp(kind, "video") != 0)
        return DJ_OK;
    int64_t ms = 0;
    int rc = dj_file_duration_ms(c, file_id, &ms);
    if (rc == DJ_ENOTFOUND || rc == DJ_EINVAL)
        return DJ_OK;
    if (rc)
        return rc;
    int64_t seconds = (ms + 999) / 1000;
    return study_material_set_length(c, record_id, seconds > STUDY_MAX_LENGTH ? STUDY_MAX_LENGTH : seconds);
}

void study_files_register(void)
{
    dj_files_on_link("study_material", material_linked);
    dj_files_subject_add(&material_files);
    dj_files_subject_add(&notice_files);
}

json_t *study_material_files(db_conn *c, int64_t id)
{
    int err = 0;
    json_t *a = dj_files_of_record(c, "study_material", id, &err);
    return a ? a : json_array();
}

json_t *study_notice_files(db_conn *c, int64_t id)
{
    int err = 0;
    json_t *a = dj_files_of_record(c, "study_notice", id, &err);
    return a ? a : json_array();
}
