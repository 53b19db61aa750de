/* dues_export.c - the 党费收缴明细表 of a branch for a year, from dues_sheet():
 * an XLSX workbook (libxlsxwriter) and a printable A4 landscape PDF (cairo and
 * pango with Noto Sans CJK; the header row repeats on every page, a totals row
 * and the signature line close it).  Each member's row: category, base, the
 * monthly due, what was paid in each month (未交, 免交, — where not due), and
 * the year's due, paid and short. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/mem.h"
#include "../core/xlsx.h"
#include "dues.h"

static void title_of(const json_t *s, char out[256])
{
    snprintf(out, 256, "%s党费收缴明细表（%lld年）", dj_jstr(json_object_get(s, "org"), "name", ""),
             (long long)dj_jint(s, "year", 0));
}

/* What a month's cell says: the amount paid, or why there is none. */
static const char *cell_text(const json_t *cell, const char *current, char buf[32])
{
    const char *st = dj_jstr(cell, "state", "");
    int64_t paid = dj_jint(cell, "paid_fen", 0);
    bool future = strcmp(dj_jstr(cell, "month", ""), current) > 0;
    if (paid > 0) {
        dues_yuan(paid, buf);
        if (strcmp(st, "short") == 0 && !future)
            strcat(buf, "*");
        return buf;
    }
    if (strcmp(st, "not_due") == 0)
        return "—";
    if (strcmp(st, "waived") == 0)
        return "免交";
    if (future)
        return "";
    if (strcmp(st, "no_base") == 0)
        return "未核定";
    if (strcmp(dj_jstr(cell, "month", ""), current) == 0)
        return "待交"; /* the running month is not late yet */
    return "未交";
}

static const char *yuan(int64_t fen, char buf[32])
{
    dues_yuan(fen, buf);
    return buf;
}

/* The monthly due under the base in force: the last month's due that is not zero. */
static int64_t monthly_due(const json_t *m)
{
    int64_t due = 0;
    size_t k;
    json_t *c;
    json_array_foreach(json_object_get(m, "cells"), k, c) if (dj_jint(c, "due_fen", 0) > 0) due =
        dj_jint(c, "due_fen", 0);
    return due;
}

static const char *const month_heads[] = {"1月", "2月", "3月", "4月", "5月", "6月",
                                          "7月", "8月", "9月", "10月", "11月", "12月"};

/* ---------------------------------------------------------------- XLSX */

struct xfmt {
    lxw_format *head, *cell, *num, *bold;
};

/* The members' rows from r0 on, then the totals row; returns the totals row. */
static lxw_row_t xlsx_rows(lxw_worksheet *ws, const struct xfmt *f, const json_t *s, lxw_row_t r0)
{
    const char *current = dj_jstr(s, "current_month", "");
    char buf[32];
    lxw_format *head = f->head, *cell = f->cell, *num = f->num, *bold = f->bold;
    size_t i;
    json_t *m;
    lxw_row_t row = r0;
    json_array_foreach(json_object_get(s, "members"), i, m) {
        worksheet_write_number(ws, row, 0, (double)(i + 1), cell);
        worksheet_write_string(ws, row, 1, dj_jstr(m, "name", ""), cell);
        worksheet_write_string(ws, row, 2, dj_jstr(m, "category_label", "") ? dj_jstr(m, "category_label", "") : "",
                               cell);
        worksheet_write_number(ws, row, 3, (double)dj_jint(m, "base_fen", 0) / 100.0, num);
        worksheet_write_number(ws, row, 4, (double)monthly_due(m) / 100.0, num);
        size_t k;
        json_t *c;
        json_array_foreach(json_object_get(m, "cells"), k, c) {
            if (dj_jint(c, "paid_fen", 0) > 0 && strcmp(dj_jstr(c, "state", ""), "short") != 0)
                worksheet_write_number(ws, row, (lxw_col_t)(5 + k), (double)dj_jint(c, "paid_fen", 0) / 100.0, num);
            else
                worksheet_write_string(ws, row, (lxw_col_t)(5 + k), cell_text(c, current, buf), cell);
        }
        worksheet_write_number(ws, row, 17, (double)dj_jint(m, "due_fen", 0) / 100.0, num);
        worksheet_write_number(ws, row, 18, (double)dj_jint(m, "paid_fen", 0) / 100.0, num);
        worksheet_write_number(ws, row, 19, (double)dj_jint(m, "short_fen", 0) / 100.0, num);
        row++;
    }
    worksheet_write_string(ws, row, 1, "合计", head);
    size_t k;
    json_t *t;
    json_array_foreach(json_object_get(s, "totals"), k, t)
        worksheet_write_number(ws, row, (lxw_col_t)(5 + k), (double)dj_jint(t, "paid_fen", 0) / 100.0, bold);
    worksheet_write_number(ws, row, 17, (double)dj_jint(s, "due_fen", 0) / 100.0, bold);
    worksheet_write_number(ws, row, 18, (double)dj_jint(s, "paid_fen", 0) / 100.0, bold);
    return row;
}

