/* life_checkin.c - QR check-in: the rotating token and its QR code, signing
 * in (by scan or by hand) through the group-commit batch, and the attendance
 * sheet with the 支部党员大会 quorum. */
#include <pthread.h>
#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/batch.h"
#include "../core/err.h"
#include "../core/mem.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "../points/points.h"
#include "life.h"
#include "life_int.h"

/* The mobile check-in page the QR code opens; %lld is the activity, %s the token. */
#define CHECKIN_PATH "/m/checkin/%lld?t=%s"

/* ---------------------------------------------------------------- secret */

static pthread_mutex_t secret_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char secret_cache[LIFE_SECRET_LEN];
static bool secret_loaded;

int life_secret(db_conn *c, unsigned char out[LIFE_SECRET_LEN])
{
    pthread_mutex_lock(&secret_mu);
    int rc = DJ_OK;
    if (!secret_loaded) {
        char *hex = NULL;
        if (db_query_text(c, &hex, "SELECT value FROM settings WHERE key = 'life.checkin_secret'", "") != DJ_OK) {
            /* created once; ON CONFLICT keeps the first one if two processes race */
            unsigned char fresh[LIFE_SECRET_LEN];
            char fresh_hex[2 * LIFE_SECRET_LEN + 1];
            randombytes_buf(fresh, sizeof fresh);
            sodium_bin2hex(fresh_hex, sizeof fresh_hex, fresh, sizeof fresh);
            rc = db_exec(c, "INSERT INTO settings (key, value) VALUES ('life.checkin_secret', $1) ON CONFLICT DO NOTHING",
                         "t", fresh_hex);
            if (rc == DJ_OK)
                rc = db_query_text(c, &hex, "SELECT value FROM settings WHERE key = 'life.checkin_secret'", "");
        }
        size_t n = 0;
        if (rc == DJ_OK &&
            (sodium_hex2bin(secret_cache, sizeof secret_cache, hex, strlen(hex), NULL, &n, NULL) != 0 ||
             n != LIFE_SECRET_LEN))
            rc = DJ_EINTERNAL;
        free(hex);
        secret_loaded = rc == DJ_OK;
    }
    if (rc == DJ_OK)
        memcpy(out, secret_cache, LIFE_SECRET_LEN);
    pthread_mutex_unlock(&secret_mu);
    return rc;
}

/* ---------------------------------------------------------------- the batch */

struct checkin_job {
    struct dj_batch_item item;
    int64_t activity_id, person_id, by_user;
    const char *method;    /* qr, manual */
    char occurred_at[21];  /* the activity's start, for the event */
    char at[21];
    bool inserted;         /* false: was already signed in */
    bool add_expected;     /* a voting member left off the expected list of a 支部党员大会 */
    json_t *audit_after;   /* built on the request thread; released by dj_on_done */
};

