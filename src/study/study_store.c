/* study_store.c - the SQL of study materials, their search index, the reading
 * heartbeats with the day's counted time, and the year's 学时. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/auth.h"
#include "../core/err.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "../points/points.h"
#include "study_int.h"

void study_viewer_of(dj_req *r, struct study_viewer *v)
{
    v->person_id = r->user ? r->user->person_id : 0;
    /* in the request's arena */
    v->read_sql = auth_scope_sql(r, "study.read", "mo.path");
    v->manage_sql = auth_scope_sql(r, "study.manage", "mo.path");
}

int study_material_org(db_conn *c, int64_t id, int64_t *org_id, char state[16])
{
    db_stmt *s = db_prep(c, "SELECT org_id, state FROM study_materials WHERE id = $1");
    if (!s)
        return DJ_EDB;
    db_bind(s, "i", id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        *org_id = db_col_i64(s, 0);
        snprintf(state, 16, "%s", db_col_text(s, 1));
        rc = DJ_OK;
    } else if (rc == DB_DONE) {
        rc = DJ_ENOTFOUND;
    }
    db_done(s);
    return rc;
}

int study_material_set_length(db_conn *c, int64_t id, int64_t seconds)
{
    char now[21];
    dj_time_iso(dj_now(), now);
    return db_exec(c, "UPDATE study_materials SET length_seconds = $2, updated_at = $3 WHERE id = $1 AND kind = 'video'",
                   "iit", id, seconds, now);
}

bool study_may_see_material(dj_req *r, int64_t id)
{
    int64_t org = 0;
    char state[16];
    return study_material_org(dj_db(r), id, &org, state) == DJ_OK && study_may_see_material_at(r, org, state);
}

bool study_may_see_material_at(dj_req *r, int64_t org, const char *state)
{
    db_conn *c = dj_db(r);
    if (auth_can(r, "study.manage", org))
        return true;
    if (strcmp(state, "published") != 0)
        return false;
    if (auth_can(r, "study.read", org))
        return true;
    int64_t n = 0;
    return r->user->person_id &&
           db_query_i64(c, &n,
                        "SELECT COUNT(*) FROM people p JOIN orgs po ON po.id = p.org_id, orgs mo"
                        " WHERE p.id = $1 AND mo.id = $2 AND po.path >= mo.path AND po.path < mo.path || ':'",
                        "ii", r->user->person_id, org) == DJ_OK &&
           n > 0;
}

/* A material is listed to a reader when it is published to an org above the reader's
 * person, or where the reader has study.read; drafts where the reader manages. */
#define MATERIAL_VISIBLE                                                                                              \
    "((m.state = 'published' AND (%s OR EXISTS (SELECT 1 FROM people p JOIN orgs po ON po.id = p.org_id"            \
    " WHERE p.id = $1 AND po.path >= mo.path AND po.path < mo.path || ':'))) OR %s)"

#define MATERIAL_COLS                                                                                                 \
    "m.id, m.column_id, sc.name AS column_name, m.org_id, mo.name AS org_name, m.kind, m.title, m.summary, m.url,"  \
    " m.length_seconds, m.state, m.published_at, m.updated_at,"                                                      \
    " COALESCE(sp.seconds, 0) AS my_seconds, sp.finished_at AS my_finished_at"

