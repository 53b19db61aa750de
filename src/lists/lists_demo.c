/* lists_demo.c - the demo agency's work lists: the 模范机关创建工作清单 (37
 * measures across the 五型), the 三心事 list (1+13: 78 items in 13
 * categories), a 整改清单 from two 点穴式专项检查 and two other sources, and
 * both responsibility lists.  The texts are fictional.  Branches and people
 * are read from the database (whatever the orgs and people demo made), and
 * the dates are spread over the current year around today, so the demo always
 * has items done, in progress, awaiting 销号 and overdue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/timeutil.h"
#include "lists.h"
#include "lists_api.h"

/* ---------------------------------------------------------------- texts */

/* 模范机关: 8 + 8 + 8 + 7 + 6 = 37 measures; 'c' marks a 自选动作 */
static const struct {
    int type; /* index into lists_five_types */
    const char *title;
    char chosen;
} model_measures[] = {
    {0, "落实“第一议题”制度，党委会第一时间传达学习习近平总书记重要讲话精神", 0},
    {0, "制定机关党委落实全面从严治党主体责任清单并逐项对账", 0},
    {0, "开展“两个维护”专题教育，各支部书记讲专题党课", 0},
    {0, "严格执行重大事项请示报告制度，建立请示报告台账", 0},
    {0, "规范党内政治生活，高质量召开专题组织生活会", 0},
    {0, "开展政治机关意识教育“三个表率”主题实践活动", 'c'},
    {0, "组织党员重温入党誓词、过“政治生日”", 'c'},
    {0, "建立健全意识形态工作责任制，每半年专题研究一次", 0},
    {1, "理论学习中心组全年开展专题学习不少于12次", 0},
    {1, "用好“学习强国”平台，党员年度学习积分排名通报", 0},
    {1, "开展“党建+微分享”，每名党员每年至少分享一次", 'c'},
    {1, "举办青年干部读书班，组织读书分享会", 'c'},
    {1, "落实党员年度集中学习不少于32学时", 0},
    {1, "建设机关“红色书屋”，更新政治理论书目", 'c'},
    {1, "组织赴革命教育基地开展现场教学", 0},
    {1, "开展政策法规知识竞赛，以考促学", 'c'},
    {2, "梳理办文办会办事流程，编制工作规范手册", 0},
    {2, "推行公文“限时办结”制度，压缩办文时限", 0},
    {2, "建设“智慧云党建”平台，实现党务工作线上办理", 'c'},
    {2, "开展“马上就办、办就办好”效能提升行动", 0},
    {2, "优化政务信息报送机制，提高信息采用率", 0},
    {2, "完善督查督办系统，重点工作按月通报", 0},
    {2, "推进会议精简，控制会议数量和时长", 0},
    {2, "开展窗口服务“好差评”，整改群众差评事项", 'c'},
    {3, "组建党员先锋队深入企业开展“暖企”行动", 'c'},
    {3, "支部下基层，每个支部联系一个村（社区）", 0},
    {3, "在重大项目工地设立“红色工地”党员示范岗", 'c'},
    {3, "党员领办“三心事”民生实事，限时办结", 0},
    {3, "开展“我为群众办实事”实践活动并建立台账", 0},
    {3, "在防汛防台、应急值守中设立党员责任区", 0},
    {3, "开展机关党员进社区“双报到”志愿服务", 0},
    {4, "落实纪委监督责任清单，开展季度监督检查", 0},
    {4, "组织警示教育大会，观看警示教育片", 0},
    {4, "开展廉政谈话，实现科级以上干部全覆盖", 0},
    {4, "整治“四风”突出问题，开展节日期间明察暗访", 0},
    {4, "与派驻纪检监察组召开座谈会，通报廉政风险", 0},
    {4, "排查岗位廉政风险点，完善防控措施", 'c'},
};

