/* files_demo.c - the demo agency's photos: a picture for each of the latest
 * activities that were held, so the phone and the console show thumbnails,
 * and a photo as the evidence of a waiting points claim.  The pictures are
 * drawn here (colour fields, not real people) and stored through the file
 * store like any upload. */
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "files_api.h"
#include "files_int.h"

/* A 960×720 JPEG: a 党建红-to-gold field, varied by seed. */
static int picture(unsigned seed, gchar **buf, gsize *len)
{
    int w = 960, h = 720;
    GdkPixbuf *pb = gdk_pixbuf_new(GDK_COLORSPACE_RGB, FALSE, 8, w, h);
    if (!pb)
        return DJ_EINTERNAL;
    int stride = gdk_pixbuf_get_rowstride(pb);
    guchar *px = gdk_pixbuf_get_pixels(pb);
    unsigned x = seed * 2654435761u + 7;
    for (int y = 0; y < h; y++) {
        for (int i = 0; i < w; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            int n = (int)(x % 16) - 8;
            int r = 200 - y * 40 / h + n, g = 22 + (i + (int)seed * 53) % w * 150 / w + n, b = 29 + n;
            guchar *p = px + y * stride + i * 3;
            p[0] = (guchar)(r < 0 ? 0 : r > 255 ? 255 : r);
            p[1] = (guchar)(g < 0 ? 0 : g > 255 ? 255 : g);
            p[2] = (guchar)(b < 0 ? 0 : b > 255 ? 255 : b);
        }
    }
    GError *err = NULL;
    gboolean ok = gdk_pixbuf_save_to_buffer(pb, buf, len, "jpeg", &err, "quality", "80", NULL);
    g_object_unref(pb);
    if (err)
        g_error_free(err);
    return ok ? DJ_OK : DJ_EINTERNAL;
}

static int attach_picture(db_conn *c, unsigned seed, const char *name, const char *subject, int64_t record,
                          const char *kind, int64_t by)
{
    gchar *buf = NULL;
    gsize len = 0;
    int rc = picture(seed, &buf, &len);
    char sha[65], token[DJ_FILE_TOKEN_LEN + 1];
    int64_t id = 0;
    bool created;
    if (rc == DJ_OK)
        rc = dj_file_blob_put(c, buf, len, "image/jpeg", sha);
    struct dj_file_new nf = {sha, NULL, name, len, "image/jpeg", by, NULL};
    if (rc == DJ_OK)
        rc = dj_file_insert(c, &nf, &id, token);
    if (rc == DJ_OK)
        rc = dj_file_link(c, id, subject, record, kind, by, &created);
    g_free(buf);
    return rc;
}

int files_demo_load(db_conn *c, const char *password_hash)
{
    (void)password_hash;
    json_t *acts = db_query_rows(c, NULL,
                                 "SELECT id, created_by FROM activities WHERE state IN ('held', 'closed')"
                                 " ORDER BY starts_at DESC, id LIMIT 8",
                                 "");
    if (!acts)
        return DJ_EDB;
    int rc = DJ_OK;
    size_t i;
    json_t *a;
    json_array_foreach(acts, i, a) {
        if (rc != DJ_OK)
            break;
        rc = attach_picture(c, (unsigned)i + 1, "活动照片.jpg", "activity", dj_jint(a, "id", 0), "photo",
                            dj_jint(a, "created_by", 0));
    }
    json_decref(acts);
    json_t *claim = db_query_row(c, NULL,
                                 "SELECT k.id, k.created_by FROM points_claims k WHERE k.status = 'pending'"
                                 " ORDER BY k.id LIMIT 1",
                                 "");
    if (rc == DJ_OK && claim)
        rc = attach_picture(c, 42, "获奖证书.jpg", "claim", dj_jint(claim, "id", 0), "evidence",
                            dj_jint(claim, "created_by", 0));
    json_decref(claim);
    return rc;
}
