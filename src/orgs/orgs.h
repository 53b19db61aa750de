/* orgs.h - the 党工妇青 organisation tree: kinds, terms (换届), officers by
 * post, branch brands (一支部一品牌) and the warnings computed from them
 * (DOMAIN.md §2).  Rules are pure functions (orgs_warnings, orgs_parent_ok,
 * ...); the data layer below them reads and writes orgs, org_officers and
 * org_terms. */
#ifndef DJ_ORGS_H
#define DJ_ORGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/db.h"
#include "../core/http.h"

extern const struct dj_route orgs_routes[];
/* Adds this subject's part of the demo agency (inside the demo's transaction). */
int orgs_demo_load(db_conn *c, const char *password_hash);

/* --- kinds and posts --- */
/* committee 机关党委, general_branch 党总支, branch 党支部, group 党小组,
 * union 工会, women 妇委会, youth 团组织. NULL-terminated. */
extern const char *const orgs_kinds[];
/* secretary 书记, deputy_secretary 副书记, organization 组织委员, propaganda 宣传委员,
 * discipline 纪检委员, group_leader 党小组组长, chair 主席/书记, vice_chair 副主席. */
extern const char *const orgs_posts[];
bool orgs_kind_valid(const char *kind);
/* A party organisation (committee, general_branch, branch, group). */
bool orgs_kind_is_party(const char *kind);
/* union, women or youth. */
bool orgs_kind_is_mass(const char *kind);
/* Chinese names, for messages; the code itself when unknown. */
const char *orgs_kind_label(const char *kind);
const char *orgs_post_label(const char *post);
/* May an organisation of kind sit under one of parent_kind (NULL: the root)? */
bool orgs_parent_ok(const char *kind, const char *parent_kind);
/* Is post an officer post of an organisation of kind? */
bool orgs_post_allowed(const char *kind, const char *post);
/* Posts held by one person at most per organisation (书记, 主席, 纪检委员, 组长). */
bool orgs_post_single(const char *post);
/* A 支委会 post (the five of Art. 7): counts towards the committee's size. */
bool orgs_post_is_committee(const char *post);

/* --- warnings (pure) --- */
struct orgs_facts {
    const char *kind;
    int full_members;      /* 正式党员 in the subtree */
    int party_members;     /* 正式 + 预备 */
    int committee_members; /* distinct people holding a 支委会 post */
    bool has_discipline;   /* a 纪检委员 is in post */
    const char *term_end;  /* YYYY-MM-DD or NULL */
    bool dissolved;
};

#define ORGS_MAX_WARNINGS 6
struct orgs_warning {
    const char *code; /* no_committee, no_discipline_member, too_few_members, too_many_members, term_ending, term_ended */
    char message[256];
};

/* Fills out[] with the warnings that hold for f on the day today (days since
 * 1970-01-01, Asia/Shanghai); ending_days is the 换届提醒 window (90).
 * Returns how many. */
int orgs_warnings(const struct orgs_facts *f, int64_t today, int ending_days,
                  struct orgs_warning out[ORGS_MAX_WARNINGS]);
/* Today in Asia/Shanghai as days since the epoch. */
int64_t orgs_today(void);

/* --- data --- */
/*
 * The organisations whose path satisfies scope_sql (an SQL condition on
 * "o.path", from auth_scope_sql(); NULL: all), each with its officers, member
 * counts and warnings.  only_id > 0 limits the list to that organisation.
 * Dissolved ones only when with_dissolved.  NULL on a database error.
 */
json_t *orgs_list(db_conn *c, const char *scope_sql, int64_t only_id, bool with_dissolved, int *err);
/* One organisation as orgs_list shows it; NULL with *err = DJ_ENOTFOUND when absent. */
json_t *orgs_get(db_conn *c, int64_t id, int *err);
/* Warnings another subject adds to the tree (members in arrears with party dues,
 * ...), so the tree does not depend on it: orgs_list calls each provider with the
 * organisations it lists, and a provider appends {"code","message"} to the
 * "warnings" array of those it has something to say about.  Register before
 * serving (from app_routes_register); at most 8. */
typedef int (*orgs_warning_provider)(db_conn *c, json_t *orgs);
void orgs_warning_provider_add(orgs_warning_provider fn);

/* Its warnings as {"items":[{"code","message"}]}. */
json_t *orgs_warnings_json(db_conn *c, int64_t id, int *err);

/* The terms (换届 history) of an organisation, newest first. */
json_t *orgs_terms(db_conn *c, int64_t id, int *err);

/* Why a change was refused: the field and a Chinese message (static or in msg). */
struct orgs_err {
    const char *field;
    char message[200];
};

/* Creates an organisation from a validated object (parent_id, kind, name, ...).
 * Inside the caller's transaction. */
int orgs_create(db_conn *c, const json_t *in, int64_t *id_out, struct orgs_err *e);
/* Applies a validated change (name, sort, set_up_on, term_start/term_end,
 * brand_*, parent_id (move: the subtree's paths follow), dissolved_on,
 * officers). Inside the caller's transaction. */
int orgs_update(db_conn *c, int64_t id, const json_t *in, struct orgs_err *e);
/* Replaces the officers of org with items [{"post","person_id","since"?}]. */
int orgs_set_officers(db_conn *c, int64_t org_id, const char *kind, const json_t *officers, struct orgs_err *e);

/* --- subtree aggregates (org_stats, orgs_stats.c), kept in the writer's transaction --- */
/* Takes a member's contribution out (sign -1, before a write that changes their org,
 * party status or active flag) or puts it in (+1, after it; after an insert). */
int orgs_stats_person(db_conn *c, int64_t person_id, int sign);
/* An award's delta to the member's 'earned' rows of the given periods (sorted). */
int orgs_stats_earned(db_conn *c, int64_t person_id, char periods[][16], int nperiods, int64_t delta);
/* A subtree moved from old_path to new_path: its rows leave the old ancestors for the new. */
int orgs_stats_move(db_conn *c, int64_t org_id, const char *old_path, const char *new_path);
/* Recomputes every row from the base tables (bench data, the demo). */
int orgs_stats_rebuild(db_conn *c);
/* A bulk loader (the demo) turns the per-write upkeep off on its thread while it writes
 * thousands of awards, and calls orgs_stats_rebuild in the same transaction before it
 * commits (on PostgreSQL each upkeep updates the same ancestor rows again: 120,000 of
 * them took a third of the demo's time). */
void orgs_stats_defer(bool on);

#endif
