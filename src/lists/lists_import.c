/* lists_import.c - turning a CSV spreadsheet into list items: every row is
 * checked (names of organisations and people, dates, kinds) and every problem
 * reported with its line and column, so the committee office can fix the
 * sheet; the caller writes the items only when there is none. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/json.h"
#include "../core/mem.h"
#include "../core/csv.h"
#include "../core/import.h"
#include "lists.h"

#define IMPORT_MAX_ROWS 10000
/* enough errors to fix the sheet; the count of rows still tells the size */
#define add_error(imp, ...) dj_import_error((imp)->errors, 200, __VA_ARGS__)

/* Splits "张三、李四,王五" into names; the array is a new reference. */
static json_t *split_names(const char *s)
{
    json_t *out = json_array();
    char *copy = dj_strdup(s);
    /* normalise the separators people type to commas */
    static const char *const seps[] = {"、", "，", "；", ";", "/", " ", NULL};
    for (int k = 0; seps[k]; k++) {
        size_t n = strlen(seps[k]);
        for (char *p = strstr(copy, seps[k]); p; p = strstr(p, seps[k])) {
            memset(p, ',', n);
        }
    }
    for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ","))
        if (*tok)
            json_array_append_new(out, json_string(tok));
    free(copy);
    return out;
}

static int64_t org_by_name(db_conn *c, const char *name)
{
    int64_t id = 0;
    if (db_query_i64(c, &id, "SELECT id FROM orgs WHERE name = $1 AND dissolved_on IS NULL ORDER BY id LIMIT 1", "t",
                     name) != DJ_OK)
        return 0;
    return id;
}

/* A person by name; prefers one inside org's subtree when names repeat.
 * 0: none, -1: several and none of them is in org. */
