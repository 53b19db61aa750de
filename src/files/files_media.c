/* files_media.c - which files the store takes, decided from their bytes
 * (libmagic) and checked against their name and the type the client
 * claimed; file names made safe; Content-Disposition and Range.  Pure rules,
 * apart from the per-thread libmagic cookie. */
#include <magic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "files_int.h"

static const char *const x_jpeg[] = {"jpg", "jpeg", "jpe", "jfif", NULL};
static const char *const x_png[] = {"png", NULL};
static const char *const x_gif[] = {"gif", NULL};
static const char *const x_pdf[] = {"pdf", NULL};
static const char *const x_doc[] = {"doc", NULL};
static const char *const x_docx[] = {"docx", NULL};
static const char *const x_xls[] = {"xls", NULL};
static const char *const x_xlsx[] = {"xlsx", NULL};
static const char *const x_ppt[] = {"ppt", NULL};
static const char *const x_pptx[] = {"pptx", NULL};
static const char *const x_wps[] = {"wps", NULL};
static const char *const x_et[] = {"et", NULL};
static const char *const x_dps[] = {"dps", NULL};
static const char *const x_txt[] = {"txt", "text", "log", NULL};
static const char *const x_csv[] = {"csv", NULL};
static const char *const x_mp4[] = {"mp4", "m4v", NULL};

static const struct files_type types[] = {
    {"image/jpeg", "JPEG 图片", x_jpeg, FT_IMAGE | FT_INLINE},
    {"image/png", "PNG 图片", x_png, FT_IMAGE | FT_INLINE},
    {"image/gif", "GIF 图片", x_gif, FT_IMAGE | FT_INLINE},
    {"application/pdf", "PDF 文档", x_pdf, FT_INLINE},
    {"application/msword", "Word 文档", x_doc, 0},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档", x_docx, 0},
    {"application/vnd.ms-excel", "Excel 表格", x_xls, 0},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格", x_xlsx, 0},
    {"application/vnd.ms-powerpoint", "PowerPoint 演示文稿", x_ppt, 0},
    {"application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint 演示文稿", x_pptx, 0},
    {"application/wps-office.wps", "WPS 文字", x_wps, 0},
    {"application/wps-office.et", "WPS 表格", x_et, 0},
    {"application/wps-office.dps", "WPS 演示", x_dps, 0},
    {"text/plain", "文本文件", x_txt, 0},
    {"text/csv", "CSV 表格", x_csv, 0},
    {"video/mp4", "MP4 视频", x_mp4, FT_VIDEO | FT_INLINE},
    {NULL, NULL, NULL, 0},
};

const struct files_type *files_type_by_mime(const char *mime)
{
    for (const struct files_type *t = types; mime && t->mime; t++)
        if (strcmp(t->mime, mime) == 0)
            return t;
    return NULL;
}

static const struct files_type *by_ext(const char *ext)
{
    for (const struct files_type *t = types; *ext && t->mime; t++)
        for (const char *const *e = t->exts; *e; e++)
            if (strcmp(*e, ext) == 0)
                return t;
    return NULL;
}