static int checkin_apply(db_conn *c, struct dj_batch_item *it, void *ctx)
{
    (void)ctx;
    struct checkin_job *j = (struct checkin_job *)it;
    int64_t id = 0;
    int rc = db_query_i64(c, &id,
                          "INSERT INTO attendance (activity_id, person_id, method, checked_in_at, by_user_id)"
                          " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (activity_id, person_id) DO NOTHING RETURNING id",
                          "iittI", j->activity_id, j->person_id, j->method, j->at, j->by_user);
    j->inserted = rc == DJ_OK;
    if (rc == DJ_ENOTFOUND)
        return DJ_OK; /* signed in meanwhile (a double scan): nothing new */
    if (rc != DJ_OK)
        return rc;
    if (j->add_expected)
        rc = db_exec(c, "INSERT INTO activity_people (activity_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                     "ii", j->activity_id, j->person_id);
    if (rc != DJ_OK)
        return rc;
    rc = db_exec(c,
                 "INSERT INTO life_events (person_id, activity_id, kind, activity_kind, quantity, occurred_at)"
                 " SELECT $1, a.id, 'attendance', a.kind, 1, a.starts_at FROM activities a WHERE a.id = $2"
                 " ON CONFLICT DO NOTHING",
                 "ii", j->person_id, j->activity_id);
    /* A scan is recorded by its attendance row (who, when, how); a sign-in by
     * a secretary on someone else's behalf also goes to the audit trail. */
    if (rc == DJ_OK && j->audit_after)
        rc = audit_write(c, it->req, "checkin", "attendance", id, NULL, j->audit_after);
    return rc;
}

static pthread_once_t batch_once = PTHREAD_ONCE_INIT;
static dj_batch *checkin_batch;

/* Points for attendance and hours: the points module turns new life_events
 * into awards. Run after a burst of check-ins has quietened (or every 10 s
 * during a long one), on the batch's helper thread, so awarding never slows
 * the check-ins themselves. */
static int award_points(db_conn *c, void *ctx)
{
    (void)ctx;
    struct points_sync st = {0};
    int rc = points_consume_events(c, &st);
    if (rc != DJ_OK)
        fprintf(stderr, "dangjian: awarding points for organisational life failed (%d); tried again in a second\n", rc);
    return rc;
}

static void batch_init(void)
{
    checkin_batch = dj_batch_new("checkin", checkin_apply, NULL, 2048);
    dj_batch_after(checkin_batch, award_points, NULL, 1000, 10000);
}

void life_points_poke(void)
{
    pthread_once(&batch_once, batch_init);
    dj_batch_poke(checkin_batch);
}

void life_points_catch_up(void)
{
    pthread_once(&batch_once, batch_init);
    dj_batch_after_now(checkin_batch);
}

static int checkin_answer(dj_req *r)
{
    struct checkin_job *j = r->work_arg;
    if (j->item.rc != DJ_OK)
        return dj_fail(r, j->item.rc == DJ_EBUSY ? DJ_EBUSY : j->item.rc, NULL, "签到未能保存，请重新扫码");
    if (!j->inserted)
        return dj_reply_json(r, 200, json_pack("{s:s, s:s, s:I}", "status", "already", "message", "已签到",
                                               "person_id", (json_int_t)j->person_id));
    return dj_reply_json(r, 201, json_pack("{s:s, s:s, s:I, s:s}", "status", "checked_in", "message", "签到成功",
                                           "person_id", (json_int_t)j->person_id, "checked_in_at", j->at));
}

/* Where the person stands with the activity, in one read (this is the hot
 * path of a meeting's start): expected or not, and when they signed in. */
struct standing {
    bool expected;
    char checked_in_at[24]; /* "" when not yet */
};

static int standing_of(db_conn *c, int64_t activity_id, int64_t person_id, struct standing *st)
{
    db_stmt *s = db_prep(c, "SELECT (SELECT 1 FROM activity_people WHERE activity_id = $1 AND person_id = $2),"
                            " (SELECT checked_in_at FROM attendance WHERE activity_id = $1 AND person_id = $2)");
    if (!s)
        return DJ_EDB;
    db_bind(s, "ii", activity_id, person_id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        st->expected = !db_col_null(s, 0);
        snprintf(st->checked_in_at, sizeof st->checked_in_at, "%s", db_col_null(s, 1) ? "" : db_col_text(s, 1));
        rc = DJ_OK;
    } else if (rc == DB_DONE) {
        rc = DJ_EDB;
    }
    db_done(s);
    return rc;
}

/* The answer to a repeat scan: 200 "已签到", nothing written. */
static int already(dj_req *r, int64_t person_id, const char *at)
{
    return dj_reply_json(r, 200, json_pack("{s:s, s:s, s:I, s:s}", "status", "already", "message", "已签到",
                                           "person_id", (json_int_t)person_id, "checked_in_at", at));
}

/* The configurable check-in window (minutes before the start, after the end), in seconds. */
static void window_settings(db_conn *c, int64_t *open_before, int64_t *close_after)
{
    *open_before = 30 * 60;
    *close_after = 30 * 60;
    db_stmt *s = db_prep(c, "SELECT (SELECT value FROM settings WHERE key = 'life.checkin_open_minutes'),"
                            " (SELECT value FROM settings WHERE key = 'life.checkin_close_minutes')");
    if (!s)
        return;
    if (db_step(s) == DB_ROW) {
        if (!db_col_null(s, 0))
            *open_before = strtoll(db_col_text(s, 0), NULL, 10) * 60;
        if (!db_col_null(s, 1))
            *close_after = strtoll(db_col_text(s, 1), NULL, 10) * 60;
    }
    db_done(s);
}

static void release_json(void *j)
{
    json_decref(j);
}

static int enqueue(dj_req *r, const struct life_activity_brief *a, int64_t person_id, const char *method,
                   bool add_expected)
{
    pthread_once(&batch_once, batch_init);
    struct checkin_job *j = dj_arena_alloc(r->arena, sizeof *j);
    memset(j, 0, sizeof *j);
    j->activity_id = a->id;
    j->person_id = person_id;
    j->by_user = strcmp(method, "manual") == 0 ? r->user->id : 0;
    j->method = method;
    j->add_expected = add_expected;
    dj_time_iso(a->starts_at, j->occurred_at);
    dj_time_iso(dj_now(), j->at);
    if (j->by_user) {
        j->audit_after = json_pack("{s:I, s:I, s:s}", "activity_id", (json_int_t)a->id, "person_id",
                                   (json_int_t)person_id, "method", method);
        /* released however the request ends, even if the client goes away while queued */
        dj_on_done(r, release_json, j->audit_after);
    }
    r->work_arg = j;
    return dj_batch_submit(checkin_batch, r, &j->item, checkin_answer);
}

/* dj_batch_submit() keeps cont; work_arg carries the job to checkin_answer(). */

static int state_check(dj_req *r, const struct life_activity_brief *a)
{
    if (strcmp(a->state, "planned") == 0)
        return dj_fail(r, DJ_ECONFLICT, "state", "活动尚未发布通知，暂不能签到");
    if (!life_state_takes_checkins(a->state))
        return dj_fail(r, DJ_ECONFLICT, "state", "活动已%s，不能再签到",
                       strcmp(a->state, "closed") == 0 ? "结束归档" : "取消");
    return DJ_OK;
}

int life_checkin_self(dj_req *r, const struct life_activity_brief *a, const char *token)
{
    db_conn *c = dj_db(r);
    int64_t pid = r->user->person_id;
    if (!pid)
        return dj_fail(r, DJ_EUNPROCESSABLE, NULL, "您的账号没有关联党员信息，无法签到");
    int rc = state_check(r, a);
    if (rc != DJ_OK)
        return rc;
    int64_t now = dj_now(), open_before, close_after;
    window_settings(c, &open_before, &close_after);
    int w = life_checkin_window(a->starts_at, a->ends_at, open_before, close_after, now);
    if (w < 0)
        return dj_fail_code(r, DJ_ECONFLICT, "not_open", NULL, "签到尚未开始（活动开始前 %lld 分钟开放签到）",
                            (long long)(open_before / 60));
    if (w > 0)
        return dj_fail_code(r, DJ_EGONE, "closed", NULL, "签到已经结束");
    unsigned char secret[LIFE_SECRET_LEN];
    if ((rc = life_secret(c, secret)) != DJ_OK)
        return rc;
    enum life_token_check tc = life_token_verify(secret, a->id, token, now);
    sodium_memzero(secret, sizeof secret);
    if (tc == LIFE_TOKEN_EXPIRED)
        return dj_fail_code(r, DJ_EGONE, "token_expired", "token", "二维码已过期，请扫描现场屏幕上的最新二维码");
    if (tc != LIFE_TOKEN_OK)
        return dj_fail_code(r, DJ_EINVAL, "token_invalid", "token", "二维码无效，请扫描本次活动现场的二维码");
    struct standing st;
    if ((rc = standing_of(c, a->id, pid, &st)) != DJ_OK)
        return rc;
    /* a voting member of a 支部党员大会 may always come, whoever was invited */
    bool on_roll = !st.expected && life_on_roll(c, a, pid);
    if (!st.expected && !on_roll)
        return dj_fail(r, DJ_EFORBIDDEN, NULL, "您不在本次活动的应到人员中，无法签到");
    if (st.checked_in_at[0])
        return already(r, pid, st.checked_in_at);
    return enqueue(r, a, pid, "qr", on_roll);
}

int life_checkin_manual(dj_req *r, const struct life_activity_brief *a, int64_t person_id)
{
    db_conn *c = dj_db(r);
    int rc = auth_require(r, "life.manage", a->org_id);
    if (rc != DJ_OK)
        return rc;
    if ((rc = state_check(r, a)) != DJ_OK)
        return rc;
    struct standing st;
    if ((rc = standing_of(c, a->id, person_id, &st)) != DJ_OK)
        return rc;
    bool on_roll = !st.expected && life_on_roll(c, a, person_id);
    if (!st.expected && !on_roll)
        return dj_fail(r, DJ_EINVAL, "person_id", "该人员不在本次活动的应到人员中");
    if (st.checked_in_at[0])
        return already(r, person_id, st.checked_in_at);
    return enqueue(r, a, person_id, "manual", on_roll);
}

/* ---------------------------------------------------------------- QR code */

/* The dark modules as one SVG path, with the 4-module quiet zone. Heap string. */
static char *qr_svg(const char *text)
{
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q)
        return NULL;
    int w = q->width, size = w + 8;
    dj_buf b = {0};
    dj_buf_printf(&b,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
                  "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
                  size, size, size, size);
    for (int y = 0; y < w; y++)
        for (int x = 0; x < w; x++)
            if (q->data[y * w + x] & 1)
                dj_buf_printf(&b, "M%d %dh1v1h-1z", x + 4, y + 4);
    dj_buf_puts(&b, "\"/></svg>");
    QRcode_free(q);
    return dj_buf_cstr(&b);
}

