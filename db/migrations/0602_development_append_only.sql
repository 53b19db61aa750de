-- 0602_development_append_only.sql - statutory history is append-only: no UPDATE or
-- DELETE reaches a step record, its people, its vote, a 公示 or an extension, also
-- against a bug in the code (SQLite triggers; the .pg.sql file is PostgreSQL's spelling).
CREATE TRIGGER dev_steps_no_update BEFORE UPDATE ON dev_steps
BEGIN
    SELECT RAISE(ABORT, 'dev_steps is append-only');
END;
CREATE TRIGGER dev_steps_no_delete BEFORE DELETE ON dev_steps
BEGIN
    SELECT RAISE(ABORT, 'dev_steps is append-only');
END;
CREATE TRIGGER dev_links_no_update BEFORE UPDATE ON dev_links
BEGIN
    SELECT RAISE(ABORT, 'dev_links is append-only');
END;
CREATE TRIGGER dev_links_no_delete BEFORE DELETE ON dev_links
BEGIN
    SELECT RAISE(ABORT, 'dev_links is append-only');
END;
CREATE TRIGGER dev_votes_no_update BEFORE UPDATE ON dev_votes
BEGIN
    SELECT RAISE(ABORT, 'dev_votes is append-only');
END;
CREATE TRIGGER dev_votes_no_delete BEFORE DELETE ON dev_votes
BEGIN
    SELECT RAISE(ABORT, 'dev_votes is append-only');
END;
CREATE TRIGGER dev_notices_no_update BEFORE UPDATE ON dev_notices
BEGIN
    SELECT RAISE(ABORT, 'dev_notices is append-only');
END;
CREATE TRIGGER dev_notices_no_delete BEFORE DELETE ON dev_notices
BEGIN
    SELECT RAISE(ABORT, 'dev_notices is append-only');
END;
CREATE TRIGGER dev_extensions_no_update BEFORE UPDATE ON dev_extensions
BEGIN
    SELECT RAISE(ABORT, 'dev_extensions is append-only');
END;
CREATE TRIGGER dev_extensions_no_delete BEFORE DELETE ON dev_extensions
BEGIN
    SELECT RAISE(ABORT, 'dev_extensions is append-only');
END;
