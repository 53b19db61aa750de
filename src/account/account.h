/* account.h - user accounts and their role grants: the rules behind the
 * session API, the user admin API and `dangjian user`. */
#ifndef DJ_ACCOUNT_H
#define DJ_ACCOUNT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/db.h"
#include "../core/http.h"

/* Creates a user with an already-hashed password. DJ_ECONFLICT when the login is taken. */
int account_user_create(db_conn *c, const char *login, const char *name, const char *password_hash,
                        int64_t person_id, bool must_change, int64_t *id_out);
int account_user_id(db_conn *c, const char *login, int64_t *id);
/* DJ_EINVAL for an unknown role, DJ_ENOTFOUND for an unknown org. Granting twice is fine. */
int account_grant(db_conn *c, int64_t user_id, const char *role, int64_t org_id);
int account_revoke(db_conn *c, int64_t user_id, const char *role, int64_t org_id);
/* Sets a new password hash, clears the lockout, ends the user's sessions except keep_token_hash. */
int account_set_password(db_conn *c, int64_t user_id, const char *hash, bool must_change,
                         const char *keep_token_hash);
/* {"user":{…},"grants":[…],"csrf_token":…} for the request's signed-in user. */
json_t *account_session_json(dj_req *r, const char *csrf);

/* Route tables of the subject. */
extern const struct dj_route session_routes[];
extern const struct dj_route audit_routes[];
extern const struct dj_route users_routes[];
extern const struct dj_route settings_routes[];

#endif
