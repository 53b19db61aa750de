/* proxy.c - trusted proxies and the client address they report. */
#include "proxy.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct net {
    int family;
    unsigned char addr[16];
    int bits;
};

/* Written once before serving, read-only afterwards. */
static struct net *nets;
static size_t nnets;

static int parse_addr(const char *s, size_t n, unsigned char out[16], int *family)
{
    char buf[64];
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (inet_pton(AF_INET, buf, out) == 1) {
        *family = AF_INET;
        return 0;
    }
    if (inet_pton(AF_INET6, buf, out) == 1) {
        *family = AF_INET6;
        return 0;
    }
    return -1;
}

static bool in_net(const struct net *nt, int family, const unsigned char *a)
{
    if (family != nt->family)
        return false;
    int full = nt->bits / 8, rest = nt->bits % 8;
    if (memcmp(a, nt->addr, (size_t)full) != 0)
        return false;
    if (rest == 0)
        return true;
    unsigned char mask = (unsigned char)(0xFF << (8 - rest));
    return (a[full] & mask) == (nt->addr[full] & mask);
}

int dj_proxy_configure(const char *list)
{
    struct net *out = NULL;
    size_t n = 0;
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *slash = memchr(p, '/', len);
        struct net nt = {0};
        if (parse_addr(p, slash ? (size_t)(slash - p) : len, nt.addr, &nt.family) != 0) {
            free(out);
            return -1;
        }
        int maxbits = nt.family == AF_INET ? 32 : 128;
        nt.bits = maxbits;
        if (slash) {
            char *e;
            long b = strtol(slash + 1, &e, 10);
            if (e != p + len || b < 0 || b > maxbits) {
                free(out);
                return -1;
            }
            nt.bits = (int)b;
        }
        out = realloc(out, (n + 1) * sizeof *out);
        if (!out)
            abort();
        out[n++] = nt;
        p = end ? end + 1 : p + len;
    }
    free(nets);
    nets = out;
    nnets = n;
    return 0;
}

void dj_proxy_free(void)
{
    free(nets);
    nets = NULL;
    nnets = 0;
}

static bool trusted(int family, const unsigned char *a)
{
    for (size_t i = 0; i < nnets; i++)
        if (in_net(&nets[i], family, a))
            return true;
    return false;
}

bool dj_proxy_trusted(const char *addr)
{
    unsigned char a[16];
    int family;
    return nnets && addr && parse_addr(addr, strlen(addr), a, &family) == 0 && trusted(family, a);
}

/* Writes the address in its normal text form; false when it does not parse. */
static bool normal(const char *s, size_t n, char *out, size_t outsz, bool *is_trusted)
{
    unsigned char a[16];
    int family;
    if (parse_addr(s, n, a, &family) != 0 || !inet_ntop(family, a, out, (socklen_t)outsz))
        return false;
    *is_trusted = trusted(family, a);
    return true;
}

const char *dj_proxy_client(const char *peer, const char *xff, const char *xreal, char *out, size_t outsz)
{
    if (!dj_proxy_trusted(peer))
        return peer;
    /* right to left: each hop a trusted proxy appended; the first one that is
     * not a proxy of ours is the client (what lies left of it, the client wrote) */
    if (xff && *xff) {
        const char *end = xff + strlen(xff);
        while (end > xff) {
            const char *start = end;
            while (start > xff && start[-1] != ',')
                start--;
            bool t = false;
            if (!normal(start, (size_t)(end - start), out, outsz, &t))
                break; /* garbage: believe nothing further left */
            if (!t)
                return out;
            end = start > xff ? start - 1 : xff;
        }
    }
    bool t;
    if (xreal && *xreal && normal(xreal, strlen(xreal), out, outsz, &t))
        return out;
    return peer;
}