void *dues_sheet_xlsx(const json_t *s, size_t *len)
{
    dj_xlsx x;
    if (dj_xlsx_new(&x, "dues"))
        return NULL;
    lxw_workbook *wb = x.wb;
    lxw_format *ft = workbook_add_format(wb), *head = workbook_add_format(wb), *cell = workbook_add_format(wb),
               *num = workbook_add_format(wb), *bold = workbook_add_format(wb);
    format_set_bold(ft);
    format_set_font_size(ft, 16);
    format_set_bold(head);
    format_set_bg_color(head, 0xF6D5D6);
    format_set_border(head, LXW_BORDER_THIN);
    format_set_align(head, LXW_ALIGN_CENTER);
    format_set_border(cell, LXW_BORDER_THIN);
    format_set_border(num, LXW_BORDER_THIN);
    format_set_num_format(num, "0.00");
    format_set_border(bold, LXW_BORDER_THIN);
    format_set_bold(bold);
    format_set_num_format(bold, "0.00");

    lxw_worksheet *ws = workbook_add_worksheet(wb, "党费收缴明细");
    char title[256], line[256];
    const char *current = dj_jstr(s, "current_month", "");
    title_of(s, title);
    worksheet_write_string(ws, 0, 0, title, ft);
    snprintf(line, sizeof line, "%s　统计截至 %.4s年%d月　“*”为未足额交纳，金额单位：元", dj_jstr(s, "agency", ""),
             current, strlen(current) >= 7 ? atoi(current + 5) : 0);
    worksheet_write_string(ws, 1, 0, line, NULL);
    static const char *const left[] = {"序号", "姓名", "类别", "月基数", "月应交"};
    static const char *const right[] = {"应交合计", "实交合计", "欠交"};
    lxw_row_t r0 = 3;
    for (int c = 0; c < 5; c++)
        worksheet_write_string(ws, r0, (lxw_col_t)c, left[c], head);
    for (int k = 0; k < 12; k++)
        worksheet_write_string(ws, r0, (lxw_col_t)(5 + k), month_heads[k], head);
    for (int c = 0; c < 3; c++)
        worksheet_write_string(ws, r0, (lxw_col_t)(17 + c), right[c], head);
    worksheet_set_column(ws, 0, 0, 6, NULL);
    worksheet_set_column(ws, 1, 2, 10, NULL);
    worksheet_set_column(ws, 3, 19, 9, NULL);
    worksheet_freeze_panes(ws, r0 + 1, 2);
    lxw_row_t row = xlsx_rows(ws, &(struct xfmt){head, cell, num, bold}, s, r0 + 1);
    worksheet_write_string(ws, row + 2, 1, "支部书记：", NULL);
    worksheet_write_string(ws, row + 2, 6, "组织委员：", NULL);
    worksheet_write_string(ws, row + 2, 11, "制表日期：", NULL);
    (void)yuan;
    dj_buf out = {0};
    if (dj_xlsx_finish(&x, &out)) {
        dj_buf_free(&out);
        return NULL;
    }
    *len = out.len;
    return out.data;
}

/* ---------------------------------------------------------------- PDF */

#define PAGE_W 841.89 /* A4 landscape */
#define PAGE_H 595.276
#define MARGIN 34.0
#define TOP 66.0
#define BOTTOM 548.0
#define PAD 2.5
#define NCOLS 20

struct pdf {
    cairo_t *cr;
    PangoLayout *layout, *cells[NCOLS];
    PangoFontDescription *body, *bold, *title, *small, *tiny;
    const char *agency, *title_text;
    int page;
    double y;
    double widths[NCOLS];
    dj_buf out;
};

static cairo_status_t pdf_write(void *closure, const unsigned char *data, unsigned int len)
{
    dj_buf_append(closure, data, len);
    return CAIRO_STATUS_SUCCESS;
}

static double text_at(struct pdf *p, const PangoFontDescription *font, const char *s, double x, double y, double w,
                      PangoAlignment align)
{
    pango_layout_set_font_description(p->layout, font);
    pango_layout_set_width(p->layout, (int)(w * PANGO_SCALE));
    pango_layout_set_alignment(p->layout, align);
    pango_layout_set_text(p->layout, s ? s : "", -1);
    int lw, lh;
    pango_layout_get_size(p->layout, &lw, &lh);
    cairo_move_to(p->cr, x, y);
    pango_cairo_show_layout(p->cr, p->layout);
    return (double)lh / PANGO_SCALE;
}

