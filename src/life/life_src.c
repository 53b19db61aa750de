/* life_src.c - what the compliance matrix reads, for every party organisation
 * under one path at once: the year's held activities, the committee members'
 * 谈心谈话 and the members' study hours, three statements however many
 * organisations the subtree holds (an agency's ten branches, a city's three
 * thousand), each row with its organisation's path.  Every organisation then
 * takes its part in memory, by a binary search on the path. */
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/mem.h"
#include "life.h"
#include "life_int.h"

struct life_src_row {
    const char *path, *t; /* the row's organisation; a time to order by */
    int64_t a, b;         /* then these */
    json_t *row;
};

static int cmp_within(const struct life_src_row *x, const struct life_src_row *y)
{
    int d = strcmp(x->t ? x->t : "", y->t ? y->t : "");
    if (d)
        return d;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    return (x->b > y->b) - (x->b < y->b);
}

static int cmp_by_path(const void *p, const void *q)
{
    const struct life_src_row *x = p, *y = q;
    int d = strcmp(x->path, y->path);
    return d ? d : cmp_within(x, y);
}

static int cmp_in_org(const void *p, const void *q)
{
    return cmp_within(p, q);
}

/* Indexes rows (taken) by path, then t, a, b (fields of each row; NULL: none). */
static void rows_index(struct life_src_rows *s, json_t *rows, const char *t, const char *a, const char *b)
{
    s->rows = rows;
    s->n = json_array_size(rows);
    s->v = dj_calloc(s->n ? s->n : 1, sizeof *s->v);
    for (size_t i = 0; i < s->n; i++) {
        json_t *r = json_array_get(rows, i);
        s->v[i] = (struct life_src_row){dj_jstr(r, "path", ""), t ? dj_jstr(r, t, "") : NULL,
                                        a ? dj_jint(r, a, 0) : 0, b ? dj_jint(r, b, 0) : 0, r};
    }
    qsort(s->v, s->n, sizeof *s->v, cmp_by_path);
}

/* The rows of the subtree at path: [*first, returned end). */
static size_t rows_under(const struct life_src_rows *s, const char *path, size_t *first)
{
    size_t lo = 0, hi = s->n, len = strlen(path);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(s->v[mid].path, path) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *first = lo;
    while (hi < s->n && strncmp(s->v[hi].path, path, len) == 0)
        hi++;
    return hi;
}

int life_matrix_src_load(db_conn *c, const char *subtree, int year, bool yearly, struct life_matrix_src *m)
{
    memset(m, 0, sizeof *m);
    char ys[21], ye[21];
    life_year_bounds_iso(year, ys, ye);
    int rc = DJ_OK;
    json_t *acts = db_query_rows(c, &rc,
                                 "SELECT a.id, a.kind, a.title, a.starts_at, a.org_id, o.path FROM activities a"
                                 " JOIN orgs o ON o.id = a.org_id WHERE o.path >= $1 AND o.path < $1 || ':'"
                                 " AND a.state IN ('held', 'closed') AND a.starts_at >= $2 AND a.starts_at < $3",
                                 "ttt", subtree, ys, ye);
    if (!acts)
        return rc;
    rows_index(&m->acts, acts, "starts_at", "id", NULL);
    json_t *officers = NULL, *members = NULL;
    if (yearly) {
        /* a talk counts for whoever held it and for the committee members who took part,
         * within the officer's own organisation's subtree */
        officers = db_query_rows(
            c, &rc,
            "SELECT f.org_id, fo.path, f.person_id, p.name, MIN(CASE f.post WHEN 'secretary' THEN 1"
            " WHEN 'deputy_secretary' THEN 2 WHEN 'organization' THEN 3 WHEN 'propaganda' THEN 4 ELSE 5 END)"
            " AS post_rank,"
            " (SELECT COUNT(*) FROM activities a JOIN orgs o ON o.id = a.org_id WHERE o.path >= fo.path"
            "  AND o.path < fo.path || ':' AND a.kind = 'heart_talk' AND a.state IN ('held', 'closed')"
            "  AND a.starts_at >= $2 AND a.starts_at < $3 AND (a.host_person_id = f.person_id OR EXISTS"
            "  (SELECT 1 FROM attendance t WHERE t.activity_id = a.id AND t.person_id = f.person_id))) AS talks"
            " FROM org_officers f JOIN orgs fo ON fo.id = f.org_id JOIN people p ON p.id = f.person_id"
            " WHERE fo.path >= $1 AND fo.path < $1 || ':' AND fo.kind IN ('branch', 'general_branch')"
            " AND f.post IN ('secretary', 'deputy_secretary', 'organization', 'propaganda', 'discipline')"
            " GROUP BY f.org_id, fo.path, f.person_id, p.name",
            "ttt", subtree, ys, ye);
        if (officers)
            members = db_query_rows(
                c, &rc,
                "SELECT p.id AS person_id, p.name, COALESCE((SELECT SUM(e.quantity) FROM life_events e"
                " WHERE e.person_id = p.id AND e.kind = 'study_hours' AND e.occurred_at >= $2 AND e.occurred_at < $3),"
                " 0) AS hours, o.path FROM people p JOIN orgs o ON o.id = p.org_id"
                " WHERE o.path >= $1 AND o.path < $1 || ':' AND p.active = 1"
                " AND p.party_status IN ('full', 'probationary')",
                "ttt", subtree, ys, ye);
        if (!members) {
            json_decref(officers);
            life_matrix_src_free(m);
            return rc;
        }
    }
    rows_index(&m->officers, officers ? officers : json_array(), NULL, "post_rank", "person_id");
    rows_index(&m->members, members ? members : json_array(), NULL, "person_id", NULL);
    return DJ_OK;
}

