/* lists_export.c - the quarterly report (每季度向市长汇报) rendered three ways:
 * JSON for the page, XLSX through libxlsxwriter, and an A4 PDF through cairo
 * and pango with Noto Sans CJK (header with the agency and the quarter on
 * every page, page numbers, tables that continue across pages with their
 * header row repeated). */
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/err.h"
#include "../core/mem.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "../core/xlsx.h"
#include "lists.h"

static const char *day_text(lists_day d, char buf[11])
{
    if (d < 0)
        return NULL;
    lists_day_format(d, buf);
    return buf;
}

/* The date as people read it (2026年12月5日), for the XLSX and PDF. */
static const char *day_cn(lists_day d, char buf[32])
{
    if (d < 0)
        return NULL;
    int y, m, dd;
    dj_civil_from_days(d, &y, &m, &dd);
    snprintf(buf, 32, "%d年%d月%d日", y, m, dd);
    return buf;
}

static const char *const quarter_names[] = {"", "第一季度", "第二季度", "第三季度", "第四季度"};

char *lists_agency_name(db_conn *c)
{
    char *s = dj_setting_text(c, "agency.name", "");
    if (!*s || strcmp(s, "机关党委") == 0) {
        char *org = NULL;
        if (db_query_text(c, &org, "SELECT name FROM orgs WHERE id = 1", "") == DJ_OK) {
            free(s);
            return org;
        }
    }
    return s;
}

char *lists_report_title(const char *list_title, int year, int q)
{
    if (q < 1 || q > 4)
        q = 1;
    return list_title ? dj_asprintf("《%s》%d年%s推进情况报告", list_title, year, quarter_names[q])
                      : dj_asprintf("%d年%s各项工作清单推进情况汇总报告", year, quarter_names[q]);
}

/* ---------------------------------------------------------------- JSON */

static json_t *item_json(const struct lists_report_doc *d, int i)
{
    const struct lists_ritem *it = &d->items[i];
    char b1[11], b2[11], b3[11];
    json_t *o = json_pack("{s:I, s:I, s:s, s:i, s:s, s:s, s:s, s:s, s:i, s:s?, s:s?, s:s, s:s?, s:s?}", "id",
                          (json_int_t)it->id, "list_id", (json_int_t)it->list_id, "list_title", it->list_title, "seq",
                          it->seq, "title", it->title, "category", it->category, "org_name", it->org_name, "owners",
                          it->owners, "progress", it->f.progress, "due_on", day_text(it->f.due, b1), "verified_on",
                          day_text(it->verified, b2), "status", lists_statuses[d->rep->status[i]], "latest_note",
                          it->latest_note, "latest_on", day_text(it->latest_on, b3));
    if (it->f.due >= 0 && d->rep->status[i] == LISTS_ST_OVERDUE)
        json_object_set_new(o, "days_overdue", json_integer(d->rep->asof - it->f.due));
    return o;
}

static json_t *counts_json(const int counts[LISTS_ST_COUNT])
{
    json_t *o = json_object();
    for (int s = 0; s < LISTS_ST_COUNT; s++)
        json_object_set_new(o, lists_statuses[s], json_integer(counts[s]));
    return o;
}

