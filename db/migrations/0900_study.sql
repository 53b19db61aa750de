-- 0900_study.sql - 学习园地 (issue 19): study materials in columns, study time measured
-- from the phone's heartbeats, assignments, quizzes and notices with read receipts.
-- The search index is 0901_study_search.sql (its PostgreSQL spelling differs).

-- Columns (栏目) the committee sets; is_rules marks 规章制度, the regulations the
-- platform itself enforces.
CREATE TABLE study_columns (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT,
    sort INTEGER NOT NULL DEFAULT 0,
    is_rules INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
INSERT INTO study_columns (name, description, sort, is_rules, created_at) VALUES
 ('理论学习', '党的创新理论、全会精神和重要讲话', 1, 0, '2026-01-01T00:00:00Z'),
 ('党纪学习', '党章党规党纪', 2, 0, '2026-01-01T00:00:00Z'),
 ('规章制度', '本平台执行的党内法规和制度原文', 3, 1, '2026-01-01T00:00:00Z'),
 ('典型案例', '先进典型和警示教育案例', 4, 0, '2026-01-01T00:00:00Z'),
 ('业务知识', '机关业务和履职能力', 5, 0, '2026-01-01T00:00:00Z');

-- A material: an article (body is sanitized rich text), a document or a video (the file
-- store holds the bytes: file_links subject 'study_material'), or an external link.
-- length_seconds is the time that completes it and caps the time counted for it.
-- org_id publishes it to the members of that organisation's subtree.
CREATE TABLE study_materials (
    id INTEGER PRIMARY KEY,
    column_id INTEGER NOT NULL REFERENCES study_columns(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL,                  -- article | document | video | link
    title TEXT NOT NULL,
    summary TEXT,
    body TEXT,
    url TEXT,
    length_seconds INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'draft', -- draft | published | withdrawn
    published_at TEXT,
    created_by INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX study_materials_column ON study_materials(column_id, state);
CREATE INDEX study_materials_org ON study_materials(org_id);

-- One member's reading of one material: the time counted so far (never above the
-- material's length), the last heartbeat (unix seconds, the server's clock) and the
-- reading session and sequence number of the last one (a retried beat earns nothing).
CREATE TABLE study_progress (
    person_id INTEGER NOT NULL REFERENCES people(id),
    material_id INTEGER NOT NULL REFERENCES study_materials(id),
    seconds INTEGER NOT NULL DEFAULT 0,
    last_beat_at INTEGER NOT NULL DEFAULT 0,
    session TEXT,
    seq INTEGER NOT NULL DEFAULT 0,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    PRIMARY KEY (person_id, material_id)
);
CREATE INDEX study_progress_material ON study_progress(material_id);
-- The counted seconds per day (Asia/Shanghai), for the year's 学时 and the daily view.
CREATE TABLE study_time (
    person_id INTEGER NOT NULL REFERENCES people(id),
    material_id INTEGER NOT NULL REFERENCES study_materials(id),
    day TEXT NOT NULL,
    seconds INTEGER NOT NULL,
    PRIMARY KEY (person_id, material_id, day)
);
CREATE INDEX study_time_day ON study_time(person_id, day);

-- Assignments (学习任务): materials to finish by a date, for organisations (their party
-- members, by the roster of the day) and named people.
CREATE TABLE study_assignments (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),  -- the assigning organisation
    title TEXT NOT NULL,
    note TEXT,
    due_on TEXT NOT NULL,                         -- YYYY-MM-DD, the last day
    created_by INTEGER,
    created_at TEXT NOT NULL,
    client_key TEXT UNIQUE
);
CREATE TABLE study_assignment_materials (
    assignment_id INTEGER NOT NULL REFERENCES study_assignments(id),
    material_id INTEGER NOT NULL REFERENCES study_materials(id),
    PRIMARY KEY (assignment_id, material_id)
);
CREATE TABLE study_assignment_targets (
    id INTEGER PRIMARY KEY,
    assignment_id INTEGER NOT NULL REFERENCES study_assignments(id),
    org_id INTEGER REFERENCES orgs(id),
    person_id INTEGER REFERENCES people(id)
);
CREATE INDEX study_assignment_targets_a ON study_assignment_targets(assignment_id);

-- Quizzes (测试): a bank of questions; an attempt draws draw_count of them (all when 0),
-- is answered within time_limit_min, scored on the server, passed at pass_percent.
CREATE TABLE study_quizzes (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    title TEXT NOT NULL,
    pass_percent INTEGER NOT NULL DEFAULT 60,
    time_limit_min INTEGER NOT NULL DEFAULT 0,    -- 0: no limit
    draw_count INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'draft',          -- draft | published | closed
    created_by INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE study_questions (
    id INTEGER PRIMARY KEY,
    quiz_id INTEGER NOT NULL REFERENCES study_quizzes(id),
    kind TEXT NOT NULL,                           -- single | multi | judge
    stem TEXT NOT NULL,
    options TEXT NOT NULL,                        -- JSON array of the choices' texts (A, B, ...)
    answer TEXT NOT NULL,                         -- letters in order ("AC"); judge: "T" or "F"
    explanation TEXT,
    sort INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX study_questions_quiz ON study_questions(quiz_id);
CREATE TABLE study_attempts (
    id INTEGER PRIMARY KEY,
    quiz_id INTEGER NOT NULL REFERENCES study_quizzes(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    question_ids TEXT NOT NULL,                   -- JSON array, the order shown
    started_at TEXT NOT NULL,
    deadline_at TEXT,
    submitted_at TEXT,
    answers TEXT,                                 -- JSON object question id -> letters
    correct INTEGER,
    total INTEGER NOT NULL,
    score INTEGER,                                -- percent
    passed INTEGER,
    client_key TEXT NOT NULL,
    UNIQUE (person_id, client_key)
);
CREATE INDEX study_attempts_quiz ON study_attempts(quiz_id, person_id);

-- Notices (通知公告) to the people of an organisation's subtree, with read receipts.
CREATE TABLE study_notices (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    read_by TEXT,                                 -- YYYY-MM-DD: remind those who have not read by then
    created_by INTEGER,
    created_at TEXT NOT NULL,
    client_key TEXT UNIQUE
);
CREATE INDEX study_notices_org ON study_notices(org_id);
CREATE TABLE study_notice_reads (
    notice_id INTEGER NOT NULL REFERENCES study_notices(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    read_at TEXT NOT NULL,
    PRIMARY KEY (notice_id, person_id)
);

-- The committee's rules (settings): minutes of counted study that make one 学时, the most
-- 学时 online study adds in a year (0: no limit), the heartbeat interval the phone uses.
INSERT INTO settings (key, value) VALUES
    ('study.minutes_per_hour', '45'),
    ('study.online_hours_cap_year', '0'),
    ('study.beat_seconds', '15');

-- Points through the catalogue (rules as data; the committee edits or retires them):
-- a finished material, taking part in a quiz and passing it, each with a daily cap.
INSERT INTO points_rules (code, version, effective_from, name, category, points, cap_day, cap_month, cap_year,
                          source, activity_kind, min_quantity, needs_approval, active, created_at) VALUES
 ('study_material', 1, '2020-01-01', '完成一篇学习材料', '学习', 1, 5, NULL, NULL, 'study', NULL, 0, 0, 1,
  '2026-01-01T00:00:00Z'),
 ('quiz_taken', 1, '2020-01-01', '参加学习测试', '学习', 1, 2, NULL, NULL, 'quiz', NULL, 0, 0, 1,
  '2026-01-01T00:00:00Z'),
 ('quiz_passed', 1, '2020-01-01', '学习测试合格', '学习', 2, 4, NULL, NULL, 'quiz', NULL, 0, 0, 1,
  '2026-01-01T00:00:00Z');

INSERT INTO role_perms (role, perm) VALUES
    ('committee', 'study.read'),
    ('committee', 'study.manage'),
    ('secretary', 'study.read'),
    ('secretary', 'study.manage'),
    ('officer', 'study.read'),
    ('discipline', 'study.read'),
    ('leader', 'study.read');