/* The address the phone opens: the configured public address, else the Host
 * the secretary's browser used (so the projector and the phones agree). */
static const char *base_url(dj_req *r)
{
    char *pub = dj_setting_text(dj_db(r), "site.public_url", NULL);
    if (pub && *pub) {
        char *out = dj_arena_strdup(r->arena, pub);
        free(pub);
        size_t n = strlen(out);
        if (n && out[n - 1] == '/')
            out[n - 1] = '\0';
        return out;
    }
    free(pub);
    const char *host = dj_header(r, "Host");
    const char *proto = dj_header(r, "X-Forwarded-Proto");
    if (!host || strpbrk(host, " \"<>/\\"))
        host = "127.0.0.1:8080";
    return dj_arena_printf(r->arena, "%s://%s", proto && strcmp(proto, "https") == 0 ? "https" : "http", host);
}

int life_qr(dj_req *r, const struct life_activity_brief *a)
{
    int rc = auth_require(r, "life.manage", a->org_id);
    if (rc != DJ_OK)
        return rc;
    if ((rc = state_check(r, a)) != DJ_OK)
        return rc;
    db_conn *c = dj_db(r);
    unsigned char secret[LIFE_SECRET_LEN];
    if ((rc = life_secret(c, secret)) != DJ_OK)
        return rc;
    int64_t now = dj_now();
    char token[LIFE_TOKEN_LEN + 1];
    life_token_make(secret, a->id, life_token_window(now), token);
    sodium_memzero(secret, sizeof secret);
    char *path = dj_arena_printf(r->arena, CHECKIN_PATH, (long long)a->id, token);
    char *url = dj_arena_printf(r->arena, "%s%s", base_url(r), path);
    char *svg = qr_svg(url);
    if (!svg)
        return dj_fail(r, DJ_EINTERNAL, NULL, "二维码生成失败");
    int64_t open_before, close_after;
    window_settings(c, &open_before, &close_after);
    char opens[21], closes[21];
    dj_time_iso(a->starts_at - open_before, opens);
    dj_time_iso(a->ends_at + close_after, closes);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:b}", "token", token, "url", url, "path", path,
                          "svg", svg, "expires_in", (json_int_t)life_token_remaining(now), "window_seconds",
                          (json_int_t)LIFE_TOKEN_WINDOW, "opens_at", opens, "closes_at", closes, "open",
                          life_checkin_window(a->starts_at, a->ends_at, open_before, close_after, now) == 0);
    free(svg);
    return dj_reply_json(r, 200, o);
}

