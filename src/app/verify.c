/* verify.c - `dangjian verify`: the points ledger's own hash chains, then the
 * seals of every chain (audit trail, ledger) against the key kept outside the
 * database, and the checkpoints (those in the database and, with
 * --checkpoints, the file the 审计管理员 keeps).  Prints one JSON object and
 * names the first entry that no longer matches; exit 1 when anything is
 * broken, 2 when it could not check. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../core/anchor.h"
#include "../core/err.h"
#include "../core/json.h"
#include "../core/router.h"
#include "../points/points.h"
#include "app.h"

/* The seals' part of the answer: out["seals"] = {"ok", "chains", "checkpoints", and where it broke}. */
static int verify_seals(db_conn *c, const unsigned char *key, const json_t *kept, json_t *out)
{
    struct dj_anchor_report ar;
    int rc = dj_anchor_verify(c, key, kept, &ar);
    if (rc != DJ_OK) {
        json_decref(ar.chains);
        return rc;
    }
    json_t *a = json_pack("{s:b, s:o, s:I}", "ok", ar.ok, "chains", ar.chains, "checkpoints", (json_int_t)ar.checkpoints);
    if (!ar.ok) {
        json_object_set_new(a, "chain", ar.chain ? json_string(ar.chain) : json_null());
        json_object_set_new(a, "ref_id", ar.ref_id ? json_integer(ar.ref_id) : json_null());
        json_object_set_new(a, "seq", json_integer(ar.seq));
        json_object_set_new(a, "problem", json_string(ar.problem));
        fprintf(stderr, "防篡改校验失败：%s\n", ar.problem);
    }
    json_object_set_new(out, "seals", a);
    return DJ_OK;
}

static int usage(void)
{
    fprintf(stderr, "usage: dangjian verify --db FILE [--key-file FILE] [--checkpoints FILE]\n");
    return 2;
}

int cmd_verify(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                         {"key-file", required_argument, 0, 'k'},
                                         {"checkpoints", required_argument, 0, 'c'},
                                         {0, 0, 0, 0}};
    const char *db = NULL, *key_file = NULL, *kept_file = NULL;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': db = optarg; break;
        case 'k': key_file = optarg; break;
        case 'c': kept_file = optarg; break;
        default: return usage();
        }
    }
    if (!db)
        return usage();
    json_t *kept = NULL;
    if (kept_file) {
        json_error_t je;
        kept = json_load_file(kept_file, 0, &je);
        if (!kept) {
            fprintf(stderr, "dangjian verify: cannot read %s: %s (line %d)\n", kept_file, je.text, je.line);
            return 2;
        }
    }
    char *msg = NULL;
    db_conn *c = db_open(db, &msg);
    if (!c) {
        fprintf(stderr, "dangjian: cannot open database %s: %s\n", db, msg ? msg : "?");
        free(msg);
        json_decref(kept);
        return 2;
    }
    app_routes_register(); /* the subjects' chains */
    json_t *out = json_object();
    int rc = points_verify_print(c, out);
    bool ok = rc == DJ_OK && json_is_true(json_object_get(out, "ok"));
    /* the seals: the key given, else the one beside a SQLite database */
    unsigned char key[DJ_ANCHOR_KEY_BYTES];
    bool have_key = false;
    if (rc == DJ_OK && dj_anchor_key_find(db, key_file, key, &have_key) != DJ_OK)
        rc = DJ_EINVAL;
    if (rc == DJ_OK && have_key) {
        rc = verify_seals(c, key, kept, out);
        sodium_memzero(key, sizeof key);
        ok = ok && rc == DJ_OK && json_is_true(json_object_get(json_object_get(out, "seals"), "ok"));
    } else if (rc == DJ_OK) {
        json_object_set_new(out, "seals", json_null());
        if (kept) {
            fprintf(stderr, "dangjian verify: --checkpoints needs the key (--key-file)\n");
            rc = DJ_EINVAL;
        } else {
            fprintf(stderr, "dangjian verify: no key file: the seals and checkpoints were not checked (--key-file)\n");
        }
    }
    if (rc != DJ_OK) {
        if (rc != DJ_EINVAL)
            fprintf(stderr, "dangjian verify: %s\n", db_errmsg(c));
        json_decref(out);
        json_decref(kept);
        db_close(c);
        dj_router_free();
        return 2;
    }
    json_object_set_new(out, "ok", json_boolean(ok));
    size_t len;
    char *text = dj_json_render(out, &len);
    printf("%s\n", text);
    free(text);
    json_decref(out);
    json_decref(kept);
    db_close(c);
    dj_router_free();
    return ok ? 0 : 1;
}
