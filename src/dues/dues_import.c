/* dues_import.c - the finance office's monthly payroll deduction file (工资代扣):
 * rows of name, 身份证号 or 工号, and amount, matched to the members whose dues
 * the organisation keeps.  The dry run says what a commit would do: unmatched
 * rows, members whose deduction differs from their due, months already paid;
 * the commit records every matched row as a payroll payment in the caller's
 * transaction.  A file is known by its SHA-256: the same file twice records
 * nothing the second time, and a month already deducted is not deducted again. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/csv.h"
#include "../core/err.h"
#include "../core/json.h"
#include "../core/mem.h"
#include "../core/timeutil.h"
#include "../core/import.h"
#include "dues.h"

#define IMPORT_MAX_ROWS 20000
#define add_error(x, ...) dj_import_error((x)->errors, 200, __VA_ARGS__)

enum col { C_NAME, C_ID, C_STAFF, C_AMOUNT, C_NCOLS };
static const char *const aliases[C_NCOLS][9] = {
    [C_NAME] = {"姓名", "名字", "党员姓名", "职工姓名", "name", NULL},
    [C_ID] = {"身份证号", "身份证号码", "身份证", "证件号码", "公民身份号码", "id_number", NULL},
    [C_STAFF] = {"工号", "工资号", "人员编号", "职工号", "员工编号", "职工编号", "staff_no", NULL},
    [C_AMOUNT] = {"金额", "代扣金额", "党费", "代扣党费", "扣款金额", "实扣党费", "应扣党费", "扣缴金额", "amount"},
};

static int col_of(const char *h)
{
    size_t n = strlen(h);
    static const char *const marks[] = {"（元）", "(元)", "（必填）", "(必填)", "*", NULL};
    for (int k = 0; marks[k]; k++) {
        size_t m = strlen(marks[k]);
        if (n > m && memcmp(h + n - m, marks[k], m) == 0)
            n -= m;
    }
    for (int c = 0; c < C_NCOLS; c++)
        for (int k = 0; k < 9 && aliases[c][k]; k++)
            if (strlen(aliases[c][k]) == n && strncasecmp(aliases[c][k], h, n) == 0)
                return c;
    return -1;
}

/* 440703198805121234 -> 440703********1234 */
static void mask_id(const char *id, char out[32])
{
    size_t n = strlen(id);
    if (n < 10) {
        snprintf(out, 32, "%s", n ? "****" : "");
        return;
    }
    snprintf(out, 32, "%.6s%.*s%s", id, (int)(n - 10 < 12 ? n - 10 : 12), "************", id + n - 4);
}

struct ctx {
    db_conn *c;
    const struct dues_import_opts *o;
    struct dues_roster ro;
    json_t *res, *errors, *matched, *unmatched, *differences, *already, *skipped;
    int64_t *seen; /* person ids matched so far */
    size_t nseen;
};

/* The current roster entry of a person, or NULL when the organisation does not keep their dues. */
static const struct dues_member *member_of(struct ctx *x, int64_t person_id)
{
    for (size_t i = 0; i < x->ro.n; i++)
        if (x->ro.m[i].person_id == person_id && x->ro.m[i].f.end < 0)
            return &x->ro.m[i];
    return NULL;
}

/* 0: not found; -1: several members of that name. */
static int64_t by_name(struct ctx *x, const char *name)
{
    int64_t found = 0;
    for (size_t i = 0; i < x->ro.n; i++) {
        const struct dues_member *m = &x->ro.m[i];
        if (m->f.end < 0 && strcmp(m->name, name) == 0) {
            if (found && found != m->person_id)
                return -1;
            found = m->person_id;
        }
    }
    return found;
}

static int64_t by_profile(struct ctx *x, const char *col, const char *value)
{
    int64_t id = 0;
    const char *sql = strcmp(col, "staff_no") == 0 ? "SELECT person_id FROM dues_profiles WHERE staff_no = $1"
                                                    : "SELECT person_id FROM dues_profiles WHERE id_number = $1";
    return db_query_i64(x->c, &id, sql, "t", value) == DJ_OK ? id : 0;
}

