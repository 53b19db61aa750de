/* people_import.c - roster import: a CSV file with Chinese headers, checked
 * row by row (every bad row is listed with its line, column and reason),
 * then written all at once or not at all.  The file is read twice (check,
 * then insert), so memory stays proportional to the phone numbers seen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/mem.h"
#include "../core/timeutil.h"
#include "../core/import.h"
#include "../orgs/orgs.h"
#include "people.h"
#include "people_history.h"

enum col {
    C_NAME, C_GENDER, C_BIRTH, C_ETHNICITY, C_EDUCATION, C_PHONE, C_JOB_POST, C_JOB_TITLE, C_ORG,
    C_STATUS, C_JOINED, C_FULL, C_PROBATION, C_PLEDGE, C_COUNT
};

static const struct {
    const char *header;
    enum col col;
} headers[] = {
    {"姓名", C_NAME}, {"性别", C_GENDER}, {"出生日期", C_BIRTH}, {"出生年月", C_BIRTH}, {"民族", C_ETHNICITY},
    {"学历", C_EDUCATION}, {"手机号", C_PHONE}, {"手机号码", C_PHONE}, {"手机", C_PHONE}, {"联系电话", C_PHONE},
    {"职务", C_JOB_POST}, {"职级", C_JOB_TITLE}, {"职称", C_JOB_TITLE}, {"所在支部", C_ORG},
    {"所在党支部", C_ORG}, {"所在组织", C_ORG}, {"党员类别", C_STATUS}, {"政治面貌", C_STATUS},
    {"入党时间", C_JOINED}, {"入党日期", C_JOINED}, {"转正时间", C_FULL}, {"转正日期", C_FULL},
    {"预备期满", C_PROBATION}, {"承诺", C_PLEDGE}, {"公开承诺", C_PLEDGE},
};

/* The label used in error messages for a column. */
static const char *const col_label[C_COUNT] = {"姓名", "性别", "出生日期", "民族", "学历", "手机号", "职务",
                                               "职级", "所在支部", "党员类别", "入党时间", "转正时间",
                                               "预备期满", "承诺"};

struct org {
    int64_t id;
    char *name, *full; /* "第一党支部", "第一党支部/第一党小组" */
    bool in_scope;
};

struct ctx {
    db_conn *c;
    const struct people_import_opts *o;
    json_t *errors;
    size_t nerrors;
    bool truncated;
    struct org *orgs;
    struct org **by_name, **by_full;
    size_t norgs;
    /* phones seen in the file: open addressing, key → line */
    char **ph_key;
    int *ph_line;
    size_t ph_cap, ph_n;
    bool writing; /* second pass: the file was checked, phones are known to be unique */
};

static void err_add(struct ctx *x, int line, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void err_add(struct ctx *x, int line, const char *column, const char *fmt, ...)
{
    x->nerrors++;
    va_list ap;
    va_start(ap, fmt);
    if (!dj_import_verror(x->errors, x->o->max_errors ? x->o->max_errors : 10000, line, column, fmt, ap))
        x->truncated = true;
    va_end(ap);
}

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The line where phone was first seen, or 0 (and remembers it at line). */
static int phone_seen(struct ctx *x, const char *phone, int line)
{
    if (x->ph_n * 2 >= x->ph_cap) {
        size_t ncap = x->ph_cap ? x->ph_cap * 2 : 1024;
        char **k = dj_calloc(ncap, sizeof *k);
        int *l = dj_calloc(ncap, sizeof *l);
        for (size_t i = 0; i < x->ph_cap; i++) {
            if (!x->ph_key[i])
                continue;
            size_t j = hash(x->ph_key[i]) & (ncap - 1);
            while (k[j])
                j = (j + 1) & (ncap - 1);
            k[j] = x->ph_key[i];
            l[j] = x->ph_line[i];
        }
        free(x->ph_key);
        free(x->ph_line);
        x->ph_key = k;
        x->ph_line = l;
        x->ph_cap = ncap;
    }
    size_t j = hash(phone) & (x->ph_cap - 1);
    while (x->ph_key[j]) {
        if (strcmp(x->ph_key[j], phone) == 0)
            return x->ph_line[j];
        j = (j + 1) & (x->ph_cap - 1);
    }
    x->ph_key[j] = dj_strdup(phone);
    x->ph_line[j] = line;
    x->ph_n++;
    return 0;
}

static int load_orgs(struct ctx *x)
{
    char *sql = dj_asprintf("SELECT o.id, o.name, COALESCE(po.name || '/', '') || o.name, CASE WHEN %s THEN 1 ELSE 0"
                            " END FROM orgs o LEFT JOIN orgs po ON po.id = o.parent_id"
                            " WHERE o.kind IN ('branch', 'group', 'general_branch') AND o.dissolved_on IS NULL"
                            " ORDER BY o.id",
                            x->o->write_scope ? x->o->write_scope : "(1=1)");
    db_stmt *s = db_prep_dynamic(x->c, sql);
    free(sql);
    if (!s)
        return DJ_EDB;
    size_t cap = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (x->norgs == cap) {
            cap = cap ? cap * 2 : 64;
            x->orgs = dj_realloc(x->orgs, cap * sizeof *x->orgs);
        }
        struct org *g = &x->orgs[x->norgs++];
        g->id = db_col_i64(s, 0);
        g->name = dj_strdup(db_col_text(s, 1));
        g->full = dj_strdup(db_col_text(s, 2));
        g->in_scope = db_col_i64(s, 3) != 0;
    }
    db_done(s);
    return rc < 0 ? rc : DJ_OK;
}

