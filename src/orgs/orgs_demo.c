/* orgs_demo.c - the demo agency's organisation tree: a fictional
 * 市政府办公室机关党委 with ten branches (three with 党小组), a 工会, a 妇委会
 * and a 团支部, their terms and each branch's brand.  One branch's term ends
 * within 90 days on purpose, so the warnings panel has something to show.
 * Officers are set by people_demo.c, once the roster exists. */
#include <stdio.h>
#include <string.h>

#include "../core/err.h"
#include "../core/timeutil.h"
#include "orgs.h"

static const struct {
    const char *name, *brand, *slogan, *description;
    int groups;        /* 党小组 under it */
    int term_year;     /* 0: the current term ends within 90 days, on purpose; else a normal term */
} branches[] = {
    {"第一党支部（秘书一科）", "红色引擎", "围绕中心抓党建，抓好党建促发展",
     "以“党建+文稿服务”为抓手，党员领办重点文稿，每月开展一次“微分享”，把学习成果转化为服务市政府决策的文字。", 2, 2024},
    {"第二党支部（秘书二科）", "先锋服务", "一个支部一座堡垒，一名党员一面旗帜",
     "设立党员先锋岗，承担会务保障和领导服务工作，推行“首问负责、限时办结”。", 0, 2024},
    {"第三党支部（综合科）", "同心圆", "凝心聚力，同心同行",
     "以“三联”模式联系基层，支部下基层调研“操心事、烦心事、揪心事”，建立问题清单、责任清单、整改清单。", 2, 2025},
    {"第四党支部（督查科）", "铁军督查", "督查一线显担当，狠抓落实见成效",
     "开展点穴式专项督查，把督查发现的问题转化为整改清单，跟踪到底、对账销号。", 0, 0},
    {"第五党支部（政务服务科）", "暖企先锋", "党建引领暖企行，优化营商当先锋",
     "组建党员服务队深入企业“暖企”，收集诉求、协调解决，打造红色服务品牌。", 2, 2024},
    {"第六党支部（信息科）", "红色云端", "党建上云端，服务零距离",
     "建设“智慧云党建”平台，推动党员学习、积分管理、组织生活线上线下融合。", 0, 2024},
    {"第七党支部（法制科）", "法治护航", "以法治之力守护公平正义",
     "开展规范性文件合法性审查“党员把关”，组织法治宣传进社区。", 0, 2025},
    {"第八党支部（机关事务科）", "后勤堡垒", "服务保障无小事，党员带头做表率",
     "在节能降耗、食堂管理、安全保卫中设立党员责任区，推行“亮身份、亮承诺”。", 0, 2024},
    {"第九党支部（应急值班室）", "红色哨兵", "闻令而动，守土有责",
     "承担24小时应急值守，党员带头值夜班、守节假日，确保信息报送及时准确。", 0, 2025},
    {"离退休干部党支部", "银辉夕阳红", "离岗不离党，退休不褪色",
     "组织离退休党员开展政策宣讲、关心下一代和志愿服务，发挥余热。", 0, 2024},
};

/* A date n days from today, as text. */
static void day_text(int64_t days, char out[11])
{
    int y, m, d;
    dj_civil_from_days(days, &y, &m, &d);
    char t[32];
    snprintf(t, sizeof t, "%04d-%02d-%02d", y, m, d);
    memcpy(out, t, 11);
}

/* A term of `years` starting on start (days): its last day. */
static int64_t term_last_day(int64_t start, int years)
{
    int y, m, d;
    dj_civil_from_days(start, &y, &m, &d);
    return dj_days_from_civil(y + years, m, m == 2 && d == 29 ? 28 : d) - 1;
}

