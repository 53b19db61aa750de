/* lists_csv.c - the Chinese column headers of a work-list import (the CSV
 * reader and the encodings are src/core/csv.c, shared with the roster). */
#include <string.h>
#include <strings.h>

#include "lists.h"

const char *const lists_col_labels[LC_NCOLS] = {
    "序号", "事项名称", "类别", "具体内容", "动作类型", "责任单位", "责任人", "协同单位",
    "协同责任人", "开始日期", "完成时限", "问题来源", "来源说明", "进度", "成效",
};

/* Headers seen in real spreadsheets, by column. */
static const char *const header_aliases[LC_NCOLS][8] = {
    [LC_SEQ] = {"序号", "编号", "seq", "no", NULL},
    [LC_TITLE] = {"事项名称", "事项", "标题", "名称", "工作措施", "问题", "任务", "title"},
    [LC_CATEGORY] = {"类别", "分类", "类型分类", "所属类别", "category", NULL},
    [LC_DESCRIPTION] = {"具体内容", "内容", "描述", "工作内容", "问题描述", "整改措施", "description", NULL},
    [LC_ACTION] = {"动作类型", "规定动作/自选动作", "动作", "action_type", NULL},
    [LC_ORG] = {"责任单位", "责任部门", "责任支部", "牵头单位", "org", NULL},
    [LC_OWNERS] = {"责任人", "牵头责任人", "负责人", "owners", NULL},
    [LC_CO_ORGS] = {"协同单位", "配合单位", "协办单位", "co_orgs", NULL},
    [LC_CO_PEOPLE] = {"协同责任人", "配合人", "协办人", "co_owners", NULL},
    [LC_START] = {"开始日期", "开始时间", "start_on", NULL},
    [LC_DUE] = {"完成时限", "截止日期", "完成时间", "整改时限", "due_on", NULL},
    [LC_SOURCE] = {"问题来源", "来源", "source", NULL},
    [LC_SOURCE_DETAIL] = {"来源说明", "来源详情", "source_detail", NULL},
    [LC_PROGRESS] = {"进度", "完成进度", "progress", NULL},
    [LC_OUTCOME] = {"成效", "完成情况", "备注", "outcome", NULL},
};

int lists_col_of_header(const char *h)
{
    if (!h)
        return -1;
    while (*h == ' ' || *h == '\t')
        h++;
    size_t n = strlen(h);
    while (n > 0 && (h[n - 1] == ' ' || h[n - 1] == '\t'))
        n--;
    /* a trailing "（必填）" or "*" marks required columns in templates */
    static const char *const marks[] = {"（必填）", "(必填)", "*", NULL};
    for (int k = 0; marks[k]; k++) {
        size_t m = strlen(marks[k]);
        if (n > m && memcmp(h + n - m, marks[k], m) == 0)
            n -= m;
    }
    for (int c = 0; c < LC_NCOLS; c++)
        for (int k = 0; k < 8 && header_aliases[c][k]; k++)
            if (strlen(header_aliases[c][k]) == n && strncasecmp(header_aliases[c][k], h, n) == 0)
                return c;
    return -1;
}
