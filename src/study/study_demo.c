/* study_demo.c - the demo agency's 学习园地, relative to the clock: materials in every
 * column published over the past weeks (the 规章制度 column holds the rules the platform
 * enforces), a year of reading by the first branch's members through the real heartbeat
 * path (so their 学时 and points come the way a phone's would), a committee assignment
 * due in ten days that some have finished, a published quiz with a few attempts, and a
 * notice that part of the agency has read.  For trying the product only. */
#include <stdio.h>
#include <string.h>

#include "../core/err.h"
#include "../core/timeutil.h"
#include "study_int.h"

struct demo_material {
    const char *column, *kind, *title, *summary, *body, *url;
    int64_t length_seconds;
    int days_ago; /* published */
};

static const struct demo_material materials[] = {
    {"理论学习", "article", "深入学习贯彻党的二十届四中全会精神", "全会精神要点与机关贯彻落实举措",
     "<h3>一、深刻领会全会的重大意义</h3><p>全会是在关键时期召开的一次十分重要的会议。机关各级党组织要把学习贯彻全会精神作为当前和今后一个时期的首要政治任务，"
     "以理论学习中心组专题学习、支部集中学习、党员个人自学相结合的方式，做到学深悟透、融会贯通。</p>"
     "<h3>二、准确把握全会提出的目标任务</h3><p>围绕全会部署，结合机关职能，把学习成果转化为推动工作的具体举措，做到学以致用、知行合一。</p>"
     "<h3>三、抓好贯彻落实</h3><ul><li>各支部在本月主题党日中安排专题学习；</li><li>党员每人撰写学习心得；</li>"
     "<li>机关党委组织专题测试，检验学习成效。</li></ul>",
     NULL, 300, 6},
    {"理论学习", "article", "以党建引领模范机关建设", "“1234”工作体系的做法与经验",
     "<p>突出一个重点，落实两个责任，聚焦三项创新，整合四个维度。机关党建与业务工作同谋划、同部署、同落实，"
     "以“党建+业务”推动各项工作提质增效。</p><p>各支部要结合“一支部一品牌”创建，打造学习型、服务型、创新型机关。</p>",
     NULL, 240, 20},
    {"党纪学习", "article", "《中国共产党纪律处分条例》学习要点", "六项纪律逐条解读",
     "<p>党纪学习教育要坚持读原文、学原文、悟原理，做到学纪、知纪、明纪、守纪。</p>"
     "<p><strong>政治纪律</strong>是最重要、最根本、最关键的纪律；<strong>组织纪律</strong>、<strong>廉洁纪律</strong>、"
     "<strong>群众纪律</strong>、<strong>工作纪律</strong>、<strong>生活纪律</strong>共同构成纪律的完整体系。</p>",
     NULL, 360, 12},
    {"规章制度", "article", "党员教育管理工作条例（摘要）", "党员每年集中学习不少于32学时",
     "<p>第二十条：党员每年集中学习培训时间一般不少于32学时。本平台把线上学习学时与组织生活学时合并计算，"
     "并在党员手机端和支部报表中显示完成情况。</p>",
     NULL, 120, 40},
    {"规章制度", "article", "中国共产党支部工作条例（试行）组织生活要求", "三会一课、主题党日、组织生活会",
     "<p>支部党员大会一般每季度召开1次，支部委员会一般每月召开1次，党小组会一般每月召开1次，党课一般每季度1次，"
     "主题党日一般每月1次；组织生活会一般每年召开1次。本平台按这些频次提示和统计各支部的落实情况。</p>",
     NULL, 150, 40},
    {"典型案例", "article", "身边的榜样：扎根一线的“老黄牛”", "先进党员事迹",
     "<p>他三十年如一日坚守在服务群众第一线，把群众的操心事、烦心事、揪心事当作自己的事来办，"
     "用实际行动诠释了共产党员的初心使命。</p>",
     NULL, 180, 9},
    {"典型案例", "link", "警示教育案例选编（外部链接）", "违反中央八项规定精神典型问题通报", NULL,
     "https://www.ccdi.gov.cn/", 600, 15},
    {"业务知识", "article", "公文处理常见问题与规范", "机关公文写作要点",
     "<p>公文标题应当准确简要地概括公文的主要内容；正文结构层次序数依次为“一、”“（一）”“1.”“（1）”。</p>",
     NULL, 200, 3},
};

static int64_t column_id(db_conn *c, const char *name)
{
    int64_t id = 0;
    db_query_i64(c, &id, "SELECT id FROM study_columns WHERE name = $1", "t", name);
    return id;
}

