-- 0301_points_append_only.sql - no UPDATE or DELETE reaches the points ledger, also
-- against a bug in the code (SQLite triggers; the .pg.sql file is PostgreSQL's spelling).
CREATE TRIGGER points_ledger_no_update BEFORE UPDATE ON points_ledger
BEGIN
    SELECT RAISE(ABORT, 'points_ledger is append-only');
END;
CREATE TRIGGER points_ledger_no_delete BEFORE DELETE ON points_ledger
BEGIN
    SELECT RAISE(ABORT, 'points_ledger is append-only');
END;
