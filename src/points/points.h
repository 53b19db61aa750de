/* points.h - points (积分): rules as data, the append-only hash-chained ledger,
 * automatic awards from organisational life, claims, totals and rankings (issue 5).
 *
 * points.c holds the pure rules and the ledger (awards, reversals, the chain
 * and its verification, the consumer of life_events); points_claims.c the rule
 * catalogue and claims; points_query.c the read side (my score, ledgers,
 * rankings, the honour roll, XLSX); points_api.c the HTTP handlers. */
#ifndef DJ_POINTS_H
#define DJ_POINTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/anchor.h"
#include "../core/db.h"
#include "../core/http.h"

extern const struct dj_route points_routes[];
/* Adds this subject's part of the demo agency (inside the demo's transaction). */
int points_demo_load(db_conn *c, const char *password_hash);
/* `dangjian verify --db FILE`: 0 when every chain matches, 1 when one is broken, 2 on error. */
/* The ledger's seal chain (anchor.h): registered by the program. */
extern const struct dj_chain points_chains[];
/* The ledger's part of `dangjian verify`: sets "ok", "entries" and, when broken,
 * "first_bad" and "person_id" in out, and says what broke on stderr. */
int points_verify_print(db_conn *c, json_t *out);

/* ---------- pure rules ---------- */

#define POINTS_HASH_HEX 65
#define POINTS_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* The periods an instant belongs to in the Asia/Shanghai calendar:
 * "2026", "2026-Q1", "2026-03". */
void points_periods(int64_t t, char year[16], char quarter[16], char month[16]);

enum points_period_kind { POINTS_YEAR, POINTS_QUARTER, POINTS_MONTH };
/* Parses "2026", "2026-Q1" or "2026-03"; fills the kind and [start, end) as instants. */
int points_period_parse(const char *s, enum points_period_kind *kind, int64_t *start, int64_t *end);

/* A version of a rule, as stored in points_rules. Strings point into `buf`. */
struct points_rule {
    int64_t id, version;
    char code[64], name[128], category[32], source[24], activity_kind[48], effective_from[11];
    int64_t points, min_quantity;
    int64_t cap_day, cap_month, cap_year; /* 0: no cap */
    bool needs_approval, active;
    bool several_a_day; /* claims: more than one deed a day, within cap_day */
};

/* Points an event is worth under a rule: points per event for attendance,
 * claims and manual entries; points per hour for the *_hours sources, where
 * quantity is tenths of an hour: hours rounded half up, at least one hour once
 * the rule's minimum duration is met, nothing below it. */
int64_t points_amount(const struct points_rule *rule, int64_t quantity);

/* What a cap leaves of a positive delta, given what the member already has
 * under the rule in the day, month and year of the deed (cap 0: none).
 * Returns the points to give (0..delta) and, when it is less than delta,
 * which cap bit: 'd', 'm' or 'y' in *which. */
int64_t points_cap_clip(const struct points_rule *rule, int64_t delta, int64_t used_day, int64_t used_month,
                        int64_t used_year, char *which);

/* Dense ranking of scores already sorted in descending order: ties share a
 * rank and the next distinct score gets the next rank (100,100,90 -> 1,1,2).
 * first_rank is the rank of scores[0] (for a page that is not the first). */
void points_dense_rank(const int64_t *scores, size_t n, int64_t first_rank, int64_t *ranks);

/* The content of a ledger entry that its hash covers. */
struct points_entry {
    int64_t person_id, seq, rule_id;
    const char *rule_code;
    int64_t delta;
    const char *source_type;
    int64_t source_id, reverses_id; /* 0: none */
    const char *reason, *occurred_at, *created_at;
    int64_t created_by, approved_by; /* 0: none */
};
/* hash = hex SHA-256(prev_hash || canonical content); every text is length-prefixed,
 * so no choice of reason can make two different entries read the same. */
void points_entry_hash(const struct points_entry *e, const char *prev_hash, char out[POINTS_HASH_HEX]);

/* ---------- the ledger (points.c); call inside a transaction ---------- */

