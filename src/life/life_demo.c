/* life_demo.c - this subject's part of the demo agency: last year's
 * organisational life in full and this year's up to today for every party branch found in the
 * database (whatever the orgs and people demos created), with attendance,
 * leave, minutes and the events for points; most requirements met and a few
 * missing on purpose, so the compliance matrix shows some red; and the 31
 * 理论学习中心组 sessions of the agency's committee that the article reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/timeutil.h"
#include "life.h"

struct demo {
    db_conn *c;
    int64_t now;
    int year, month, day; /* the year being laid out, and its last month (12 for a past year) */
    uint32_t seed;
    int64_t creator; /* the admin's user id, for created_by */
};

static uint32_t rnd(struct demo *d)
{
    d->seed = d->seed * 1103515245u + 12345u;
    return (d->seed >> 16) & 0x7fff;
}

static const char *const leave_reasons[] = {"出差在外", "带队下基层调研", "身体不适，到医院就诊", "参加市里专题会议",
                                            "家中老人住院陪护", "外出培训"};

/* Who hosts: the branch's secretary (a person with a secretary grant on it), else its first full member. */
static int64_t host_of(struct demo *d, int64_t org)
{
    int64_t pid = 0;
    if (db_query_i64(d->c, &pid,
                     "SELECT u.person_id FROM grants g JOIN users u ON u.id = g.user_id"
                     " WHERE g.org_id = $1 AND g.role = 'secretary' AND u.person_id IS NOT NULL ORDER BY g.id LIMIT 1",
                     "i", org) == DJ_OK)
        return pid;
    char *path = NULL;
    if (db_query_text(d->c, &path, "SELECT path FROM orgs WHERE id = $1", "i", org) != DJ_OK)
        return 0;
    int rc = db_query_i64(d->c, &pid,
                          "SELECT p.id FROM people p JOIN orgs o ON o.id = p.org_id WHERE o.path >= $1 AND o.path < $1 || ':'"
                          " AND p.party_status = 'full' AND p.active = 1 ORDER BY p.id LIMIT 1",
                          "t", path);
    free(path);
    return rc == DJ_OK ? pid : 0;
}

/* One activity at local date y-m-dd hh:mm lasting `minutes`; its state follows
 * the clock; past ones get attendance, leave, minutes and events. expected:
 * NULL for the org's party members, or a comma-separated list of person ids. */
