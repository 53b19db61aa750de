/* auth.c - passwords, sessions, the role/permission table and org scope. */
#include "auth.h"

#include <argon2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "mem.h"
#include "settings.h"
#include "timeutil.h"

/* ---------- passwords ---------- */

/* Passwords that meet the composition rule and are still among the first an
 * attacker tries (leaked-password lists, keyboard walks, the product's own
 * name).  Compared without regard to case. */
static const char *const common_passwords[] = {
    "password1", "password12", "password123", "password1234", "password@1", "password@123", "password#1",
    "password!", "password1!", "passw0rd", "passw0rd!", "p@ssw0rd", "p@ssword", "p@ssword1", "p@ssw0rd1",
    "p@ssw0rd123", "p@55w0rd", "pa$$w0rd", "pa$$word1", "admin123", "admin@123", "admin#123", "admin123!",
    "admin@1234", "admin@2024", "admin@2025", "admin@2026", "administrator1", "root@123", "root123!",
    "test@123", "test1234!", "qwer1234", "qwer@1234", "qwert123", "qwerty1!", "qwerty12", "qwerty123",
    "qwerty123!", "qwerty@123", "qazwsx123", "1qaz2wsx", "1qaz@wsx", "1qaz!qaz", "1qaz@2wsx", "zaq12wsx",
    "zxcv1234", "zxcvbnm1", "asdf1234", "asdf@1234", "abc12345", "abc123456", "abc@1234", "abc@12345",
    "abcd1234", "abcd@1234", "abcd!234", "aa123456", "aa@123456", "aa123456!", "a1234567", "a12345678",
    "a123456789", "a1b2c3d4", "q1w2e3r4", "q1w2e3r4t5", "welcome1", "welcome@1", "welcome123", "welcome@123",
    "letmein1", "letmein!", "iloveyou1", "monkey123", "dragon123", "sunshine1", "princess1", "football1",
    "baseball1", "master123", "changeme1", "changeme!", "huawei@123", "huawei123", "woaini1314", "woaini@1314",
    "china@123", "china123!", "beijing@123", "guangdong@123", "dangjian1", "dangjian@1", "dangjian@123",
    "dangjian123", "dangjian2026", "gongchandang1", "zhongguo123", "p@$$w0rd", "user@123", "user1234!",
    "guest@123", "demo@1234", "temp@1234", "system@123", "server@123", "oracle@123", "mysql@123",
    "123456aa", "123456abc", "12345678a", "1234qwer", "1234abcd", "123qwe!@#", "123qweasd", "1q2w3e4r",
    "1q2w3e4r5t", "1q2w3e4r!", "!qaz2wsx", "!qaz@wsx", "qwe123!@#", "abc123!@#", "abc!@#123", NULL,
};

static bool ascii_contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; n && *p; p++)
        if (strncasecmp(p, needle, n) == 0)
            return true;
    return false;
}

int auth_password_policy(const char *pw, const char *login, const char **why)
{
    int upper = 0, lower = 0, digit = 0, other = 0;
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)pw; *p; p++) {
        if ((*p & 0xC0) != 0x80)
            n++;
        if (*p >= 'A' && *p <= 'Z')
            upper = 1;
        else if (*p >= 'a' && *p <= 'z')
            lower = 1;
        else if (*p >= '0' && *p <= '9')
            digit = 1;
        else
            other = 1;
    }
    if (n < 8) {
        *why = "新密码至少需要 8 个字符";
        return DJ_EINVAL;
    }
    if (n > 128) {
        *why = "新密码不能超过 128 个字符";
        return DJ_EINVAL;
    }
    if (upper + lower + digit + other < 3) {
        *why = "新密码需包含大写字母、小写字母、数字、符号中的至少三种";
        return DJ_EINVAL;
    }
    if (login && strlen(login) >= 3 && ascii_contains_nocase(pw, login)) {
        *why = "新密码不能包含账号名";
        return DJ_EINVAL;
    }
    for (const char *const *c = common_passwords; *c; c++)
        if (strcasecmp(pw, *c) == 0) {
            *why = "新密码过于常见，很容易被猜中，请换一个";
            return DJ_EINVAL;
        }
    return DJ_OK;
}

