/* files_api.h - the file store's routes (issue 14). */
#ifndef DJ_FILES_API_H
#define DJ_FILES_API_H

#include "../core/http.h"

extern const struct dj_route files_routes[];
/* `dangjian files gc|check --db URL [--files DIR]` */
int files_cmd(int argc, char **argv);
/* Frees what the module keeps between requests (at exit). */
void files_module_free(void);

#endif
