/* points_claims.c - the rule catalogue (versions with effective dates) and claims
 * (申报): a member asks for points the system cannot see, the branch decides. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/mem.h"
#include "../core/notify.h"
#include "../core/timeutil.h"
#include "points.h"

static void copy(char *dst, size_t n, const char *s) { snprintf(dst, n, "%s", s ? s : ""); }

int points_rule_at(db_conn *c, const char *code, const char *date, struct points_rule *out)
{
    memset(out, 0, sizeof *out);
    db_stmt *s = db_prep(c, "SELECT id, version, code, name, category, source, activity_kind, effective_from, points,"
                            " min_quantity, cap_day, cap_month, cap_year, needs_approval, active, several_a_day FROM points_rules"
                            " WHERE code = $1 AND effective_from <= $2 ORDER BY effective_from DESC LIMIT 1");
    if (!s)
        return DJ_EDB;
    db_bind(s, "tt", code, date);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        out->id = db_col_i64(s, 0);
        out->version = db_col_i64(s, 1);
        copy(out->code, sizeof out->code, db_col_text(s, 2));
        copy(out->name, sizeof out->name, db_col_text(s, 3));
        copy(out->category, sizeof out->category, db_col_text(s, 4));
        copy(out->source, sizeof out->source, db_col_text(s, 5));
        copy(out->activity_kind, sizeof out->activity_kind, db_col_text(s, 6));
        copy(out->effective_from, sizeof out->effective_from, db_col_text(s, 7));
        out->points = db_col_i64(s, 8);
        out->min_quantity = db_col_i64(s, 9);
        out->cap_day = db_col_i64(s, 10);
        out->cap_month = db_col_i64(s, 11);
        out->cap_year = db_col_i64(s, 12);
        out->needs_approval = db_col_i64(s, 13) != 0;
        out->active = db_col_i64(s, 14) != 0;
        out->several_a_day = db_col_i64(s, 15) != 0;
        rc = DJ_OK;
    } else if (rc == DB_DONE) {
        rc = DJ_ENOTFOUND;
    }
    db_done(s);
    return rc;
}

json_t *points_rules_list(db_conn *c, bool all, int *err)
{
    if (all)
        return db_query_rows(c, err,
                             "SELECT id, code, version, effective_from, name, category, points, cap_day, cap_month,"
                             " cap_year, source, activity_kind, min_quantity, needs_approval AS needs_approval__bool,"
                             " active AS active__bool, several_a_day AS several_a_day__bool, created_at"
                             " FROM points_rules ORDER BY code, version",
                             "");
    /* the latest version of each code: the one in force, or the one that will be */
    return db_query_rows(c, err,
                         "SELECT id, code, version, effective_from, name, category, points, cap_day, cap_month,"
                         " cap_year, source, activity_kind, min_quantity, needs_approval AS needs_approval__bool,"
                         " active AS active__bool, several_a_day AS several_a_day__bool, created_at,"
                         " (SELECT COUNT(*) FROM points_rules v WHERE v.code = r.code) AS versions"
                         " FROM points_rules r WHERE version = (SELECT MAX(v.version) FROM points_rules v"
                         " WHERE v.code = r.code) ORDER BY category, code",
                         "");
}

