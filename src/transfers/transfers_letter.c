/* transfers_letter.c - the 介绍信 as a PDF in the official layout (A4 portrait,
 * cairo and pango with Noto Sans CJK, as the dues sheet): for a letter out, the
 * 存根 kept by the committee, a cut line, the letter for the receiving
 * organisation and the 回执 it returns; for a letter in, the 回执 this agency
 * returns to the issuing organisation.  From tr_get()'s JSON and the agency's name. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/mem.h"
#include "transfers.h"

#define PAGE_W 595.276
#define PAGE_H 841.89
#define MARGIN 64.0

struct letter {
    cairo_t *cr;
    PangoLayout *layout;
    PangoFontDescription *body, *title, *sub, *small;
    double y;
    dj_buf out;
};

static cairo_status_t pdf_write(void *closure, const unsigned char *data, unsigned int len)
{
    dj_buf_append(closure, data, len);
    return CAIRO_STATUS_SUCCESS;
}

/* One paragraph at the current line; moves down by its height plus gap. */
static void para(struct letter *l, const PangoFontDescription *f, const char *s, PangoAlignment align, double indent,
                 double gap)
{
    double w = PAGE_W - 2 * MARGIN;
    pango_layout_set_font_description(l->layout, f);
    pango_layout_set_width(l->layout, (int)(w * PANGO_SCALE));
    pango_layout_set_alignment(l->layout, align);
    pango_layout_set_indent(l->layout, (int)(indent * PANGO_SCALE));
    pango_layout_set_text(l->layout, s ? s : "", -1);
    int lw, lh;
    pango_layout_get_size(l->layout, &lw, &lh);
    cairo_move_to(l->cr, MARGIN, l->y);
    pango_cairo_show_layout(l->cr, l->layout);
    l->y += (double)lh / PANGO_SCALE + gap;
}

static void tear(struct letter *l)
{
    l->y += 6;
    cairo_set_source_rgb(l->cr, 0.45, 0.45, 0.45);
    para(l, l->small, "……………………………………（ 此 处 裁 开 ）……………………………………", PANGO_ALIGN_CENTER, 0, 10);
    cairo_set_source_rgb(l->cr, 0, 0, 0);
}

static const char *day_cn(const json_t *t, const char *key, char buf[24])
{
    tr_day d;
    if (tr_day_parse(dj_jstr(t, key, NULL), &d) != DJ_OK)
        return "　　年　　月　　日";
    tr_day_cn(d, buf);
    return buf;
}

/* "2027-03" as 2027年3月 */
static const char *month_cn(const char *m, char buf[24])
{
    if (!m || strlen(m) < 7)
        return "";
    snprintf(buf, 24, "%.4s年%d月", m, atoi(m + 5));
    return buf;
}

static void out_letter(struct letter *l, const json_t *t, const char *agency)
{
    char line[600], d1[24], d2[24], mo[24], from[300];
    const char *name = dj_jstr(t, "person_name", ""), *to = dj_jstr(t, "outside_org", ""),
               *status = dj_jstr(t, "status_label", ""), *no = dj_jstr(t, "letter_no", ""),
               *branch = dj_jstr(t, "from_org_name", "");
    const char *g = dj_jstr(t, "gender", "");
    snprintf(from, sizeof from, "%s%s", agency, strstr(agency, branch) ? "" : branch);
    /* 存根 */
    para(l, l->sub, "中国共产党党员组织关系介绍信（存根）", PANGO_ALIGN_CENTER, 0, 4);
    para(l, l->body, no, PANGO_ALIGN_RIGHT, 0, 6);
    snprintf(line, sizeof line, "%s 同志系中共%s，组织关系由 %s 转到 %s。", name, status, from, to);
    para(l, l->body, line, PANGO_ALIGN_LEFT, 24, 4);
    if (dj_jstr(t, "dues_paid_until", NULL)) {
        snprintf(line, sizeof line, "党费已交到 %s。", month_cn(dj_jstr(t, "dues_paid_until", NULL), mo));
        para(l, l->body, line, PANGO_ALIGN_LEFT, 24, 4);
    }
    snprintf(line, sizeof line, "（有效期至%s）", day_cn(t, "valid_until", d1));
    para(l, l->body, line, PANGO_ALIGN_RIGHT, 0, 2);
    para(l, l->body, day_cn(t, "issued_on", d2), PANGO_ALIGN_RIGHT, 0, 4);
    tear(l);
    /* the letter */
    para(l, l->title, "中国共产党党员组织关系介绍信", PANGO_ALIGN_CENTER, 0, 4);
    para(l, l->body, no, PANGO_ALIGN_RIGHT, 0, 8);
    snprintf(line, sizeof line, "%s：", to);
    para(l, l->body, line, PANGO_ALIGN_LEFT, 0, 4);
    snprintf(line, sizeof line, "%s同志%s系中共%s，由%s前往%s，请转接组织关系。", name,
             !strcmp(g, "male") ? "（男）" : !strcmp(g, "female") ? "（女）" : "", status, from, to);
    para(l, l->body, line, PANGO_ALIGN_LEFT, 24, 4);
    if (dj_jstr(t, "dues_paid_until", NULL)) {
        snprintf(line, sizeof line, "党费已交到 %s。", mo);
        para(l, l->body, line, PANGO_ALIGN_LEFT, 24, 4);
    }
    snprintf(line, sizeof line, "（有效期至%s）", d1);
    para(l, l->body, line, PANGO_ALIGN_LEFT, 24, 16);
    snprintf(line, sizeof line, "%s（盖章）", agency);
    para(l, l->body, line, PANGO_ALIGN_RIGHT, 0, 2);
    para(l, l->body, d2, PANGO_ALIGN_RIGHT, 0, 4);
    tear(l);
    /* the 回执 */
    para(l, l->sub, "中国共产党党员组织关系介绍信回执", PANGO_ALIGN_CENTER, 0, 4);
    para(l, l->body, no, PANGO_ALIGN_RIGHT, 0, 8);
    snprintf(line, sizeof line, "%s：", agency);
    para(l, l->body, line, PANGO_ALIGN_LEFT, 0, 4);
    snprintf(line, sizeof line, "%s 同志的党员组织关系已转达我处，特此回复。", name);
    para(l, l->body, line, PANGO_ALIGN_LEFT, 24, 16);
    para(l, l->body, "（盖章）", PANGO_ALIGN_RIGHT, 0, 2);
    para(l, l->body, "　　年　　月　　日", PANGO_ALIGN_RIGHT, 0, 4);
}

