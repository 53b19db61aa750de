/* study_todo.c - a member's study to-dos: assignments not yet finished and notices not
 * yet read (study_notify.c tells them through the notification outbox as well). */
#include <stdio.h>
#include <string.h>

#include "../core/err.h"
#include "../core/timeutil.h"
#include "../core/todo.h"
#include "study_int.h"

/* The end of a due date (the next day's Shanghai midnight) as an ISO instant. */
static json_t *due_end(const char *day)
{
    int y, m, d;
    if (!day || dj_date_parse(day, &y, &m, &d) != DJ_OK)
        return json_null();
    char iso[21];
    dj_time_iso(dj_local_midnight(y, m, d) + 86400 - 1, iso);
    return json_string(iso);
}

static int study_todos_provider(dj_req *r, json_t *items)
{
    if (!r->user->person_id)
        return DJ_OK;
    db_conn *c = dj_db(r);
    int err = 0;
    json_t *mine = study_assignments_mine(c, r->user->person_id, &err);
    if (!mine)
        return err;
    size_t i;
    json_t *a;
    json_array_foreach(mine, i, a) {
        if (json_is_true(json_object_get(a, "finished")))
            continue;
        char detail[160];
        snprintf(detail, sizeof detail, "已完成 %lld/%zu 篇", (long long)dj_jint(a, "done", 0),
                 json_array_size(json_object_get(a, "materials")));
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:o, s:n, s:{s:s, s:O}}", "source", "study", "kind",
                                               "study_assignment", "title", dj_jstr(a, "title", ""), "detail", detail,
                                               "due_at", due_end(dj_jstr(a, "due_on", NULL)), "org_id", "link", "type",
                                               "study_assignment", "id", json_object_get(a, "id")));
    }
    json_decref(mine);
    json_t *notes = study_notices_mine(c, r->user->person_id, &err);
    if (!notes)
        return err;
    json_array_foreach(notes, i, a) {
        if (dj_jstr(a, "read_at", NULL))
            continue;
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:o, s:n, s:{s:s, s:O}}", "source", "study", "kind",
                                               "study_notice", "title", dj_jstr(a, "title", ""), "detail",
                                               dj_jstr(a, "org_name", ""), "due_at", due_end(dj_jstr(a, "read_by", NULL)),
                                               "org_id", "link", "type", "study_notice", "id", json_object_get(a, "id")));
    }
    json_decref(notes);
    return DJ_OK;
}

static void study_todos_prefetch(dj_req *r, db_conn *c)
{
    if (!r->user->person_id)
        return;
    study_assignments_mine_prefetch(c, r->user->person_id);
    study_notices_mine_prefetch(c, r->user->person_id);
}

void study_todos_register(void)
{
    dj_todo_register("study", study_todos_provider);
    dj_todo_register_prefetch(study_todos_prefetch);
}

void study_register(void)
{
    study_todos_register();
    study_files_register();
    study_notify_register();
}
