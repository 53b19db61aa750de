/* commands.c - the subcommands other than `user` (cli_user.c) and `demo` (demo.c). */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../account/account.h"
#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/err.h"
#include "../core/http.h"
#include "../core/migrate.h"
#include "../core/router.h"
#include "../core/timeutil.h"
#include "app.h"

db_conn *app_open_db(const char *url)
{
    char *msg = NULL;
    db_conn *c = db_open(url, &msg);
    if (!c) {
        fprintf(stderr, "dangjian: cannot open database %s: %s\n", url, msg ? msg : "?");
        free(msg);
        return NULL;
    }
    if (dj_migrate(c, false) != DJ_OK) {
        db_close(c);
        return NULL;
    }
    return c;
}

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* web/dist beside the working directory, else beside the executable's parent. */
static char *default_web_dir(void)
{
    if (is_dir("web/dist"))
        return strdup("web/dist");
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    char *p = NULL;
    if (asprintf(&p, "%s/../web/dist", exe) < 0)
        return NULL;
    if (is_dir(p))
        return p;
    free(p);
    return NULL;
}

int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},     {"listen", required_argument, 0, 'l'},
        {"public-url", required_argument, 0, 'p'}, {"web", required_argument, 0, 'w'},
        {"threads", required_argument, 0, 't'}, {"quiet", no_argument, 0, 'q'},
        {0, 0, 0, 0},
    };
    struct dj_server_opts so = {.listen = "127.0.0.1:8080"};
    const char *db = NULL;
    char *web = NULL;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': db = optarg; break;
        case 'l': so.listen = optarg; break;
        case 'p': so.public_url = optarg; break;
        case 'w': free(web); web = strdup(optarg); break;
        case 't': so.threads = (unsigned)atoi(optarg); break;
        case 'q': so.quiet = true; break;
        default: free(web); return 2;
        }
    }
    if (!db) {
        fprintf(stderr, "dangjian serve: --db FILE is required\n");
        free(web);
        return 2;
    }
    if (!web)
        web = default_web_dir();
    so.web_dir = web;
    if (db_configure(db) != DJ_OK) {
        fprintf(stderr, "dangjian serve: unsupported database %s\n", db);
        free(web);
        return 2;
    }
    db_conn *c = app_open_db(db);
    if (!c) {
        free(web);
        return 1;
    }
    int rc = auth_perms_load(c);
    db_close(c);
    if (rc != DJ_OK) {
        free(web);
        return 1;
    }
    app_routes_register();
    rc = dj_serve(&so);
    db_thread_close();
    dj_router_free();
    auth_perms_free();
    free(web);
    return rc;
}

int cmd_migrate(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'}, {0, 0, 0, 0}};
    const char *db = NULL;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch != 'd')
            return 2;
        db = optarg;
    }
    if (!db) {
        fprintf(stderr, "dangjian migrate: --db FILE is required\n");
        return 2;
    }
    char *msg = NULL;
    db_conn *c = db_open(db, &msg);
    if (!c) {
        fprintf(stderr, "dangjian migrate: %s\n", msg ? msg : "cannot open");
        free(msg);
        return 1;
    }
    int rc = dj_migrate(c, true);
    db_close(c);
    return rc == DJ_OK ? 0 : 1;
}

/* The options init and demo share: --db FILE, a password option (checked
 * against the policy when given) and, for init, --agency NAME. 0, or the exit
 * status to return. */
static int db_password_args(int argc, char **argv, const char *cmd, const char *pw_opt, const char **db,
                            const char **pw, const char **agency)
{
    const struct option opts[] = {
        {"db", required_argument, 0, 'd'}, {pw_opt, required_argument, 0, 'p'},
        {agency ? "agency" : NULL, required_argument, 0, 'a'}, /* a NULL name ends the table */
        {0, 0, 0, 0}};
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': *db = optarg; break;
        case 'p': *pw = optarg; break;
        case 'a': *agency = optarg; break;
        default: return 2;
        }
    }
    if (!*db) {
        fprintf(stderr, "dangjian %s: --db FILE is required\n", cmd);
        return 2;
    }
    const char *why;
    if (*pw && auth_password_policy(*pw, &why) != DJ_OK) {
        fprintf(stderr, "dangjian %s: the password is too weak: %s\n", cmd, why);
        return 2;
    }
    return 0;
}

