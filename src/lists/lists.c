/* lists.c - the rules of work lists as pure functions: an item's status and
 * which changes of state are allowed, quarters, and the quarterly report's
 * figures.  No SQL and no HTTP here; everything is tested in
 * tests/unit/test_lists.c. */
#include "lists.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/json.h"
#include "../core/mem.h"
#include "../core/timeutil.h"

const char *const lists_kinds[] = {"model_organ", "rectification", "concerns", "responsibility", "custom", NULL};
const char *const lists_states[] = {"not_started", "in_progress", "done", "cancelled", NULL};
const char *const lists_statuses[] = {"not_started", "in_progress", "done", "overdue", "cancelled", NULL};
const char *const lists_status_names[] = {"未开始", "进行中", "已完成", "已逾期", "已取消", NULL};
const char *const lists_sources[] = {"inspection", "higher_feedback", "special_campaign", "self_check", NULL};
const char *const lists_five_types[] = {"政治型", "学习型", "效能型", "担当型", "纪律型", NULL};
const char *const lists_concern_kinds[] = {"操心事", "烦心事", "揪心事", NULL};

lists_day lists_day_parse(const char *s)
{
    int y, m, d;
    if (!s || !*s)
        return -1;
    if (dj_date_parse(s, &y, &m, &d) != DJ_OK)
        return -2;
    return dj_days_from_civil(y, m, d);
}

lists_day lists_day_of(int64_t t)
{
    int y, m, d;
    dj_local_date(t, &y, &m, &d);
    return dj_days_from_civil(y, m, d);
}

void lists_day_format(lists_day day, char out[11])
{
    int y, m, d;
    dj_civil_from_days(day, &y, &m, &d);
    if (y < 0 || y > 9999)
        y = 0;
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
}

/* Reads 1..max digits; returns the number or -1. */
static int read_num(const char **p, int max)
{
    int v = 0, n = 0;
    while (n < max && **p >= '0' && **p <= '9') {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n ? v : -1;
}

lists_day lists_day_parse_loose(const char *s)
{
    if (!s)
        return -2;
    while (*s == ' ' || *s == '\t')
        s++;
    const char *p = s;
    int y = read_num(&p, 4);
    if (y < 1900 || p - s != 4)
        return -2;
    static const char *const seps1[] = {"-", "/", ".", "年", NULL};
    static const char *const seps2[] = {"-", "/", ".", "月", NULL};
    int which = -1;
    for (int i = 0; seps1[i]; i++)
        if (strncmp(p, seps1[i], strlen(seps1[i])) == 0) {
            which = i;
            p += strlen(seps1[i]);
            break;
        }
    if (which < 0)
        return -2;
    int m = read_num(&p, 2);
    if (strncmp(p, seps2[which], strlen(seps2[which])) != 0)
        return -2;
    p += strlen(seps2[which]);
    int d = read_num(&p, 2);
    if (which == 3 && strncmp(p, "日", strlen("日")) == 0)
        p += strlen("日");
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p || m < 1 || m > 12 || d < 1 || d > dj_days_in_month(y, m))
        return -2;
    return dj_days_from_civil(y, m, d);
}

