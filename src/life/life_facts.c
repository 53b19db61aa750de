/* life_facts.c - what the rules of organisational life need to know of an
 * organisation and its people: the org's span and shape (committee, groups)
 * for compliance, and the voting roll of a 支部党员大会 with the members the
 * committee agreed to leave out of it. */
#include <stdio.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/err.h"
#include "../core/timeutil.h"
#include "life.h"
#include "life_int.h"

void life_org_facts_of(const json_t *o, struct life_org_facts *f)
{
    memset(f, 0, sizeof *f);
    f->id = dj_jint(o, "id", 0);
    snprintf(f->kind, sizeof f->kind, "%s", dj_jstr(o, "kind", ""));
    f->span = life_span_of(dj_jstr(o, "set_up_on", NULL), dj_jstr(o, "dissolved_on", NULL));
    f->has_groups = dj_jint(o, "groups", 0) > 0;
    f->full_members = (int)dj_jint(o, "full_members", 0);
    f->committee_members = (int)dj_jint(o, "committee_members", 0);
    f->has_committee = life_has_committee(f->kind, f->full_members, f->committee_members);
}

int life_org_facts(db_conn *c, int64_t org_id, struct life_org_facts *f)
{
    int rc;
    json_t *o = db_query_row(c, &rc, "SELECT o.id, o.kind, o.set_up_on, o.dissolved_on," LIFE_ORG_FACTS_COLUMNS
                                     " FROM orgs o WHERE o.id = $1",
                             "i", org_id);
    if (!o)
        return rc;
    life_org_facts_of(o, f);
    json_decref(o);
    return DJ_OK;
}

/* ---------------------------------------------------------------- the voting roll */

/* The Shanghai date of the meeting, YYYY-MM-DD. */
static void meeting_date(const struct life_activity_brief *a, char out[16])
{
    int y, m, d;
    dj_local_date(a->starts_at, &y, &m, &d);
    snprintf(out, 16, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 13u, (unsigned)d % 32u);
}

/* The voting members: while the meeting is open, the organisation's full
 * members on its date (full by then, on the roster, not under 留党察看 that
 * day); once it is closed, the roll frozen at the closing. */
json_t *life_quorum_roll(db_conn *c, const struct life_activity_brief *a, int *err)
{
    if (strcmp(a->state, "closed") == 0)
        return db_query_rows(c, err,
                             "SELECT p.id AS person_id, p.name, o.name AS org_name FROM activity_voters v"
                             " JOIN people p ON p.id = v.person_id LEFT JOIN orgs o ON o.id = p.org_id"
                             " WHERE v.activity_id = $1 ORDER BY p.id",
                             "i", a->id);
    char day[16];
    meeting_date(a, day);
    return db_query_rows(c, err,
                         "SELECT p.id AS person_id, p.name, o.name AS org_name FROM people p"
                         " JOIN orgs o ON o.id = p.org_id WHERE o.path >= $1 AND o.path < $1 || ':' AND p.active = 1"
                         " AND p.party_status = 'full' AND (p.full_on IS NULL OR p.full_on <= $2)"
                         " AND NOT (p.observation_from IS NOT NULL AND p.observation_from <= $2"
                         "  AND (p.observation_until IS NULL OR p.observation_until >= $2))"
                         " ORDER BY p.id",
                         "tt", a->org_path, day);
}

bool life_on_roll(db_conn *c, const struct life_activity_brief *a, int64_t person_id)
{
    if (strcmp(a->kind, "branch_assembly") != 0)
        return false;
    int rc;
    json_t *roll = life_quorum_roll(c, a, &rc);
    bool on = false;
    size_t i;
    json_t *p;
    json_array_foreach(roll, i, p) on = on || dj_jint(p, "person_id", 0) == person_id;
    json_decref(roll);
    return on;
}

/* Members of the organisation who have no vote that day, and why (shown on
 * the sheet so nobody wonders where they went). */
