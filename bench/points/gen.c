/* gen.c - fills a dangjian database (made by `dangjian init`) with a large agency for the
 * points benchmark: B branches of 100 members, N members, E entries per member, each
 * member's chain hashed exactly as the server does (points_entry_hash), the heads and the
 * totals per year/quarter/month consistent with the ledger.  Writes session tokens for
 * the first S members (for the HTTP load generator) to TOKENS.
 *
 *   gen DB MEMBERS ENTRIES_PER_MEMBER SESSIONS TOKENS */
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/core/auth.h"
#include "src/core/timeutil.h"
#include "src/points/points.h"

#define CHECK(x)                                                                                                \
    do {                                                                                                        \
        int rc_ = (x);                                                                                          \
        if (rc_ != SQLITE_OK && rc_ != SQLITE_DONE && rc_ != SQLITE_ROW) {                                      \
            fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, sqlite3_errmsg(db));                             \
            exit(1);                                                                                            \
        }                                                                                                       \
    } while (0)

static sqlite3 *db;

static sqlite3_stmt *prep(const char *sql)
{
    sqlite3_stmt *s;
    CHECK(sqlite3_prepare_v2(db, sql, -1, &s, NULL));
    return s;
}

static void step(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    CHECK(rc);
    sqlite3_reset(s);
}

static const char *codes[] = {"attend_branch_assembly", "attend_group_meeting", "attend_theme_day",
                              "attend_party_lecture", "study_hours", "volunteer_hours"};
