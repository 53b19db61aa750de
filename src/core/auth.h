/* auth.h - passwords, sessions, roles and the organisation scope.
 *
 * Roles are data: the table role_perms says which permissions a role has,
 * and a grant gives a user a role on one organisation node, reaching that
 * node's subtree (orgs.path is the materialised path "/1/4/9/").  Handlers
 * ask auth_require(r, "org.write", org_id) for a given organisation, or use
 * auth_scope_sql() to filter a list to what the caller may see. */
#ifndef DJ_AUTH_H
#define DJ_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "http.h"

#define DJ_SESSION_COOKIE "dj_session"

/* --- passwords (argon2id through libargon2; libsodium reads older argon2i hashes) --- */
/* DJ_OK when pw meets the policy: 8 to 128 characters mixing three of upper,
 * lower, digit and symbol, not containing the login (when given, 3+ letters),
 * not on the list of common passwords.  Else DJ_EINVAL and *why says what is
 * wrong (a Chinese sentence starting with "新密码"). */
int auth_password_policy(const char *pw, const char *login, const char **why);
/* A heap string in the PHC format (libsodium's crypto_pwhash_str writes the
 * same): argon2id with 19 MiB and 2 passes (OWASP's minimum). Slow: not on a request thread. */
char *auth_password_hash(const char *pw);
bool auth_password_verify(const char *hash, const char *pw);
/* A stored argon2id hash made with other parameters: rehash it at the next sign-in. */
bool auth_password_needs_rehash(const char *hash);
/* Spends the same time as a verify, for unknown logins (no timing oracle). */
void auth_password_dummy_verify(const char *pw);
/* A random password that meets the policy (for init and demo); heap string. */
char *auth_password_generate(void);

/* --- tokens and sessions --- */
/* 32 random bytes as 64 hex characters. */
void auth_random_hex(char out[65]);
/* SHA-256 of a token, hex. Only the hash of a session token is stored. */
void auth_token_hash(const char *token, char out[65]);
bool auth_csrf_equal(const char *a, const char *b);
/* Whether a session is over: idle longer than idle_min minutes, or older than
 * max_life (hours for an office session, days for a member's).  The limits as
 * the settings hold them; NULL gives the defaults (30 min / 12 h, 7 days / 30 days). */
bool auth_session_expired(bool office, int64_t created, int64_t last_seen, int64_t now, const char *idle_min,
                          const char *max_life);
/* Creates a session for user; writes the token (for the cookie) and its CSRF token. */
int auth_session_create(db_conn *c, int64_t user_id, char token[65], char csrf[65]);
/* Reads the session cookie, checks idle expiry, fills r->user (NULL when
 * anonymous or expired). Errors only for database failures. */
int auth_load_session(dj_req *r);
/* Empties the session cache at once in this process (other processes see the
 * change through auth_epoch within a second): call after a change to sessions,
 * users or grants (sign-out, password, roles, disabling an account). */
void auth_cache_invalidate(void);
/* Frees the session cache (at the server's stop). */
void auth_cache_free(void);
/* Fills r->user for user_id (after a sign-in). */
int auth_load_user(dj_req *r, int64_t user_id, const char *csrf, const char *token_hash);
/* The value of cookie name in a Cookie header, copied into buf; NULL when
 * absent or longer than buf. */
const char *auth_cookie_value(const char *cookies, const char *name, char *buf, size_t bufsz);
/* Session touches (last_seen) are written by one thread, a second's worth per
 * transaction; start it with the server, stop it (after a final write) at exit. */
void auth_touch_start(void);
void auth_touch_stop(void);
/* Queues last_seen = at for a session (written now when no thread runs). */
void auth_touch_queue(db_conn *c, const char *hash, int64_t at);
/* Set-Cookie value for a token ("" clears the cookie). */
char *auth_cookie(dj_req *r, const char *token);

/* --- roles and permissions --- */
/* Loads role_perms into memory (roles change by migration, not at run time). */
int auth_perms_load(db_conn *c);
void auth_perms_free(void);
bool auth_role_has(const char *role, const char *perm);
/* Has the user perm through any grant? */
bool auth_has_perm(dj_req *r, const char *perm);
/* May the user use perm on org_id (a grant with perm on org_id or an ancestor)? */
bool auth_can(dj_req *r, const char *perm, int64_t org_id);
/* May the user use perm on the organisation with this materialised path? */
bool auth_can_path(dj_req *r, const char *perm, const char *path);
/* DJ_OK, or DJ_EFORBIDDEN (DJ_ENOTFOUND for an unknown org) with the message set. */
int auth_require(dj_req *r, const char *perm, int64_t org_id);
/* An SQL condition limiting path_col (an orgs.path column) to the subtrees
 * where the user has perm, e.g. "(o.path >= '/1/4/' AND o.path < '/1/40')";
 * "(1=0)" for none.  Paths are digits and slashes only, so the text is safe to
 * splice. */
char *auth_scope_sql(dj_req *r, const char *perm, const char *path_col);
/* The first path after the subtree of path: its last byte raised ("/1/4/" ->
 * "/1/40", as '0' follows '/').  A path p lies in the subtree when
 * path <= p < end, in byte order: SQLite's BINARY, and on PostgreSQL the "C"
 * collation of orgs.path (migration 0122), so an index on orgs.path finds a
 * subtree without reading every organisation.  Inside SQL, where the root's
 * path is a column or a parameter, the same subtree is written
 * "p >= x AND p < x || ':'": paths hold only digits and slashes, and ':'
 * follows both in byte order, so the range holds exactly the paths that start
 * with x (never "p LIKE x || '%'", which no index answers on SQLite). */
void auth_path_end(const char *path, char *end, size_t size);
/* The org's path; DJ_ENOTFOUND when there is no such org. Heap string.
 * Kept in the process while orgs is not written (org_path.c). */
int auth_org_path(db_conn *c, int64_t org_id, char **path);

/* The key of an answer made for the signed-in user alone (readcache.h's
 * dj_rcache_user_text): what, the user and their person, every grant (role
 * and organisation path: a grant given or taken, a subtree moved, makes
 * another key) and today's date in the agency's time zone.  Heap string. */
char *auth_user_key(dj_req *r, const char *what);

/* Sign-in throttling lives in throttle.h (in the database, shared by every server). */

#endif
