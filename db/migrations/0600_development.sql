-- 0600_development.sql - 发展党员 (issue 15): applications, their step records (the
-- 25 steps of 《中国共产党发展党员工作细则》), 培养联系人 and 入党介绍人, 公示 notices,
-- 支部党员大会 votes, extensions of probation, and the documents of a step.
-- Statutory history is append-only (0602): a step is corrected by a new record that
-- names the one it replaces and says why, never by editing.

-- One application (入党申请) of one person; at most one open at a time. The columns
-- after `legacy_before` are a projection of the step records, refreshed in the same
-- transaction as every record, so lists and the board need no replay.
CREATE TABLE dev_applications (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),   -- the branch (or group) developing the person
    state TEXT NOT NULL DEFAULT 'open',            -- open, finished (转正 and archived), stopped
    legacy_before INTEGER NOT NULL DEFAULT 0,      -- imported: steps before it were done before the platform
    imported INTEGER NOT NULL DEFAULT 0,
    stage INTEGER NOT NULL DEFAULT 1,              -- 1..5, 6 转正
    status TEXT NOT NULL DEFAULT 'applicant',      -- the roster's party_status it stands for
    next_step INTEGER,                             -- the step to do next
    next_on TEXT,                                  -- its first allowed day
    due_on TEXT,                                   -- the nearest deadline (overdue after it)
    warn_on TEXT,                                  -- from this day the deadline is near
    due_code TEXT,                                 -- which deadline (talk, assessment, approval, probation)
    resolution_on TEXT,                            -- 15: the 支部大会 resolution that admitted the person
    probation_until TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX dev_applications_open ON dev_applications(person_id) WHERE state = 'open';
CREATE INDEX dev_applications_person ON dev_applications(person_id);
CREATE INDEX dev_applications_org ON dev_applications(org_id, state);

-- Every deadline that runs for an open application (talk, assessment, approval,
-- probation), replaced by each projection: to-dos and warnings read it.
CREATE TABLE dev_deadlines (
    application_id INTEGER NOT NULL REFERENCES dev_applications(id),
    code TEXT NOT NULL,
    warn_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    PRIMARY KEY (application_id, code)
);
CREATE INDEX dev_deadlines_warn ON dev_deadlines(warn_on);

-- One record of one step. seq orders the records of an application (by day, then
-- seq); a correction takes the seq of the record it corrects.
CREATE TABLE dev_steps (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES dev_applications(id),
    seq INTEGER NOT NULL,
    step INTEGER NOT NULL,              -- 0 终止, 1..25
    on_date TEXT NOT NULL,              -- the day it took place
    decision TEXT,                      -- passed/failed, approved/rejected, full/extend/cancel, withdrawn/disqualified
    note TEXT,                          -- 考察意见, 谈话情况, 结论 …
    late_reason TEXT,                   -- why after its deadline
    organ TEXT,                         -- 3: committee (支委会) or assembly (支部党员大会)
    months INTEGER,                     -- 23 extend: months of the extension
    train_days REAL,                    -- 11: 集中培训 days and 学时
    train_hours REAL,
    declaration INTEGER,                -- 9: the sponsors' declaration (not relatives)
    notice_id INTEGER,                  -- the 公示 confirmed clear by this step
    activity_id INTEGER REFERENCES activities(id),  -- the 支部党员大会 of organisational life (15, 23)
    corrects_id INTEGER REFERENCES dev_steps(id),   -- this record replaces that one
    annuls INTEGER NOT NULL DEFAULT 0,  -- a correction that withdraws the record it corrects
    reason TEXT,                        -- why the correction
    imported INTEGER NOT NULL DEFAULT 0,
    client_key TEXT,                    -- the client's idempotency key: a repeated submit is answered, not recorded twice
    recorded_by INTEGER REFERENCES users(id),
    recorded_at TEXT NOT NULL
);
CREATE UNIQUE INDEX dev_steps_client_key ON dev_steps(application_id, client_key);
CREATE INDEX dev_steps_application ON dev_steps(application_id, seq);
CREATE INDEX dev_steps_step ON dev_steps(step, on_date);
-- a record is corrected at most once (a correction of a correction continues the chain)
CREATE UNIQUE INDEX dev_steps_corrects ON dev_steps(corrects_id);

-- 培养联系人 (contact, step 5) and 入党介绍人 (sponsor, step 9) named by a step record.
CREATE TABLE dev_links (
    id INTEGER PRIMARY KEY,
    step_id INTEGER NOT NULL REFERENCES dev_steps(id),
    application_id INTEGER NOT NULL REFERENCES dev_applications(id),
    role TEXT NOT NULL,                 -- contact, sponsor
    person_id INTEGER NOT NULL REFERENCES people(id),
    UNIQUE (step_id, person_id)
);
CREATE INDEX dev_links_person ON dev_links(person_id);

-- The vote of a 支部党员大会 (steps 15 and 23).
CREATE TABLE dev_votes (
    step_id INTEGER PRIMARY KEY REFERENCES dev_steps(id),
    activity_id INTEGER REFERENCES activities(id),
    voting_members INTEGER NOT NULL,    -- 应到会有表决权的正式党员
    present INTEGER NOT NULL,           -- 实到有表决权的正式党员
    votes_for INTEGER NOT NULL,
    votes_against INTEGER NOT NULL,
    abstentions INTEGER NOT NULL
);

-- 公示: posted before the step it precedes (7, 13, 23 by default); the latest for a step counts.
CREATE TABLE dev_notices (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES dev_applications(id),
    step INTEGER NOT NULL,
    starts_on TEXT NOT NULL,
    working_days INTEGER NOT NULL,
    ends_on TEXT NOT NULL,              -- the last working day, from the calendar when posted
    title TEXT NOT NULL,
    body TEXT NOT NULL,                 -- the text as posted
    contact TEXT,                       -- 反映渠道
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX dev_notices_application ON dev_notices(application_id, step);

-- An extension of probation (once, 6 to 12 months), written when the higher
-- committee approves it (step 24 approving a 23 "extend").
CREATE TABLE dev_extensions (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES dev_applications(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    step_id INTEGER NOT NULL REFERENCES dev_steps(id),
    months INTEGER NOT NULL CHECK (months BETWEEN 6 AND 12),
    from_until TEXT NOT NULL,
    new_until TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX dev_extensions_person ON dev_extensions(person_id);

-- The documents of a step: files of the file store (files.id, issue `files`); the
-- foreign key is added when that table lands.
CREATE TABLE dev_documents (
    step_id INTEGER NOT NULL REFERENCES dev_steps(id),
    file_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (step_id, file_id)
);

INSERT INTO role_perms (role, perm) VALUES
    ('committee', 'development.read'),
    ('committee', 'development.manage'),
    ('committee', 'development.approve'),
    ('committee', 'development.calendar'),
    ('secretary', 'development.read'),
    ('secretary', 'development.manage'),
    ('discipline', 'development.read'),
    ('leader', 'development.read');

-- Configurable practice (DOMAIN.md §5): working days of a 公示 and the steps it precedes.
INSERT INTO settings (key, value) VALUES
    ('development.notice_days', '5'),
    ('development.notice_steps', '7,13,23');
