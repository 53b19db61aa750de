-- 0500_assess.sql - branch assessment (量化考评) and 先进党支部评选 (issue 7): schemes with
-- frozen versions, their indicators, assessment periods, assessors' scores, computed
-- results with the evidence behind every figure, and the two templates the agency starts with.

-- A scheme is a name; what it scores lives in its versions. An edit makes a new version,
-- so a period (which names the version it was opened with) never changes under it.
CREATE TABLE assess_schemes (
    id INTEGER PRIMARY KEY,
    code TEXT UNIQUE,                   -- template code (advanced, four_strong) or NULL
    name TEXT NOT NULL,
    description TEXT,
    current_version INTEGER NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE assess_scheme_versions (
    id INTEGER PRIMARY KEY,
    scheme_id INTEGER NOT NULL REFERENCES assess_schemes(id),
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    total_max REAL NOT NULL,            -- sum of the indicators' max_score
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    UNIQUE (scheme_id, version)
);

-- Indicators of one version; never updated once written.
CREATE TABLE assess_indicators (
    id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES assess_scheme_versions(id),
    seq INTEGER NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    dimension TEXT,                     -- a heading such as 政治功能强
    kind TEXT NOT NULL,                 -- computed | scored
    provider TEXT,                      -- computed: the provider's code (assess_providers.c)
    max_score REAL NOT NULL,
    target REAL,                        -- computed: the value that earns the full score
    guidance TEXT,                      -- scored: what assessors look at
    UNIQUE (version_id, code),
    UNIQUE (version_id, seq)
);

-- One assessment round of every branch, against one frozen scheme version.
-- state: open (assessors score, results may be computed again) → publicity (公示;
-- results frozen) → final.
CREATE TABLE assess_periods (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    scheme_id INTEGER NOT NULL REFERENCES assess_schemes(id),
    version_id INTEGER NOT NULL REFERENCES assess_scheme_versions(id),
    kind TEXT NOT NULL,                 -- year | half
    year INTEGER NOT NULL,
    half INTEGER NOT NULL DEFAULT 0,    -- 1 | 2 for kind half, 0 for a year
    starts_on TEXT NOT NULL,            -- YYYY-MM-DD, first day
    ends_on TEXT NOT NULL,              -- YYYY-MM-DD, last day
    state TEXT NOT NULL DEFAULT 'open',
    selection_mode TEXT NOT NULL DEFAULT 'top_n', -- top_n | threshold
    selection_value REAL NOT NULL DEFAULT 3,
    computed_at TEXT,
    published_at TEXT,
    publicity_days INTEGER,
    publicity_ends_on TEXT,             -- last working day of the 公示
    finalised_at TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (scheme_id, kind, year, half)
);

-- Assessors' scores of scored indicators: one per (period, branch, indicator, assessor);
-- a second submission replaces the first (the audit trail keeps the old one).
CREATE TABLE assess_scores (
    id INTEGER PRIMARY KEY,
    period_id INTEGER NOT NULL REFERENCES assess_periods(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    indicator_id INTEGER NOT NULL REFERENCES assess_indicators(id),
    assessor_id INTEGER NOT NULL REFERENCES users(id),
    score REAL NOT NULL,
    comment TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (period_id, org_id, indicator_id, assessor_id)
);
CREATE INDEX assess_scores_period ON assess_scores(period_id, org_id);

-- Computed figures per (period, branch, indicator). value NULL: not applicable or the
-- data is not available (reason says which); evidence: the records it came from.
CREATE TABLE assess_results (
    period_id INTEGER NOT NULL REFERENCES assess_periods(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    indicator_id INTEGER NOT NULL REFERENCES assess_indicators(id),
    value REAL,
    score REAL,
    detail TEXT,                        -- e.g. 达标 18/20 个周期
    reason TEXT,
    evidence TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (period_id, org_id, indicator_id)
);

CREATE TABLE assess_totals (
    period_id INTEGER NOT NULL REFERENCES assess_periods(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    raw_total REAL NOT NULL,            -- sum of the applicable indicators' scores
    applicable_max REAL NOT NULL,       -- sum of their max scores
    total REAL NOT NULL,                -- raw_total scaled to the scheme's total_max
    rank INTEGER NOT NULL,
    selected INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (period_id, org_id)
);
CREATE INDEX assess_totals_rank ON assess_totals(period_id, rank);

INSERT INTO role_perms (role, perm) VALUES
    ('admin', 'assess.read'),
    ('admin', 'assess.manage'),
    ('committee', 'assess.read'),
    ('committee', 'assess.manage'),
    ('committee', 'assess.score'),
    ('leader', 'assess.read'),
    ('discipline', 'assess.read'),
    ('secretary', 'assess.read'),
    ('admin', 'dashboard.read'),
    ('committee', 'dashboard.read'),
    ('leader', 'dashboard.read'),
    ('discipline', 'dashboard.read');

-- 公示 lasts at least 5 working days (DOMAIN.md §5, configurable); the big screen refreshes
-- itself every 60 seconds.
INSERT INTO settings (key, value) VALUES
    ('assess.publicity_days', '5'),
    ('dashboard.refresh_seconds', '60');

-- The two templates (looked up by code, so the ids come from the engine's own sequence).
INSERT INTO assess_schemes (code, name, description, current_version, created_at, updated_at) VALUES
 ('advanced', '先进党支部评选量化考评', '按组织生活、学习、积分、清单、整改、志愿服务等平台数据自动计分，辅以考评组评分。', 1,
  '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
 ('four_strong', '四强党支部考评', '政治功能强、支部班子强、党员队伍强、作用发挥强四个维度。', 1,
  '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
INSERT INTO assess_scheme_versions (scheme_id, version, name, description, total_max, created_at)
SELECT id, 1, name, description, 100, created_at FROM assess_schemes WHERE code IN ('advanced', 'four_strong');
WITH t (scheme, seq, code, name, dimension, kind, provider, max_score, target, guidance) AS (VALUES
 ('advanced', 1, 'compliance', '三会一课和主题党日落实率', '组织生活', 'computed', 'compliance', 20, 1, NULL),
 ('advanced', 2, 'attendance', '组织生活平均出勤率', '组织生活', 'computed', 'attendance', 10, 0.9, NULL),
 ('advanced', 3, 'study_hours', '党员学时达标率', '学习教育', 'computed', 'study_hours', 15, 1, NULL),
 ('advanced', 4, 'avg_points', '党员平均积分', '党员管理', 'computed', 'avg_points', 10, 40, NULL),
 ('advanced', 5, 'list_on_time', '清单事项按期完成率', '工作落实', 'computed', 'list_on_time', 10, 1, NULL),
 ('advanced', 6, 'rectification', '整改事项销号率', '工作落实', 'computed', 'rectification', 10, 1, NULL),
 ('advanced', 7, 'volunteer', '人均志愿服务时长', '作用发挥', 'computed', 'volunteer', 5, 8, NULL),
 ('advanced', 8, 'brand', '支部品牌建设', '作用发挥', 'scored', NULL, 10, NULL, '一支部一品牌：品牌定位清晰、载体扎实、成效可见'),
 ('advanced', 9, 'integration', '党建与业务融合', '作用发挥', 'scored', NULL, 10, NULL, '党建+业务：支部下基层、暖企、红色工地等项目的实效'),
 ('four_strong', 1, 'compliance', '三会一课和主题党日落实率', '政治功能强', 'computed', 'compliance', 15, 1, NULL),
 ('four_strong', 2, 'study_hours', '党员学时达标率', '政治功能强', 'computed', 'study_hours', 10, 1, NULL),
 ('four_strong', 3, 'political_study', '政治理论学习成效', '政治功能强', 'scored', NULL, 5, NULL, '理论学习中心组和支部学习的深度与转化'),
 ('four_strong', 4, 'leadership', '班子建设与履职', '支部班子强', 'scored', NULL, 15, NULL, '支委会配备齐全、按期换届、分工明确、履职到位'),
 ('four_strong', 5, 'rectification', '整改事项销号率', '支部班子强', 'computed', 'rectification', 10, 1, NULL),
 ('four_strong', 6, 'attendance', '组织生活平均出勤率', '党员队伍强', 'computed', 'attendance', 10, 0.9, NULL),
 ('four_strong', 7, 'avg_points', '党员平均积分', '党员队伍强', 'computed', 'avg_points', 10, 40, NULL),
 ('four_strong', 8, 'vanguard', '党员先锋模范作用', '党员队伍强', 'scored', NULL, 5, NULL, '亮身份、亮承诺，岗位建功的事例'),
 ('four_strong', 9, 'list_on_time', '清单事项按期完成率', '作用发挥强', 'computed', 'list_on_time', 10, 1, NULL),
 ('four_strong', 10, 'volunteer', '人均志愿服务时长', '作用发挥强', 'computed', 'volunteer', 5, 8, NULL),
 ('four_strong', 11, 'integration', '党建与业务融合成效', '作用发挥强', 'scored', NULL, 5, NULL, '党建+业务项目的实效'))
INSERT INTO assess_indicators (version_id, seq, code, name, dimension, kind, provider, max_score, target, guidance)
SELECT v.id, t.seq, t.code, t.name, t.dimension, t.kind, t.provider, t.max_score, t.target, t.guidance
FROM t JOIN assess_schemes s ON s.code = t.scheme JOIN assess_scheme_versions v ON v.scheme_id = s.id AND v.version = 1;