static int org_by_name(const void *a, const void *b)
{
    return strcmp((*(const struct org *const *)a)->name, (*(const struct org *const *)b)->name);
}

static int org_by_full(const void *a, const void *b)
{
    return strcmp((*(const struct org *const *)a)->full, (*(const struct org *const *)b)->full);
}

/* Indexes for find_org: the organisations sorted by name and by full name. */
static void index_orgs(struct ctx *x)
{
    x->by_name = dj_malloc((x->norgs + 1) * sizeof *x->by_name);
    x->by_full = dj_malloc((x->norgs + 1) * sizeof *x->by_full);
    for (size_t i = 0; i < x->norgs; i++)
        x->by_name[i] = x->by_full[i] = &x->orgs[i];
    qsort(x->by_name, x->norgs, sizeof *x->by_name, org_by_name);
    qsort(x->by_full, x->norgs, sizeof *x->by_full, org_by_full);
}

/* Rosters often drop the note in brackets: "第一党支部" for "第一党支部（秘书一科）".
 * The one organisation whose name is text followed by a bracket, or NULL. */
static struct org **by_short_name(struct ctx *x, const char *text)
{
    size_t len = strlen(text), lo = 0, hi = x->norgs;
    while (lo < hi) { /* the first name >= text */
        size_t mid = (lo + hi) / 2;
        if (strcmp(x->by_name[mid]->name, text) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    struct org **hit = NULL;
    for (size_t i = lo; i < x->norgs && strncmp(x->by_name[i]->name, text, len) == 0; i++) {
        const char *rest = x->by_name[i]->name + len;
        if (strncmp(rest, "（", strlen("（")) == 0 || *rest == '(') {
            if (hit)
                return NULL; /* two of them: the file must say which */
            hit = &x->by_name[i];
        }
    }
    return hit;
}

/* Is name the text itself, or the text followed by a bracketed note? len bytes of name. */
static bool names(const char *name, size_t len, const char *text, size_t tlen)
{
    if (len < tlen || strncmp(name, text, tlen) != 0)
        return false;
    const char *rest = name + tlen;
    return len == tlen || strncmp(rest, "（", strlen("（")) == 0 || *rest == '(';
}

/* "支部/党小组" where either part may leave out its bracketed note, as the help
 * says: the organisations whose full name's two parts match. NULL with *why set
 * when none or several do. */
static struct org *by_pair(struct ctx *x, const char *text, const char **why)
{
    const char *slash = strchr(text, '/');
    size_t blen = (size_t)(slash - text), glen = strlen(slash + 1);
    size_t lo = 0, hi = x->norgs;
    while (lo < hi) { /* the first full name >= the branch part */
        size_t mid = (lo + hi) / 2;
        if (strncmp(x->by_full[mid]->full, text, blen) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    struct org *hit = NULL;
    for (size_t i = lo; i < x->norgs && strncmp(x->by_full[i]->full, text, blen) == 0; i++) {
        const char *full = x->by_full[i]->full, *sep = strrchr(full, '/');
        if (!sep || !names(full, (size_t)(sep - full), text, blen) ||
            !names(sep + 1, strlen(sep + 1), slash + 1, glen))
            continue;
        if (hit) {
            *why = "有多个名称相近的党小组，请写出完整名称（含括号内的说明）";
            return NULL;
        }
        hit = x->by_full[i];
    }
    if (!hit)
        *why = "找不到该党小组（写成“支部/党小组”，须与组织树中的名称一致，括号内的说明可省略）";
    return hit;
}

/* The organisation named text: by name, or by "支部/小组" when names repeat;
 * either may leave out the bracketed note after it.
 * NULL with *why set when unknown, ambiguous or out of scope. */
static const struct org *find_org(struct ctx *x, const char *text, const char **why)
{
    struct org key = {.name = (char *)text, .full = (char *)text};
    const struct org *kp = &key, *hit = NULL;
    struct org **f = bsearch(&kp, x->by_full, x->norgs, sizeof *x->by_full, org_by_full);
    if (f) {
        hit = *f;
    } else if (strchr(text, '/')) {
        if (!(hit = by_pair(x, text, why)))
            return NULL;
    } else {
        struct org **n = bsearch(&kp, x->by_name, x->norgs, sizeof *x->by_name, org_by_name);
        if (!n)
            n = by_short_name(x, text);
        if (!n) {
            *why = "找不到该支部（须与组织树中的名称一致）";
            return NULL;
        }
        if ((n > x->by_name && strcmp((*(n - 1))->name, text) == 0) ||
            (n + 1 < x->by_name + x->norgs && strcmp((*(n + 1))->name, text) == 0)) {
            *why = "有多个同名组织，请写成“支部/党小组”";
            return NULL;
        }
        hit = *n;
    }
    if (!hit->in_scope) {
        *why = "无权向该支部导入人员";
        return NULL;
    }
    return hit;
}

/* One parsed row, pointing into the record or into the date buffers. */
struct row {
    const char *v[C_COUNT];
    char birth[11], joined[11], full[11], probation[11];
    const char *gender, *status;
    int64_t org_id;
};

/* Checks one record; returns true when it is good and fills *w. */
static bool check_row(struct ctx *x, const struct dj_csv_record *rec, const int *map, struct row *w)
{
    memset(w, 0, sizeof *w);
    bool ok = true;
    for (size_t i = 0; i < rec->nfields; i++) {
        if (map[i] < 0)
            continue;
        const char *v = dj_cell_trim(rec->fields[i]);
        w->v[map[i]] = *v ? v : NULL;
    }
    int line = rec->line;
    bool dates_ok = true; /* every date present parsed: their consistency can be judged */
    const char *v;
    if (!w->v[C_NAME]) {
        err_add(x, line, "姓名", "姓名不能为空");
        ok = false;
    } else if (dj_utf8_len(w->v[C_NAME]) > 50) {
        err_add(x, line, "姓名", "姓名过长（最多50个字）");
        ok = false;
    }
    if ((v = w->v[C_GENDER]) && !(w->gender = people_gender_parse(v))) {
        err_add(x, line, "性别", "性别“%s”无效，应填“男”或“女”", v);
        ok = false;
    }
    struct {
        enum col col;
        char *buf;
    } dates[] = {{C_BIRTH, w->birth}, {C_JOINED, w->joined}, {C_FULL, w->full}, {C_PROBATION, w->probation}};
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        if (!(v = w->v[dates[i].col]))
            continue;
        if (people_date_parse(v, dates[i].buf) != DJ_OK) {
            err_add(x, line, col_label[dates[i].col], "日期“%s”无效，应写成1975-05-01", v);
            ok = dates_ok = false;
            w->v[dates[i].col] = NULL;
        } else {
            w->v[dates[i].col] = dates[i].buf;
        }
    }
    if ((v = w->v[C_STATUS])) {
        if (!(w->status = people_status_parse(v))) {
            err_add(x, line, "党员类别", "党员类别“%s”无效，应为正式党员、预备党员、发展对象、入党积极分子、入党申请人或群众", v);
            ok = false;
        }
    } else {
        /* no category: read it off the dates */
        w->status = w->v[C_FULL] ? "full" : w->v[C_JOINED] ? "probationary" : "none";
    }
    if (w->status && dates_ok) {
        const char *field = NULL;
        const char *why = people_check(w->status, w->v[C_BIRTH], w->v[C_JOINED], w->v[C_FULL], &field);
        if (why) {
            err_add(x, line, !strcmp(field, "full_on") ? "转正时间" : "入党时间", "%s", why);
            ok = false;
        }
    }
    if ((v = w->v[C_PHONE])) {
        if (!people_phone_valid(v)) {
            err_add(x, line, "手机号", "手机号“%s”应为11位数字", v);
            ok = false;
        } else if (!x->writing) {
            int first = phone_seen(x, v, line);
            if (first) {
                err_add(x, line, "手机号", "手机号%s与第%d行重复", v, first);
                ok = false;
            } else {
                int64_t other;
                int rc = db_query_i64(x->c, &other, "SELECT id FROM people WHERE phone = $1", "t", v);
                if (rc == DJ_OK) {
                    err_add(x, line, "手机号", "手机号%s已登记给在册人员（编号%lld）", v, (long long)other);
                    ok = false;
                }
            }
        }
    }
    if (!(v = w->v[C_ORG])) {
        err_add(x, line, "所在支部", "所在支部不能为空");
        ok = false;
    } else {
        const char *why = NULL;
        const struct org *g = find_org(x, v, &why);
        if (!g) {
            err_add(x, line, "所在支部", "“%s”：%s", v, why);
            ok = false;
        } else {
            w->org_id = g->id;
        }
    }
    for (int k = C_ETHNICITY; k <= C_JOB_TITLE; k++)
        if (k != C_PHONE && w->v[k] && dj_utf8_len(w->v[k]) > 50) {
            err_add(x, line, col_label[k], "内容过长（最多50个字）");
            ok = false;
        }
    if (w->v[C_PLEDGE] && dj_utf8_len(w->v[C_PLEDGE]) > 500) {
        err_add(x, line, "承诺", "承诺过长（最多500个字）");
        ok = false;
    }
    return ok;
}

static bool blank_record(const struct dj_csv_record *rec)
{
    for (size_t i = 0; i < rec->nfields; i++)
        if (*dj_cell_trim(rec->fields[i]))
            return false;
    return true;
}

/* Reads the header; fills map (field index → column, -1 to ignore). */
static int read_header(struct ctx *x, struct dj_csv_reader *rd, int **map, size_t *ncols)
{
    struct dj_csv_record rec;
    int n = dj_csv_next(rd, &rec);
    if (n <= 0) {
        err_add(x, n < 0 ? rd->err_line : 1, NULL, "%s", n < 0 ? rd->err : "文件为空，第一行应为表头（姓名、所在支部……）");
        return DJ_EINVAL;
    }
    *ncols = rec.nfields;
    *map = dj_malloc(rec.nfields * sizeof **map);
    bool seen[C_COUNT] = {0};
    int rc = DJ_OK;
    for (size_t i = 0; i < rec.nfields; i++) {
        const char *h = dj_cell_trim(rec.fields[i]);
        (*map)[i] = -1;
        for (size_t k = 0; k < sizeof headers / sizeof headers[0]; k++)
            if (strcmp(h, headers[k].header) == 0) {
                if (seen[headers[k].col]) {
                    err_add(x, rec.line, h, "表头“%s”重复", h);
                    rc = DJ_EINVAL;
                }
                seen[headers[k].col] = true;
                (*map)[i] = headers[k].col;
            }
    }
    if (!seen[C_NAME] || !seen[C_ORG]) {
        err_add(x, rec.line, !seen[C_NAME] ? "姓名" : "所在支部", "表头缺少“%s”列", !seen[C_NAME] ? "姓名" : "所在支部");
        rc = DJ_EINVAL;
    }
    return rc;
}

static int insert_row(db_conn *c, const struct row *w, const char *now, int64_t *id)
{
    db_stmt *s = db_prep(c, "INSERT INTO people (name, gender, birth_date, ethnicity, education, phone, job_post,"
                            " job_title, org_id, party_status, joined_on, full_on, probation_until, pledge,"
                            " created_at, updated_at)"
                            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)"
                            " RETURNING id");
    if (!s)
        return DJ_EDB;
    db_bind(s, "ttttttttitttttt", w->v[C_NAME], w->gender, w->v[C_BIRTH], w->v[C_ETHNICITY], w->v[C_EDUCATION],
            w->v[C_PHONE], w->v[C_JOB_POST], w->v[C_JOB_TITLE], w->org_id, w->status, w->v[C_JOINED], w->v[C_FULL],
            w->v[C_PROBATION], w->v[C_PLEDGE], now);
    int rc = db_step(s);
    if (rc == DB_ROW)
        *id = db_col_i64(s, 0);
    db_done(s);
    if (rc == DB_ROW)
        return orgs_stats_person(c, *id, +1);
    return rc < 0 ? rc : DJ_EDB;
}

/* What was written for a row, as the audit's "after". */
static json_t *row_json(const struct row *w, int64_t id)
{
    static const char *const keys[C_COUNT] = {"name", "gender", "birth_date", "ethnicity", "education", "phone",
                                              "job_post", "job_title", "org_id", "party_status", "joined_on",
                                              "full_on", "probation_until", "pledge"};
    json_t *o = json_pack("{s:I}", "id", (json_int_t)id);
    for (int k = 0; k < C_COUNT; k++) {
        const char *v = k == C_GENDER ? w->gender : k == C_STATUS ? w->status : w->v[k];
        if (k == C_ORG)
            json_object_set_new(o, keys[k], json_integer(w->org_id));
        else if (v)
            json_object_set_new(o, keys[k], json_string(v));
    }
    return o;
}

/* One pass over the records: check (insert == false) or insert. */
static int pass(struct ctx *x, const char *text, size_t len, bool insert, size_t *rows, int64_t *first, int64_t *last)
{
    struct dj_csv_reader rd;
    dj_csv_init(&rd, text, len);
    int *map = NULL;
    size_t ncols = 0;
    int rc = read_header(x, &rd, &map, &ncols);
    if (rc) {
        rc = DJ_OK; /* reported as a row error */
        goto out;
    }
    char now[21];
    dj_time_iso(dj_now(), now);
    struct dj_csv_record rec;
    int n;
    *rows = 0;
    while ((n = dj_csv_next(&rd, &rec)) != 0) {
        if (n < 0) {
            err_add(x, rd.err_line, NULL, "%s", rd.err);
            if (rd.p >= rd.end)
                break;
            continue;
        }
        if (blank_record(&rec))
            continue;
        (*rows)++;
        if (rec.nfields > ncols) {
            err_add(x, rec.line, NULL, "本行有%zu列，多于表头的%zu列（字段内的逗号须用引号括起）", rec.nfields, ncols);
            continue;
        }
        struct row w;
        if (!insert) {
            check_row(x, &rec, map, &w);
            continue;
        }
        /* the second pass only runs on a file without errors */
        if (!check_row(x, &rec, map, &w)) {
            rc = DJ_EINTERNAL;
            break;
        }
        int64_t id = 0;
        if ((rc = insert_row(x->c, &w, now, &id)) || (rc = people_history_start(x->c, id, "imported", NULL, 0)))
            break;
        if (x->o->on_insert) {
            json_t *after = row_json(&w, id);
            rc = x->o->on_insert(x->o->arg, id, after);
            json_decref(after);
            if (rc)
                break;
        }
        if (!*first)
            *first = id;
        *last = id;
    }
out:
    free(map);
    dj_csv_free(&rd);
    return rc;
}

int people_import(db_conn *c, const char *data, size_t len, const struct people_import_opts *o, json_t **result,
                  int64_t *first_id, int64_t *last_id)
{
    struct ctx x = {.c = c, .o = o, .errors = json_array()};
    char *text = NULL;
    size_t tlen = 0, rows = 0;
    const char *enc = "unknown";
    int rc = DJ_OK;
    *first_id = *last_id = 0;
    if (dj_text_to_utf8(data, len, NULL, &text, &tlen, &enc) != DJ_OK) {
        err_add(&x, 1, NULL, "无法识别文件编码：请保存为 UTF-8 或 GBK 编码的 CSV 文件");
        goto done;
    }
    if ((rc = load_orgs(&x)))
        goto done;
    index_orgs(&x);
    if ((rc = pass(&x, text, tlen, false, &rows, first_id, last_id)))
        goto done;
    if (x.nerrors == 0 && !o->dry_run && rows > 0) {
        x.writing = true;
        size_t rows2 = 0;
        rc = pass(&x, text, tlen, true, &rows2, first_id, last_id);
    }
done:
    if (rc == DJ_OK) {
        *result = json_pack("{s:I, s:o, s:s, s:b, s:I}", "rows", (json_int_t)rows, "errors", x.errors, "encoding", enc,
                            "truncated", x.truncated, "error_count", (json_int_t)x.nerrors);
    } else {
        json_decref(x.errors);
        *result = NULL;
    }
    for (size_t i = 0; i < x.norgs; i++) {
        free(x.orgs[i].name);
        free(x.orgs[i].full);
    }
    free(x.orgs);
    free(x.by_name);
    free(x.by_full);
    for (size_t i = 0; i < x.ph_cap; i++)
        free(x.ph_key[i]);
    free(x.ph_key);
    free(x.ph_line);
    free(text);
    return rc;
}