static int add(struct demo *d, int64_t org, const char *kind, const char *title, int y, int m, int dd, int hh,
               int mm, int minutes, double study, double vol, const char *place, const char *topic,
               const char *project, const char *expected)
{
    db_conn *c = d->c;
    if (dd > dj_days_in_month(y, m))
        dd = dj_days_in_month(y, m);
    int64_t starts = dj_local_midnight(y, m, dd) + hh * 3600 + mm * 60, ends = starts + minutes * 60;
    const char *state = ends < d->now - 3 * 86400 ? "closed"
                        : ends < d->now           ? "held"
                        : starts < d->now + 14 * 86400 ? "noticed"
                                                        : "planned";
    char s_iso[21], e_iso[21], created[21], noticed[21], held[21], closed[21];
    dj_time_iso(starts, s_iso);
    dj_time_iso(ends, e_iso);
    dj_time_iso(starts - 10 * 86400, created);
    dj_time_iso(starts - 7 * 86400, noticed);
    dj_time_iso(ends, held);
    dj_time_iso(ends + 2 * 86400, closed);
    bool past = strcmp(state, "closed") == 0 || strcmp(state, "held") == 0;
    int64_t host = host_of(d, org);
    int64_t id = 0;
    int rc = db_query_i64(
        c, &id,
        "INSERT INTO activities (org_id, kind, title, starts_at, ends_at, place, agenda, host_person_id,"
        " recorder_person_id, topic, project, study_hours, volunteer_hours, state, attachments, noticed_at, held_at,"
        " closed_at, created_by, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19)"
        " RETURNING id",
        "ittttttIttddtttttIt", org, kind, title, s_iso, e_iso, place,
        topic ? topic : "1. 传达学习上级精神\n2. 结合工作交流讨论\n3. 部署下一步工作", host, topic, project, study,
        vol, state, "[]", strcmp(state, "planned") == 0 ? NULL : noticed,
        past ? held : NULL, strcmp(state, "closed") == 0 ? closed : NULL, d->creator, created);
    if (rc != DJ_OK)
        return rc;
    if (expected) {
        char *sql = dj_asprintf("INSERT INTO activity_people (activity_id, person_id) SELECT $1, id FROM people"
                                " WHERE id IN (%s)",
                                expected);
        db_stmt *s = db_prep_dynamic(c, sql);
        free(sql);
        if (!s)
            return DJ_EDB;
        db_bind_i64(s, 1, id);
        rc = db_step(s) == DB_DONE ? DJ_OK : DJ_EDB;
        db_done(s);
    } else {
        char *path = NULL;
        rc = db_query_text(c, &path, "SELECT path FROM orgs WHERE id = $1", "i", org);
        if (rc != DJ_OK)
            return rc;
        rc = db_exec(c,
                     "INSERT INTO activity_people (activity_id, person_id)"
                     " SELECT $1, p.id FROM people p JOIN orgs o ON o.id = p.org_id"
                     " WHERE o.path >= $2 AND o.path < $2 || ':' AND p.active = 1 AND p.party_status IN ('full', 'probationary')",
                     "it", id, path);
        free(path);
    }
    if (rc != DJ_OK)
        return rc;

    /* who came, who asked for leave */
    db_stmt *s = db_prep(c, "SELECT person_id FROM activity_people WHERE activity_id = $1 ORDER BY person_id");
    if (!s)
        return DJ_EDB;
    db_bind_i64(s, 1, id);
    int64_t people[2048];
    int n = 0;
    while (db_step(s) == DB_ROW && n < 2048)
        people[n++] = db_col_i64(s, 0);
    db_done(s);
    int present = 0, leave = 0;
    bool upcoming = !past && strcmp(state, "noticed") == 0;
    for (int i = 0; i < n && rc == DJ_OK; i++) {
        uint32_t r = rnd(d) % 100;
        if (upcoming) {
            /* someone has already asked for leave from a noticed activity: a decision to make */
            if (r < 8) {
                char at[21];
                dj_time_iso(d->now - 3600 * (int64_t)(1 + rnd(d) % 20), at);
                rc = db_exec(c,
                             "INSERT INTO activity_leaves (activity_id, person_id, reason, status, created_at)"
                             " VALUES ($1, $2, $3, 'pending', $4)",
                             "iitt", id, people[i], leave_reasons[rnd(d) % 6], at);
            }
            continue;
        }
        if (!past)
            continue;
        if (r < 7 && people[i] != host) {
            char at[21], dec[21];
            dj_time_iso(starts - 86400 * (int64_t)(1 + rnd(d) % 3), at);
            dj_time_iso(starts - 3600 * 6, dec);
            bool approved = r < 6;
            rc = db_exec(c,
                         "INSERT INTO activity_leaves (activity_id, person_id, reason, status, decision_note,"
                         " decided_by, decided_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                         "iitttItt", id, people[i], leave_reasons[rnd(d) % 6], approved ? "approved" : "refused",
                         approved ? "同意，请会后补学" : "本次会议须本人参加", d->creator, dec, at);
            leave += approved;
            if (approved)
                continue;
        } else if (r >= 95 && people[i] != host) {
            continue; /* absent */
        }
        char at[21];
        bool manual = rnd(d) % 20 == 0;
        dj_time_iso(starts - 60 * (int64_t)(rnd(d) % 15) - (int64_t)(rnd(d) % 60), at);
        rc = db_exec(c,
                     "INSERT INTO attendance (activity_id, person_id, method, checked_in_at, by_user_id)"
                     " VALUES ($1, $2, $3, $4, $5)",
                     "iittI", id, people[i], manual ? "manual" : "qr", at, manual ? d->creator : 0);
        /* a sign-in by the secretary's hand carries its reason (the phone workbench) */
        static const char *const mark_reasons[] = {"手机没电，由书记代为签到", "未带手机，现场核对后代签",
                                                   "扫码失败，由书记代为签到"};
        if (rc == DJ_OK && manual)
            rc = db_exec(c,
                         "INSERT INTO attendance_marks (activity_id, person_id, status, reason, by_user_id, marked_at)"
                         " VALUES ($1, $2, 'present', $3, $4, $5)",
                         "iitIt", id, people[i], mark_reasons[people[i] % 3], d->creator, at);
        if (rc == DJ_OK)
            rc = db_exec(c,
                         "INSERT INTO life_events (person_id, activity_id, kind, activity_kind, quantity, occurred_at)"
                         " VALUES ($1, $2, 'attendance', $3, 1, $4)",
                         "iitt", people[i], id, kind, s_iso);
        if (rc == DJ_OK && strcmp(state, "closed") == 0 && study > 0)
            rc = db_exec(c,
                         "INSERT INTO life_events (person_id, activity_id, kind, activity_kind, quantity, occurred_at)"
                         " VALUES ($1, $2, 'study_hours', $3, $4, $5)",
                         "iitdt", people[i], id, kind, study, s_iso);
        if (rc == DJ_OK && strcmp(state, "closed") == 0 && vol > 0)
            rc = db_exec(c,
                         "INSERT INTO life_events (person_id, activity_id, kind, activity_kind, quantity, occurred_at)"
                         " VALUES ($1, $2, 'volunteer_hours', $3, $4, $5)",
                         "iitdt", people[i], id, kind, vol, s_iso);
        present++;
    }
    if (rc == DJ_OK && past) {
        /* the most recent held one still waits for its minutes */
        bool with_minutes = strcmp(state, "closed") == 0 || rnd(d) % 2;
        if (with_minutes) {
            char *text = dj_asprintf("%s。应到 %d 人，实到 %d 人，请假 %d 人。会议围绕“%s”进行了学习和交流，"
                                        "与会党员结合岗位实际逐一发言，形成了下一步工作安排。",
                                        title, n, present, leave, topic ? topic : title);
            rc = db_exec(c, "UPDATE activities SET minutes = $2, resolutions = $3 WHERE id = $1", "itt", id, text,
                         strcmp(kind, "branch_assembly") == 0 ? "经表决，与会党员一致同意会议议题。" : NULL);
            free(text);
        }
    }
    return rc;
}

