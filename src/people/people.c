/* people.c - rules of the roster (statuses, masking, party standing, date
 * forms, consistency) and its data layer: list, read, create, change, public
 * profiles. */
#include "people.h"
#include "people_history.h"
#include "people_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/auth.h"
#include "../core/err.h"
#include "../core/json.h"
#include "../core/readcache.h"
#include "../core/mem.h"
#include "../core/timeutil.h"
#include "../orgs/orgs.h"

const char *const people_statuses[] = {"applicant", "activist", "candidate", "probationary", "full", "none", NULL};
static const char *const status_labels[] = {"入党申请人", "入党积极分子", "发展对象", "预备党员", "正式党员", "群众"};
const char *const people_sorts[] = {"name", "-name", "joined_on", "-joined_on", "id", "-id", NULL};

const char *people_status_label(const char *status)
{
    for (int i = 0; people_statuses[i]; i++)
        if (status && strcmp(status, people_statuses[i]) == 0)
            return status_labels[i];
    return status ? status : "";
}

const char *people_status_parse(const char *text)
{
    static const struct {
        const char *text, *code;
    } alias[] = {{"正式", "full"}, {"预备", "probationary"}, {"积极分子", "activist"}, {"申请人", "applicant"},
                 {"非党员", "none"}, {"群众", "none"}, {"中共党员", "full"}, {"党员", "full"}};
    if (!text)
        return NULL;
    for (int i = 0; people_statuses[i]; i++)
        if (strcmp(text, people_statuses[i]) == 0 || strcmp(text, status_labels[i]) == 0)
            return people_statuses[i];
    for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
        if (strcmp(text, alias[i].text) == 0)
            return alias[i].code;
    return NULL;
}

const char *people_gender_parse(const char *text)
{
    if (!text)
        return NULL;
    if (!strcmp(text, "男") || !strcmp(text, "male"))
        return "male";
    if (!strcmp(text, "女") || !strcmp(text, "female"))
        return "female";
    return NULL;
}

bool people_phone_valid(const char *phone)
{
    if (!phone || strlen(phone) != 11 || phone[0] != '1')
        return false;
    for (int i = 0; i < 11; i++)
        if (!isdigit((unsigned char)phone[i]))
            return false;
    return true;
}

void people_mask_phone(const char *phone, char out[32])
{
    size_t n = phone ? strlen(phone) : 0;
    if (n >= 8 && n < 32)
        snprintf(out, 32, "%.3s****%s", phone, phone + n - 4);
    else
        snprintf(out, 32, "%s", n ? "****" : "");
}

void people_mask_birth(const char *date, char out[16])
{
    if (date && strlen(date) >= 4)
        snprintf(out, 16, "%.4s-**-**", date);
    else
        out[0] = '\0';
}

int people_party_years(const char *joined_on, int64_t today)
{
    int y, m, d, ty, tm, td;
    if (!joined_on || dj_date_parse(joined_on, &y, &m, &d) != DJ_OK)
        return -1;
    dj_civil_from_days(today, &ty, &tm, &td);
    int years = ty - y;
    if (tm < m || (tm == m && td < d))
        years--;
    return years < 0 ? 0 : years;
}

int people_date_parse(const char *text, char out[11])
{
    int y = 0, m = 0, d = 0, n = 0;
    const char *s = text;
    if (!s)
        return DJ_EINVAL;
    while (*s == ' ')
        s++;
    size_t len = strlen(s);
    while (len && s[len - 1] == ' ')
        len--;
    char t[40];
    if (len == 0 || len >= sizeof t)
        return DJ_EINVAL;
    memcpy(t, s, len);
    t[len] = '\0';
    if (len == 8 && strspn(t, "0123456789") == 8) {
        if (sscanf(t, "%4d%2d%2d", &y, &m, &d) != 3)
            return DJ_EINVAL;
    } else if (sscanf(t, "%d年%d月%d日%n", &y, &m, &d, &n) == 3 && t[n] == '\0') {
    } else {
        char sep = 0;
        n = 0;
        for (const char *p = t; *p; p++)
            if (*p == '-' || *p == '/' || *p == '.') {
                sep = *p;
                break;
            }
        if (!sep)
            return DJ_EINVAL;
        char fmt[16];
        snprintf(fmt, sizeof fmt, "%%d%c%%d%c%%d%%n", sep, sep);
        if (sscanf(t, fmt, &y, &m, &d, &n) != 3 || t[n] != '\0')
            return DJ_EINVAL;
        if (strspn(t, "0123456789-/.") != len)
            return DJ_EINVAL;
    }
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > dj_days_in_month(y, m))
        return DJ_EINVAL;
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
    memcpy(out, tmp, 11);
    return DJ_OK;
}

