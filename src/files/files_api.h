/* files_api.h - the file store's routes (issue 14). */
#ifndef DJ_FILES_API_H
#define DJ_FILES_API_H

#include "../core/db.h"
#include "../core/http.h"

extern const struct dj_route files_routes[];
/* `dangjian files gc|check --db URL [--files DIR]` */
int files_cmd(int argc, char **argv);
/* The demo agency's photos (after the subjects' demos, in their transaction). */
int files_demo_load(db_conn *c, const char *password_hash);
/* Frees what the module keeps between requests (at exit). */
void files_module_free(void);

#endif
