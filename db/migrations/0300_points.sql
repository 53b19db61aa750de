-- 0300_points.sql - points (积分): the rule catalogue with versions, the append-only
-- hash-chained ledger, per-member chain heads, totals per period, claims, and the
-- notices that tell a member why an automatic award was not given (issue 5).

-- The organisational-life module's source events (0200_life.sql creates this table; on a
-- database without it the same shape is made here, without the foreign keys to its tables).
-- quantity: 1 for attendance; hours for study_hours and volunteer_hours (1.5 = an hour and a half).
CREATE TABLE IF NOT EXISTS life_events (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL,
    activity_id INTEGER NOT NULL,
    kind TEXT NOT NULL,           -- attendance | study_hours | volunteer_hours
    activity_kind TEXT NOT NULL,  -- branch_assembly, study_session, volunteer, ...
    quantity REAL NOT NULL,       -- 1 for attendance, hours otherwise
    occurred_at TEXT NOT NULL,    -- ISO UTC, the activity's start
    UNIQUE (person_id, activity_id, kind)
);

-- One row per version of a rule. A change is a new version with a later effective_from
-- (a Shanghai calendar date); awards use the version in force on the day of the deed, and
-- an entry names the version it was computed with, so no change rewrites given points.
CREATE TABLE points_rules (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    version INTEGER NOT NULL,
    effective_from TEXT NOT NULL,       -- YYYY-MM-DD
    name TEXT NOT NULL,
    category TEXT NOT NULL,             -- 学习, 组织生活, 志愿服务, 业务贡献, 扣分 ...
    points INTEGER NOT NULL,            -- per event; per hour for the *_hours sources
    cap_day INTEGER,                    -- NULL: no cap; caps are points per member per period
    cap_month INTEGER,
    cap_year INTEGER,
    source TEXT NOT NULL,               -- attendance | study_hours | volunteer_hours | claim | manual
    activity_kind TEXT,                 -- attendance/hours: the activity kind it applies to; NULL: any
    min_quantity INTEGER NOT NULL DEFAULT 0, -- hours x 10 below which study does not count
    needs_approval INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,  -- 0: the rule is retired from effective_from on
    created_by INTEGER,
    created_at TEXT NOT NULL,
    UNIQUE (code, version),
    UNIQUE (code, effective_from)
);
CREATE INDEX points_rules_source ON points_rules(source, activity_kind);

-- The ledger: append-only. A correction is a new entry (source_type 'correction',
-- source_id and reverses_id = the entry it reverses). One award per (rule, member, source).
-- seq/prev_hash/hash: the member's chain (see points.c on why one chain per member).
CREATE TABLE points_ledger (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    seq INTEGER NOT NULL,
    rule_id INTEGER NOT NULL REFERENCES points_rules(id),
    rule_code TEXT NOT NULL,
    delta INTEGER NOT NULL,
    source_type TEXT NOT NULL,          -- attendance | study_hours | volunteer_hours | claim | manual | correction
    source_id INTEGER NOT NULL,         -- activity id, claim id, manual entry key, reversed entry id
    reverses_id INTEGER UNIQUE REFERENCES points_ledger(id),
    reason TEXT NOT NULL,
    occurred_at TEXT NOT NULL,          -- ISO UTC: when the deed was done; decides the periods
    created_by INTEGER,                 -- users.id; NULL: the automatic awarder
    approved_by INTEGER,
    created_at TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (rule_code, person_id, source_type, source_id),
    UNIQUE (person_id, seq)
);
CREATE INDEX points_ledger_cap ON points_ledger(person_id, rule_code, occurred_at);
CREATE INDEX points_ledger_occurred ON points_ledger(person_id, occurred_at);

-- Append-only, also against a bug in the code: the triggers are in 0301_points_append_only.sql,
-- whose PostgreSQL spelling differs (0301_points_append_only.pg.sql).

