-- 0111_people_history_append_only.pg.sql - PostgreSQL's spelling of
-- 0111_people_history_append_only.sql: statutory history is append-only.
CREATE FUNCTION person_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER person_history_no_change BEFORE UPDATE OR DELETE ON person_history
    FOR EACH ROW EXECUTE FUNCTION person_history_append_only();
