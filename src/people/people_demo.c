/* people_demo.c - the demo agency's roster (about 150 fictional people with
 * names drawn deterministically from surname and given-name tables), the
 * officers of every organisation, membership of the union, women's and youth
 * organisations, and one account per role.  The sixth branch has no 纪检委员
 * on purpose (a warning for the panel).  For trying the product only. */
#include <stdio.h>
#include <string.h>

#include "../account/account.h"
#include "../core/err.h"
#include "../core/timeutil.h"
#include "../orgs/orgs.h"
#include "people.h"

static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何",
    "林", "罗", "高", "梁", "郑", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田",
    "董", "潘", "袁", "蔡", "蒋", "余", "于", "杜", "叶", "程", "魏", "苏", "吕", "丁", "任", "卢", "区", "容"};
static const char *const male[] = {"伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉",
                                   "鹏", "华", "飞", "鑫", "波", "宁", "健", "志", "建", "国", "文", "俊", "浩",
                                   "宇", "峰", "晨", "亮", "嘉", "永", "锦", "荣"};
static const char *const female[] = {"芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "婷", "雪", "慧",
                                     "颖", "琳", "萍", "红", "梅", "洁", "倩", "欣", "悦", "晶", "莉", "月", "嘉",
                                     "秀", "雅", "诗", "婉"};
static const char *const pledges[] = {
    "牢记初心使命，办好每一份文稿，做到不出差错、不误时效。",
    "带头学习贯彻党的创新理论，每年完成学时不少于32学时。",
    "立足岗位做表率，首问负责、限时办结，让群众少跑腿。",
    "严守政治纪律和政治规矩，廉洁自律，不碰红线。",
    "服务企业不添堵，收到诉求当天回应、一周内答复。",
    "积极参加志愿服务，每季度至少参加一次社区服务活动。",
    "做好应急值守，确保信息报送及时、准确、规范。",
    "勤俭节约，从我做起，带头节约一度电、一张纸、一滴水。",
    "坚持依法行政，严把文件合法性审查关。",
    "保守党和国家秘密，严格执行保密纪律。",
    "发挥党员先锋作用，急难险重任务冲在前。",
    "离岗不离党，退休不褪色，继续为社区发挥余热。",
};
static const char *const ranks[] = {"一级主任科员", "二级主任科员", "三级主任科员", "四级主任科员", "一级科员", "科员"};

/* branch sizes in sort order; the tenth is the retirees' branch */
static const int sizes[] = {16, 14, 18, 12, 20, 9, 13, 11, 12, 6};
#define NBRANCH (int)(sizeof sizes / sizeof sizes[0])
#define EXTRA 19 /* union and youth members who are not party members */
#define NO_DISCIPLINE 5 /* index of the branch left without a 纪检委员 */

static uint32_t rng_state = 20261127u;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return (rng_state >> 8) % n;
}

struct person {
    char name[32];
    bool female;
    int64_t id;
    int birth_year;
    const char *status;
};

static void make_name(struct person *all, int n, struct person *p)
{
    for (;;) {
        const char *const *g = p->female ? female : male;
        size_t ng = p->female ? sizeof female / sizeof female[0] : sizeof male / sizeof male[0];
        const char *s = surnames[rnd(sizeof surnames / sizeof surnames[0])];
        if (rnd(10) < 7)
            snprintf(p->name, sizeof p->name, "%s%s%s", s, g[rnd((uint32_t)ng)], g[rnd((uint32_t)ng)]);
        else
            snprintf(p->name, sizeof p->name, "%s%s", s, g[rnd((uint32_t)ng)]);
        bool dup = false;
        for (int i = 0; i < n && !dup; i++)
            dup = strcmp(all[i].name, p->name) == 0;
        if (!dup)
            return;
    }
}

static void day_text(int64_t days, char out[11])
{
    int y, m, d;
    dj_civil_from_days(days, &y, &m, &d);
    char t[32];
    snprintf(t, sizeof t, "%04d-%02d-%02d", y, m, d);
    memcpy(out, t, 11);
}