struct points_award {
    int64_t person_id;
    const char *rule_code;
    const char *source_type; /* attendance | study_hours | volunteer_hours | claim | manual */
    int64_t source_id;
    int64_t quantity;        /* 1 for one event; tenths of an hour for the *_hours sources
                              * (the consumer converts life_events' hours) */
    int64_t occurred_at;     /* when the deed was done */
    const char *reason;      /* NULL: from the rule */
    int64_t created_by, approved_by; /* users.id; 0: the automatic awarder / none */
};

struct points_result {
    int64_t entry_id;   /* the new entry; 0 when none was written */
    int64_t delta;
    bool duplicate;     /* the same award was given before: nothing written */
    char notice[200];   /* why no entry (or a reduced one), for the member; "" otherwise */
};

/* Awards points under the rule version in force on the deed's date. Idempotent per
 * (rule, member, source). A cap reached writes no entry, records a notice the member
 * sees, and returns DJ_OK with res->notice set. DJ_ENOTFOUND: no such rule in force. */
int points_award(db_conn *c, const struct points_award *a, struct points_result *res);

/* Appends the entry reversing entry_id; DJ_ENOTFOUND, DJ_ECONFLICT (already reversed,
 * or a correction itself). */
int points_reverse(db_conn *c, int64_t entry_id, const char *reason, int64_t user_id, int64_t *new_id);

struct points_verify {
    bool ok;
    int64_t entries;
    int64_t first_bad;   /* id of the first entry that no longer matches (0: none / chain emptied) */
    int64_t bad_person;
    char problem[160];
};
/* Walks every member's chain, its head, and the member's totals against the sums of
 * the entries. DJ_OK whether or not it is intact; first_bad 0 with ok false names a
 * member whose totals (or whole chain) no longer match. */
int points_verify_chain(db_conn *c, struct points_verify *v);

struct points_sync {
    int64_t events, awarded, skipped, duplicates;
};
/* Turns life_events not yet consumed into awards, inside the caller's transaction. */
int points_consume_events_tx(db_conn *c, struct points_sync *st);
/* The same with its own transactions (batches of 200 events); call after a check-in
 * or a closing has committed. st may be NULL. */
int points_consume_events(db_conn *c, struct points_sync *st);

/* Queues the awards of one member: a cluster-wide lock named for the member's
 * chain, taken BEFORE the transaction begins (so its snapshot sees the award
 * before it). Without it, concurrent SERIALIZABLE awards to one member on
 * PostgreSQL (several servers, many threads) fail and retry until some give up;
 * SQLite's BEGIN IMMEDIATE already queues them (the lock is granted at once).
 * name receives the lock's name for points_chain_unlock(); person_id 0: none. */
void points_chain_lock(db_conn *c, int64_t person_id, char name[40]);
void points_chain_unlock(db_conn *c, const char name[40]);

/* For the roster when a member moves to another branch (inside its transaction): the
 * member's totals rows rank with the new branch from now on. */
int points_member_moved(db_conn *c, int64_t person_id);

/* The member's branch (nearest branch-kind ancestor of their org) and agency (root). */
int points_person_orgs(db_conn *c, int64_t person_id, int64_t *branch_id, int64_t *agency_id);

/* Small look-ups for the handlers' permission checks: a person's org (0 when none;
 * DJ_ENOTFOUND for no such person), the member an entry belongs to, the first root org. */
int points_person_org(db_conn *c, int64_t person_id, int64_t *org_id);
int points_entry_person(db_conn *c, int64_t entry_id, int64_t *person_id);
int points_first_root(db_conn *c, int64_t *org_id);

/* ---------- rules and claims (points_claims.c) ---------- */

/* The version of code in force on date (YYYY-MM-DD). DJ_ENOTFOUND when none. */
int points_rule_at(db_conn *c, const char *code, const char *date, struct points_rule *out);
/* The catalogue: the current version of each rule (history too when all). */
json_t *points_rules_list(db_conn *c, bool all, int *err);
/* Adds a rule, or a new version of one (same code, later effective_from). in is validated
 * by the handler; *field names the offending field on DJ_EINVAL/DJ_ECONFLICT. */
