/* readcache.c - see readcache.h.  A small table under one mutex: a hit costs a
 * key comparison per slot and a deep copy of the value. */
#include "readcache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "mem.h"

#define SLOTS 128

static struct {
    char *key; /* heap */
    uint64_t gen;
    int64_t at_ms;
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

/* The slot holding key, valid now; -1 if none.  Called with mu held. */
static int find(const char *key, uint64_t gen, int64_t now)
{
    for (int i = 0; i < SLOTS; i++)
        if (slots[i].key && slots[i].gen == gen && now - slots[i].at_ms < DJ_RCACHE_TTL_MS &&
            strcmp(slots[i].key, key) == 0)
            return i;
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
    int i = find(key, gen, now);
    if (i >= 0 && slots[i].v)
        out = json_deep_copy(slots[i].v);
    pthread_mutex_unlock(&mu);
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
    int i = find(key, gen, now);
    if (i >= 0 && slots[i].text) {
        out = dj_malloc(slots[i].len + 1);
        memcpy(out, slots[i].text, slots[i].len + 1);
        *len = slots[i].len;
    }
    pthread_mutex_unlock(&mu);
    return out;
}

static void store(const char *key, json_t *v, char *text, size_t len, uint64_t gen)
{
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
    slots[slot].key = dj_strdup(key);
    slots[slot].gen = gen;
    slots[slot].at_ms = now;
    slots[slot].v = v;
    slots[slot].text = text;
    slots[slot].len = len;
    pthread_mutex_unlock(&mu);
    json_decref(old);
    free(old_key);
    free(old_text);
}

void dj_rcache_put(const char *key, const json_t *v, uint64_t gen)
{
    if (gen != db_write_gen())
        return; /* written to meanwhile: the value may already be old */
    json_t *copy = json_deep_copy(v);
    if (copy)
        store(key, copy, NULL, 0, gen);
}

void dj_rcache_put_text(const char *key, const char *text, size_t len, uint64_t gen)
{
    if (gen != db_write_gen())
        return;
    char *copy = dj_malloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    store(key, NULL, copy, len, gen);
}

void dj_rcache_clear(void)
{
    pthread_mutex_lock(&mu);
    for (int i = 0; i < SLOTS; i++) {
        json_decref(slots[i].v);
        free(slots[i].key);
        free(slots[i].text);
        slots[i].v = NULL;
        slots[i].key = NULL;
        slots[i].text = NULL;
    }
    pthread_mutex_unlock(&mu);
}
