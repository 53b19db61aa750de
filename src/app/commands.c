/* commands.c - the subcommands other than `user` (cli_user.c) and `demo` (demo.c). */
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "../account/account.h"
#include "../core/anchor.h"
#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/err.h"
#include "../core/files.h"
#include "../core/http.h"
#include "../core/migrate.h"
#include "../core/notify.h"
#include "../core/proxy.h"
#include "../core/router.h"
#include "../core/timeutil.h"
#include "../files/files_api.h"
#include "../life/life.h"
#include "../study/study.h"
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

static bool count_arg(const char *opt, const char *v, unsigned lo, unsigned hi, unsigned *out)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || n < (long)lo || n > (long)hi) {
        fprintf(stderr, "dangjian serve: %s takes a number from %u to %u\n", opt, lo, hi);
        return false;
    }
    *out = (unsigned)n;
    return true;
}

int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},     {"listen", required_argument, 0, 'l'},
        {"public-url", required_argument, 0, 'p'}, {"web", required_argument, 0, 'w'},
        {"threads", required_argument, 0, 't'}, {"quiet", no_argument, 0, 'q'},
        {"trusted-proxy", required_argument, 0, 'x'}, {"key-file", required_argument, 0, 'k'},
        {"files", required_argument, 0, 'f'},   {"request-timeout", required_argument, 0, 'R'},
        {"idle-timeout", required_argument, 0, 'I'}, {"max-conns", required_argument, 0, 'M'},
        {"conns-floor", required_argument, 0, 'F'}, {"db-read", required_argument, 0, 'r'},
        {0, 0, 0, 0},
    };
    const char *key_file = NULL;
    struct dj_server_opts so = {.listen = "127.0.0.1:8080"};
    const char *db = NULL, *files = NULL, *db_read = NULL;
    char *web = NULL;
    int ch;
    bool ok = true;
    /* A kept page of 100-500 KB (the roster at 200 a page) is copied into each
     * answer and freed once sent. With glibc's defaults such a block is mapped
     * for each request and unmapped after it, or the heap is trimmed and grown
     * again: a page fault for every 4 KB on every answer (more than half the
     * server's time on people?limit=200). Blocks below 32 MB (glibc's most)
     * come from the heap, which keeps up to 64 MB free: the 19 MiB a password's
     * argon2id needs too, which mapped afresh cost a hashing thread 80 ms a
     * sign-in instead of 20 (bench/security/storm). */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    optind = 1;
    while (ok && (ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': db = optarg; break;
        case 'l': so.listen = optarg; break;
        case 'p': so.public_url = optarg; break;
        case 'w': free(web); web = strdup(optarg); break;
        case 't': so.threads = (unsigned)atoi(optarg); break;
        case 'q': so.quiet = true; break;
        case 'x':
            if (dj_proxy_configure(optarg) != 0) {
                fprintf(stderr, "dangjian serve: --trusted-proxy %s: expected addresses (or CIDR ranges) separated by commas\n",
                        optarg);
                free(web);
                return 2;
            }
            break;
        case 'k': key_file = optarg; break;
        case 'f': files = optarg; break;
        case 'r': db_read = optarg; break;
        case 'R': ok = count_arg("--request-timeout", optarg, 1, 86400, &so.request_timeout); break;
        case 'I': ok = count_arg("--idle-timeout", optarg, 1, 86400, &so.idle_timeout); break;
        case 'M': ok = count_arg("--max-conns", optarg, 8, 1000000, &so.max_conns); break;
        case 'F': ok = count_arg("--conns-floor", optarg, 1, 100000, &so.conns_floor); break;
        default: ok = false; break;
        }
    }
    if (!ok) {
        free(web);
        return 2;
    }
    if (!db) {
        fprintf(stderr, "dangjian serve: --db FILE is required\n");
        free(web);
        return 2;
    }
    if (dj_files_configure(files) != DJ_OK) {
        fprintf(stderr, "dangjian serve: cannot store files in %s (it must be a writable directory)\n", files);
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
    /* reads that may lag (dashboard, rankings) from a replica, when given */
    db_configure_read(db_read);
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
    /* the seal key: given, else beside a SQLite database when init made one there */
    unsigned char key[DJ_ANCHOR_KEY_BYTES];
    bool sealing = false;
    if (dj_anchor_key_find(db, key_file, key, &sealing) != DJ_OK) {
        free(web);
        dj_router_free();
        auth_perms_free();
        return 1;
    }
    if (!sealing)
        fprintf(stderr, "dangjian serve: no --key-file: the audit trail and the points ledger are not sealed\n");
    if (sealing) {
        dj_notify_key_set(key); /* seals the notification channels' secrets */
        dj_anchor_start(key);
        sodium_memzero(key, sizeof key);
    }
    dj_notify_start(); /* the outbox's delivery worker */
    study_quiz_points_start(); /* the points of quiz answers a stopped server still owed */
    life_points_catch_up();    /* and those of check-ins it had not yet given */
    rc = dj_serve(&so);
    dj_notify_stop();
    dj_notify_key_set(NULL);
    dj_notify_clear();
    if (sealing)
        dj_anchor_stop(); /* a last seal and checkpoint */
    dj_proxy_free();
    db_thread_close();
    dj_router_free();
    dj_files_subjects_clear();
    files_module_free();
    dj_files_configure(NULL);
    auth_perms_free();
    auth_cache_free();
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
                            const char **pw, const char **agency, const char **key_file)
{
    const struct option opts[] = {
        {"db", required_argument, 0, 'd'}, {pw_opt, required_argument, 0, 'p'},
        {agency ? "agency" : NULL, required_argument, 0, 'a'}, /* a NULL name ends the table */
        {agency ? "key-file" : NULL, required_argument, 0, 'k'},
        {0, 0, 0, 0}};
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': *db = optarg; break;
        case 'p': *pw = optarg; break;
        case 'a': *agency = optarg; break;
        case 'k': *key_file = optarg; break;
        default: return 2;
        }
    }
    if (!*db) {
        fprintf(stderr, "dangjian %s: --db FILE is required\n", cmd);
        return 2;
    }
    const char *why;
    if (*pw && auth_password_policy(*pw, NULL, &why) != DJ_OK) {
        fprintf(stderr, "dangjian %s: the password is too weak: %s\n", cmd, why);
        return 2;
    }
    return 0;
}