static int64_t person_by_name(db_conn *c, const char *name, int64_t org)
{
    int err = 0;
    json_t *rows = db_query_rows(c, &err,
                                 "SELECT p.id, CASE WHEN o.path LIKE (SELECT path FROM orgs WHERE id = $2) || '%'"
                                 " THEN 1 ELSE 0 END AS inside FROM people p LEFT JOIN orgs o ON o.id = p.org_id"
                                 " WHERE p.name = $1 AND p.active = 1 ORDER BY inside DESC, p.id",
                                 "ti", name, org);
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

static const char *action_code(const char *s)
{
    if (!*s || strcmp(s, "规定动作") == 0 || strcmp(s, "规定") == 0 || strcmp(s, "mandated") == 0)
        return "mandated";
    if (strcmp(s, "自选动作") == 0 || strcmp(s, "自选") == 0 || strcmp(s, "chosen") == 0)
        return "chosen";
    return NULL;
}

static const char *source_code(const char *s)
{
    static const char *const map[][2] = {
        {"点穴式专项检查", "inspection"}, {"专项检查", "inspection"}, {"检查发现", "inspection"},
        {"inspection", "inspection"},     {"上级反馈", "higher_feedback"}, {"上级督导", "higher_feedback"},
        {"巡察反馈", "higher_feedback"},  {"higher_feedback", "higher_feedback"},
        {"专项整治", "special_campaign"}, {"special_campaign", "special_campaign"},
        {"自查", "self_check"},           {"自查自纠", "self_check"},       {"self_check", "self_check"},
    };
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
        if (strcmp(map[k][0], s) == 0)
            return map[k][1];
    return NULL;
}

/* Resolves a cell of names into an array of person ids, reporting unknown ones. */
static json_t *people_cell(db_conn *c, struct lists_import *imp, int line, const char *col, const char *cell,
                           int64_t org)
{
    json_t *ids = json_array();
    json_t *names = split_names(cell);
    size_t k;
    json_t *nm;
    json_array_foreach(names, k, nm) {
        int64_t id = person_by_name(c, json_string_value(nm), org);
        if (id == 0)
            add_error(imp, line, col, "找不到人员“%s”", json_string_value(nm));
        else if (id < 0)
            add_error(imp, line, col, "有多名人员叫“%s”，无法确定是哪一位，请在系统中指定", json_string_value(nm));
        else
            json_array_append_new(ids, json_integer(id));
    }
    json_decref(names);
    return ids;
}

int lists_import_parse(db_conn *c, int64_t list_id, const char *csv, size_t len, struct lists_import *imp)
{
    memset(imp, 0, sizeof *imp);
    imp->errors = json_array();
    imp->items = json_array();
    int err = 0;
    json_t *list = lists_store_list_get(c, list_id, &err);
    if (!list)
        return err;
    bool five = strcmp(dj_jstr(list, "kind", ""), "model_organ") == 0;
    int64_t list_org = dj_jint(list, "org_id", 0);
    json_decref(list);

    struct dj_csv_reader r;
    struct dj_csv_record rec = {0};
    dj_csv_init(&r, csv, len);
    int line = 0, rc;
    int colmap[64];
    char *headers[64];
    int nh = 0;
    rc = dj_csv_next(&r, &rec);
    line = rc < 0 ? r.err_line : rec.line;
    if (rc <= 0) {
        add_error(imp, rc < 0 ? line : 1, NULL, rc < 0 ? "表头的引号不成对" : "文件为空，第一行应为表头");
        goto out;
    }
    if (rec.nfields > 64) {
        add_error(imp, line, NULL, "列数过多（%d 列），最多 64 列", (int)rec.nfields);
        goto out;
    }
    bool seen[LC_NCOLS] = {0};
    for (int i = 0; i < (int)rec.nfields; i++) {
        headers[i] = dj_strdup(dj_cell_trim(rec.fields[i]));
        nh++;
        colmap[i] = lists_col_of_header(headers[i]);
        if (colmap[i] < 0 && *headers[i])
            add_error(imp, line, headers[i], "不认识的列“%s”；可用的列有：事项名称、类别、具体内容、动作类型、责任单位、"
                                             "责任人、协同单位、协同责任人、开始日期、完成时限、问题来源、来源说明、进度、成效",
                      headers[i]);
        else if (colmap[i] >= 0 && seen[colmap[i]])
            add_error(imp, line, headers[i], "列“%s”重复", headers[i]);
        else if (colmap[i] >= 0)
            seen[colmap[i]] = true;
    }
    if (!seen[LC_TITLE])
        add_error(imp, line, "事项名称", "缺少必需的列“事项名称”");
    if (json_array_size(imp->errors))
        goto out;

    while ((rc = dj_csv_next(&r, &rec)) != 0) {
        line = rc < 0 ? r.err_line : rec.line;
        if (rc < 0) {
            add_error(imp, line, NULL, "第 %d 行的引号不成对，或引号后还有文字", line);
            break;
        }
        if (++imp->rows > IMPORT_MAX_ROWS) {
            add_error(imp, line, NULL, "一次最多导入 %d 行", IMPORT_MAX_ROWS);
            break;
        }
        /* Excel often ends rows with empty cells beyond the header: only text there is a problem */
        int extra = 0;
        int nfields = (int)rec.nfields;
        for (int i = nh; i < nfields; i++)
            extra += *dj_cell_trim(rec.fields[i]) != '\0';
        if (extra) {
            add_error(imp, line, NULL, "这一行有 %d 列，多于表头的 %d 列（内容里的逗号要用英文双引号括起来）", nfields,
                      nh);
            continue;
        }
        if (nfields > nh)
            nfields = nh;
        const char *cell[LC_NCOLS] = {0};
        const char *colname[LC_NCOLS] = {0};
        for (int i = 0; i < nfields; i++)
            if (colmap[i] >= 0) {
                cell[colmap[i]] = dj_cell_trim(rec.fields[i]);
                colname[colmap[i]] = headers[i];
            }
        for (int k = 0; k < LC_NCOLS; k++)
            if (!cell[k]) {
                cell[k] = "";
                colname[k] = lists_col_labels[k];
            }
        size_t before = json_array_size(imp->errors);
        json_t *it = json_object();
        if (!*cell[LC_TITLE])
            add_error(imp, line, colname[LC_TITLE], "事项名称不能为空");
        else if (dj_utf8_len(cell[LC_TITLE]) > 200)
            add_error(imp, line, colname[LC_TITLE], "事项名称不能超过 200 个字");
        json_object_set_new(it, "title", json_string(cell[LC_TITLE]));
        const char *cat = *cell[LC_CATEGORY] ? cell[LC_CATEGORY] : "其他";
        if (five) {
            bool ok = false;
            for (int k = 0; lists_five_types[k]; k++)
                ok = ok || strcmp(lists_five_types[k], cat) == 0;
            if (!ok)
                add_error(imp, line, colname[LC_CATEGORY], "模范机关创建清单的类别应为政治型、学习型、效能型、担当型或纪律型，而不是“%s”",
                          cat);
        } else if (dj_utf8_len(cat) > 50) {
            add_error(imp, line, colname[LC_CATEGORY], "类别不能超过 50 个字");
        }
        json_object_set_new(it, "category", json_string(cat));
        if (*cell[LC_DESCRIPTION]) {
            if (dj_utf8_len(cell[LC_DESCRIPTION]) > 4000)
                add_error(imp, line, colname[LC_DESCRIPTION], "具体内容不能超过 4000 个字");
            json_object_set_new(it, "description", json_string(cell[LC_DESCRIPTION]));
        }
        const char *act = action_code(cell[LC_ACTION]);
        if (!act)
            add_error(imp, line, colname[LC_ACTION], "动作类型应为“规定动作”或“自选动作”");
        json_object_set_new(it, "action_type", json_string(act ? act : "mandated"));
        int64_t org = list_org;
        if (*cell[LC_ORG]) {
            org = org_by_name(c, cell[LC_ORG]);
            if (!org)
                add_error(imp, line, colname[LC_ORG], "找不到责任单位“%s”", cell[LC_ORG]);
        }
        json_object_set_new(it, "org_id", json_integer(org ? org : list_org));
        json_object_set_new(it, "owners", people_cell(c, imp, line, colname[LC_OWNERS], cell[LC_OWNERS], org));
        json_object_set_new(it, "co_owners",
                            people_cell(c, imp, line, colname[LC_CO_PEOPLE], cell[LC_CO_PEOPLE], org));
        json_t *coorgs = json_array();
        json_t *names = split_names(cell[LC_CO_ORGS]);
        size_t k;
        json_t *nm;
        json_array_foreach(names, k, nm) {
            int64_t o = org_by_name(c, json_string_value(nm));
            if (!o)
                add_error(imp, line, colname[LC_CO_ORGS], "找不到协同单位“%s”", json_string_value(nm));
            else
                json_array_append_new(coorgs, json_integer(o));
        }
        json_decref(names);
        json_object_set_new(it, "co_orgs", coorgs);
        lists_day start = -1, due = -1;
        char d[11];
        if (*cell[LC_START]) {
            start = lists_day_parse_loose(cell[LC_START]);
            if (start < 0)
                add_error(imp, line, colname[LC_START], "开始日期“%s”无法识别，请写成 2026-03-31", cell[LC_START]);
            else {
                lists_day_format(start, d);
                json_object_set_new(it, "start_on", json_string(d));
            }
        }
        if (*cell[LC_DUE]) {
            due = lists_day_parse_loose(cell[LC_DUE]);
            if (due < 0)
                add_error(imp, line, colname[LC_DUE], "完成时限“%s”无法识别，请写成 2026-03-31", cell[LC_DUE]);
            else {
                lists_day_format(due, d);
                json_object_set_new(it, "due_on", json_string(d));
            }
        }
        if (start >= 0 && due >= 0 && due < start)
            add_error(imp, line, colname[LC_DUE], "完成时限早于开始日期");
        if (*cell[LC_SOURCE]) {
            const char *src = source_code(cell[LC_SOURCE]);
            if (!src)
                add_error(imp, line, colname[LC_SOURCE], "问题来源应为点穴式专项检查、上级反馈、专项整治或自查");
            else
                json_object_set_new(it, "source", json_string(src));
        }
        if (*cell[LC_SOURCE_DETAIL])
            json_object_set_new(it, "source_detail", json_string(cell[LC_SOURCE_DETAIL]));
        if (*cell[LC_PROGRESS]) {
            char *end;
            long p = strtol(cell[LC_PROGRESS], &end, 10);
            if (*end == '%')
                end++;
            if (end == cell[LC_PROGRESS] || *end || p < 0 || p > 100)
                add_error(imp, line, colname[LC_PROGRESS], "进度应为 0 到 100 之间的整数");
            else
                json_object_set_new(it, "progress", json_integer(p));
        }
        if (*cell[LC_OUTCOME])
            json_object_set_new(it, "outcome", json_string(cell[LC_OUTCOME]));
        if (json_array_size(imp->errors) == before)
            json_array_append_new(imp->items, it);
        else
            json_decref(it);
    }
out:
    for (int i = 0; i < nh; i++)
        free(headers[i]);
    dj_csv_free(&r);
    return DJ_OK;
}

void lists_import_free(struct lists_import *imp)
{
    json_decref(imp->errors);
    json_decref(imp->items);
    memset(imp, 0, sizeof *imp);
}
