/* notify_import.c - binding work-app (企业微信/粤政易) user ids to people from a
 * table: CSV here (the PC turns an .xlsx into CSV in the page).  Columns by
 * header: 姓名, 手机号 (or 手机), 企业微信账号 (or 账号, UserID) — the work app's
 * own member export has these.  A row is matched to a person in the caller's
 * scope by mobile number, or else by a name that is unique there.  A dry run
 * lists what would happen to each row; the real run binds the matched rows
 * in one transaction (each binding audited) and skips the rest, which the
 * answer lists: a work app's export holds many who are not party members. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/csv.h"
#include "../core/err.h"
#include "../core/timeutil.h"
#include "notify.h"
#include "notify_int.h"

#define MAX_ROWS 5000

enum col { COL_NAME, COL_PHONE, COL_USERID, NCOLS };

static int col_of(const char *h)
{
    static const struct {
        const char *name;
        enum col col;
    } names[] = {{"姓名", COL_NAME},           {"name", COL_NAME},      {"手机号", COL_PHONE},
                 {"手机", COL_PHONE},          {"手机号码", COL_PHONE}, {"phone", COL_PHONE},
                 {"mobile", COL_PHONE},        {"企业微信账号", COL_USERID}, {"粤政易账号", COL_USERID},
                 {"账号", COL_USERID},         {"userid", COL_USERID},  {"wecom_userid", COL_USERID}};
    while (*h == ' ')
        h++;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(h, names[i].name) == 0)
            return (int)names[i].col;
    return -1;
}

static const char *field(const struct dj_csv_record *rec, const int at[NCOLS], enum col c)
{
    return at[c] >= 0 && (size_t)at[c] < rec->nfields ? rec->fields[at[c]] : "";
}

/* What becomes of one row: status and, when matched, the person. */
static json_t *judge(dj_req *r, db_conn *c, const char *scope, const char *name, const char *phone,
                     const char *userid, json_t *seen_ids, json_t *seen_people, int *rc)
{
    json_t *row = json_pack("{s:s, s:s, s:s}", "name", name, "phone", phone, "wecom_userid", userid);
    const char *status = "bind", *reason = NULL;
    json_t *match = NULL;
    if (!*userid)
        status = "invalid", reason = "缺少企业微信账号";
    else if (strlen(userid) > 64 || !notify_userid_ok(userid))
        status = "invalid", reason = "企业微信账号只能包含字母、数字和 _ - . @";
    else if (!*name && !*phone)
        status = "invalid", reason = "缺少姓名和手机号";
    else if (json_object_get(seen_ids, userid))
        status = "conflict", reason = "该账号在文件中出现多次";
    if (strcmp(status, "bind") == 0) {
        json_object_set_new(seen_ids, userid, json_true());
        match = notify_person_match(c, scope, phone, name, rc);
        if (!match) {
            json_decref(row);
            return NULL;
        }
        /* a phone that names nobody in scope: the name may still */
        if (json_array_size(match) == 0 && *phone && *name) {
            json_decref(match);
            if (!(match = notify_person_match(c, scope, NULL, name, rc))) {
                json_decref(row);
                return NULL;
            }
        }
        if (json_array_size(match) == 0)
            status = "unmatched", reason = "名册中（您管辖的范围内）找不到此人";
        else if (json_array_size(match) > 1)
            status = "unmatched", reason = "同名人员不止一位，请填写手机号";
    }
    if (strcmp(status, "bind") == 0) {
        json_t *p = json_array_get(match, 0);
        int64_t pid = dj_jint(p, "id", 0), owner = 0;
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)pid);
        json_object_set_new(row, "person_id", json_integer(pid));
        json_object_set(row, "person_name", json_object_get(p, "name"));
        json_object_set(row, "org_name", json_object_get(p, "org_name"));
        int got = notify_binding_owner(c, userid, &owner);
        if (got != DJ_OK && got != DJ_ENOTFOUND)
            *rc = got;
        else if (json_object_get(seen_people, key))
            status = "conflict", reason = "同一人员在文件中出现多次";
        else if (got == DJ_OK && owner == pid)
            status = "same", reason = "已绑定，无需变更";
        else if (got == DJ_OK)
            status = "conflict", reason = "该账号已绑定其他人员";
        json_object_set_new(seen_people, key, json_true());
    }
    (void)r;
    json_decref(match);
    json_object_set_new(row, "status", json_string(status));
    json_object_set_new(row, "reason", reason ? json_string(reason) : json_null());
    return row;
}

