-- gen.sql - a city-sized agency for the assessment benchmark: 300 branches with 2 party
-- groups each, 15,000 members (50 a branch), a year (2025) of organisational life
-- (≈18,600 meetings and study sessions, ≈810,000 expected attendees, ≈730,000 check-ins),
-- points totals, work-list and rectification items, and two assessors' scores.
-- Written into the real tables of the modules (run after `dangjian init`).
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE b(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM b WHERE i < 300)
INSERT INTO orgs (id, parent_id, kind, name, path, created_at, updated_at)
SELECT 10000 + i, 1, 'branch', '第' || i || '党支部', '/1/' || (10000 + i) || '/', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z' FROM b
UNION ALL
SELECT 20000 + 2 * i, 10000 + i, 'group', '第' || i || '支部第一党小组', '/1/' || (10000 + i) || '/' || (20000 + 2 * i) || '/',
       '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z' FROM b
UNION ALL
SELECT 20001 + 2 * i, 10000 + i, 'group', '第' || i || '支部第二党小组', '/1/' || (10000 + i) || '/' || (20001 + 2 * i) || '/',
       '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z' FROM b;

-- member k belongs to branch k/50 + 1: 20 in each group, 10 directly in the branch
WITH RECURSIVE p(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM p WHERE k < 14999)
INSERT INTO people (id, name, org_id, party_status, active, created_at, updated_at)
SELECT 100000 + k, '党员' || k,
       CASE WHEN k % 50 < 20 THEN 20000 + 2 * (k / 50 + 1) WHEN k % 50 < 40 THEN 20001 + 2 * (k / 50 + 1) ELSE 10000 + k / 50 + 1 END,
       CASE WHEN k % 25 = 0 THEN 'probationary' ELSE 'full' END, 1, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'
FROM p;

-- a year of meetings per branch; some branches skip some months
WITH RECURSIVE b(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM b WHERE i < 300),
     m(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM m WHERE n < 12),
     k(kind, org_off, day, every, study, volunteer) AS (VALUES
       ('committee_meeting', 0, 5, 1, 0, 0), ('theme_day', 0, 10, 1, 0, 0), ('group_meeting', 1, 12, 1, 0, 0),
       ('group_meeting', 2, 13, 1, 0, 0), ('branch_assembly', 0, 15, 3, 0, 0), ('party_lecture', 0, 18, 3, 2, 0),
       ('study_session', 0, 22, 3, 8, 0), ('volunteer', 0, 25, 6, 0, 4))
INSERT INTO activities (org_id, kind, title, starts_at, ends_at, place, study_hours, volunteer_hours, state, created_at, updated_at)
SELECT CASE k.org_off WHEN 0 THEN 10000 + b.i ELSE 20000 + 2 * b.i + k.org_off - 1 END, k.kind, k.kind || ' ' || m.n,
       printf('2025-%02d-%02dT01:30:00Z', m.n, k.day), printf('2025-%02d-%02dT03:30:00Z', m.n, k.day), '会议室',
       k.study, k.volunteer, 'closed', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'
FROM b, m, k
WHERE (m.n - 1) % k.every = 0 AND (b.i * 7 + m.n * 3 + length(k.kind)) % 13 <> 0;

-- the expected: everyone of the organisation's subtree (member k of branch b is 100000 + (b-1)*50 + k;
-- the first group holds k < 20, the second 20 <= k < 40)
WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < 49)
INSERT INTO activity_people (activity_id, person_id)
SELECT a.id, 100000 + (a.org_id - 10001) * 50 + n.k FROM activities a, n WHERE a.org_id < 20000
UNION ALL
SELECT a.id, 100000 + ((a.org_id - 20000) / 2 - 1) * 50 + n.k FROM activities a, n
WHERE a.org_id >= 20000 AND ((a.org_id % 2 = 0 AND n.k < 20) OR (a.org_id % 2 = 1 AND n.k >= 20 AND n.k < 40));
-- about nine in ten sign in
INSERT INTO attendance (activity_id, person_id, method, checked_in_at)
SELECT ap.activity_id, ap.person_id, 'qr', '2025-01-01T00:00:00Z' FROM activity_people ap
WHERE (ap.activity_id * 7 + ap.person_id * 3) % 10 <> 0;

