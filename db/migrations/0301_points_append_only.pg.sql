-- 0301_points_append_only.pg.sql - PostgreSQL's spelling of 0301_points_append_only.sql:
-- no UPDATE or DELETE reaches the points ledger.
CREATE FUNCTION points_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'points_ledger is append-only';
END;
$$;
CREATE TRIGGER points_ledger_no_update BEFORE UPDATE ON points_ledger
    FOR EACH ROW EXECUTE FUNCTION points_ledger_append_only();
CREATE TRIGGER points_ledger_no_delete BEFORE DELETE ON points_ledger
    FOR EACH ROW EXECUTE FUNCTION points_ledger_append_only();