const char *people_check(const char *status, const char *birth_date, const char *joined_on, const char *full_on,
                         const char **field)
{
    bool member = status && (!strcmp(status, "full") || !strcmp(status, "probationary"));
    if (member && !joined_on) {
        *field = "joined_on";
        return "党员须填写入党时间";
    }
    if (status && !strcmp(status, "full") && !full_on) {
        *field = "full_on";
        return "正式党员须填写转正时间";
    }
    if (status && !strcmp(status, "probationary") && full_on) {
        *field = "full_on";
        return "预备党员尚未转正，不应填写转正时间";
    }
    if (!member && (joined_on || full_on) && status && strcmp(status, "none") != 0) {
        *field = joined_on ? "joined_on" : "full_on";
        return "尚未入党，不应填写入党或转正时间";
    }
    if (joined_on && full_on && strcmp(full_on, joined_on) <= 0) {
        *field = "full_on";
        return "转正时间须晚于入党时间";
    }
    if (joined_on && full_on) {
        /* 预备期一年: 转正 no earlier than the same day a year after 入党 (29 February: 28 February);
         * a longer probation (an extension) is recorded through the 发展党员 pipeline */
        int jy, jm, jd, fy, fm, fd;
        if (dj_date_parse(joined_on, &jy, &jm, &jd) == DJ_OK && dj_date_parse(full_on, &fy, &fm, &fd) == DJ_OK &&
            dj_days_from_civil(fy, fm, fd) <
                dj_days_from_civil(jy + 1, jm, jd > dj_days_in_month(jy + 1, jm) ? dj_days_in_month(jy + 1, jm) : jd)) {
            *field = "full_on";
            return "转正时间须在入党时间满一年之后（预备期为一年）";
        }
    }
    if (birth_date && joined_on) {
        int y, m, d, jy, jm, jd;
        if (dj_date_parse(birth_date, &y, &m, &d) == DJ_OK && dj_date_parse(joined_on, &jy, &jm, &jd) == DJ_OK &&
            dj_days_from_civil(jy, jm, jd) < dj_days_from_civil(y + 18, m, m == 2 && d == 29 ? 28 : d)) {
            *field = "joined_on";
            return "入党时须年满18周岁";
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------- reading */

/* Masks phone and birth date unless the viewer may see them; adds labels. */
static void decorate(json_t *o, bool show_private, int64_t today)
{
    json_object_set_new(o, "status_label", json_string(people_status_label(dj_jstr(o, "party_status", ""))));
    int years = people_party_years(dj_jstr(o, "joined_on", NULL), today);
    json_object_set_new(o, "party_years", years < 0 ? json_null() : json_integer(years));
    json_object_set_new(o, "private", json_boolean(show_private));
    /* 留党察看 today (no vote, no election): a flag for the roster's eyes; the
     * dates of a disciplinary measure are private data */
    char day[16];
    int y, m, d;
    dj_civil_from_days(today, &y, &m, &d);
    snprintf(day, sizeof day, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 13u, (unsigned)d % 32u);
    const char *of = dj_jstr(o, "observation_from", NULL), *ou = dj_jstr(o, "observation_until", NULL);
    json_object_set_new(o, "under_observation",
                        json_boolean(of && strcmp(of, day) <= 0 && (!ou || strcmp(ou, day) >= 0)));
    if (show_private)
        return;
    json_object_del(o, "observation_from");
    json_object_del(o, "observation_until");
    char buf[32];
    if (dj_jstr(o, "phone", NULL)) {
        people_mask_phone(dj_jstr(o, "phone", ""), buf);
        json_object_set_new(o, "phone", json_string(buf));
    }
    if (dj_jstr(o, "birth_date", NULL)) {
        char b[16];
        people_mask_birth(dj_jstr(o, "birth_date", ""), b);
        json_object_set_new(o, "birth_date", json_string(b));
    }
}

const char *qp_int(struct qparams *q, int64_t v, char buf[8])
{
    q->type[q->n] = 'i';
    q->i[q->n++] = v;
    snprintf(buf, 8, "$%u", (unsigned)q->n % 100u);
    return buf;
}

const char *qp_text(struct qparams *q, char *owned, char buf[8])
{
    q->type[q->n] = 't';
    q->t[q->n++] = owned;
    snprintf(buf, 8, "$%u", (unsigned)q->n % 100u);
    return buf;
}

void qp_bind(db_stmt *s, const struct qparams *q)
{
    for (int k = 0; k < q->n; k++) {
        if (q->type[k] == 'i')
            db_bind_i64(s, k + 1, q->i[k]);
        else
            db_bind_text(s, k + 1, q->t[k]);
    }
}

void qp_free(struct qparams *q)
{
    for (int k = 0; k < q->n; k++)
        if (q->type[k] == 't')
            free(q->t[k]);
    q->n = 0;
}

/* The WHERE clause of a filter. me ($n) is the viewer's person id, already in q. */
void people_where_sql(dj_buf *b, const struct people_filter *f, struct qparams *q, const char *me)
{
    char n[8];
    dj_buf_printf(b,
                  " WHERE (%s OR p.id = %s OR EXISTS (SELECT 1 FROM person_orgs m JOIN orgs mo ON mo.id = m.org_id"
                  " WHERE m.person_id = p.id AND %s))",
                  f->read_scope ? f->read_scope : "(1=1)", me, f->read_scope_mass ? f->read_scope_mass : "(1=1)");
    if (f->q && *f->q) {
        /* the name is matched literally: % and _ typed by the user are no wildcards */
        dj_buf like = {0};
        dj_buf_puts(&like, "%");
        for (const char *c = f->q; *c; c++) {
            if (*c == '%' || *c == '_' || *c == '!')
                dj_buf_puts(&like, "!");
            dj_buf_append(&like, c, 1);
        }
        dj_buf_puts(&like, "%");
        dj_buf_printf(b, " AND p.name LIKE %s ESCAPE '!'", qp_text(q, dj_buf_cstr(&like), n));
    }
    if (f->status && *f->status)
        dj_buf_printf(b, " AND p.party_status = %s", qp_text(q, dj_strdup(f->status), n));
    if (f->org_path && *f->org_path) {
        /* the subtree's organisations by the path index (a range: auth_path_end), their
         * people by people_org and person_orgs_org, as one set of ids that drives the
         * query: its cost grows with the subtree, not with the tree or the roster */
        char lo[8], hi[8];
        size_t len = strlen(f->org_path) + 1;
        char *end = dj_malloc(len);
        auth_path_end(f->org_path, end, len);
        qp_text(q, dj_strdup(f->org_path), lo);
        qp_text(q, end, hi);
        dj_buf_printf(b, " AND p.id IN (SELECT s.id FROM orgs so JOIN people s ON s.org_id = so.id"
                         " WHERE so.path >= %s AND so.path < %s UNION SELECT m2.person_id FROM orgs mo2"
                         " JOIN person_orgs m2 ON m2.org_id = mo2.id WHERE mo2.path >= %s AND mo2.path < %s)",
                      lo, hi, lo, hi);
    }
    if (f->active >= 0)
        dj_buf_printf(b, " AND p.active = %d", f->active ? 1 : 0);
}

static void order_sql(dj_buf *b, const char *sort)
{
    static const char *const order[] = {" ORDER BY p.name, p.id", " ORDER BY p.name DESC, p.id DESC",
                                        " ORDER BY p.joined_on, p.id", " ORDER BY p.joined_on DESC, p.id DESC",
                                        " ORDER BY p.id", " ORDER BY p.id DESC"};
    for (int i = 0; people_sorts[i]; i++)
        if (sort && strcmp(sort, people_sorts[i]) == 0) {
            dj_buf_puts(b, order[i]);
            return;
        }
    /* by organisation, people without a party branch (union, youth members) last */
    dj_buf_puts(b, " ORDER BY CASE WHEN o.path IS NULL THEN 1 ELSE 0 END, o.path, p.id");
}

/* Runs the filtered query; with limit < 0 every row. The statement is dynamic. */
db_stmt *people_query(db_conn *c, const struct people_filter *f, int64_t limit, int64_t offset)
{
    struct qparams q = {0};
    char me[8], n1[8], n2[8];
    qp_int(&q, f->me, me);
    dj_buf b = {0};
    /* the viewer sees private fields of their own record and where they hold person.private;
     * a page also carries the count of all matches: one scan, not two */
    dj_buf_printf(&b, "SELECT " PERSON_COLS ", CASE WHEN p.id = %s OR %s THEN 1 ELSE 0 END AS show_private"
                      PERSON_FROM, me, f->private_scope ? f->private_scope : "(1=1)");
    people_where_sql(&b, f, &q, me);
    order_sql(&b, f->sort);
    if (limit >= 0) {
        const char *l = qp_int(&q, limit, n1);
        dj_buf_printf(&b, " LIMIT %s OFFSET %s", l, qp_int(&q, offset, n2));
    }
    db_stmt *s = db_prep_dynamic(c, dj_buf_cstr(&b));
    dj_buf_free(&b);
    if (s)
        qp_bind(s, &q);
    qp_free(&q);
    return s;
}

/* The count of every match, counted once and kept until the tables it is read
 * from are written (readcache.h):
 * a page's cost grows with the page, not with the roster.  The key is the query
 * itself (the scopes' SQL) and its parameters: only the same question gets the
 * same answer. */
int people_count_matches(db_conn *c, const struct people_filter *f, int64_t *total)
{
    struct qparams q = {0};
    char me[8];
    qp_int(&q, f->me, me);
    dj_buf b = {0};
    dj_buf_puts(&b, "SELECT COUNT(*)" PERSON_FROM);
    people_where_sql(&b, f, &q, me);
    dj_buf key = {0};
    dj_buf_printf(&key, "count\x1f%s", dj_buf_cstr(&b));
    for (int k = 0; k < q.n; k++) {
        if (q.type[k] == 'i')
            dj_buf_printf(&key, "\x1f%lld", (long long)q.i[k]);
        else
            dj_buf_printf(&key, "\x1f%s", q.t[k] ? q.t[k] : "");
    }
    uint64_t gen;
    json_t *hit = dj_rcache_get(c, dj_buf_cstr(&key), &gen);
    int rc = DJ_OK;
    if (hit) {
        *total = json_integer_value(hit);
        json_decref(hit);
        goto out;
    }
    db_stmt *s = db_prep_dynamic(c, dj_buf_cstr(&b));
    rc = DJ_EDB;
    if (s) {
        qp_bind(s, &q);
        rc = db_step(s);
        *total = rc == DB_ROW ? db_col_i64(s, 0) : 0;
        db_done(s);
        if (rc == DB_ROW) {
            json_t *v = json_integer(*total);
            /* kept while the roster is not written (a minute at most): a count
             * of 100,000 people takes a quarter of a second */
            dj_rcache_put_for(dj_buf_cstr(&key), v, gen, 60000);
            json_decref(v);
        }
    }
out:
    dj_buf_free(&key);
    dj_buf_free(&b);
    qp_free(&q);
    return rc < 0 ? rc : DJ_OK;
}

json_t *people_list(db_conn *c, const struct people_filter *f, int64_t limit, int64_t offset, int64_t *total,
                    int *err)
{
    int rc = DJ_OK;
    json_t *items = NULL;
    db_stmt *s = people_query(c, f, limit, offset);
    if (!s) {
        rc = DJ_EDB;
        goto out;
    }
    items = json_array();
    int64_t today = orgs_today();
    while ((rc = db_step(s)) == DB_ROW) {
        json_t *o = db_row_json(s);
        bool priv = dj_jint(o, "show_private", 0) != 0;
        json_object_del(o, "show_private");
        decorate(o, priv, today);
        json_array_append_new(items, o);
    }
    db_done(s);
    if (rc < 0)
        goto out;
    rc = DJ_OK;
    if (offset == 0 && (limit < 0 || (int64_t)json_array_size(items) < limit))
        *total = (int64_t)json_array_size(items); /* the whole list is on this page */
    else
        rc = people_count_matches(c, f, total);
out:
    if (rc != DJ_OK) {
        json_decref(items);
        items = NULL;
    }
    if (err)
        *err = rc;
    return items;
}

int people_each(db_conn *c, const struct people_filter *f, void (*cb)(json_t *row, void *arg), void *arg)
{
    db_stmt *s = people_query(c, f, -1, 0);
    int rc = s ? DJ_OK : DJ_EDB;
    int64_t today = orgs_today();
    while (s && (rc = db_step(s)) == DB_ROW) {
        json_t *o = db_row_json(s);
        bool priv = dj_jint(o, "show_private", 0) != 0;
        json_object_del(o, "show_private");
        decorate(o, priv, today);
        cb(o, arg);
        json_decref(o);
    }
    if (s)
        db_done(s);
    return rc < 0 ? rc : DJ_OK;
}

json_t *people_row(db_conn *c, int64_t id, int *err)
{
    return db_query_row(c, err,
                        "SELECT id, name, gender, birth_date, ethnicity, education, phone, job_post, job_title,"
                        " org_id, party_status, joined_on, full_on, probation_until, observation_from,"
                        " observation_until, pledge, active AS active__bool FROM people WHERE id = $1",
                        "i", id);
}

int people_scope_org(db_conn *c, int64_t person_id, int64_t *org_id)
{
    return db_query_i64(c, org_id,
                        "SELECT COALESCE(org_id, (SELECT MIN(id) FROM orgs WHERE parent_id IS NULL))"
                        " FROM people WHERE id = $1",
                        "i", person_id);
}

static json_t *posts_of(db_conn *c, int64_t id)
{
    json_t *a = db_query_rows(c, NULL,
                              "SELECT f.org_id, o.name AS org_name, f.post, f.since FROM org_officers f"
                              " JOIN orgs o ON o.id = f.org_id WHERE f.person_id = $1 ORDER BY f.id",
                              "i", id);
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x) json_object_set_new(x, "post_label", json_string(orgs_post_label(dj_jstr(x, "post", ""))));
    return a ? a : json_array();
}

json_t *people_get(db_conn *c, int64_t id, bool show_private, int *err)
{
    json_t *o = db_query_row(c, err, "SELECT " PERSON_COLS PERSON_FROM " WHERE p.id = $1", "i", id);
    if (!o)
        return NULL;
    decorate(o, show_private, orgs_today());
    json_t *mass = db_query_rows(c, NULL,
                                 "SELECT o.id, o.name, o.kind FROM person_orgs m JOIN orgs o ON o.id = m.org_id"
                                 " WHERE m.person_id = $1 ORDER BY o.path",
                                 "i", id);
    json_object_set_new(o, "mass_orgs", mass ? mass : json_array());
    json_object_set_new(o, "posts", posts_of(c, id));
    return o;
}

/* Builds a profile from a row of PROFILE_SQL. */
static json_t *profile_of(json_t *row, json_t *posts, int64_t today)
{
    int years = people_party_years(dj_jstr(row, "joined_on", NULL), today);
    const char *status = dj_jstr(row, "party_status", "none");
    bool member = !strcmp(status, "full") || !strcmp(status, "probationary");
    return json_pack("{s:O, s:O, s:O, s:O, s:O, s:s, s:s, s:o, s:O, s:O, s:o}", "id", json_object_get(row, "id"),
                     "name", json_object_get(row, "name"), "branch_id", json_object_get(row, "branch_id"),
                     "branch_name", json_object_get(row, "branch_name"), "job_post", json_object_get(row, "job_post"),
                     "party_status", status, "status_label", people_status_label(status), "party_years",
                     member && years >= 0 ? json_integer(years) : json_null(), "joined_on",
                     member ? json_object_get(row, "joined_on") : json_null(), "pledge",
                     json_object_get(row, "pledge"), "posts", posts ? posts : json_array());
}

json_t *people_profile(db_conn *c, int64_t id, int *err)
{
    json_t *row = db_query_row(c, err, "SELECT " PERSON_COLS PERSON_FROM " WHERE p.id = $1 AND p.active = 1", "i", id);
    if (!row)
        return NULL;
    json_t *p = profile_of(row, posts_of(c, id), orgs_today());
    json_decref(row);
    return p;
}

json_t *people_org_members(db_conn *c, int64_t org_id, int *err)
{
    json_t *rows = db_query_rows(
        c, err,
        "SELECT " PERSON_COLS PERSON_FROM " WHERE p.active = 1 AND ("
        "  (o.path LIKE (SELECT path FROM orgs WHERE id = $1) || '%'"
        "   AND p.party_status IN ('full', 'probationary'))"
        "  OR p.id IN (SELECT person_id FROM person_orgs WHERE org_id = $1))"
        " ORDER BY CASE WHEN EXISTS (SELECT 1 FROM org_officers f WHERE f.person_id = p.id AND f.org_id = $1)"
        " THEN 0 ELSE 1 END, p.joined_on, p.id",
        "i", org_id);
    if (!rows)
        return NULL;
    /* posts of everyone in one query */
    json_t *posts = db_query_rows(c, NULL,
                                  "SELECT f.person_id, f.org_id, o.name AS org_name, f.post FROM org_officers f"
                                  " JOIN orgs o ON o.id = f.org_id"
                                  " WHERE o.path LIKE (SELECT path FROM orgs WHERE id = $1) || '%'"
                                  " OR f.org_id = $1 ORDER BY f.id",
                                  "i", org_id);
    json_t *out = json_array();
    int64_t today = orgs_today();
    size_t i, k;
    json_t *row, *x;
    json_array_foreach(rows, i, row) {
        json_t *mine = json_array();
        json_array_foreach(posts, k, x) {
            if (dj_jint(x, "person_id", 0) != dj_jint(row, "id", 0))
                continue;
            json_array_append_new(mine, json_pack("{s:O, s:O, s:O, s:s}", "org_id", json_object_get(x, "org_id"),
                                                  "org_name", json_object_get(x, "org_name"), "post",
                                                  json_object_get(x, "post"), "post_label",
                                                  orgs_post_label(dj_jstr(x, "post", ""))));
        }
        json_array_append_new(out, profile_of(row, mine, today));
    }
    json_decref(posts);
    json_decref(rows);
    return out;
}

/* ---------------------------------------------------------------- changes */

static int fail(struct people_err *e, int rc, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(struct people_err *e, int rc, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    e->field = field;
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return rc;
}

/* The merged state (row overlaid by in) must hold together. */
static int check_state(db_conn *c, const json_t *row, const json_t *in, int64_t id, struct people_err *e)
{
#define GET(k) (json_object_get(in, k) ? dj_jstr(in, k, NULL) : dj_jstr(row, k, NULL))
    const char *status = GET("party_status");
    const char *field = NULL;
    const char *why = people_check(status ? status : "none", GET("birth_date"), GET("joined_on"), GET("full_on"), &field);
    if (why)
        return fail(e, DJ_EINVAL, field, "%s", why);
    const char *of = GET("observation_from"), *ou = GET("observation_until");
    if (ou && !of)
        return fail(e, DJ_EINVAL, "observation_from", "请填写留党察看的起始日期");
    if (of && ou && strcmp(ou, of) < 0)
        return fail(e, DJ_EINVAL, "observation_until", "留党察看的截止日期不能早于起始日期");
    if (of && (!status || strcmp(status, "full") != 0) && json_object_get(in, "observation_from") &&
        !json_is_null(json_object_get(in, "observation_from")))
        return fail(e, DJ_EINVAL, "observation_from", "只有正式党员才会受到留党察看处分");
    const char *phone = GET("phone");
#undef GET
    if (phone && !people_phone_valid(phone))
        return fail(e, DJ_EINVAL, "phone", "手机号“%s”应为11位数字", phone);
    if (phone) {
        int64_t other = 0;
        int rc = db_query_i64(c, &other, "SELECT id FROM people WHERE phone = $1 AND id <> $2", "ti", phone, id);
        if (rc == DJ_OK)
            return fail(e, DJ_ECONFLICT, "phone", "手机号%s已登记给其他人员", phone);
        if (rc != DJ_ENOTFOUND)
            return rc;
    }
    if (json_object_get(in, "org_id") && !json_is_null(json_object_get(in, "org_id"))) {
        char *kind = NULL;
        int rc = db_query_text(c, &kind, "SELECT kind FROM orgs WHERE id = $1 AND dissolved_on IS NULL", "i",
                               dj_jint(in, "org_id", 0));
        if (rc == DJ_ENOTFOUND)
            return fail(e, DJ_EINVAL, "org_id", "找不到该组织或已撤销");
        if (rc)
            return rc;
        bool ok = !strcmp(kind, "branch") || !strcmp(kind, "group") || !strcmp(kind, "general_branch");
        free(kind);
        if (!ok)
            return fail(e, DJ_EINVAL, "org_id", "所在组织须为党支部、党总支或党小组");
    }
    json_t *mass = json_object_get(in, "mass_orgs");
    size_t i;
    json_t *x;
    json_array_foreach(mass, i, x) {
        char *kind = NULL;
        int rc = json_is_integer(x) ? db_query_text(c, &kind, "SELECT kind FROM orgs WHERE id = $1 AND"
                                                              " dissolved_on IS NULL", "i", (int64_t)json_integer_value(x))
                                    : DJ_ENOTFOUND;
        bool ok = rc == DJ_OK && orgs_kind_is_mass(kind);
        free(kind);
        if (rc != DJ_OK && rc != DJ_ENOTFOUND)
            return rc;
        if (!ok)
            return fail(e, DJ_EINVAL, "mass_orgs", "第%zu项不是工会、妇委会或团组织", i + 1);
    }
    return DJ_OK;
}

static int set_mass(db_conn *c, int64_t id, const json_t *mass)
{
    int rc = db_exec(c, "DELETE FROM person_orgs WHERE person_id = $1", "i", id);
    size_t i;
    json_t *x;
    json_array_foreach(mass, i, x) {
        if (rc)
            break;
        rc = db_exec(c, "INSERT INTO person_orgs (person_id, org_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", "ii", id,
                     (int64_t)json_integer_value(x));
    }
    return rc;
}

int people_create(db_conn *c, const json_t *in, int64_t *id, struct people_err *e)
{
    return people_create_as(c, in, id, e, "created", NULL);
}

int people_create_as(db_conn *c, const json_t *in, int64_t *id, struct people_err *e, const char *event,
                     const char *branch_since)
{
    json_t *empty = json_object();
    int rc = check_state(c, empty, in, 0, e);
    json_decref(empty);
    if (rc)
        return rc;
    char now[21];
    dj_time_iso(dj_now(), now);
    db_stmt *s = db_prep(c, "INSERT INTO people (name, gender, birth_date, ethnicity, education, phone, job_post,"
                            " job_title, org_id, party_status, joined_on, full_on, probation_until, pledge,"
                            " created_at, updated_at)"
                            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)"
                            " RETURNING id");
    if (!s)
        return DJ_EDB;
    db_bind(s, "ttttttttItttttt", dj_jstr(in, "name", ""), dj_jstr(in, "gender", NULL), dj_jstr(in, "birth_date", NULL),
            dj_jstr(in, "ethnicity", NULL), dj_jstr(in, "education", NULL), dj_jstr(in, "phone", NULL),
            dj_jstr(in, "job_post", NULL), dj_jstr(in, "job_title", NULL), dj_jint(in, "org_id", 0),
            dj_jstr(in, "party_status", "none"), dj_jstr(in, "joined_on", NULL), dj_jstr(in, "full_on", NULL),
            dj_jstr(in, "probation_until", NULL), dj_jstr(in, "pledge", NULL), now);
    rc = db_step(s);
    if (rc == DB_ROW)
        *id = db_col_i64(s, 0);
    db_done(s);
    if (rc != DB_ROW)
        return rc < 0 ? rc : DJ_EDB;
    rc = orgs_stats_person(c, *id, +1);
    if (rc == DJ_OK)
        rc = people_history_start(c, *id, event, branch_since, 0);
    if (rc == DJ_OK && json_is_array(json_object_get(in, "mass_orgs")))
        rc = set_mass(c, *id, json_object_get(in, "mass_orgs"));
    return rc;
}

int people_update(db_conn *c, int64_t id, const json_t *in, struct people_err *e)
{
    int rc;
    json_t *row = people_row(c, id, &rc);
    if (!row)
        return rc == DJ_ENOTFOUND ? fail(e, rc, "id", "找不到该人员") : rc;
    rc = check_state(c, row, in, id, e);
    int64_t old_org = dj_jint(row, "org_id", 0);
    bool was_active = dj_jbool(row, "active", true);
    json_decref(row);
    if (rc)
        return rc;
    /* the subtree figures (org_stats): out before, in after a change of org, status or roster */
    bool counted = json_object_get(in, "party_status") || json_object_get(in, "org_id") || json_object_get(in, "active");
    if (counted)
        rc = orgs_stats_person(c, id, -1);
    static const char *const cols[] = {"name", "gender", "birth_date", "ethnicity", "education", "phone",
                                       "job_post", "job_title", "party_status", "joined_on", "full_on",
                                       "probation_until", "pledge", "observation_from", "observation_until", NULL};
    static const char *const sql[] = {
        "UPDATE people SET name = $1 WHERE id = $2",          "UPDATE people SET gender = $1 WHERE id = $2",
        "UPDATE people SET birth_date = $1 WHERE id = $2",    "UPDATE people SET ethnicity = $1 WHERE id = $2",
        "UPDATE people SET education = $1 WHERE id = $2",     "UPDATE people SET phone = $1 WHERE id = $2",
        "UPDATE people SET job_post = $1 WHERE id = $2",      "UPDATE people SET job_title = $1 WHERE id = $2",
        "UPDATE people SET party_status = $1 WHERE id = $2",  "UPDATE people SET joined_on = $1 WHERE id = $2",
        "UPDATE people SET full_on = $1 WHERE id = $2",       "UPDATE people SET probation_until = $1 WHERE id = $2",
        "UPDATE people SET pledge = $1 WHERE id = $2",
        "UPDATE people SET observation_from = $1 WHERE id = $2", "UPDATE people SET observation_until = $1 WHERE id = $2",
    };
    for (int i = 0; rc == DJ_OK && cols[i]; i++)
        if (json_object_get(in, cols[i]))
            rc = db_exec(c, sql[i], "ti", dj_jstr(in, cols[i], NULL), id);
    /* the roster places someone who had no branch; a move between branches is a
     * transfer (src/transfers), refused by the handler before this */
    int64_t new_org = json_object_get(in, "org_id") ? dj_jint(in, "org_id", 0) : old_org;
    bool now_active = json_object_get(in, "active") ? dj_jbool(in, "active", true) : was_active;
    if (rc == DJ_OK && new_org != old_org)
        rc = db_exec(c, "UPDATE people SET org_id = $1 WHERE id = $2", "Ii", new_org, id);
    if (rc == DJ_OK && (new_org != old_org || now_active != was_active)) {
        char today[11];
        int y, m, d;
        dj_local_date(dj_now(), &y, &m, &d);
        snprintf(today, sizeof today, "%04d-%02d-%02d", y, m, d);
        struct people_event ev = {.person_id = id, .kind = "branch", .org_id = now_active ? new_org : 0,
                                  .on_date = today, .event = "roster"};
        rc = people_history_add(c, &ev);
    }
    if (rc == DJ_OK && json_object_get(in, "active")) {
        rc = db_exec(c, "UPDATE people SET active = $1 WHERE id = $2", "bi", (int)dj_jbool(in, "active", true), id);
        /* someone who leaves the roster holds no post any more */
        if (rc == DJ_OK && !dj_jbool(in, "active", true))
            rc = db_exec(c, "DELETE FROM org_officers WHERE person_id = $1", "i", id);
    }
    if (rc == DJ_OK && json_is_array(json_object_get(in, "mass_orgs")))
        rc = set_mass(c, id, json_object_get(in, "mass_orgs"));
    if (rc == DJ_OK && counted)
        rc = orgs_stats_person(c, id, +1);
    char now[21];
    dj_time_iso(dj_now(), now);
    if (rc == DJ_OK)
        rc = db_exec(c, "UPDATE people SET updated_at = $1 WHERE id = $2", "ti", now, id);
    return rc;
}