#define NCODES 6

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: gen DB MEMBERS ENTRIES_PER_MEMBER SESSIONS TOKENS\n");
        return 2;
    }
    if (sodium_init() < 0)
        return 1;
    long members = atol(argv[2]), per = atol(argv[3]), sessions = atol(argv[4]);
    FILE *tok = fopen(argv[5], "w");
    CHECK(sqlite3_open(argv[1], &db));
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-2000000;"
                     "PRAGMA temp_store=MEMORY; DROP TRIGGER IF EXISTS points_ledger_no_update;",
                 NULL, NULL, NULL);
    int64_t rule_ids[NCODES];
    int64_t rule_pts[NCODES];
    for (int i = 0; i < NCODES; i++) {
        sqlite3_stmt *s = prep("SELECT id, points FROM points_rules WHERE code = ?1 ORDER BY version DESC LIMIT 1");
        sqlite3_bind_text(s, 1, codes[i], -1, SQLITE_STATIC);
        int rc = sqlite3_step(s);
        CHECK(rc);
        rule_ids[i] = sqlite3_column_int64(s, 0);
        rule_pts[i] = sqlite3_column_int64(s, 1);
        sqlite3_finalize(s);
    }
    int year;
    {
        int m, d;
        dj_local_date(dj_now(), &year, &m, &d);
    }
    const char *now = "2026-01-01T00:00:00Z";
    sqlite3_stmt *org = prep("INSERT INTO orgs (id, parent_id, kind, name, path, created_at, updated_at)"
                             " VALUES (?1, 1, 'branch', ?2, ?3, ?4, ?4)");
    sqlite3_stmt *per_s = prep("INSERT INTO people (id, name, org_id, party_status, phone, created_at, updated_at)"
                               " VALUES (?1, ?2, ?3, 'full', NULL, ?4, ?4)");
    sqlite3_stmt *led = prep("INSERT INTO points_ledger (person_id, seq, rule_id, rule_code, delta, source_type,"
                             " source_id, reverses_id, reason, occurred_at, created_by, approved_by, created_at,"
                             " prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?12, ?6, NULL, ?7, ?8, NULL,"
                             " NULL, ?9, ?10, ?11)");
    sqlite3_stmt *head = prep("INSERT INTO points_heads (person_id, seq, hash) VALUES (?1, ?2, ?3)");
    sqlite3_stmt *tot = prep("INSERT INTO points_totals (person_id, period, branch_id, agency_id, total, entries)"
                             " VALUES (?1, ?2, ?3, 1, ?4, ?5)");
    sqlite3_stmt *usr = prep("INSERT INTO users (login, name, password_hash, person_id, created_at)"
                             " VALUES (?1, ?2, 'x', ?3, ?4)");
    sqlite3_stmt *grant = prep("INSERT INTO grants (user_id, role, org_id) VALUES (?1, 'member', ?2)");
    sqlite3_stmt *sess = prep("INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen, idle_seconds)"
                              " VALUES (?1, ?2, ?3, ?4, ?4, 100000000)");
    long branches = (members + 99) / 100;
    time_t t0 = time(NULL);
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    for (long b = 0; b < branches; b++) {
        char name[64], path[64];
        snprintf(name, sizeof name, "第%ld党支部", b + 1);
        snprintf(path, sizeof path, "/1/%ld/", b + 100);
        sqlite3_bind_int64(org, 1, b + 100);
        sqlite3_bind_text(org, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(org, 3, path, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(org, 4, now, -1, SQLITE_STATIC);
        step(org);
    }
    srand(42);
    for (long p = 1; p <= members; p++) {
        int64_t branch = 100 + (p - 1) / 100;
        char name[32];
        snprintf(name, sizeof name, "党员%07ld", p);
        sqlite3_bind_int64(per_s, 1, p);
        sqlite3_bind_text(per_s, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(per_s, 3, branch);
        sqlite3_bind_text(per_s, 4, now, -1, SQLITE_STATIC);
        step(per_s);
        char prev[POINTS_HASH_HEX] = POINTS_GENESIS, hash[POINTS_HASH_HEX];
        int64_t ytot = 0, qtot[4] = {0}, mtot[12] = {0}, qn[4] = {0}, mn[12] = {0};
        for (long k = 0; k < per; k++) {
            int ci = (int)((p + k) % NCODES);
            int month = 1 + (int)(k % 11), day = 1 + (int)((p + k) % 28);
            int64_t at_t = dj_local_midnight(year, month, day) + 10 * 3600;
            char at[21];
            dj_time_iso(at_t, at);
            /* study: 1-3 points (hours, capped 3 a day); volunteer service: 1-8 hours */
            int64_t delta = ci == 4 ? 1 + rand() % 3 : ci == 5 ? 1 + rand() % 8 : rule_pts[ci];
            char reason[96];
            snprintf(reason, sizeof reason, "%s（%d年%d月%d日）", codes[ci], year, month, day);
            struct points_entry e = {
                .person_id = p, .seq = k + 1, .rule_id = rule_ids[ci], .rule_code = codes[ci], .delta = delta,
                .source_type = ci == 4 ? "study_hours" : ci == 5 ? "volunteer_hours" : "attendance", .source_id = 1000 + k, .reason = reason, .occurred_at = at,
                .created_at = at,
            };
            points_entry_hash(&e, prev, hash);
            sqlite3_bind_int64(led, 1, p);
            sqlite3_bind_int64(led, 2, k + 1);
            sqlite3_bind_int64(led, 3, rule_ids[ci]);
            sqlite3_bind_text(led, 4, codes[ci], -1, SQLITE_STATIC);
            sqlite3_bind_int64(led, 5, delta);
            sqlite3_bind_int64(led, 6, 1000 + k);
            sqlite3_bind_text(led, 7, reason, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(led, 8, at, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(led, 9, at, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(led, 10, prev, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(led, 11, hash, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(led, 12, e.source_type, -1, SQLITE_STATIC);
            step(led);
            memcpy(prev, hash, sizeof prev);
            ytot += delta;
            qtot[(month - 1) / 3] += delta;
            qn[(month - 1) / 3]++;
            mtot[month - 1] += delta;
            mn[month - 1]++;
        }
        sqlite3_bind_int64(head, 1, p);
        sqlite3_bind_int64(head, 2, per);
        sqlite3_bind_text(head, 3, prev, -1, SQLITE_TRANSIENT);
        step(head);
        char period[16];
        for (int i = 0; i < 17; i++) {
            int64_t v, n;
            if (i == 0) {
                snprintf(period, sizeof period, "%04d", year);
                v = ytot, n = per;
            } else if (i <= 4) {
                snprintf(period, sizeof period, "%04d-Q%d", year, i);
                v = qtot[i - 1], n = qn[i - 1];
            } else {
                snprintf(period, sizeof period, "%04d-%02d", year, i - 4);
                v = mtot[i - 5], n = mn[i - 5];
            }
            if (!n)
                continue;
            sqlite3_bind_int64(tot, 1, p);
            sqlite3_bind_text(tot, 2, period, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(tot, 3, branch);
            sqlite3_bind_int64(tot, 4, v);
            sqlite3_bind_int64(tot, 5, n);
            step(tot);
        }
        if (p <= sessions) {
            char login[32], token[65], th[65], csrf[65];
            snprintf(login, sizeof login, "m%ld", p);
            sqlite3_bind_text(usr, 1, login, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(usr, 2, name, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(usr, 3, p);
            sqlite3_bind_text(usr, 4, now, -1, SQLITE_STATIC);
            step(usr);
            int64_t uid = sqlite3_last_insert_rowid(db);
            sqlite3_bind_int64(grant, 1, uid);
            sqlite3_bind_int64(grant, 2, branch);
            step(grant);
            auth_random_hex(token);
            auth_random_hex(csrf);
            auth_token_hash(token, th);
            sqlite3_bind_text(sess, 1, th, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(sess, 2, uid);
            sqlite3_bind_text(sess, 3, csrf, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(sess, 4, (sqlite3_int64)time(NULL));
            step(sess);
            fprintf(tok, "%s\n", token);
        }
        if (p % 100000 == 0) {
            sqlite3_exec(db, "COMMIT; BEGIN", NULL, NULL, NULL);
            fprintf(stderr, "%ld members, %ld entries, %lds\n", p, p * per, (long)(time(NULL) - t0));
        }
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    /* the guard comes back: the bench database is append-only like any other */
    sqlite3_exec(db, "CREATE TRIGGER points_ledger_no_update BEFORE UPDATE ON points_ledger BEGIN"
                     " SELECT RAISE(ABORT, 'points_ledger is append-only'); END; ANALYZE;",
                 NULL, NULL, NULL);
    fprintf(stderr, "done: %ld members, %ld entries in %lds\n", members, members * per, (long)(time(NULL) - t0));
    fclose(tok);
    sqlite3_close(db);
    return 0;
}
