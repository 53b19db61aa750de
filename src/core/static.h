/* static.h - the built web app (web/dist), held in memory and served with
 * the right types, gzip where the client takes it, a year's cache for
 * hashed assets and index.html for every unknown non-API path (the app's
 * own router takes it from there). */
#ifndef DJ_STATIC_H
#define DJ_STATIC_H

#include "http.h"

/* Loads every file under dir; missing dir means no static files. */
int dj_static_load(const char *dir);
void dj_static_free(void);
int dj_static_serve(dj_req *r);

#endif