/* ---------------------------------------------------------------- attendance sheet */

json_t *life_attendance_sheet(db_conn *c, const struct life_activity_brief *a, int *err)
{
    json_t *people = db_query_rows(
        c, err,
        "SELECT p.id AS person_id, p.name, p.party_status, o.name AS org_name, t.checked_in_at, t.method,"
        " l.id AS leave_id, l.status AS leave_status, l.reason AS leave_reason,"
        " m.status AS mark_status, m.reason AS mark_reason,"
        " CASE WHEN t.id IS NOT NULL THEN 'present' WHEN l.status = 'approved' THEN 'leave'"
        " ELSE 'absent' END AS status"
        " FROM activity_people ap JOIN people p ON p.id = ap.person_id LEFT JOIN orgs o ON o.id = p.org_id"
        " LEFT JOIN attendance t ON t.activity_id = ap.activity_id AND t.person_id = ap.person_id"
        " LEFT JOIN activity_leaves l ON l.activity_id = ap.activity_id AND l.person_id = ap.person_id"
        " LEFT JOIN attendance_marks m ON m.activity_id = ap.activity_id AND m.person_id = ap.person_id"
        " WHERE ap.activity_id = $1 ORDER BY t.checked_in_at IS NULL, t.checked_in_at, p.id",
        "i", a->id);
    if (!people)
        return NULL;
    int expected = 0, present = 0, leave = 0, pending = 0;
    size_t i;
    json_t *p;
    /* before the start nobody is absent yet: those not signed in are "not started" */
    bool started = dj_now() >= a->starts_at;
    json_array_foreach(people, i, p) {
        const char *st = dj_jstr(p, "status", "");
        expected++;
        present += strcmp(st, "present") == 0;
        leave += strcmp(st, "leave") == 0;
        if (!started && strcmp(st, "absent") == 0) {
            json_object_set_new(p, "status", json_string("not_started"));
            pending++;
        }
    }
    json_t *o = json_pack("{s:I, s:o, s:{s:i, s:i, s:i, s:i, s:i}, s:b}", "activity_id", (json_int_t)a->id, "people",
                          people, "summary", "expected", expected, "present", present, "leave", leave, "absent",
                          expected - present - leave - pending, "not_started", pending, "started", started);
    if (strcmp(a->kind, "branch_assembly") == 0) {
        json_t *q = life_quorum_json(c, a, err);
        if (!q) {
            json_decref(o);
            return NULL;
        }
        json_object_set_new(o, "quorum", q);
    } else {
        json_object_set_new(o, "quorum", json_null());
    }
    return o;
}
