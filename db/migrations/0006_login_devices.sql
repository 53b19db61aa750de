-- 0006_login_devices.sql - browsers that have signed in to an account before (OWASP's
-- "device cookies").  A successful sign-in gives the browser a random token in a cookie
-- (dj_device, sent only to /api/v1/session); only its hash is kept here, with the login it
-- signed in to.  The next sign-in to that login that brings the token goes ahead of every
-- attempt from elsewhere in the hashing queue, so a flood of guesses from many addresses
-- cannot push a member's own phone out of it.  The token grants nothing else: the password
-- is checked and counted as for anyone.
CREATE TABLE login_devices (
    id INTEGER PRIMARY KEY, -- the order tokens were given in: the newest are kept
    token_hash TEXT NOT NULL UNIQUE,
    login TEXT NOT NULL,
    expires_at BIGINT NOT NULL -- epoch seconds
);
CREATE INDEX login_devices_login ON login_devices(login, expires_at);