/* 三心事 (1+13): 13 categories, 6 items each; the kind cycles 操心事, 烦心事, 揪心事 */
static const char *const concern_cats[13] = {
    "企业开办", "不动产登记", "社保医保", "教育入学", "看病就医", "住房保障", "交通出行",
    "政务服务", "城市管理", "养老托育", "就业创业", "市场监管", "安全生产",
};
static const char *const concern_items[13][6] = {
    {"企业开办材料多、跑多个窗口", "个体户变更登记需现场办理", "企业注销流程长、周期久",
     "开办企业刻章收费不统一", "小微企业贷款担保难", "企业反映涉企检查多头重复"},
    {"二手房过户需在多个部门排队", "历史遗留项目办证难", "不动产抵押登记时间长",
     "登记大厅周末不开放", "房屋继承公证材料繁琐", "农村宅基地确权进度慢"},
    {"异地就医备案手续复杂", "灵活就业人员参保不便", "医保报销材料需重复提交",
     "社保卡补换领等待时间长", "退休人员资格认证不便", "大病保险报销进度慢"},
    {"学位紧张片区入学难", "随迁子女入学材料多", "课后服务时间与下班不衔接",
     "校车线路覆盖不足", "学校周边交通拥堵", "幼儿园收费标准不透明"},
    {"专家号难挂", "检查结果医院间不互认", "社区卫生服务中心药品不全",
     "夜间急诊等候时间长", "医院停车难", "慢性病长处方办理不便"},
    {"公租房轮候时间长", "老旧小区加装电梯协调难", "物业服务质量差投诉多",
     "人才住房申请条件不清", "住房公积金提取手续繁琐", "城中村出租屋消防隐患"},
    {"公交线路与地铁接驳不畅", "早晚高峰主干道拥堵", "老城区停车位不足",
     "电动自行车上牌点少", "部分路段夜间照明不足", "学校医院周边临时停车难"},
    {"政务服务事项办理时限长", "网上办事系统操作复杂", "证明材料重复提交",
     "“一窗通办”覆盖不全", "12345热线转办反馈慢", "基层便民服务点事项少"},
    {"背街小巷环境卫生差", "占道经营影响通行", "施工噪声扰民",
     "垃圾分类设施不足", "餐饮油烟扰民", "违章搭建整治反复"},
    {"社区养老服务站点少", "普惠托育机构不足", "高龄津贴申领不便",
     "居家养老上门服务覆盖窄", "养老机构护理人员短缺", "老年人就餐难"},
    {"高校毕业生就业信息不对称", "灵活就业人员权益保障不足", "创业担保贷款审批慢",
     "技能培训与岗位需求脱节", "农民工工资拖欠", "零工市场设施简陋"},
    {"农贸市场食品安全抽检覆盖不足", "预付卡消费维权难", "电动车充电器质量问题",
     "网络购物投诉处理慢", "校园周边食品店卫生差", "燃气用具质量参差不齐"},
    {"老旧小区燃气管道老化", "电动自行车进楼充电", "高层建筑消防通道堵塞",
     "建筑工地安全防护不到位", "汛期易涝点整治", "危化品运输车辆监管"},
};

/* 整改清单: findings of two inspections, and two from other sources */
static const struct {
    int inspection;          /* 1 or 2; 0: another source */
    const char *title, *detail, *source;
} rect_items[] = {
    {1, "三会一课记录不规范，部分会议记录要素缺失", "组织生活不规范", NULL},
    {1, "支部委员会未按月召开，存在补记录现象", "组织生活不规范", NULL},
    {1, "党员发展档案材料不齐全", "党员发展不规范", NULL},
    {1, "党费收缴台账未及时更新", "党费管理", NULL},
    {1, "主题党日活动内容与业务结合不紧", "两张皮", NULL},
    {2, "支部书记讲党课次数不足", "组织生活不规范", NULL},
    {2, "党员学习记录流于形式，学时统计不准确", "学习教育", NULL},
    {2, "廉政风险点排查不全面", "灯下黑", NULL},
    {2, "支部品牌建设成效不明显", "两张皮", NULL},
    {0, "机关党建与业务工作融合不够，存在“两张皮”现象", "两张皮", "special_campaign"},
    {0, "对机关内部干部监督存在“灯下黑”，日常管理偏松偏软", "灯下黑", "special_campaign"},
    {0, "上级党建督导反馈：基层党组织换届提醒机制不健全", "市直机关工委督导反馈", "higher_feedback"},
};

