/* transfers.c - the rules of 组织关系转接 as functions of plain data: days and
 * months, states and what each allows, a 介绍信's validity (at most 3 months),
 * its flags (expired, 回执 overdue), renewal once, the 回执's date, dues owed
 * before the transfer month, 流动党员's quarterly contact and lost contact, and a
 * branch's figures from the membership history. */
#include "transfers.h"

#include <stdio.h>
#include <string.h>

#include "../core/err.h"
#include "../core/timeutil.h"

int tr_day_parse(const char *s, tr_day *out)
{
    int y, m, d;
    if (!s || dj_date_parse(s, &y, &m, &d) != DJ_OK)
        return DJ_EINVAL;
    *out = dj_days_from_civil(y, m, d);
    return DJ_OK;
}

void tr_day_format(tr_day d, char out[11])
{
    int y, m, dd;
    dj_civil_from_days(d, &y, &m, &dd);
    snprintf(out, 11, "%04d-%02d-%02d", (y % 10000 + 10000) % 10000, (m % 13 + 13) % 13, (dd % 32 + 32) % 32);
}

void tr_day_cn(tr_day d, char out[24])
{
    int y, m, dd;
    dj_civil_from_days(d, &y, &m, &dd);
    snprintf(out, 24, "%d年%d月%d日", y % 10000, m, dd);
}

tr_day tr_today(void)
{
    int y, m, d;
    dj_local_date(dj_now(), &y, &m, &d);
    return dj_days_from_civil(y, m, d);
}

tr_day tr_add_months(tr_day d, int n)
{
    int y, m, dd;
    dj_civil_from_days(d, &y, &m, &dd);
    int total = y * 12 + (m - 1) + n;
    y = total / 12;
    m = total % 12 + 1;
    int last = dj_days_in_month(y, m);
    return dj_days_from_civil(y, m, dd > last ? last : dd);
}

const char *const tr_kinds[] = {"internal", "out", "in", NULL};
const char *const tr_states[] = {"draft", "issued", "registered", "reported", "done", "withdrawn", NULL};

const char *tr_kind_label(const char *kind)
{
    static const char *const labels[] = {"机关内部转接", "转出", "转入"};
    for (int i = 0; tr_kinds[i]; i++)
        if (kind && strcmp(kind, tr_kinds[i]) == 0)
            return labels[i];
    return "";
}

const char *tr_state_label(const char *kind, const char *state)
{
    static const char *const labels[] = {"草稿", "已开具", "已登记", "已报到", "完成", "已撤回"};
    if (kind && state && strcmp(kind, "in") == 0 && strcmp(state, "done") == 0)
        return "已接收";
    if (kind && state && strcmp(kind, "out") == 0 && strcmp(state, "done") == 0)
        return "已回执";
    for (int i = 0; tr_states[i]; i++)
        if (state && strcmp(state, tr_states[i]) == 0)
            return labels[i];
    return "";
}

const char *tr_action_refused(const char *kind, const char *state, enum tr_action a)
{
    bool out = strcmp(kind, "out") == 0, in = strcmp(kind, "in") == 0;
    bool closed = !strcmp(state, "done") || !strcmp(state, "withdrawn");
    if (closed)
        return !strcmp(state, "done") ? "该转接已完成，不能再办理" : "该转接已撤回，不能再办理";
    switch (a) {
    case TR_ISSUE:
        if (!out)
            return "只有转出的介绍信需要开具";
        return strcmp(state, "draft") ? "介绍信已开具，不能重复开具" : NULL;
    case TR_REPORT:
    case TR_RECEIPT:
        if (!out)
            return "只有转出的介绍信有回执";
        return strcmp(state, "draft") == 0 ? "介绍信尚未开具" : NULL;
    case TR_RENEW:
        if (!out)
            return "只有转出的介绍信可以续开";
        return strcmp(state, "issued") ? "只有已开具、尚未报到的介绍信可以续开" : NULL;
    case TR_WITHDRAW:
        return in ? "转入的介绍信不能撤回；如不予接收，请退回开具单位" : strcmp(kind, "internal") == 0 ? "机关内部转接已完成" : NULL;
    case TR_PLACE:
        if (!in)
            return "只有转入的介绍信需要安排支部";
        return NULL;
    }
    return "不能办理";
}

const char *tr_validity_refused(tr_day issued, tr_day until, int months)
{
    if (until < issued)
        return "有效期不能早于开具日期";
    if (until > tr_add_months(issued, months))
        return months == 3 ? "介绍信有效期最长三个月" : "介绍信有效期超过了规定的最长期限";
    return NULL;
}

