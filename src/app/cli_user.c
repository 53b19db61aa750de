/* cli_user.c - `dangjian user add|grant|revoke|passwd|list`: account
 * management from the shell, audited as actor "cli". */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../account/account.h"
#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/err.h"
#include "app.h"

struct user_args {
    const char *db, *login, *password, *name, *role;
    int64_t org, person;
};

static int parse(int argc, char **argv, struct user_args *a)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},     {"login", required_argument, 0, 'l'},
        {"password", required_argument, 0, 'p'}, {"name", required_argument, 0, 'n'},
        {"role", required_argument, 0, 'r'},   {"org", required_argument, 0, 'o'},
        {"person", required_argument, 0, 'P'}, {0, 0, 0, 0},
    };
    memset(a, 0, sizeof *a);
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': a->db = optarg; break;
        case 'l': a->login = optarg; break;
        case 'p': a->password = optarg; break;
        case 'n': a->name = optarg; break;
        case 'r': a->role = optarg; break;
        case 'o': a->org = atoll(optarg); break;
        case 'P': a->person = atoll(optarg); break;
        default: return 2;
        }
    }
    if (!a->db || (!a->login && strcmp(argv[0], "list") != 0)) {
        fprintf(stderr, "dangjian user %s: --db FILE and --login LOGIN are required\n", argv[0]);
        return 2;
    }
    return 0;
}

static int finish(db_conn *c, int rc, const char *what)
{
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if (rc != DJ_OK)
        fprintf(stderr, "dangjian user: %s failed: %s\n", what,
                rc == DJ_ECONFLICT ? "already exists" : rc == DJ_ENOTFOUND ? "no such user or organisation"
                : rc == DJ_EINVAL ? "unknown role" : db_errmsg(c));
    return rc;
}

static int user_add(db_conn *c, struct user_args *a)
{
    if (!a->role || !a->org) {
        fprintf(stderr, "dangjian user add: --role ROLE and --org ID are required\n");
        return DJ_EINVAL;
    }
    char *gen = a->password ? NULL : auth_password_generate();
    const char *why;
    if (a->password && auth_password_policy(a->password, a->login, &why) != DJ_OK) {
        fprintf(stderr, "dangjian user add: password too weak: %s\n", why);
        return DJ_EINVAL;
    }
    char *hash = auth_password_hash(a->password ? a->password : gen);
    int64_t id = 0;
    int rc = db_begin(c);
    if (rc == DJ_OK)
        rc = account_user_create(c, a->login, a->name ? a->name : a->login, hash, a->person, gen != NULL, &id);
    if (rc == DJ_OK)
        rc = account_grant(c, id, a->role, a->org);
    json_t *after = json_pack("{s:s, s:s, s:I}", "login", a->login, "role", a->role, "org_id", (json_int_t)a->org);
    if (rc == DJ_OK)
        rc = audit_write(c, NULL, "create", "user", id, NULL, after);
    json_decref(after);
    rc = finish(c, rc, "add");
    if (rc == DJ_OK) {
        printf("user %s created (id %lld)\n", a->login, (long long)id);
        if (gen)
            printf("one-time password: %s\n", gen);
    }
    free(gen);
    free(hash);
    return rc;
}

static int user_grant(db_conn *c, struct user_args *a, bool add)
{
    int64_t id;
    if (!a->role || !a->org) {
        fprintf(stderr, "dangjian user: --role ROLE and --org ID are required\n");
        return DJ_EINVAL;
    }
    if (account_user_id(c, a->login, &id) != DJ_OK) {
        fprintf(stderr, "dangjian user: no user %s\n", a->login);
        return DJ_ENOTFOUND;
    }
    int rc = db_begin(c);
    if (rc == DJ_OK)
        rc = add ? account_grant(c, id, a->role, a->org) : account_revoke(c, id, a->role, a->org);
    json_t *after = json_pack("{s:s, s:I}", "role", a->role, "org_id", (json_int_t)a->org);
    if (rc == DJ_OK)
        rc = audit_write(c, NULL, add ? "grant" : "revoke", "user", id, NULL, after);
    json_decref(after);
    return finish(c, rc, add ? "grant" : "revoke");
}

static int user_passwd(db_conn *c, struct user_args *a)
{
    int64_t id;
    if (account_user_id(c, a->login, &id) != DJ_OK) {
        fprintf(stderr, "dangjian user passwd: no user %s\n", a->login);
        return DJ_ENOTFOUND;
    }
    const char *why;
    if (a->password && auth_password_policy(a->password, a->login, &why) != DJ_OK) {
        fprintf(stderr, "dangjian user passwd: password too weak: %s\n", why);
        return DJ_EINVAL;
    }
    char *gen = a->password ? NULL : auth_password_generate();
    char *hash = auth_password_hash(a->password ? a->password : gen);
    int rc = db_begin(c);
    if (rc == DJ_OK)
        rc = account_set_password(c, id, hash, gen != NULL, NULL);
    if (rc == DJ_OK)
        rc = audit_write(c, NULL, "password_reset", "user", id, NULL, NULL);
    rc = finish(c, rc, "passwd");
    if (rc == DJ_OK)
        printf(gen ? "password of %s reset; one-time password: %s\n" : "password of %s changed%s\n", a->login,
               gen ? gen : "");
    free(gen);
    free(hash);
    return rc;
}

static int user_list(db_conn *c)
{
    int rc;
    json_t *rows = db_query_rows(c, &rc,
                                 "SELECT u.id, u.login, u.name, g.role, g.org_id FROM users u"
                                 " LEFT JOIN grants g ON g.user_id = u.id ORDER BY u.id, g.id", "");
    if (!rows)
        return rc;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        printf("%lld\t%s\t%s\t%s\t%lld\n", (long long)dj_jint(row, "id", 0), dj_jstr(row, "login", ""),
               dj_jstr(row, "name", ""), dj_jstr(row, "role", "-"), (long long)dj_jint(row, "org_id", 0));
    }
    json_decref(rows);
    return DJ_OK;
}

int cmd_user(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: dangjian user add|grant|revoke|passwd|list --db FILE --login L [--password P]"
                        " [--name N] [--role ROLE] [--org ID] [--person ID]\n");
        return 2;
    }
    struct user_args a;
    if (parse(argc - 1, argv + 1, &a))
        return 2;
    db_conn *c = app_open_db(a.db);
    if (!c)
        return 1;
    int rc;
    const char *sub = argv[1];
    if (strcmp(sub, "add") == 0)
        rc = user_add(c, &a);
    else if (strcmp(sub, "grant") == 0)
        rc = user_grant(c, &a, true);
    else if (strcmp(sub, "revoke") == 0)
        rc = user_grant(c, &a, false);
    else if (strcmp(sub, "passwd") == 0)
        rc = user_passwd(c, &a);
    else if (strcmp(sub, "list") == 0)
        rc = user_list(c);
    else {
        fprintf(stderr, "dangjian user: unknown subcommand %s\n", sub);
        rc = DJ_EINVAL;
    }
    db_close(c);
    return rc == DJ_OK ? 0 : 1;
}