static const char *const principal_items[] = {
    "党委书记履行第一责任人职责，每季度专题研究党建工作",
    "制定年度党建工作要点和任务分解表",
    "班子成员落实“一岗双责”，每年到联系支部讲党课",
    "抓好基层党组织按期换届",
    "组织开展年度支部书记抓党建述职评议",
    "落实意识形态工作责任制",
    "推进模范机关创建，每季度向主要领导汇报进展",
    "抓好党员教育管理和发展党员工作",
    "落实党建带群建，指导工会、妇委会、团支部开展活动",
    "开展先进党支部评选和量化考评",
};
static const char *const supervision_items[] = {
    "监督检查主体责任落实情况，每半年开展一次",
    "开展廉政风险点排查和防控督导",
    "组织警示教育，通报典型案例",
    "对中秋、国庆等节点开展“四风”明察暗访",
    "开展廉政谈话和提醒谈话",
    "督促整改清单问题按时销号",
    "与派驻纪检监察组召开联席座谈会",
    "受理并核查党员群众反映问题线索",
};

static const char *const progress_notes[] = {
    "已制定工作方案，明确责任分工和时间节点",
    "已召开专题会议部署推进，相关材料正在收集",
    "已完成阶段性任务，正在总结经验做法",
    "协调相关部门联合推进，已解决部分问题",
    "因人员调整，进度有所滞后，已重新明确责任人",
    "已完成主要工作，正在整理佐证材料准备报告完成",
};
static const char *const overdue_notes[] = {
    "涉及多个部门职责交叉，协调时间较长，已提请分管领导协调",
    "受专项工作冲击，原定计划推迟，拟于下月完成",
    "所需经费尚未落实，正在走审批程序",
    "上级政策调整，需按新要求重新制定方案",
};

/* ---------------------------------------------------------------- loading */

struct demo {
    db_conn *c;
    int year;
    lists_day today;
    int64_t *branches;
    int nbranches;
    int64_t *people; /* all active people, and their orgs */
    char **people_path;
    int npeople;
    unsigned seed;
};

static unsigned rnd(struct demo *d)
{
    d->seed = d->seed * 1103515245u + 12345u;
    return (d->seed >> 16) & 0x7fff;
}

static void day_text(lists_day day, char out[11])
{
    lists_day_format(day, out);
}

static void iso_at(lists_day day, int hour, char out[21])
{
    dj_time_iso(day * 86400 - DJ_TZ_OFFSET + hour * 3600, out);
}

/* a person of org's subtree (anyone for the committee, or when the org has none) */
static int64_t person_in(struct demo *d, int64_t org, int k)
{
    if (!d->npeople)
        return 0;
    char *path = NULL;
    int64_t found[512];
    int n = 0;
    if (org != 1 && db_query_text(d->c, &path, "SELECT path FROM orgs WHERE id = $1", "i", org) == DJ_OK) {
        for (int i = 0; i < d->npeople && n < 512; i++)
            if (d->people_path[i] && strncmp(d->people_path[i], path, strlen(path)) == 0)
                found[n++] = d->people[i];
    }
    free(path);
    if (n == 0)
        return d->people[(unsigned)k % (unsigned)d->npeople];
    return found[(unsigned)k % (unsigned)n];
}

static int64_t branch(struct demo *d, int k)
{
    return d->nbranches ? d->branches[(unsigned)k % (unsigned)d->nbranches] : 1;
}

