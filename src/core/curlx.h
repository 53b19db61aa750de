/* curlx.h - what every caller of libcurl in the server shares (the 企业微信, SMS and
 * e-mail channels): one global initialisation for the process, and answers
 * collected into a buffer with a ceiling. */
#ifndef DJ_CURLX_H
#define DJ_CURLX_H

#include <curl/curl.h>
#include <stddef.h>

#include "mem.h"

/* A new easy handle, libcurl initialised once first (its global set-up is not
 * safe to run from two threads at once); NULL when libcurl cannot start. */
CURL *dj_curl_new(void);

/* Collects h's answer into a->buf, failing the transfer beyond a->max bytes. */
struct dj_curl_answer {
    dj_buf *buf;
    size_t max;
};
void dj_curl_collect(CURL *h, struct dj_curl_answer *a);

#endif