json_t *lists_report_json(const struct lists_report_doc *d)
{
    const struct lists_report *rep = d->rep;
    char q[16], b1[11], b2[11], b3[11];
    snprintf(q, sizeof q, "%04d-Q%d", rep->year, rep->quarter);
    json_t *statuses = json_array();
    for (int s = 0; s < LISTS_ST_COUNT; s++)
        json_array_append_new(statuses, json_pack("{s:s, s:s}", "code", lists_statuses[s], "name",
                                                  lists_status_names[s]));
    json_t *cats = json_array();
    for (int k = 0; k < rep->ncats; k++)
        json_array_append_new(cats, json_pack("{s:s, s:i, s:o}", "category", rep->cats[k].category, "total",
                                              rep->cats[k].total, "counts", counts_json(rep->cats[k].counts)));
    json_t *fin = json_array(), *ovd = json_array(), *pln = json_array();
    for (int k = 0; k < rep->nfinished; k++)
        json_array_append_new(fin, item_json(d, rep->finished[k]));
    for (int k = 0; k < rep->noverdue; k++)
        json_array_append_new(ovd, item_json(d, rep->overdue[k]));
    for (int k = 0; k < rep->nplanned; k++)
        json_array_append_new(pln, item_json(d, rep->planned[k]));
    return json_pack("{s:s, s:s, s:s, s:i, s:i, s:s, s:s, s:s, s:b, s:o, s:o, s:{s:i, s:o}, s:o, s:o, s:o}", "agency",
                     d->agency, "title", d->title, "quarter", q, "year", rep->year, "q", rep->quarter, "first",
                     day_text(rep->first, b1), "last", day_text(rep->last, b2), "asof", day_text(rep->asof, b3),
                     "all_lists", d->all_lists, "statuses", statuses, "categories", cats, "totals", "total",
                     rep->total, "counts", counts_json(rep->counts), "finished", fin, "overdue", ovd, "planned", pln);
}

/* ---------------------------------------------------------------- XLSX */

struct xfmt {
    lxw_format *title, *head, *cell, *num, *wrap;
};

static void xlsx_items(lxw_workbook *wb, const struct xfmt *f, const struct lists_report_doc *d, const char *name,
                       const int *idx, int n, int kind /* 0 finished, 1 overdue, 2 planned */)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    const char *heads[10];
    int nh = 0;
    heads[nh++] = "序号";
    if (d->all_lists)
        heads[nh++] = "清单";
    heads[nh++] = "类别";
    heads[nh++] = "事项";
    heads[nh++] = "责任单位";
    heads[nh++] = "责任人";
    heads[nh++] = kind == 0 ? "销号日期" : "完成时限";
    heads[nh++] = "进度(%)";
    if (kind == 1) {
        heads[nh++] = "逾期天数";
        heads[nh++] = "最新进展（逾期原因）";
    }
    for (int c = 0; c < nh; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, heads[c], f->head);
    int c0 = 0;
    worksheet_set_column(ws, 0, 0, 6, NULL);
    if (d->all_lists)
        worksheet_set_column(ws, 1, 1, 22, f->wrap), c0 = 1;
    worksheet_set_column(ws, (lxw_col_t)(c0 + 1), (lxw_col_t)(c0 + 1), 12, NULL);
    worksheet_set_column(ws, (lxw_col_t)(c0 + 2), (lxw_col_t)(c0 + 2), 40, f->wrap);
    worksheet_set_column(ws, (lxw_col_t)(c0 + 3), (lxw_col_t)(c0 + 4), 14, f->wrap);
    worksheet_set_column(ws, (lxw_col_t)(c0 + 5), (lxw_col_t)(c0 + 7), 11, NULL);
    worksheet_set_column(ws, (lxw_col_t)(c0 + 8), (lxw_col_t)(c0 + 8), 50, f->wrap);
    worksheet_freeze_panes(ws, 1, 0);
    char b[32];
    for (int k = 0; k < n; k++) {
        const struct lists_ritem *it = &d->items[idx[k]];
        lxw_row_t row = (lxw_row_t)(k + 1);
        int c = 0;
        worksheet_write_number(ws, row, (lxw_col_t)c++, it->seq, f->num);
        if (d->all_lists)
            worksheet_write_string(ws, row, (lxw_col_t)c++, it->list_title, f->cell);
        worksheet_write_string(ws, row, (lxw_col_t)c++, it->category, f->cell);
        worksheet_write_string(ws, row, (lxw_col_t)c++, it->title, f->cell);
        worksheet_write_string(ws, row, (lxw_col_t)c++, it->org_name, f->cell);
        worksheet_write_string(ws, row, (lxw_col_t)c++, it->owners, f->cell);
        const char *date = day_cn(kind == 0 ? it->verified : it->f.due, b);
        worksheet_write_string(ws, row, (lxw_col_t)c++, date ? date : "", f->cell);
        worksheet_write_number(ws, row, (lxw_col_t)c++, it->f.progress, f->num);
        if (kind == 1) {
            worksheet_write_number(ws, row, (lxw_col_t)c++, (double)(d->rep->asof - it->f.due), f->num);
            char *note = it->latest_note ? dj_asprintf("%s%s%s", day_cn(it->latest_on, b) ? b : "",
                                                      it->latest_on >= 0 ? " " : "", it->latest_note)
                                         : dj_strdup("（无进展记录）");
            worksheet_write_string(ws, row, (lxw_col_t)c++, note, f->cell);
            free(note);
        }
    }
    if (n == 0)
        worksheet_write_string(ws, 1, 0, "（无）", NULL);
}