static int make_list(struct demo *d, const char *kind, const char *subkind, const char *title, const char *desc,
                     json_t *cats, int64_t *id)
{
    json_t *in = json_pack("{s:s, s:s?, s:s, s:i, s:s, s:o}", "kind", kind, "subkind", subkind, "title", title, "year",
                           d->year, "description", desc, "categories", cats);
    int rc = lists_store_list_create(d->c, NULL, in, 1, id);
    json_decref(in);
    if (rc == DJ_OK) {
        char at[21];
        iso_at(dj_days_from_civil(d->year, 1, 6), 9, at);
        rc = db_exec(d->c, "UPDATE lists SET created_at = $2, updated_at = $2 WHERE id = $1", "it", *id, at);
    }
    return rc;
}

static int add_note(struct demo *d, int64_t item, const char *kind, lists_day on, const char *author,
                    const char *body, int progress)
{
    char at[21], dt[11];
    iso_at(on, 17, at);
    day_text(on, dt);
    json_t *ev = strcmp(kind, "progress") == 0 ? json_pack("[{s:s}]", "name", "工作台账（扫描件）") : NULL;
    int64_t uid = 0;
    int rc = db_query_i64(d->c, &uid,
                          "INSERT INTO list_item_updates (item_id, kind, on_date, at, author, body, progress)"
                          " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                          "ittttti", item, kind, dt, at, author, body, (int64_t)progress);
    if (rc == DJ_OK && ev)
        rc = lists_evidence_store(d->c, NULL, uid, ev, 0);
    json_decref(ev);
    return rc;
}

/*
 * Adds one item and gives it a history that fits its dates: an item whose
 * deadline has passed is mostly done (销号 a few days after it), sometimes
 * overdue with the reason in its latest update, sometimes reported complete and
 * awaiting the check; an item not yet due is in progress or not started.
 */
static int add_item(struct demo *d, int64_t list, const char *title, const char *category, const char *desc,
                    bool chosen, int64_t org, lists_day created, lists_day start, lists_day due, const char *source,
                    const char *detail, int64_t inspection, int k)
{
    json_t *owners = json_array(), *co = json_array();
    int64_t p = person_in(d, org, k);
    if (p)
        json_array_append_new(owners, json_integer(p));
    int64_t q = person_in(d, org, k + 1);
    if (q && q != p && k % 3 == 0)
        json_array_append_new(co, json_integer(q));
    char s[11], du[11];
    day_text(start, s);
    day_text(due, du);
    json_t *in = json_pack("{s:s, s:s, s:s?, s:s, s:I, s:s, s:s, s:s?, s:s?, s:o, s:o}", "title", title, "category",
                           category, "description", desc, "action_type", chosen ? "chosen" : "mandated", "org_id",
                           (json_int_t)org, "start_on", s, "due_on", du, "source", source, "source_detail", detail,
                           "owners", owners, "co_owners", co);
    if (inspection)
        json_object_set_new(in, "inspection_id", json_integer(inspection));
    int64_t id = 0;
    int rc = lists_store_item_create(d->c, NULL, list, in, &id);
    json_decref(in);
    if (rc)
        return rc;
    char at[21];
    iso_at(created < start ? created : start, 10, at);
    rc = db_exec(d->c, "UPDATE list_items SET created_at = $2, updated_at = $2 WHERE id = $1", "it", id, at);
    lists_day span = due - start > 0 ? due - start : 1;
    unsigned roll = rnd(d) % 100;
    const char *author = "责任单位联络员";
    if (rc)
        return rc;
    if (start > d->today)
        return DJ_OK; /* not started yet */
    if (due < d->today) {
        if (roll < 68) { /* done and checked */
            lists_day mid = start + span / 2, fin = due - (lists_day)(rnd(d) % 5);
            lists_day ver = fin + 2 + (lists_day)(rnd(d) % 5);
            if (ver > d->today)
                ver = d->today;
            if (fin < start)
                fin = start;
            char sub[11], va[21];
            day_text(fin, sub);
            iso_at(ver, 15, va);
            rc = add_note(d, id, "progress", mid, author, progress_notes[k % 4], 50);
            if (rc == DJ_OK)
                rc = add_note(d, id, "progress", fin, author, "各项任务已全部完成，佐证材料已上传，申请销号", 100);
            if (rc == DJ_OK)
                rc = add_note(d, id, "verify", ver, "机关党委办公室", "经核查，材料齐全、成效明显，同意销号", 100);
            if (rc == DJ_OK)
                rc = db_exec(d->c,
                             "UPDATE list_items SET state = 'done', progress = 100, submitted_on = $2, verified_at = $3,"
                             " verify_note = '经核查，同意销号', outcome = '已按期完成', updated_at = $3 WHERE id = $1",
                             "itt", id, sub, va);
        } else if (roll < 92) { /* overdue */
            int pr = 30 + (int)(rnd(d) % 5) * 10;
            lists_day mid = start + span / 2, late = due + 1 + (lists_day)(rnd(d) % 20);
            if (late > d->today)
                late = d->today;
            rc = add_note(d, id, "progress", mid, author, progress_notes[k % 5], pr - 20);
            if (rc == DJ_OK)
                rc = add_note(d, id, "progress", late, author, overdue_notes[k % 4], pr);
            if (rc == DJ_OK)
                rc = db_exec(d->c, "UPDATE list_items SET state = 'in_progress', progress = $2 WHERE id = $1", "ii",
                             id, (int64_t)pr);
        } else if (roll < 97) { /* reported complete in time, awaiting 销号 */
            char sub[11];
            day_text(due - 1, sub);
            rc = add_note(d, id, "progress", due - 1, author, "已完成全部整改任务，申请销号", 100);
            if (rc == DJ_OK)
                rc = db_exec(d->c,
                             "UPDATE list_items SET state = 'in_progress', progress = 100, submitted_on = $2 WHERE id = $1",
                             "it", id, sub);
        } else { /* cancelled */
            char ca[21];
            iso_at(start + span / 3, 11, ca);
            rc = add_note(d, id, "cancel", start + span / 3, "机关党委办公室", "因机构职能调整，该事项不再实施", 0);
            if (rc == DJ_OK)
                rc = db_exec(d->c,
                             "UPDATE list_items SET state = 'cancelled', cancelled_at = $2,"
                             " cancel_reason = '因机构职能调整，该事项不再实施' WHERE id = $1",
                             "it", id, ca);
        }
        return rc;
    }
    /* not yet due */
    if (roll < 75) {
        lists_day on = start + (d->today - start) / 2;
        int pr = 10 + (int)((d->today - start) * 80 / (span + 1));
        if (pr > 90)
            pr = 90;
        rc = add_note(d, id, "progress", on, author, progress_notes[k % 6], pr);
        if (rc == DJ_OK)
            rc = db_exec(d->c, "UPDATE list_items SET state = 'in_progress', progress = $2 WHERE id = $1", "ii", id,
                         (int64_t)pr);
    }
    return rc;
}

static int load_people(struct demo *d)
{
    int err = 0;
    json_t *b = db_query_rows(d->c, &err, "SELECT id FROM orgs WHERE kind IN ('branch', 'general_branch')"
                                          " AND dissolved_on IS NULL ORDER BY sort, id", "");
    if (!b)
        return err;
    json_t *p = db_query_rows(d->c, &err, "SELECT p.id, o.path FROM people p LEFT JOIN orgs o ON o.id = p.org_id"
                                          " WHERE p.active = 1 ORDER BY p.id", "");
    if (!p) {
        json_decref(b);
        return err;
    }
    d->nbranches = (int)json_array_size(b);
    d->branches = calloc((size_t)d->nbranches + 1, sizeof *d->branches);
    for (int i = 0; i < d->nbranches; i++)
        d->branches[i] = dj_jint(json_array_get(b, (size_t)i), "id", 0);
    d->npeople = (int)json_array_size(p);
    d->people = calloc((size_t)d->npeople + 1, sizeof *d->people);
    d->people_path = calloc((size_t)d->npeople + 1, sizeof *d->people_path);
    for (int i = 0; i < d->npeople; i++) {
        d->people[i] = dj_jint(json_array_get(p, (size_t)i), "id", 0);
        const char *path = dj_jstr(json_array_get(p, (size_t)i), "path", NULL);
        d->people_path[i] = path ? strdup(path) : NULL;
    }
    json_decref(b);
    json_decref(p);
    return DJ_OK;
}

static json_t *cats_of(const char *const *names, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_string(names[i]));
    return a;
}

