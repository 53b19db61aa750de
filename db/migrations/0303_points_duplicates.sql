-- 0303_points_duplicates.sql - one deed, one award (issue 11): a claim for the same rule,
-- person and deed date as a pending or approved one is refused, unless the rule allows
-- several a day (several_a_day), when they count against its daily cap; and manual
-- entries carry the poster's idempotency key, so a form sent twice is one entry.
ALTER TABLE points_rules ADD COLUMN several_a_day INTEGER NOT NULL DEFAULT 0;

CREATE INDEX points_claims_deed ON points_claims(person_id, rule_code, occurred_on);

CREATE TABLE points_entry_keys (
    client_key TEXT PRIMARY KEY,         -- chosen by the client for one submission
    entry_id INTEGER NOT NULL REFERENCES points_ledger(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    rule_code TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
