/* lists_files.c - work lists in the file store: the evidence (佐证材料) of an
 * item and of each progress update, and the papers of an inspection.
 * Whoever may see the item reads its evidence; whoever may report on it adds
 * evidence; inspections are read by those who see them and filed by those
 * who record them (inspection.write). */
#include <stdio.h>
#include <string.h>

#include "../core/auth.h"
#include "../core/err.h"
#include "../core/files.h"
#include "lists.h"
#include "lists_api.h"

int lists_evidence_store(db_conn *c, dj_req *r, int64_t update_id, const json_t *evidence, int64_t by_user)
{
    size_t k;
    json_t *e;
    int rc = DJ_OK;
    json_array_foreach(evidence, k, e) {
        const char *fid = json_string_value(json_object_get(e, "file_id"));
        int64_t file_id = 0;
        if (fid) {
            struct dj_file f;
            dj_arena *a = dj_arena_new();
            rc = dj_file_find(c, a, fid, &f);
            if (rc == DJ_OK && r)
                rc = dj_file_may_read(r, &f);
            file_id = f.id;
            dj_arena_free(a);
            if (rc != DJ_OK)
                return r ? dj_fail(r, DJ_EINVAL, "evidence", "佐证材料第 %zu 项的文件不存在，请重新上传", k + 1) : rc;
        } else {
            char token[DJ_FILE_TOKEN_LEN + 1];
            struct dj_file_new nf = {NULL, json_string_value(json_object_get(e, "url")),
                                     json_string_value(json_object_get(e, "name")), 0, NULL, by_user, NULL};
            rc = dj_file_insert(c, &nf, &file_id, token);
        }
        bool created;
        if (rc == DJ_OK)
            rc = dj_file_link(c, file_id, "item_update", update_id, "evidence", by_user, &created);
        if (rc != DJ_OK)
            return rc;
    }
    return rc;
}

json_t *lists_evidence_of(db_conn *c, int64_t update_id)
{
    int err = 0;
    json_t *a = dj_files_of_record(c, "item_update", update_id, &err);
    return a ? a : json_array();
}

/* ---------------------------------------------------------------- the subjects */

static int item_read(dj_req *r, int64_t id, const char *kind)
{
    (void)kind;
    return lists_item_file_read(r, id);
}

static int item_attach(dj_req *r, int64_t id)
{
    return lists_item_file_attach(r, id);
}

static int update_item(dj_req *r, int64_t update_id, int64_t *item)
{
    int rc = db_query_i64(dj_db(r), item, "SELECT item_id FROM list_item_updates WHERE id = $1", "i", update_id);
    if (rc == DJ_ENOTFOUND)
        return dj_fail(r, DJ_ENOTFOUND, "record", "找不到该进展记录");
    return rc;
}

static int update_read(dj_req *r, int64_t id, const char *kind)
{
    (void)kind;
    int64_t item = 0;
    int rc = update_item(r, id, &item);
    return rc == DJ_OK ? lists_item_file_read(r, item) : rc;
}

static int update_attach(dj_req *r, int64_t id)
{
    int64_t item = 0;
    int rc = update_item(r, id, &item);
    return rc == DJ_OK ? lists_item_file_attach(r, item) : rc;
}

static int inspection_read(dj_req *r, int64_t id, const char *kind)
{
    (void)kind;
    struct lists_viewer v;
    lists_viewer_of(r, &v);
    int err = 0;
    json_t *rows = lists_store_inspections(dj_db(r), &v, 0, &err);
    if (!rows)
        return err;
    bool found = false;
    size_t k;
    json_t *x;
    json_array_foreach(rows, k, x) found = found || dj_jint(x, "id", 0) == id;
    json_decref(rows);
    return found ? DJ_OK : DJ_ENOTFOUND;
}

static int inspection_attach(dj_req *r, int64_t id)
{
    int64_t org = 0;
    int rc = db_query_i64(dj_db(r), &org, "SELECT org_id FROM inspections WHERE id = $1", "i", id);
    if (rc == DJ_ENOTFOUND)
        return dj_fail(r, DJ_ENOTFOUND, "record", "找不到该检查记录");
    if (rc != DJ_OK)
        return rc;
    return auth_require(r, "inspection.write", org);
}

static const char *const evidence_kinds[] = {"evidence", NULL};
static const char *const inspection_kinds[] = {"report", "photo", "other", NULL};

static const struct dj_file_subject item_files = {"list_item", "清单事项", evidence_kinds, item_read, item_attach};
static const struct dj_file_subject update_files = {"item_update", "进展记录", evidence_kinds, update_read,
                                                     update_attach};
static const struct dj_file_subject inspection_files = {"inspection", "检查记录", inspection_kinds, inspection_read,
                                                         inspection_attach};

void lists_files_register(void)
{
    dj_files_subject_add(&item_files);
    dj_files_subject_add(&update_files);
    dj_files_subject_add(&inspection_files);
}