int cmd_init(int argc, char **argv)
{
    const char *db = NULL, *pw = NULL, *agency = "机关党委", *key_file = NULL;
    int bad = db_password_args(argc, argv, "init", "admin-password", &db, &pw, &agency, &key_file);
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
    /* 三员分立: three administrators, none with party-work permissions; each a
     * one-time password unless --admin-password gives them one */
    static const struct {
        const char *login, *name, *role;
    } admins[] = {
        {"admin", "系统管理员", "admin"},
        {"secadmin", "安全管理员", "secadmin"},
        {"auditor", "审计管理员", "auditor"},
    };
    enum { NADMINS = sizeof admins / sizeof admins[0] };
    char *gen[NADMINS] = {0};
    char now[21];
    dj_time_iso(dj_now(), now);
    int64_t org = 0;
    int rc = db_begin(c);
    if (rc == DJ_OK)
        rc = db_query_i64(c, &org,
                          "INSERT INTO orgs (parent_id, kind, name, path, created_at, updated_at)"
                          " VALUES (NULL, 'committee', $1, '/1/', $2, $2) RETURNING id",
                          "tt", agency, now);
    for (int i = 0; i < NADMINS && rc == DJ_OK; i++) {
        int64_t uid = 0;
        gen[i] = pw ? NULL : auth_password_generate();
        char *hash = auth_password_hash(pw ? pw : gen[i]);
        rc = hash ? account_user_create(c, admins[i].login, admins[i].name, hash, 0, !pw, &uid) : DJ_EINTERNAL;
        free(hash);
        if (rc == DJ_OK)
            rc = account_grant(c, uid, admins[i].role, org);
        if (rc == DJ_OK)
            rc = audit_write(c, NULL, "init", "user", uid, NULL, NULL);
    }
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    /* the key that seals the audit trail and the ledger: outside the database */
    char *kpath = key_file ? dj_strdup(key_file) : dj_anchor_default_key_path(db);
    if (rc == DJ_OK && kpath && access(kpath, F_OK) == 0) {
        /* a key made before (servers of one PostgreSQL share it): keep it */
        unsigned char k[DJ_ANCHOR_KEY_BYTES];
        rc = dj_anchor_key_read(kpath, k);
        sodium_memzero(k, sizeof k);
    } else if (rc == DJ_OK && kpath && dj_anchor_key_create(kpath) != DJ_OK) {
        rc = DJ_EINTERNAL;
    }
    if (rc == DJ_OK) {
        printf("initialised %s\n", db);
        if (kpath)
            printf("seal key: %s (keep it off the database server and out of its backups; serve and verify need it)\n",
                   kpath);
        else
            printf("no seal key made: give init --key-file FILE for a PostgreSQL database\n");
        for (int i = 0; i < NADMINS && !pw; i++)
            printf("%s (%s) login: %s  one-time password: %s\n", admins[i].name, admins[i].role, admins[i].login,
                   gen[i]);
        if (!pw)
            printf("(each must be changed at the first sign-in)\n");
    } else {
        fprintf(stderr, "dangjian init: failed: %s\n", db_errmsg(c));
    }
    for (int i = 0; i < NADMINS; i++)
        free(gen[i]);
    free(kpath);
    db_close(c);
    return rc == DJ_OK ? 0 : 1;
}