/* Inserts one person; fills p->id. */
static int add_person(db_conn *c, struct person *p, int64_t org_id, int k, bool retired, int serial, const char *now)
{
    int64_t today = orgs_today();
    char birth[11], joined[11], full[11], until[11];
    day_text(dj_days_from_civil(p->birth_year, 1 + (int)rnd(12), 1 + (int)rnd(28)), birth);
    const char *j = NULL, *f = NULL, *u = NULL;
    if (!strcmp(p->status, "full")) {
        int jy = p->birth_year + 22 + (int)rnd(12);
        if (jy > 2022)
            jy = 2022;
        day_text(dj_days_from_civil(jy, 1 + (int)rnd(12), 1 + (int)rnd(28)), joined);
        int y, m, d;
        dj_date_parse(joined, &y, &m, &d);
        day_text(dj_days_from_civil(y + 1, m, d > 28 ? 28 : d), full);
        j = joined;
        f = full;
    } else if (!strcmp(p->status, "probationary")) {
        day_text(today - 60 - rnd(240), joined);
        int y, m, d;
        dj_date_parse(joined, &y, &m, &d);
        day_text(dj_days_from_civil(y + 1, m, d > 28 ? 28 : d), until);
        j = joined;
        u = until;
    }
    char phone[16];
    snprintf(phone, sizeof phone, "1390750%04d", serial);
    uint32_t e = rnd(20);
    const char *ethnicity = e == 0 ? "壮族" : e == 1 ? "回族" : e == 2 ? "满族" : "汉族";
    uint32_t ed = rnd(10);
    const char *education = retired ? (ed < 5 ? "大专" : "中专") : ed < 6 ? "大学本科" : ed < 9 ? "硕士研究生" : "大专";
    const char *post = retired ? "退休干部" : org_id == 0 ? "聘用人员" : k == 0 ? "科长" : k == 1 ? "副科长"
                                                                       : ranks[rnd(sizeof ranks / sizeof ranks[0])];
    const char *title = retired || org_id == 0 ? NULL : k == 0 ? "正科级" : k == 1 ? "副科级" : NULL;
    const char *pledge = (j && rnd(100) < 85) ? pledges[retired ? 11 : rnd(11)] : NULL;
    db_stmt *s = db_prep(c, "INSERT INTO people (name, gender, birth_date, ethnicity, education, phone, job_post,"
                            " job_title, org_id, party_status, joined_on, full_on, probation_until, pledge,"
                            " created_at, updated_at)"
                            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)"
                            " RETURNING id");
    if (!s)
        return DJ_EDB;
    db_bind(s, "ttttttttItttttt", p->name, p->female ? "female" : "male", birth, ethnicity, education, phone, post,
            title, org_id, p->status, j, f, u, pledge, now);
    int rc = db_step(s);
    if (rc == DB_ROW)
        p->id = db_col_i64(s, 0);
    db_done(s);
    return rc == DB_ROW ? DJ_OK : rc < 0 ? rc : DJ_EDB;
}

static int officer(db_conn *c, int64_t org, const char *post, int64_t person)
{
    return db_exec(c, "INSERT INTO org_officers (org_id, post, person_id, since) VALUES ($1, $2, $3, $4)", "itit", org,
                   post, person, "2024-03-01");
}

static int member_of(db_conn *c, int64_t person, int64_t org)
{
    return db_exec(c, "INSERT INTO person_orgs (person_id, org_id) VALUES ($1, $2)", "ii", person, org);
}