static void unmatched(struct ctx *x, int line, const char *name, const char *staff, const char *idn, int64_t fen,
                      const char *reason)
{
    char masked[32];
    mask_id(idn, masked);
    json_array_append_new(x->unmatched, json_pack("{s:i, s:s, s:s, s:s, s:I, s:s}", "line", line, "name", name,
                                                  "staff_no", staff, "id_number", masked, "amount_fen",
                                                  (json_int_t)fen, "reason", reason));
}

/* Was the month deducted from payroll before (by an earlier file)? */
static bool payroll_done(struct ctx *x, int64_t person_id)
{
    char mt[8];
    dues_month_format(x->o->month, mt);
    int64_t n = 0;
    db_query_i64(x->c, &n,
                 "SELECT COUNT(*) FROM dues_payments p JOIN dues_payment_months pm ON pm.payment_id = p.id"
                 " WHERE p.person_id = $1 AND p.method = 'payroll' AND p.status = 'confirmed' AND pm.month = $2",
                 "it", person_id, mt);
    return n > 0;
}

static void row(struct ctx *x, int line, char **cell)
{
    const char *name = cell[C_NAME], *idn = cell[C_ID], *staff = cell[C_STAFF];
    int64_t fen = 0;
    if (dues_parse_yuan(cell[C_AMOUNT], &fen) != DJ_OK) {
        add_error(x, line, "金额", "金额“%s”不是有效的钱数（元，最多两位小数）", cell[C_AMOUNT]);
        return;
    }
    if (!*name && !*idn && !*staff) {
        add_error(x, line, NULL, "这一行没有姓名、身份证号或工号，无法对应到党员");
        return;
    }
    int64_t pid = 0;
    const char *how = NULL;
    char why[200];
    if (*staff && (pid = by_profile(x, "staff_no", staff)))
        how = "工号";
    else if (*idn && (pid = by_profile(x, "id_number", idn)))
        how = "身份证号";
    else if (*name) {
        pid = by_name(x, name);
        how = "姓名";
        if (pid < 0) {
            unmatched(x, line, name, staff, idn, fen, "本组织有多名同名党员，请在表中填写工号或身份证号");
            return;
        }
    }
    const struct dues_member *m = pid > 0 ? member_of(x, pid) : NULL;
    if (!m) {
        unmatched(x, line, name, staff, idn, fen,
                  pid > 0 ? "不是本组织管理党费的党员" : "找不到对应的党员（姓名、工号、身份证号均未匹配）");
        return;
    }
    if (*name && strcmp(how, "姓名") != 0 && strcmp(m->name, name) != 0) {
        snprintf(why, sizeof why, "%s对应的党员是“%s”，与表中姓名“%s”不一致", how, m->name, name);
        unmatched(x, line, name, staff, idn, fen, why);
        return;
    }
    for (size_t i = 0; i < x->nseen; i++)
        if (x->seen[i] == pid) {
            add_error(x, line, NULL, "“%s”在表中出现了不止一次", m->name);
            return;
        }
    x->seen = dj_realloc(x->seen, (x->nseen + 1) * sizeof *x->seen);
    x->seen[x->nseen++] = pid;

    struct dues_month_row mr;
    dues_month_compute(&m->f, x->o->month, dues_member_paid(m, x->o->month), &mr);
    json_t *item = json_pack("{s:i, s:I, s:s, s:I, s:I, s:I}", "line", line, "person_id", (json_int_t)pid, "name",
                             m->name, "amount_fen", (json_int_t)fen, "due_fen", (json_int_t)mr.due_fen,
                             "paid_before_fen", (json_int_t)mr.paid_fen);
    if (payroll_done(x, pid) || mr.state == DUES_PAID) {
        json_array_append_new(x->already, item);
        return;
    }
    const char *skip = mr.state == DUES_NO_BASE   ? "尚未核定党费基数"
                       : mr.state == DUES_WAIVED  ? "该月已批准免交"
                       : mr.state == DUES_NOT_DUE ? "该月不在其应交党费的月份内"
                                                  : NULL;
    if (skip) {
        json_object_set_new(item, "reason", json_string(skip));
        json_array_append_new(x->skipped, item);
        return;
    }
    int64_t owed = mr.due_fen - mr.paid_fen;
    if (fen != owed)
        json_array_append_new(x->differences,
                              json_pack("{s:i, s:I, s:s, s:I, s:I, s:I, s:s}", "line", line, "person_id",
                                        (json_int_t)pid, "name", m->name, "amount_fen", (json_int_t)fen, "due_fen",
                                        (json_int_t)owed, "diff_fen", (json_int_t)(fen - owed), "kind",
                                        fen < owed ? "short" : "over"));
    json_array_append_new(x->matched, item);
}

