/* development_import.c - people already part-way (在途人员) into the pipeline:
 * a CSV sheet (UTF-8 or GBK, Chinese headers) gives each person (by 手机号 and
 * 姓名, already on the roster), their stage and key dates.  Each row becomes an
 * application whose earlier steps count as done before the platform and whose
 * dated milestones are records, taken through the same rules as any step
 * (age, the talk's month, a year as activist, three months to approval …).
 * All or nothing: the caller commits only a clean sheet, never a dry run. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/csv.h"
#include "../core/err.h"
#include "../core/import.h"
#include "../people/people.h"
#include "development_int.h"

#define MAX_ROWS 5000

enum col { C_NAME, C_PHONE, C_STAGE, C_APPLIED, C_TALK, C_ACTIVIST, C_CONTACTS, C_CANDIDATE, C_SPONSORS, C_VOTE,
           C_APPROVAL, C_LATE, C_NOTE, NCOLS };
static const char *const heads[NCOLS] = {"姓名",     "手机号",       "阶段",         "申请日期",   "谈话日期",
                                         "确定积极分子日期", "培养联系人", "确定发展对象日期", "入党介绍人",
                                         "支部大会日期", "审批日期",     "逾期说明",     "备注"};
/* the steps the dated columns record */
static const int col_step[NCOLS] = {[C_APPLIED] = 1, [C_TALK] = 2, [C_ACTIVIST] = 3, [C_CANDIDATE] = 7,
                                    [C_VOTE] = 15, [C_APPROVAL] = 17};

struct stage_def {
    const char *label, *status;
    int legacy_before;      /* steps before it were done before the platform */
    enum col required[3];   /* dated columns the stage needs (C_NAME ends) */
};
static const struct stage_def stages[] = {
    {"入党申请人", "applicant", 0, {C_APPLIED}},
    {"入党积极分子", "activist", 3, {C_ACTIVIST}},
    {"发展对象", "candidate", 7, {C_ACTIVIST, C_CANDIDATE}},
    {"预备党员", "probationary", 21, {C_VOTE, C_APPROVAL}},
};

#define err_add(x, ...) dj_import_error((x)->errors, 500, __VA_ARGS__)

struct imp {
    db_conn *c;
    const struct dev_import_opts *o;
    json_t *errors, *preview;
    int rows;
};

static const struct stage_def *stage_of(const char *s)
{
    for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++)
        if (strcmp(stages[i].label, s) == 0 || strcmp(stages[i].status, s) == 0 ||
            (strlen(s) >= 6 && strstr(stages[i].label, s)))
            return &stages[i];
    return NULL;
}

/* A full member named `name` (one in the person's branch first); 0 none, -1 ambiguous. */
static int64_t member_by_name(db_conn *c, const char *name, const char *branch_path)
{
    int rc;
    json_t *rows = db_query_rows(c, &rc,
                                 "SELECT p.id, CASE WHEN o.path >= $2 AND o.path < $2 || ':' THEN 1 ELSE 0 END AS inside FROM people p"
                                 " LEFT JOIN orgs o ON o.id = p.org_id WHERE p.name = $1 AND p.active = 1"
                                 " AND p.party_status = 'full' ORDER BY inside DESC, p.id",
                                 "tt", name, branch_path);
    int64_t id = 0;
    size_t n = rows ? json_array_size(rows) : 0;
    if (n == 1)
        id = dj_jint(json_array_get(rows, 0), "id", 0);
    else if (n > 1)
        id = dj_jint(json_array_get(rows, 0), "inside", 0) && !dj_jint(json_array_get(rows, 1), "inside", 0)
                 ? dj_jint(json_array_get(rows, 0), "id", 0)
                 : -1;
    json_decref(rows);
    return id;
}