json_t *study_materials_list(db_conn *c, const struct study_viewer *v, const struct study_material_filter *f,
                             int64_t limit, int64_t offset, int64_t *total, int *err)
{
    dj_buf w = {0};
    dj_buf_printf(&w, MATERIAL_VISIBLE, v->read_sql, v->manage_sql);
    dj_buf_puts(&w, " AND ($2 = 0 OR m.column_id = $2) AND ($3 = '' OR m.state = $3)");
    const char *from = f->fts ? " FROM study_search($4) f JOIN study_materials m ON m.id = f.rowid"
                              : " FROM study_materials m";
    const char *order = f->fts ? " ORDER BY f.rank, m.id DESC" : " ORDER BY COALESCE(m.published_at, m.updated_at) DESC, m.id DESC";
    char *cnt = dj_asprintf("SELECT COUNT(*)%s JOIN orgs mo ON mo.id = m.org_id WHERE %s%s", from, w.data,
                            f->fts ? "" : " AND $4 = ''");
    char *sql = dj_asprintf("SELECT " MATERIAL_COLS "%s JOIN orgs mo ON mo.id = m.org_id"
                            " JOIN study_columns sc ON sc.id = m.column_id"
                            " LEFT JOIN study_progress sp ON sp.material_id = m.id AND sp.person_id = $1"
                            " WHERE %s%s%s LIMIT $5 OFFSET $6",
                            from, w.data, f->fts ? "" : " AND $4 = ''", order);
    const char *st = f->state ? f->state : "";
    const char *q = f->fts ? f->fts : "";
    json_t *rows = NULL;
    db_stmt *s = db_prep_dynamic(c, cnt);
    int rc = s ? DJ_OK : DJ_EDB;
    if (s) {
        db_bind(s, "iitt", v->person_id, f->column_id, st, q);
        rc = db_step(s);
        if (rc == DB_ROW) {
            *total = db_col_i64(s, 0);
            rc = DJ_OK;
        }
        db_done(s);
    }
    if (rc == DJ_OK)
        rows = db_query_rows_dynamic(c, &rc, sql, "iittii", v->person_id, f->column_id, st, q, limit, offset);
    free(cnt);
    free(sql);
    dj_buf_free(&w);
    if (!rows && err)
        *err = rc ? rc : DJ_EDB;
    return rows;
}

json_t *study_material_get(db_conn *c, int64_t id, int64_t person_id, int *err)
{
    json_t *o = db_query_row(c, err,
                             "SELECT " MATERIAL_COLS ", m.body, sp.last_beat_at AS my_last_beat"
                             " FROM study_materials m JOIN orgs mo ON mo.id = m.org_id"
                             " JOIN study_columns sc ON sc.id = m.column_id"
                             " LEFT JOIN study_progress sp ON sp.material_id = m.id AND sp.person_id = $1"
                             " WHERE m.id = $2",
                             "ii", person_id, id);
    if (o)
        json_object_del(o, "my_last_beat");
    return o;
}

int study_index_material(db_conn *c, int64_t id)
{
    int err = 0;
    json_t *o = db_query_row(c, &err, "SELECT title, summary, body FROM study_materials WHERE id = $1", "i", id);
    if (!o)
        return err;
    char *text = study_html_text(dj_jstr(o, "body", ""));
    char *all = dj_asprintf("%s %s %s", dj_jstr(o, "title", ""), dj_jstr(o, "summary", ""), text);
    char *terms = study_terms(all);
    int rc = db_exec(c, "DELETE FROM study_search WHERE rowid = $1", "i", id);
    if (rc == DJ_OK)
        rc = db_exec(c, "INSERT INTO study_search (rowid, terms) VALUES ($1, $2)", "it", id, terms);
    free(terms);
    free(all);
    free(text);
    json_decref(o);
    return rc;
}