/* argon2id at OWASP's minimum: 19 MiB, 2 passes, 1 lane, a 16-byte salt and a
 * 32-byte tag, in the PHC string format that libsodium's crypto_pwhash_str
 * writes too ($argon2id$v=19$m=19456,t=2,p=1$salt$tag), so hashes made by
 * either library verify with the other.  The work is libargon2's (Debian's
 * reference implementation): on this kind of machine a verify there takes
 * 19-23 ms, where libsodium's takes 22-44 ms from run to run (bench/security,
 * "the storm"), and one hashing thread is what signs a meeting's crowd in. */
#define PW_OPSLIMIT 2
#define PW_MEMLIMIT (19u * 1024 * 1024)
#define PW_SALT 16
#define PW_TAG 32

char *auth_password_hash(const char *pw)
{
    uint8_t salt[PW_SALT];
    randombytes_buf(salt, sizeof salt);
    char out[160];
    if (argon2id_hash_encoded(PW_OPSLIMIT, PW_MEMLIMIT / 1024, 1, pw, strlen(pw), salt, sizeof salt, PW_TAG, out,
                              sizeof out) != ARGON2_OK)
        return NULL;
    return dj_strdup(out);
}

bool auth_password_verify(const char *hash, const char *pw)
{
    if (!hash)
        return false;
    if (strncmp(hash, "$argon2id$", 10) == 0)
        return argon2id_verify(hash, pw, strlen(pw)) == ARGON2_OK;
    return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0; /* an older argon2i hash */
}

bool auth_password_needs_rehash(const char *hash)
{
    return hash && strncmp(hash, "$argon2id$", 10) == 0 &&
           crypto_pwhash_str_needs_rehash(hash, PW_OPSLIMIT, PW_MEMLIMIT) != 0;
}

static char *dummy_hash;
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_make(void)
{
    dummy_hash = auth_password_hash("dangjian-dummy-password");
}

void auth_password_dummy_verify(const char *pw)
{
    pthread_once(&dummy_once, dummy_make);
    (void)auth_password_verify(dummy_hash, pw);
}

