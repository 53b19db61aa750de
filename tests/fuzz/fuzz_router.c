/* fuzz_router.c - libFuzzer target: every route of the program against any
 * method and path.  A match fills at most eight parameters, none empty and
 * none with a slash; the pattern matcher never reads past either string. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/app/app.h"
#include "../../src/core/http.h"
#include "../../src/core/mem.h"
#include "../../src/core/router.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    app_routes_register();
    return 0;
}

static const char *const methods[] = {"GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS", "get"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    const char *method = methods[data[0] % (sizeof methods / sizeof methods[0])];
    char *path = malloc(size);
    memcpy(path, data + 1, size - 1);
    path[size - 1] = '\0';
    dj_req r;
    memset(&r, 0, sizeof r);
    r.arena = dj_arena_new();
    enum dj_match m = dj_router_match(&r, method, path);
    if (m == DJ_MATCH_OK) {
        if (!r.route || r.nparams < 0 || r.nparams > 8)
            abort();
        for (int i = 0; i < r.nparams; i++)
            if (!r.param_values[i][0] || strchr(r.param_values[i], '/'))
                abort();
    }
    dj_arena_free(r.arena);
    free(path);
    return 0;
}