int study_material_save(db_conn *c, int64_t id, const json_t *in, int64_t user_id, int64_t *new_id)
{
    char now[21];
    dj_time_iso(dj_now(), now);
    const char *kind = dj_jstr(in, "kind", "article");
    char *body = NULL;
    /* a video's duration, or the minutes the committee gives a document or a link */
    int64_t length = dj_jint(in, "length_seconds", 0);
    if (length <= 0)
        length = dj_jint(in, "minutes", 0) * 60;
    if (strcmp(kind, "article") == 0) {
        body = study_html_clean(dj_jstr(in, "body", ""));
        if (length <= 0) {
            char *text = study_html_text(body);
            length = study_article_seconds(dj_utf8_len(text));
            free(text);
        }
    }
    if (length <= 0)
        length = 60;
    int rc;
    if (id == 0) {
        rc = db_query_i64(c, new_id,
                          "INSERT INTO study_materials (column_id, org_id, kind, title, summary, body, url, length_seconds,"
                          " state, created_by, created_at, updated_at)"
                          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', $9, $10, $10) RETURNING id",
                          "iitttttiIt", dj_jint(in, "column_id", 0), dj_jint(in, "org_id", 0), kind,
                          dj_jstr(in, "title", ""), dj_jstr(in, "summary", NULL), body, dj_jstr(in, "url", NULL),
                          length, user_id, now);
        id = *new_id;
    } else {
        rc = db_exec(c,
                     "UPDATE study_materials SET column_id = $2, kind = $3, title = $4, summary = $5, body = $6,"
                     " url = $7, length_seconds = $8, updated_at = $9 WHERE id = $1",
                     "iitttttit", id, dj_jint(in, "column_id", 0), kind, dj_jstr(in, "title", ""),
                     dj_jstr(in, "summary", NULL), body, dj_jstr(in, "url", NULL), length, now);
        *new_id = id;
    }
    free(body);
    if (rc == DJ_OK)
        rc = study_index_material(c, id);
    return rc;
}

int study_material_set_state(db_conn *c, int64_t id, const char *state)
{
    char now[21];
    dj_time_iso(dj_now(), now);
    return db_exec(c,
                   "UPDATE study_materials SET state = $2, updated_at = $3,"
                   " published_at = CASE WHEN $2 = 'published' THEN COALESCE(published_at, $3) ELSE published_at END"
                   " WHERE id = $1",
                   "itt", id, state, now);
}

json_t *study_columns_list(db_conn *c, int *err)
{
    return db_query_rows(c, err,
                         "SELECT sc.id, sc.name, sc.description, sc.sort, sc.is_rules AS is_rules__bool,"
                         " sc.active AS active__bool, (SELECT COUNT(*) FROM study_materials m WHERE m.column_id = sc.id"
                         " AND m.state = 'published') AS published FROM study_columns sc ORDER BY sc.sort, sc.id",
                         "");
}

int study_column_save(db_conn *c, int64_t id, const json_t *in, int64_t *new_id)
{
    char now[21];
    dj_time_iso(dj_now(), now);
    if (id == 0)
        return db_query_i64(c, new_id,
                            "INSERT INTO study_columns (name, description, sort, is_rules, active, created_at)"
                            " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                            "ttibbt", dj_jstr(in, "name", ""), dj_jstr(in, "description", NULL),
                            dj_jint(in, "sort", 0), dj_jbool(in, "is_rules", false), dj_jbool(in, "active", true), now);
    *new_id = id;
    return db_exec(c, "UPDATE study_columns SET name = $2, description = $3, sort = $4, is_rules = $5, active = $6"
                      " WHERE id = $1",
                   "ittibb", id, dj_jstr(in, "name", ""), dj_jstr(in, "description", NULL), dj_jint(in, "sort", 0),
                   dj_jbool(in, "is_rules", false), dj_jbool(in, "active", true));
}

/* ---------- heartbeats ---------- */