/* Reads the table into judged rows; a 4xx already answered when the table is unusable. */
static int read_rows(dj_req *r, db_conn *c, const char *text, size_t len, json_t *items)
{
    const char *scope = auth_scope_sql(r, "person.write", "o.path");
    struct dj_csv_reader rd;
    struct dj_csv_record rec;
    int at[NCOLS] = {-1, -1, -1}, rc = DJ_OK, got;
    bool header = true;
    json_t *seen_ids = json_object(), *seen_people = json_object();
    dj_csv_init(&rd, text, len);
    while (rc == DJ_OK && (got = dj_csv_next(&rd, &rec)) != 0) {
        if (got < 0) {
            rc = dj_fail(r, DJ_EINVAL, "file", rd.err ? rd.err : "文件格式有误");
            break;
        }
        if (header) {
            for (size_t i = 0; i < rec.nfields; i++) {
                int col = col_of(rec.fields[i]);
                if (col >= 0 && at[col] < 0)
                    at[col] = (int)i;
            }
            if (at[COL_USERID] < 0 || (at[COL_NAME] < 0 && at[COL_PHONE] < 0))
                rc = dj_fail(r, DJ_EINVAL, "file", "第一行须是表头，含“姓名”或“手机号”列，以及“企业微信账号”（或“账号”）列");
            header = false;
            continue;
        }
        if (json_array_size(items) >= MAX_ROWS) {
            rc = dj_fail(r, DJ_EINVAL, "file", "一次最多导入 5000 行");
            break;
        }
        json_t *row = judge(r, c, scope, field(&rec, at, COL_NAME), field(&rec, at, COL_PHONE),
                            field(&rec, at, COL_USERID), seen_ids, seen_people, &rc);
        if (!row)
            break;
        json_object_set_new(row, "line", json_integer(rec.line));
        json_array_append_new(items, row);
    }
    if (rc == DJ_OK && header)
        rc = dj_fail(r, DJ_EINVAL, "file", "文件为空");
    dj_csv_free(&rd);
    json_decref(seen_ids);
    json_decref(seen_people);
    return rc;
}

static int write_rows(dj_req *r, db_conn *c, json_t *items, int64_t *bound)
{
    char now[21];
    dj_time_iso(dj_now(), now);
    size_t i;
    json_t *row;
    int rc = DJ_OK;
    json_array_foreach(items, i, row) {
        if (rc != DJ_OK)
            break;
        if (strcmp(dj_jstr(row, "status", ""), "bind") != 0)
            continue;
        int64_t pid = dj_jint(row, "person_id", 0);
        rc = notify_binding_set(c, pid, dj_jstr(row, "wecom_userid", ""), r->user->id, now);
        if (rc == DJ_OK) {
            json_t *a = json_pack("{s:I, s:O, s:s}", "person_id", (json_int_t)pid, "wecom_userid",
                                  json_object_get(row, "wecom_userid"), "source", "import");
            rc = audit_write(c, r, "bind", "wecom_binding", pid, NULL, a);
            json_decref(a);
            (*bound)++;
        }
    }
    return rc;
}

int notify_bindings_import(dj_req *r)
{
    const char *ct = dj_header(r, "Content-Type");
    if (ct && (strncmp(ct, "application/json", 16) == 0 || strncmp(ct, "multipart/", 10) == 0))
        return dj_fail(r, DJ_EMEDIA, NULL, "请以 text/csv 上传（Excel 文件请先在页面中转换）");
    const char *dry = dj_query(r, "dry_run");
    if (dry && strcmp(dry, "0") != 0 && strcmp(dry, "1") != 0)
        return dj_fail(r, DJ_EINVAL, "dry_run", "参数 dry_run 只能是 1（试导入）或 0（正式导入）");
    bool dry_run = !dry || strcmp(dry, "1") == 0;
    if (r->body_len == 0)
        return dj_fail(r, DJ_EINVAL, "file", "文件为空");
    char *text = NULL;
    size_t tlen = 0;
    const char *enc = NULL;
    if (dj_text_to_utf8(r->body, r->body_len, NULL, &text, &tlen, &enc) != DJ_OK)
        return dj_fail(r, DJ_EINVAL, "file", "无法识别文件编码：请保存为 UTF-8 或 GBK 编码的 CSV 文件");
    db_conn *c = dj_db(r);
    json_t *items = json_array();
    int64_t bound = 0;
    int rc = db_begin(c);
    if (rc == DJ_OK) {
        rc = read_rows(r, c, text, tlen, items);
        if (rc == DJ_OK && !dry_run)
            rc = write_rows(r, c, items, &bound);
        rc = rc == DJ_OK && !dry_run ? db_commit(c) : (db_rollback(c), rc);
    }
    free(text);
    if (rc != DJ_OK) {
        json_decref(items);
        return rc;
    }
    int64_t counts[5] = {0};
    static const char *const st[] = {"bind", "same", "unmatched", "conflict", "invalid"};
    size_t i;
    json_t *row;
    json_array_foreach(items, i, row)
        for (int k = 0; k < 5; k++)
            if (strcmp(dj_jstr(row, "status", ""), st[k]) == 0)
                counts[k]++;
    json_t *out = json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "dry_run", dry_run, "rows",
                            (json_int_t)json_array_size(items), "to_bind", (json_int_t)counts[0], "same",
                            (json_int_t)counts[1], "unmatched", (json_int_t)counts[2], "conflict",
                            (json_int_t)counts[3], "invalid", (json_int_t)counts[4], "bound", (json_int_t)bound,
                            "items", items);
    return dj_reply_json(r, 200, out);
}
