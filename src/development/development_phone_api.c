/* development_phone_api.c - 发展党员 on the phone: 我的入党进度 for the person on
 * the way (the steps done, the next one and its day, no notes), and the people a
 * 培养联系人 or 入党介绍人 accompanies, whose six-month assessments they write. */
#include <string.h>

#include "../core/err.h"
#include "../core/readcache.h"
#include "development_int.h"

/* 我的入党进度, the person's own view: the steps, the next one, the people who
 * accompany them; no notes. */
static json_t *me_make(dj_req *r, void *arg, int *rcp)
{
    (void)arg;
    db_conn *c = dj_db(r);
    int64_t id = 0;
    int rc = DJ_ENOTFOUND;
    if (r->user->person_id)
        rc = db_query_i64(c, &id, "SELECT id FROM dev_applications WHERE person_id = $1 ORDER BY state = 'open' DESC, id DESC"
                                  " LIMIT 1", "i", r->user->person_id);
    *rcp = rc;
    if (rc == DJ_ENOTFOUND) {
        *rcp = DJ_OK;
        return json_pack("{s:n}", "application");
    }
    if (rc)
        return NULL;
    struct dev_app app;
    if ((*rcp = dev_app_load(c, r->arena, id, &app)))
        return NULL;
    json_t *full = dev_app_json(c, &app, rcp);
    if (!full)
        return NULL;
    /* the person's own view: the steps, the next one, the people who accompany them; no notes */
    json_t *o = json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "id",
                          json_object_get(full, "id"), "state", json_object_get(full, "state"), "stage",
                          json_object_get(full, "stage"), "stage_name", json_object_get(full, "stage_name"), "status",
                          json_object_get(full, "status"), "status_label", json_object_get(full, "status_label"),
                          "org_name", json_object_get(full, "org_name"), "next", json_object_get(full, "next"),
                          "timeline", json_object_get(full, "timeline"), "contacts", json_object_get(full, "contacts"),
                          "sponsors", json_object_get(full, "sponsors"), "probation_until",
                          json_object_get(full, "probation_until"), "today", json_object_get(full, "today"));
    json_t *done = json_array();
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(full, "timeline"), i, t) {
        const char *st = dj_jstr(t, "status", "");
        if (!strcmp(st, "done") || !strcmp(st, "legacy"))
            json_array_append_new(done, json_pack("{s:O, s:O, s:O}", "no", json_object_get(t, "no"), "name",
                                                  json_object_get(t, "name"), "on_date", json_object_get(t, "on_date")));
    }
    json_object_set_new(o, "done", done);
    json_t *mine = json_array();
    json_array_foreach(json_object_get(full, "flags"), i, t) {
        const char *code = dj_jstr(t, "code", "");
        if (!strcmp(code, "probation_ending") || !strcmp(code, "probation_ended"))
            json_array_append(mine, t);
    }
    json_object_set_new(o, "flags", mine);
    json_decref(full);
    return json_pack("{s:o}", "application", o);
}

/* GET /api/v1/development/me : 我的入党进度, kept for the person until their file changes. */
int dev_me_get(dj_req *r)
{
    return dj_reply_user_kept(r, "development.me", DJ_RCACHE_USER_TTL_MS, me_make, NULL);
}

/* The people a 联系人/介绍人 answers for. */
static json_t *mentees_make(dj_req *r, void *arg, int *rcp)
{
    (void)arg;
    json_t *items = json_array();
    *rcp = DJ_OK;
    if (!r->user->person_id)
        return json_pack("{s:o}", "items", items);
    db_conn *c = dj_db(r);
    int rc;
    json_t *ids = db_query_rows(c, &rc,
                                "SELECT DISTINCT l.application_id AS id FROM dev_links l"
                                " JOIN dev_applications a ON a.id = l.application_id"
                                " WHERE l.person_id = $1 AND a.state = 'open' ORDER BY l.application_id",
                                "i", r->user->person_id);
    if (!ids) {
        json_decref(items);
        *rcp = rc;
        return NULL;
    }
    size_t i;
    json_t *x;
    json_array_foreach(ids, i, x) {
        struct dev_app app;
        if ((rc = dev_app_load(c, r->arena, dj_jint(x, "id", 0), &app)))
            break;
        bool contact, sponsor;
        dev_mentor_of(c, &app, r->user->person_id, &contact, &sponsor);
        if (!contact && !sponsor)
            continue; /* named by a record since corrected */
        int stage = dev_state_stage(&app.st);
        int step = stage == DEV_STAGE_ACTIVIST && contact ? 6 : stage == DEV_STAGE_PROBATION ? 21 : 0;
        struct dev_window w;
        if (step)
            dev_window_of(&app.st, &app.ctx, step, &w);
        dev_day last = step == 6 ? app.st.last_assessment : app.st.last_prob_assessment;
        char b1[11], b2[11];
        dev_day_format(last, b1);
        dev_day_format(step ? w.due : DEV_NO_DAY, b2);
        json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:i, s:s, s:s, s:s, s:i}", "id", (json_int_t)app.id, "person_id",
                              (json_int_t)app.person_id, "name", app.person_name, "org_name", app.org_name, "stage",
                              stage, "stage_name", dev_stage_name(stage), "status_label",
                              dev_status_label(dev_state_status(&app.st)), "role", contact ? "contact" : "sponsor",
                              "assessment_step", step && w.open ? step : 0);
        json_object_set_new(o, "last_assessment_on", last == DEV_NO_DAY || !step ? json_null() : json_string(b1));
        json_object_set_new(o, "assessment_due_on", !step || !w.open || w.due == DEV_NO_DAY ? json_null() : json_string(b2));
        json_object_set_new(o, "days_left", !step || !w.open || w.due == DEV_NO_DAY ? json_null()
                                                                                    : json_integer(w.due - app.ctx.today));
        json_array_append_new(items, o);
    }
    json_decref(ids);
    if (rc) {
        json_decref(items);
        *rcp = rc;
        return NULL;
    }
    return json_pack("{s:o}", "items", items);
}

/* GET /api/v1/development/mentees : kept for the person until a file they accompany changes. */
int dev_mentees_get(dj_req *r)
{
    return dj_reply_user_kept(r, "development.mentees", DJ_RCACHE_USER_TTL_MS, mentees_make, NULL);
}
