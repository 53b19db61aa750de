/* mkimage.c - writes a test image: `mkimage OUT.jpg|OUT.png WIDTH HEIGHT
 * [QUALITY] [SEED]`.  A colour gradient with noise, so a JPEG has the size
 * of a real photo; SEED varies the pixels (distinct content).  For the API
 * tests and the benchmark. */
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: mkimage OUT.jpg|OUT.png WIDTH HEIGHT [QUALITY] [SEED]\n");
        return 2;
    }
    int w = atoi(argv[2]), h = atoi(argv[3]);
    const char *quality = argc > 4 ? argv[4] : "90";
    unsigned seed = argc > 5 ? (unsigned)strtoul(argv[5], NULL, 10) : 1;
    gboolean png = strstr(argv[1], ".png") != NULL;
    GdkPixbuf *pb = gdk_pixbuf_new(GDK_COLORSPACE_RGB, png, 8, w, h);
    if (!pb)
        return 1;
    int stride = gdk_pixbuf_get_rowstride(pb), n = gdk_pixbuf_get_n_channels(pb);
    guchar *px = gdk_pixbuf_get_pixels(pb);
    unsigned x = seed * 2654435761u + 1;
    for (int y = 0; y < h; y++) {
        for (int i = 0; i < w; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            guchar *p = px + y * stride + i * n;
            int noise = (int)(x % 48) - 24;
            int r = 200 + noise - y * 60 / h, g = 22 + i * 160 / w + noise, b = 29 + (int)(seed * 37 % 120) + noise;
            p[0] = (guchar)(r < 0 ? 0 : r > 255 ? 255 : r);
            p[1] = (guchar)(g < 0 ? 0 : g > 255 ? 255 : g);
            p[2] = (guchar)(b < 0 ? 0 : b > 255 ? 255 : b);
            if (n == 4)
                p[3] = (guchar)(i < w / 2 ? 255 : 128);
        }
    }
    GError *err = NULL;
    gboolean ok = png ? gdk_pixbuf_save(pb, argv[1], "png", &err, NULL)
                      : gdk_pixbuf_save(pb, argv[1], "jpeg", &err, "quality", quality, NULL);
    if (!ok) {
        fprintf(stderr, "mkimage: %s\n", err ? err->message : "cannot save");
        return 1;
    }
    g_object_unref(pb);
    return 0;
}