char *auth_password_generate(void)
{
    static const char alpha[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    char pw[17];
    for (int i = 0; i < 12; i++)
        pw[i] = alpha[randombytes_uniform(sizeof alpha - 1)];
    /* guarantee three classes and a symbol */
    pw[12] = "ABCDEFGHJKLMNPQRSTUVWXYZ"[randombytes_uniform(24)];
    pw[13] = "abcdefghijkmnpqrstuvwxyz"[randombytes_uniform(24)];
    pw[14] = "23456789"[randombytes_uniform(8)];
    pw[15] = "#%+-=@"[randombytes_uniform(6)];
    pw[16] = '\0';
    return dj_strdup(pw);
}

/* ---------- tokens ---------- */

void auth_random_hex(char out[65])
{
    unsigned char b[32];
    randombytes_buf(b, sizeof b);
    sodium_bin2hex(out, 65, b, sizeof b);
}

void auth_token_hash(const char *token, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(out, 65, h, sizeof h);
}

bool auth_csrf_equal(const char *a, const char *b)
{
    size_t n = strlen(a);
    if (!b || n != strlen(b) || n == 0)
        return false;
    return sodium_memcmp(a, b, n) == 0;
}

/* Whether a session is an office one (the user holds any office role): its
 * idle limit and lifetime are the short ones.  The limits themselves are read
 * from the settings at every request (auth_load_session). */
static int session_is_office(db_conn *c, int64_t user_id, bool *office)
{
    int64_t n = 0;
    int rc = db_query_i64(c, &n,
                          "SELECT COUNT(*) FROM grants g JOIN roles ro ON ro.code = g.role WHERE g.user_id = $1"
                          " AND ro.office = 1",
                          "i", user_id);
    *office = n > 0;
    return rc; /* a failed read makes no session: it would get a member's long limits */
}

int auth_session_create(db_conn *c, int64_t user_id, char token[65], char csrf[65])
{
    char hash[65];
    auth_random_hex(token);
    auth_random_hex(csrf);
    auth_token_hash(token, hash);
    int64_t now = dj_now();
    bool office = false;
    int rc = session_is_office(c, user_id, &office);
    if (rc)
        return rc;
    /* idle_seconds stays filled for older readers; the settings decide */
    return db_exec(c,
                   "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen, idle_seconds, office)"
                   " VALUES ($1, $2, $3, $4, $4, $5, $6)",
                   "titiib", hash, user_id, csrf, now, office ? 1800 : 604800, office);
}

/* Is a session past its idle limit or its absolute lifetime?  The limits in
 * minutes/hours/days as the settings hold them (text; NULL: the default). */
bool auth_session_expired(bool office, int64_t created, int64_t last_seen, int64_t now, const char *idle_min,
                          const char *max_life)
{
    int64_t idle = (idle_min ? strtoll(idle_min, NULL, 10) : (office ? 30 : 7 * 24 * 60)) * 60;
    int64_t life = max_life ? strtoll(max_life, NULL, 10) : (office ? 12 : 30);
    life *= office ? 3600 : 86400;
    return now - last_seen > idle || now - created > life;
}

char *auth_user_key(dj_req *r, const char *what)
{
    const struct dj_user *u = r->user;
    int y, m, d;
    dj_local_date(dj_now(), &y, &m, &d);
    dj_buf b = {0};
    dj_buf_printf(&b, "%s u%lld p%lld %04d-%02d-%02d", what, (long long)(u ? u->id : 0),
                  (long long)(u ? u->person_id : 0), y, m, d);
    for (int i = 0; u && i < u->ngrants; i++)
        dj_buf_printf(&b, " %s@%s", u->grants[i].role, u->grants[i].org_path ? u->grants[i].org_path : "-");
    return dj_buf_cstr(&b);
}

char *auth_cookie(dj_req *r, const char *token)
{
    return dj_arena_printf(r->arena, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", DJ_SESSION_COOKIE, token,
                           dj_cookie_secure() ? "; Secure" : "", *token ? "" : "; Max-Age=0");
}

const char *auth_cookie_value(const char *cookies, const char *name, char *buf, size_t bufsz)
{
    size_t nl = strlen(name);
    const char *p = cookies;
    while (p && *p) {
        while (*p == ' ' || *p == ';')
            p++;
        if (strncmp(p, name, nl) == 0 && p[nl] == '=') {
            const char *v = p + nl + 1;
            size_t n = strcspn(v, ";");
            if (n >= bufsz)
                return NULL;
            memcpy(buf, v, n);
            buf[n] = '\0';
            return buf;
        }
        p = strchr(p, ';');
    }
    return NULL;
}

/* Appends a grant to u, growing its array in the request arena. */
static void grant_push(dj_req *r, struct dj_user *u, int *cap, const char *role, int64_t org_id, const char *path,
                       const char *name)
{
    if (u->ngrants == *cap) {
        struct dj_grant *g = dj_arena_alloc(r->arena, (size_t)*cap * 2 * sizeof *g);
        memcpy(g, u->grants, (size_t)*cap * sizeof *g);
        u->grants = g;
        *cap *= 2;
    }
    struct dj_grant *g = &u->grants[u->ngrants++];
    g->role = dj_arena_strdup(r->arena, role);
    g->org_id = org_id;
    g->org_path = dj_arena_strdup(r->arena, path);
    g->org_name = dj_arena_strdup(r->arena, name);
}

static int load_grants(dj_req *r, db_conn *c, struct dj_user *u)
{
    int rc;
    db_stmt *s = db_prep(c, "SELECT g.role, g.org_id, o.path, o.name FROM grants g JOIN orgs o ON o.id = g.org_id"
                   " WHERE g.user_id = $1 ORDER BY g.id");
    if (!s)
        return DJ_EDB;
    db_bind_i64(s, 1, u->id);
    int cap = 4;
    u->ngrants = 0;
    u->grants = dj_arena_alloc(r->arena, (size_t)cap * sizeof *u->grants);
    while ((rc = db_step(s)) == DB_ROW)
        grant_push(r, u, &cap, db_col_text(s, 0), db_col_i64(s, 1), db_col_text(s, 2), db_col_text(s, 3));
    db_done(s);
    return rc == DB_DONE ? DJ_OK : rc;
}

int auth_load_user(dj_req *r, int64_t user_id, const char *csrf, const char *token_hash)
{
    db_conn *c = dj_db(r);
    db_stmt *s = db_prep(c, "SELECT login, name, person_id, must_change_password FROM users WHERE id = $1");
    if (!s)
        return DJ_EDB;
    db_bind_i64(s, 1, user_id);
    int rc = db_step(s);
    if (rc != DB_ROW) {
        db_done(s);
        return rc == DB_DONE ? DJ_ENOTFOUND : rc;
    }
    struct dj_user *u = dj_arena_alloc(r->arena, sizeof *u);
    memset(u, 0, sizeof *u);
    u->id = user_id;
    u->login = dj_arena_strdup(r->arena, db_col_text(s, 0));
    u->name = dj_arena_strdup(r->arena, db_col_text(s, 1));
    u->person_id = db_col_null(s, 2) ? 0 : db_col_i64(s, 2);
    u->must_change_password = db_col_i64(s, 3) != 0;
    u->csrf = dj_arena_strdup(r->arena, csrf);
    u->token_hash = dj_arena_strdup(r->arena, token_hash);
    db_done(s);
    rc = load_grants(r, c, u);
    if (rc == DJ_OK)
        r->user = u;
    return rc;
}

/* ---------- the session cache ----------
 * Reading a session costs a read transaction on SQLite (file locks and the WAL
 * read mark) and a round trip on PostgreSQL: most of the cost of a small
 * authenticated read, such as a reader's heartbeat. So the server keeps the
 * sessions it has read, shared by its threads (a member's requests land on
 * any of them), until the session's touch is due (a minute after its
 * last_seen: the entry is then read again and the touch queued).
 *
 * What can end or change a session moves a counter in the database
 * (auth_epoch, migration 0007: triggers on sessions, users, grants, orgs and
 * the session settings). The server reads it every EPOCH_POLL_MS; when it has
 * moved, every entry is dropped (a generation bump). An entry is used only
 * while the last reading of the counter began less than EPOCH_STALE_MS ago,
 * so a logout, a password change or a grant taken on another server behind
 * nginx reaches this one within a second. Changes this process makes bump
 * the generation at once (auth_cache_invalidate). */
#define SESSION_CACHE_SETS 4096 /* by the token; each set holds SESSION_CACHE_WAYS sessions */
#define SESSION_CACHE_WAYS 4
#define SESSION_CACHE_LOCKS 64
#define EPOCH_POLL_MS 250
#define EPOCH_STALE_MS 1000

struct cached_session {
    char token[65]; /* the cookie's token: the key, so a hit needs no hashing */
    char hash[65];
    char idle_min[24], max_life[24]; /* the session settings it was read with */
    bool office;
    uint64_t gen;
    int64_t created, last_seen;
    int64_t used_ms; /* when it was last read or put: the set's least recent goes first */
    struct dj_user *user; /* lives in arena */
    dj_arena *arena;
};

static _Atomic uint64_t session_gen = 1;
static struct cached_session cache[SESSION_CACHE_SETS][SESSION_CACHE_WAYS];
static pthread_mutex_t cache_locks[SESSION_CACHE_LOCKS];
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static _Atomic int64_t epoch_poll_started;       /* mono ms a reading of auth_epoch began */
static _Atomic int64_t epoch_seen_ms = INT64_MIN / 2; /* mono ms the last good reading began */
static _Atomic int64_t epoch_value = -1;

static void cache_init(void)
{
    for (int i = 0; i < SESSION_CACHE_LOCKS; i++)
        pthread_mutex_init(&cache_locks[i], NULL);
}

void auth_cache_invalidate(void)
{
    atomic_fetch_add(&session_gen, 1);
}

void auth_cache_free(void)
{
    pthread_once(&cache_once, cache_init);
    for (int i = 0; i < SESSION_CACHE_SETS; i++) {
        pthread_mutex_t *m = &cache_locks[i % SESSION_CACHE_LOCKS];
        pthread_mutex_lock(m);
        for (int w = 0; w < SESSION_CACHE_WAYS; w++) {
            dj_arena_free(cache[i][w].arena);
            memset(&cache[i][w], 0, sizeof cache[i][w]);
        }
        pthread_mutex_unlock(m);
    }
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads auth_epoch when it is due (one thread at a time), dropping every entry
 * when it has moved. Whether entries may be used: the last good reading began
 * less than EPOCH_STALE_MS ago. */
static bool epoch_fresh(dj_req *r)
{
    int64_t now = mono_ms(), started = atomic_load(&epoch_poll_started);
    if (now - started >= EPOCH_POLL_MS && atomic_compare_exchange_strong(&epoch_poll_started, &started, now)) {
        db_conn *c = dj_db(r);
        int64_t v = 0;
        if (c && db_query_i64(c, &v, "SELECT value FROM auth_epoch WHERE id = 1", "") == DJ_OK) {
            if (atomic_exchange(&epoch_value, v) != v)
                auth_cache_invalidate();
            atomic_store(&epoch_seen_ms, now);
        }
    }
    return mono_ms() - atomic_load(&epoch_seen_ms) < EPOCH_STALE_MS;
}

static struct dj_user *user_copy(dj_arena *a, const struct dj_user *src)
{
    struct dj_user *u = dj_arena_alloc(a, sizeof *u);
    *u = *src;
    u->login = dj_arena_strdup(a, src->login);
    u->name = dj_arena_strdup(a, src->name);
    u->csrf = dj_arena_strdup(a, src->csrf);
    u->token_hash = dj_arena_strdup(a, src->token_hash);
    u->grants = dj_arena_alloc(a, (size_t)(src->ngrants ? src->ngrants : 1) * sizeof *u->grants);
    for (int i = 0; i < src->ngrants; i++) {
        u->grants[i].role = dj_arena_strdup(a, src->grants[i].role);
        u->grants[i].org_id = src->grants[i].org_id;
        u->grants[i].org_path = dj_arena_strdup(a, src->grants[i].org_path);
        u->grants[i].org_name = dj_arena_strdup(a, src->grants[i].org_name);
    }
    return u;
}

/* The token's set, with its lock taken. */
static struct cached_session *cache_lock(const char *token, pthread_mutex_t **m)
{
    pthread_once(&cache_once, cache_init);
    unsigned h = 0;
    for (int i = 0; i < 8; i++)
        h = h * 16 + (unsigned)(token[i] <= '9' ? token[i] - '0' : (token[i] | 0x20) - 'a' + 10);
    h %= SESSION_CACHE_SETS;
    *m = &cache_locks[h % SESSION_CACHE_LOCKS];
    pthread_mutex_lock(*m);
    return cache[h];
}

static bool cache_get(dj_req *r, const char *token)
{
    if (!epoch_fresh(r))
        return false;
    pthread_mutex_t *m;
    struct cached_session *set = cache_lock(token, &m), *e = NULL;
    for (int w = 0; w < SESSION_CACHE_WAYS && !e; w++)
        if (set[w].user && sodium_memcmp(set[w].token, token, 64) == 0)
            e = &set[w];
    int64_t now = dj_now();
    bool hit = e && e->gen == atomic_load(&session_gen) && now - e->last_seen < 60 &&
               !auth_session_expired(e->office, e->created, e->last_seen, now, *e->idle_min ? e->idle_min : NULL,
                                     *e->max_life ? e->max_life : NULL);
    if (hit) {
        r->user = user_copy(r->arena, e->user);
        e->used_ms = mono_ms();
    }
    pthread_mutex_unlock(m);
    return hit;
}

struct session_row {
    bool office;
    int64_t created, last_seen;
    const char *idle_min, *max_life;
};

static void cache_put(const char *token, const char *hash, uint64_t gen, const struct session_row *row,
                      const struct dj_user *u)
{
    pthread_mutex_t *m;
    struct cached_session *set = cache_lock(token, &m), *e = &set[0];
    /* the token's own entry, or else the set's least recently used */
    for (int w = 0; w < SESSION_CACHE_WAYS; w++) {
        if (set[w].user && sodium_memcmp(set[w].token, token, 64) == 0) {
            e = &set[w];
            break;
        }
        if (!set[w].user ? e->user != NULL : (e->user && set[w].used_ms < e->used_ms))
            e = &set[w];
    }
    dj_arena_free(e->arena);
    e->arena = dj_arena_new();
    e->user = user_copy(e->arena, u);
    memcpy(e->token, token, 65);
    memcpy(e->hash, hash, 65);
    snprintf(e->idle_min, sizeof e->idle_min, "%s", row->idle_min ? row->idle_min : "");
    snprintf(e->max_life, sizeof e->max_life, "%s", row->max_life ? row->max_life : "");
    e->office = row->office;
    e->created = row->created;
    e->last_seen = row->last_seen;
    e->gen = gen;
    e->used_ms = mono_ms();
    pthread_mutex_unlock(m);
}

int auth_load_session(dj_req *r)
{
    r->user = NULL;
    const char *cookies = dj_header(r, "Cookie");
    char tok[80];
    if (!cookies || !auth_cookie_value(cookies, DJ_SESSION_COOKIE, tok, sizeof tok) || strlen(tok) != 64)
        return DJ_OK;
    bool hexok = true;
    for (int i = 0; i < 64 && hexok; i++)
        hexok = (tok[i] >= '0' && tok[i] <= '9') || (tok[i] >= 'a' && tok[i] <= 'f');
    if (!hexok)
        return DJ_OK;
    if (cache_get(r, tok))
        return DJ_OK;
    char hash[65];
    auth_token_hash(tok, hash);
    uint64_t gen = atomic_load(&session_gen);
    db_conn *c = dj_db(r);
    if (!c)
        return DJ_EDB;
    /* One statement per request: the session, its user and one row per grant
     * (a read of the hot path; two statements cost twice the locking). */
    db_stmt *s = db_prep(c,
                         "SELECT s.user_id, s.csrf, s.last_seen, s.office, u.login, u.name, u.person_id,"
                         " u.must_change_password, u.disabled, g.role, g.org_id, o.path, o.name, s.created_at,"
                         " (SELECT value FROM settings WHERE key = CASE WHEN s.office = 1"
                         "   THEN 'session.office_idle_minutes' ELSE 'session.member_idle_minutes' END),"
                         " (SELECT value FROM settings WHERE key = CASE WHEN s.office = 1"
                         "   THEN 'session.office_max_hours' ELSE 'session.member_max_days' END)"
                         " FROM sessions s JOIN users u ON u.id = s.user_id"
                         " LEFT JOIN grants g ON g.user_id = u.id LEFT JOIN orgs o ON o.id = g.org_id"
                         " WHERE s.token_hash = $1 ORDER BY g.id");
    if (!s)
        return DJ_EDB;
    db_bind_text(s, 1, hash);
    int rc = db_step(s);
    if (rc != DB_ROW) {
        db_done(s);
        return rc == DB_DONE ? DJ_OK : rc;
    }
    int64_t now = dj_now();
    int64_t last = db_col_i64(s, 2);
    bool disabled = db_col_i64(s, 8) != 0;
    if (disabled || auth_session_expired(db_col_i64(s, 3) != 0, db_col_i64(s, 13), last, now, db_col_text(s, 14),
                                         db_col_text(s, 15))) {
        db_done(s);
        db_exec(c, "DELETE FROM sessions WHERE token_hash = $1", "t", hash);
        auth_cache_invalidate();
        return DJ_OK;
    }
    struct session_row row = {db_col_i64(s, 3) != 0, db_col_i64(s, 13), last,
                              db_col_null(s, 14) ? NULL : dj_arena_strdup(r->arena, db_col_text(s, 14)),
                              db_col_null(s, 15) ? NULL : dj_arena_strdup(r->arena, db_col_text(s, 15))};
    struct dj_user *u = dj_arena_alloc(r->arena, sizeof *u);
    memset(u, 0, sizeof *u);
    u->id = db_col_i64(s, 0);
    u->csrf = dj_arena_strdup(r->arena, db_col_text(s, 1));
    u->login = dj_arena_strdup(r->arena, db_col_text(s, 4));
    u->name = dj_arena_strdup(r->arena, db_col_text(s, 5));
    u->person_id = db_col_null(s, 6) ? 0 : db_col_i64(s, 6);
    u->must_change_password = db_col_i64(s, 7) != 0;
    u->token_hash = dj_arena_strdup(r->arena, hash);
    int cap = 4;
    u->grants = dj_arena_alloc(r->arena, (size_t)cap * sizeof *u->grants);
    do {
        if (!db_col_null(s, 9))
            grant_push(r, u, &cap, db_col_text(s, 9), db_col_i64(s, 10), db_col_text(s, 11), db_col_text(s, 12));
    } while ((rc = db_step(s)) == DB_ROW);
    db_done(s);
    if (rc != DB_DONE)
        return rc;
    /* Touch at most once a minute, and off the request: see auth_touch_queue. */
    if (now - last >= 60) {
        auth_touch_queue(c, hash, now);
        row.last_seen = now;
    }
    r->user = u;
    cache_put(tok, hash, gen, &row, u);
    return DJ_OK;
}

/* ---------- session touches ----------
 * A session's last_seen moves forward at most once a minute.  Written on the
 * request, each touch would be a durable commit queued behind SQLite's one
 * writer: with thousands of members signed in at a meeting's start, the
 * touches alone would saturate it.  So the server queues them and one thread
 * writes each second's touches in one transaction.  A touch lost in a crash
 * only makes a session idle out up to a minute early. */
#define TOUCH_MAX 65536

struct touch {
    char hash[65];
    int64_t at;
};

static pthread_mutex_t touch_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t touch_cv = PTHREAD_COND_INITIALIZER;
static struct touch *touch_q;
static size_t touch_n, touch_cap;
static bool touch_running, touch_stopping;
static pthread_t touch_thread;

static void touch_flush(struct touch *q, size_t n)
{
    db_conn *c = db_thread();
    if (!c || n == 0)
        return;
    if (db_begin(c) != DJ_OK)
        return;
    int rc = DJ_OK;
    for (size_t i = 0; i < n && rc == DJ_OK; i++)
        rc = db_exec(c, "UPDATE sessions SET last_seen = $1 WHERE token_hash = $2 AND last_seen < $1", "it",
                     q[i].at, q[i].hash);
    if (rc == DJ_OK)
        db_commit(c);
    else
        db_rollback(c);
}

static void *touch_main(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&touch_mu);
    for (;;) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        while (!touch_stopping && pthread_cond_timedwait(&touch_cv, &touch_mu, &ts) == 0)
            ;
        struct touch *q = touch_q;
        size_t n = touch_n;
        touch_q = NULL;
        touch_n = touch_cap = 0;
        bool stop = touch_stopping;
        pthread_mutex_unlock(&touch_mu);
        touch_flush(q, n);
        free(q);
        pthread_mutex_lock(&touch_mu);
        if (stop && touch_n == 0)
            break;
    }
    pthread_mutex_unlock(&touch_mu);
    db_thread_close();
    return NULL;
}