static void page_frame(struct pdf *p)
{
    char num[32];
    p->page++;
    cairo_set_source_rgb(p->cr, 0.78, 0.09, 0.11); /* 党建红 */
    text_at(p, p->small, p->agency, MARGIN, 30, 300, PANGO_ALIGN_LEFT);
    text_at(p, p->small, p->title_text, PAGE_W - MARGIN - 360, 30, 360, PANGO_ALIGN_RIGHT);
    cairo_set_line_width(p->cr, 1.0);
    cairo_move_to(p->cr, MARGIN, 46);
    cairo_line_to(p->cr, PAGE_W - MARGIN, 46);
    cairo_stroke(p->cr);
    cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
    snprintf(num, sizeof num, "第 %d 页", p->page);
    text_at(p, p->small, num, 0, PAGE_H - 30, PAGE_W, PANGO_ALIGN_CENTER);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    p->y = TOP;
}

static double row_height(struct pdf *p, const char *const *cells, const PangoFontDescription *f)
{
    double h = 0;
    for (int c = 0; c < NCOLS; c++) {
        PangoLayout *l = p->cells[c];
        pango_layout_set_font_description(l, f);
        pango_layout_set_width(l, (int)((p->widths[c] - 2 * PAD) * PANGO_SCALE));
        pango_layout_set_alignment(l, c == 1 || c == 2 ? PANGO_ALIGN_LEFT : PANGO_ALIGN_CENTER);
        pango_layout_set_text(l, cells[c] ? cells[c] : "", -1);
        int lw, lh;
        pango_layout_get_size(l, &lw, &lh);
        if ((double)lh / PANGO_SCALE > h)
            h = (double)lh / PANGO_SCALE;
    }
    return h + 2 * PAD;
}

static void draw_row(struct pdf *p, double h, bool shaded, const char *const *cells)
{
    double x = MARGIN;
    for (int c = 0; c < NCOLS; c++) {
        if (shaded) {
            cairo_set_source_rgb(p->cr, 0.965, 0.835, 0.84);
            cairo_rectangle(p->cr, x, p->y, p->widths[c], h);
            cairo_fill(p->cr);
        }
        /* months not paid stand out in red */
        bool red = cells && c >= 5 && c < 17 && cells[c] && strcmp(cells[c], "未交") == 0;
        cairo_set_source_rgb(p->cr, 0, 0, 0);
        cairo_set_line_width(p->cr, 0.5);
        cairo_rectangle(p->cr, x, p->y, p->widths[c], h);
        cairo_stroke(p->cr);
        if (red)
            cairo_set_source_rgb(p->cr, 0.78, 0.09, 0.11);
        cairo_move_to(p->cr, x + PAD, p->y + PAD);
        pango_cairo_show_layout(p->cr, p->cells[c]);
        cairo_set_source_rgb(p->cr, 0, 0, 0);
        x += p->widths[c];
    }
    p->y += h;
}

static const char *heads[NCOLS] = {"序号", "姓名", "类别", "月基数", "月应交", "1月", "2月", "3月", "4月", "5月",
                                   "6月", "7月", "8月", "9月", "10月", "11月", "12月", "应交合计", "实交合计",
                                   "欠交"};

/* small: the totals row, whose sums are wider than a member's month */
static void table_row(struct pdf *p, const char *const *cells, bool small)
{
    const PangoFontDescription *f = small ? p->tiny : p->body;
    double h = row_height(p, cells, f);
    if (p->y + h > BOTTOM) {
        cairo_show_page(p->cr);
        page_frame(p);
        draw_row(p, row_height(p, heads, p->bold), true, NULL);
        h = row_height(p, cells, f);
    }
    draw_row(p, h, false, cells);
}

/* The members' rows and the totals row. */
static void pdf_rows(struct pdf *p, const json_t *s, const char *current)
{
    int64_t due = dj_jint(s, "due_fen", 0), paid = dj_jint(s, "paid_fen", 0);
    char bufs[NCOLS][32];
    const char *cells[NCOLS];
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(s, "members"), i, m) {
        snprintf(bufs[0], 32, "%zu", i + 1);
        cells[0] = bufs[0];
        cells[1] = dj_jstr(m, "name", "");
        cells[2] = dj_jstr(m, "category_label", "") ? dj_jstr(m, "category_label", "") : "";
        cells[3] = dj_jint(m, "base_fen", 0) ? yuan(dj_jint(m, "base_fen", 0), bufs[3]) : "";
        cells[4] = yuan(monthly_due(m), bufs[4]);
        size_t k;
        json_t *c;
        json_array_foreach(json_object_get(m, "cells"), k, c) if (k < 12) cells[5 + k] =
            cell_text(c, current, bufs[5 + k]);
        cells[17] = yuan(dj_jint(m, "due_fen", 0), bufs[17]);
        cells[18] = yuan(dj_jint(m, "paid_fen", 0), bufs[18]);
        cells[19] = dj_jint(m, "short_fen", 0) ? yuan(dj_jint(m, "short_fen", 0), bufs[19]) : "";
        table_row(p, cells, false);
    }
    for (int c = 0; c < NCOLS; c++)
        cells[c] = "";
    cells[1] = "合计";
    size_t k;
    json_t *t;
    json_array_foreach(json_object_get(s, "totals"), k, t) if (k < 12) cells[5 + k] =
        yuan(dj_jint(t, "paid_fen", 0), bufs[5 + k]);
    cells[17] = yuan(due, bufs[17]);
    cells[18] = yuan(paid, bufs[18]);
    cells[19] = due > paid ? yuan(due - paid, bufs[19]) : "";
    table_row(p, cells, true);
}

