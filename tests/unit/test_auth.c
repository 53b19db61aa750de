/* test_auth.c - password policy, token hashing, CSRF comparison, role
 * permissions as data and the organisation scope of grants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/auth.h"
#include "../../src/core/err.h"
#include "../../src/core/migrate.h"

static void test_password_policy(void **state)
{
    (void)state;
    const char *why;
    assert_int_equal(auth_password_policy("Dangjian#2026", NULL, &why), DJ_OK);
    assert_int_equal(auth_password_policy("abcDEF12", NULL, &why), DJ_OK);   /* three classes */
    assert_int_equal(auth_password_policy("Ab1#", NULL, &why), DJ_EINVAL);   /* too short */
    assert_non_null(strstr(why, "8"));
    assert_int_equal(auth_password_policy("abcdefgh123", NULL, &why), DJ_EINVAL); /* two classes */
    assert_non_null(strstr(why, "三种"));
    assert_int_equal(auth_password_policy("党建党建党建党建1a", NULL, &why), DJ_OK); /* symbol class counts CJK */
    /* the passwords attackers try first, whatever their case */
    assert_int_equal(auth_password_policy("Password1", NULL, &why), DJ_EINVAL);
    assert_non_null(strstr(why, "常见"));
    assert_int_equal(auth_password_policy("Admin@123", NULL, &why), DJ_EINVAL);
    assert_int_equal(auth_password_policy("P@SSW0RD", NULL, &why), DJ_EINVAL);
    /* nor the login itself */
    assert_int_equal(auth_password_policy("Zhangsan#1", "zhangsan", &why), DJ_EINVAL);
    assert_non_null(strstr(why, "账号"));
    assert_int_equal(auth_password_policy("Zhangsan#1", "lisi", &why), DJ_OK);
    for (int i = 0; i < 20; i++) {
        char *g = auth_password_generate();
        assert_int_equal(auth_password_policy(g, NULL, &why), DJ_OK);
        free(g);
    }
}

static void test_hash_and_verify(void **state)
{
    (void)state;
    char *h = auth_password_hash("Dangjian#2026");
    assert_non_null(h);
    assert_true(strncmp(h, "$argon2id$", 10) == 0);
    assert_true(auth_password_verify(h, "Dangjian#2026"));
    assert_false(auth_password_verify(h, "Dangjian#2027"));
    assert_false(auth_password_verify(NULL, "x"));
    /* OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane */
    assert_non_null(strstr(h, "$m=19456,t=2,p=1$"));
    assert_false(auth_password_needs_rehash(h));
    /* the PHC format both libraries write: libsodium reads this one (a server rolled back) */
    assert_int_equal(crypto_pwhash_str_verify(h, "Dangjian#2026", 13), 0);
    assert_int_not_equal(crypto_pwhash_str_verify(h, "Dangjian#2027", 13), 0);
    free(h);
    /* and libsodium's own (every hash stored before libargon2 did the work) is read here */
    char made[crypto_pwhash_STRBYTES];
    assert_int_equal(crypto_pwhash_str_alg(made, "Dangjian#2026", 13, 2, 19u * 1024 * 1024,
                                           crypto_pwhash_ALG_ARGON2ID13), 0);
    assert_true(auth_password_verify(made, "Dangjian#2026"));
    assert_false(auth_password_verify(made, "dangjian#2026"));
    assert_false(auth_password_needs_rehash(made));
    /* a damaged hash verifies nothing */
    made[strlen(made) - 3] = made[strlen(made) - 3] == 'A' ? 'B' : 'A';
    assert_false(auth_password_verify(made, "Dangjian#2026"));
    assert_false(auth_password_verify("$argon2id$v=19$m=19456,t=2,p=1$", "Dangjian#2026"));
    assert_false(auth_password_verify("", ""));
    /* a hash from before (libsodium's "interactive": 64 MiB) is rehashed at the next sign-in */
    char old[crypto_pwhash_STRBYTES];
    assert_int_equal(crypto_pwhash_str(old, "Dangjian#2026", 13, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                       crypto_pwhash_MEMLIMIT_INTERACTIVE), 0);
    assert_true(auth_password_needs_rehash(old));
    assert_true(auth_password_verify(old, "Dangjian#2026"));
}

static void test_session_expiry(void **state)
{
    (void)state;
    int64_t t0 = 1800000000;
    /* the limits as the settings say, read at each request */
    assert_false(auth_session_expired(true, t0, t0, t0 + 1800, "30", "12"));
    assert_true(auth_session_expired(true, t0, t0, t0 + 1801, "30", "12"));
    assert_true(auth_session_expired(true, t0, t0, t0 + 601, "10", "12")); /* a lowered idle limit */
    /* however active, an office session ends after its lifetime */
    assert_true(auth_session_expired(true, t0, t0 + 12 * 3600, t0 + 12 * 3600 + 1, "30", "12"));
    /* a member's phone: 7 days idle, 30 days in all (the defaults) */
    assert_false(auth_session_expired(false, t0, t0, t0 + 7 * 86400, NULL, NULL));
    assert_true(auth_session_expired(false, t0, t0, t0 + 7 * 86400 + 1, NULL, NULL));
    assert_true(auth_session_expired(false, t0, t0 + 30 * 86400, t0 + 30 * 86400 + 1, NULL, NULL));
}

