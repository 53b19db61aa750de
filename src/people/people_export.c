/* people_export.c - the roster as a file: CSV (UTF-8 with a BOM, so Excel
 * reads the Chinese right; the import's headers, so a file can go back in) and
 * XLSX through libxlsxwriter.  Phone and birth date are masked exactly as in
 * the list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/err.h"
#include "../core/xlsx.h"
#include "../core/mem.h"
#include "../core/timeutil.h"
#include "people.h"

static const char *const heads[] = {"姓名", "性别", "出生日期", "民族", "学历", "手机号", "职务", "职级",
                                    "所在支部", "党员类别", "入党时间", "转正时间", "预备期满", "承诺"};
#define NHEADS (sizeof heads / sizeof heads[0])

/* A date as people read it (1975年5月1日; masked 1975年**月**日); the import reads it back. */
static const char *day(const char *s, char buf[32])
{
    if (s && strlen(s) == 10 && strcmp(s + 4, "-**-**") == 0)
        snprintf(buf, 32, "%.4s年**月**日", s);
    else
        dj_text_cn(s, true, buf);
    return buf;
}

/* The cells of one person, in the order of heads; dates written into d. */
static void cells(json_t *o, const char *v[NHEADS], char d[4][32])
{
    const char *g = dj_jstr(o, "gender", NULL);
    v[0] = dj_jstr(o, "name", "");
    v[1] = g ? (!strcmp(g, "male") ? "男" : !strcmp(g, "female") ? "女" : g) : "";
    v[2] = day(dj_jstr(o, "birth_date", NULL), d[0]);
    v[3] = dj_jstr(o, "ethnicity", "");
    v[4] = dj_jstr(o, "education", "");
    v[5] = dj_jstr(o, "phone", "");
    v[6] = dj_jstr(o, "job_post", "");
    v[7] = dj_jstr(o, "job_title", "");
    v[8] = dj_jstr(o, "org_full_name", "");
    v[9] = dj_jstr(o, "status_label", "");
    v[10] = day(dj_jstr(o, "joined_on", NULL), d[1]);
    v[11] = day(dj_jstr(o, "full_on", NULL), d[2]);
    v[12] = day(dj_jstr(o, "probation_until", NULL), d[3]);
    v[13] = dj_jstr(o, "pledge", "");
}

static void csv_row(json_t *o, void *arg)
{
    dj_buf *b = arg;
    const char *v[NHEADS];
    char d[4][32];
    cells(o, v, d);
    for (size_t i = 0; i < NHEADS; i++) {
        if (i)
            dj_buf_puts(b, ",");
        dj_csv_put(b, v[i]);
    }
    dj_buf_puts(b, "\r\n");
}

int people_export_csv(db_conn *c, const struct people_filter *f, dj_buf *out)
{
    dj_buf_puts(out, "\xEF\xBB\xBF");
    for (size_t i = 0; i < NHEADS; i++) {
        if (i)
            dj_buf_puts(out, ",");
        dj_csv_put(out, heads[i]);
    }
    dj_buf_puts(out, "\r\n");
    return people_each(c, f, csv_row, out);
}

struct xl {
    lxw_worksheet *ws;
    lxw_row_t row;
};

static void xlsx_row(json_t *o, void *arg)
{
    struct xl *x = arg;
    const char *v[NHEADS];
    char d[4][32];
    cells(o, v, d);
    x->row++;
    for (size_t i = 0; i < NHEADS; i++)
        if (*v[i])
            worksheet_write_string(x->ws, x->row, (lxw_col_t)i, v[i], NULL);
}

int people_export_xlsx(db_conn *c, const struct people_filter *f, dj_buf *out)
{
    dj_xlsx book;
    if (dj_xlsx_new(&book, "export"))
        return DJ_EINTERNAL;
    lxw_workbook *wb = book.wb;
    lxw_worksheet *ws = workbook_add_worksheet(wb, "党员名册");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    format_set_bg_color(bold, 0xF6E3E3);
    for (size_t i = 0; i < NHEADS; i++)
        worksheet_write_string(ws, 0, (lxw_col_t)i, heads[i], bold);
    worksheet_set_column(ws, 0, 0, 10, NULL);
    worksheet_set_column(ws, 2, 2, 12, NULL);
    worksheet_set_column(ws, 5, 5, 14, NULL);
    worksheet_set_column(ws, 8, 8, 22, NULL);
    worksheet_set_column(ws, 9, 12, 12, NULL);
    worksheet_set_column(ws, 13, 13, 40, NULL);
    worksheet_freeze_panes(ws, 1, 0);
    struct xl x = {.ws = ws, .row = 0};
    int rc = people_each(c, f, xlsx_row, &x);
    if (x.row > 0)
        worksheet_autofilter(ws, 0, 0, x.row, NHEADS - 1);
    int done = dj_xlsx_finish(&book, out);
    return rc ? rc : done;
}