void *dues_sheet_pdf(const json_t *s, size_t *len)
{
    struct pdf p = {0};
    char title[256];
    title_of(s, title);
    p.agency = dj_jstr(s, "agency", "");
    p.title_text = title;
    cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(pdf_write, &p.out, PAGE_W, PAGE_H);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return NULL;
    }
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "dangjian 智慧云党建");
    p.cr = cairo_create(surface);
    p.layout = pango_cairo_create_layout(p.cr);
    pango_layout_set_wrap(p.layout, PANGO_WRAP_WORD_CHAR);
    for (int c = 0; c < NCOLS; c++) {
        p.cells[c] = pango_cairo_create_layout(p.cr);
        pango_layout_set_wrap(p.cells[c], PANGO_WRAP_WORD_CHAR);
    }
    p.body = pango_font_description_from_string("Noto Sans CJK SC 7");
    p.bold = pango_font_description_from_string("Noto Sans CJK SC Bold 7");
    p.title = pango_font_description_from_string("Noto Sans CJK SC Bold 15");
    p.small = pango_font_description_from_string("Noto Sans CJK SC 8");
    p.tiny = pango_font_description_from_string("Noto Sans CJK SC Bold 6");
    static const double w[NCOLS] = {22, 44, 34, 44, 38, 38, 38, 38, 38, 38, 38,
                                    38, 38, 38, 38, 38, 38, 44, 44, 43};
    memcpy(p.widths, w, sizeof w);

    page_frame(&p);
    double avail = PAGE_W - 2 * MARGIN;
    const char *current = dj_jstr(s, "current_month", "");
    char line[400], a[32], b[32], c3[32];
    p.y += text_at(&p, p.title, title, MARGIN, p.y, avail, PANGO_ALIGN_CENTER) + 4;
    int64_t due = dj_jint(s, "due_fen", 0), paid = dj_jint(s, "paid_fen", 0);
    snprintf(line, sizeof line,
             "统计截至 %.4s年%d月　应交合计 %s 元，实交合计 %s 元，收缴率 %s%%　金额单位：元，“*”为未足额交纳", current,
             strlen(current) >= 7 ? atoi(current + 5) : 0, yuan(due, a), yuan(paid, b),
             due > 0 ? (snprintf(c3, sizeof c3, "%lld", (long long)((paid >= due ? due : paid) * 100 / due)), c3)
                     : "—");
    p.y += text_at(&p, p.body, line, MARGIN, p.y, avail, PANGO_ALIGN_CENTER) + 6;
    draw_row(&p, row_height(&p, heads, p.bold), true, NULL);

    pdf_rows(&p, s, current);
    if (p.y + 30 > BOTTOM) {
        cairo_show_page(p.cr);
        page_frame(&p);
    }
    p.y += 18;
    text_at(&p, p.body, "支部书记（签字）：", MARGIN, p.y, 200, PANGO_ALIGN_LEFT);
    text_at(&p, p.body, "组织委员（签字）：", MARGIN + 260, p.y, 200, PANGO_ALIGN_LEFT);
    text_at(&p, p.body, "制表日期：　　年　　月　　日", MARGIN + 520, p.y, 216, PANGO_ALIGN_LEFT);

    cairo_show_page(p.cr);
    g_object_unref(p.layout);
    for (int c = 0; c < NCOLS; c++)
        g_object_unref(p.cells[c]);
    pango_font_description_free(p.body);
    pango_font_description_free(p.bold);
    pango_font_description_free(p.title);
    pango_font_description_free(p.small);
    pango_font_description_free(p.tiny);
    cairo_destroy(p.cr);
    cairo_surface_finish(surface);
    cairo_status_t st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (st != CAIRO_STATUS_SUCCESS) {
        dj_buf_free(&p.out);
        return NULL;
    }
    *len = p.out.len;
    return p.out.data;
}
