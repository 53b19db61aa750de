-- 0200_life.sql - organisational life (issue 4): activities (三会一课, 主题党日, study,
-- volunteer and group activities), the people expected at each, QR check-in,
-- leave (请假), and the events the points module consumes.

-- One activity of one organisation. Times are UTC ISO text; study_hours (学时)
-- and volunteer_hours may be fractional (0.5 h steps in practice).
CREATE TABLE activities (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL,               -- branch_assembly, committee_meeting, ... (life.c)
    title TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    place TEXT NOT NULL,
    agenda TEXT,
    host_person_id INTEGER REFERENCES people(id),      -- 主持人
    recorder_person_id INTEGER REFERENCES people(id),  -- 记录人
    topic TEXT,                       -- study topic (专题)
    project TEXT,                     -- business project or unit of a 支部下基层 visit
    study_hours REAL NOT NULL DEFAULT 0,
    volunteer_hours REAL NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'planned', -- planned, noticed, held, closed, cancelled
    minutes TEXT,                     -- 会议记录
    resolutions TEXT,                 -- 决议
    attachments TEXT NOT NULL DEFAULT '[]', -- JSON array of attachment names
    cancel_reason TEXT,
    noticed_at TEXT,
    held_at TEXT,
    closed_at TEXT,
    cancelled_at TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX activities_org_start ON activities(org_id, starts_at);
CREATE INDEX activities_start ON activities(starts_at);

-- The people expected (应到); filled from the organisation's subtree at creation, adjustable.
CREATE TABLE activity_people (
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (activity_id, person_id)
);
CREATE INDEX activity_people_person ON activity_people(person_id);

-- Who signed in: one row per (activity, person), never a second one.
CREATE TABLE attendance (
    id INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    method TEXT NOT NULL,             -- qr (scanned), manual (signed in by a secretary)
    checked_in_at TEXT NOT NULL,
    by_user_id INTEGER REFERENCES users(id),
    UNIQUE (activity_id, person_id)
);
CREATE INDEX attendance_person ON attendance(person_id);

-- 请假: one request per (activity, person); the secretary approves or refuses.
CREATE TABLE activity_leaves (
    id INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    reason TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending', -- pending, approved, refused
    decision_note TEXT,
    decided_by INTEGER REFERENCES users(id),
    decided_at TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (activity_id, person_id)
);
CREATE INDEX activity_leaves_status ON activity_leaves(status, activity_id);

-- Events for points: one per (person, activity, kind), written in the same
-- transaction as the check-in (attendance) or the closing (study/volunteer hours).
-- The points module reads them by id and awards idempotently. Its migration
-- (0300) declares the same table IF NOT EXISTS, without foreign keys; the shape
-- is kept identical here so the contract does not depend on which landed first.
CREATE TABLE life_events (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL,       -- people.id
    activity_id INTEGER NOT NULL,     -- activities.id
    kind TEXT NOT NULL,               -- attendance, study_hours, volunteer_hours
    activity_kind TEXT NOT NULL,
    quantity REAL NOT NULL,           -- 1 for attendance, hours otherwise
    occurred_at TEXT NOT NULL,        -- the activity's start
    UNIQUE (person_id, activity_id, kind)
);
CREATE INDEX life_events_occurred ON life_events(occurred_at);

INSERT INTO role_perms (role, perm) VALUES
    ('admin', 'life.read'),
    ('admin', 'life.manage'),
    ('committee', 'life.read'),
    ('committee', 'life.manage'),
    ('secretary', 'life.read'),
    ('secretary', 'life.manage'),
    ('officer', 'life.read'),
    ('officer', 'life.manage'),
    ('discipline', 'life.read'),
    ('leader', 'life.read'),
    ('member', 'life.read');

-- Configurable practice (DOMAIN.md): check-in window around the activity,
-- the period of the 党课 requirement, the yearly study minimum and the
-- warning lead time of a missing requirement.
INSERT INTO settings (key, value) VALUES
    ('life.checkin_open_minutes', '30'),
    ('life.checkin_close_minutes', '30'),
    ('life.party_lecture_period', 'quarter'),
    ('life.study_hours_min', '32'),
    ('life.todo_warn_days', '7');