void files_ext(const char *name, char out[16])
{
    out[0] = '\0';
    const char *dot = name ? strrchr(name, '.') : NULL;
    if (!dot || strchr(dot, '/') || strlen(dot + 1) >= 16)
        return;
    size_t i = 0;
    for (const char *p = dot + 1; *p; p++)
        out[i++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p;
    out[i] = '\0';
}

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

/* Names that make a desktop run the file, whatever is inside. */
static const char *const dangerous_exts[] = {"exe", "com", "bat", "cmd", "scr", "pif", "msi", "msp", "dll", "cpl",
                                             "js", "jse", "vbs", "vbe", "wsf", "wsh", "hta", "ps1", "psm1", "lnk",
                                             "reg", "jar", "apk", "sh", "bash", "run", "bin", "elf", "app",
                                             "html", "htm", "xhtml", "svg", "mht", NULL};

static const char *const ole_magic[] = {"application/x-ole-storage", "application/CDFV2", "application/CDFV2-unknown",
                                        "application/vnd.ms-office", "application/msword", "application/vnd.ms-excel",
                                        "application/vnd.ms-powerpoint", "application/CDFV2-corrupt", NULL};
static const char *const ole_exts[] = {"doc", "xls", "ppt", "wps", "et", "dps", NULL};
static const char *const zip_magic[] = {
    "application/zip", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation", "application/octet-stream", NULL};
static const char *const ooxml_exts[] = {"docx", "xlsx", "pptx", "wps", "et", "dps", NULL};

static bool has_bytes(const unsigned char *h, size_t n, const char *s)
{
    return memmem(h, n, s, strlen(s)) != NULL;
}

/* The family a claimed type belongs to, for the "does it match" test. */
static const char *family(const char *mime)
{
    if (!mime || !*mime)
        return NULL;
    if (strncasecmp(mime, "image/", 6) == 0)
        return "image";
    if (strncasecmp(mime, "video/", 6) == 0)
        return "video";
    if (strncasecmp(mime, "audio/", 6) == 0)
        return "audio";
    if (strncasecmp(mime, "application/pdf", 15) == 0)
        return "pdf";
    if (strncasecmp(mime, "text/", 5) == 0)
        return "text";
    return NULL; /* octet-stream, office types and the like vary from browser to browser */
}

static const char *refusal(const char *magic, const char *ext)
{
    static const char *const exec_magic[] = {
        "application/x-executable", "application/x-sharedlib", "application/x-pie-executable",
        "application/x-dosexec", "application/x-mach-binary", "application/x-msdownload", "application/x-msi",
        "application/vnd.microsoft.portable-executable", "application/x-elf", "application/java-archive",
        "application/vnd.android.package-archive", "text/x-shellscript", "application/x-shellscript",
        "text/x-python", "text/x-perl", "application/javascript", "text/javascript", NULL};
    if (in_list(magic, exec_magic) || in_list(ext, dangerous_exts))
        return "不能上传可执行程序或脚本";
    if (strcmp(magic, "image/heic") == 0 || strcmp(magic, "image/heif") == 0 || strcmp(ext, "heic") == 0 ||
        strcmp(ext, "heif") == 0)
        return "暂不支持 iPhone 的 HEIC 照片：请用手机网页上传（会自动转为 JPEG），或在 iPhone“设置→相机→格式”中选择“兼容性最佳”后重新拍摄";
    if (strcmp(magic, "video/quicktime") == 0 || strcmp(ext, "mov") == 0)
        return "视频仅支持 MP4 格式，请转换为 MP4 后上传";
    if (strcmp(magic, "text/html") == 0 || strcmp(magic, "image/svg+xml") == 0 || strcmp(magic, "text/xml") == 0)
        return "不能上传网页或 SVG 文件";
    return NULL;
}

const struct files_type *files_type_decide(const char *magic, const unsigned char *head, size_t n,
                                           const char *name, const char *claimed, const char **why)
{
    static _Thread_local char msg[320]; /* copied by the caller's dj_fail at once */
    char ext[16];
    files_ext(name, ext);
    if (!magic)
        magic = "application/octet-stream";
    if ((*why = refusal(magic, ext)) != NULL)
        return NULL;
    const struct files_type *by_name = by_ext(ext);
    const struct files_type *t = files_type_by_mime(magic);
    if (strcmp(magic, "text/plain") == 0 || strcmp(magic, "text/csv") == 0 || strcmp(magic, "application/csv") == 0)
        t = by_name && strcmp(by_name->mime, "text/csv") == 0 ? by_name : files_type_by_mime("text/plain");
    else if (in_list(magic, ole_magic) && by_name && in_list(ext, ole_exts))
        t = by_name; /* WPS and old Office files share one container; the name says which */
    else if (in_list(magic, zip_magic) && by_name && in_list(ext, ooxml_exts) &&
             has_bytes(head, n, "[Content_Types].xml"))
        t = by_name; /* docx/xlsx/pptx (and WPS saving them) are zip files with this entry */
    if (!t) {
        bool zip = n >= 4 && memcmp(head, "PK\x03\x04", 4) == 0;
        if (zip || strcmp(magic, "application/zip") == 0 || strcmp(magic, "application/x-rar") == 0 ||
            strcmp(magic, "application/x-7z-compressed") == 0 || strcmp(magic, "application/gzip") == 0)
            *why = "不能上传压缩包，请解压后上传其中的文件";
        else
            *why = "不支持该文件类型：可上传图片（JPG、PNG、GIF）、PDF、Word、Excel、PowerPoint、WPS 文档、文本文件和 MP4 视频";
        return NULL;
    }
    if (by_name && by_name != t && !(strcmp(t->mime, "text/plain") == 0 && strcmp(by_name->mime, "text/csv") == 0)) {
        snprintf(msg, sizeof msg, "文件内容（%s）与扩展名 .%s 不符，请确认文件后重新上传", t->label, ext);
        *why = msg;
        return NULL;
    }
    const char *fc = family(claimed), *ft = family(t->mime);
    if (fc && (!ft || strcmp(fc, ft) != 0)) {
        snprintf(msg, sizeof msg, "文件内容（%s）与声明的类型 %.60s 不符", t->label, claimed);
        *why = msg;
        return NULL;
    }
    *why = NULL;
    return t;
}

/* ---------------------------------------------------------------- names */

/* Length of the UTF-8 sequence at p (1..4), 0 when it is not valid. */
static size_t utf8_seq(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    size_t n = (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3 : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || (n == 2 && p[0] < 0xC2))
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

char *files_clean_name(const char *name)
{
    if (!name)
        name = "";
    const char *base = name;
    for (const char *p = name; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    dj_buf b = {0};
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)base; *p && chars < 120;) {
        size_t n = utf8_seq(p);
        if (n == 0) {
            dj_buf_append(&b, "_", 1);
            p++;
        } else if (n == 1 && (*p < 0x20 || *p == 0x7f)) {
            p++;
            continue;
        } else {
            dj_buf_append(&b, p, n);
            p += n;
        }
        chars++;
    }
    /* no leading or trailing spaces or dots */
    char *s = dj_buf_cstr(&b);
    size_t len = b.len;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '.'))
        s[--len] = '\0';
    size_t lead = 0;
    while (s[lead] == ' ' || s[lead] == '.')
        lead++;
    char *out = dj_strdup(*(s + lead) ? s + lead : "未命名文件");
    dj_buf_free(&b);
    return out;
}