int cmd_demo(int argc, char **argv)
{
    const char *db = NULL, *pw = NULL;
    int bad = db_password_args(argc, argv, "demo", "password", &db, &pw, NULL, NULL);
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
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                         {"to", required_argument, 0, 't'},
                                         {"files", required_argument, 0, 'f'},
                                         {"files-to", required_argument, 0, 'F'},
                                         {0, 0, 0, 0}};
    const char *db = NULL, *to = NULL, *files = NULL, *files_to = NULL;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': db = optarg; break;
        case 't': to = optarg; break;
        case 'f': files = optarg; break;
        case 'F': files_to = optarg; break;
        default: return 2;
        }
    }
    if (!db || !to) {
        fprintf(stderr, "dangjian backup: --db FILE and --to FILE are required\n");
        return 2;
    }
    if (!files != !files_to) {
        fprintf(stderr, "dangjian backup: --files DIR and --files-to DIR go together\n");
        return 2;
    }
    db_conn *c = app_open_db(db);
    if (!c)
        return 1;
    /* VACUUM INTO writes a consistent, compacted copy while others keep
     * working; files kept in the database (the default) are in it. */
    int rc = db_exec(c, "VACUUM INTO $1", "t", to);
    if (rc != DJ_OK)
        fprintf(stderr, "dangjian backup: %s\n", db_errmsg(c));
    db_close(c);
    /* the copy keeps no live sessions (a stolen backup must not sign anyone in)
     * and no sign-in throttle or device tokens */
    db_conn *copy = rc == DJ_OK ? db_open(to, NULL) : NULL;
    if (rc == DJ_OK && !copy)
        rc = DJ_EDB;
    if (copy) {
        rc = db_exec_script(copy, "DELETE FROM sessions; DELETE FROM login_throttle; DELETE FROM login_devices; VACUUM;");
        if (rc != DJ_OK)
            fprintf(stderr, "dangjian backup: %s\n", db_errmsg(copy));
        db_close(copy);
    }
    if (rc != DJ_OK) {
        unlink(to);
        return 1;
    }
    printf("backed up %s to %s (without sessions)\n", db, to);
    /* files in a directory (serve --files): copy what the copy names */
    c = app_open_db(to);
    if (!c)
        return 1;
    int64_t in_dir = 0, copied = 0;
    rc = dj_files_dir_count(c, &in_dir);
    if (rc == DJ_OK && files) {
        rc = dj_files_backup_dir(c, files, files_to, &copied);
        if (rc == DJ_OK)
            printf("copied %lld new files of %lld from %s to %s\n", (long long)copied, (long long)in_dir, files,
                   files_to);
    } else if (rc == DJ_OK && in_dir > 0) {
        fprintf(stderr,
                "dangjian backup: %lld files are kept in the files directory (serve --files DIR), not in the\n"
                "  database: back them up too with --files DIR --files-to DIR2 (or rsync -a DIR after this copy)\n",
                (long long)in_dir);
    }
    db_close(c);
    return rc == DJ_OK ? 0 : 1;
}
