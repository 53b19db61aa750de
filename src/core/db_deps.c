/* db_deps.c - see db_deps.h.  Table names are numbered in a small hash table
 * under a mutex (taken only when a statement is prepared); generations are
 * atomics raised to the value of one process-wide clock. */
#include "db_deps.h"

#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"

#define NAME_SLOTS (DEPS_MAX * 2)
#define NAME_LEN 64

static struct {
    char name[NAME_LEN];
    uint16_t id;
} names[NAME_SLOTS];
static int nnames = 1; /* 0: every name past DEPS_MAX - 1 (shared) */
static pthread_mutex_t names_mu = PTHREAD_MUTEX_INITIALIZER;

static _Atomic uint64_t clock_gen = 1;
static _Atomic uint64_t last[DEPS_MAX];
static _Atomic uint64_t last_all;

static _Thread_local uint64_t reads[DEPS_WORDS];
static _Thread_local int hits, misses;
static _Thread_local uint64_t request_no;

/* The number of a lower-case name, given one on first sight. */
static uint16_t name_id(const char *w, size_t len)
{
    if (len >= NAME_LEN)
        return 0;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)w[i]) * 1099511628211ull;
    pthread_mutex_lock(&names_mu);
    size_t i = (size_t)(h % NAME_SLOTS);
    uint16_t id = 0;
    for (;; i = (i + 1) % NAME_SLOTS) {
        if (!names[i].name[0]) {
            if (nnames < DEPS_MAX) {
                memcpy(names[i].name, w, len);
                names[i].name[len] = '\0';
                names[i].id = (uint16_t)nnames++;
                id = names[i].id;
            }
            break;
        }
        if (strlen(names[i].name) == len && memcmp(names[i].name, w, len) == 0) {
            id = names[i].id;
            break;
        }
    }
    pthread_mutex_unlock(&names_mu);
    return id;
}

static int cmp_u16(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

static bool word_is(const char *w, size_t len, const char *kw)
{
    return strlen(kw) == len && strncasecmp(w, kw, len) == 0;
}

uint16_t *deps_parse(const char *sql, bool writes, int *n, bool *all)
{
    uint16_t *ids = NULL;
    int cnt = 0, cap = 0;
    char prev[8] = "", prev2[8] = ""; /* the two words before, for DELETE FROM */
    const char *p = sql;
    *all = false;
    while (*p) {
        if (*p == '\'') { /* a string literal: not a name */
            for (p++; *p && !(*p == '\'' && p[1] != '\''); p += (*p == '\'' ? 2 : 1))
                ;
            if (*p)
                p++;
            continue;
        }
        bool quoted = *p == '"';
        if (!quoted && !(isalpha((unsigned char)*p) || *p == '_')) {
            p++;
            continue;
        }
        const char *w = quoted ? p + 1 : p;
        const char *e = w;
        while (*e && (quoted ? *e != '"' : (isalnum((unsigned char)*e) || *e == '_')))
            e++;
        size_t len = (size_t)(e - w);
        p = quoted && *e ? e + 1 : e;
        bool take = !writes;
        if (writes)
            take = word_is(prev, strlen(prev), "into") || word_is(prev, strlen(prev), "update") ||
                   word_is(prev, strlen(prev), "table") ||
                   (word_is(prev, strlen(prev), "from") && word_is(prev2, strlen(prev2), "delete"));
        if (take && !(writes && (word_is(w, len, "if") || word_is(w, len, "only")))) {
            char low[NAME_LEN];
            size_t l = len < NAME_LEN ? len : NAME_LEN - 1;
            for (size_t i = 0; i < l; i++)
                low[i] = (char)tolower((unsigned char)w[i]);
            uint16_t id = name_id(low, len < NAME_LEN ? l : NAME_LEN);
            bool dup = false;
            for (int i = 0; i < cnt && !dup; i++)
                dup = ids[i] == id;
            if (!dup) {
                if (cnt == cap) {
                    cap = cap ? cap * 2 : 16;
                    ids = dj_realloc(ids, (size_t)cap * sizeof *ids);
                }
                ids[cnt++] = id;
            }
        }
        memcpy(prev2, prev, sizeof prev);
        size_t l = len < sizeof prev - 1 ? len : sizeof prev - 1;
        memcpy(prev, w, l);
        prev[l] = '\0';
    }
    if (writes && cnt == 0)
        *all = true;
    if (cnt > 1)
        qsort(ids, (size_t)cnt, sizeof *ids, cmp_u16);
    *n = cnt;
    return ids;
}

uint64_t deps_now(void) { return atomic_load(&clock_gen); }

static void raise_to(_Atomic uint64_t *g)
{
    uint64_t v = atomic_fetch_add(&clock_gen, 1) + 1;
    uint64_t cur = atomic_load(g);
    while (cur < v && !atomic_compare_exchange_weak(g, &cur, v))
        ;
}

void deps_bump(uint16_t id)
{
    /* a name past the table's room shares number 0 with every other one */
    raise_to(id < DEPS_MAX ? &last[id] : &last[0]);
}

void deps_bump_all(void) { raise_to(&last_all); }

bool deps_fresh(const uint16_t *ids, int n, uint64_t gen)
{
    if (atomic_load(&last_all) > gen)
        return false;
    for (int i = 0; i < n; i++)
        if (atomic_load(&last[ids[i]]) > gen)
            return false;
    return true;
}

void deps_reads_clear(void)
{
    memset(reads, 0, sizeof reads);
    hits = misses = 0;
}

void deps_reads_reset(void)
{
    request_no++;
    deps_reads_clear();
}

uint64_t deps_request(void) { return request_no; }

void deps_reads_add(const uint16_t *ids, int n)
{
    for (int i = 0; i < n; i++)
        reads[ids[i] / 64] |= 1ull << (ids[i] % 64);
}

uint16_t *deps_reads_take(int *n)
{
    int cnt = 0;
    for (int w = 0; w < DEPS_WORDS; w++)
        cnt += __builtin_popcountll(reads[w]);
    *n = cnt;
    if (!cnt)
        return NULL;
    uint16_t *ids = dj_malloc((size_t)cnt * sizeof *ids);
    int k = 0;
    for (int w = 0; w < DEPS_WORDS; w++)
        for (uint64_t b = reads[w]; b; b &= b - 1)
            ids[k++] = (uint16_t)(w * 64 + __builtin_ctzll(b));
    return ids;
}

void deps_count(bool hit)
{
    if (hit)
        hits++;
    else
        misses++;
}

void deps_counts(int *h, int *m)
{
    *h = hits;
    *m = misses;
}

