/* development_export.c - the year's statistics of 发展党员 by branch and quarter:
 * 申请入党 (step 1), 确定入党积极分子 (3), 确定发展对象 (7), 接收预备党员 (an
 * admission approved by the higher committee, counted on its 支部大会 day, the
 * 入党时间) and 转正 (counted on the 转正时间); as JSON for the page and as an
 * XLSX workbook (libxlsxwriter).  Only effective records count: a corrected
 * record counts in its corrected form, a withdrawn one not at all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/err.h"
#include "../core/xlsx.h"
#include "development_int.h"

#define NKINDS 5
static const struct {
    const char *code, *label;
} kinds[NKINDS] = {{"applied", "申请入党"},
                   {"activists", "确定入党积极分子"},
                   {"candidates", "确定发展对象"},
                   {"admitted", "接收预备党员"},
                   {"full", "预备党员转正"}};

#define EFFECTIVE(s) "NOT EXISTS (SELECT 1 FROM dev_steps x WHERE x.corrects_id = " s ".id) AND " s ".annuls = 0"
#define BRANCH_COLS                                                                                                   \
    "CASE WHEN o.kind = 'group' THEN o.parent_id ELSE o.id END AS branch_id,"                                         \
    " CASE WHEN o.kind = 'group' THEN (SELECT b.name FROM orgs b WHERE b.id = o.parent_id) ELSE o.name END AS branch_name"

/* The day each counted event happened, by branch. */
static const char *const queries[NKINDS] = {
    "SELECT " BRANCH_COLS ", s.on_date AS day FROM dev_steps s JOIN dev_applications a ON a.id = s.application_id"
    " JOIN orgs o ON o.id = a.org_id WHERE %s AND s.step = 1 AND " EFFECTIVE("s") " AND s.on_date >= $1 AND s.on_date <= $2",
    "SELECT " BRANCH_COLS ", s.on_date AS day FROM dev_steps s JOIN dev_applications a ON a.id = s.application_id"
    " JOIN orgs o ON o.id = a.org_id WHERE %s AND s.step = 3 AND " EFFECTIVE("s") " AND s.on_date >= $1 AND s.on_date <= $2",
    "SELECT " BRANCH_COLS ", s.on_date AS day FROM dev_steps s JOIN dev_applications a ON a.id = s.application_id"
    " JOIN orgs o ON o.id = a.org_id WHERE %s AND s.step = 7 AND " EFFECTIVE("s") " AND s.on_date >= $1 AND s.on_date <= $2",
    "SELECT " BRANCH_COLS ", a.resolution_on AS day FROM dev_applications a JOIN orgs o ON o.id = a.org_id"
    " WHERE %s AND a.status IN ('probationary', 'full') AND a.state <> 'stopped'"
    " AND a.resolution_on >= $1 AND a.resolution_on <= $2",
    "SELECT " BRANCH_COLS ", p.full_on AS day FROM dev_applications a JOIN orgs o ON o.id = a.org_id"
    " JOIN people p ON p.id = a.person_id WHERE %s AND a.status = 'full' AND p.full_on >= $1 AND p.full_on <= $2",
};

static json_t *zeros(void) { return json_pack("[i, i, i, i, i]", 0, 0, 0, 0, 0); }

static void bump(json_t *counts, const char *kind, int q)
{
    json_t *a = json_object_get(counts, kind);
    json_array_set_new(a, (size_t)q - 1, json_integer(json_integer_value(json_array_get(a, (size_t)q - 1)) + 1));
    json_array_set_new(a, 4, json_integer(json_integer_value(json_array_get(a, 4)) + 1));
}

static json_t *counts_new(void)
{
    json_t *c = json_object();
    for (int k = 0; k < NKINDS; k++)
        json_object_set_new(c, kinds[k].code, zeros());
    return c;
}

json_t *dev_stats(db_conn *c, int year, const char *scope_sql, int *err)
{
    char from[16], to[16];
    snprintf(from, sizeof from, "%04d-01-01", year);
    snprintf(to, sizeof to, "%04d-12-31", year);
    /* every branch in scope, also those with nothing to count */
    char *sql = dj_asprintf("SELECT o.id AS branch_id, o.name AS branch_name FROM orgs o WHERE %s"
                            " AND o.kind IN ('branch', 'general_branch') AND o.dissolved_on IS NULL ORDER BY o.path",
                            scope_sql);
    json_t *rows = db_query_rows_dynamic(c, err, sql, "");
    free(sql);
    if (!rows)
        return NULL;
    json_t *branches = json_array(), *total = counts_new();
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o)
        json_array_append_new(branches, json_pack("{s:O, s:O, s:o}", "org_id", json_object_get(o, "branch_id"), "name",
                                                  json_object_get(o, "branch_name"), "counts", counts_new()));
    json_decref(rows);
    for (int k = 0; k < NKINDS; k++) {
        sql = dj_asprintf(queries[k], scope_sql);
        rows = db_query_rows_dynamic(c, err, sql, "tt", from, to);
        free(sql);
        if (!rows) {
            json_decref(branches);
            json_decref(total);
            return NULL;
        }
        json_array_foreach(rows, i, o) {
            const char *day = dj_jstr(o, "day", "");
            int q = strlen(day) >= 7 ? (atoi(day + 5) + 2) / 3 : 0;
            if (q < 1 || q > 4)
                continue;
            json_t *b = NULL, *x;
            size_t j;
            json_array_foreach(branches, j, x) if (dj_jint(x, "org_id", 0) == dj_jint(o, "branch_id", -1)) b = x;
            if (!b) {
                b = json_pack("{s:O, s:O, s:o}", "org_id", json_object_get(o, "branch_id"), "name",
                              json_object_get(o, "branch_name"), "counts", counts_new());
                json_array_append_new(branches, b);
            }
            bump(json_object_get(b, "counts"), kinds[k].code, q);
            bump(total, kinds[k].code, q);
        }
        json_decref(rows);
    }
    json_t *ks = json_array();
    for (int k = 0; k < NKINDS; k++)
        json_array_append_new(ks, json_pack("{s:s, s:s}", "code", kinds[k].code, "label", kinds[k].label));
    return json_pack("{s:i, s:o, s:o, s:o}", "year", year, "kinds", ks, "branches", branches, "total", total);
}