static json_t *not_voting(db_conn *c, const struct life_activity_brief *a, int *err)
{
    char day[16];
    meeting_date(a, day);
    json_t *rows = db_query_rows(
        c, err,
        "SELECT p.id AS person_id, p.name, CASE WHEN p.party_status = 'probationary'"
        " OR (p.full_on IS NOT NULL AND p.full_on > $2) THEN 'probationary' ELSE 'observation' END AS why"
        " FROM people p JOIN orgs o ON o.id = p.org_id WHERE o.path >= $1 AND o.path < $1 || ':' AND p.active = 1"
        " AND (p.party_status = 'probationary' OR (p.party_status = 'full' AND ((p.full_on IS NOT NULL AND p.full_on > $2)"
        "  OR (p.observation_from IS NOT NULL AND p.observation_from <= $2"
        "  AND (p.observation_until IS NULL OR p.observation_until >= $2)))))"
        " ORDER BY p.id",
        "tt", a->org_path, day);
    size_t i;
    json_t *p;
    json_array_foreach(rows, i, p) json_object_set_new(
        p, "why_label",
        json_string(strcmp(dj_jstr(p, "why", ""), "probationary") == 0 ? "预备党员" : "受留党察看处分期间"));
    return rows;
}

json_t *life_quorum_exclusions(db_conn *c, int64_t activity_id, int *err)
{
    json_t *rows = db_query_rows(c, err,
                                 "SELECT x.person_id, p.name, x.reason, x.note, x.accepted_at, u.name AS accepted_by_name"
                                 " FROM activity_quorum_exclusions x JOIN people p ON p.id = x.person_id"
                                 " LEFT JOIN users u ON u.id = x.accepted_by WHERE x.activity_id = $1 ORDER BY x.id",
                                 "i", activity_id);
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x)
        json_object_set_new(x, "reason_label", json_string(life_quorum_reason_label(dj_jstr(x, "reason", ""))));
    return rows;
}

static bool in_rows(const json_t *rows, int64_t person_id)
{
    size_t i;
    json_t *p;
    json_array_foreach(rows, i, p) if (dj_jint(p, "person_id", 0) == person_id) return true;
    return false;
}

json_t *life_quorum_json(db_conn *c, const struct life_activity_brief *a, int *err)
{
    json_t *roll = life_quorum_roll(c, a, err);
    json_t *ex = roll ? life_quorum_exclusions(c, a->id, err) : NULL;
    json_t *nv = ex ? not_voting(c, a, err) : NULL;
    json_t *present = nv ? db_query_rows(c, err, "SELECT person_id FROM attendance WHERE activity_id = $1", "i", a->id)
                         : NULL;
    json_t *leave = present ? db_query_rows(c, err,
                                            "SELECT person_id FROM activity_leaves WHERE activity_id = $1"
                                            " AND status = 'approved'",
                                            "i", a->id)
                            : NULL;
    json_t *expected = leave ? db_query_rows(c, err, "SELECT person_id FROM activity_people WHERE activity_id = $1",
                                             "i", a->id)
                             : NULL;
    json_t *out = NULL;
    if (!expected)
        goto out;
    int nroll = 0, excluded_absent = 0, npresent = 0;
    size_t i;
    json_t *p;
    json_array_foreach(roll, i, p) {
        int64_t pid = dj_jint(p, "person_id", 0);
        bool here = in_rows(present, pid), excluded = in_rows(ex, pid);
        const char *st = here ? "present" : excluded ? "excluded" : in_rows(leave, pid) ? "leave" : "absent";
        json_object_set_new(p, "status", json_string(st));
        json_object_set_new(p, "expected", json_boolean(in_rows(expected, pid)));
        nroll++;
        npresent += here;
        excluded_absent += excluded && !here;
    }
    struct life_quorum q;
    life_quorum_count(nroll, excluded_absent, npresent, &q);
    char statement[400];
    life_quorum_statement(&q, statement, sizeof statement);
    out = json_pack("{s:i, s:i, s:i, s:i, s:i, s:b, s:s, s:b, s:O, s:O, s:O}", "roll", q.roll, "excluded",
                    q.excluded, "voting_members", q.voting, "present_voting", q.present, "needed", q.needed, "met",
                    q.met, "statement", statement, "frozen", strcmp(a->state, "closed") == 0, "members", roll,
                    "exclusions", ex, "not_voting", nv);
out:
    json_decref(roll);
    json_decref(ex);
    json_decref(nv);
    json_decref(present);
    json_decref(leave);
    json_decref(expected);
    return out;
}

