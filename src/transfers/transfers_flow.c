/* transfers_flow.c - 流动党员: the register of members away for six months or more,
 * kept in their branch's care, and the branch's contacts with them (at least one a
 * quarter); a member with nothing recorded for six months is flagged as lost
 * contact, for the branch to decide (停止党籍 is never started automatically). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/json.h"
#include "../core/mem.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "transfers.h"

#define FLOW_SELECT                                                                                                    \
    "SELECT f.id, f.person_id, p.name AS person_name, p.phone AS person_phone, f.org_id, o.name AS org_name, f.place,"   \
    " f.since, f.contact, f.card_no, f.reason, f.ended_on, f.end_reason, f.created_at,"                                  \
    " (SELECT MAX(k.contacted_on) FROM flow_contacts k WHERE k.flow_id = f.id) AS last_contact,"                         \
    " (SELECT COUNT(*) FROM flow_contacts k WHERE k.flow_id = f.id) AS contacts"                                          \
    " FROM flow_members f JOIN people p ON p.id = f.person_id JOIN orgs o ON o.id = f.org_id"

static void decorate(json_t *o, tr_day today, int months)
{
    tr_day last = -1, since = -1;
    tr_day_parse(dj_jstr(o, "last_contact", NULL), &last);
    tr_day_parse(dj_jstr(o, "since", NULL), &since);
    bool open = dj_jstr(o, "ended_on", NULL) == NULL;
    json_object_set_new(o, "contact_due", json_boolean(open && tr_flow_contact_due(last, today)));
    json_object_set_new(o, "lost_contact", json_boolean(open && tr_flow_lost(last, since, today, months)));
    char q[11];
    tr_day_format(tr_quarter_end(today), q);
    json_object_set_new(o, "quarter_ends", json_string(q));
    json_object_del(o, "person_phone");
}

static int lost_months(db_conn *c) { return (int)dj_setting_int(c, "transfers.lost_contact_months", 6); }

json_t *tr_flow_list(db_conn *c, const char *scope, const char *org_path, bool ended, int *err)
{
    char *sql = dj_asprintf(FLOW_SELECT " WHERE (%s) AND ($1 = '' OR o.path >= $1 AND o.path < $1 || ':') AND %s"
                                        " ORDER BY f.since, f.id",
                            scope ? scope : "1=1", ended ? "1=1" : "f.ended_on IS NULL");
    json_t *rows = db_query_rows_dynamic(c, err, sql, "t", org_path ? org_path : "");
    free(sql);
    tr_day today = tr_today();
    int months = lost_months(c);
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o) decorate(o, today, months);
    return rows;
}

json_t *tr_flow_get(db_conn *c, int64_t id, int *err)
{
    json_t *o = db_query_row(c, err, FLOW_SELECT " WHERE f.id = $1", "i", id);
    if (!o)
        return NULL;
    decorate(o, tr_today(), lost_months(c));
    json_t *k = db_query_rows(c, err,
                              "SELECT k.id, k.contacted_on, k.way, k.note, k.recorded_at, u.name AS recorded_by_name"
                              " FROM flow_contacts k LEFT JOIN users u ON u.id = k.recorded_by WHERE k.flow_id = $1"
                              " ORDER BY k.contacted_on DESC, k.id DESC",
                              "i", id);
    if (!k) {
        json_decref(o);
        return NULL;
    }
    json_object_set_new(o, "contact_log", k);
    return o;
}

static int fail(struct tr_err *e, int code, const char *field, const char *msg)
{
    e->field = field;
    snprintf(e->message, sizeof e->message, "%s", msg);
    return code;
}

int tr_flow_create(db_conn *c, const struct tr_actor *a, const json_t *in, int64_t *id, struct tr_err *e)
{
    int rc;
    json_t *p = db_query_row(c, &rc, "SELECT org_id, party_status, active AS active__bool FROM people WHERE id = $1", "i",
                             dj_jint(in, "person_id", 0));
    if (!p)
        return rc == DJ_ENOTFOUND ? fail(e, DJ_EINVAL, "person_id", "找不到该党员") : rc;
    const char *st = dj_jstr(p, "party_status", "");
    tr_day since = -1;
    tr_day_parse(dj_jstr(in, "since", NULL), &since);
    int64_t open = 0;
    char now[21];
    dj_time_iso(dj_now(), now);
    if (!dj_jbool(p, "active", true) || !dj_jint(p, "org_id", 0))
        rc = fail(e, DJ_EUNPROCESSABLE, "person_id", "该人员已不在名册中或没有所在支部");
    else if (strcmp(st, "full") != 0 && strcmp(st, "probationary") != 0)
        rc = fail(e, DJ_EUNPROCESSABLE, "person_id", "只有正式党员和预备党员登记为流动党员");
    else if (since > tr_today())
        rc = fail(e, DJ_EINVAL, "since", "外出日期不能晚于今天");
    else if (db_query_i64(c, &open, "SELECT id FROM flow_members WHERE person_id = $1 AND ended_on IS NULL", "i",
                          dj_jint(in, "person_id", 0)) == DJ_OK)
        rc = fail(e, DJ_ECONFLICT, "person_id", "该党员已登记为流动党员");
    else
        rc = db_query_i64(c, id,
                          "INSERT INTO flow_members (person_id, org_id, place, since, contact, card_no, reason,"
                          " created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
                          "iitttttIt", dj_jint(in, "person_id", 0), dj_jint(p, "org_id", 0), dj_jstr(in, "place", ""),
                          dj_jstr(in, "since", ""), dj_jstr(in, "contact", NULL), dj_jstr(in, "card_no", NULL),
                          dj_jstr(in, "reason", NULL), a->user_id, now);
    json_decref(p);
    return rc;
}

int tr_flow_contact(db_conn *c, const struct tr_actor *a, int64_t flow_id, const json_t *in, int64_t *id, bool *dup,
                    struct tr_err *e)
{
    *dup = false;
    const char *key = dj_jstr(in, "client_key", NULL);
    if (key && db_query_i64(c, id, "SELECT id FROM flow_contacts WHERE flow_id = $1 AND client_key = $2", "it", flow_id,
                            key) == DJ_OK) {
        *dup = true;
        return DJ_OK;
    }
    int rc;
    json_t *f = db_query_row(c, &rc, "SELECT since, ended_on FROM flow_members WHERE id = $1", "i", flow_id);
    if (!f)
        return rc == DJ_ENOTFOUND ? fail(e, DJ_ENOTFOUND, "id", "找不到该流动党员记录") : rc;
    tr_day on = -1;
    tr_day_parse(dj_jstr(in, "contacted_on", NULL), &on);
    char now[21];
    dj_time_iso(dj_now(), now);
    if (dj_jstr(f, "ended_on", NULL))
        rc = fail(e, DJ_ECONFLICT, "id", "该流动党员已返回或已转出，无需再联系");
    else if (on > tr_today())
        rc = fail(e, DJ_EINVAL, "contacted_on", "联系日期不能晚于今天");
    else if (strcmp(dj_jstr(in, "contacted_on", ""), dj_jstr(f, "since", "")) < 0)
        rc = fail(e, DJ_EINVAL, "contacted_on", "联系日期不能早于外出日期");
    else
        rc = db_query_i64(c, id,
                          "INSERT INTO flow_contacts (flow_id, contacted_on, way, note, client_key, recorded_by, recorded_at)"
                          " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                          "ittttIt", flow_id, dj_jstr(in, "contacted_on", ""), dj_jstr(in, "way", ""),
                          dj_jstr(in, "note", NULL), key, a->user_id, now);
    json_decref(f);
    return rc;
}

int tr_flow_end(db_conn *c, const struct tr_actor *a, int64_t flow_id, const json_t *in, struct tr_err *e)
{
    (void)a;
    int rc;
    json_t *f = db_query_row(c, &rc, "SELECT since, ended_on FROM flow_members WHERE id = $1", "i", flow_id);
    if (!f)
        return rc == DJ_ENOTFOUND ? fail(e, DJ_ENOTFOUND, "id", "找不到该流动党员记录") : rc;
    char now[21];
    dj_time_iso(dj_now(), now);
    if (dj_jstr(f, "ended_on", NULL))
        rc = fail(e, DJ_ECONFLICT, "id", "该流动党员记录已结束");
    else if (strcmp(dj_jstr(in, "ended_on", ""), dj_jstr(f, "since", "")) < 0)
        rc = fail(e, DJ_EINVAL, "ended_on", "返回日期不能早于外出日期");
    else
        rc = db_exec(c, "UPDATE flow_members SET ended_on = $1, end_reason = $2, updated_at = $3 WHERE id = $4", "ttti",
                     dj_jstr(in, "ended_on", ""), dj_jstr(in, "reason", NULL), now, flow_id);
    json_decref(f);
    return rc;
}