int cmd_init(int argc, char **argv)
{
    const char *db = NULL, *pw = NULL, *agency = "机关党委";
    int bad = db_password_args(argc, argv, "init", "admin-password", &db, &pw, &agency);
    if (bad)
        return bad;
    db_conn *c = app_open_db(db);
    if (!c)
        return 1;
    int64_t n = 0;
    db_query_i64(c, &n, "SELECT COUNT(*) FROM users", "");
    if (n > 0) {
        fprintf(stderr, "dangjian init: %s is already initialised\n", db);
        db_close(c);
        return 1;
    }
    char *gen = pw ? NULL : auth_password_generate();
    char *hash = auth_password_hash(pw ? pw : gen);
    char now[21];
    dj_time_iso(dj_now(), now);
    int64_t uid = 0, org = 0;
    int rc = db_begin(c);
    if (rc == DJ_OK)
        rc = db_query_i64(c, &org,
                          "INSERT INTO orgs (parent_id, kind, name, path, created_at, updated_at)"
                          " VALUES (NULL, 'committee', $1, '/1/', $2, $2) RETURNING id",
                          "tt", agency, now);
    if (rc == DJ_OK)
        rc = account_user_create(c, "admin", "系统管理员", hash, 0, gen != NULL, &uid);
    if (rc == DJ_OK)
        rc = account_grant(c, uid, "admin", org);
    if (rc == DJ_OK)
        rc = audit_write(c, NULL, "init", "user", uid, NULL, NULL);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if (rc == DJ_OK) {
        printf("initialised %s\n", db);
        if (gen)
            printf("admin login: admin\none-time password: %s\n(it must be changed at the first sign-in)\n", gen);
    } else {
        fprintf(stderr, "dangjian init: failed: %s\n", db_errmsg(c));
    }
    free(gen);
    free(hash);
    db_close(c);
    return rc == DJ_OK ? 0 : 1;
}

int cmd_demo(int argc, char **argv)
{
    const char *db = NULL, *pw = NULL;
    int bad = db_password_args(argc, argv, "demo", "password", &db, &pw, NULL);
    if (bad)
        return bad;
    db_conn *c = app_open_db(db);
    if (!c)
        return 1;
    int64_t n = 0;
    db_query_i64(c, &n, "SELECT COUNT(*) FROM users WHERE login LIKE 'demo-%'", "");
    if (n > 0) {
        fprintf(stderr, "dangjian demo: the demo agency is already loaded in %s\n", db);
        db_close(c);
        return 1;
    }
    char *gen = pw ? NULL : auth_password_generate();
    int rc = app_demo_load(c, pw ? pw : gen);
    if (rc == DJ_OK) {
        printf("demo agency loaded into %s\n", db);
        printf("demo accounts: demo-committee demo-discipline demo-secretary demo-officer demo-leader demo-member demo-activist\n");
        if (gen)
            printf("their password: %s\n", gen);
    } else {
        fprintf(stderr, "dangjian demo: failed (%d): %s\n", rc, db_errmsg(c));
    }
    free(gen);
    db_close(c);
    return rc == DJ_OK ? 0 : 1;
}

static void print_route(const struct dj_route *rt, void *arg)
{
    (void)arg;
    printf("%s %s %s\n", rt->method, rt->pattern, rt->perm ? rt->perm : (rt->flags & DJ_ROUTE_PUBLIC) ? "public" : "signed-in");
}

int cmd_routes(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    app_routes_register();
    dj_router_each(print_route, NULL);
    dj_router_free();
    return 0;
}

int cmd_backup(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'}, {"to", required_argument, 0, 't'}, {0, 0, 0, 0}};
    const char *db = NULL, *to = NULL;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': db = optarg; break;
        case 't': to = optarg; break;
        default: return 2;
        }
    }
    if (!db || !to) {
        fprintf(stderr, "dangjian backup: --db FILE and --to FILE are required\n");
        return 2;
    }
    db_conn *c = app_open_db(db);
    if (!c)
        return 1;
    /* VACUUM INTO writes a consistent, compacted copy while others keep working. */
    int rc = db_exec(c, "VACUUM INTO $1", "t", to);
    if (rc != DJ_OK)
        fprintf(stderr, "dangjian backup: %s\n", db_errmsg(c));
    else
        printf("backed up %s to %s\n", db, to);
    db_close(c);
    return rc == DJ_OK ? 0 : 1;
}
