/* multipart.c - the multipart/form-data reader.  The body is searched for
 * the delimiter "\r\n--boundary"; bytes that might be the delimiter's start
 * are held back until the next piece shows whether they are.  The stream is
 * read as if it began with "\r\n", so the first boundary needs no case of its
 * own. */
#include "multipart.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "mem.h"

#define MAX_PART_HEADERS 8192

enum mp_state { MP_PREAMBLE, MP_AFTER_DELIM, MP_HEADERS, MP_BODY, MP_DONE };

struct dj_multipart {
    char delim[90]; /* "\r\n--" boundary */
    size_t dlen;
    enum mp_state state;
    dj_buf hold;    /* unconsumed bytes: a possible delimiter start, or part headers */
    const struct dj_multipart_cb *cb;
    void *cls;
    char *name, *filename, *ctype;
};

bool dj_multipart_boundary(const char *ctype, char out[80])
{
    if (!ctype || strncasecmp(ctype, "multipart/form-data", 19) != 0)
        return false;
    const char *p = ctype + 19;
    while ((p = strchr(p, ';')) != NULL) {
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncasecmp(p, "boundary=", 9) != 0)
            continue;
        p += 9;
        size_t n = 0;
        if (*p == '"') {
            p++;
            while (p[n] && p[n] != '"')
                n++;
        } else {
            while (p[n] && p[n] != ';' && p[n] != ' ' && p[n] != '\t')
                n++;
        }
        if (n == 0 || n > 70)
            return false;
        memcpy(out, p, n);
        out[n] = '\0';
        return true;
    }
    return false;
}

dj_multipart *dj_multipart_new(const char *boundary, const struct dj_multipart_cb *cb, void *cls)
{
    dj_multipart *m = dj_calloc(1, sizeof *m);
    m->dlen = (size_t)snprintf(m->delim, sizeof m->delim, "\r\n--%s", boundary);
    m->cb = cb;
    m->cls = cls;
    dj_buf_append(&m->hold, "\r\n", 2);
    return m;
}

bool dj_multipart_done(const dj_multipart *m)
{
    return m->state == MP_DONE;
}

static void part_clear(dj_multipart *m)
{
    free(m->name);
    free(m->filename);
    free(m->ctype);
    m->name = m->filename = m->ctype = NULL;
}

void dj_multipart_free(dj_multipart *m)
{
    if (!m)
        return;
    part_clear(m);
    dj_buf_free(&m->hold);
    free(m);
}

/* A parameter of a Content-Disposition value: name="x" or filename*=UTF-8''%E4… */
static char *disp_param(const char *v, const char *key)
{
    size_t klen = strlen(key);
    const char *p = v;
    while ((p = strchr(p, ';')) != NULL) {
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncasecmp(p, key, klen) != 0 || p[klen] != '=')
            continue;
        p += klen + 1;
        dj_buf out = {0};
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++) {
                if (*p == '\\' && p[1])
                    p++;
                dj_buf_append(&out, p, 1);
            }
        } else {
            for (; *p && *p != ';'; p++)
                dj_buf_append(&out, p, 1);
        }
        return dj_buf_cstr(&out);
    }
    return NULL;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* filename*=UTF-8''percent-encoded (RFC 5987); NULL for another charset. */
static char *ext_value(const char *v)
{
    if (strncasecmp(v, "UTF-8'", 6) != 0)
        return NULL;
    const char *q = strchr(v + 6, '\'');
    if (!q)
        return NULL;
    dj_buf out = {0};
    for (const char *p = q + 1; *p; p++) {
        int a, b;
        if (*p == '%' && (a = hexval(p[1])) >= 0 && (b = hexval(p[2])) >= 0) {
            char ch = (char)(a * 16 + b);
            dj_buf_append(&out, &ch, 1);
            p += 2;
        } else {
            dj_buf_append(&out, p, 1);
        }
    }
    return dj_buf_cstr(&out);
}

static int parse_headers(dj_multipart *m, char *h)
{
    part_clear(m);
    char *save, *line = strtok_r(h, "\r\n", &save);
    for (; line; line = strtok_r(NULL, "\r\n", &save)) {
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        *colon = '\0';
        char *v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        if (strcasecmp(line, "Content-Disposition") == 0) {
            if (strncasecmp(v, "form-data", 9) != 0)
                return DJ_EINVAL;
            m->name = disp_param(v, "name");
            char *star = disp_param(v, "filename*");
            if (star) {
                m->filename = ext_value(star);
                free(star);
            }
            if (!m->filename)
                m->filename = disp_param(v, "filename");
        } else if (strcasecmp(line, "Content-Type") == 0) {
            m->ctype = dj_strdup(v);
        }
    }
    if (!m->name)
        return DJ_EINVAL;
    return m->cb->part ? m->cb->part(m->cls, m->name, m->filename, m->ctype) : DJ_OK;
}

static const char *find(const char *hay, size_t n, const char *needle, size_t k)
{
    if (k == 0 || n < k)
        return NULL;
    return memmem(hay, n, needle, k);
}

/* Consumes what it can of m->hold; leaves the rest for the next piece. */
static int step(dj_multipart *m)
{
    for (;;) {
        char *buf = m->hold.data;
        size_t n = m->hold.len, used = 0;
        int rc = DJ_OK;
        if (m->state == MP_PREAMBLE || m->state == MP_BODY) {
            const char *d = find(buf, n, m->delim, m->dlen);
            size_t upto = d ? (size_t)(d - buf) : (n >= m->dlen ? n - m->dlen + 1 : 0);
            if (m->state == MP_BODY && upto && m->cb->data)
                rc = m->cb->data(m->cls, buf, upto);
            used = upto;
            if (d && rc == DJ_OK) {
                used += m->dlen;
                if (m->state == MP_BODY && m->cb->end)
                    rc = m->cb->end(m->cls);
                m->state = MP_AFTER_DELIM;
            }
        } else if (m->state == MP_AFTER_DELIM) {
            /* "--" closes the body; "\r\n" (after optional spaces) opens a part */
            size_t i = 0;
            while (i < n && (buf[i] == ' ' || buf[i] == '\t'))
                i++;
            if (n - i < 2)
                break;
            if (buf[i] == '-' && buf[i + 1] == '-') {
                m->state = MP_DONE;
                m->hold.len = 0;
                return DJ_OK;
            }
            if (buf[i] != '\r' || buf[i + 1] != '\n')
                return DJ_EINVAL;
            used = i + 2;
            m->state = MP_HEADERS;
        } else if (m->state == MP_HEADERS) {
            const char *e = find(buf, n, "\r\n\r\n", 4);
            if (!e) {
                if (n > MAX_PART_HEADERS)
                    return DJ_EINVAL;
                if (n >= 2 && buf[0] == '\r' && buf[1] == '\n') { /* a part without headers */
                    return DJ_EINVAL;
                }
                break;
            }
            size_t hl = (size_t)(e - buf);
            char *h = dj_strndup(buf, hl);
            rc = parse_headers(m, h);
            free(h);
            used = hl + 4;
            m->state = MP_BODY;
        } else {
            m->hold.len = 0; /* the epilogue is ignored */
            return DJ_OK;
        }
        if (rc != DJ_OK)
            return rc;
        if (used == 0)
            break;
        memmove(buf, buf + used, n - used);
        m->hold.len = n - used;
    }
    return DJ_OK;
}

int dj_multipart_feed(dj_multipart *m, const char *p, size_t n)
{
    if (m->state == MP_DONE)
        return DJ_OK;
    dj_buf_append(&m->hold, p, n);
    return step(m);
}