int points_rule_save(db_conn *c, const json_t *in, int64_t user_id, int64_t *id, const char **field,
                     const char **msg);

/* A new claim, pending for the branch; under a rule that needs no approval it is
 * approved and recorded at once. One deed, one claim: a claim for the same rule,
 * person and deed date as a pending or approved one is DJ_ECONFLICT, with why
 * naming the earlier claim; under a rule that allows several a day, the claims of
 * the day count against its daily cap instead. Refusals put a Chinese message in
 * why (why_len bytes). */
int points_claim_create(db_conn *c, int64_t person_id, int64_t user_id, const char *rule_code,
                        const char *description, const char *occurred_on, int64_t *id, char *why, size_t why_len);
/* The claim's person and branch (for permission checks). */
json_t *points_claim_get(db_conn *c, int64_t id, int *err);
/* user_id 0: decided by the system (a rule without approval). */
int points_claim_decide(db_conn *c, int64_t id, int64_t user_id, bool approve, const char *reason,
                        struct points_result *res, const char **msg);
/* Claims of a person (mine) or in a scope (scope_sql over the branch's o.path). */
json_t *points_claims_list(db_conn *c, int64_t person_id, const char *scope_sql, const char *status,
                           int64_t limit, int64_t offset, int64_t *total, int *err);
/* A manual entry (扣分 …). client_key (8–64 characters, chosen by the poster for
 * one submission) makes it idempotent: the same key again answers the entry it
 * wrote (*replayed true) without writing; the key with another person or rule is
 * DJ_ECONFLICT. */
int points_manual_entry(db_conn *c, int64_t person_id, const char *rule_code, const char *reason,
                        int64_t occurred_at, int64_t user_id, const char *client_key, struct points_result *res,
                        bool *replayed);

/* ---------- the read side (points_query.c) ---------- */

struct points_settings {
    int64_t base;
    bool allow_negative;
};
void points_settings_load(db_conn *c, struct points_settings *s);
/* The displayed score of a year total (base + total, floored at 0 unless allowed). */
int64_t points_year_score(const struct points_settings *s, int64_t total);

/* Dense rank of a total among the members of a branch (col "branch_id") or an agency
 * ("agency_id") for a period, from the totals index alone. */
int points_rank(db_conn *c, const char *period, bool agency, int64_t scope_id, int64_t total, bool year,
                const struct points_settings *s, int64_t *rank);
/* My score: year/quarter/month totals, ranks in branch and agency, recent notices. */
json_t *points_me(db_conn *c, int64_t person_id, int64_t now, int *err);
json_t *points_ledger_list(db_conn *c, int64_t person_id, int64_t limit, int64_t offset, int64_t *total, int *err);
/* Members of an org subtree ranked for a period, with each branch's average: every branch
 * up to RANKINGS_BRANCHES (by id), else the RANKINGS_BRANCHES highest averages;
 * branches_total counts them all. */
#define RANKINGS_BRANCHES 50
json_t *points_rankings(db_conn *c, int64_t org_id, const char *period, int64_t limit, int64_t offset, int *err);
/* The top members of an agency (红榜). */
json_t *points_honour_roll(db_conn *c, int64_t agency_id, const char *period, int64_t limit, int *err);
/* An XLSX workbook of the rows: cols are {key, header} pairs ending with {NULL}.
 * *data is heap memory the caller frees. */
struct points_xlsx_col {
    const char *key, *header;
};
int points_xlsx(const char *sheet, const struct points_xlsx_col *cols, const json_t *rows, void **data, size_t *len);
/* The entries of every member under an org subtree (for the export). */
json_t *points_ledger_of_org(db_conn *c, const char *org_path, int *err);

/* Registers the points to-do provider (claims to decide, claims decided). */
void points_todos_register(void);
/* Registers claims with the file store (their evidence). */
void points_files_register(void);

#endif