int study_beat_record(db_conn *c, const struct study_beat *b, int64_t now, struct study_beat_result *res)
{
    memset(res, 0, sizeof *res);
    char now_iso[21], day[16];
    dj_time_iso(now, now_iso);
    int y, m, d;
    dj_local_date(now, &y, &m, &d);
    snprintf(day, sizeof day, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);

    int64_t length = 0;
    int rc = db_query_i64(c, &length, "SELECT length_seconds FROM study_materials WHERE id = $1 AND state = 'published'",
                          "i", b->material_id);
    if (rc)
        return rc;
    res->length_seconds = length;
    rc = db_exec(c,
                 "INSERT INTO study_progress (person_id, material_id, seconds, last_beat_at, seq, started_at)"
                 " VALUES ($1, $2, 0, 0, 0, $3) ON CONFLICT (person_id, material_id) DO NOTHING",
                 "iit", b->person_id, b->material_id, now_iso);
    if (rc)
        return rc;
    int err = 0;
    json_t *p = db_query_row(c, &err,
                             "SELECT seconds, last_beat_at, session, seq, finished_at FROM study_progress"
                             " WHERE person_id = $1 AND material_id = $2",
                             "ii", b->person_id, b->material_id);
    if (!p)
        return err;
    int64_t counted = dj_jint(p, "seconds", 0), last = dj_jint(p, "last_beat_at", 0);
    const char *session = dj_jstr(p, "session", "");
    bool same = strcmp(session, b->session) == 0;
    bool was_finished = dj_jstr(p, "finished_at", NULL) != NULL;
    res->seconds = counted;
    res->finished = was_finished;
    if (same && b->seq <= dj_jint(p, "seq", 0)) {
        res->replay = true; /* a retry of a beat already counted */
        goto out;
    }
    /* a new reading session only starts the clock: two devices at once never count twice */
    int64_t credit = study_beat_credit(same ? last : 0, now, b->visible, b->active, STUDY_BEAT_MAX_GAP);
    credit = study_cap_credit(counted, credit, length);
    res->credited = credit;
    res->seconds = counted + credit;
    res->finished_now = !was_finished && res->seconds >= length;
    res->finished = was_finished || res->finished_now;
    rc = db_exec(c,
                 "UPDATE study_progress SET seconds = $3, last_beat_at = $4, session = $5, seq = $6,"
                 " finished_at = CASE WHEN $7 = 1 THEN $8 ELSE finished_at END"
                 " WHERE person_id = $1 AND material_id = $2",
                 "iiiitiit", b->person_id, b->material_id, res->seconds, now, b->session, b->seq,
                 (int64_t)res->finished_now, now_iso);
    if (rc == DJ_OK && credit > 0)
        rc = db_exec(c,
                     "INSERT INTO study_time (person_id, material_id, day, seconds) VALUES ($1, $2, $3, $4)"
                     " ON CONFLICT (person_id, material_id, day) DO UPDATE SET seconds = study_time.seconds + $4",
                     "iiti", b->person_id, b->material_id, day, credit);
    if (rc == DJ_OK && res->finished_now) {
        struct points_award aw = {
            .person_id = b->person_id, .rule_code = "study_material", .source_type = "study",
            .source_id = b->material_id, .quantity = 1, .occurred_at = now,
        };
        struct points_result pr;
        rc = points_award(c, &aw, &pr);
        if (rc == DJ_ENOTFOUND)
            rc = DJ_OK; /* the committee retired the rule */
        else if (rc == DJ_OK) {
            res->points = pr.delta;
            snprintf(res->notice, sizeof res->notice, "%s", pr.notice);
        }
    }
out:
    json_decref(p);
    return rc;
}

/* ---------- 学时 ---------- */

static void year_bounds(int year, char from_day[16], char to_day[16], char from_iso[21], char to_iso[21])
{
    snprintf(from_day, 16, "%04d-01-01", year % 10000);
    snprintf(to_day, 16, "%04d-01-01", (year + 1) % 10000);
    dj_time_iso(dj_local_midnight(year, 1, 1), from_iso);
    dj_time_iso(dj_local_midnight(year + 1, 1, 1), to_iso);
}