static const char *const study_topics[] = {
    "学习贯彻党的二十大精神", "学习《中国共产党章程》", "学习《习近平谈治国理政》第四卷", "学习全国两会精神",
    "学习《中国共产党纪律处分条例》", "学习党的二十届三中全会精神", "学习《党和国家机关基层组织工作条例》",
    "学习《中国共产党支部工作条例（试行）》", "学习习近平总书记视察广东重要讲话精神", "学习“百千万工程”部署",
    "学习优化营商环境政策", "学习《中国共产党党员教育管理工作条例》",
};

static const char *const theme_topics[] = {
    "重温入党誓词", "参观侨乡革命历史展", "“我为群众办实事”主题党日", "政策宣讲进社区", "学雷锋志愿服务",
    "参观廉政教育基地", "“七一”重温入党誓词", "红色观影", "助力创文志愿服务", "走访慰问困难党员",
    "党史知识竞赛", "年终总结交流",
};

/* The months (1-12) that a branch skips on purpose, by its position in the tree. */
static bool skip(int branch_index, const char *kind, int period)
{
    if (branch_index == 0)
        return strcmp(kind, "committee_meeting") == 0 && period == 7;
    if (branch_index == 1)
        return (strcmp(kind, "theme_day") == 0 && period == 8) ||
               (strcmp(kind, "party_lecture") == 0 && period == 2);
    if (branch_index == 2)
        return strcmp(kind, "branch_assembly") == 0 && period == 2;
    if (branch_index == 3)
        return strcmp(kind, "democratic_review") == 0;
    return false;
}