void auth_touch_start(void)
{
    pthread_mutex_lock(&touch_mu);
    if (!touch_running) {
        touch_stopping = false;
        touch_running = pthread_create(&touch_thread, NULL, touch_main, NULL) == 0;
    }
    pthread_mutex_unlock(&touch_mu);
}

void auth_touch_stop(void)
{
    pthread_mutex_lock(&touch_mu);
    bool running = touch_running;
    touch_stopping = true;
    pthread_cond_signal(&touch_cv);
    pthread_mutex_unlock(&touch_mu);
    if (running)
        pthread_join(touch_thread, NULL);
    pthread_mutex_lock(&touch_mu);
    touch_running = false;
    free(touch_q);
    touch_q = NULL;
    touch_n = touch_cap = 0;
    pthread_mutex_unlock(&touch_mu);
}

void auth_touch_queue(db_conn *c, const char *hash, int64_t at)
{
    pthread_mutex_lock(&touch_mu);
    if (!touch_running) {
        pthread_mutex_unlock(&touch_mu);
        /* no writer thread (command line, tests): write it now */
        db_exec(c, "UPDATE sessions SET last_seen = $1 WHERE token_hash = $2 AND last_seen < $1", "it", at, hash);
        return;
    }
    if (touch_n < TOUCH_MAX) {
        if (touch_n == touch_cap) {
            touch_cap = touch_cap ? touch_cap * 2 : 256;
            touch_q = dj_realloc(touch_q, touch_cap * sizeof *touch_q);
        }
        memcpy(touch_q[touch_n].hash, hash, 65);
        touch_q[touch_n].at = at;
        touch_n++;
    }
    pthread_mutex_unlock(&touch_mu);
}

