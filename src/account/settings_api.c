/* settings_api.c - the agency's settings: the numbers DOMAIN.md marks
 * configurable, changed by the system administrator (settings.write), and the
 * security baseline (security.*, session.*, audit.*), changed only by the
 * security administrator (security.manage).  Only declared keys can be set,
 * each checked against its type and range; every change is audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/err.h"
#include "../core/settings.h"
#include "account.h"

struct setting_def {
    const char *key;
    const char *label; /* Chinese, shown in the console */
    const char *group;
    bool is_int;
    int64_t min, max;
    const char *def;
    const char *const *choices; /* a text setting that is one of these (NULL-terminated), or NULL */
};

static const char *const lecture_periods[] = {"month", "quarter", "year", NULL};

/* Every setting a user may change. A subject adding a setting adds a line. */
static const struct setting_def defs[] = {
    {"agency.name", "单位名称（机关党委）", "基本信息", false, 1, 60, "机关党委"},
    {"security.lockout_threshold", "同一账号同一地址失败几次后延迟", "安全", true, 3, 20, "5"},
    {"security.lockout_minutes", "登录失败最长延迟（分钟）", "安全", true, 1, 1440, "15"},
    {"security.account_threshold", "同一账号累计失败几次后延迟", "安全", true, 10, 200, "20"},
    {"security.address_threshold", "同一地址累计失败几次后延迟", "安全", true, 10, 1000, "30"},
    {"session.office_idle_minutes", "管理岗位会话空闲超时（分钟）", "安全", true, 5, 240, "30"},
    {"session.member_idle_minutes", "党员手机会话空闲超时（分钟）", "安全", true, 30, 43200, "10080"},
    {"session.office_max_hours", "管理岗位会话最长有效期（小时）", "安全", true, 1, 72, "12"},
    {"session.member_max_days", "党员手机会话最长有效期（天）", "安全", true, 1, 365, "30"},
    {"audit.retention_days", "审计记录保留天数（不少于180天）", "安全", true, 180, 3650, "180"},
    /* issue 3: organisations */
    {"orgs.term_warning_days", "换届提醒：任期届满前多少天开始预警", "组织", true, 7, 365, "90"},
    /* issue 4: organisational life */
    {"life.checkin_open_minutes", "活动开始前多少分钟开放签到", "组织生活", true, 0, 1440, "30"},
    {"life.checkin_close_minutes", "活动结束后多少分钟停止签到", "组织生活", true, 0, 1440, "30"},
    {"life.party_lecture_period", "党课要求周期", "组织生活", false, 4, 7, "quarter", lecture_periods},
    {"life.study_hours_min", "党员每年集中学习最低学时", "组织生活", true, 1, 200, "32"},
    {"life.todo_warn_days", "要求未落实时提前几天提醒书记", "组织生活", true, 1, 90, "7"},
    /* issue 19: 学习园地 */
    {"study.minutes_per_hour", "线上学习多少分钟折合 1 学时", "学习园地", true, 10, 120, "45"},
    {"study.online_hours_cap_year", "线上学习每年最多计入学时（0 不限）", "学习园地", true, 0, 200, "0"},
    {"study.beat_seconds", "阅读计时心跳间隔（秒）", "学习园地", true, 1, 60, "15"},
    /* issue 5: points */
    {"points.base_score", "积分年度基础分", "积分", true, 0, 1000, "60"},
    {"points.allow_negative", "积分可低于零（1 是，0 否）", "积分", true, 0, 1, "0"},
    {"points.honour_roll_size", "红榜默认人数", "积分", true, 3, 100, "10"},
    /* issue 6: work lists */
    {"lists.due_soon_days", "清单事项临期提醒天数（到期前几天列入待办）", "工作清单", true, 1, 60, "7"},
    /* issue 14: the file store */
    {"files.max_file_mb", "单个文件大小上限（MB）", "文件", true, 1, 200, "20"},
    {"files.max_video_mb", "单个视频大小上限（MB）", "文件", true, 1, 2048, "200"},
    {"files.daily_quota_mb", "每人每日上传量上限（MB）", "文件", true, 10, 100000, "500"},
    {"files.orphan_days", "未挂到任何记录的上传保留天数", "文件", true, 1, 3650, "30"},
    /* issue 7: assessment and dashboard */
    {"assess.publicity_days", "先进党支部评选公示期（工作日，不少于5个）", "量化考评", true, 5, 30, "5"},
    {"dashboard.refresh_seconds", "领导驾驶舱大屏自动刷新间隔（秒）", "量化考评", true, 10, 3600, "60"},
    /* issue 16: party dues */
    {"dues.backpay_max_months", "补交党费一般不超过的月数", "党费", true, 1, 24, "6"},
    {"dues.advance_max_months", "最多可预交几个月的党费", "党费", true, 0, 12, "3"},
    {"dues.warn_months", "连续几个月未交党费时提醒", "党费", true, 1, 12, "3"},
    {"dues.flag_months", "连续几个月未交党费时按党章第九条标示", "党费", true, 2, 24, "6"},
    {"dues.declaration_month", "年度党费基数申报的月份", "党费", true, 1, 12, "1"},
    /* issue 18: notifications */
    {"notify.quiet_start_hour", "免打扰开始（时，0–23；与结束相同则不设免打扰）", "消息通知", true, 0, 23, "22"},
    {"notify.quiet_end_hour", "免打扰结束（时，0–23）", "消息通知", true, 0, 23, "7"},
    {"notify.retry_base_seconds", "发送失败后首次重试间隔（秒，之后逐次加倍，最长1小时）", "消息通知", true, 1, 3600, "30"},
    {"notify.max_attempts", "每条消息最多尝试发送次数", "消息通知", true, 1, 20, "8"},
    {"life.reminder_minutes", "会议开始前多少分钟提醒参会人员（0 不提醒）", "消息通知", true, 0, 1440, "60"},
    {"lists.notify_due_days", "清单事项到期前几天提醒责任人", "消息通知", true, 1, 30, "3"},
    /* issue 15: 发展党员 */
    {"development.notice_days", "发展党员公示期（工作日，不少于5个）", "发展党员", true, 5, 30, "5"},
    {"development.notice_steps", "须先公示的步骤（步骤序号，逗号分隔；默认 7,13,23，可加 3）", "发展党员", false, 1, 20, "7,13,23"},
};