int life_quorum_freeze(db_conn *c, const struct life_activity_brief *a)
{
    if (strcmp(a->kind, "branch_assembly") != 0)
        return DJ_OK;
    int rc;
    json_t *roll = life_quorum_roll(c, a, &rc);
    if (!roll)
        return rc;
    rc = DJ_OK;
    size_t i;
    json_t *p;
    json_array_foreach(roll, i, p) {
        if (rc != DJ_OK)
            break;
        rc = db_exec(c, "INSERT INTO activity_voters (activity_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                     "ii", a->id, dj_jint(p, "person_id", 0));
    }
    json_decref(roll);
    return rc;
}

int life_quorum_exclude(dj_req *r, const struct life_activity_brief *a, int64_t person_id, const char *reason,
                        const char *note)
{
    if (strcmp(a->kind, "branch_assembly") != 0)
        return dj_fail(r, DJ_EUNPROCESSABLE, NULL, "只有支部党员大会需要核定有表决权的应到人数");
    if (strcmp(a->state, "closed") == 0 || strcmp(a->state, "cancelled") == 0)
        return dj_fail(r, DJ_ECONFLICT, "state", "活动已%s，不能再调整应到人数",
                       strcmp(a->state, "closed") == 0 ? "结束归档" : "取消");
    db_conn *c = dj_db(r);
    if (!life_on_roll(c, a, person_id))
        return dj_fail(r, DJ_EINVAL, "person_id", "该人员不是本组织在会议当日有表决权的正式党员");
    char now[21];
    dj_time_iso(dj_now(), now);
    int rc = db_begin(c);
    if (rc != DJ_OK)
        return rc;
    int64_t id = 0;
    rc = db_query_i64(c, &id,
                      "INSERT INTO activity_quorum_exclusions (activity_id, person_id, reason, note, accepted_by,"
                      " accepted_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (activity_id, person_id) DO NOTHING"
                      " RETURNING id",
                      "iittit", a->id, person_id, reason, note, r->user->id, now);
    if (rc == DJ_ENOTFOUND)
        rc = dj_fail(r, DJ_ECONFLICT, "person_id", "该党员已登记为不计入应到人数");
    if (rc == DJ_OK) {
        json_t *af = json_pack("{s:I, s:I, s:s, s:s}", "activity_id", (json_int_t)a->id, "person_id",
                               (json_int_t)person_id, "reason", reason, "note", note);
        rc = audit_write(c, r, "exclude", "quorum", id, NULL, af);
        json_decref(af);
    }
    return rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
}

int life_quorum_include(dj_req *r, const struct life_activity_brief *a, int64_t person_id)
{
    if (strcmp(a->state, "closed") == 0 || strcmp(a->state, "cancelled") == 0)
        return dj_fail(r, DJ_ECONFLICT, "state", "活动已%s，不能再调整应到人数",
                       strcmp(a->state, "closed") == 0 ? "结束归档" : "取消");
    db_conn *c = dj_db(r);
    int rc = db_begin(c);
    if (rc != DJ_OK)
        return rc;
    json_t *before = db_query_row(c, &rc,
                                  "SELECT id, activity_id, person_id, reason, note, accepted_by, accepted_at"
                                  " FROM activity_quorum_exclusions WHERE activity_id = $1 AND person_id = $2",
                                  "ii", a->id, person_id);
    if (!before && rc == DJ_ENOTFOUND)
        rc = dj_fail(r, DJ_ENOTFOUND, "person_id", "该党员未登记为不计入应到人数");
    if (before)
        rc = db_exec(c, "DELETE FROM activity_quorum_exclusions WHERE activity_id = $1 AND person_id = $2", "ii",
                     a->id, person_id);
    if (rc == DJ_OK)
        rc = audit_write(c, r, "include", "quorum", dj_jint(before, "id", 0), before, NULL);
    json_decref(before);
    return rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
}
