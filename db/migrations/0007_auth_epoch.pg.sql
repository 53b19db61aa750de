-- 0007_auth_epoch.pg.sql - PostgreSQL's spelling of 0007_auth_epoch.sql: one counter
-- that moves with every change that can end or alter a signed-in session (see there).
-- The columns are compared inside the functions, not named in the triggers: a trigger
-- that names a column would stop a later migration from changing its type (0122).
CREATE TABLE auth_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO auth_epoch (id, value) VALUES (1, 0);
CREATE FUNCTION auth_epoch_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE auth_epoch SET value = value + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;
-- a session changed other than by its touch forward
CREATE FUNCTION auth_epoch_session_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.last_seen < OLD.last_seen OR NEW.created_at <> OLD.created_at OR NEW.user_id <> OLD.user_id
       OR NEW.office <> OLD.office OR NEW.csrf <> OLD.csrf THEN
        UPDATE auth_epoch SET value = value + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END;
$$;
CREATE FUNCTION auth_epoch_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.login <> OLD.login OR NEW.name <> OLD.name OR NEW.person_id IS DISTINCT FROM OLD.person_id
       OR NEW.must_change_password <> OLD.must_change_password OR NEW.disabled <> OLD.disabled THEN
        UPDATE auth_epoch SET value = value + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END;
$$;
CREATE FUNCTION auth_epoch_org_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.path <> OLD.path OR NEW.name <> OLD.name THEN
        UPDATE auth_epoch SET value = value + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END;
$$;
CREATE FUNCTION auth_epoch_setting_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.key LIKE 'session.%' THEN
        UPDATE auth_epoch SET value = value + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END;
$$;
-- row by row for sessions, so that a statement deleting nothing moves nothing
CREATE TRIGGER auth_epoch_session_gone AFTER DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER auth_epoch_session_changed AFTER UPDATE ON sessions
    FOR EACH ROW EXECUTE FUNCTION auth_epoch_session_changed();
CREATE TRIGGER auth_epoch_user_changed AFTER UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION auth_epoch_user_changed();
CREATE TRIGGER auth_epoch_user_gone AFTER DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER auth_epoch_grant_changed AFTER INSERT OR UPDATE OR DELETE ON grants
    FOR EACH STATEMENT EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER auth_epoch_org_changed AFTER UPDATE ON orgs
    FOR EACH ROW EXECUTE FUNCTION auth_epoch_org_changed();
CREATE TRIGGER auth_epoch_setting_changed AFTER INSERT OR UPDATE ON settings
    FOR EACH ROW EXECUTE FUNCTION auth_epoch_setting_changed();