static void test_tokens(void **state)
{
    (void)state;
    char a[65], b[65], h[65];
    auth_random_hex(a);
    auth_random_hex(b);
    assert_int_equal(strlen(a), 64);
    assert_string_not_equal(a, b);
    auth_token_hash("abc", h); /* SHA-256 test vector */
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_true(auth_csrf_equal(a, a));
    assert_false(auth_csrf_equal(a, b));
    assert_false(auth_csrf_equal("", ""));
    assert_false(auth_csrf_equal(a, NULL));
    assert_false(auth_csrf_equal("abc", "abcd"));
}

static void test_cookie_header(void **state)
{
    (void)state;
    char buf[80];
    const char *tok = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    char header[200];
    snprintf(header, sizeof header, "theme=red; dj_session=%s; lang=zh", tok);
    assert_string_equal(auth_cookie_value(header, "dj_session", buf, sizeof buf), tok);
    assert_string_equal(auth_cookie_value("dj_session=abc", "dj_session", buf, sizeof buf), "abc");
    assert_null(auth_cookie_value("xdj_session=abc; other=1", "dj_session", buf, sizeof buf));
    assert_null(auth_cookie_value("theme=red", "dj_session", buf, sizeof buf));
    assert_null(auth_cookie_value("dj_session=toolong", "dj_session", buf, 4)); /* does not fit: refused */
    assert_string_equal(auth_cookie_value("a=1;dj_session=", "dj_session", buf, sizeof buf), "");
}

static db_conn *db;

static int setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    db = db_open(":memory:", NULL);
    if (!db || dj_migrate(db, false) != DJ_OK)
        return -1;
    return auth_perms_load(db);
}

static int teardown(void **state)
{
    (void)state;
    auth_perms_free();
    db_close(db);
    return 0;
}

static void test_roles_are_data(void **state)
{
    (void)state;
    assert_true(auth_role_has("committee", "org.write"));
    assert_false(auth_role_has("member", "org.write"));
    assert_true(auth_role_has("auditor", "audit.read"));
    assert_false(auth_role_has("secretary", "audit.read"));
    assert_false(auth_role_has("nobody", "org.read"));
    /* a permission added as data is seen after a reload, with no code change */
    assert_int_equal(db_exec(db, "INSERT INTO role_perms (role, perm) VALUES ('member', 'test.perm')", ""), DJ_OK);
    assert_false(auth_role_has("member", "test.perm"));
    assert_int_equal(auth_perms_load(db), DJ_OK);
    assert_true(auth_role_has("member", "test.perm"));
}

static void test_scope_sql(void **state)
{
    (void)state;
    struct dj_grant grants[] = {
        {"secretary", 4, "/1/4/", "第一党支部"},
        {"secretary", 9, "/1/4/9/", "第一党小组"}, /* inside the first: folded away */
        {"member", 5, "/1/5/", "第二党支部"},       /* member has no person.private */
        {"secretary", 7, "/1/7/", "第三党支部"},
    };
    struct dj_user u = {.id = 1, .grants = grants, .ngrants = 4};
    dj_req r;
    memset(&r, 0, sizeof r);
    r.arena = dj_arena_new();
    r.user = &u;
    assert_string_equal(auth_scope_sql(&r, "person.private", "o.path"),
                        "(o.path >= '/1/4/' AND o.path < '/1/40' OR o.path >= '/1/7/' AND o.path < '/1/70')");
    assert_string_equal(auth_scope_sql(&r, "audit.read", "o.path"), "(1=0)");
    assert_true(auth_has_perm(&r, "person.write"));
    assert_false(auth_has_perm(&r, "org.write"));
    dj_arena_free(r.arena);
}

/* The range of a subtree holds exactly the paths that start with its path. */
static void test_path_end(void **state)
{
    (void)state;
    char end[16];
    auth_path_end("/1/4/", end, sizeof end);
    assert_string_equal(end, "/1/40");
    const char *paths[] = {"/1/", "/1/4", "/1/4/", "/1/4/9/", "/1/4/10/", "/1/40/", "/1/41/", "/1/5/", "/1/39/", "/2/"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        bool in = strcmp(paths[i], "/1/4/") >= 0 && strcmp(paths[i], end) < 0;
        assert_int_equal(in, strncmp(paths[i], "/1/4/", 5) == 0);
    }
    auth_path_end("/", end, sizeof end);
    assert_string_equal(end, "0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_end),
        cmocka_unit_test(test_password_policy),
        cmocka_unit_test(test_hash_and_verify),
        cmocka_unit_test(test_session_expiry),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_cookie_header),
        cmocka_unit_test(test_roles_are_data),
        cmocka_unit_test(test_scope_sql),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