void tr_number(const char *series, int year, int64_t n, char out[64])
{
    snprintf(out, 64, "%s字〔%d〕第%03lld号", strcmp(series, "receipt") == 0 ? "回" : "介", year % 10000,
             (long long)(n % 1000000));
}

void tr_flags_of(const char *state, tr_day issued, tr_day until, tr_day reported, tr_day today, int months,
                 struct tr_flags *out)
{
    memset(out, 0, sizeof *out);
    bool open = state && (!strcmp(state, "issued") || !strcmp(state, "reported"));
    if (!open || issued < 0 || until < 0)
        return;
    out->days_left = until - today;
    out->expired = reported < 0 && today > until;
    out->receipt_overdue = today > tr_add_months(issued, months);
}

const char *tr_renew_refused(const char *state, bool renewed_before, tr_day until, tr_day new_until, tr_day today,
                             int months)
{
    if (strcmp(state, "issued") != 0)
        return "只有已开具、尚未报到的介绍信可以续开";
    if (renewed_before)
        return "介绍信只能续开一次；请撤回后重新开具";
    if (today <= until)
        return "介绍信尚在有效期内，过期后才需续开";
    if (new_until <= today)
        return "新的有效期须晚于今天";
    if (new_until > tr_add_months(today, months))
        return "续开的有效期最长三个月";
    return NULL;
}

const char *tr_receipt_refused(tr_day issued, tr_day until, tr_day reported, tr_day today)
{
    if (reported > today)
        return "报到日期不能晚于今天";
    if (reported < issued)
        return "报到日期不能早于介绍信开具日期";
    if (reported > until)
        return "报到日期已超过介绍信有效期；请先续开介绍信，或撤回后重新开具";
    return NULL;
}

int tr_dues_owed(const int *months, const char *const *states, size_t n, int before, int *first)
{
    int owed = 0;
    *first = -1;
    for (size_t i = 0; i < n; i++) {
        if (months[i] >= before)
            continue;
        /* no base yet is the branch's gap to fill, not the member's arrears */
        bool due = !strcmp(states[i], "unpaid") || !strcmp(states[i], "short");
        if (!due)
            continue;
        if (*first < 0 || months[i] < *first)
            *first = months[i];
        owed++;
    }
    return owed;
}

int tr_dues_first_month(int placed_month, int paid_until_month)
{
    if (paid_until_month >= 0 && paid_until_month + 1 > placed_month)
        return paid_until_month + 1;
    return placed_month;
}

tr_day tr_quarter_start(tr_day d)
{
    int y, m, dd;
    dj_civil_from_days(d, &y, &m, &dd);
    return dj_days_from_civil(y, (m - 1) / 3 * 3 + 1, 1);
}

tr_day tr_quarter_end(tr_day d) { return tr_add_months(tr_quarter_start(d), 3) - 1; }

bool tr_flow_contact_due(tr_day last_contact, tr_day today)
{
    return last_contact < tr_quarter_start(today);
}

bool tr_flow_lost(tr_day last_contact, tr_day since, tr_day today, int months)
{
    tr_day last = last_contact >= 0 ? last_contact : since;
    return last >= 0 && today > tr_add_months(last, months);
}

/* Is the person a party member of the subtree after the records up to day d? */
static bool member_at(const struct tr_hist *h, size_t n, tr_day d)
{
    int branch = -1, member = -1;
    for (size_t i = 0; i < n && h[i].day <= d; i++) {
        if (h[i].branch)
            branch = h[i].in_scope;
        else
            member = h[i].member;
    }
    return branch == 1 && member == 1;
}

void tr_figures(const struct tr_hist *h, size_t n, tr_day from, tr_day to, struct tr_figures *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && h[j].person_id == h[i].person_id)
            j++;
        const struct tr_hist *p = h + i;
        size_t pn = j - i;
        bool was = member_at(p, pn, from - 1);
        out->start += was;
        /* walk the days of change inside the period */
        for (size_t k = 0; k < pn; k++) {
            if (p[k].day < from || p[k].day > to || (k + 1 < pn && p[k + 1].day == p[k].day))
                continue;
            bool is = member_at(p, pn, p[k].day);
            out->arrived += !was && is;
            out->left += was && !is;
            was = is;
        }
        out->end += member_at(p, pn, to);
        i = j;
    }
}
