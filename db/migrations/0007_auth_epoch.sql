-- 0007_auth_epoch.sql - one counter that moves with every change that can end or
-- alter a signed-in session: a session deleted (logout, password change, expiry) or
-- changed other than by its touch forward, a user renamed or disabled, a grant given or
-- taken, an organisation renamed or moved, a session setting changed.  Each server keeps
-- the sessions it has read in memory and reads this counter a few times a second: when it
-- has moved (on this server or another behind the same nginx) the memory is dropped, so
-- such a change reaches every server within a second while a session's own requests do
-- not read the database each time (src/core/auth.c, the session cache).
-- Triggers, not calls in the code, so that no write path can forget it.
-- The .pg.sql file is PostgreSQL's spelling.
CREATE TABLE auth_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO auth_epoch (id, value) VALUES (1, 0);
CREATE TRIGGER auth_epoch_session_gone AFTER DELETE ON sessions
BEGIN
    UPDATE auth_epoch SET value = value + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_epoch_session_changed AFTER UPDATE ON sessions
WHEN NEW.last_seen < OLD.last_seen OR NEW.created_at <> OLD.created_at OR NEW.user_id <> OLD.user_id
    OR NEW.office <> OLD.office OR NEW.csrf <> OLD.csrf
BEGIN
    UPDATE auth_epoch SET value = value + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_epoch_user_changed AFTER UPDATE OF login, name, person_id, must_change_password, disabled ON users
BEGIN
    UPDATE auth_epoch SET value = value + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_epoch_user_gone AFTER DELETE ON users
BEGIN
    UPDATE auth_epoch SET value = value + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_epoch_grant_given AFTER INSERT ON grants
BEGIN
    UPDATE auth_epoch SET value = value + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_epoch_grant_changed AFTER UPDATE ON grants
BEGIN
    UPDATE auth_epoch SET value = value + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_epoch_grant_taken AFTER DELETE ON grants
BEGIN
    UPDATE auth_epoch SET value = value + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_epoch_org_changed AFTER UPDATE OF path, name ON orgs
BEGIN
    UPDATE auth_epoch SET value = value + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_epoch_setting_added AFTER INSERT ON settings WHEN NEW.key LIKE 'session.%'
BEGIN
    UPDATE auth_epoch SET value = value + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_epoch_setting_changed AFTER UPDATE ON settings WHEN NEW.key LIKE 'session.%'
BEGIN
    UPDATE auth_epoch SET value = value + 1 WHERE id = 1;
END;