void *lists_report_xlsx(const struct lists_report_doc *d, size_t *len)
{
    const struct lists_report *rep = d->rep;
    dj_xlsx x;
    if (dj_xlsx_new(&x, "report"))
        return NULL;
    lxw_workbook *wb = x.wb;
    struct xfmt f;
    f.title = workbook_add_format(wb);
    format_set_bold(f.title);
    format_set_font_size(f.title, 16);
    f.head = workbook_add_format(wb);
    format_set_bold(f.head);
    format_set_bg_color(f.head, 0xF6D5D6);
    format_set_border(f.head, LXW_BORDER_THIN);
    format_set_text_wrap(f.head);
    f.cell = workbook_add_format(wb);
    format_set_border(f.cell, LXW_BORDER_THIN);
    format_set_text_wrap(f.cell);
    format_set_align(f.cell, LXW_ALIGN_VERTICAL_TOP);
    f.num = workbook_add_format(wb);
    format_set_border(f.num, LXW_BORDER_THIN);
    format_set_align(f.num, LXW_ALIGN_VERTICAL_TOP);
    f.wrap = workbook_add_format(wb);
    format_set_text_wrap(f.wrap);

    lxw_worksheet *ws = workbook_add_worksheet(wb, "概况");
    char b1[32], b2[32], line[256];
    worksheet_write_string(ws, 0, 0, d->title, f.title);
    worksheet_write_string(ws, 1, 0, d->agency, NULL);
    snprintf(line, sizeof line, "%d年%s（%s 至 %s），统计截至 %s", rep->year, quarter_names[rep->quarter],
             day_cn(rep->first, b1), day_cn(rep->last, b2), day_cn(rep->asof, b1));
    worksheet_write_string(ws, 2, 0, line, NULL);
    worksheet_set_column(ws, 0, 0, 28, NULL);
    worksheet_set_column(ws, 1, LISTS_ST_COUNT + 1, 10, NULL);
    int r0 = 4;
    worksheet_write_string(ws, (lxw_row_t)r0, 0, d->all_lists ? "清单" : "类别", f.head);
    worksheet_write_string(ws, (lxw_row_t)r0, 1, "合计", f.head);
    for (int s = 0; s < LISTS_ST_COUNT; s++)
        worksheet_write_string(ws, (lxw_row_t)r0, (lxw_col_t)(s + 2), lists_status_names[s], f.head);
    for (int k = 0; k < rep->ncats; k++) {
        lxw_row_t row = (lxw_row_t)(r0 + 1 + k);
        worksheet_write_string(ws, row, 0, rep->cats[k].category, f.cell);
        worksheet_write_number(ws, row, 1, rep->cats[k].total, f.num);
        for (int s = 0; s < LISTS_ST_COUNT; s++)
            worksheet_write_number(ws, row, (lxw_col_t)(s + 2), rep->cats[k].counts[s], f.num);
    }
    lxw_row_t tr = (lxw_row_t)(r0 + 1 + rep->ncats);
    worksheet_write_string(ws, tr, 0, "合计", f.head);
    worksheet_write_number(ws, tr, 1, rep->total, f.head);
    for (int s = 0; s < LISTS_ST_COUNT; s++)
        worksheet_write_number(ws, tr, (lxw_col_t)(s + 2), rep->counts[s], f.head);
    snprintf(line, sizeof line, "本季度完成（销号）%d 项，截至统计日逾期 %d 项，下季度到期 %d 项。", rep->nfinished,
             rep->noverdue, rep->nplanned);
    worksheet_write_string(ws, tr + 2, 0, line, NULL);

    xlsx_items(wb, &f, d, "本季度完成", rep->finished, rep->nfinished, 0);
    xlsx_items(wb, &f, d, "逾期事项", rep->overdue, rep->noverdue, 1);
    xlsx_items(wb, &f, d, "下季度计划", rep->planned, rep->nplanned, 2);
    dj_buf out = {0};
    if (dj_xlsx_finish(&x, &out)) {
        dj_buf_free(&out);
        return NULL;
    }
    *len = out.len;
    return out.data;
}