/* ---------- roles ---------- */

struct role_perm {
    char *role, *perm;
};

static struct role_perm *rp;
static size_t nrp;

int auth_perms_load(db_conn *c)
{
    auth_perms_free();
    db_stmt *s = db_prep(c, "SELECT role, perm FROM role_perms ORDER BY role, perm");
    if (!s)
        return DJ_EDB;
    size_t cap = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (nrp == cap) {
            cap = cap ? cap * 2 : 64;
            rp = dj_realloc(rp, cap * sizeof *rp);
        }
        rp[nrp].role = dj_strdup(db_col_text(s, 0));
        rp[nrp].perm = dj_strdup(db_col_text(s, 1));
        nrp++;
    }
    db_done(s);
    return rc == DB_DONE ? DJ_OK : rc;
}

void auth_perms_free(void)
{
    for (size_t i = 0; i < nrp; i++) {
        free(rp[i].role);
        free(rp[i].perm);
    }
    free(rp);
    rp = NULL;
    nrp = 0;
}

bool auth_role_has(const char *role, const char *perm)
{
    for (size_t i = 0; i < nrp; i++)
        if (strcmp(rp[i].role, role) == 0 && strcmp(rp[i].perm, perm) == 0)
            return true;
    return false;
}

bool auth_has_perm(dj_req *r, const char *perm)
{
    if (!r->user)
        return false;
    for (int i = 0; i < r->user->ngrants; i++)
        if (auth_role_has(r->user->grants[i].role, perm))
            return true;
    return false;
}

