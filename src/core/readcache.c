/* readcache.c - see readcache.h.  A small table under one mutex: a hit costs a
 * key comparison per slot and a deep copy of the value. */
#include "readcache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "db.h"
#include "db_deps.h"
#include "mem.h"

#define SLOTS 128

static struct {
    char *key; /* heap */
    uint64_t gen;    /* the clock before its data was read */
    uint16_t *deps;  /* the tables it was made from (db_deps.h) */
    int ndeps;
    int64_t at_ms;
    int64_t ttl_ms;  /* 0: ttl_ms() */
    json_t *v;
    char *text; /* or a rendered answer */
    size_t len;
} slots[SLOTS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

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

/* The slot holding key, valid now (none of its tables written since); -1 if
 * none.  A hit adds its tables to the thread's read set (an answer computed
 * from it depends on them too).  Called with mu held. */
static int find(const char *key, int64_t now)
{

    for (int i = 0; i < SLOTS; i++)
        if (slots[i].key && now - slots[i].at_ms < (slots[i].ttl_ms ? slots[i].ttl_ms : ttl_ms()) &&
            strcmp(slots[i].key, key) == 0 &&
            deps_fresh(slots[i].deps, slots[i].ndeps, slots[i].gen)) {
            deps_reads_add(slots[i].deps, slots[i].ndeps);
            return i;
        }
    return -1;
}

json_t *dj_rcache_get(db_conn *c, const char *key, uint64_t *genp)
{
    json_t *out = NULL;
    int64_t now = mono_ms();
    db_notice_writes(c);
    uint64_t gen = db_write_gen();
    *genp = gen;
    pthread_mutex_lock(&mu);
    int i = find(key, now);
    if (i >= 0 && slots[i].v)
        out = json_deep_copy(slots[i].v);
    pthread_mutex_unlock(&mu);
    deps_count(out != NULL);
    return out;
}

char *dj_rcache_get_text(db_conn *c, const char *key, size_t *len, uint64_t *genp)
{
    char *out = NULL;
    int64_t now = mono_ms();
    db_notice_writes(c);
    uint64_t gen = db_write_gen();
    *genp = gen;
    pthread_mutex_lock(&mu);
    int i = find(key, now);
    if (i >= 0 && slots[i].text) {
        out = dj_malloc(slots[i].len + 1);
        memcpy(out, slots[i].text, slots[i].len + 1);
        *len = slots[i].len;
    }
    pthread_mutex_unlock(&mu);
    deps_count(out != NULL);
    return out;
}

/* Keeps v or text under key with the thread's read set, unless one of those
 * tables has been written since gen (the value may already be old). */
static void store(const char *key, json_t *v, char *text, size_t len, uint64_t gen, int64_t ttl)
{
    int ndeps;
    uint16_t *deps = deps_reads_take(&ndeps);
    if (!deps_fresh(deps, ndeps, gen)) {
        json_decref(v);
        free(text);
        free(deps);
        return;
    }
    int64_t now = mono_ms();
    pthread_mutex_lock(&mu);
    int slot = 0;
    for (int i = 0; i < SLOTS; i++) {
        if (slots[i].key && strcmp(slots[i].key, key) == 0) {
            slot = i;
            break;
        }
        if (!slots[i].key || slots[i].at_ms < slots[slot].at_ms)
            slot = slots[slot].key ? i : slot; /* a free slot, else the oldest */
    }
    json_t *old = slots[slot].v;
    char *old_key = slots[slot].key, *old_text = slots[slot].text;
    uint16_t *old_deps = slots[slot].deps;
    slots[slot].key = dj_strdup(key);
    slots[slot].gen = gen;
    slots[slot].deps = deps;
    slots[slot].ndeps = ndeps;
    slots[slot].at_ms = now;
    slots[slot].ttl_ms = ttl;
    slots[slot].v = v;
    slots[slot].text = text;
    slots[slot].len = len;
    pthread_mutex_unlock(&mu);
    json_decref(old);
    free(old_key);
    free(old_text);
    free(old_deps);
}

void dj_rcache_put(const char *key, const json_t *v, uint64_t gen)
{
    dj_rcache_put_for(key, v, gen, 0);
}

void dj_rcache_put_for(const char *key, const json_t *v, uint64_t gen, int64_t ttl)
{
    json_t *copy = json_deep_copy(v);
    if (copy)
        store(key, copy, NULL, 0, gen, ttl);
}

void dj_rcache_put_text(const char *key, const char *text, size_t len, uint64_t gen)
{
    dj_rcache_put_text_for(key, text, len, gen, 0);
}

void dj_rcache_put_text_for(const char *key, const char *text, size_t len, uint64_t gen, int64_t ttl)
{
    char *copy = dj_malloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    store(key, NULL, copy, len, gen, ttl);
}

void dj_rcache_clear(void)
{
    pthread_mutex_lock(&mu);
    for (int i = 0; i < SLOTS; i++) {
        json_decref(slots[i].v);
        free(slots[i].key);
        free(slots[i].text);
        free(slots[i].deps);
        slots[i].deps = NULL;
        slots[i].v = NULL;
        slots[i].key = NULL;
        slots[i].text = NULL;
    }
    pthread_mutex_unlock(&mu);
}