-- points: a year total and its quarters
WITH RECURSIVE p(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM p WHERE k < 14999),
     q(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM q WHERE n < 4)
INSERT INTO points_totals (person_id, period, branch_id, agency_id, total, entries)
SELECT 100000 + k, '2025-Q' || n, 10000 + k / 50 + 1, 1, (k * 37 + n * 11) % 20, 3 FROM p, q;
INSERT INTO points_totals (person_id, period, branch_id, agency_id, total, entries)
SELECT person_id, '2025', branch_id, agency_id, SUM(total), SUM(entries) FROM points_totals GROUP BY person_id, branch_id, agency_id;

-- work lists: 3 measures and 2 rectification items per branch
INSERT INTO lists (id, kind, title, year, org_id, created_at, updated_at) VALUES
 (900001, 'model_organ', '模范机关创建措施', 2025, 1, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
 (900002, 'rectification', '专项检查整改清单', 2025, 1, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');
WITH RECURSIVE b(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM b WHERE i < 300),
     n(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM n WHERE j < 5)
INSERT INTO list_items (list_id, seq, title, category, org_id, due_on, state, submitted_on, verified_at, created_at, updated_at)
SELECT CASE WHEN j <= 3 THEN 900001 ELSE 900002 END, i * 10 + j, '事项 ' || i || '-' || j, '政治型', 10000 + i,
       printf('2025-%02d-28', j * 2), CASE WHEN (i + j) % 4 = 0 THEN 'in_progress' ELSE 'done' END,
       CASE WHEN (i + j) % 4 = 0 THEN NULL WHEN (i + j) % 4 = 1 THEN printf('2025-%02d-28', j * 2 + 1) ELSE printf('2025-%02d-20', j * 2) END,
       CASE WHEN (i + j) % 4 = 0 THEN NULL ELSE printf('2025-%02d-01T02:00:00Z', j * 2 + 1) END,
       '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'
FROM b, n;

-- the 2025 先进党支部 round on the shipped template, with two assessors' scores
INSERT INTO assess_periods (id, name, scheme_id, version_id, kind, year, half, starts_on, ends_on, selection_mode,
                            selection_value, created_at, updated_at)
SELECT 900, '2025年度先进党支部评选（基准）', s.id, v.id, 'year', 2025, 0, '2025-01-01', '2025-12-31', 'top_n', 30,
       '2026-01-05T00:00:00Z', '2026-01-05T00:00:00Z'
FROM assess_schemes s JOIN assess_scheme_versions v ON v.scheme_id = s.id AND v.version = s.current_version
WHERE s.code = 'advanced';
INSERT INTO users (id, login, name, password_hash, created_at)
SELECT 900000 + n, 'bench-assessor-' || n, '考评人' || n, password_hash, '2026-01-01T00:00:00Z'
FROM users, (SELECT 1 AS n UNION ALL SELECT 2) WHERE login = 'admin';
INSERT INTO assess_scores (period_id, org_id, indicator_id, assessor_id, score, comment, created_at, updated_at)
SELECT 900, o.id, i.id, u.id, i.max_score * (60 + (o.id * 7 + u.id) % 40) / 100.0, '基准评分', '2026-01-06T00:00:00Z', '2026-01-06T00:00:00Z'
FROM orgs o, assess_indicators i, users u
WHERE o.kind = 'branch' AND o.id > 10000 AND u.id > 900000
  AND i.kind = 'scored' AND i.version_id = (SELECT version_id FROM assess_periods WHERE id = 900);
COMMIT;
ANALYZE;