static int demo_materials(db_conn *c, int64_t now, int64_t *ids, size_t n)
{
    int rc = DJ_OK;
    for (size_t i = 0; i < n && rc == DJ_OK; i++) {
        const struct demo_material *m = &materials[i];
        char at[21];
        dj_time_iso(now - (int64_t)m->days_ago * 86400, at);
        rc = db_query_i64(c, &ids[i],
                          "INSERT INTO study_materials (column_id, org_id, kind, title, summary, body, url, length_seconds,"
                          " state, published_at, created_at, updated_at) VALUES ($1, 1, $2, $3, $4, $5, $6, $7,"
                          " 'published', $8, $8, $8) RETURNING id",
                          "ittttti" "t", column_id(c, m->column), m->kind, m->title, m->summary, m->body, m->url,
                          m->length_seconds, at);
        if (rc == DJ_OK)
            rc = study_index_material(c, ids[i]);
    }
    return rc;
}

/* Reads a material through the heartbeat path, beats every 15 s from `from`, for
 * `seconds` of visible, active reading. */
static int demo_read(db_conn *c, int64_t person, int64_t material, int64_t from, int64_t seconds, int session_no)
{
    char session[32];
    snprintf(session, sizeof session, "demo-%lld-%d", (long long)person, session_no);
    struct study_beat b = {person, material, session, 1, true, true};
    struct study_beat_result res;
    int rc = DJ_OK;
    for (int64_t t = 0; t <= seconds && rc == DJ_OK; t += 15, b.seq++)
        rc = study_beat_record(c, &b, from + t, &res);
    return rc;
}

/* The first branch's party members read the materials (the demo member leaves the
 * newest unread, so the phone shows an assignment to finish). */
static int demo_reading(db_conn *c, int64_t now, const int64_t *ids, size_t n, int64_t member)
{
    int rc = DJ_OK;
    int err = 0;
    /* the first branch's party members (the demo member's branch) */
    json_t *people = db_query_rows(c, &err,
                                   "SELECT p.id FROM people p JOIN orgs o ON o.id = p.org_id WHERE o.path LIKE"
                                   " (SELECT path FROM orgs WHERE kind = 'branch' ORDER BY sort, id LIMIT 1) || '%'"
                                   " AND p.active = 1 AND p.party_status IN " STUDY_MEMBER_STATUS " ORDER BY p.id",
                                   "");
    if (!people)
        return err;
    size_t i;
    json_t *p;
    json_array_foreach(people, i, p) {
        int64_t id = dj_jint(p, "id", 0);
        /* most have read the older materials; the newest ones only some */
        for (size_t k = 0; k < n && rc == DJ_OK; k++) {
            if (materials[k].days_ago < 7 && (i % 3 != 0 || id == member))
                continue;
            if ((i + k) % 4 == 3)
                continue;
            int64_t start = now - (int64_t)(materials[k].days_ago - 1) * 86400 + (int64_t)(i % 8) * 3600;
            /* a few stop halfway */
            int64_t len = (i + k) % 5 == 4 ? materials[k].length_seconds / 2 : materials[k].length_seconds + 15;
            rc = demo_read(c, id, ids[k], start, len, (int)k);
        }
        if (rc)
            break;
    }
    json_decref(people);
    return rc;
}

