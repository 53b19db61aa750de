-- 0111_people_history_append_only.sql - statutory history is append-only: no UPDATE
-- or DELETE reaches a record of person_history (the .pg.sql file is PostgreSQL's spelling).
CREATE TRIGGER person_history_no_update BEFORE UPDATE ON person_history
BEGIN
    SELECT RAISE(ABORT, 'person_history is append-only');
END;
CREATE TRIGGER person_history_no_delete BEFORE DELETE ON person_history
BEGIN
    SELECT RAISE(ABORT, 'person_history is append-only');
END;
