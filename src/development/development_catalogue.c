/* development_catalogue.c - the 25 steps of 《中国共产党发展党员工作细则》 in five
 * stages (and step 0, 终止): their names, the rule each form shows, who records
 * them, the decisions they take; the Chinese labels of stages, decisions and
 * statuses.  Data and lookups only. */
#include <stddef.h>
#include <string.h>

#include "development.h"

static const char *const d_pass[] = {"passed", "failed", NULL};
static const char *const d_approve[] = {"approved", "rejected", NULL};
static const char *const d_full[] = {"full", "extend", "cancel", "failed", NULL};

#define C DEV_F_COMMITTEE
#define R DEV_F_REPEAT
#define V DEV_F_VOTE
#define M DEV_F_MENTOR
#define P DEV_F_PEOPLE
static const struct dev_step_def steps[DEV_NSTEPS + 1] = {
    {0, 0, "stop", "终止发展", "申请人撤回申请，或经党组织研究不再列为培养对象的，终止其发展档案并说明原因。", 0, NULL},
    {1, 1, "apply", "递交入党申请书", "年满18周岁方可递交入党申请书（以递交之日计算）。", 0, NULL},
    {2, 1, "talk", "党组织派人谈话", "党组织收到入党申请书后，应当在一个月内派人同入党申请人谈话。", 0, NULL},
    {3, 2, "activist", "推荐和确定入党积极分子",
     "经党员推荐、群团组织推优，由支部委员会（未设支部委员会的由支部党员大会）研究确定为入党积极分子。", 0, NULL},
    {4, 2, "activist_filed", "报上级党委备案", "确定入党积极分子后报上级党委备案。", 0, NULL},
    {5, 2, "contacts", "指定培养联系人", "指定一至两名正式党员作为培养联系人。", P, NULL},
    {6, 2, "assessment", "培养教育考察", "党支部和培养联系人每半年对入党积极分子进行一次考察，形成书面考察意见。",
     R | M, NULL},
    {7, 3, "candidate", "确定发展对象",
     "经过一年以上培养教育和考察（自确定为入党积极分子之日起满一年方可确定），支部委员会讨论同意；确定前公示。", 0,
     NULL},
    {8, 3, "candidate_filed", "报上级党委备案", "确定发展对象后报上级党委备案。", 0, NULL},
    {9, 3, "sponsors", "确定入党介绍人", "由两名正式党员作入党介绍人，并声明与发展对象无亲属关系。", P, NULL},
    {10, 3, "review", "进行政治审查", "对发展对象进行政治审查，形成结论性材料；政审合格方可继续。", 0, d_pass},
    {11, 3, "training", "开展集中培训",
     "集中培训时间一般不少于3天或24学时，一年内有效；参加组织生活的学习学时计入。", R, NULL},
    {12, 4, "committee_review", "支部委员会审查",
     "须已报上级党委备案、确定入党介绍人、政审合格，且近一年集中培训不少于3天或24学时。", 0, NULL},
    {13, 4, "pre_review", "上级党委预审", "上级党委对发展对象进行预审；预审前公示。由上级党委办理。", C, d_approve},
    {14, 4, "form", "填写入党志愿书", "预审合格后，发展对象填写入党志愿书。", 0, NULL},
    {15, 4, "admission_vote", "支部大会讨论",
     "支部党员大会讨论接收预备党员：到会有表决权的正式党员超过应到人数的一半，赞成票超过应到会有表决权的正式党员的一半方为通过。",
     V, d_pass},
    {16, 4, "committee_talk", "上级党委派人谈话", "上级党委审批前，派党委委员或组织员同发展对象谈话。由上级党委办理。", C,
     NULL},
    {17, 4, "approval", "上级党委审批",
     "上级党委自支部大会通过决议之日起三个月内审批（满两个月提醒，超过三个月为逾期）；只能由上级党委审批，支部不得代替。", C,
     d_approve},
    {18, 4, "approval_filed", "再上一级党委组织部门备案", "审批后报再上一级党委组织部门备案。", 0, NULL},
    {19, 5, "grouped", "编入党支部和党小组", "预备党员编入党支部和党小组。", 0, NULL},
    {20, 5, "oath", "入党宣誓", "组织预备党员面向党旗进行入党宣誓。", 0, NULL},
    {21, 5, "probation_assessment", "继续教育考察", "对预备党员继续教育考察，每半年考察一次。", R | M, NULL},
    {22, 5, "full_application", "提出转正申请", "预备期满前一个月起，预备党员主动提出书面转正申请。", 0, NULL},
    {23, 5, "full_vote", "支部大会讨论",
     "预备期（自支部大会通过之日起一年）满后，支部党员大会讨论其转正：按期转正、延长预备期（只能一次，6至12个月）或取消预备党员资格；讨论前公示。",
     V, d_full},
    {24, 5, "full_approval", "上级党委审批",
     "上级党委自支部大会决议之日起三个月内审批；只能由上级党委审批，支部不得代替。", C, d_approve},
    {25, 5, "archived", "材料归档", "入党材料归入本人人事档案。", 0, NULL},
};
#undef C
#undef R
#undef V
#undef M
#undef P

const struct dev_step_def *dev_step_def(int no)
{
    return no >= 0 && no <= DEV_NSTEPS ? &steps[no] : NULL;
}

const struct dev_step_def *dev_step_by_code(const char *code)
{
    for (int i = 0; code && i <= DEV_NSTEPS; i++)
        if (strcmp(steps[i].code, code) == 0)
            return &steps[i];
    return NULL;
}

const char *dev_stage_name(int stage)
{
    static const char *const names[] = {"",
                                        "申请入党",
                                        "入党积极分子的确定和培养教育",
                                        "发展对象的确定和考察",
                                        "预备党员的接收",
                                        "预备党员的教育考察和转正",
                                        "已转正"};
    return stage >= 1 && stage <= DEV_STAGE_DONE ? names[stage] : "已终止";
}

int dev_stage_first(int stage)
{
    static const int first[] = {1, 1, 3, 7, 12, 19, 25};
    return stage >= 1 && stage <= DEV_STAGE_DONE ? first[stage] : 1;
}

const char *dev_decision_label(const char *decision)
{
    static const struct {
        const char *code, *label;
    } labels[] = {{"passed", "通过"},           {"failed", "未通过"},        {"approved", "同意"},
                  {"rejected", "不同意"},       {"full", "按期转正"},        {"extend", "延长预备期"},
                  {"cancel", "取消预备党员资格"}, {"withdrawn", "本人撤回申请"}, {"disqualified", "不再列为培养对象"},
                  {"cancelled", "取消预备党员资格"}};
    for (size_t i = 0; decision && i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(labels[i].code, decision) == 0)
            return labels[i].label;
    return decision ? decision : "";
}

const char *dev_status_label(const char *status)
{
    static const struct {
        const char *code, *label;
    } labels[] = {{"applicant", "入党申请人"}, {"activist", "入党积极分子"}, {"candidate", "发展对象"},
                  {"probationary", "预备党员"}, {"full", "正式党员"},      {"none", "群众"}};
    for (size_t i = 0; status && i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(labels[i].code, status) == 0)
            return labels[i].label;
    return "";
}