static bool path_within(const char *path, const char *root)
{
    return strncmp(path, root, strlen(root)) == 0;
}

void auth_path_end(const char *path, char *end, size_t size)
{
    snprintf(end, size, "%s", path);
    size_t n = strlen(end);
    if (n > 0 && (unsigned char)end[n - 1] < 0xff)
        end[n - 1]++; /* "/1/4/" -> "/1/40": '0' follows '/' */
}

bool auth_can_path(dj_req *r, const char *perm, const char *path)
{
    for (int i = 0; r->user && path && i < r->user->ngrants; i++) {
        const struct dj_grant *g = &r->user->grants[i];
        if (auth_role_has(g->role, perm) && path_within(path, g->org_path))
            return true;
    }
    return false;
}

bool auth_can(dj_req *r, const char *perm, int64_t org_id)
{
    if (!r->user)
        return false;
    char *path = NULL;
    if (auth_org_path(dj_db(r), org_id, &path) != DJ_OK)
        return false;
    bool ok = false;
    for (int i = 0; i < r->user->ngrants && !ok; i++) {
        const struct dj_grant *g = &r->user->grants[i];
        ok = auth_role_has(g->role, perm) && path_within(path, g->org_path);
    }
    free(path);
    return ok;
}

int auth_require(dj_req *r, const char *perm, int64_t org_id)
{
    char *path = NULL;
    int rc = auth_org_path(dj_db(r), org_id, &path);
    if (rc == DJ_ENOTFOUND)
        return dj_fail(r, DJ_ENOTFOUND, "org_id", "找不到编号为 %lld 的组织", (long long)org_id);
    if (rc != DJ_OK)
        return rc;
    bool ok = false;
    for (int i = 0; r->user && i < r->user->ngrants && !ok; i++) {
        const struct dj_grant *g = &r->user->grants[i];
        ok = auth_role_has(g->role, perm) && path_within(path, g->org_path);
    }
    free(path);
    if (!ok)
        return dj_fail(r, DJ_EFORBIDDEN, NULL, "没有权限访问该组织（编号 %lld）的数据", (long long)org_id);
    return DJ_OK;
}