static const struct setting_def *find_def(const char *key)
{
    for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++)
        if (strcmp(defs[i].key, key) == 0)
            return &defs[i];
    return NULL;
}

/* The security baseline is the security administrator's, everything else the system administrator's. */
static const char *perm_of(const struct setting_def *d)
{
    return strncmp(d->key, "security.", 9) == 0 || strncmp(d->key, "session.", 8) == 0 ||
                   strncmp(d->key, "audit.", 6) == 0
               ? "security.manage"
               : "settings.write";
}

static json_t *settings_json(dj_req *r, db_conn *c)
{
    json_t *items = json_array();
    for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++) {
        char *v = dj_setting_text(c, defs[i].key, defs[i].def);
        json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "key", defs[i].key, "label", defs[i].label, "group",
                              defs[i].group, "type", defs[i].is_int ? "int" : "text");
        if (defs[i].is_int) {
            json_object_set_new(o, "value", json_integer(strtoll(v, NULL, 10)));
            json_object_set_new(o, "min", json_integer(defs[i].min));
            json_object_set_new(o, "max", json_integer(defs[i].max));
        } else {
            json_object_set_new(o, "value", json_string(v));
            json_object_set_new(o, "max_length", json_integer(defs[i].max));
            if (defs[i].choices) {
                json_t *ch = json_array();
                for (const char *const *c2 = defs[i].choices; *c2; c2++)
                    json_array_append_new(ch, json_string(*c2));
                json_object_set_new(o, "type", json_string("choice"));
                json_object_set_new(o, "choices", ch);
            }
        }
        free(v);
        if (r)
            json_object_set_new(o, "editable", json_boolean(auth_has_perm(r, perm_of(&defs[i]))));
        json_array_append_new(items, o);
    }
    return json_pack("{s:o}", "items", items);
}