-- The head of each member's chain. Every award for a member updates this row first, in the
-- same transaction, so on PostgreSQL it is the row lock that orders one member's entries
-- while awards for other members commit in parallel.
CREATE TABLE points_heads (
    person_id INTEGER PRIMARY KEY REFERENCES people(id),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);

-- Sums of the ledger per member and period ('2026', '2026-Q1', '2026-03'), kept in the
-- ledger entry's transaction. branch_id/agency_id are the member's branch and root org at the
-- last award, so rankings and the honour roll are index range scans.
CREATE TABLE points_totals (
    person_id INTEGER NOT NULL REFERENCES people(id),
    period TEXT NOT NULL,
    branch_id INTEGER,
    agency_id INTEGER,
    total INTEGER NOT NULL,
    entries INTEGER NOT NULL,
    PRIMARY KEY (person_id, period)
);
CREATE INDEX points_totals_agency ON points_totals(period, agency_id, total DESC, person_id);
CREATE INDEX points_totals_branch ON points_totals(period, branch_id, total DESC, person_id);

-- Events already turned into awards (an optimisation: the awards' own UNIQUE key is what
-- makes a replay harmless).
CREATE TABLE points_events_done (
    event_id INTEGER PRIMARY KEY,
    done_at TEXT NOT NULL
);

-- Why an automatic award was not given (a cap reached, not a party member ...), for the member.
CREATE TABLE points_notices (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    rule_code TEXT NOT NULL,
    source_type TEXT NOT NULL,
    source_id INTEGER NOT NULL,
    message TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (rule_code, person_id, source_type, source_id)
);
CREATE INDEX points_notices_person ON points_notices(person_id, id);

-- Claims (申报): something the system cannot see, approved or rejected by the branch.
CREATE TABLE points_claims (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    branch_id INTEGER NOT NULL REFERENCES orgs(id),
    rule_code TEXT NOT NULL,
    description TEXT NOT NULL,
    occurred_on TEXT NOT NULL,          -- YYYY-MM-DD
    status TEXT NOT NULL DEFAULT 'pending', -- pending | approved | rejected
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    decided_by INTEGER REFERENCES users(id),
    decided_at TEXT,
    decision_reason TEXT,
    entry_id INTEGER REFERENCES points_ledger(id)
);
CREATE INDEX points_claims_person ON points_claims(person_id, id);
CREATE INDEX points_claims_branch ON points_claims(branch_id, status, id);