static int branch_year(struct demo *d, int64_t org, const char *name, int bi)
{
    int rc = DJ_OK;
    int last_month = d->month == 12 ? 12 : d->month + 1; /* include next month's plans */
    char title[256];
    for (int m = 1; m <= last_month && rc == DJ_OK; m++) {
        int y = d->year;
        if (m > 12)
            break;
        if (!skip(bi, "theme_day", m)) {
            snprintf(title, sizeof title, "%d月主题党日：%s", m, theme_topics[(m - 1) % 12]);
            rc = add(d, org, "theme_day", title, y, m, 10 + bi % 5, 14, 30, 120, 0, 0, "党员活动室",
                     theme_topics[(m - 1) % 12], NULL, NULL);
        }
        if (rc == DJ_OK && !skip(bi, "committee_meeting", m)) {
            snprintf(title, sizeof title, "%s%d月支部委员会", name, m);
            rc = add(d, org, "committee_meeting", title, y, m, 5 + bi % 3, 16, 0, 60, 0, 0, "支部会议室", NULL, NULL,
                     NULL);
        }
        if (rc == DJ_OK) {
            snprintf(title, sizeof title, "%d月集中学习：%s", m, study_topics[(m + bi) % 12]);
            rc = add(d, org, "study_session", title, y, m, 20, 15, 0, 150, 2.5, 0, "三楼会议室",
                     study_topics[(m + bi) % 12], NULL, NULL);
        }
        if (rc == DJ_OK && m % 2 == 0) {
            snprintf(title, sizeof title, "党建+微分享：%s", study_topics[(m * 5 + bi) % 12]);
            rc = add(d, org, "micro_share", title, y, m, 24, 12, 30, 30, 0.5, 0, "线上", study_topics[(m * 5 + bi) % 12],
                     NULL, NULL);
        }
        if (rc == DJ_OK && m % 3 == 0) {
            int q = m / 3;
            if (!skip(bi, "branch_assembly", q)) {
                snprintf(title, sizeof title, "第%s季度支部党员大会", q == 1 ? "一" : q == 2 ? "二" : q == 3 ? "三" : "四");
                rc = add(d, org, "branch_assembly", title, y, m, 15, 9, 0, 120, 0, 0, "机关礼堂", NULL, NULL, NULL);
            }
            if (rc == DJ_OK && !skip(bi, "party_lecture", q)) {
                snprintf(title, sizeof title, "书记讲党课：%s", study_topics[(q * 3 + bi) % 12]);
                rc = add(d, org, "party_lecture", title, y, m, 18, 15, 0, 90, 1.5, 0, "机关礼堂",
                         study_topics[(q * 3 + bi) % 12], NULL, NULL);
            }
            if (rc == DJ_OK) {
                static const char *const projects[] = {"暖企行动：走访重点企业", "红色工地：重点项目建设一线",
                                                       "“百千万工程”驻镇帮扶", "12345热线诉求办理"};
                snprintf(title, sizeof title, "支部下基层：%s", projects[(q + bi) % 4]);
                rc = add(d, org, "grassroots_visit", title, y, m, 25, 9, 30, 180, 0, 0, "企业/项目现场", NULL,
                         projects[(q + bi) % 4], NULL);
            }
        }
        if (rc == DJ_OK && m == 1) {
            rc = add(d, org, "org_life_meeting", "年度专题组织生活会", y, 1, 22, 9, 0, 180, 0, 0, "支部会议室",
                     "对照检查、批评与自我批评", NULL, NULL);
            if (rc == DJ_OK && !skip(bi, "democratic_review", 0))
                rc = add(d, org, "democratic_review", "年度民主评议党员", y, 1, 22, 14, 30, 120, 0, 0, "支部会议室",
                         NULL, NULL, NULL);
        }
        if (rc == DJ_OK && m == 3)
            rc = add(d, org, "heart_talk", "支委与党员谈心谈话", y, 3, 26, 10, 0, 60, 0, 0, "书记办公室", NULL, NULL,
                     NULL);
        if (rc == DJ_OK && m == 5)
            rc = add(d, org, "education_visit", "警示教育：参观廉政教育基地", y, 5, 16, 9, 0, 180, 2, 0,
                     "市廉政教育基地", "以案为鉴、以案促改", NULL, NULL);
        if (rc == DJ_OK && (m == 3 || m == 9))
            rc = add(d, org, "volunteer", m == 3 ? "学雷锋志愿服务：社区义诊与政策宣传" : "助力创文：文明交通志愿服务",
                     y, m, 5 + bi % 3, 8, 30, 180, 0, 3, "社区服务站", NULL, NULL, NULL);
    }
    return rc;
}