char *auth_scope_sql(dj_req *r, const char *perm, const char *path_col)
{
    dj_buf b = {0};
    int n = 0;
    for (int i = 0; r->user && i < r->user->ngrants; i++) {
        const struct dj_grant *g = &r->user->grants[i];
        if (!auth_role_has(g->role, perm))
            continue;
        /* skip a grant inside another granted subtree */
        bool covered = false;
        for (int j = 0; j < r->user->ngrants && !covered; j++)
            covered = j != i && auth_role_has(r->user->grants[j].role, perm) &&
                      strcmp(r->user->grants[j].org_path, g->org_path) != 0 &&
                      path_within(g->org_path, r->user->grants[j].org_path);
        if (covered)
            continue;
        bool safe = true;
        for (const char *p = g->org_path; *p; p++)
            safe = safe && ((*p >= '0' && *p <= '9') || *p == '/');
        if (!safe)
            continue;
        /* the subtree as a range of paths, which the index on orgs.path answers on
         * both engines (a LIKE pattern is never used with it on SQLite) */
        size_t len = strlen(g->org_path) + 1;
        char *end = dj_arena_alloc(r->arena, len);
        auth_path_end(g->org_path, end, len);
        dj_buf_printf(&b, "%s%s >= '%s' AND %s < '%s'", n++ ? " OR " : "(", path_col, g->org_path, path_col, end);
    }
    char *out = dj_arena_strdup(r->arena, n ? (dj_buf_puts(&b, ")"), b.data) : "(1=0)");
    dj_buf_free(&b);
    return out;
}
