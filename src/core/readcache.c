/* readcache.c - see readcache.h.  Two small tables, each under its own mutex:
 * the answers shared by everyone with the same scopes, and the small facts
 * about one user, kept apart so that a crowd's many users never push the
 * shared pages out.  A hit costs a key comparison per slot and one copy of the
 * value, or none (dj_rcache_blob: a reference to the kept text). */
#include "readcache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "config.h"
#include "db.h"
#include "db_deps.h"
#include "err.h"
#include "json.h"
#include "mem.h"
#include "pool.h"

#define SLOTS 128
#define USER_SLOTS 1024

struct slot {
    char *key; /* heap */
    uint64_t hash; /* of key: a scan compares these first */
    uint64_t gen;    /* the clock before its data was read */
    uint16_t *deps;  /* the tables it was made from (db_deps.h) */
    int ndeps;
    int64_t at_ms;
    int64_t ttl_ms;  /* 0: ttl_ms() */
    json_t *v;
    dj_blob *text; /* or a rendered answer (a reference; replies may hold more) */
    int64_t aux; /* kept beside the text (a page's rows) */
    bool building; /* no longer fresh, and a request is making it again */
    uint64_t building_gen; /* the clock when that began: a write since makes that one old too */
};

struct pool {
    struct slot *slots;
    int n;
    pthread_mutex_t mu;
};

static struct slot shared_slots[SLOTS], user_slots[USER_SLOTS];
static struct pool shared = {shared_slots, SLOTS, PTHREAD_MUTEX_INITIALIZER};
static struct pool users = {user_slots, USER_SLOTS, PTHREAD_MUTEX_INITIALIZER};

