-- 0800_transfers.sql - 组织关系转接 (issue 17): moves within the agency, 介绍信 out of
-- it with their 回执, letters from outside registered and placed; 流动党员 and the
-- contacts the branch keeps with them.

-- One transfer. kind internal: between the agency's own branches, done at once by
-- the committee office; out: a 介绍信 to an organisation outside (draft → issued →
-- reported → done on the 回执; withdrawn); in: a letter from outside (registered →
-- done when the member is placed, with the 回执 we return).
CREATE TABLE transfers (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,                 -- internal, out, in
    state TEXT NOT NULL,                -- draft, issued, registered, reported, done, withdrawn
    person_id INTEGER REFERENCES people(id),  -- in: set when placed
    person_name TEXT NOT NULL,          -- as on the letter
    party_status TEXT,                  -- as on the letter: full, probationary
    from_org_id INTEGER REFERENCES orgs(id),
    to_org_id INTEGER REFERENCES orgs(id),
    outside_org TEXT,                   -- out: the receiving organisation; in: the issuing one
    letter_no TEXT,                     -- out: our number (when issued); in: theirs
    issued_on TEXT,                     -- YYYY-MM-DD
    valid_until TEXT,                   -- at most 3 months after issued_on (renewed: the new day)
    dues_paid_until TEXT,               -- YYYY-MM: dues paid up to this month
    dues_override TEXT,                 -- why the committee issued it with dues owed
    reason TEXT,                        -- 调动, 退休, 毕业 …
    on_date TEXT,                       -- internal: the move; in: placed on
    reported_on TEXT,                   -- 报到: the member reported to the receiving side
    receipt_no TEXT,                    -- out: their 回执's number; in: the number of ours
    receipt_on TEXT,
    receipt_file TEXT,                  -- the scanned 回执 (file store id)
    renewed_on TEXT,                    -- renewed once: when, why, and the old last day
    renew_reason TEXT,
    renewed_from TEXT,
    withdrawn_on TEXT,
    withdraw_reason TEXT,
    person_data TEXT,                   -- in: the member's data from the letter (JSON)
    client_key TEXT,                    -- the client's idempotency key
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX transfers_client_key ON transfers(client_key);
CREATE UNIQUE INDEX transfers_letter_out ON transfers(letter_no) WHERE kind = 'out';
CREATE UNIQUE INDEX transfers_receipt_in ON transfers(receipt_no) WHERE kind = 'in';
CREATE INDEX transfers_person ON transfers(person_id);
CREATE INDEX transfers_from ON transfers(from_org_id, state);
CREATE INDEX transfers_to ON transfers(to_org_id, state);
-- at most one open transfer of a person at a time
CREATE UNIQUE INDEX transfers_open ON transfers(person_id) WHERE state IN ('draft', 'issued', 'reported');

-- The numbers of letters (series letter) and receipts (series receipt) by year.
CREATE TABLE transfer_numbers (
    series TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (series, year)
);

-- 流动党员: away for 6 months or more, kept in the branch's care.
CREATE TABLE flow_members (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),  -- the branch that keeps them
    place TEXT NOT NULL,                -- where they are
    since TEXT NOT NULL,                -- YYYY-MM-DD
    contact TEXT,                       -- how to reach them
    card_no TEXT,                       -- 流动党员活动证 number
    reason TEXT,                        -- 外出务工, 借调, 学习 …
    ended_on TEXT,                      -- back (or transferred)
    end_reason TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX flow_members_open ON flow_members(person_id) WHERE ended_on IS NULL;
CREATE INDEX flow_members_org ON flow_members(org_id);

-- The branch's contacts with a 流动党员 (at least once a quarter).
CREATE TABLE flow_contacts (
    id INTEGER PRIMARY KEY,
    flow_id INTEGER NOT NULL REFERENCES flow_members(id),
    contacted_on TEXT NOT NULL,
    way TEXT NOT NULL,                  -- phone, visit, online, letter
    note TEXT,
    client_key TEXT,
    recorded_by INTEGER REFERENCES users(id),
    recorded_at TEXT NOT NULL
);
CREATE UNIQUE INDEX flow_contacts_key ON flow_contacts(flow_id, client_key);
CREATE INDEX flow_contacts_flow ON flow_contacts(flow_id, contacted_on);

-- transfer.manage: the committee office issues, registers and moves; transfer.read:
-- who sees them; flow.manage: the branch keeps its 流动党员; person.history: the
-- membership history and the events that end a membership.
INSERT INTO role_perms (role, perm) VALUES
    ('committee', 'transfer.manage'),
    ('committee', 'transfer.read'),
    ('committee', 'flow.manage'),
    ('committee', 'person.end'),
    ('secretary', 'transfer.read'),
    ('secretary', 'flow.manage'),
    ('discipline', 'transfer.read'),
    ('leader', 'transfer.read');

INSERT INTO settings (key, value) VALUES
    ('transfers.letter_months', '3'),
    ('transfers.lost_contact_months', '6');
