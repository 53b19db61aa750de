// A city's data for the scale benchmark (issue 20), as SQL both engines run
// (recursive CTEs, no engine-only functions), loaded after `dangjian init`:
//   node bench/city/gen.mjs N [YEAR] > city.sql
// N members (party members, full) in N/333 agencies (市直机关 committees under
// the city's root, org 1) and N/33 branches, ~33 a branch; a year of monthly
// 支部党员大会 per branch, closed, with ~80 % attendance and the people expected;
// points totals for the year; an account for every member (login m<i>), for
// every branch's secretary (s<b>, the branch's first member), for every agency's
// committee office (a<k>) and for the city (login city: committee and leader
// on the root). Every account has the password of `admin` (init's
// --admin-password). Ids: agencies 1000+k, branches 100000+b, people 1000000+i.
import { ORG_STATS_SQL } from '../../tests/lib/org-stats.mjs';

const N = Number(process.argv[2] || 1000);
const YEAR = Number(process.argv[3] || new Date(Date.now() + 8 * 3600e3).getUTCFullYear());
const A = Math.max(1, Math.round(N / 333));
const B = Math.max(A, Math.round(N / 33));
const T = "'2026-01-01T00:00:00Z'";
const seq = (n) => `WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ${n})`;
const out = [];
const p = (x) => out.push(x);

p('BEGIN;');
p(`${seq(A)} INSERT INTO orgs (id, parent_id, kind, name, path, sort, created_at, updated_at)
 SELECT 1000 + i, 1, 'committee', '市直机关党委' || (i + 1), '/1/' || (1000 + i) || '/', i, ${T}, ${T} FROM s;`);
p(`${seq(B)} INSERT INTO orgs (id, parent_id, kind, name, path, sort, created_at, updated_at)
 SELECT 100000 + i, 1000 + (i % ${A}), 'branch', '第' || (i + 1) || '党支部', '/1/' || (1000 + (i % ${A})) || '/' || (100000 + i) || '/', i, ${T}, ${T} FROM s;`);
p(`${seq(N)} INSERT INTO people (id, name, org_id, party_status, created_at, updated_at)
 SELECT 1000000 + i, '党员' || (i + 1), 100000 + (i % ${B}), 'full', ${T}, ${T} FROM s;`);
p(`INSERT INTO users (login, name, password_hash, person_id, created_at)
 SELECT 'm' || (p.id - 1000000), p.name, u.password_hash, p.id, ${T} FROM people p, users u WHERE u.login = 'admin' AND p.id >= 1000000;`);
p(`INSERT INTO grants (user_id, role, org_id) SELECT u.id, 'member', p.org_id FROM users u JOIN people p ON p.id = u.person_id WHERE u.login LIKE 'm%';`);
p(`${seq(B)} INSERT INTO users (login, name, password_hash, person_id, created_at)
 SELECT 's' || i, '书记' || (i + 1), u.password_hash, 1000000 + i, ${T} FROM s, users u WHERE u.login = 'admin';`);
p(`INSERT INTO grants (user_id, role, org_id) SELECT u.id, 'secretary', p.org_id FROM users u JOIN people p ON p.id = u.person_id WHERE u.login LIKE 's%' AND u.login <> 'secadmin';`);
p(`${seq(A)} INSERT INTO users (login, name, password_hash, created_at)
 SELECT 'a' || i, '机关党委办公室' || (i + 1), u.password_hash, ${T} FROM s, users u WHERE u.login = 'admin';`);
p(`INSERT INTO grants (user_id, role, org_id) SELECT u.id, 'committee', 1000 + CAST(SUBSTR(u.login, 2) AS INTEGER) FROM users u WHERE u.login LIKE 'a%' AND u.login NOT IN ('admin', 'auditor');`);
p(`INSERT INTO users (login, name, password_hash, created_at) SELECT 'city', '市直机关工委', password_hash, ${T} FROM users WHERE login = 'admin';`);
p(`INSERT INTO grants (user_id, role, org_id) SELECT id, 'committee', 1 FROM users WHERE login = 'city';`);
p(`INSERT INTO grants (user_id, role, org_id) SELECT id, 'leader', 1 FROM users WHERE login = 'city';`);
// a monthly branch assembly in every branch, on the 15th at 14:30 Shanghai
p(`${seq(12)} INSERT INTO activities (org_id, kind, title, starts_at, ends_at, place, state, created_at, updated_at, closed_at)
 SELECT o.id, 'branch_assembly', (s.i + 1) || '月支部党员大会',
  '${YEAR}-' || SUBSTR('0' || (s.i + 1), -2) || '-15T06:30:00Z', '${YEAR}-' || SUBSTR('0' || (s.i + 1), -2) || '-15T08:00:00Z',
  '会议室', 'closed', ${T}, ${T}, '${YEAR}-' || SUBSTR('0' || (s.i + 1), -2) || '-15T09:00:00Z'
 FROM s, orgs o WHERE o.kind = 'branch' AND o.id >= 100000;`);
p(`INSERT INTO activity_people (activity_id, person_id) SELECT a.id, p.id FROM activities a JOIN people p ON p.org_id = a.org_id WHERE a.org_id >= 100000;`);
p(`INSERT INTO attendance (activity_id, person_id, method, checked_in_at)
 SELECT a.id, p.id, 'qr', a.starts_at FROM activities a JOIN people p ON p.org_id = a.org_id WHERE a.org_id >= 100000 AND (p.id + a.id) % 10 < 8;`);
p(`INSERT INTO points_totals (person_id, period, branch_id, agency_id, total, entries)
 SELECT p.id, '${YEAR}', p.org_id, 1, (p.id * 37) % 50, 10 FROM people p WHERE p.id >= 1000000;`);
// the subtree figures the writes keep (db/migrations/1000_org_stats.sql; orgs_stats_rebuild)
p(ORG_STATS_SQL);
p('COMMIT;');
console.log(out.join('\n'));
console.error(`city: ${N} members, ${A} agencies, ${B} branches, ${B * 12} activities, year ${YEAR}`);