static void parse(struct ctx *x, const char *csv, size_t len)
{
    struct dj_csv_reader r;
    struct dj_csv_record rec = {0};
    dj_csv_init(&r, csv, len);
    int colmap[64], nh = 0, rc = dj_csv_next(&r, &rec), rows = 0;
    if (rc <= 0) {
        add_error(x, 1, NULL, rc < 0 ? "表头的引号不成对" : "文件为空，第一行应为表头（姓名、工号或身份证号、金额）");
        goto out;
    }
    if (rec.nfields > 64) {
        add_error(x, rec.line, NULL, "列数过多（%d 列），最多 64 列", (int)rec.nfields);
        goto out;
    }
    bool seen[C_NCOLS] = {0};
    for (size_t i = 0; i < rec.nfields; i++, nh++) {
        colmap[i] = col_of(dj_cell_trim(rec.fields[i]));
        if (colmap[i] >= 0 && seen[colmap[i]])
            colmap[i] = -1; /* the first of two such columns counts */
        else if (colmap[i] >= 0)
            seen[colmap[i]] = true;
    }
    if (!seen[C_AMOUNT])
        add_error(x, rec.line, "金额", "缺少“金额”列（也可写作代扣金额、党费）");
    if (!seen[C_NAME] && !seen[C_ID] && !seen[C_STAFF])
        add_error(x, rec.line, "姓名", "至少要有“姓名”“工号”“身份证号”中的一列");
    if (json_array_size(x->errors))
        goto out;
    while ((rc = dj_csv_next(&r, &rec)) != 0) {
        int line = rc < 0 ? r.err_line : rec.line;
        if (rc < 0) {
            add_error(x, line, NULL, "第 %d 行的引号不成对，或引号后还有文字", line);
            continue;
        }
        if (++rows > IMPORT_MAX_ROWS) {
            add_error(x, line, NULL, "一次最多导入 %d 行", IMPORT_MAX_ROWS);
            break;
        }
        char *cell[C_NCOLS] = {"", "", "", ""};
        bool blank = true;
        for (int i = 0; i < nh && i < (int)rec.nfields; i++) {
            char *v = dj_cell_trim(rec.fields[i]);
            blank = blank && !*v;
            if (colmap[i] >= 0)
                cell[colmap[i]] = v;
        }
        if (blank)
            continue;
        /* a closing 合计 row is the sheet's own sum, not a member */
        if (strcmp(cell[C_NAME], "合计") == 0 || strcmp(cell[C_NAME], "总计") == 0)
            continue;
        for (char *p = cell[C_ID]; *p; p++)
            if (*p == 'x')
                *p = 'X';
        row(x, line, cell);
    }
    json_object_set_new(x->res, "rows", json_integer(rows));
out:
    dj_csv_free(&r);
}

