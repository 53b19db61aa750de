-- 0001_core.sql - settings, organisations, people, accounts, roles, sessions, audit.
-- Written in the SQL that SQLite and PostgreSQL share. Never edit a landed migration;
-- add a new numbered file instead. Ranges: 00xx core, 01xx organisations and people,
-- 02xx organisational life, 03xx points, 04xx work lists, 05xx assessment and dashboard.

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The 党工妇青 tree. path is the materialised path of ids ("/1/4/9/"), so a
-- subtree is a prefix match and a scope check needs no recursion.
CREATE TABLE orgs (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES orgs(id),
    kind TEXT NOT NULL,          -- committee, general_branch, branch, group, union, women, youth
    name TEXT NOT NULL,
    path TEXT NOT NULL UNIQUE,
    sort INTEGER NOT NULL DEFAULT 0,
    set_up_on TEXT,              -- YYYY-MM-DD
    term_start TEXT,
    term_end TEXT,
    brand_name TEXT,
    brand_slogan TEXT,
    brand_description TEXT,
    dissolved_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX orgs_parent ON orgs(parent_id);

-- The roster. org_id is the person's party branch (or group) where they have one.
CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    gender TEXT,                 -- male, female
    birth_date TEXT,
    ethnicity TEXT,
    education TEXT,
    phone TEXT UNIQUE,
    job_post TEXT,
    job_title TEXT,
    org_id INTEGER REFERENCES orgs(id),
    party_status TEXT NOT NULL DEFAULT 'none', -- applicant, activist, candidate, probationary, full, none
    joined_on TEXT,              -- 入党时间 (政治生日)
    full_on TEXT,                -- 转正时间
    pledge TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX people_org ON people(org_id);
CREATE INDEX people_name ON people(name);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    person_id INTEGER REFERENCES people(id),
    must_change_password INTEGER NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER NOT NULL DEFAULT 0,  -- epoch seconds
    created_at TEXT NOT NULL,
    password_changed_at TEXT
);

-- Roles are data (三员分立 will split admin without code changes).
-- office = 1: office roles, whose sessions end after a short idle time.
CREATE TABLE roles (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    office INTEGER NOT NULL DEFAULT 1,
    sort INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE role_perms (
    role TEXT NOT NULL REFERENCES roles(code),
    perm TEXT NOT NULL,
    PRIMARY KEY (role, perm)
);
CREATE TABLE grants (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    role TEXT NOT NULL REFERENCES roles(code),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    UNIQUE (user_id, role, org_id)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,  -- SHA-256 of the cookie's token; the token itself is never stored
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    idle_seconds INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user_id INTEGER,
    login TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    before TEXT,
    after TEXT,
    ip TEXT
);
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_entity ON audit(entity, entity_id);

INSERT INTO roles (code, name, office, sort) VALUES
    ('admin', '系统管理员', 1, 1),
    ('committee', '机关党委', 1, 2),
    ('discipline', '纪委', 1, 3),
    ('secretary', '支部书记/支委', 1, 4),
    ('officer', '工会/妇委会/团组织', 1, 5),
    ('leader', '领导', 1, 6),
    ('auditor', '审计管理员', 1, 7),
    ('member', '党员', 0, 8);

-- Permissions of the foundation. Later migrations add their subjects' own.
INSERT INTO role_perms (role, perm) VALUES
    ('admin', 'user.manage'),
    ('admin', 'audit.read'),
    ('admin', 'org.read'),
    ('admin', 'org.write'),
    ('admin', 'person.read'),
    ('admin', 'person.private'),
    ('admin', 'person.write'),
    ('committee', 'audit.read'),
    ('committee', 'org.read'),
    ('committee', 'org.write'),
    ('committee', 'person.read'),
    ('committee', 'person.private'),
    ('committee', 'person.write'),
    ('auditor', 'audit.read'),
    ('discipline', 'org.read'),
    ('discipline', 'person.read'),
    ('secretary', 'org.read'),
    ('secretary', 'person.read'),
    ('secretary', 'person.private'),
    ('secretary', 'person.write'),
    ('officer', 'org.read'),
    ('officer', 'person.read'),
    ('leader', 'org.read'),
    ('leader', 'person.read'),
    ('member', 'org.read'),
    ('member', 'person.public');

INSERT INTO settings (key, value) VALUES
    ('agency.name', '机关党委'),
    ('security.lockout_threshold', '5'),
    ('security.lockout_minutes', '15'),
    ('session.office_idle_minutes', '30'),
    ('session.member_idle_minutes', '10080'),
    ('audit.retention_days', '180');