int lists_demo_load(db_conn *c, const char *password_hash)
{
    (void)password_hash;
    struct demo d = {.c = c, .seed = 20260701u};
    d.today = lists_today();
    int y, m, dd;
    dj_civil_from_days(d.today, &y, &m, &dd);
    d.year = y;
    lists_day jan = dj_days_from_civil(y, 1, 1);
    int rc = load_people(&d);
    int64_t id = 0, k = 0;
    char title[128];

    /* 模范机关创建工作清单 */
    snprintf(title, sizeof title, "%d年模范机关创建工作清单", y);
    if (rc == DJ_OK)
        rc = make_list(&d, "model_organ", NULL, title, "围绕“五型”机关建设，分解为37项具体措施，每季度向市长汇报推进情况",
                       cats_of(lists_five_types, 5), &id);
    for (size_t i = 0; rc == DJ_OK && i < sizeof model_measures / sizeof model_measures[0]; i++, k++) {
        lists_day start = jan + 10 + (lists_day)(i % 6) * 20;
        lists_day due = jan + 60 + (lists_day)((i * 41) % 300);
        int64_t org = i % 3 == 0 ? 1 : branch(&d, (int)i);
        rc = add_item(&d, id, model_measures[i].title, lists_five_types[model_measures[i].type], NULL,
                      model_measures[i].chosen, org, jan + 5, start, due, NULL, NULL, 0, (int)k);
    }

    /* 三心事 (1+13) */
    snprintf(title, sizeof title, "%d年“三心事”民生实事清单（1+13）", y);
    if (rc == DJ_OK)
        rc = make_list(&d, "concerns", NULL, title,
                       "支部下基层收集群众“操心事、烦心事、揪心事”，形成1个总清单、13个分类清单共78项，逐项明确责任单位和时限",
                       cats_of(concern_cats, 13), &id);
    for (int ci = 0; rc == DJ_OK && ci < 13; ci++)
        for (int j = 0; rc == DJ_OK && j < 6; j++, k++) {
            lists_day start = jan + 30 + (lists_day)((ci * 7 + j * 3) % 60);
            lists_day due = start + 45 + (lists_day)(((ci * 6 + j) * 37) % 260);
            if (due > jan + 364)
                due = jan + 364 - (lists_day)(j * 5);
            char desc[256];
            snprintf(desc, sizeof desc, "群众反映的%s：深入调研、明确措施，限期解决并向群众反馈", lists_concern_kinds[j % 3]);
            rc = add_item(&d, id, concern_items[ci][j], concern_cats[ci], desc, false, branch(&d, ci * 6 + j), jan + 25,
                          start, due, NULL, lists_concern_kinds[j % 3], 0, (int)k);
        }

    /* 整改清单 and its two inspections */
    snprintf(title, sizeof title, "%d年整改清单", y);
    static const char *const rect_cats[] = {"点穴式专项检查", "上级反馈", "专项整治", "自查自纠"};
    if (rc == DJ_OK)
        rc = make_list(&d, "rectification", NULL, title, "点穴式专项检查、上级反馈和专项整治发现问题的整改清单，逐项对账销号",
                       cats_of(rect_cats, 4), &id);
    int64_t insp[3] = {0};
    /* inspections are always in the past, even for a demo loaded in January */
    lists_day insp_day[3] = {0, jan + 95, jan + 250};
    if (insp_day[1] > d.today - 40)
        insp_day[1] = d.today - 40;
    if (insp_day[2] > d.today - 20)
        insp_day[2] = d.today - 20;
    for (int n = 1; rc == DJ_OK && n <= 2; n++) {
        char on[11], at[21];
        day_text(insp_day[n], on);
        iso_at(insp_day[n], 16, at);
        json_t *who = n == 1 ? json_pack("[s, s]", "机关党委委员 陈志明", "机关纪委委员 黄丽华")
                             : json_pack("[s, s, s]", "机关党委副书记 林国栋", "组织委员 何静", "纪检委员 梁伟");
        rc = db_query_i64(c, &insp[n],
                          "INSERT INTO inspections (org_id, list_id, on_date, title, inspectors, summary, created_at)"
                          " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                          "iittjtt", branch(&d, n == 1 ? 0 : 2), id, on,
                          n == 1 ? "上半年点穴式专项检查" : "下半年点穴式专项检查", who,
                          n == 1 ? "重点检查三会一课、党员发展和党费管理，发现问题5个"
                                 : "重点检查党课、学习教育和廉政风险防控，发现问题4个",
                          at);
        json_decref(who);
    }
    for (size_t i = 0; rc == DJ_OK && i < sizeof rect_items / sizeof rect_items[0]; i++, k++) {
        int n = rect_items[i].inspection;
        lists_day start = n ? insp_day[n] + 1 : jan + 40 + (lists_day)i * 9;
        lists_day due = start + 30 + (lists_day)(i % 4) * 15;
        int64_t org = n ? branch(&d, n == 1 ? 0 : 2) : (i % 2 ? 1 : branch(&d, (int)i));
        rc = add_item(&d, id, rect_items[i].title, n ? "点穴式专项检查" : strcmp(rect_items[i].source, "higher_feedback") == 0 ? "上级反馈" : "专项整治",
                      "对照问题制定整改措施，明确整改时限，整改完成后提交佐证材料申请销号", false, org, start, start, due,
                      n ? "inspection" : rect_items[i].source, rect_items[i].detail, insp[n], (int)k);
    }

    /* 主体责任清单 and 监督责任清单 */
    snprintf(title, sizeof title, "%d年机关党委落实全面从严治党主体责任清单", y);
    static const char *const resp_cats[] = {"第一季度", "第二季度", "第三季度", "第四季度"};
    if (rc == DJ_OK)
        rc = make_list(&d, "responsibility", "principal", title, "机关党委主体责任清单，书记第一责任人、班子成员一岗双责",
                       cats_of(resp_cats, 4), &id);
    for (size_t i = 0; rc == DJ_OK && i < sizeof principal_items / sizeof principal_items[0]; i++, k++) {
        int qn = (int)(i % 4);
        lists_day start = dj_days_from_civil(y, qn * 3 + 1, 1);
        lists_day due = dj_days_from_civil(y, qn * 3 + 3, qn == 0 || qn == 3 ? 31 : 30);
        rc = add_item(&d, id, principal_items[i], resp_cats[qn], NULL, false, 1, jan + 5, start, due, NULL, NULL, 0, (int)k);
    }
    snprintf(title, sizeof title, "%d年机关纪委监督责任清单", y);
    if (rc == DJ_OK)
        rc = make_list(&d, "responsibility", "supervision", title, "机关纪委履行监督责任清单", cats_of(resp_cats, 4), &id);
    for (size_t i = 0; rc == DJ_OK && i < sizeof supervision_items / sizeof supervision_items[0]; i++, k++) {
        int qn = (int)((i + 1) % 4);
        lists_day start = dj_days_from_civil(y, qn * 3 + 1, 1);
        lists_day due = dj_days_from_civil(y, qn * 3 + 3, qn == 0 || qn == 3 ? 31 : 30);
        rc = add_item(&d, id, supervision_items[i], resp_cats[qn], NULL, false, 1, jan + 5, start, due, NULL, NULL, 0,
                      (int)k);
    }
    if (rc)
        fprintf(stderr, "lists demo: %s\n", db_errmsg(c)); /* says which constraint failed */
    free(d.branches);
    free(d.people);
    for (int i = 0; i < d.npeople; i++)
        free(d.people_path[i]);
    free(d.people_path);
    return rc;
}
