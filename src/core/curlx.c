/* curlx.c - libcurl set up once; answers collected with a ceiling. */
#include <pthread.h>

#include "curlx.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static void global_init(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

CURL *dj_curl_new(void)
{
    pthread_once(&once, global_init);
    return curl_easy_init();
}

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
    struct dj_curl_answer *a = arg;
    if (a->buf->len + size * n > a->max)
        return 0;
    dj_buf_append(a->buf, p, size * n);
    return size * n;
}

void dj_curl_collect(CURL *h, struct dj_curl_answer *a)
{
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, a);
}