static void in_receipt(struct letter *l, const json_t *t, const char *agency)
{
    char line[600], d[24];
    para(l, l->title, "中国共产党党员组织关系介绍信回执", PANGO_ALIGN_CENTER, 0, 4);
    para(l, l->body, dj_jstr(t, "receipt_no", ""), PANGO_ALIGN_RIGHT, 0, 8);
    snprintf(line, sizeof line, "%s：", dj_jstr(t, "outside_org", ""));
    para(l, l->body, line, PANGO_ALIGN_LEFT, 0, 4);
    snprintf(line, sizeof line, "%s 同志的党员组织关系已转达我处，特此回复。（介绍信编号：%s）",
             dj_jstr(t, "person_name", ""), dj_jstr(t, "letter_no", ""));
    para(l, l->body, line, PANGO_ALIGN_LEFT, 24, 16);
    snprintf(line, sizeof line, "%s（盖章）", agency);
    para(l, l->body, line, PANGO_ALIGN_RIGHT, 0, 2);
    para(l, l->body, day_cn(t, "receipt_on", d), PANGO_ALIGN_RIGHT, 0, 4);
}

void *tr_letter_pdf(const json_t *t, const char *agency, size_t *len)
{
    struct letter l = {0};
    cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(pdf_write, &l.out, PAGE_W, PAGE_H);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return NULL;
    }
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "中国共产党党员组织关系介绍信");
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "dangjian 智慧云党建");
    l.cr = cairo_create(surface);
    l.layout = pango_cairo_create_layout(l.cr);
    pango_layout_set_wrap(l.layout, PANGO_WRAP_WORD_CHAR);
    l.body = pango_font_description_from_string("Noto Serif CJK SC, Noto Sans CJK SC 11");
    l.title = pango_font_description_from_string("Noto Sans CJK SC Bold 16");
    l.sub = pango_font_description_from_string("Noto Sans CJK SC Bold 13");
    l.small = pango_font_description_from_string("Noto Sans CJK SC 8");
    l.y = 56;
    cairo_set_source_rgb(l.cr, 0, 0, 0);
    if (!strcmp(dj_jstr(t, "kind", ""), "in"))
        in_receipt(&l, t, agency ? agency : "");
    else
        out_letter(&l, t, agency ? agency : "");
    cairo_show_page(l.cr);
    g_object_unref(l.layout);
    pango_font_description_free(l.body);
    pango_font_description_free(l.title);
    pango_font_description_free(l.sub);
    pango_font_description_free(l.small);
    cairo_destroy(l.cr);
    cairo_surface_finish(surface);
    cairo_status_t st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (st != CAIRO_STATUS_SUCCESS) {
        dj_buf_free(&l.out);
        return NULL;
    }
    *len = l.out.len;
    return l.out.data;
}