void life_matrix_src_free(struct life_matrix_src *m)
{
    struct life_src_rows *all[] = {&m->acts, &m->officers, &m->members};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
        free(all[i]->v);
        json_decref(all[i]->rows);
    }
    memset(m, 0, sizeof *m);
}

/* The rows under path that keep(row, org_id, path) takes, ordered by t, a, b. */
static json_t *take(const struct life_src_rows *s, const char *path, int64_t org_id,
                    bool (*keep)(const struct life_src_row *, int64_t, const char *),
                    json_t *(*shape)(const json_t *))
{
    size_t first, end = rows_under(s, path, &first), n = 0;
    struct life_src_row *pick = dj_calloc(end - first + 1, sizeof *pick);
    for (size_t i = first; i < end; i++)
        if (keep(&s->v[i], org_id, path))
            pick[n++] = s->v[i];
    qsort(pick, n, sizeof *pick, cmp_in_org);
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(out, shape ? shape(pick[i].row) : json_incref(pick[i].row));
    free(pick);
    return out;
}

/* an organisation's own activities, and the 党小组会 of the groups under it */
static bool own_or_group_meeting(const struct life_src_row *r, int64_t org_id, const char *path)
{
    (void)path;
    return dj_jint(r->row, "org_id", 0) == org_id || strcmp(dj_jstr(r->row, "kind", ""), "group_meeting") == 0;
}

static bool in_org(const struct life_src_row *r, int64_t org_id, const char *path)
{
    (void)org_id;
    return strcmp(r->path, path) == 0;
}

static bool anywhere(const struct life_src_row *r, int64_t org_id, const char *path)
{
    (void)r, (void)org_id, (void)path;
    return true;
}

static json_t *officer_shape(const json_t *r)
{
    return json_pack("{s:O, s:O, s:O, s:O}", "person_id", json_object_get(r, "person_id"), "name",
                     json_object_get(r, "name"), "post_rank", json_object_get(r, "post_rank"), "talks",
                     json_object_get(r, "talks"));
}

static json_t *member_shape(const json_t *r)
{
    return json_pack("{s:O, s:O, s:O}", "person_id", json_object_get(r, "person_id"), "name",
                     json_object_get(r, "name"), "hours", json_object_get(r, "hours"));
}

json_t *life_src_acts(const struct life_matrix_src *m, int64_t org_id, const char *path)
{
    return take(&m->acts, path, org_id, own_or_group_meeting, NULL);
}

json_t *life_src_officers(const struct life_matrix_src *m, int64_t org_id, const char *path)
{
    return take(&m->officers, path, org_id, in_org, officer_shape);
}

json_t *life_src_members(const struct life_matrix_src *m, const char *path)
{
    return take(&m->members, path, 0, anywhere, member_shape);
}
