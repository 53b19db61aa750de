/* load.c - HTTP load generator: CONNS keep-alive connections, each signed in as a
 * different member (session tokens from gen), GET PATH; RATE requests/s in total
 * (0: as fast as the server answers). Prints throughput and latency percentiles.
 *
 *   load HOST:PORT PATH CONNS SECONDS RATE TOKENS */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char host[64];
static int port, conns;
static double seconds, rate;
static const char *path;
static char **tokens;
static long ntokens;

struct result {
    double *lat;
    long n, cap, errors;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int dial(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, host, &a.sin_addr);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Reads one response with Content-Length; returns the status or -1. */
static int read_response(int fd, char *buf, size_t cap)
{
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n <= 0)
            return -1;
        len += (size_t)n;
        buf[len] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        if (!end)
            continue;
        char *cl = strcasestr(buf, "content-length:");
        long body = cl ? atol(cl + 15) : 0;
        size_t need = (size_t)(end + 4 - buf) + (size_t)body;
        while (len < need) {
            n = read(fd, buf + len, cap - len - 1 < need - len ? cap - len - 1 : need - len);
            if (n <= 0)
                return -1;
            len += (size_t)n;
        }
        return atoi(buf + 9);
    }
}

static void *worker(void *arg)
{
    long id = (long)(intptr_t)arg;
    struct result *r = calloc(1, sizeof *r);
    r->cap = 1 << 16;
    r->lat = malloc((size_t)r->cap * sizeof *r->lat);
    char *buf = malloc(1 << 20), req[1024];
    int fd = dial();
    double start = now_s(), end = start + seconds, interval = rate > 0 ? conns / rate : 0, next = start;
    long k = 0;
    while (fd >= 0 && now_s() < end) {
        if (interval > 0) {
            double w = next - now_s();
            if (w > 0)
                usleep((useconds_t)(w * 1e6));
            next += interval;
        }
        const char *tok = tokens[(id + k * conns) % ntokens];
        k++;
        int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s\r\nCookie: dj_session=%s\r\n\r\n", path,
                         host, tok);
        double t0 = now_s();
        if (write(fd, req, (size_t)n) != n || read_response(fd, buf, 1 << 20) != 200) {
            r->errors++;
            close(fd);
            fd = dial();
            continue;
        }
        if (r->n == r->cap) {
            r->cap *= 2;
            r->lat = realloc(r->lat, (size_t)r->cap * sizeof *r->lat);
        }
        r->lat[r->n++] = (now_s() - t0) * 1000.0;
    }
    if (fd >= 0)
        close(fd);
    free(buf);
    return r;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: load HOST:PORT PATH CONNS SECONDS RATE TOKENS\n");
        return 2;
    }
    sscanf(argv[1], "%63[^:]:%d", host, &port);
    path = argv[2];
    conns = atoi(argv[3]);
    seconds = atof(argv[4]);
    rate = atof(argv[5]);
    FILE *f = fopen(argv[6], "r");
    char line[128];
    long cap = 1024;
    tokens = malloc((size_t)cap * sizeof *tokens);
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (ntokens == cap)
            tokens = realloc(tokens, (size_t)(cap *= 2) * sizeof *tokens);
        tokens[ntokens++] = strdup(line);
    }
    if (!ntokens)
        return 2;
    pthread_t *t = calloc((size_t)conns, sizeof *t);
    for (int i = 0; i < conns; i++)
        pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i);
    long total = 0, errors = 0, cap_all = 0;
    struct result **rs = calloc((size_t)conns, sizeof *rs);
    for (int i = 0; i < conns; i++) {
        pthread_join(t[i], (void **)&rs[i]);
        cap_all += rs[i]->n;
        errors += rs[i]->errors;
    }
    double *all = malloc((size_t)(cap_all + 1) * sizeof *all);
    for (int i = 0; i < conns; i++) {
        memcpy(all + total, rs[i]->lat, (size_t)rs[i]->n * sizeof *all);
        total += rs[i]->n;
    }
    qsort(all, (size_t)total, sizeof *all, cmp);
#define PCT(p) (total ? all[(long)((double)(total - 1) * (p))] : 0.0)
    printf("%s: %ld requests in %.0fs = %.0f req/s, %d conns, rate %s; latency ms p50 %.2f p90 %.2f p99 %.2f max %.2f;"
           " errors %ld\n",
           path, total, seconds, (double)total / seconds, conns, rate > 0 ? argv[5] : "max", PCT(0.5), PCT(0.9),
           PCT(0.99), total ? all[total - 1] : 0.0, errors);
    return 0;
}
