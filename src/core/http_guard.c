/* http_guard.c - what keeps a slow or greedy client from holding the server:
 * an absolute time limit on receiving each request (libmicrohttpd's own
 * timeout only counts idle seconds, so one byte every 20 s would keep a
 * connection for ever), and a fair share of the connection slots per client
 * address, so one address cannot take the slots a fresh client of another
 * address needs.
 *
 * Every connection has a guard with a deadline.  A reaper thread shuts down
 * (shutdown(2), not close: the descriptor stays libmicrohttpd's) the socket
 * of a connection past its deadline; libmicrohttpd then sees the end of the
 * stream and closes the connection itself.  Guards leave the list in the
 * CLOSED notification, which libmicrohttpd gives before it closes the
 * descriptor, under the same mutex the reaper holds: a descriptor the reaper
 * shuts down is always still the guarded connection's. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "http_int.h"
#include "mem.h"

struct dj_guard {
    struct dj_guard *prev, *next;
    int fd;
    unsigned char addr[16]; /* IPv4 as ::ffff:a.b.c.d */
    _Atomic int64_t deadline_ms;
    bool reaped;
};

#define ADDR_BUCKETS 1024

struct addr_count {
    struct addr_count *next;
    unsigned char addr[16];
    unsigned n;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct dj_guard *guards;
static struct addr_count *buckets[ADDR_BUCKETS];
static unsigned total;
static struct dj_guard_limits lim;
static pthread_t reaper;
static atomic_bool running;
static pthread_mutex_t stop_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stop_cv = PTHREAD_COND_INITIALIZER;

int64_t dj_guard_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void addr_key(const struct sockaddr *sa, unsigned char out[16])
{
    memset(out, 0, 16);
    if (sa && sa->sa_family == AF_INET) {
        out[10] = out[11] = 0xff;
        memcpy(out + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
    } else if (sa && sa->sa_family == AF_INET6) {
        memcpy(out, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
    }
}

static unsigned addr_hash(const unsigned char a[16])
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < 16; i++)
        h = (h ^ a[i]) * 16777619u;
    return h % ADDR_BUCKETS;
}

/* Caller holds mu. */
static struct addr_count *addr_find(const unsigned char a[16], bool create)
{
    struct addr_count **pp = &buckets[addr_hash(a)];
    for (; *pp; pp = &(*pp)->next)
        if (memcmp((*pp)->addr, a, 16) == 0)
            return *pp;
    if (!create)
        return NULL;
    struct addr_count *e = dj_calloc(1, sizeof *e);
    memcpy(e->addr, a, 16);
    *pp = e;
    return e;
}

static void addr_drop(const unsigned char a[16])
{
    struct addr_count **pp = &buckets[addr_hash(a)];
    for (; *pp; pp = &(*pp)->next) {
        if (memcmp((*pp)->addr, a, 16) == 0) {
            if (--(*pp)->n == 0) {
                struct addr_count *e = *pp;
                *pp = e->next;
                free(e);
            }
            return;
        }
    }
}

unsigned dj_guard_share(unsigned max_conns, unsigned in_use, unsigned floor_per_addr)
{
    unsigned free_slots = in_use < max_conns ? max_conns - in_use : 0;
    unsigned share = free_slots / 4;
    return share > floor_per_addr ? share : floor_per_addr;
}

/* libmicrohttpd's accept policy: refuse an address that already holds its
 * share, and everyone when the server is full. */
enum MHD_Result dj_guard_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    (void)cls;
    (void)addrlen;
    unsigned char a[16];
    addr_key(addr, a);
    pthread_mutex_lock(&mu);
    struct addr_count *e = addr_find(a, false);
    unsigned mine = e ? e->n : 0;
    bool ok = total < lim.max_conns && mine < dj_guard_share(lim.max_conns, total, lim.per_addr_floor);
    pthread_mutex_unlock(&mu);
    return ok ? MHD_YES : MHD_NO;
}

void dj_guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                     enum MHD_ConnectionNotificationCode toe)
{
    (void)cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        struct dj_guard *g = dj_calloc(1, sizeof *g);
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        g->fd = ci ? ci->connect_fd : -1;
        ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        addr_key(ci ? ci->client_addr : NULL, g->addr);
        atomic_store(&g->deadline_ms, dj_guard_now_ms() + lim.header_ms);
        pthread_mutex_lock(&mu);
        g->next = guards;
        if (guards)
            guards->prev = g;
        guards = g;
        addr_find(g->addr, true)->n++;
        total++;
        pthread_mutex_unlock(&mu);
        *socket_context = g;
        return;
    }
    struct dj_guard *g = *socket_context;
    if (!g)
        return;
    pthread_mutex_lock(&mu);
    if (g->prev)
        g->prev->next = g->next;
    else
        guards = g->next;
    if (g->next)
        g->next->prev = g->prev;
    addr_drop(g->addr);
    total--;
    pthread_mutex_unlock(&mu);
    free(g);
    *socket_context = NULL;
}

struct dj_guard *dj_guard_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

void dj_guard_deadline(struct dj_guard *g, int64_t deadline_ms)
{
    if (g)
        atomic_store(&g->deadline_ms, deadline_ms);
}

const struct dj_guard_limits *dj_guard_limits(void)
{
    return &lim;
}

static void *reaper_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&stop_mu);
    while (atomic_load(&running)) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 250 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&stop_cv, &stop_mu, &ts);
        int64_t now = dj_guard_now_ms();
        pthread_mutex_lock(&mu);
        for (struct dj_guard *g = guards; g; g = g->next) {
            if (!g->reaped && g->fd >= 0 && atomic_load(&g->deadline_ms) < now) {
                shutdown(g->fd, SHUT_RDWR);
                g->reaped = true;
            }
        }
        pthread_mutex_unlock(&mu);
    }
    pthread_mutex_unlock(&stop_mu);
    return NULL;
}

void dj_guard_start(const struct dj_guard_limits *l)
{
    lim = *l;
    atomic_store(&running, true);
    pthread_create(&reaper, NULL, reaper_main, NULL);
}

void dj_guard_stop(void)
{
    pthread_mutex_lock(&stop_mu);
    atomic_store(&running, false);
    pthread_cond_signal(&stop_cv);
    pthread_mutex_unlock(&stop_mu);
    pthread_join(reaper, NULL);
    pthread_mutex_lock(&mu);
    for (int i = 0; i < ADDR_BUCKETS; i++) {
        while (buckets[i]) {
            struct addr_count *e = buckets[i];
            buckets[i] = e->next;
            free(e);
        }
    }
    pthread_mutex_unlock(&mu);
}