static int demo_assignment(db_conn *c, int64_t now, const int64_t *ids)
{
    int rc;
    /* the committee's assignment: the plenary article and the discipline rules, due in ten days */
    int y, m, d;
    dj_local_date(now + 10 * 86400, &y, &m, &d);
    char due[16];
    snprintf(due, sizeof due, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    json_t *in = json_pack("{s:i, s:s, s:s, s:s, s:[I,I], s:[i]}", "org_id", 1, "title", "学习贯彻四中全会精神专题学习",
                           "note", "请各支部党员在截止日期前学完两篇材料，支部书记督促未完成的同志。", "due_on", due,
                           "material_ids", (json_int_t)ids[0], (json_int_t)ids[2], "org_ids", 1);
    int64_t aid = 0;
    bool replayed = false;
    rc = study_assignment_create(c, in, 0, &aid, &replayed);
    json_decref(in);
    return rc;
}

static int demo_quiz(db_conn *c, int64_t member)
{
    int rc, err = 0;
    size_t i;
    json_t *p;
    /* a published quiz and the attempts of some members */
    json_t *quiz = json_pack(
        "{s:i, s:s, s:i, s:i, s:i, s:[{s:s, s:s, s:[s,s,s,s], s:s, s:s}, {s:s, s:s, s:[s,s,s,s], s:s, s:s},"
        " {s:s, s:s, s:s, s:s}, {s:s, s:s, s:[s,s,s,s], s:s, s:s}, {s:s, s:s, s:s, s:s}]}",
        "org_id", 1, "title", "四中全会精神和党纪知识测试", "pass_percent", 60, "time_limit_min", 20, "draw_count", 0,
        "questions", "kind", "single", "stem", "党员每年集中学习培训时间一般不少于多少学时？", "options", "16", "24", "32",
        "48", "answer", "C", "explanation", "《党员教育管理工作条例》第二十条。", "kind", "multi", "stem",
        "下列属于党的六项纪律的有：", "options", "政治纪律", "组织纪律", "廉洁纪律", "宣传纪律", "answer", "ABC",
        "explanation", "六项纪律：政治、组织、廉洁、群众、工作、生活纪律。", "kind", "judge", "stem",
        "支部党员大会一般每季度召开1次。", "answer", "对", "explanation", "《中国共产党支部工作条例（试行）》。", "kind",
        "single", "stem", "主题党日一般多久开展一次？", "options", "每周", "每月", "每季度", "每年", "answer", "B",
        "explanation", "主题党日一般每月开展1次。", "kind", "judge", "stem", "组织生活会一般每季度召开1次。", "answer", "错",
        "explanation", "组织生活会一般每年召开1次。");
    int64_t qid = 0;
    const char *field = NULL, *why = NULL;
    rc = study_quiz_save(c, 0, quiz, 0, &qid, &field, &why);
    json_decref(quiz);
    if (rc == DJ_OK)
        rc = db_exec(c, "UPDATE study_quizzes SET state = 'published' WHERE id = $1", "i", qid);
    json_t *qs = rc == DJ_OK ? db_query_rows(c, &err, "SELECT id, answer FROM study_questions WHERE quiz_id = $1 ORDER BY sort",
                                             "i", qid)
                             : NULL;
    json_t *people = qs ? db_query_rows(c, &err, "SELECT p.id FROM people p WHERE p.active = 1 AND p.party_status IN "
                                         STUDY_MEMBER_STATUS " AND p.id <> $1 ORDER BY p.id LIMIT 12",
                                "i", member)
                : NULL;
    if (!people) {
        json_decref(qs);
        return rc ? rc : err;
    }
    json_array_foreach(people, i, p) {
        char key[48];
        snprintf(key, sizeof key, "demo-attempt-%zu", i);
        json_t *att = study_attempt_start(c, qid, dj_jint(p, "id", 0), key, &err);
        if (!att) {
            rc = err;
            break;
        }
        json_t *answers = json_object();
        size_t j;
        json_t *q;
        json_array_foreach(qs, j, q) {
            char k[24];
            snprintf(k, sizeof k, "%lld", (long long)dj_jint(q, "id", 0));
            /* most answer right; every third member misses the last two */
            bool right = i % 3 != 2 || j < 3;
            const char *a = dj_jstr(q, "answer", "A");
            json_object_set_new(answers, k, json_string(right ? a : strcmp(a, "T") == 0 ? "F" : "T"));
        }
        json_t *res = study_attempt_submit(c, dj_jint(att, "id", 0), answers, &err, &why);
        if (!res)
            rc = err;
        json_decref(res);
        json_decref(answers);
        json_decref(att);
        if (rc)
            break;
    }
    json_decref(people);
    json_decref(qs);
    return rc;
}

static int demo_notice(db_conn *c, int64_t now, int64_t member)
{
    int rc, y, m, d;
    char due[16];
    bool replayed = false;
    /* a notice to the whole agency, read by part of it */
    dj_local_date(now + 3 * 86400, &y, &m, &d);
    snprintf(due, sizeof due, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    json_t *notice = json_pack("{s:i, s:s, s:s, s:s}", "org_id", 1, "title", "关于开展本月主题党日活动的通知", "body",
                               "各党支部：\n请于本月内围绕“学习贯彻全会精神”开展主题党日活动，活动结束后在平台上传记录和照片。\n\n机关党委",
                               "read_by", due);
    int64_t nid = 0;
    rc = study_notice_create(c, notice, 0, &nid, &replayed);
    json_decref(notice);
    char read_at[21];
    dj_time_iso(now - 3600, read_at);
    if (rc == DJ_OK)
        rc = db_exec(c,
                     "INSERT INTO study_notice_reads (notice_id, person_id, read_at)"
                     " SELECT $1, p.id, $2 FROM people p WHERE p.active = 1 AND p.org_id IS NOT NULL AND p.id % 3 <> 0"
                     " AND p.id <> $3",
                     "iti", nid, read_at, member);
    return rc;
}

int study_demo_load(db_conn *c, const char *password_hash)
{
    (void)password_hash;
    int64_t now = dj_now();
    size_t n = sizeof materials / sizeof materials[0];
    int64_t ids[sizeof materials / sizeof materials[0]];
    int64_t member = 0;
    int rc = demo_materials(c, now, ids, n);
    db_query_i64(c, &member, "SELECT person_id FROM users WHERE login = 'demo-member'", "");
    if (rc == DJ_OK)
        rc = demo_reading(c, now, ids, n, member);
    if (rc == DJ_OK)
        rc = demo_assignment(c, now, ids);
    if (rc == DJ_OK)
        rc = demo_quiz(c, member);
    if (rc == DJ_OK)
        rc = demo_notice(c, now, member);
    return rc;
}
