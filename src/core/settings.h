/* settings.h - agency settings kept in the settings table (key, value),
 * with the default given at the call site when a key was never set. */
#ifndef DJ_SETTINGS_H
#define DJ_SETTINGS_H

#include <stdint.h>

#include "db.h"

int64_t dj_setting_int(db_conn *c, const char *key, int64_t def);
/* Heap string (caller frees); a copy of def when unset. */
char *dj_setting_text(db_conn *c, const char *key, const char *def);
int dj_setting_set(db_conn *c, const char *key, const char *value);

#endif