/* FNV-1a of key. */
static uint64_t key_hash(const char *key)
{
    uint64_t h = 14695981039346656037ULL;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* How long an answer is kept: DJ_RCACHE_TTL_MS; test builds take
 * $DJ_RCACHE_TTL_MS, so that a test shows what a write ends, not what the
 * clock does. */
static int64_t ttl_ms(void)
{
#if DJ_TEST_CLOCK
    static _Atomic int64_t ttl = -1;
    if (ttl < 0) {
        const char *e = getenv("DJ_RCACHE_TTL_MS");
        ttl = e && *e ? atoll(e) : DJ_RCACHE_TTL_MS;
    }
    return ttl;
#else
    return DJ_RCACHE_TTL_MS;
#endif
}

/* The slot of pl holding key, valid now (none of its tables written since);
 * NULL if none.  A hit adds its tables to the thread's read set (an answer
 * computed from it depends on them too).  Called with pl->mu held. */
static struct slot *find(struct pool *pl, const char *key, int64_t now)
{
    uint64_t h = key_hash(key);
    for (int i = 0; i < pl->n; i++) {
        struct slot *sl = &pl->slots[i];
        if (sl->key && sl->hash == h && now - sl->at_ms < (sl->ttl_ms ? sl->ttl_ms : ttl_ms()) &&
            strcmp(sl->key, key) == 0 && deps_fresh(sl->deps, sl->ndeps, sl->gen)) {
            deps_reads_add(sl->deps, sl->ndeps);
            return sl;
        }
    }
    return NULL;
}

/* The slot of pl holding key, fresh or not; NULL if none.  With pl->mu held. */
static struct slot *find_any(struct pool *pl, const char *key)
{
    uint64_t h = key_hash(key);
    for (int i = 0; i < pl->n; i++)
        if (pl->slots[i].key && pl->slots[i].hash == h && strcmp(pl->slots[i].key, key) == 0)
            return &pl->slots[i];
    return NULL;
}

/* Sees writes made elsewhere and returns the generation a value computed from
 * now on is valid for. */
static uint64_t begin(db_conn *c)
{
    db_notice_writes(c);
    return db_read_gen(c);
}

json_t *dj_rcache_get(db_conn *c, const char *key, uint64_t *genp)
{
    json_t *out = NULL;
    int64_t now = mono_ms();
    *genp = begin(c);
    pthread_mutex_lock(&shared.mu);
    struct slot *sl = find(&shared, key, now);
    if (sl && sl->v)
        out = json_deep_copy(sl->v);
    pthread_mutex_unlock(&shared.mu);
    deps_count(out != NULL);
    return out;
}

/* Keeps v or text (with aux) under key in pl with the thread's read set,
 * unless one of those tables has been written since gen (the value may
 * already be old).  Takes v and the reference to text. */
static void store(struct pool *pl, const char *key, json_t *v, dj_blob *text, int64_t aux, uint64_t gen,
                  int64_t ttl)
{
    int ndeps;
    uint16_t *deps = deps_reads_take(&ndeps);
    if (!deps_fresh(deps, ndeps, gen)) {
        json_decref(v);
        dj_blob_unref(text);
        free(deps);
        return;
    }
    int64_t now = mono_ms();
    uint64_t h = key_hash(key);
    pthread_mutex_lock(&pl->mu);
    struct slot *sl = &pl->slots[0];
    for (int i = 0; i < pl->n; i++) {
        struct slot *t = &pl->slots[i];
        if (t->key && t->hash == h && strcmp(t->key, key) == 0) {
            sl = t;
            break;
        }
        if (sl->key && (!t->key || t->at_ms < sl->at_ms))
            sl = t; /* a free slot, else the oldest */
    }
    struct slot old = *sl;
    *sl = (struct slot){.key = dj_strdup(key), .hash = h, .gen = gen, .deps = deps, .ndeps = ndeps, .at_ms = now,
                        .ttl_ms = ttl, .v = v, .text = text, .aux = aux};
    pthread_mutex_unlock(&pl->mu);
    json_decref(old.v);
    free(old.key);
    dj_blob_unref(old.text);
    free(old.deps);
}

void dj_rcache_put(const char *key, const json_t *v, uint64_t gen)
{
    dj_rcache_put_for(key, v, gen, 0);
}

void dj_rcache_put_for(const char *key, const json_t *v, uint64_t gen, int64_t ttl)
{
    json_t *copy = json_deep_copy(v);
    if (copy)
        store(&shared, key, copy, NULL, 0, gen, ttl);
}

/* A reference to the text kept under key in pl, with *aux; NULL if none. */
static dj_blob *kept(struct pool *pl, const char *key, int64_t *aux)
{
    dj_blob *out = NULL;
    int64_t now = mono_ms();
    pthread_mutex_lock(&pl->mu);
    struct slot *sl = find(pl, key, now);
    if (sl && sl->text) {
        out = dj_blob_ref(sl->text);
        *aux = sl->aux;
    }
    pthread_mutex_unlock(&pl->mu);
    deps_count(out != NULL);
    return out;
}

/* build(arg, …, aux) written into a new text, kept in pl (valid for gen):
 * *out a reference to it; build's error, and nothing kept, if it fails. */
static int made(struct pool *pl, const char *key, int64_t ttl, uint64_t gen, dj_rcache_build build, void *arg,
                dj_blob **out, int64_t *aux)
{
    dj_buf text = {0};
    *aux = 0;
    *out = NULL;
    int rc = build(arg, &text, aux);
    if (rc != DJ_OK) {
        dj_buf_free(&text);
        return rc;
    }
    *out = dj_blob_take(&text);
    store(pl, key, NULL, dj_blob_ref(*out), *aux, gen, ttl);
    return DJ_OK;
}

/* text (NULL: none) appended to out; its reference given back. */
static void append_given(dj_buf *out, dj_blob *text)
{
    if (text)
        dj_buf_append(out, dj_blob_data(text), dj_blob_len(text));
    dj_blob_unref(text);
}

static int kept_or_made(struct pool *pl, db_conn *c, const char *key, int64_t ttl, dj_rcache_build build, void *arg,
                        dj_blob **out, int64_t *aux)
{
    uint64_t gen = begin(c);
    if ((*out = kept(pl, key, aux)))
        return DJ_OK;
    return made(pl, key, ttl, gen, build, arg, out, aux);
}

/* The same, the text appended to out. */
static int kept_or_built(struct pool *pl, db_conn *c, const char *key, int64_t ttl, dj_rcache_build build, void *arg,
                         dj_buf *out, int64_t *aux)
{
    dj_blob *text;
    int rc = kept_or_made(pl, c, key, ttl, build, arg, &text, aux);
    append_given(out, text);
    return rc;
}

/* ---------------------------------------------------------------- answers that may lag */

struct make_arg {
    db_conn *c;
    const char *key;
    dj_rcache_make make;
};

static int make_on(void *arg, dj_buf *out, int64_t *aux)
{
    (void)aux;
    struct make_arg *m = arg;
    return m->make(m->c, m->key, out);
}

/* Nobody is making key's answer any more. */
static void unmark(const char *key)
{
    pthread_mutex_lock(&shared.mu);
    struct slot *sl = find_any(&shared, key);
    if (sl)
        sl->building = false;
    pthread_mutex_unlock(&shared.mu);
}

struct remake {
    char *key;
    int64_t ttl;
    dj_rcache_make make;
};

/* On a worker of the pool (pool.h), at its lower priority and on its own connection. */
static void remake_run(void *arg)
{
    struct remake *j = arg;
    db_conn *c = db_thread_read();
    if (c) {
        deps_reads_reset(); /* the answer's tables, not an earlier job's */
        struct make_arg m = {c, j->key, j->make};
        dj_blob *out;
        int64_t aux = 0;
        made(&shared, j->key, j->ttl, begin(c), make_on, &m, &out, &aux);
        dj_blob_unref(out);
    }
    unmark(j->key);
    free(j->key);
    free(j);
}

static bool remake_later(const char *key, int64_t ttl, dj_rcache_make make)
{
    struct remake *j = dj_malloc(sizeof *j);
    *j = (struct remake){dj_strdup(key), ttl, make};
    if (dj_pool_submit(remake_run, j))
        return true;
    free(j->key);
    free(j);
    return false;
}

int dj_rcache_text_lagging(db_conn *c, const char *key, int64_t ttl, int64_t lag, dj_rcache_make make, dj_buf *out)
{
    uint64_t gen = begin(c);
    int64_t now = mono_ms(), aux = 0;
    bool served = false, later = false;
    pthread_mutex_lock(&shared.mu);
    struct slot *sl = find(&shared, key, now);
    if (sl && sl->text)
        served = true;
    else if ((sl = find_any(&shared, key)) && sl->text) {
        bool unwritten = deps_fresh(sl->deps, sl->ndeps, sl->gen);
        /* one being made from data read before a write since will be old too: this request makes it */
        bool making = sl->building && deps_fresh(sl->deps, sl->ndeps, sl->building_gen);
        if (now - sl->at_ms < lag && (making || unwritten)) {
            served = true; /* as it was: another request is making it, or only its time is up */
            later = !making;
        }
        if (!making) {
            sl->building = true; /* made by this request (a write since), else by a worker */
            sl->building_gen = gen;
        }
    }
    if (served)
        dj_buf_append(out, dj_blob_data(sl->text), dj_blob_len(sl->text));
    pthread_mutex_unlock(&shared.mu);
    deps_count(served);
    if (served) {
        if (later && !remake_later(key, ttl, make))
            unmark(key); /* the pool is busy (or not running): the next request tries */
        return DJ_OK;
    }
    struct make_arg m = {c, key, make};
    dj_blob *text;
    int rc = made(&shared, key, ttl, gen, make_on, &m, &text, &aux);
    append_given(out, text);
    /* kept or not (a failed build, a write meanwhile), the next request that finds it old makes it */
    unmark(key);
    return rc;
}

int dj_rcache_text(db_conn *c, const char *key, int64_t ttl, dj_rcache_build build, void *arg, dj_buf *out,
                   int64_t *aux)
{
    int64_t ignored;
    return kept_or_built(&shared, c, key, ttl, build, arg, out, aux ? aux : &ignored);
}

int dj_rcache_blob(db_conn *c, const char *key, int64_t ttl, dj_rcache_build build, void *arg, dj_blob **out,
                   int64_t *aux)
{
    int64_t ignored;
    return kept_or_made(&shared, c, key, ttl, build, arg, out, aux ? aux : &ignored);
}

int dj_rcache_user_text(db_conn *c, const char *key, int64_t ttl, dj_rcache_build build, void *arg, dj_buf *out)
{
    int64_t ignored;
    return kept_or_built(&users, c, key, ttl, build, arg, out, &ignored);
}

struct user_make {
    dj_req *r;
    dj_rcache_user_make make;
    void *arg;
};

static int user_write(void *arg, dj_buf *out, int64_t *aux)
{
    (void)aux;
    struct user_make *m = arg;
    int rc = DJ_OK;
    json_t *v = m->make(m->r, m->arg, &rc);
    if (!v)
        return rc != DJ_OK ? rc : DJ_EINTERNAL;
    dj_json_render_into(out, v);
    json_decref(v);
    return DJ_OK;
}

static int reply_kept(dj_req *r, struct pool *pl, const char *key, int64_t ttl, dj_rcache_user_make make, void *arg)
{
    struct user_make m = {r, make, arg};
    dj_buf out = {0};
    int64_t ignored;
    int rc = kept_or_built(pl, dj_db(r), key, ttl, user_write, &m, &out, &ignored);
    if (rc != DJ_OK) {
        dj_buf_free(&out);
        return rc;
    }
    return dj_reply_buf(r, 200, &out);
}

int dj_reply_user_kept(dj_req *r, const char *what, int64_t ttl, dj_rcache_user_make make, void *arg)
{
    char *key = auth_user_key(r, what);
    int rc = reply_kept(r, &users, key, ttl, make, arg);
    free(key);
    return rc;
}

int dj_reply_kept(dj_req *r, const char *key, int64_t ttl, dj_rcache_user_make make, void *arg)
{
    return reply_kept(r, &shared, key, ttl, make, arg);
}

int dj_rcache_user_value(db_conn *c, const char *key, int64_t ttl, dj_rcache_build build, void *arg, int64_t *value)
{
    dj_buf none = {0};
    int rc = kept_or_built(&users, c, key, ttl, build, arg, &none, value);
    dj_buf_free(&none);
    return rc;
}

static void clear(struct pool *pl)
{
    pthread_mutex_lock(&pl->mu);
    for (int i = 0; i < pl->n; i++) {
        struct slot *sl = &pl->slots[i];
        json_decref(sl->v);
        free(sl->key);
        dj_blob_unref(sl->text);
        free(sl->deps);
        *sl = (struct slot){0};
    }
    pthread_mutex_unlock(&pl->mu);
}

void dj_rcache_clear(void)
{
    clear(&shared);
    clear(&users);
}