int points_rule_save(db_conn *c, const json_t *in, int64_t user_id, int64_t *id, const char **field,
                     const char **msg)
{
    const char *code = dj_jstr(in, "code", "");
    const char *source = dj_jstr(in, "source", "");
    const char *from = dj_jstr(in, "effective_from", "");
    int64_t points = dj_jint(in, "points", 0);
    *field = NULL;
    for (const char *p = code; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) {
            *field = "code";
            *msg = "规则代码只能包含小写字母、数字和下划线";
            return DJ_EINVAL;
        }
    if (points == 0) {
        *field = "points";
        *msg = "分值不能为 0";
        return DJ_EINVAL;
    }
    if (points < 0 && strcmp(source, "manual") != 0) {
        *field = "points";
        *msg = "扣分规则只能由党委手工记录（来源须为 manual）";
        return DJ_EINVAL;
    }
    if (strcmp(source, "attendance") == 0 && !dj_jstr(in, "activity_kind", NULL)) {
        *field = "activity_kind";
        *msg = "出勤类规则须指定活动类型";
        return DJ_EINVAL;
    }
    int err = 0;
    json_t *last = db_query_row(c, &err,
                                "SELECT version, effective_from FROM points_rules WHERE code = $1"
                                " ORDER BY version DESC LIMIT 1",
                                "t", code);
    int64_t version = 1;
    if (last) {
        version = dj_jint(last, "version", 0) + 1;
        bool later = strcmp(from, dj_jstr(last, "effective_from", "")) > 0;
        json_decref(last);
        if (!later) {
            *field = "effective_from";
            *msg = "新版本的生效日期须晚于当前版本的生效日期（已给出的积分不会被改写）";
            return DJ_ECONFLICT;
        }
    } else if (err != DJ_ENOTFOUND) {
        return err;
    }
    char now[21];
    dj_time_iso(dj_now(), now);
    db_stmt *s = db_prep(c, "INSERT INTO points_rules (code, version, effective_from, name, category, points, cap_day,"
                            " cap_month, cap_year, source, activity_kind, min_quantity, needs_approval, active,"
                            " created_by, created_at, several_a_day) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
                            " $11, $12, $13, $14, $15, $16, $17) RETURNING id");
    if (!s)
        return DJ_EDB;
    db_bind(s, "titttiIIIttibbItb", code, version, from, dj_jstr(in, "name", ""), dj_jstr(in, "category", ""), points,
            dj_jint(in, "cap_day", 0), dj_jint(in, "cap_month", 0), dj_jint(in, "cap_year", 0), source,
            dj_jstr(in, "activity_kind", NULL), dj_jint(in, "min_quantity", 0),
            (int)(dj_jbool(in, "needs_approval", strcmp(source, "claim") == 0)), (int)dj_jbool(in, "active", true),
            user_id, now, (int)dj_jbool(in, "several_a_day", false));
    int rc = db_step(s);
    if (rc == DB_ROW) {
        *id = db_col_i64(s, 0);
        rc = DJ_OK;
    } else if (rc == DB_DONE) {
        rc = DJ_EDB;
    }
    db_done(s);
    return rc;
}

/* "2026年12月3日" of a YYYY-MM-DD or an ISO instant. */
static void cn_date(const char *s, char out[32])
{
    int y = 0, m = 0, d = 0;
    int64_t t;
    if (s && strlen(s) == 10 && dj_date_parse(s, &y, &m, &d) == DJ_OK)
        ;
    else if (s && dj_time_parse(s, &t) == DJ_OK)
        dj_local_date(t, &y, &m, &d);
    snprintf(out, 32, "%d年%d月%d日", y, m, d);
}

/* One deed, one claim (the earlier one named), or under a several-a-day rule the
 * day's claims within its cap. DJ_OK when the new claim may be made. */
static int claim_duplicate(db_conn *c, int64_t person_id, const struct points_rule *rule, const char *occurred_on,
                           int64_t except_id, const char *statuses_sql, char *why, size_t why_len)
{
    int err = 0;
    char sql[400];
    snprintf(sql, sizeof sql,
             "SELECT id, status, created_at FROM points_claims WHERE person_id = $1 AND rule_code = $2"
             " AND occurred_on = $3 AND id <> $4 AND status IN %s ORDER BY id",
             statuses_sql);
    json_t *rows = db_query_rows_dynamic(c, &err, sql, "itti", person_id, rule->code, occurred_on, except_id);
    if (!rows)
        return err;
    size_t n = json_array_size(rows);
    int rc = DJ_OK;
    char day[32], at[32];
    cn_date(occurred_on, day);
    if (n && !rule->several_a_day) {
        json_t *k = json_array_get(rows, 0);
        cn_date(dj_jstr(k, "created_at", ""), at);
        snprintf(why, why_len, "同一事项已经申报过：第%lld号申报（%s提交，%s），同一规则、同一人、同一发生日期（%s）只能计一次",
                 (long long)dj_jint(k, "id", 0), at,
                 strcmp(dj_jstr(k, "status", ""), "approved") == 0 ? "已通过" : "待审批", day);
        rc = DJ_ECONFLICT;
    } else if (n && rule->cap_day > 0 && (int64_t)(n + 1) * rule->points > rule->cap_day) {
        snprintf(why, why_len, "“%s”每日最多计%lld分，%s已有%zu次申报（第%lld号等），再申报将超过每日上限", rule->name,
                 (long long)rule->cap_day, day, n, (long long)dj_jint(json_array_get(rows, 0), "id", 0));
        rc = DJ_ECONFLICT;
    }
    json_decref(rows);
    return rc;
}

