/* life_marks.c - attendance marked by hand with a reason (the secretary's phone
 * workbench): present (signed in on someone's behalf), leave (granted on the
 * spot) or absent. Each mark keeps its reason and who made it; present writes the
 * attendance row and the points event a scan would, leave an approved leave, so
 * the sheet, the quorum and the figures count it as they count the others. */
#include <string.h>

#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/err.h"
#include "../core/timeutil.h"
#include "life.h"
#include "life_int.h"

const char *const life_mark_codes[] = {"present", "leave", "absent", NULL};

/* leave: an approved leave with the reason; absent: a leave asked for or granted no longer stands. */
static int decide_leave(dj_req *r, db_conn *c, const struct life_activity_brief *a, int64_t person_id,
                        const char *status, const char *reason, const char *now)
{
    if (strcmp(status, "leave") == 0)
        return db_exec(c,
                       "INSERT INTO activity_leaves (activity_id, person_id, reason, status, decision_note, decided_by,"
                       " decided_at, created_at) VALUES ($1, $2, $3, 'approved', $3, $4, $5, $5)"
                       " ON CONFLICT (activity_id, person_id) DO UPDATE SET status = 'approved',"
                       " decision_note = excluded.decision_note, decided_by = excluded.decided_by,"
                       " decided_at = excluded.decided_at",
                       "iitIt", a->id, person_id, reason, r->user->id, now);
    return db_exec(c,
                   "UPDATE activity_leaves SET status = 'refused', decision_note = $3, decided_by = $4, decided_at = $5"
                   " WHERE activity_id = $1 AND person_id = $2 AND status <> 'refused'",
                   "iitIt", a->id, person_id, reason, r->user->id, now);
}

/* Writes what the mark means (attendance, leave) in the caller's transaction.
 * *inserted: a new attendance row (points to award). */
static int apply_mark(dj_req *r, db_conn *c, const struct life_activity_brief *a, int64_t person_id,
                      const char *status, const char *reason, bool on_roll, const char *now, bool *inserted)
{
    int64_t present = 0;
    int rc = db_query_i64(c, &present, "SELECT COUNT(*) FROM attendance WHERE activity_id = $1 AND person_id = $2",
                          "ii", a->id, person_id);
    if (rc != DJ_OK)
        return rc;
    if (life_mark_check(status, true, on_roll, present > 0) == LIFE_MARK_ALREADY_PRESENT)
        return dj_fail(r, DJ_ECONFLICT, "status", "该党员已签到，不能再登记为%s", strcmp(status, "leave") == 0 ? "请假" : "缺席");
    if (strcmp(status, "present") == 0) {
        if (present)
            return DJ_OK;
        rc = db_exec(c,
                     "INSERT INTO attendance (activity_id, person_id, method, checked_in_at, by_user_id)"
                     " VALUES ($1, $2, 'manual', $3, $4) ON CONFLICT (activity_id, person_id) DO NOTHING",
                     "iitI", a->id, person_id, now, r->user->id);
        if (rc == DJ_OK && on_roll)
            rc = db_exec(c, "INSERT INTO activity_people (activity_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                         "ii", a->id, person_id);
        if (rc == DJ_OK)
            rc = db_exec(c,
                         "INSERT INTO life_events (person_id, activity_id, kind, activity_kind, quantity, occurred_at)"
                         " SELECT $1, a.id, 'attendance', a.kind, 1, a.starts_at FROM activities a WHERE a.id = $2"
                         " ON CONFLICT DO NOTHING",
                         "ii", person_id, a->id);
        *inserted = rc == DJ_OK;
        return rc;
    }
    /* a request the member made, now decided by the mark: they are told, as of any decision */
    int64_t asked = 0;
    rc = db_query_i64(c, &asked, "SELECT id FROM activity_leaves WHERE activity_id = $1 AND person_id = $2 AND status <> $3",
                      "iit", a->id, person_id, strcmp(status, "leave") == 0 ? "approved" : "refused");
    if (rc != DJ_OK && rc != DJ_ENOTFOUND)
        return rc;
    rc = decide_leave(r, c, a, person_id, status, reason, now);
    return rc == DJ_OK && asked ? life_notify_leave(c, asked) : rc;
}

int life_attendance_mark(dj_req *r, const struct life_activity_brief *a, int64_t person_id, const char *status,
                         const char *reason)
{
    int rc = auth_require(r, "life.manage", a->org_id);
    if (rc != DJ_OK)
        return rc;
    if (strcmp(a->state, "planned") == 0)
        return dj_fail(r, DJ_ECONFLICT, "state", "活动尚未发布通知，暂不能登记出勤");
    if (!life_state_takes_checkins(a->state))
        return dj_fail(r, DJ_ECONFLICT, "state", "活动已%s，不能再登记出勤",
                       strcmp(a->state, "closed") == 0 ? "结束归档" : "取消");
    db_conn *c = dj_db(r);
    /* the same rule as a sign-in: the expected, or (支部党员大会) a voting member on the roll */
    bool expected = life_is_expected(c, a->id, person_id);
    bool on_roll = !expected && life_on_roll(c, a, person_id);
    switch (life_mark_check(status, expected, on_roll, false)) {
    case LIFE_MARK_NOT_EXPECTED:
        return dj_fail(r, DJ_EINVAL, "person_id", "该人员不在本次活动的应到人员中");
    case LIFE_MARK_ONLY_PRESENT:
        return dj_fail(r, DJ_EINVAL, "person_id", "该党员不在应到名单中，只能登记为出席");
    default:
        break;
    }
    char now[21];
    dj_time_iso(dj_now(), now);
    if ((rc = db_begin(c)) != DJ_OK)
        return rc;
    json_t *before = db_query_row(c, &rc,
                                  "SELECT id, status, reason, by_user_id, marked_at FROM attendance_marks"
                                  " WHERE activity_id = $1 AND person_id = $2",
                                  "ii", a->id, person_id);
    if (before || rc == DJ_ENOTFOUND)
        rc = DJ_OK;
    bool inserted = false;
    if (rc == DJ_OK)
        rc = apply_mark(r, c, a, person_id, status, reason, on_roll, now, &inserted);
    int64_t id = 0;
    if (rc == DJ_OK)
        rc = db_query_i64(c, &id,
                          "INSERT INTO attendance_marks (activity_id, person_id, status, reason, by_user_id, marked_at)"
                          " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (activity_id, person_id) DO UPDATE SET"
                          " status = excluded.status, reason = excluded.reason, by_user_id = excluded.by_user_id,"
                          " marked_at = excluded.marked_at RETURNING id",
                          "iittIt", a->id, person_id, status, reason, r->user->id, now);
    if (rc == DJ_OK) {
        json_t *after = json_pack("{s:I, s:I, s:s, s:s}", "activity_id", (json_int_t)a->id, "person_id",
                                  (json_int_t)person_id, "status", status, "reason", reason);
        rc = audit_write(c, r, "mark", "attendance", id, before, after);
        json_decref(after);
    }
    json_decref(before);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if (rc == DJ_OK && inserted)
        life_points_poke();
    return rc;
}