/* ---------------------------------------------------------------- PDF */

#define PAGE_W 595.276
#define PAGE_H 841.89
#define MARGIN 48.0
#define TOP 78.0     /* below the running header */
#define BOTTOM 790.0 /* above the page number */
#define PAD 3.0

struct pdf {
    cairo_surface_t *surface;
    cairo_t *cr;
    PangoLayout *layout;
    PangoLayout *cells[10]; /* one per table column: laid out once to measure, then drawn */
    PangoFontDescription *body, *bold, *title, *small;
    const struct lists_report_doc *d;
    int page;
    double y;
    dj_buf out;
};

static cairo_status_t pdf_write(void *closure, const unsigned char *data, unsigned int len)
{
    dj_buf_append(closure, data, len);
    return CAIRO_STATUS_SUCCESS;
}

/* Lays text out at (x, y) in a box of width w; returns its height. draw = false only measures. */
static double text_at(struct pdf *p, const PangoFontDescription *font, const char *s, double x, double y, double w,
                      PangoAlignment align, bool draw)
{
    pango_layout_set_font_description(p->layout, font);
    pango_layout_set_width(p->layout, (int)(w * PANGO_SCALE));
    pango_layout_set_alignment(p->layout, align);
    pango_layout_set_text(p->layout, s ? s : "", -1);
    int lw, lh;
    pango_layout_get_size(p->layout, &lw, &lh);
    if (draw) {
        cairo_move_to(p->cr, x, y);
        pango_cairo_show_layout(p->cr, p->layout);
    }
    return (double)lh / PANGO_SCALE;
}

static void page_frame(struct pdf *p)
{
    char q[64], num[32];
    p->page++;
    cairo_set_source_rgb(p->cr, 0.78, 0.09, 0.11); /* 党建红 */
    text_at(p, p->small, p->d->agency, MARGIN, 40, 300, PANGO_ALIGN_LEFT, true);
    snprintf(q, sizeof q, "%d年%s", p->d->rep->year, quarter_names[p->d->rep->quarter]);
    text_at(p, p->small, q, PAGE_W - MARGIN - 200, 40, 200, PANGO_ALIGN_RIGHT, true);
    cairo_set_line_width(p->cr, 1.0);
    cairo_move_to(p->cr, MARGIN, 58);
    cairo_line_to(p->cr, PAGE_W - MARGIN, 58);
    cairo_stroke(p->cr);
    cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
    snprintf(num, sizeof num, "第 %d 页", p->page);
    text_at(p, p->small, num, 0, PAGE_H - 40, PAGE_W, PANGO_ALIGN_CENTER, true);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    p->y = TOP;
}

static void new_page(struct pdf *p)
{
    cairo_show_page(p->cr);
    page_frame(p);
}

struct table {
    int ncols;
    const char *heads[10];
    double widths[10];
    bool numeric[10];
};