int points_claim_create(db_conn *c, int64_t person_id, int64_t user_id, const char *rule_code,
                        const char *description, const char *occurred_on, int64_t *id, char *why, size_t why_len)
{
    why[0] = '\0';
    struct points_rule rule;
    int rc = points_rule_at(c, rule_code, occurred_on, &rule);
    if (rc == DJ_ENOTFOUND || (rc == DJ_OK && (!rule.active || strcmp(rule.source, "claim") != 0))) {
        snprintf(why, why_len, "该规则不可申报（请选择申报类规则）");
        return DJ_EINVAL;
    }
    if (rc)
        return rc;
    int64_t branch = 0, agency = 0;
    if ((rc = points_person_orgs(c, person_id, &branch, &agency)))
        return rc;
    if (!branch) {
        snprintf(why, why_len, "您尚未编入党支部，无法申报积分");
        return DJ_EUNPROCESSABLE;
    }
    if ((rc = claim_duplicate(c, person_id, &rule, occurred_on, 0, "('pending', 'approved')", why, why_len)))
        return rc;
    char now[21];
    dj_time_iso(dj_now(), now);
    db_stmt *s = db_prep(c, "INSERT INTO points_claims (person_id, branch_id, rule_code, description, occurred_on,"
                            " status, created_by, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7)"
                            " RETURNING id");
    if (!s)
        return DJ_EDB;
    db_bind(s, "iitttIt", person_id, branch, rule_code, description, occurred_on, user_id, now);
    rc = db_step(s);
    if (rc == DB_ROW) {
        *id = db_col_i64(s, 0);
        rc = DJ_OK;
    } else if (rc == DB_DONE) {
        rc = DJ_EDB;
    }
    db_done(s);
    if (rc == DJ_OK && !rule.needs_approval) {
        /* a rule that needs no approval: recorded at once (a cap reached leaves it pending) */
        struct points_result res;
        const char *msg = NULL;
        rc = points_claim_decide(c, *id, 0, true, "该事项无需审批，自动记入", &res, &msg);
        if (rc == DJ_EUNPROCESSABLE)
            rc = DJ_OK;
    }
    return rc;
}

json_t *points_claim_get(db_conn *c, int64_t id, int *err)
{
    return db_query_row(c, err,
                        "SELECT k.id, k.person_id, p.name AS person_name, k.branch_id, k.rule_code, k.description,"
                        " k.occurred_on, k.status, k.created_by, k.created_at, k.decided_by, k.decided_at,"
                        " k.decision_reason, k.entry_id FROM points_claims k JOIN people p ON p.id = k.person_id"
                        " WHERE k.id = $1",
                        "i", id);
}

/* The decision to the member, in the deciding transaction (issue 18). */
static int claim_notify(db_conn *c, const json_t *k, bool approve, const char *reason, const struct points_result *res)
{
    char key[64], title[300], body[700];
    snprintf(key, sizeof key, "points_claim:%lld:%s", (long long)dj_jint(k, "id", 0), approve ? "approved" : "rejected");
    snprintf(title, sizeof title, "积分申报%s", approve ? "已通过" : "未通过");
    if (approve)
        snprintf(body, sizeof body, "您申报的“%.200s”已通过，记入 %lld 分。", dj_jstr(k, "description", ""),
                 (long long)res->delta);
    else
        snprintf(body, sizeof body, "您申报的“%.200s”未通过。%s%.300s", dj_jstr(k, "description", ""),
                 reason && *reason ? "原因：" : "", reason ? reason : "");
    struct dj_notice n = {.event = approve ? "points_claim.approved" : "points_claim.rejected", .key = key,
                          .title = title, .body = body, .link_type = "points_claim", .link_id = dj_jint(k, "id", 0)};
    return dj_notify_person(c, &n, dj_jint(k, "person_id", 0));
}