json_t *study_hours_of(db_conn *c, int64_t person_id, int year, int *err)
{
    char fd[16], td[16], fi[21], ti[21];
    year_bounds(year, fd, td, fi, ti);
    json_t *o = db_query_row(c, err,
                             "SELECT (SELECT CAST(COALESCE(SUM(seconds), 0) AS BIGINT) FROM study_time WHERE person_id = $1"
                             "  AND day >= $2 AND day < $3) AS seconds,"
                             " (SELECT COUNT(*) FROM study_progress WHERE person_id = $1 AND finished_at >= $4"
                             "  AND finished_at < $5) AS finished,"
                             " (SELECT COALESCE(SUM(v.study_hours), 0) FROM attendance t JOIN activities v"
                             "  ON v.id = t.activity_id WHERE t.person_id = $1 AND v.study_hours > 0"
                             "  AND v.state IN ('held', 'closed') AND v.starts_at >= $4 AND v.starts_at < $5) AS life",
                             "ittt" "t", person_id, fd, td, fi, ti);
    if (!o)
        return NULL;
    int64_t mph = dj_setting_int(c, "study.minutes_per_hour", 45);
    int64_t cap = dj_setting_int(c, "study.online_hours_cap_year", 0);
    int64_t min = dj_setting_int(c, "life.study_hours_min", 32);
    json_t *lv = json_object_get(o, "life");
    double life = json_is_number(lv) ? json_number_value(lv) : 0;
    int64_t tenths = study_hours_tenths(dj_jint(o, "seconds", 0), mph, cap * 10);
    double online = (double)tenths / 10.0;
    json_t *out = json_pack("{s:i, s:I, s:f, s:f, s:f, s:I, s:I, s:I}", "year", year, "online_seconds",
                            (json_int_t)dj_jint(o, "seconds", 0), "online_hours", online, "life_hours", life,
                            "total_hours", online + life, "required_hours", (json_int_t)min, "minutes_per_hour",
                            (json_int_t)mph, "materials_finished", (json_int_t)dj_jint(o, "finished", 0));
    json_decref(o);
    return out;
}

json_t *study_hours_report(db_conn *c, const char *org_path, int year, int *err)
{
    char fd[16], td[16], fi[21], ti[21];
    year_bounds(year, fd, td, fi, ti);
    json_t *rows = db_query_rows(c, err,
                                 "SELECT p.id AS person_id, p.name, o.name AS org_name,"
                                 " (SELECT CAST(COALESCE(SUM(seconds), 0) AS BIGINT) FROM study_time st WHERE st.person_id = p.id"
                                 "  AND st.day >= $2 AND st.day < $3) AS online_seconds,"
                                 " (SELECT COALESCE(SUM(v.study_hours), 0) FROM attendance t JOIN activities v"
                                 "  ON v.id = t.activity_id WHERE t.person_id = p.id AND v.study_hours > 0"
                                 "  AND v.state IN ('held', 'closed') AND v.starts_at >= $4 AND v.starts_at < $5)"
                                 "  AS life_hours"
                                 " FROM people p JOIN orgs o ON o.id = p.org_id WHERE o.path >= $1 AND o.path < $1 || ':' AND p.active = 1"
                                 " AND p.party_status IN " STUDY_MEMBER_STATUS " ORDER BY o.path, p.id",
                                 "ttttt", org_path, fd, td, fi, ti);
    if (!rows)
        return NULL;
    int64_t mph = dj_setting_int(c, "study.minutes_per_hour", 45);
    int64_t cap = dj_setting_int(c, "study.online_hours_cap_year", 0);
    int64_t min = dj_setting_int(c, "life.study_hours_min", 32);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        double online = (double)study_hours_tenths(dj_jint(row, "online_seconds", 0), mph, cap * 10) / 10.0;
        json_t *lv = json_object_get(row, "life_hours");
        double life = json_is_number(lv) ? json_number_value(lv) : 0;
        json_object_set_new(row, "online_hours", json_real(online));
        json_object_set_new(row, "life_hours", json_real(life));
        json_object_set_new(row, "total_hours", json_real(online + life));
        json_object_set_new(row, "reached", json_boolean(online + life + 1e-9 >= (double)min));
    }
    json_t *out = json_pack("{s:i, s:I, s:o}", "year", year, "required_hours", (json_int_t)min, "items", rows);
    return out;
}
