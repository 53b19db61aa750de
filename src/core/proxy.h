/* proxy.h - the client's address behind trusted reverse proxies.
 *
 * Behind nginx every request comes from nginx's address; the client's own is
 * in X-Forwarded-For (nginx appends the address it saw) or X-Real-IP.  Those
 * headers are believed only from the addresses given to `serve
 * --trusted-proxy ADDR[,ADDR]`: anyone else could write anything there. */
#ifndef DJ_PROXY_H
#define DJ_PROXY_H

#include <stdbool.h>
#include <stddef.h>

/* Sets the trusted proxies from "ADDR[,ADDR...]" (IPv4 or IPv6 literals, or
 * CIDR ranges such as 10.0.0.0/8).  -1 (and nothing changed) when one does not
 * parse. NULL or "" trusts none. */
int dj_proxy_configure(const char *list);
void dj_proxy_free(void);
bool dj_proxy_trusted(const char *addr);
/* The client's address: peer itself unless peer is a trusted proxy; then the
 * right-most address of xff that is not a trusted proxy (the first one a
 * trusted proxy saw), else xreal, else peer.  The result is peer, or a
 * normalised copy in out. */
const char *dj_proxy_client(const char *peer, const char *xff, const char *xreal, char *out, size_t outsz);

#endif