int points_claim_decide(db_conn *c, int64_t id, int64_t user_id, bool approve, const char *reason,
                        struct points_result *res, const char **msg)
{
    memset(res, 0, sizeof *res);
    int err = 0;
    json_t *k = points_claim_get(c, id, &err);
    if (!k)
        return err;
    int rc = DJ_OK;
    if (strcmp(dj_jstr(k, "status", ""), "pending") != 0) {
        *msg = "该申报已处理，不能重复审批";
        rc = DJ_ECONFLICT;
        goto out;
    }
    int64_t entry = 0;
    if (approve) {
        /* claims made before one deed meant one claim: the second approval is refused */
        struct points_rule rule;
        static _Thread_local char why[300];
        if (points_rule_at(c, dj_jstr(k, "rule_code", ""), dj_jstr(k, "occurred_on", ""), &rule) == DJ_OK &&
            !rule.several_a_day &&
            claim_duplicate(c, dj_jint(k, "person_id", 0), &rule, dj_jstr(k, "occurred_on", ""), id, "('approved')",
                            why, sizeof why) == DJ_ECONFLICT) {
            *msg = why;
            rc = DJ_ECONFLICT;
            goto out;
        }
        int y, m, d;
        dj_date_parse(dj_jstr(k, "occurred_on", ""), &y, &m, &d);
        /* noon of the deed's day, Shanghai time: the day's periods without a time of day */
        struct points_award a = {
            .person_id = dj_jint(k, "person_id", 0), .rule_code = dj_jstr(k, "rule_code", ""),
            .source_type = "claim", .source_id = id, .quantity = 1,
            .occurred_at = dj_local_midnight(y, m, d) + 12 * 3600, .created_by = dj_jint(k, "created_by", 0),
            .approved_by = user_id,
        };
        char reason_text[600];
        snprintf(reason_text, sizeof reason_text, "申报：%s", dj_jstr(k, "description", ""));
        a.reason = reason_text;
        rc = points_award(c, &a, res);
        if (rc == DJ_ENOTFOUND) {
            *msg = "该申报的规则已停用，无法通过";
            rc = DJ_EUNPROCESSABLE;
            goto out;
        }
        if (rc)
            goto out;
        if (!res->entry_id) {
            *msg = res->notice[0] ? res->notice : "未能计入积分";
            rc = DJ_EUNPROCESSABLE;
            goto out;
        }
        entry = res->entry_id;
    }
    char now[21];
    dj_time_iso(dj_now(), now);
    rc = db_exec(c,
                 "UPDATE points_claims SET status = $2, decided_by = $3, decided_at = $4, decision_reason = $5,"
                 " entry_id = $6 WHERE id = $1 AND status = 'pending'",
                 "itIttI", id, approve ? "approved" : "rejected", user_id, now, reason, entry);
    if (rc == DJ_OK && user_id) /* a decision someone made (not an automatic entry): tell the member */
        rc = claim_notify(c, k, approve, reason, res);
out:
    json_decref(k);
    return rc;
}

