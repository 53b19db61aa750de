/* test_anchor.c - the sealer (src/core/anchor.c) against a real database:
 * every audit row is linked once, in id order, across many batches; a row
 * committed late (an id below one already sealed, as a PostgreSQL sequence
 * can leave it) is found by the next pass; and the chain verifies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../../src/core/anchor.h"
#include "../../src/core/db.h"
#include "../../src/core/err.h"
#include "../../src/core/migrate.h"

static db_conn *db;
static unsigned char key[DJ_ANCHOR_KEY_BYTES];

static int setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    randombytes_buf(key, sizeof key);
    db = db_open(":memory:", NULL);
    return db && dj_migrate(db, false) == DJ_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

/* audit rows with ids [from, to], written at `at`, one id left out (0: none) */
static void add_rows(int64_t from, int64_t to, int64_t skip, const char *at)
{
    assert_int_equal(db_begin(db), DJ_OK);
    for (int64_t id = from; id <= to; id++) {
        if (id == skip)
            continue;
        assert_int_equal(db_exec(db,
                                 "INSERT INTO audit (id, at, login, action, entity, entity_id, after)"
                                 " VALUES ($1, $2, 'office', 'read', 'person', $1, '{\"n\":1}')",
                                 "it", id, at),
                         DJ_OK);
    }
    assert_int_equal(db_commit(db), DJ_OK);
}

static int64_t unsealed(void)
{
    int64_t n = -1;
    assert_int_equal(db_query_i64(db, &n,
                                  "SELECT COUNT(*) FROM audit a WHERE NOT EXISTS"
                                  " (SELECT 1 FROM chain_links k WHERE k.chain = 'audit' AND k.ref_id = a.id)",
                                  ""),
                     DJ_OK);
    return n;
}

static void assert_intact(void)
{
    struct dj_anchor_report r;
    assert_int_equal(dj_anchor_verify(db, key, NULL, &r), DJ_OK);
    json_decref(r.chains);
    if (!r.ok)
        fail_msg("chain broken: %s", r.problem);
}

static void test_batches_and_late_rows(void **state)
{
    (void)state;
    const char *at = "2026-06-01T02:00:00Z";
    int64_t n = -1, links = -1, dup = -1;
    /* the first pass: every row, 1,000 of them over four batches, id 300 not yet committed */
    add_rows(1, 1000, 300, at);
    assert_int_equal(dj_anchor_seal(db, key, "", &n), DJ_OK);
    assert_int_equal(n, 999);
    assert_int_equal(unsealed(), 0);
    /* id 300 commits late, beside 100 new rows: the next pass looks below the newest
     * sealed id and links it too */
    add_rows(300, 300, 0, at);
    add_rows(1001, 1100, 0, at);
    assert_int_equal(dj_anchor_seal(db, key, "2026-06-01T00:00:00Z", &n), DJ_OK);
    assert_int_equal(n, 101);
    assert_int_equal(unsealed(), 0);
    /* then many new rows in one pass: the batches after the first continue from the
     * last id sealed, and none is linked twice */
    add_rows(1101, 3000, 0, at);
    assert_int_equal(dj_anchor_seal(db, key, "2026-06-01T00:00:00Z", &n), DJ_OK);
    assert_int_equal(n, 1900);
    assert_int_equal(unsealed(), 0);
    assert_int_equal(db_query_i64(db, &links, "SELECT COUNT(*) FROM chain_links WHERE chain = 'audit'", ""), DJ_OK);
    assert_int_equal(links, 3000);
    assert_int_equal(db_query_i64(db, &dup,
                                  "SELECT COUNT(*) FROM (SELECT ref_id FROM chain_links WHERE chain = 'audit'"
                                  " GROUP BY ref_id HAVING COUNT(*) > 1) d",
                                  ""),
                     DJ_OK);
    assert_int_equal(dup, 0);
    /* a pass with nothing new seals nothing */
    assert_int_equal(dj_anchor_seal(db, key, "2026-06-01T00:00:00Z", &n), DJ_OK);
    assert_int_equal(n, 0);
    assert_intact();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batches_and_late_rows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