char *files_disposition(const char *name, bool inline_)
{
    char ext[16];
    files_ext(name, ext);
    bool ascii = true;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p >= 0x80 || *p == '"' || *p == '\\' || *p < 0x20)
            ascii = false;
    dj_buf b = {0};
    dj_buf_printf(&b, "%s; filename=\"", inline_ ? "inline" : "attachment");
    if (ascii)
        dj_buf_puts(&b, name);
    else
        dj_buf_printf(&b, "file%s%s", *ext ? "." : "", ext);
    dj_buf_puts(&b, "\"; filename*=UTF-8''");
    static const char attr[] = "!#$&+-.^_`|~";
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr(attr, *p))
            dj_buf_append(&b, p, 1);
        else
            dj_buf_printf(&b, "%%%02X", *p);
    }
    return dj_buf_cstr(&b);
}

/* ---------------------------------------------------------------- Range */

static bool num(const char **p, uint64_t *out)
{
    if (**p < '0' || **p > '9')
        return false;
    uint64_t v = 0;
    while (**p >= '0' && **p <= '9') {
        if (v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(**p - '0');
        (*p)++;
    }
    *out = v;
    return true;
}

int files_range(const char *h, uint64_t size, uint64_t *start, uint64_t *end)
{
    if (!h || strncasecmp(h, "bytes=", 6) != 0 || strchr(h, ','))
        return 0;
    const char *p = h + 6;
    while (*p == ' ')
        p++;
    uint64_t a = 0, b = 0;
    if (*p == '-') {
        p++;
        if (!num(&p, &b) || *p)
            return 0;
        if (b == 0 || size == 0)
            return -1;
        *start = b >= size ? 0 : size - b;
        *end = size - 1;
        return 1;
    }
    if (!num(&p, &a) || *p != '-')
        return 0;
    p++;
    bool open = *p == '\0';
    if (!open && (!num(&p, &b) || *p || b < a))
        return 0;
    if (a >= size)
        return -1;
    *start = a;
    *end = open || b >= size ? size - 1 : b;
    return 1;
}

/* ---------------------------------------------------------------- libmagic */

static pthread_key_t magic_key;
static pthread_once_t magic_once = PTHREAD_ONCE_INIT;

static void magic_free(void *m)
{
    magic_close(m);
}

static void magic_key_make(void)
{
    pthread_key_create(&magic_key, magic_free);
}

const char *files_magic(const void *p, size_t n)
{
    pthread_once(&magic_once, magic_key_make);
    magic_t m = pthread_getspecific(magic_key);
    if (!m) {
        m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
        if (!m)
            return NULL;
        if (magic_load(m, NULL) != 0) {
            magic_close(m);
            return NULL;
        }
        pthread_setspecific(magic_key, m);
    }
    return magic_buffer(m, p, n);
}

void files_magic_thread_free(void)
{
    pthread_once(&magic_once, magic_key_make);
    magic_t m = pthread_getspecific(magic_key);
    if (m) {
        pthread_setspecific(magic_key, NULL);
        magic_close(m);
    }
}
