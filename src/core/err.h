/* err.h - the one error-code space of dangjian.
 *
 * Every function that can fail returns DJ_OK (0) or one of the negative codes
 * below.  The HTTP layer maps a code to a status and a machine-readable code
 * string; the human message (Chinese) travels separately, set where the
 * failure is understood (see dj_fail() in http.h). */
#ifndef DJ_ERR_H
#define DJ_ERR_H

enum dj_err {
    DJ_OK = 0,
    DJ_EINVAL = -1,      /* 400: the input is wrong; a field is named */
    DJ_EAUTH = -2,       /* 401: not signed in, or bad credentials */
    DJ_EFORBIDDEN = -3,  /* 403: signed in, but not allowed here */
    DJ_ENOTFOUND = -4,   /* 404 */
    DJ_ECONFLICT = -5,   /* 409: a uniqueness or state rule */
    DJ_ETOOLARGE = -6,   /* 413 */
    DJ_ELOCKED = -7,     /* 423: account locked after failed sign-ins */
    DJ_ERATE = -8,       /* 429: too many attempts */
    DJ_EBUSY = -9,       /* 503: overloaded or database busy; retry */
    DJ_EDB = -10,        /* 500: database failure */
    DJ_EINTERNAL = -11,  /* 500 */
    DJ_EMETHOD = -12,    /* 405 */
    DJ_EMEDIA = -13,     /* 415: wrong Content-Type */
    DJ_ECSRF = -14,      /* 403: missing or wrong X-CSRF-Token */
    DJ_EGONE = -15,      /* 410: expired (a check-in token, a session) */
    DJ_EUNPROCESSABLE = -16, /* 422: well-formed, but a business rule refuses it */
    DJ_EURI = -17,       /* 414: request target too long */
    DJ_EHEADERS = -18,   /* 431: request headers too large */
    DJ_ERANGE = -19,     /* 416: a Range outside the file */
    DJ_DEFERRED = -100,  /* not an error: the request continues on another thread */
};

/* HTTP status for an error code (200 for DJ_OK). */
int dj_err_status(int err);
/* Stable machine-readable code ("invalid", "forbidden", ...). */
const char *dj_err_code(int err);
/* A generic Chinese message for the code, used when none more precise was set. */
const char *dj_err_message(int err);

#endif
