/* study_assign.c - assignments (学习任务): materials to finish by a date, for
 * organisations (their party members, by the roster of the day) and named people;
 * who has finished, who has not, and each member's own list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/timeutil.h"
#include "study_int.h"

#define REACHED STUDY_ASSIGNMENT_REACHES

int study_assignment_create(db_conn *c, const json_t *in, int64_t user_id, int64_t *id, bool *replayed)
{
    *replayed = false;
    const char *key = dj_jstr(in, "client_key", NULL);
    if (key && db_query_i64(c, id, "SELECT id FROM study_assignments WHERE client_key = $1", "t", key) == DJ_OK) {
        *replayed = true;
        return DJ_OK;
    }
    char now[21];
    dj_time_iso(dj_now(), now);
    int rc = db_query_i64(c, id,
                          "INSERT INTO study_assignments (org_id, title, note, due_on, created_by, created_at, client_key)"
                          " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                          "ittt" "Itt", dj_jint(in, "org_id", 0), dj_jstr(in, "title", ""), dj_jstr(in, "note", NULL),
                          dj_jstr(in, "due_on", ""), user_id, now, key);
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(in, "material_ids"), i, v) {
        if (rc == DJ_OK)
            rc = db_exec(c,
                         "INSERT INTO study_assignment_materials (assignment_id, material_id) VALUES ($1, $2)"
                         " ON CONFLICT DO NOTHING",
                         "ii", *id, (int64_t)json_integer_value(v));
    }
    json_array_foreach(json_object_get(in, "org_ids"), i, v) {
        if (rc == DJ_OK)
            rc = db_exec(c, "INSERT INTO study_assignment_targets (assignment_id, org_id) VALUES ($1, $2)", "ii", *id,
                         (int64_t)json_integer_value(v));
    }
    json_array_foreach(json_object_get(in, "person_ids"), i, v) {
        if (rc == DJ_OK)
            rc = db_exec(c, "INSERT INTO study_assignment_targets (assignment_id, person_id) VALUES ($1, $2)", "ii",
                         *id, (int64_t)json_integer_value(v));
    }
    return rc;
}

int study_assignment_org(db_conn *c, int64_t id, int64_t *org_id)
{
    return db_query_i64(c, org_id, "SELECT org_id FROM study_assignments WHERE id = $1", "i", id);
}

static json_t *assignment_materials(db_conn *c, int64_t id, int64_t person_id, int *err)
{
    return db_query_rows(c, err,
                         "SELECT m.id, m.title, m.kind, m.length_seconds, COALESCE(sp.seconds, 0) AS my_seconds,"
                         " sp.finished_at AS my_finished_at FROM study_assignment_materials am"
                         " JOIN study_materials m ON m.id = am.material_id"
                         " LEFT JOIN study_progress sp ON sp.material_id = m.id AND sp.person_id = $2"
                         " WHERE am.assignment_id = $1 ORDER BY m.id",
                         "ii", id, person_id);
}

json_t *study_assignment_progress(db_conn *c, int64_t id, int *err)
{
    json_t *a = db_query_row(c, err,
                             "SELECT a.id, a.org_id, o.name AS org_name, a.title, a.note, a.due_on, a.created_at,"
                             " (SELECT COUNT(*) FROM study_assignment_materials am WHERE am.assignment_id = a.id)"
                             " AS material_count FROM study_assignments a JOIN orgs o ON o.id = a.org_id WHERE a.id = $1",
                             "i", id);
    if (!a)
        return NULL;
    json_t *members = db_query_rows(
        c, err,
        "SELECT p.id AS person_id, p.name, o.name AS org_name,"
        " (SELECT COUNT(*) FROM study_assignment_materials am JOIN study_progress sp ON sp.material_id = am.material_id"
        "  AND sp.person_id = p.id AND sp.finished_at IS NOT NULL WHERE am.assignment_id = a.id) AS done,"
        " (SELECT MAX(sp.finished_at) FROM study_assignment_materials am JOIN study_progress sp"
        "  ON sp.material_id = am.material_id AND sp.person_id = p.id WHERE am.assignment_id = a.id) AS finished_at,"
        " (SELECT CAST(COALESCE(SUM(sp.seconds), 0) AS BIGINT) FROM study_assignment_materials am JOIN study_progress sp"
        "  ON sp.material_id = am.material_id AND sp.person_id = p.id WHERE am.assignment_id = a.id) AS seconds"
        " FROM study_assignments a, people p JOIN orgs o ON o.id = p.org_id WHERE a.id = $1 AND " REACHED
        " ORDER BY o.path, p.id",
        "i", id);
    json_t *mats = members ? assignment_materials(c, id, 0, err) : NULL;
    if (!members || !mats) {
        json_decref(a);
        json_decref(members);
        return NULL;
    }
    int y, m, d;
    dj_date_parse(dj_jstr(a, "due_on", "2000-01-01"), &y, &m, &d);
    char due_end[21];
    dj_time_iso(dj_local_midnight(y, m, d) + 86400, due_end);
    bool past = dj_now() >= dj_local_midnight(y, m, d) + 86400;
    int64_t need = dj_jint(a, "material_count", 0), finished = 0, late = 0;
    size_t i;
    json_t *row;
    json_array_foreach(members, i, row) {
        bool done = need > 0 && dj_jint(row, "done", 0) >= need;
        const char *at = dj_jstr(row, "finished_at", NULL);
        bool on_time = done && at && strcmp(at, due_end) < 0;
        if (!done)
            json_object_set_new(row, "finished_at", json_null());
        json_object_set_new(row, "finished", json_boolean(done));
        json_object_set_new(row, "state", json_string(done ? (on_time ? "done" : "late") : past ? "overdue" : "pending"));
        finished += done;
        late += done && !on_time;
    }
    json_object_set_new(a, "materials", mats);
    json_object_set_new(a, "members", members);
    json_object_set_new(a, "reached", json_integer((json_int_t)json_array_size(members)));
    json_object_set_new(a, "finished", json_integer(finished));
    json_object_set_new(a, "late", json_integer(late));
    json_object_set_new(a, "past_due", json_boolean(past));
    return a;
}

json_t *study_assignments_list(db_conn *c, const char *scope_sql, int *err)
{
    char *sql = dj_asprintf("SELECT a.id FROM study_assignments a JOIN orgs o ON o.id = a.org_id WHERE %s"
                            " ORDER BY a.due_on DESC, a.id DESC LIMIT 200",
                            scope_sql);
    json_t *ids = db_query_rows_dynamic(c, err, sql, "");
    free(sql);
    if (!ids)
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(ids, i, row) {
        json_t *p = study_assignment_progress(c, dj_jint(row, "id", 0), err);
        if (!p) {
            json_decref(out);
            out = NULL;
            break;
        }
        json_object_del(p, "members");
        json_array_append_new(out, p);
    }
    json_decref(ids);
    return out;
}

static const char mine_sql[] = "SELECT a.id, a.title, a.note, a.due_on, ao.name AS org_name"
                               " FROM study_assignments a JOIN orgs ao ON ao.id = a.org_id,"
                               " people p JOIN orgs o ON o.id = p.org_id WHERE p.id = $1 AND " REACHED
                               " ORDER BY a.due_on, a.id";
/* the materials of all of them in one statement, not one per assignment */
static const char mine_materials_sql[] =
    "SELECT am.assignment_id, m.id, m.title, m.kind, m.length_seconds,"
    " COALESCE(sp.seconds, 0) AS my_seconds, sp.finished_at AS my_finished_at"
    " FROM study_assignment_materials am JOIN study_materials m ON m.id = am.material_id"
    " LEFT JOIN study_progress sp ON sp.material_id = m.id AND sp.person_id = $1"
    " WHERE am.assignment_id IN (SELECT a.id FROM study_assignments a,"
    " people p JOIN orgs o ON o.id = p.org_id WHERE p.id = $1 AND " REACHED ")"
    " ORDER BY am.assignment_id, m.id";

