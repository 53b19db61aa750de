/* static.c - in-memory static files. */
#include "static.h"

#include <dirent.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"

struct sfile {
    char *path; /* "/assets/index-abc123.js" */
    char *data;
    size_t len;
    char *gz;
    size_t gzlen;
    const char *ctype;
    bool immutable;
};

static struct sfile *files;
static size_t nfiles, capfiles;
static struct sfile *index_html;

static const struct {
    const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
    {".json", "application/json; charset=utf-8"}, {".svg", "image/svg+xml"},
    {".png", "image/png"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"},
    {".gif", "image/gif"}, {".ico", "image/x-icon"}, {".webp", "image/webp"},
    {".woff", "font/woff"}, {".woff2", "font/woff2"}, {".ttf", "font/ttf"},
    {".txt", "text/plain; charset=utf-8"}, {".map", "application/json; charset=utf-8"},
    {".webmanifest", "application/manifest+json"}, {".pdf", "application/pdf"},
};

static const char *type_for(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot)
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (strcmp(dot, types[i].ext) == 0)
                return types[i].type;
    return "application/octet-stream";
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    dj_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        dj_buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return dj_buf_cstr(&b);
}

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

static void load_dir(const char *root, const char *rel)
{
    char *dirpath = dj_asprintf("%s%s", root, rel);
    DIR *d = opendir(dirpath);
    if (!d) {
        free(dirpath);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *full = dj_asprintf("%s/%s", dirpath, e->d_name);
        char *relp = dj_asprintf("%s/%s", rel, e->d_name);
        struct stat sb;
        if (stat(full, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            load_dir(root, relp);
        } else if (stat(full, &sb) == 0 && S_ISREG(sb.st_mode) && !ends_with(e->d_name, ".gz")) {
            if (nfiles == capfiles) {
                capfiles = capfiles ? capfiles * 2 : 64;
                files = dj_realloc(files, capfiles * sizeof *files);
            }
            struct sfile *f = &files[nfiles];
            memset(f, 0, sizeof *f);
            f->data = read_all(full, &f->len);
            if (f->data) {
                char *gzp = dj_asprintf("%s.gz", full);
                f->gz = read_all(gzp, &f->gzlen);
                free(gzp);
                f->path = relp;
                relp = NULL;
                f->ctype = type_for(f->path);
                f->immutable = strncmp(f->path, "/assets/", 8) == 0;
                nfiles++;
            }
        }
        free(relp);
        free(full);
    }
    closedir(d);
    free(dirpath);
}

int dj_static_load(const char *dir)
{
    load_dir(dir, "");
    index_html = NULL;
    for (size_t i = 0; i < nfiles; i++)
        if (strcmp(files[i].path, "/index.html") == 0)
            index_html = &files[i];
    return DJ_OK;
}

void dj_static_free(void)
{
    for (size_t i = 0; i < nfiles; i++) {
        free(files[i].path);
        free(files[i].data);
        free(files[i].gz);
    }
    free(files);
    files = NULL;
    nfiles = capfiles = 0;
    index_html = NULL;
}

int dj_static_serve(dj_req *r)
{
    if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
        return dj_fail(r, DJ_EMETHOD, NULL, "不支持该请求方法");
    struct sfile *f = NULL;
    if (strstr(r->path, "..") == NULL)
        for (size_t i = 0; i < nfiles; i++)
            if (strcmp(files[i].path, r->path) == 0) {
                f = &files[i];
                break;
            }
    if (!f) {
        if (strncmp(r->path, "/assets/", 8) == 0 || !index_html)
            return dj_fail(r, DJ_ENOTFOUND, NULL, "找不到文件 %.200s", r->path);
        f = index_html;
    }
    const char *ae = dj_header(r, "Accept-Encoding");
    bool gz = f->gz && ae && strstr(ae, "gzip");
    dj_reply_raw(r, 200, f->ctype, gz ? f->gz : f->data, gz ? f->gzlen : f->len);
    if (gz)
        dj_add_header(r, "Content-Encoding", "gzip");
    if (f->gz)
        dj_add_header(r, "Vary", "Accept-Encoding");
    dj_add_header(r, "Cache-Control", f->immutable ? "public, max-age=31536000, immutable" : "no-cache");
    return DJ_OK;
}
