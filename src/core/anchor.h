/* anchor.h - tamper evidence that a database owner cannot forge.
 *
 * A hash chain inside the database (the points ledger's) proves nothing to
 * someone who can rewrite the database: they rewrite a row and recompute
 * every hash after it.  So the rows of each registered chain are sealed, in
 * the order they are sealed, into chain_links, each link a keyed MAC
 * (HMAC-SHA-256) over the row's own hash and the link before it.  The key is
 * kept outside the database, in the file given by --key-file (created by
 * `dangjian init`).  Without the key no link can be recomputed, so `dangjian
 * verify` names the first row changed or removed after it was sealed.
 *
 * The newest rows could still be cut off together with their links; against
 * that, checkpoints (the head of every chain, MACed and chained) are written
 * now and then and exported to a file the 审计管理员 keeps: verify checks the
 * database still holds every head that file names.
 *
 * The core seals its own audit trail ("audit"); subjects register theirs
 * (the points ledger, "ledger"). */
#ifndef DJ_ANCHOR_H
#define DJ_ANCHOR_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db.h"

#define DJ_ANCHOR_KEY_BYTES 32

struct dj_chain {
    const char *name;        /* "audit", "ledger" */
    const char *label;       /* "审计记录", "积分流水" */
    /* Rows not yet sealed with ids above $3, oldest first, at most $2 of
     * them; when $3 is 0 (nothing sealed yet, or no bound known), those
     * written at or after $1 (ISO time; "" for all).  The id bound leads
     * ("id > $3 AND ($3 > 0 OR at >= $1)"), and the links looked up are
     * bounded by it too ("k.ref_id > $3"), so that PostgreSQL's plan for any
     * parameters walks both keys from $3 (a merge of the window), not a day
     * of rows by time nor the whole chain's links, sorted.  Column 0 is the row's id, the rest what row_hash reads.  A
     * string literal (prepared once). */
    const char *pending_sql;
    /* The same columns for the row with id $1 (no row when it is gone). */
    const char *row_sql;
    /* The hash (64 hex) of the current row's content as it stands. */
    void (*row_hash)(db_stmt *s, char out[65]);
};

/* Registers chains (a table ending with {0}); the core registers "audit". */
void dj_anchor_add(const struct dj_chain *table);

/* Reads a key file (64 hex characters); DJ_OK or DJ_ENOTFOUND/DJ_EINVAL with a
 * message on stderr. */
int dj_anchor_key_read(const char *path, unsigned char key[DJ_ANCHOR_KEY_BYTES]);
/* Creates a new random key file (mode 0600); fails when it exists. */
int dj_anchor_key_create(const char *path);
/* The key file beside a SQLite database ("data/dangjian.db" → "data/dangjian.db.key");
 * NULL for a PostgreSQL URL (say --key-file). Heap string. */
char *dj_anchor_default_key_path(const char *db);

/* The key for db: key_file when given (an error when it cannot be read), else
 * the default file beside a SQLite database when it exists.  *found says
 * whether there is a key at all; DJ_OK or an error (said on stderr). */
int dj_anchor_key_find(const char *db, const char *key_file, unsigned char key[DJ_ANCHOR_KEY_BYTES], bool *found);

/* Seals what is new in every chain, each in its own transaction: the rows
 * above the newest sealed id (and up to 10,000 ids below it, for rows that
 * committed late); while the newest sealed id is under 10,000, the rows written at or after
 * since ("" for all).  *sealed (may be NULL) gets the count. */
int dj_anchor_seal(db_conn *c, const unsigned char *key, const char *since, int64_t *sealed);
/* Writes a checkpoint of every chain's head (after sealing). */
int dj_anchor_checkpoint(db_conn *c, const unsigned char *key, int64_t *id);
/* Every checkpoint, oldest first: the file the auditor keeps. New reference. */
json_t *dj_anchor_checkpoints(db_conn *c, int *err);

/* What verify found. */
struct dj_anchor_report {
    bool ok;
    const char *chain;       /* where it broke (a registered name), or NULL */
    int64_t ref_id;          /* the row (audit id, ledger entry id) named, 0 when none */
    int64_t seq;             /* the link */
    char problem[240];       /* Chinese, for the operator */
    json_t *chains;          /* {"audit": {"links": N, "unsealed": M}, ...}; owned by the caller */
    int64_t checkpoints;
};
/* Walks every chain's links with the key, then the checkpoints in the
 * database and those in kept (the auditor's file, an array as exported;
 * may be NULL).  DJ_OK whether or not all is intact (see r->ok). */
int dj_anchor_verify(db_conn *c, const unsigned char *key, const json_t *kept, struct dj_anchor_report *r);

/* The sealing thread of `serve`: seals every second, writes a checkpoint
 * every ten minutes when a head moved, and once more when stopped. */
void dj_anchor_start(const unsigned char key[DJ_ANCHOR_KEY_BYTES]);
void dj_anchor_stop(void);
/* The key `serve` runs with, or NULL (for the export API). */
const unsigned char *dj_anchor_key(void);

#endif