/* Lays every cell of a row out in its column's layout; returns the row's height. */
static double row_height(struct pdf *p, const struct table *t, const char *const *cells, const PangoFontDescription *f)
{
    double h = 0;
    for (int c = 0; c < t->ncols; c++) {
        PangoLayout *l = p->cells[c];
        pango_layout_set_font_description(l, f);
        pango_layout_set_width(l, (int)((t->widths[c] - 2 * PAD) * PANGO_SCALE));
        pango_layout_set_alignment(l, t->numeric[c] ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
        pango_layout_set_text(l, cells[c] ? cells[c] : "", -1);
        int lw, lh;
        pango_layout_get_size(l, &lw, &lh);
        if ((double)lh / PANGO_SCALE > h)
            h = (double)lh / PANGO_SCALE;
    }
    return h + 2 * PAD;
}

/* Draws the row that row_height() laid out last. */
static void draw_row(struct pdf *p, const struct table *t, double h, bool shaded)
{
    double x = MARGIN;
    for (int c = 0; c < t->ncols; c++) {
        if (shaded) {
            cairo_set_source_rgb(p->cr, 0.965, 0.835, 0.84);
            cairo_rectangle(p->cr, x, p->y, t->widths[c], h);
            cairo_fill(p->cr);
            cairo_set_source_rgb(p->cr, 0, 0, 0);
        }
        cairo_set_line_width(p->cr, 0.5);
        cairo_rectangle(p->cr, x, p->y, t->widths[c], h);
        cairo_stroke(p->cr);
        cairo_move_to(p->cr, x + PAD, p->y + PAD);
        pango_cairo_show_layout(p->cr, p->cells[c]);
        x += t->widths[c];
    }
    p->y += h;
}

static void draw_head(struct pdf *p, const struct table *t)
{
    double h = row_height(p, t, t->heads, p->bold);
    draw_row(p, t, h, true);
}

/* The height a table needs before its first row may be drawn: its header and
 * that row, so the header is never left alone at the foot of a page. */
static double table_lead(struct pdf *p, const struct table *t, const char *const *first, bool bold)
{
    return row_height(p, t, t->heads, p->bold) + (first ? row_height(p, t, first, bold ? p->bold : p->body) : 0);
}

/* Starts a table: on a new page when its header and first row do not both fit. */
static void table_begin(struct pdf *p, const struct table *t, const char *const *first, bool bold)
{
    if (p->y + table_lead(p, t, first, bold) > BOTTOM)
        new_page(p);
    draw_head(p, t);
}

/* A row, starting a new page (with the header row again) when it does not fit. */
static void table_row(struct pdf *p, const struct table *t, const char *const *cells, bool bold)
{
    const PangoFontDescription *f = bold ? p->bold : p->body;
    double h = row_height(p, t, cells, f);
    if (p->y + h > BOTTOM) {
        new_page(p);
        draw_head(p, t);
        h = row_height(p, t, cells, f); /* the header used the layouts */
    }
    draw_row(p, t, h, false);
}

/* A section heading, kept on one page with the next `keep` points of what follows. */
static void heading(struct pdf *p, const char *s, double keep)
{
    double h = text_at(p, p->bold, s, 0, 0, PAGE_W - 2 * MARGIN, PANGO_ALIGN_LEFT, false);
    if (p->y + 10 + h + 4 + keep > BOTTOM)
        new_page(p);
    p->y += 10;
    cairo_set_source_rgb(p->cr, 0.78, 0.09, 0.11);
    p->y += text_at(p, p->bold, s, MARGIN, p->y, PAGE_W - 2 * MARGIN, PANGO_ALIGN_LEFT, true) + 4;
    cairo_set_source_rgb(p->cr, 0, 0, 0);
}

/* The cells of one item's row; the strings are heap copies freed by row_free. */
struct item_row {
    const char *cells[10];
    char seq[16], date[32], prog[8];
    char *title, *note;
};

static void item_row_make(const struct lists_report_doc *d, const struct lists_ritem *it, int kind,
                          struct item_row *r)
{
    snprintf(r->seq, sizeof r->seq, "%d", it->seq);
    snprintf(r->prog, sizeof r->prog, "%d%%", it->f.progress);
    day_cn(kind == 0 ? it->verified : it->f.due, r->date);
    int j = 0;
    r->cells[j++] = r->seq;
    if (d->all_lists)
        r->cells[j++] = it->list_title;
    r->cells[j++] = it->category;
    r->title = *it->owners ? dj_asprintf("%s（%s）", it->title, it->owners) : dj_strdup(it->title);
    r->cells[j++] = r->title;
    r->cells[j++] = it->org_name;
    r->cells[j++] = (kind == 0 ? it->verified : it->f.due) >= 0 ? r->date : "";
    r->cells[j++] = r->prog;
    r->note = NULL;
    if (kind == 1) {
        char ld[32];
        r->note = it->latest_note ? dj_asprintf("%s %s", day_cn(it->latest_on, ld) ? ld : "", it->latest_note)
                                  : dj_strdup("无进展记录");
        r->cells[j++] = r->note;
    }
}

static void item_row_free(struct item_row *r)
{
    free(r->title);
    free(r->note);
}

/* A section of items under its heading; the heading, the table's header and its
 * first row stay together, and the header row repeats on every page. */
static void pdf_items(struct pdf *p, const char *title, const int *idx, int n, int kind)
{
    const struct lists_report_doc *d = p->d;
    struct table t = {0};
    double avail = PAGE_W - 2 * MARGIN;
    int c = 0;
    t.heads[c] = "序号", t.widths[c] = 30, t.numeric[c++] = true;
    if (d->all_lists)
        t.heads[c] = "清单", t.widths[c++] = 70;
    t.heads[c] = "类别", t.widths[c++] = 56;
    int title_col = c;
    t.heads[c] = "事项", t.widths[c++] = 0;
    t.heads[c] = "责任单位", t.widths[c++] = 70;
    t.heads[c] = kind == 0 ? "销号日期" : "完成时限", t.widths[c++] = 92;
    t.heads[c] = "进度", t.widths[c] = 34, t.numeric[c++] = true;
    if (kind == 1)
        t.heads[c] = "逾期原因（最新进展）", t.widths[c++] = 110;
    t.ncols = c;
    double used = 0;
    for (int k = 0; k < c; k++)
        used += t.widths[k];
    t.widths[title_col] = avail - used;
    if (n == 0) {
        heading(p, title, 18);
        text_at(p, p->body, "（无）", MARGIN, p->y, avail, PANGO_ALIGN_LEFT, true);
        p->y += 18;
        return;
    }
    struct item_row first;
    item_row_make(d, &d->items[idx[0]], kind, &first);
    heading(p, title, table_lead(p, &t, first.cells, false));
    table_begin(p, &t, first.cells, false);
    item_row_free(&first);
    for (int k = 0; k < n; k++) {
        struct item_row r;
        item_row_make(d, &d->items[idx[k]], kind, &r);
        table_row(p, &t, r.cells, false);
        item_row_free(&r);
    }
    p->y += 6;
}

void *lists_report_pdf(const struct lists_report_doc *d, size_t *len)
{
    const struct lists_report *rep = d->rep;
    struct pdf p = {0};
    p.d = d;
    p.surface = cairo_pdf_surface_create_for_stream(pdf_write, &p.out, PAGE_W, PAGE_H);
    if (cairo_surface_status(p.surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(p.surface);
        return NULL;
    }
    cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_TITLE, d->title);
    cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_CREATOR, "dangjian 智慧云党建");
    p.cr = cairo_create(p.surface);
    p.layout = pango_cairo_create_layout(p.cr);
    pango_layout_set_wrap(p.layout, PANGO_WRAP_WORD_CHAR);
    for (int c = 0; c < 10; c++) {
        p.cells[c] = pango_cairo_create_layout(p.cr);
        pango_layout_set_wrap(p.cells[c], PANGO_WRAP_WORD_CHAR);
    }
    p.body = pango_font_description_from_string("Noto Sans CJK SC 8");
    p.bold = pango_font_description_from_string("Noto Sans CJK SC Bold 9");
    p.title = pango_font_description_from_string("Noto Sans CJK SC Bold 16");
    p.small = pango_font_description_from_string("Noto Sans CJK SC 8");

    page_frame(&p);
    double avail = PAGE_W - 2 * MARGIN;
    p.y += text_at(&p, p.title, d->title, MARGIN, p.y, avail, PANGO_ALIGN_CENTER, true) + 6;
    char b1[32], b2[32], b3[32], line[320];
    snprintf(line, sizeof line, "%s　报告期：%s 至 %s　统计截至：%s", d->agency, day_cn(rep->first, b1),
             day_cn(rep->last, b2), day_cn(rep->asof, b3));
    p.y += text_at(&p, p.body, line, MARGIN, p.y, avail, PANGO_ALIGN_CENTER, true) + 8;
    snprintf(line, sizeof line,
             "共 %d 项：已完成 %d 项，进行中 %d 项，未开始 %d 项，已逾期 %d 项，已取消 %d 项。本季度完成（销号）%d 项，"
             "下季度到期 %d 项。",
             rep->total, rep->counts[LISTS_ST_DONE], rep->counts[LISTS_ST_IN_PROGRESS],
             rep->counts[LISTS_ST_NOT_STARTED], rep->counts[LISTS_ST_OVERDUE], rep->counts[LISTS_ST_CANCELLED],
             rep->nfinished, rep->nplanned);
    p.y += text_at(&p, p.body, line, MARGIN, p.y, avail, PANGO_ALIGN_LEFT, true) + 4;

    struct table t = {.ncols = LISTS_ST_COUNT + 2};
    t.heads[0] = d->all_lists ? "清单" : "类别";
    t.widths[0] = avail - 60.0 * (LISTS_ST_COUNT + 1);
    t.heads[1] = "合计", t.widths[1] = 60, t.numeric[1] = true;
    for (int s = 0; s < LISTS_ST_COUNT; s++)
        t.heads[s + 2] = lists_status_names[s], t.widths[s + 2] = 60, t.numeric[s + 2] = true;
    char nums[LISTS_ST_COUNT + 1][16];
    const char *cells[10];
    const char *first[10] = {rep->ncats ? rep->cats[0].category : "合计", "0"};
    heading(&p, d->all_lists ? "一、各清单推进情况" : "一、分类推进情况", table_lead(&p, &t, first, false));
    table_begin(&p, &t, first, false);
    for (int k = 0; k <= rep->ncats; k++) {
        const int *counts = k < rep->ncats ? rep->cats[k].counts : rep->counts;
        cells[0] = k < rep->ncats ? rep->cats[k].category : "合计";
        snprintf(nums[0], sizeof nums[0], "%d", k < rep->ncats ? rep->cats[k].total : rep->total);
        cells[1] = nums[0];
        for (int s = 0; s < LISTS_ST_COUNT; s++) {
            snprintf(nums[s + 1], sizeof nums[s + 1], "%d", counts[s]);
            cells[s + 2] = nums[s + 1];
        }
        table_row(&p, &t, cells, k == rep->ncats);
    }
    p.y += 6;
    snprintf(line, sizeof line, "二、本季度完成事项（%d 项）", rep->nfinished);
    pdf_items(&p, line, rep->finished, rep->nfinished, 0);
    snprintf(line, sizeof line, "三、逾期事项及原因（%d 项）", rep->noverdue);
    pdf_items(&p, line, rep->overdue, rep->noverdue, 1);
    snprintf(line, sizeof line, "四、下季度工作计划（到期 %d 项）", rep->nplanned);
    pdf_items(&p, line, rep->planned, rep->nplanned, 2);

    cairo_show_page(p.cr);
    g_object_unref(p.layout);
    for (int c = 0; c < 10; c++)
        g_object_unref(p.cells[c]);
    pango_font_description_free(p.body);
    pango_font_description_free(p.bold);
    pango_font_description_free(p.title);
    pango_font_description_free(p.small);
    cairo_destroy(p.cr);
    cairo_surface_finish(p.surface);
    cairo_status_t st = cairo_surface_status(p.surface);
    cairo_surface_destroy(p.surface);
    if (st != CAIRO_STATUS_SUCCESS) {
        dj_buf_free(&p.out);
        return NULL;
    }
    *len = p.out.len;
    return p.out.data;
}