/* ---------------------------------------------------------------- XLSX */

/* The sheet with its title and two header rows (kinds over quarters); the
 * formats of the figures and of the totals. */
static lxw_worksheet *xlsx_sheet(lxw_workbook *wb, int year, lxw_format **num_out, lxw_format **sum_out)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, "发展党员统计");
    lxw_format *title = workbook_add_format(wb), *head = workbook_add_format(wb), *num = workbook_add_format(wb),
               *sum = workbook_add_format(wb);
    format_set_bold(title);
    format_set_font_size(title, 16);
    format_set_font_color(title, 0xC8161D);
    format_set_bold(head);
    format_set_bg_color(head, 0xF6E3E3);
    format_set_align(head, LXW_ALIGN_CENTER);
    format_set_align(head, LXW_ALIGN_VERTICAL_CENTER);
    format_set_border(head, LXW_BORDER_THIN);
    format_set_border(num, LXW_BORDER_THIN);
    format_set_align(num, LXW_ALIGN_CENTER);
    format_set_bold(sum);
    format_set_border(sum, LXW_BORDER_THIN);
    format_set_align(sum, LXW_ALIGN_CENTER);
    char t[64];
    snprintf(t, sizeof t, "%d年发展党员工作统计", year);
    worksheet_merge_range(ws, 0, 0, 0, NKINDS * 5, t, title);
    static const char *const quarters[] = {"一季度", "二季度", "三季度", "四季度", "全年"};
    worksheet_merge_range(ws, 1, 0, 2, 0, "党支部", head);
    for (int k = 0; k < NKINDS; k++) {
        worksheet_merge_range(ws, 1, (lxw_col_t)(1 + k * 5), 1, (lxw_col_t)(5 + k * 5), kinds[k].label, head);
        for (int q = 0; q < 5; q++)
            worksheet_write_string(ws, 2, (lxw_col_t)(1 + k * 5 + q), quarters[q], head);
    }
    worksheet_set_column(ws, 0, 0, 22, NULL);
    worksheet_set_column(ws, 1, NKINDS * 5, 7, NULL);
    worksheet_freeze_panes(ws, 3, 1);
    *num_out = num;
    *sum_out = sum;
    return ws;
}

int dev_stats_xlsx(const json_t *stats, dj_buf *out)
{
    dj_xlsx x;
    if (dj_xlsx_new(&x, "development"))
        return DJ_EINTERNAL;
    lxw_workbook *wb = x.wb;
    lxw_format *num, *sum;
    lxw_worksheet *ws = xlsx_sheet(wb, (int)dj_jint(stats, "year", 0), &num, &sum);
    lxw_row_t row = 3;
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(stats, "branches"), i, b) {
        worksheet_write_string(ws, row, 0, dj_jstr(b, "name", ""), num);
        for (int k = 0; k < NKINDS; k++)
            for (int q = 0; q < 5; q++)
                worksheet_write_number(
                    ws, row, (lxw_col_t)(1 + k * 5 + q),
                    (double)json_integer_value(json_array_get(json_object_get(json_object_get(b, "counts"), kinds[k].code),
                                                              (size_t)q)),
                    q == 4 ? sum : num);
        row++;
    }
    worksheet_write_string(ws, row, 0, "合计", sum);
    for (int k = 0; k < NKINDS; k++)
        for (int q = 0; q < 5; q++)
            worksheet_write_number(
                ws, row, (lxw_col_t)(1 + k * 5 + q),
                (double)json_integer_value(json_array_get(json_object_get(json_object_get(stats, "total"), kinds[k].code),
                                                          (size_t)q)),
                sum);
    worksheet_write_string(ws, row + 2, 0,
                           "口径：接收预备党员按支部大会通过之日（入党时间）、转正按转正时间统计；仅计经更正后的有效记录。",
                           NULL);
    return dj_xlsx_finish(&x, out);
}
