-- 0004_login_throttle.sql - sign-in throttling kept in the database, so that several
-- servers on one PostgreSQL share it and a restart forgets nothing.  Instead of a hard
-- lock that anyone could trigger on anyone's account, each key earns a growing delay:
--   'p:LOGIN|ADDR'  one account from one address  (security.lockout_threshold free attempts,
--                   then 5 s, 10 s, 20 s … up to security.lockout_minutes)
--   'a:LOGIN'       one account from every address (security.account_threshold, then up to 1 min)
--   'i:ADDR'        one address against every account (security.address_threshold, then up to 1 min)
-- Unknown logins are keyed and delayed exactly as known ones (no enumeration).  An attempt
-- is counted before its password is hashed and given back when it succeeds.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,    -- attempts counted (since the key was last quiet for a while)
    delay BIGINT NOT NULL,       -- seconds the attempt after the last one must wait
    next_at BIGINT NOT NULL,     -- epoch seconds: no attempt is checked before this
    updated_at BIGINT NOT NULL   -- epoch seconds of the last attempt counted
);
CREATE INDEX login_throttle_updated ON login_throttle(updated_at);

INSERT INTO settings (key, value) VALUES
    ('security.account_threshold', '20'),
    ('security.address_threshold', '30');