static int index_of(const char *const *names, const char *s)
{
    for (int i = 0; s && names[i]; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

int lists_state_parse(const char *s) { return index_of(lists_states, s); }
int lists_status_parse(const char *s) { return index_of(lists_statuses, s); }

enum lists_status lists_item_status(const struct lists_item_facts *f, lists_day today)
{
    if (f->state == LISTS_CANCELLED)
        return LISTS_ST_CANCELLED;
    if (f->state == LISTS_DONE)
        return LISTS_ST_DONE;
    bool reported_in_time = f->submitted >= 0 && (f->due < 0 || f->submitted <= f->due);
    if (f->due >= 0 && today > f->due && !reported_in_time)
        return LISTS_ST_OVERDUE;
    if (f->state == LISTS_IN_PROGRESS || f->progress > 0 || f->submitted >= 0)
        return LISTS_ST_IN_PROGRESS;
    return LISTS_ST_NOT_STARTED;
}

int64_t lists_days_left(lists_day due, lists_day today)
{
    return due - today;
}

int lists_transition_check(enum lists_state from, const char *to, const char *reason, bool submitted,
                           const char **why)
{
    (void)submitted;
    if (from == LISTS_DONE || from == LISTS_CANCELLED) {
        *why = from == LISTS_DONE ? "该事项已销号，不能再修改状态" : "该事项已取消，不能再修改状态";
        return DJ_ECONFLICT;
    }
    if (!to || strcmp(to, "not_started") == 0 || strcmp(to, "in_progress") == 0)
        return DJ_OK;
    if (strcmp(to, "done") == 0) {
        *why = "完成须经机关党委销号：请责任人报告完成后由机关党委审核销号";
        return DJ_EUNPROCESSABLE;
    }
    if (strcmp(to, "overdue") == 0) {
        *why = "“已逾期”由截止日期自动判定，不能手工设置";
        return DJ_EINVAL;
    }
    if (strcmp(to, "cancelled") == 0) {
        if (!reason || dj_str_blank(reason)) {
            *why = "取消事项须填写取消原因";
            return DJ_EINVAL;
        }
        return DJ_OK;
    }
    *why = "状态只能改为未开始、进行中或已取消";
    return DJ_EINVAL;
}

int lists_verify_check(enum lists_state state, bool submitted, const char **why)
{
    if (state == LISTS_DONE) {
        *why = "该事项已经销号";
        return DJ_ECONFLICT;
    }
    if (state == LISTS_CANCELLED) {
        *why = "该事项已取消，不能销号";
        return DJ_ECONFLICT;
    }
    if (!submitted) {
        *why = "责任人尚未报告完成（进度100%），不能销号";
        return DJ_EUNPROCESSABLE;
    }
    return DJ_OK;
}

int lists_quarter_parse(const char *s, int *year, int *q)
{
    if (!s || strlen(s) != 7 || s[4] != '-' || (s[5] != 'Q' && s[5] != 'q') || s[6] < '1' || s[6] > '4')
        return DJ_EINVAL;
    for (int i = 0; i < 4; i++)
        if (s[i] < '0' || s[i] > '9')
            return DJ_EINVAL;
    *year = atoi(s);
    *q = s[6] - '0';
    return *year >= 1949 ? DJ_OK : DJ_EINVAL;
}

void lists_quarter_bounds(int year, int q, lists_day *first, lists_day *last)
{
    int m0 = (q - 1) * 3 + 1, m2 = m0 + 2;
    *first = dj_days_from_civil(year, m0, 1);
    *last = dj_days_from_civil(year, m2, dj_days_in_month(year, m2));
}

void lists_quarter_of(lists_day day, int *year, int *q)
{
    int y, m, d;
    dj_civil_from_days(day, &y, &m, &d);
    *year = y;
    *q = (m - 1) / 3 + 1;
}

/* ---------------------------------------------------------------- the report */

/* qsort_r (GNU) comparators; ctx is the items array. */
static int by_due(const void *a, const void *b, void *ctx)
{
    const struct lists_ritem *items = ctx;
    const struct lists_ritem *x = &items[*(const int *)a], *y = &items[*(const int *)b];
    if (x->f.due != y->f.due)
        return x->f.due < y->f.due ? -1 : 1;
    if (x->list_id != y->list_id)
        return x->list_id < y->list_id ? -1 : 1;
    return x->seq - y->seq;
}

static int by_verified(const void *a, const void *b, void *ctx)
{
    const struct lists_ritem *items = ctx;
    const struct lists_ritem *x = &items[*(const int *)a], *y = &items[*(const int *)b];
    if (x->verified != y->verified)
        return x->verified < y->verified ? -1 : 1;
    if (x->list_id != y->list_id)
        return x->list_id < y->list_id ? -1 : 1;
    return x->seq - y->seq;
}

static void sort_indexes(int *idx, int n, const struct lists_ritem *items,
                         int (*cmp)(const void *, const void *, void *))
{
    qsort_r(idx, (size_t)n, sizeof *idx, cmp, (void *)items);
}

void lists_report_compute(struct lists_report *rep, const struct lists_ritem *items, int n, int year, int q,
                          lists_day today)
{
    memset(rep, 0, sizeof *rep);
    rep->year = year;
    rep->quarter = q;
    lists_quarter_bounds(year, q, &rep->first, &rep->last);
    rep->asof = today < rep->last ? today : rep->last;
    int ny = q == 4 ? year + 1 : year, nq = q == 4 ? 1 : q + 1;
    lists_day nfirst, nlast;
    lists_quarter_bounds(ny, nq, &nfirst, &nlast);

    rep->cats = dj_calloc((size_t)n + 1, sizeof *rep->cats);
    rep->finished = dj_calloc((size_t)n + 1, sizeof(int));
    rep->overdue = dj_calloc((size_t)n + 1, sizeof(int));
    rep->planned = dj_calloc((size_t)n + 1, sizeof(int));
    rep->status = dj_calloc((size_t)n + 1, sizeof *rep->status);
    int lastcat = -1;
    for (int i = 0; i < n; i++) {
        const struct lists_ritem *it = &items[i];
        rep->status[i] = LISTS_ST_COUNT; /* not counted */
        if (it->created >= 0 && it->created > rep->asof)
            continue;
        /* the facts as they stood on asof */
        struct lists_item_facts f = it->f;
        if ((f.state == LISTS_DONE && (it->verified < 0 || it->verified > rep->asof)) ||
            (f.state == LISTS_CANCELLED && (it->cancelled < 0 || it->cancelled > rep->asof)))
            f.state = f.progress > 0 ? LISTS_IN_PROGRESS : LISTS_NOT_STARTED;
        if (f.submitted > rep->asof)
            f.submitted = -1;
        enum lists_status st = lists_item_status(&f, rep->asof);
        rep->status[i] = st;
        /* categories: items arrive grouped, but tolerate any order */
        int ci = -1;
        const char *group = it->group ? it->group : it->category;
        if (lastcat >= 0 && strcmp(rep->cats[lastcat].category, group) == 0)
            ci = lastcat;
        for (int k = 0; ci < 0 && k < rep->ncats; k++)
            if (strcmp(rep->cats[k].category, group) == 0)
                ci = k;
        if (ci < 0) {
            ci = rep->ncats++;
            rep->cats[ci].category = group;
        }
        lastcat = ci;
        rep->cats[ci].counts[st]++;
        rep->cats[ci].total++;
        rep->counts[st]++;
        rep->total++;
        if (st == LISTS_ST_DONE && it->verified >= rep->first && it->verified <= rep->last)
            rep->finished[rep->nfinished++] = i;
        if (st == LISTS_ST_OVERDUE)
            rep->overdue[rep->noverdue++] = i;
        if (st != LISTS_ST_DONE && st != LISTS_ST_CANCELLED && it->f.due >= nfirst && it->f.due <= nlast)
            rep->planned[rep->nplanned++] = i;
    }
    sort_indexes(rep->finished, rep->nfinished, items, by_verified);
    sort_indexes(rep->overdue, rep->noverdue, items, by_due);
    sort_indexes(rep->planned, rep->nplanned, items, by_due);
}

void lists_report_free(struct lists_report *rep)
{
    free(rep->cats);
    free(rep->finished);
    free(rep->overdue);
    free(rep->planned);
    free(rep->status);
    memset(rep, 0, sizeof *rep);
}
