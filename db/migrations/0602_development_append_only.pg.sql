-- 0602_development_append_only.pg.sql - PostgreSQL's spelling of
-- 0602_development_append_only.sql: statutory history is append-only.
CREATE FUNCTION dev_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER dev_steps_no_change BEFORE UPDATE OR DELETE ON dev_steps
    FOR EACH ROW EXECUTE FUNCTION dev_append_only();
CREATE TRIGGER dev_links_no_change BEFORE UPDATE OR DELETE ON dev_links
    FOR EACH ROW EXECUTE FUNCTION dev_append_only();
CREATE TRIGGER dev_votes_no_change BEFORE UPDATE OR DELETE ON dev_votes
    FOR EACH ROW EXECUTE FUNCTION dev_append_only();
CREATE TRIGGER dev_notices_no_change BEFORE UPDATE OR DELETE ON dev_notices
    FOR EACH ROW EXECUTE FUNCTION dev_append_only();
CREATE TRIGGER dev_extensions_no_change BEFORE UPDATE OR DELETE ON dev_extensions
    FOR EACH ROW EXECUTE FUNCTION dev_append_only();