-- The default catalogue (DOMAIN.md section 6); the committee edits it through the API.
INSERT INTO points_rules (code, version, effective_from, name, category, points, cap_day, cap_month, cap_year,
                          source, activity_kind, min_quantity, needs_approval, active, created_at) VALUES
 ('attend_branch_assembly', 1, '2020-01-01', '参加支部党员大会', '组织生活', 1, NULL, NULL, NULL, 'attendance', 'branch_assembly', 0, 0, 1, '2026-01-01T00:00:00Z'),
 ('attend_committee_meeting', 1, '2020-01-01', '参加支部委员会', '组织生活', 1, NULL, NULL, NULL, 'attendance', 'committee_meeting', 0, 0, 1, '2026-01-01T00:00:00Z'),
 ('attend_group_meeting', 1, '2020-01-01', '参加党小组会', '组织生活', 1, NULL, NULL, NULL, 'attendance', 'group_meeting', 0, 0, 1, '2026-01-01T00:00:00Z'),
 ('attend_party_lecture', 1, '2020-01-01', '参加党课', '组织生活', 1, NULL, NULL, NULL, 'attendance', 'party_lecture', 0, 0, 1, '2026-01-01T00:00:00Z'),
 ('attend_theme_day', 1, '2020-01-01', '参加主题党日', '组织生活', 1, NULL, NULL, NULL, 'attendance', 'theme_day', 0, 0, 1, '2026-01-01T00:00:00Z'),
 ('attend_org_life_meeting', 1, '2020-01-01', '参加组织生活会', '组织生活', 1, NULL, NULL, NULL, 'attendance', 'org_life_meeting', 0, 0, 1, '2026-01-01T00:00:00Z'),
 ('attend_democratic_review', 1, '2020-01-01', '参加民主评议党员', '组织生活', 1, NULL, NULL, NULL, 'attendance', 'democratic_review', 0, 0, 1, '2026-01-01T00:00:00Z'),
 ('attend_micro_share', 1, '2020-01-01', '参加党建+微分享', '学习', 1, NULL, NULL, NULL, 'attendance', 'micro_share', 0, 0, 1, '2026-01-01T00:00:00Z'),
 ('attend_grassroots_visit', 1, '2020-01-01', '参加支部下基层', '业务贡献', 1, NULL, NULL, NULL, 'attendance', 'grassroots_visit', 0, 0, 1, '2026-01-01T00:00:00Z'),
 ('attend_education_visit', 1, '2020-01-01', '参加现场教学（参观学习）', '学习', 1, NULL, NULL, NULL, 'attendance', 'education_visit', 0, 0, 1, '2026-01-01T00:00:00Z'),
 ('study_hours', 1, '2020-01-01', '集中学习（每学时）', '学习', 1, 3, NULL, 60, 'study_hours', NULL, 5, 0, 1, '2026-01-01T00:00:00Z'),
 ('volunteer_hours', 1, '2020-01-01', '志愿服务（每小时）', '志愿服务', 1, NULL, 10, 40, 'volunteer_hours', NULL, 10, 0, 1, '2026-01-01T00:00:00Z'),
 ('training_short', 1, '2020-01-01', '参加培训（1 天以内）', '学习', 1, NULL, NULL, NULL, 'claim', NULL, 0, 1, 1, '2026-01-01T00:00:00Z'),
 ('training_multi_day', 1, '2020-01-01', '参加培训（2–4 天）', '学习', 2, NULL, NULL, NULL, 'claim', NULL, 0, 1, 1, '2026-01-01T00:00:00Z'),
 ('training_long', 1, '2020-01-01', '参加培训（5 天及以上）', '学习', 3, NULL, NULL, NULL, 'claim', NULL, 0, 1, 1, '2026-01-01T00:00:00Z'),
 ('article_published', 1, '2020-01-01', '发表党建或业务文章', '业务贡献', 3, NULL, NULL, 15, 'claim', NULL, 0, 1, 1, '2026-01-01T00:00:00Z'),
 ('lecture_given', 1, '2020-01-01', '讲授党课或微分享', '业务贡献', 2, NULL, NULL, NULL, 'claim', NULL, 0, 1, 1, '2026-01-01T00:00:00Z'),
 ('honour_received', 1, '2020-01-01', '获得表彰奖励', '业务贡献', 5, NULL, NULL, NULL, 'claim', NULL, 0, 1, 1, '2026-01-01T00:00:00Z'),
 ('absence_unexcused', 1, '2020-01-01', '无故缺席组织生活', '扣分', -2, NULL, NULL, NULL, 'manual', NULL, 0, 0, 1, '2026-01-01T00:00:00Z'),
 ('discipline_violation', 1, '2020-01-01', '违反工作纪律', '扣分', -5, NULL, NULL, NULL, 'manual', NULL, 0, 0, 1, '2026-01-01T00:00:00Z');

INSERT INTO settings (key, value) VALUES
    ('points.base_score', '60'),
    ('points.allow_negative', '0'),
    ('points.honour_roll_size', '10');

INSERT INTO role_perms (role, perm) VALUES
    ('admin', 'points.manage'),
    ('admin', 'points.read'),
    ('admin', 'points.verify'),
    ('committee', 'points.manage'),
    ('committee', 'points.read'),
    ('committee', 'points.approve'),
    ('committee', 'points.verify'),
    ('discipline', 'points.read'),
    ('discipline', 'points.verify'),
    ('auditor', 'points.verify'),
    ('leader', 'points.read'),
    ('secretary', 'points.read'),
    ('secretary', 'points.approve');