int orgs_demo_load(db_conn *c, const char *password_hash)
{
    (void)password_hash;
    char now[21], ts[11], te[11], pts[11], pte[11];
    dj_time_iso(dj_now(), now);
    /* terms are laid relative to today, so the demo shows the same warnings whenever it is loaded */
    int64_t today = orgs_today();
    int64_t cstart = today - 900;
    day_text(cstart, ts);
    day_text(term_last_day(cstart, 5), te);
    day_text(cstart - 1, pte);
    day_text(cstart - 1826, pts);
    int rc = db_exec(c,
                     "UPDATE orgs SET name = '市政府办公室机关党委', set_up_on = '1984-07-01',"
                     " term_start = $1, term_end = $2, updated_at = $3 WHERE id = 1",
                     "ttt", ts, te, now);
    if (rc == DJ_OK)
        rc = db_exec(c, "INSERT INTO org_terms (org_id, term_start, term_end, created_at) VALUES"
                        " (1, $1, $2, $5), (1, $3, $4, $5)",
                     "ttttt", pts, pte, ts, te, now);
    int64_t id = 1;
    if (rc == DJ_OK)
        rc = db_query_i64(c, &id, "SELECT MAX(id) FROM orgs", "");
    for (size_t i = 0; rc == DJ_OK && i < sizeof branches / sizeof branches[0]; i++) {
        char path[64], setup[32];
        int64_t bid = ++id;
        snprintf(path, sizeof path, "/1/%lld/", (long long)bid);
        int64_t start, last;
        if (branches[i].term_year) {
            start = today - 200 - 70 * (int64_t)i;
            last = term_last_day(start, 3);
        } else {
            /* 换届提醒: this term ends 45 days from today */
            last = today + 45;
            start = last - 1095;
        }
        day_text(start, ts);
        day_text(last, te);
        snprintf(setup, sizeof setup, "%04d-07-01", (int)(1990 + i * 3));
        rc = db_exec(c,
                     "INSERT INTO orgs (id, parent_id, kind, name, path, sort, set_up_on, term_start, term_end,"
                     " brand_name, brand_slogan, brand_description, created_at, updated_at)"
                     " VALUES ($1, 1, 'branch', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
                     "ittittttttt", bid, branches[i].name, path, (int64_t)(i + 1), setup, ts, te, branches[i].brand,
                     branches[i].slogan, branches[i].description, now);
        if (rc == DJ_OK)
            rc = db_exec(c, "INSERT INTO org_terms (org_id, term_start, term_end, created_at) VALUES ($1, $2, $3, $4)",
                         "ittt", bid, ts, te, now);
        for (int g = 0; rc == DJ_OK && g < branches[i].groups; g++) {
            char gpath[96];
            int64_t gid = ++id;
            snprintf(gpath, sizeof gpath, "%s%lld/", path, (long long)gid);
            rc = db_exec(c,
                         "INSERT INTO orgs (id, parent_id, kind, name, path, sort, set_up_on, created_at, updated_at)"
                         " VALUES ($1, $2, 'group', $3, $4, $5, $6, $7, $7)",
                         "iittitt", gid, bid, g == 0 ? "第一党小组" : "第二党小组", gpath, (int64_t)(g + 1), setup, now);
        }
    }
    static const struct {
        const char *kind, *name;
        int years, began; /* term length, and how many days ago it began */
    } mass[] = {
        {"union", "市政府办公室机关工会", 5, 400},
        {"women", "市政府办公室机关妇委会", 5, 600},
        {"youth", "市政府办公室机关团支部", 3, 300},
    };
    for (size_t i = 0; rc == DJ_OK && i < sizeof mass / sizeof mass[0]; i++) {
        char path[64];
        int64_t mid = ++id;
        day_text(today - mass[i].began, ts);
        day_text(term_last_day(today - mass[i].began, mass[i].years), te);
        snprintf(path, sizeof path, "/1/%lld/", (long long)mid);
        rc = db_exec(c,
                     "INSERT INTO orgs (id, parent_id, kind, name, path, sort, set_up_on, term_start, term_end,"
                     " created_at, updated_at) VALUES ($1, 1, $2, $3, $4, $5, '1995-05-04', $6, $7, $8, $8)",
                     "itttittt", mid, mass[i].kind, mass[i].name, path, (int64_t)(100 + i), ts, te,
                     now);
        if (rc == DJ_OK)
            rc = db_exec(c, "INSERT INTO org_terms (org_id, term_start, term_end, created_at) VALUES ($1, $2, $3, $4)",
                         "ittt", mid, ts, te, now);
    }
    return rc;
}