static int settings_get(dj_req *r)
{
    return dj_reply_json(r, 200, settings_json(r, dj_db(r)));
}

/* Body: {"key": value, ...}; all or nothing. */
static int settings_patch(dj_req *r)
{
    if (r->body_len == 0)
        return dj_fail(r, DJ_EINVAL, NULL, "请求内容为空，应为 {\"设置项\": 值}");
    json_error_t jerr;
    json_t *in = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(in)) {
        json_decref(in);
        return dj_fail_code(r, DJ_EINVAL, "invalid_json", NULL, "JSON 格式错误，应为 {\"设置项\": 值}");
    }
    const char *key;
    json_t *v;
    int rc = DJ_OK;
    json_object_foreach(in, key, v) {
        const struct setting_def *d = find_def(key);
        if (!d) {
            rc = dj_fail_code(r, DJ_EINVAL, "unknown_field", dj_arena_strdup(r->arena, key), "没有名为“%.60s”的设置项", key);
            break;
        }
        if (!auth_has_perm(r, perm_of(d))) {
            rc = dj_fail(r, DJ_EFORBIDDEN, d->key, "“%s”由%s设置", d->label,
                         strcmp(perm_of(d), "security.manage") == 0 ? "安全管理员" : "系统管理员");
            break;
        }
        if (d->is_int && (!json_is_integer(v) || json_integer_value(v) < d->min || json_integer_value(v) > d->max)) {
            rc = dj_fail(r, DJ_EINVAL, d->key, "“%s”应为 %lld 到 %lld 之间的整数", d->label, (long long)d->min,
                         (long long)d->max);
            break;
        }
        if (!d->is_int && (!json_is_string(v) || dj_utf8_len(json_string_value(v)) > (size_t)d->max ||
                           dj_str_blank(json_string_value(v)))) {
            rc = dj_fail(r, DJ_EINVAL, d->key, "“%s”应为不超过 %lld 个字的文字，且不能为空", d->label, (long long)d->max);
            break;
        }
        bool listed = !d->choices;
        for (const char *const *c2 = d->choices; c2 && *c2 && !listed; c2++)
            listed = strcmp(*c2, json_string_value(v)) == 0;
        if (!listed) {
            rc = dj_fail(r, DJ_EINVAL, d->key, "“%s”只能从给出的选项中选择", d->label);
            break;
        }
    }
    db_conn *c = dj_db(r);
    json_t *before = rc == DJ_OK ? settings_json(NULL, c) : NULL;
    if (rc == DJ_OK)
        rc = db_begin(c);
    if (rc == DJ_OK) {
        json_object_foreach(in, key, v) {
            char num[24];
            const char *text = json_is_integer(v) ? (snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v)), num)
                                                  : json_string_value(v);
            if ((rc = dj_setting_set(c, key, text)) != DJ_OK)
                break;
        }
        if (rc == DJ_OK)
            rc = audit_write(c, r, "update", "settings", 0, before, in);
        rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    }
    json_decref(before);
    json_decref(in);
    if (rc != DJ_OK)
        return rc;
    auth_cache_invalidate(); /* a session limit reaches open sessions at once */
    return dj_reply_json(r, 200, settings_json(r, c));
}

const struct dj_route settings_routes[] = {
    {"GET", "/api/v1/settings", settings_get, "settings.read", 0, 0},
    /* each key needs settings.write or security.manage (perm_of), checked in the handler */
    {"PATCH", "/api/v1/settings", settings_patch, "settings.read", 0, 0},
    {0},
};
