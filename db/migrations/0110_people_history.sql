-- 0110_people_history.sql - a person's membership history (issue 17): every branch
-- they belonged to and every party status they held, each from a day, with the event
-- that changed it (development step, transfer, death, 退党, 除名, 开除党籍, 停止党籍).
-- people.org_id, people.party_status and people.active are its projection, written in
-- the same transaction as each record. Append-only (0111): a correction is a new
-- record that names the one it corrects and says why.
CREATE TABLE person_history (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    kind TEXT NOT NULL,            -- branch (org_id from on_date; NULL: left the agency), status
    org_id INTEGER REFERENCES orgs(id),
    status TEXT,                   -- kind status: applicant … full, none; or an end: dead, withdrawn, removed, expelled, stopped
    on_date TEXT NOT NULL,         -- YYYY-MM-DD it took effect
    event TEXT NOT NULL,           -- initial, created, imported, development, transfer_internal, transfer_out,
                                   -- transfer_in, death, withdrawal, removal, expulsion, stopped, roster
    ref_kind TEXT,                 -- the record that caused it: transfer, dev_application
    ref_id INTEGER,
    document TEXT,                 -- the decision's document (文号)
    note TEXT,
    corrects_id INTEGER REFERENCES person_history(id),
    recorded_by INTEGER REFERENCES users(id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX person_history_person ON person_history(person_id, kind, on_date);
CREATE INDEX person_history_org ON person_history(org_id, on_date);

-- Everyone already on the roster starts their history where the roster knows it:
-- the branch and status they hold, from the day they joined (or were recorded).
INSERT INTO person_history (person_id, kind, org_id, on_date, event, recorded_at)
    SELECT id, 'branch', org_id, COALESCE(joined_on, substr(created_at, 1, 10)), 'initial', created_at
    FROM people WHERE org_id IS NOT NULL;
INSERT INTO person_history (person_id, kind, status, on_date, event, recorded_at)
    SELECT id, 'status', party_status, COALESCE(full_on, joined_on, substr(created_at, 1, 10)), 'initial', created_at
    FROM people;