/* 党小组会 each month in each group of the branch. */
static int groups_year(struct demo *d, int64_t branch)
{
    json_t *groups = db_query_rows(d->c, NULL, "SELECT id, name FROM orgs WHERE parent_id = $1 AND kind = 'group'"
                                               " AND dissolved_on IS NULL ORDER BY id",
                                   "i", branch);
    if (!groups)
        return DJ_EDB;
    int rc = DJ_OK;
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g) {
        for (int m = 1; m <= d->month && rc == DJ_OK; m++) {
            char title[256];
            snprintf(title, sizeof title, "%s%d月党小组会", dj_jstr(g, "name", ""), m);
            rc = add(d, dj_jint(g, "id", 0), "group_meeting", title, d->year, m, 12, 16, 30, 60, 0, 0, "小组办公室",
                     NULL, NULL, NULL);
        }
    }
    json_decref(groups);
    return rc;
}

/* The 理论学习中心组 of the agency's committee: 31 sessions up to today (the article's count). */
static int central_group(struct demo *d, int64_t root)
{
    /* its members: the leading full members (lowest ids), at most 15 */
    json_t *ids = db_query_rows(d->c, NULL,
                                "SELECT id FROM people WHERE party_status = 'full' AND active = 1 ORDER BY id LIMIT 15", "");
    if (!ids)
        return DJ_EDB;
    dj_buf list = {0};
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) dj_buf_printf(&list, "%s%lld", i ? "," : "", (long long)dj_jint(v, "id", 0));
    json_decref(ids);
    if (!list.len)
        dj_buf_puts(&list, "0"); /* no roster yet: the sessions are still on record */
    /* spread 31 sessions over the days from 8 January to 3 days ago (or 28 December of a past year) */
    int64_t first = dj_local_midnight(d->year, 1, 8), last = d->now - 3 * 86400;
    if (last > dj_local_midnight(d->year, 12, 28))
        last = dj_local_midnight(d->year, 12, 28);
    int rc = DJ_OK;
    for (int k = 0; k < 31 && rc == DJ_OK && last > first; k++) {
        int64_t t = first + (last - first) * k / 30;
        int y, m, dd;
        dj_local_date(t, &y, &m, &dd);
        char title[256];
        snprintf(title, sizeof title, "理论学习中心组第%d次专题学习：%s", k + 1, study_topics[k % 12]);
        rc = add(d, root, "study_session", title, y, m, dd, 9, 0, 180, 3, 0, "机关党委会议室", study_topics[k % 12],
                 NULL, dj_buf_cstr(&list));
    }
    dj_buf_free(&list);
    return rc;
}