json_t *points_claims_list(db_conn *c, int64_t person_id, const char *scope_sql, const char *status,
                           int64_t limit, int64_t offset, int64_t *total, int *err)
{
    dj_buf where = {0};
    if (person_id)
        dj_buf_printf(&where, "k.person_id = %lld", (long long)person_id);
    else
        dj_buf_printf(&where, "%s", scope_sql ? scope_sql : "(1=0)");
    const char *st = status && *status ? status : NULL;
    char *count_sql = dj_asprintf("SELECT COUNT(*) FROM points_claims k JOIN orgs o ON o.id = k.branch_id"
                                  " WHERE %s AND (CAST($1 AS TEXT) IS NULL OR k.status = $1)",
                                  where.data);
    char *list_sql = dj_asprintf(
        "SELECT k.id, k.person_id, p.name AS person_name, k.branch_id, o.name AS branch_name, k.rule_code,"
        " (SELECT r.name FROM points_rules r WHERE r.code = k.rule_code ORDER BY r.version DESC LIMIT 1) AS rule_name,"
        " (SELECT r.points FROM points_rules r WHERE r.code = k.rule_code AND r.effective_from <= k.occurred_on"
        "   ORDER BY r.effective_from DESC LIMIT 1) AS points,"
        " k.description, k.occurred_on, k.status, k.created_at, k.decided_at, k.decision_reason,"
        " u.name AS decided_by_name, k.entry_id"
        " FROM points_claims k JOIN people p ON p.id = k.person_id JOIN orgs o ON o.id = k.branch_id"
        " LEFT JOIN users u ON u.id = k.decided_by"
        " WHERE %s AND (CAST($1 AS TEXT) IS NULL OR k.status = $1) ORDER BY k.id DESC LIMIT $2 OFFSET $3",
        where.data);
    dj_buf_free(&where);
    json_t *out = NULL;
    db_stmt *s = db_prep_dynamic(c, count_sql);
    if (s) {
        db_bind(s, "t", st);
        *total = db_step(s) == DB_ROW ? db_col_i64(s, 0) : 0;
        db_done(s);
        out = db_query_rows_dynamic(c, err, list_sql, "tii", st, limit, offset);
    } else if (err) {
        *err = DJ_EDB;
    }
    free(count_sql);
    free(list_sql);
    return out;
}

int points_manual_entry(db_conn *c, int64_t person_id, const char *rule_code, const char *reason,
                        int64_t occurred_at, int64_t user_id, const char *client_key, struct points_result *res,
                        bool *replayed)
{
    *replayed = false;
    memset(res, 0, sizeof *res);
    int err = 0;
    json_t *seen = db_query_row(c, &err,
                                "SELECT k.entry_id, k.person_id, k.rule_code, l.delta FROM points_entry_keys k"
                                " JOIN points_ledger l ON l.id = k.entry_id WHERE k.client_key = $1",
                                "t", client_key);
    if (seen) {
        bool same = dj_jint(seen, "person_id", 0) == person_id && strcmp(dj_jstr(seen, "rule_code", ""), rule_code) == 0;
        res->entry_id = dj_jint(seen, "entry_id", 0);
        res->delta = dj_jint(seen, "delta", 0);
        json_decref(seen);
        if (!same)
            return DJ_ECONFLICT;
        *replayed = true;
        return DJ_OK;
    }
    if (err != DJ_ENOTFOUND)
        return err;
    char date[16];
    int y, m, d;
    dj_local_date(occurred_at, &y, &m, &d);
    snprintf(date, sizeof date, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    struct points_rule rule;
    int rc = points_rule_at(c, rule_code, date, &rule);
    if (rc)
        return rc;
    if (strcmp(rule.source, "manual") != 0 || !rule.active)
        return DJ_EINVAL;
    /* each manual entry is its own source: the next number among manual entries
     * (under BEGIN IMMEDIATE; on PostgreSQL a race ends in the UNIQUE key, 409) */
    int64_t next = 0;
    if ((rc = db_query_i64(c, &next,
                           "SELECT COALESCE(MAX(source_id), 0) + 1 FROM points_ledger WHERE source_type = 'manual'",
                           "")))
        return rc;
    struct points_award a = {
        .person_id = person_id, .rule_code = rule_code, .source_type = "manual", .source_id = next, .quantity = 1,
        .occurred_at = occurred_at, .reason = reason, .created_by = user_id, .approved_by = user_id,
    };
    rc = points_award(c, &a, res);
    if (rc == DJ_OK && res->entry_id) {
        char now[21];
        dj_time_iso(dj_now(), now);
        rc = db_exec(c,
                     "INSERT INTO points_entry_keys (client_key, entry_id, person_id, rule_code, created_by, created_at)"
                     " VALUES ($1, $2, $3, $4, $5, $6)",
                     "tiitIt", client_key, res->entry_id, person_id, rule_code, user_id, now);
        if (rc != DJ_OK)
            res->entry_id = 0; /* rolled back with the key */
    }
    return rc;
}