static int commit(struct ctx *x, const char *sha256)
{
    int64_t import_id = 0, total = 0;
    char mt[8], now[21];
    dues_month_format(x->o->month, mt);
    dj_time_iso(dj_now(), now);
    size_t n = json_array_size(x->matched);
    size_t i;
    json_t *it;
    json_array_foreach(x->matched, i, it) total += dj_jint(it, "amount_fen", 0);
    int rc = db_query_i64(x->c, &import_id,
                          "INSERT INTO dues_imports (org_id, month, file_sha256, rows, recorded, total_fen, created_by,"
                          " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                          "ittiiiIt", x->o->org_id, mt, sha256, dj_jint(x->res, "rows", 0), (int64_t)n, total,
                          x->o->actor->user_id, now);
    json_array_foreach(x->matched, i, it) {
        if (rc)
            break;
        dues_month months[1] = {x->o->month};
        int64_t bid = 0, pid = dj_jint(it, "person_id", 0);
        for (size_t k = 0; k < x->ro.n; k++)
            if (x->ro.m[k].person_id == pid && x->ro.m[k].f.end < 0)
                bid = x->ro.m[k].branch_id;
        char key[96], why[200];
        snprintf(key, sizeof key, "payroll:%lld:%lld", (long long)import_id, (long long)pid);
        struct dues_payment_in in = {
            .person_id = pid, .branch_id = bid, .months = months, .nmonths = 1,
            .amount_fen = dj_jint(it, "amount_fen", 0), .method = "payroll", .paid_on = x->o->paid_on,
            .note = "工资代扣", .client_key = key, .status = "confirmed", .import_id = import_id,
        };
        int64_t id;
        bool dup;
        rc = dues_payment_add(x->c, x->o->actor, &in, &id, &dup, why);
    }
    if (rc == DJ_OK) {
        json_object_set_new(x->res, "import_id", json_integer(import_id));
        json_object_set_new(x->res, "recorded", json_integer((json_int_t)n));
    }
    return rc;
}

int dues_import(db_conn *c, const struct dues_import_opts *o, const char *csv, size_t len, const char *sha256,
                json_t **result)
{
    struct ctx x = {.c = c, .o = o};
    char mt[8];
    dues_month_format(o->month, mt);
    x.res = json_pack("{s:s, s:i, s:b, s:i, s:I}", "month", mt, "rows", 0, "duplicate", 0, "recorded", 0,
                      "total_fen", (json_int_t)0);
    x.errors = json_array();
    x.matched = json_array();
    x.unmatched = json_array();
    x.differences = json_array();
    x.already = json_array();
    x.skipped = json_array();
    json_object_set_new(x.res, "errors", x.errors);
    json_object_set_new(x.res, "matched", x.matched);
    json_object_set_new(x.res, "unmatched", x.unmatched);
    json_object_set_new(x.res, "differences", x.differences);
    json_object_set_new(x.res, "already_paid", x.already);
    json_object_set_new(x.res, "skipped", x.skipped);
    int err = 0;
    json_t *prev = db_query_row(c, &err, "SELECT id, month, created_at, recorded FROM dues_imports WHERE file_sha256 = $1",
                                "t", sha256);
    if (prev) {
        /* the same file again: say so, record nothing */
        json_object_set_new(x.res, "duplicate", json_true());
        json_object_set_new(x.res, "previous", prev);
    } else if (err != DJ_ENOTFOUND) {
        json_decref(x.res);
        return err;
    }
    int rc = dues_roster_load(c, o->org_path, 0, o->month, &x.ro);
    if (rc) {
        json_decref(x.res);
        return rc;
    }
    parse(&x, csv, len);
    int64_t total = 0;
    size_t i;
    json_t *it;
    json_array_foreach(x.matched, i, it) total += dj_jint(it, "amount_fen", 0);
    json_object_set_new(x.res, "total_fen", json_integer(total));
    if (!o->dry_run && !prev && json_array_size(x.errors) == 0 && json_array_size(x.matched) > 0)
        rc = commit(&x, sha256);
    dues_roster_free(&x.ro);
    free(x.seen);
    if (rc) {
        json_decref(x.res);
        return rc;
    }
    *result = x.res;
    return DJ_OK;
}
