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
} slots[SLOTS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

json_t *dj_rcache_get(db_conn *c, const char *key, uint64_t *genp)
{
    json_t *out = NULL;
    int64_t now = mono_ms();
    db_notice_writes(c);
    uint64_t gen = db_write_gen();
    *genp = gen;
    pthread_mutex_lock(&mu);
    for (int i = 0; i < SLOTS; i++)
        if (slots[i].v && slots[i].gen == gen && now - slots[i].at_ms < DJ_RCACHE_TTL_MS &&
            strcmp(slots[i].key, key) == 0) {
            out = json_deep_copy(slots[i].v);
            break;
        }
    pthread_mutex_unlock(&mu);
    return out;
}

void dj_rcache_put(const char *key, const json_t *v, uint64_t gen)
{
    if (gen != db_write_gen())
        return; /* written to meanwhile: the value may already be old */
    json_t *copy = json_deep_copy(v);
    if (!copy)
        return;
    int64_t now = mono_ms();
    pthread_mutex_lock(&mu);
    int slot = 0;
    for (int i = 0; i < SLOTS; i++) {
        if (slots[i].v && strcmp(slots[i].key, key) == 0) {
            slot = i;
            break;
        }
        if (!slots[i].v || slots[i].at_ms < slots[slot].at_ms)
            slot = slots[slot].v ? i : slot; /* a free slot, else the oldest */
    }
    json_t *old = slots[slot].v;
    char *old_key = slots[slot].key;
    slots[slot].key = dj_strdup(key);
    slots[slot].gen = gen;
    slots[slot].at_ms = now;
    slots[slot].v = copy;
    pthread_mutex_unlock(&mu);
    json_decref(old);
    free(old_key);
}

void dj_rcache_clear(void)
{
    pthread_mutex_lock(&mu);
    for (int i = 0; i < SLOTS; i++) {
        json_decref(slots[i].v);
        free(slots[i].key);
        slots[i].v = NULL;
        slots[i].key = NULL;
    }
    pthread_mutex_unlock(&mu);
}