/* 培养联系人 / 入党介绍人: names separated by 、，, or spaces. */
static int people_of(struct imp *x, int line, const char *col, char *text, const char *path, int64_t *ids, size_t max,
                     size_t *n)
{
    *n = 0;
    static const char *const seps[] = {"、", "，", "；", ";", " ", NULL};
    for (int k = 0; seps[k]; k++)
        for (char *p = strstr(text, seps[k]); p; p = strstr(p, seps[k]))
            memset(p, ',', strlen(seps[k]));
    char *save = NULL;
    for (char *tok = strtok_r(text, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (!*tok)
            continue;
        int64_t id = member_by_name(x->c, tok, path);
        if (id == 0) {
            err_add(x, line, col, "找不到名为“%s”的正式党员", tok);
            return DJ_EINVAL;
        }
        if (id < 0) {
            err_add(x, line, col, "有多名正式党员名为“%s”，且都不在本支部，请在名册中核对后改用其他人员", tok);
            return DJ_EINVAL;
        }
        if (*n >= max) {
            err_add(x, line, col, "人数过多（至多%zu人）", max);
            return DJ_EINVAL;
        }
        ids[(*n)++] = id;
    }
    return DJ_OK;
}

/* One record of an imported application through the rules. */
static int take(struct imp *x, int line, const char *col, dj_arena *a, struct dev_app *app, struct dev_input *in)
{
    struct dev_err e = {0};
    int64_t sid = 0;
    int rc = dev_take(x->c, x->o->r, a, app, in, &sid, &e);
    if (rc == DJ_EDB || rc == DJ_EBUSY || rc == DJ_EINTERNAL)
        return rc;
    if (rc) {
        err_add(x, line, col, "%s", e.message);
        return DJ_EINVAL;
    }
    return DJ_OK;
}

/* The roster person of a row (by 手机号, the 姓名 matching), in the caller's
 * reach; 0 with the error listed when there is none. */
static int row_person(struct imp *x, int line, const char *name, const char *phone, int64_t *pid, char path[256])
{
    int rc;
    *pid = 0;
    json_t *p = db_query_row(x->c, &rc,
                             "SELECT p.id, p.name, o.path, o.id AS org_id FROM people p"
                             " LEFT JOIN orgs o ON o.id = p.org_id WHERE p.phone = $1",
                             "t", phone);
    if (!p) {
        if (rc == DJ_ENOTFOUND)
            err_add(x, line, heads[C_PHONE], "名册中没有手机号为“%s”的人员，请先导入名册", phone);
        return rc == DJ_ENOTFOUND ? DJ_OK : rc;
    }
    int64_t id = dj_jint(p, "id", 0), org = dj_jint(p, "org_id", 0);
    snprintf(path, 256, "%s", dj_jstr(p, "path", ""));
    bool same = strcmp(dj_jstr(p, "name", ""), name) == 0;
    json_decref(p);
    if (!same) {
        err_add(x, line, heads[C_NAME], "手机号%s在名册中属于另一人", phone);
        return DJ_OK;
    }
    /* the caller may manage the person's organisation */
    int64_t ok = 0;
    if (org) {
        char *sql = dj_asprintf("SELECT COUNT(*) FROM orgs o WHERE o.id = $1 AND %s", x->o->write_scope);
        db_stmt *s = db_prep_dynamic(x->c, sql);
        free(sql);
        if (!s)
            return DJ_EDB;
        db_bind(s, "i", org);
        if (db_step(s) == DB_ROW)
            ok = db_col_i64(s, 0);
        db_done(s);
    }
    if (!ok) {
        err_add(x, line, heads[C_NAME], "无权为“%s”建立发展档案（不在本人管理的组织内，或名册中未填写所在支部）", name);
        return DJ_OK;
    }
    *pid = id;
    return DJ_OK;
}

/* The dated columns as YYYY-MM-DD; false with the error listed when one is wrong or missing. */
static bool row_dates(struct imp *x, int line, char **v, const int *pos, const struct stage_def *sd,
                      char dates[NCOLS][11])
{
#define V(k) (pos[k] >= 0 ? v[pos[k]] : (char *)"")
    for (int k = 0; k < NCOLS; k++) {
        dates[k][0] = 0;
        if (!col_step[k] || !*V(k))
            continue;
        if (people_date_parse(V(k), dates[k]) != DJ_OK) {
            err_add(x, line, heads[k], "日期“%s”无法识别", V(k));
            return false;
        }
    }
#undef V
    for (int i = 0; i < 3 && sd->required[i]; i++)
        if (!dates[sd->required[i]][0]) {
            err_add(x, line, heads[sd->required[i]], "阶段为%s时须填写%s", sd->label, heads[sd->required[i]]);
            return false;
        }
    if (!sd->legacy_before && !dates[C_APPLIED][0]) {
        err_add(x, line, heads[C_APPLIED], "须填写申请日期");
        return false;
    }
    return true;
}

/* The row's milestones as records, through the rules; DJ_EINVAL when one was refused (listed). */
static int row_records(struct imp *x, int line, char **v, const int *pos, const struct stage_def *sd, dj_arena *a,
                       struct dev_app *app, char dates[NCOLS][11], const char *path)
{
#define V(k) (pos[k] >= 0 ? v[pos[k]] : (char *)"")
    const char *late = *V(C_LATE) ? V(C_LATE) : NULL;
    int rc = DJ_OK;
    for (int k = 0; k < NCOLS && rc == DJ_OK; k++) {
        if (!col_step[k] || !dates[k][0])
            continue;
        struct dev_input in = {.step = col_step[k], .on_date = dates[k], .imported = true, .late_reason = late,
                               .note = *V(C_NOTE) ? V(C_NOTE) : "导入在途人员"};
        if (in.step == 15)
            in.decision = "passed";
        if (in.step == 17)
            in.decision = "approved";
        rc = take(x, line, heads[k], a, app, &in);
        /* the people named after the activist and candidate steps */
        int people_col = k == C_ACTIVIST ? C_CONTACTS : k == C_CANDIDATE ? C_SPONSORS : -1;
        if (rc != DJ_OK || people_col < 0 || !*V(people_col) || sd->legacy_before > (k == C_ACTIVIST ? 5 : 9))
            continue;
        int64_t ids[4];
        size_t n = 0;
        rc = people_of(x, line, heads[people_col], dj_arena_strdup(a, V(people_col)), path, ids, 2, &n);
        if (rc == DJ_OK) {
            struct dev_input pin = {.step = k == C_ACTIVIST ? 5 : 9, .on_date = dates[k], .imported = true,
                                    .people = ids, .npeople = n, .declaration = true, .note = "导入在途人员"};
            rc = take(x, line, heads[people_col], a, app, &pin);
        }
    }
#undef V
    return rc;
}

static int import_row(struct imp *x, int line, char **v, const int *pos)
{
#define V(k) (pos[k] >= 0 ? v[pos[k]] : (char *)"")
    const char *name = V(C_NAME), *phone = V(C_PHONE);
    if (!*name) {
        err_add(x, line, heads[C_NAME], "姓名不能为空");
        return DJ_OK;
    }
    const struct stage_def *sd = stage_of(V(C_STAGE));
    if (!sd) {
        err_add(x, line, heads[C_STAGE], "阶段“%s”无效，应为入党申请人、入党积极分子、发展对象或预备党员", V(C_STAGE));
        return DJ_OK;
    }
#undef V
    int64_t pid = 0;
    char path[256] = "", dates[NCOLS][11];
    int rc = row_person(x, line, name, phone, &pid, path);
    if (rc || !pid || !row_dates(x, line, v, pos, sd, dates))
        return rc;
    dj_arena *a = dj_arena_new();
    int64_t app_id = 0;
    struct dev_input first = {.step = 0, .imported = true};
    struct dev_err e = {0};
    struct dev_app app;
    rc = dev_start(x->c, x->o->r, a, pid, &first, sd->legacy_before, &app_id, &e);
    if (rc && rc != DJ_EDB && rc != DJ_EBUSY) {
        err_add(x, line, heads[C_NAME], "%s", e.message[0] ? e.message : "无法建立发展档案");
        rc = DJ_OK;
    } else if (rc == DJ_OK && (rc = dev_app_load(x->c, a, app_id, &app)) == DJ_OK) {
        rc = row_records(x, line, v, pos, sd, a, &app, dates, path);
        if (rc == DJ_OK) {
            struct dev_window w;
            int next = dev_next(&app.st, &app.ctx, &w);
            json_array_append_new(x->preview,
                                  json_pack("{s:i, s:s, s:s, s:s, s:s?}", "line", line, "name", name, "stage",
                                            dev_stage_name(dev_state_stage(&app.st)), "status_label",
                                            dev_status_label(dev_state_status(&app.st)), "next",
                                            next ? dev_step_def(next)->name : NULL));
        } else if (rc == DJ_EINVAL) {
            rc = DJ_OK; /* listed in the errors */
        }
    }
    dj_arena_free(a);
    return rc;
}

int dev_import(db_conn *c, const char *data, size_t len, const struct dev_import_opts *o, json_t **result)
{
    char *text = NULL;
    size_t tlen = 0;
    const char *encoding = "utf-8";
    struct imp x = {.c = c, .o = o, .errors = json_array(), .preview = json_array()};
    *result = NULL;
    if (dj_text_to_utf8(data, len, NULL, &text, &tlen, &encoding) != DJ_OK) {
        err_add(&x, 1, NULL, "文件既不是 UTF-8 也不是 GBK 编码，请另存为 CSV（UTF-8）后重试");
        goto done;
    }
    struct dj_csv_reader rd;
    struct dj_csv_record rec;
    dj_csv_init(&rd, text, tlen);
    int pos[NCOLS];
    for (int k = 0; k < NCOLS; k++)
        pos[k] = -1;
    int got = dj_csv_next(&rd, &rec), rc = DJ_OK;
    if (got != 1) {
        err_add(&x, 1, NULL, "文件为空或无法读取表头");
        dj_csv_free(&rd);
        goto done;
    }
    for (size_t i = 0; i < rec.nfields; i++)
        for (int k = 0; k < NCOLS; k++)
            if (strcmp(dj_cell_trim(rec.fields[i]), heads[k]) == 0)
                pos[k] = (int)i;
    if (pos[C_NAME] < 0 || pos[C_PHONE] < 0 || pos[C_STAGE] < 0) {
        err_add(&x, 1, NULL, "表头须包含“姓名”“手机号”“阶段”");
        dj_csv_free(&rd);
        goto done;
    }
    while (rc == DJ_OK && (got = dj_csv_next(&rd, &rec)) != 0) {
        if (got < 0) {
            err_add(&x, rd.err_line, NULL, "%s", rd.err);
            continue;
        }
        if (++x.rows > MAX_ROWS) {
            err_add(&x, rec.line, NULL, "一次至多导入%d人", MAX_ROWS);
            break;
        }
        char *v[64];
        size_t nf = rec.nfields < 64 ? rec.nfields : 64;
        for (size_t i = 0; i < nf; i++)
            v[i] = dj_cell_trim(rec.fields[i]);
        for (int k = 0; k < NCOLS; k++)
            if (pos[k] >= (int)nf)
                v[pos[k] < 64 ? pos[k] : 0] = (char *)"";
        rc = import_row(&x, rec.line, v, pos);
    }
    dj_csv_free(&rd);
    if (rc) {
        free(text);
        json_decref(x.errors);
        json_decref(x.preview);
        return rc;
    }
done:
    free(text);
    *result = json_pack("{s:i, s:o, s:o, s:s, s:b}", "rows", x.rows, "errors", x.errors, "preview", x.preview,
                        "encoding", encoding, "dry_run", o->dry_run);
    return DJ_OK;
}
