/* people_history.c - a person's membership history: the labels of its events and
 * statuses, appending records, starting the history of new people, and reading it. */
#include "people_history.h"

#include <stdio.h>
#include <string.h>

#include "../core/err.h"
#include "../core/timeutil.h"
#include "people.h"

const char *const people_end_events[] = {"death", "withdrawal", "removal", "expulsion", "stopped", NULL};
static const char *const end_statuses[] = {"dead", "withdrawn", "removed", "expelled", "stopped"};

const char *people_end_status(const char *ev)
{
    for (int i = 0; ev && people_end_events[i]; i++)
        if (strcmp(ev, people_end_events[i]) == 0)
            return end_statuses[i];
    return NULL;
}

static const struct {
    const char *code, *label;
} event_labels[] = {
    {"initial", "建档时已在册"}, {"created", "登记入册"},     {"imported", "名册导入"},
    {"development", "发展党员"}, {"transfer_internal", "机关内部转接"}, {"transfer_out", "转出本机关"},
    {"transfer_in", "转入本机关"}, {"death", "去世"},          {"withdrawal", "退党"},
    {"removal", "除名"},         {"expulsion", "开除党籍"},   {"stopped", "停止党籍"},
    {"roster", "名册调整"},      {"correction", "更正"},
};

const char *people_event_label(const char *ev)
{
    for (size_t i = 0; ev && i < sizeof event_labels / sizeof event_labels[0]; i++)
        if (strcmp(ev, event_labels[i].code) == 0)
            return event_labels[i].label;
    return ev ? ev : "";
}

const char *people_history_status_label(const char *status)
{
    static const struct {
        const char *code, *label;
    } ends[] = {{"dead", "已去世"}, {"withdrawn", "已退党"}, {"removed", "已除名"}, {"expelled", "已开除党籍"},
                {"stopped", "已停止党籍"}};
    for (size_t i = 0; status && i < sizeof ends / sizeof ends[0]; i++)
        if (strcmp(status, ends[i].code) == 0)
            return ends[i].label;
    return people_status_label(status);
}

int people_history_add(db_conn *c, const struct people_event *e)
{
    char now[21];
    dj_time_iso(dj_now(), now);
    return db_exec(c,
                   "INSERT INTO person_history (person_id, kind, org_id, status, on_date, event, ref_kind, ref_id,"
                   " document, note, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                   "itIttttIttIt", e->person_id, e->kind, e->org_id, e->status, e->on_date, e->event, e->ref_kind,
                   e->ref_id, e->document, e->note, e->user_id, now);
}

/* The history's first day of a person: the day they joined the party, else today. */
static const char *start_day(const char *joined, char today[11])
{
    if (joined && strlen(joined) == 10)
        return joined;
    int y, m, d;
    dj_local_date(dj_now(), &y, &m, &d);
    snprintf(today, 11, "%04d-%02d-%02d", y, m, d);
    return today;
}

int people_history_start(db_conn *c, int64_t person_id, const char *event, const char *branch_since, int64_t user_id)
{
    int rc;
    json_t *p = db_query_row(c, &rc, "SELECT org_id, party_status, joined_on, full_on FROM people WHERE id = $1", "i",
                             person_id);
    if (!p)
        return rc;
    char today[11];
    const char *joined = dj_jstr(p, "joined_on", NULL), *full = dj_jstr(p, "full_on", NULL);
    struct people_event e = {.person_id = person_id, .kind = "branch", .org_id = dj_jint(p, "org_id", 0),
                             .on_date = branch_since ? branch_since : start_day(joined, today), .event = event, .user_id = user_id};
    rc = e.org_id ? people_history_add(c, &e) : DJ_OK;
    e.kind = "status";
    e.org_id = 0;
    e.status = dj_jstr(p, "party_status", "none");
    e.on_date = start_day(full ? full : joined, today);
    if (rc == DJ_OK)
        rc = people_history_add(c, &e);
    json_decref(p);
    return rc;
}

int people_history_seed(db_conn *c)
{
    char now[21];
    dj_time_iso(dj_now(), now);
    int rc = db_exec(c,
                     "INSERT INTO person_history (person_id, kind, org_id, on_date, event, recorded_at)"
                     " SELECT id, 'branch', org_id, COALESCE(joined_on, substr($1, 1, 10)), 'initial', $1 FROM people p"
                     " WHERE org_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM person_history h"
                     " WHERE h.person_id = p.id AND h.kind = 'branch')",
                     "t", now);
    if (rc == DJ_OK)
        rc = db_exec(c,
                     "INSERT INTO person_history (person_id, kind, status, on_date, event, recorded_at)"
                     " SELECT id, 'status', party_status, COALESCE(full_on, joined_on, substr($1, 1, 10)), 'initial', $1"
                     " FROM people p WHERE NOT EXISTS (SELECT 1 FROM person_history h"
                     " WHERE h.person_id = p.id AND h.kind = 'status')",
                     "t", now);
    return rc;
}

json_t *people_history_list(db_conn *c, int64_t person_id, int *err)
{
    json_t *rows = db_query_rows(c, err,
                                 "SELECT h.id, h.kind, h.org_id, o.name AS org_name, h.status, h.on_date, h.event,"
                                 " h.ref_kind, h.ref_id, h.document, h.note, h.corrects_id, h.recorded_at,"
                                 " u.name AS recorded_by_name FROM person_history h"
                                 " LEFT JOIN orgs o ON o.id = h.org_id LEFT JOIN users u ON u.id = h.recorded_by"
                                 " WHERE h.person_id = $1 ORDER BY h.on_date, h.id",
                                 "i", person_id);
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x) {
        json_object_set_new(x, "event_label", json_string(people_event_label(dj_jstr(x, "event", NULL))));
        if (dj_jstr(x, "status", NULL))
            json_object_set_new(x, "status_label",
                                json_string(people_history_status_label(dj_jstr(x, "status", NULL))));
    }
    return rows;
}