/* 党工妇青: a few activities of the union, women's and youth organisations. */
static int mass_orgs(struct demo *d)
{
    json_t *orgs = db_query_rows(d->c, NULL, "SELECT id, kind, name FROM orgs WHERE kind IN ('union', 'women', 'youth')"
                                             " AND dissolved_on IS NULL ORDER BY id",
                                 "");
    if (!orgs)
        return DJ_EDB;
    json_t *ids = db_query_rows(d->c, NULL, "SELECT id FROM people WHERE active = 1 ORDER BY id LIMIT 40", "");
    dj_buf list = {0};
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) dj_buf_printf(&list, "%s%lld", i ? "," : "", (long long)dj_jint(v, "id", 0));
    json_decref(ids);
    int rc = DJ_OK;
    json_array_foreach(orgs, i, v) {
        const char *k = dj_jstr(v, "kind", "");
        bool u = strcmp(k, "union") == 0, w = strcmp(k, "women") == 0;
        const char *kind = u ? "union_activity" : w ? "women_activity" : "youth_activity";
        static const char *const tu[] = {"职工趣味运动会", "“书香机关”读书分享会", "职工健康讲座"};
        static const char *const tw[] = {"“三八”节巾帼志愿服务", "家庭家教家风分享会", "女职工健康讲座"};
        static const char *const ty[] = {"“五四”青年座谈会", "青年理论学习小组", "青年志愿者进社区"};
        const char *const *t = u ? tu : w ? tw : ty;
        int months[] = {3, 5, 10};
        for (int j = 0; j < 3 && rc == DJ_OK; j++)
            if (months[j] <= d->month)
                rc = add(d, dj_jint(v, "id", 0), kind, t[j], d->year, months[j], 8 + 4 * j, 15, 0, 120, 0,
                         j == 2 && !u && !w ? 2 : 0, "机关活动中心", NULL, NULL, list.len ? dj_buf_cstr(&list) : "0");
    }
    json_decref(orgs);
    dj_buf_free(&list);
    return rc;
}

/* One year's organisational life: every branch's, the groups', the committee's
 * 中心组 and the 党工妇青's, up to d->month of d->year. */
static int demo_year(struct demo *d, json_t *branches)
{
    int rc = DJ_OK;
    size_t i;
    json_t *b;
    json_array_foreach(branches, i, b) {
        if (rc != DJ_OK)
            break;
        rc = branch_year(d, dj_jint(b, "id", 0), dj_jstr(b, "name", ""), (int)i);
        if (rc == DJ_OK)
            rc = groups_year(d, dj_jint(b, "id", 0));
    }
    int64_t root = 0;
    if (rc == DJ_OK &&
        db_query_i64(d->c, &root, "SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1", "") == DJ_OK)
        rc = central_group(d, root);
    if (rc == DJ_OK)
        rc = mass_orgs(d);
    return rc;
}

int life_demo_load(db_conn *c, const char *password_hash)
{
    (void)password_hash;
    struct demo d = {.c = c, .now = dj_now(), .seed = 20260701u};
    int year, month;
    dj_local_date(d.now, &year, &month, &d.day);
    int64_t admin = 0;
    db_query_i64(c, &admin, "SELECT id FROM users WHERE login = 'admin'", "");
    d.creator = admin;
    json_t *branches = db_query_rows(c, NULL,
                                     "SELECT id, name FROM orgs WHERE kind IN ('branch', 'general_branch')"
                                     " AND dissolved_on IS NULL ORDER BY path",
                                     "");
    if (!branches)
        return DJ_EDB;
    /* last year in full, then this year up to today: the demo tells the same
     * story on any day it is loaded, 1 January included */
    d.year = year - 1;
    d.month = 12;
    int rc = demo_year(&d, branches);
    d.year = year;
    d.month = month;
    if (rc == DJ_OK)
        rc = demo_year(&d, branches);
    json_decref(branches);
    if (rc != DJ_OK)
        fprintf(stderr, "dangjian demo: organisational life: %s\n", db_errmsg(c));
    return rc;
}