void study_assignments_mine_prefetch(db_conn *c, int64_t person_id)
{
    db_prefetch(c, mine_sql, "i", person_id);
    db_prefetch(c, mine_materials_sql, "i", person_id);
}

json_t *study_assignments_mine(db_conn *c, int64_t person_id, int *err)
{
    json_t *rows = db_query_rows(c, err, mine_sql, "i", person_id);
    if (!rows || json_array_size(rows) == 0)
        return rows;
    json_t *all = db_query_rows(c, err, mine_materials_sql, "i", person_id);
    if (!all) {
        json_decref(rows);
        return NULL;
    }
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        int64_t id = dj_jint(row, "id", 0);
        json_t *mats = json_array();
        size_t j, done = 0;
        json_t *m;
        json_array_foreach(all, j, m) {
            if (dj_jint(m, "assignment_id", 0) != id)
                continue;
            json_t *one = json_copy(m);
            json_object_del(one, "assignment_id");
            json_array_append_new(mats, one);
            done += dj_jstr(m, "my_finished_at", NULL) != NULL;
        }
        json_object_set_new(row, "materials", mats);
        json_object_set_new(row, "done", json_integer((json_int_t)done));
        json_object_set_new(row, "finished", json_boolean(done == json_array_size(mats) && done > 0));
    }
    json_decref(all);
    return rows;
}
