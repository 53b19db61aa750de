/* fuzz_proxy.c - libFuzzer target: the client address behind trusted proxies,
 * from whatever X-Forwarded-For and X-Real-IP a client sends.  The answer is
 * the peer or an address in its normal text form, never garbage. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/proxy.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return dj_proxy_configure("127.0.0.1,10.0.0.0/8,::1");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* X-Forwarded-For, then a NUL, then X-Real-IP */
    char *buf = malloc(size + 1);
    memcpy(buf, data, size);
    buf[size] = '\0';
    const char *xff = buf, *xreal = buf + strlen(buf) + (strlen(buf) < size ? 1 : 0);
    char out[64];
    const char *peer = size && (data[0] & 1) ? "127.0.0.1" : "203.0.113.5";
    const char *ip = dj_proxy_client(peer, xff, xreal, out, sizeof out);
    unsigned char a[16];
    if (ip != peer && inet_pton(AF_INET, ip, a) != 1 && inet_pton(AF_INET6, ip, a) != 1)
        abort();
    free(buf);
    return 0;
}