int people_demo_load(db_conn *c, const char *hash)
{
    static struct person all[200];
    int n = 0, rc = DJ_OK;
    rng_state = 20261127u;
    char now[21];
    dj_time_iso(dj_now(), now);
    int64_t branch[NBRANCH], union_id = 0, women_id = 0, youth_id = 0;
    db_stmt *s = db_prep(c, "SELECT id FROM orgs WHERE kind = 'branch' AND parent_id = 1 ORDER BY sort, id");
    int nb = 0;
    while (s && (rc = db_step(s)) == DB_ROW && nb < NBRANCH)
        branch[nb++] = db_col_i64(s, 0);
    if (s)
        db_done(s);
    if (nb != NBRANCH)
        return DJ_EINTERNAL;
    if ((rc = db_query_i64(c, &union_id, "SELECT id FROM orgs WHERE kind = 'union' ORDER BY id LIMIT 1", "")) ||
        (rc = db_query_i64(c, &women_id, "SELECT id FROM orgs WHERE kind = 'women' ORDER BY id LIMIT 1", "")) ||
        (rc = db_query_i64(c, &youth_id, "SELECT id FROM orgs WHERE kind = 'youth' ORDER BY id LIMIT 1", "")))
        return rc;
    int first[NBRANCH]; /* index in all[] of each branch's first person */
    int64_t member_person = 0;
    int serial = 1;
    for (int b = 0; rc == DJ_OK && b < NBRANCH; b++) {
        bool retired = b == NBRANCH - 1;
        int64_t groups[2];
        int ng = 0;
        s = db_prep(c, "SELECT id FROM orgs WHERE parent_id = $1 AND kind = 'group' ORDER BY sort, id");
        db_bind(s, "i", branch[b]);
        while ((rc = db_step(s)) == DB_ROW && ng < 2)
            groups[ng++] = db_col_i64(s, 0);
        db_done(s);
        rc = DJ_OK;
        first[b] = n;
        int size = sizes[b];
        for (int k = 0; rc == DJ_OK && k < size; k++) {
            struct person *p = &all[n];
            p->female = rnd(100) < 42;
            make_name(all, n, p);
            p->birth_year = retired ? 1950 + (int)rnd(12) : 1968 + (int)rnd(32);
            p->status = "full";
            if (!retired) {
                if (k == size - 1 && size >= 12)
                    p->status = "activist";
                else if (k == size - 2)
                    p->status = "probationary";
                else if (k == size - 3 && b % 3 == 0)
                    p->status = "candidate";
                else if (k == size - 4 && b % 4 == 1)
                    p->status = "applicant";
            }
            if (strcmp(p->status, "full") != 0 && p->birth_year < 1990)
                p->birth_year = 1990 + (int)rnd(10);
            int64_t org = ng && k > 0 ? groups[k % ng] : branch[b];
            rc = add_person(c, p, org, k, retired, serial++, now);
            n++;
            if (rc == DJ_OK && !retired)
                rc = member_of(c, p->id, union_id);
            if (rc == DJ_OK && !retired && p->female)
                rc = member_of(c, p->id, women_id);
            if (rc == DJ_OK && !retired && p->birth_year >= 1998)
                rc = member_of(c, p->id, youth_id);
            if (b == 0 && k == 7)
                member_person = p->id;
        }
        /* officers: a 支委会 where there are 7 or more full members, else a 书记 */
        struct person *bp = &all[first[b]];
        if (rc == DJ_OK)
            rc = officer(c, branch[b], "secretary", bp[0].id);
        if (rc == DJ_OK && !retired) {
            if (size >= 15)
                rc = officer(c, branch[b], "deputy_secretary", bp[1].id);
            if (rc == DJ_OK)
                rc = officer(c, branch[b], "organization", bp[2].id);
            if (rc == DJ_OK)
                rc = officer(c, branch[b], "propaganda", bp[3].id);
            if (rc == DJ_OK && b != NO_DISCIPLINE)
                rc = officer(c, branch[b], "discipline", bp[4].id);
        }
        for (int g = 0; rc == DJ_OK && g < ng; g++)
            rc = officer(c, groups[g], "group_leader", bp[g == 0 ? 6 : 5].id);
    }
    /* union and youth members who are not party members */
    for (int k = 0; rc == DJ_OK && k < EXTRA; k++) {
        struct person *p = &all[n];
        p->female = rnd(100) < 55;
        make_name(all, n, p);
        p->birth_year = 1990 + (int)rnd(13);
        p->status = "none";
        rc = add_person(c, p, 0, k, false, serial++, now);
        n++;
        if (rc == DJ_OK)
            rc = member_of(c, p->id, union_id);
        if (rc == DJ_OK && p->female)
            rc = member_of(c, p->id, women_id);
        if (rc == DJ_OK && p->birth_year >= 1998)
            rc = member_of(c, p->id, youth_id);
    }
    /* the 机关党委 (its 纪检 post is held by the 纪委书记) and the mass organisations */
    if (rc == DJ_OK)
        rc = officer(c, 1, "secretary", all[first[0] + 1].id);
    if (rc == DJ_OK)
        rc = officer(c, 1, "deputy_secretary", all[first[1] + 1].id);
    if (rc == DJ_OK)
        rc = officer(c, 1, "organization", all[first[2] + 1].id);
    if (rc == DJ_OK)
        rc = officer(c, 1, "propaganda", all[first[4] + 1].id);
    if (rc == DJ_OK)
        rc = officer(c, 1, "discipline", all[first[6] + 1].id);
    if (rc == DJ_OK)
        rc = officer(c, union_id, "chair", all[first[7] + 1].id);
    if (rc == DJ_OK)
        rc = officer(c, union_id, "vice_chair", all[first[8] + 2].id);
    for (int i = 0; rc == DJ_OK && i < n; i++)
        if (all[i].female && all[i].birth_year < 1990 && i > first[2] + 4) {
            rc = officer(c, women_id, "chair", all[i].id);
            break;
        }
    for (int i = 0; rc == DJ_OK && i < n; i++)
        if (all[i].birth_year >= 1998 && strcmp(all[i].status, "none") != 0) {
            rc = officer(c, youth_id, "chair", all[i].id);
            break;
        }
    if (rc != DJ_OK)
        return rc;

    /* one account per role */
    const struct {
        const char *login, *name, *role;
        int64_t org, person;
    } acc[] = {
        {"demo-committee", "机关党委办公室（演示）", "committee", 1, 0},
        {"demo-discipline", "机关纪委（演示）", "discipline", 1, 0},
        {"demo-secretary", all[first[0]].name, "secretary", branch[0], all[first[0]].id},
        {"demo-officer", "机关工会（演示）", "officer", union_id, 0},
        {"demo-leader", "分管领导（演示）", "leader", 1, 0},
        {"demo-member", "", "member", branch[0], member_person},
    };
    for (size_t i = 0; rc == DJ_OK && i < sizeof acc / sizeof acc[0]; i++) {
        int64_t uid = 0;
        const char *name = acc[i].name;
        if (!*name)
            for (int k = 0; k < n; k++)
                if (all[k].id == acc[i].person)
                    name = all[k].name;
        rc = account_user_create(c, acc[i].login, name, hash, acc[i].person, false, &uid);
        if (rc == DJ_OK)
            rc = account_grant(c, uid, acc[i].role, acc[i].org);
    }
    return rc;
}
