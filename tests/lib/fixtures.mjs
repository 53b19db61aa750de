// A small fixed agency written straight into a test database with the sqlite3
// shell, for tests that need organisations, people and accounts of every role
// without depending on the demo data. Every account's password is PASSWORD.
//
//   orgs: 1 机关党委 (committee) ─┬─ 2 第一党支部 (branch) ── 4 第一党小组 (group)
//                                 ├─ 3 第二党支部 (branch)
//                                 ├─ 5 机关工会 (union), 6 机关妇委会 (women), 7 机关团支部 (youth)
//   people 1–6 in branch 2 (1 is its secretary), 7–10 in branch 3 (7 is its secretary)
//   logins: committee, discipline, leader, sec-a (branch 2), sec-b (branch 3),
//           member-a (person 2, branch 2), member-b (person 8, branch 3), officer (union 5)
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { shanghaiDate, iso8 } from './clock.mjs';
import { ORG_STATS_SQL } from './org-stats.mjs';

export { ORG_STATS_SQL };

export const ORG = { committee: 1, branchA: 2, branchB: 3, groupA: 4, union: 5, women: 6, youth: 7 };
export const PERSON = { secA: 1, memberA: 2, secB: 7, memberB: 8 };

// Dates that matter to rules (terms, probation) are laid relative to the tests'
// clock, so the fixture tells the same story on any day: the branches' terms
// began two years ago and end in a year; the probationary member joined 120 days ago.
const SQL = () => `
BEGIN;
INSERT INTO orgs (id, parent_id, kind, name, path, created_at, updated_at, term_start, term_end) VALUES
 (2, 1, 'branch', '第一党支部', '/1/2/', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '${shanghaiDate(-730)}', '${shanghaiDate(365)}'),
 (3, 1, 'branch', '第二党支部', '/1/3/', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '${shanghaiDate(-730)}', '${shanghaiDate(365)}'),
 (4, 2, 'group', '第一党小组', '/1/2/4/', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', NULL, NULL),
 (5, 1, 'union', '机关工会', '/1/5/', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', NULL, NULL),
 (6, 1, 'women', '机关妇委会', '/1/6/', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', NULL, NULL),
 (7, 1, 'youth', '机关团支部', '/1/7/', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', NULL, NULL);
INSERT INTO people (id, name, gender, birth_date, phone, org_id, party_status, joined_on, full_on, created_at, updated_at) VALUES
 (1, '张建国', 'male', '1975-05-01', '13800000001', 2, 'full', '1998-07-01', '1999-07-01', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
 (2, '李红梅', 'female', '1988-10-12', '13800000002', 2, 'full', '2012-06-20', '2013-06-20', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
 (3, '王志强', 'male', '1990-03-15', '13800000003', 4, 'full', '2015-07-01', '2016-07-01', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
 (4, '陈晓燕', 'female', '1995-08-08', '13800000004', 4, 'probationary', '${shanghaiDate(-120)}', NULL, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
 (5, '刘洋', 'male', '1998-01-20', '13800000005', 2, 'activist', NULL, NULL, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
 (6, '赵敏', 'female', '1985-11-30', '13800000006', 2, 'full', '2008-07-01', '2009-07-01', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
 (7, '孙立军', 'male', '1972-02-02', '13800000007', 3, 'full', '1995-07-01', '1996-07-01', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
 (8, '周丽', 'female', '1991-04-04', '13800000008', 3, 'full', '2016-07-01', '2017-07-01', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
 (9, '吴刚', 'male', '1983-09-09', '13800000009', 3, 'full', '2006-07-01', '2007-07-01', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
 (10, '郑芳', 'female', '1993-12-12', '13800000010', 3, 'applicant', NULL, NULL, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
INSERT INTO users (login, name, password_hash, person_id, created_at)
 SELECT v.login, v.name, u.password_hash, v.person_id, '2026-01-01T00:00:00Z'
 FROM (SELECT 'committee' AS login, '机关党委办公室' AS name, CAST(NULL AS INTEGER) AS person_id
       UNION ALL SELECT 'discipline', '纪委书记', NULL
       UNION ALL SELECT 'leader', '分管领导', NULL
       UNION ALL SELECT 'sec-a', '张建国', 1
       UNION ALL SELECT 'sec-b', '孙立军', 7
       UNION ALL SELECT 'member-a', '李红梅', 2
       UNION ALL SELECT 'member-b', '周丽', 8
       UNION ALL SELECT 'officer', '工会主席', NULL) v, users u WHERE u.login = 'admin';
INSERT INTO grants (user_id, role, org_id)
 SELECT id, CASE login WHEN 'sec-a' THEN 'secretary' WHEN 'sec-b' THEN 'secretary'
                       WHEN 'member-a' THEN 'member' WHEN 'member-b' THEN 'member' ELSE login END,
        CASE login WHEN 'sec-a' THEN 2 WHEN 'member-a' THEN 2 WHEN 'sec-b' THEN 3 WHEN 'member-b' THEN 3
                   WHEN 'officer' THEN 5 ELSE 1 END
 FROM users WHERE login IN ('committee','discipline','leader','sec-a','sec-b','member-a','member-b','officer');
COMMIT;
`;

/** Runs SQL against the test database (for fixtures and tamper tests) with the
 *  engine's own shell; returns stdout, one row a line, columns joined by "|". */
export function sql(db, text) {
  // SQL written straight into the roster, the tree or the totals bypasses the writes
  // that keep the subtree figures: recompute them after it, as the bench data does
  if (/\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(people|orgs|points_totals)\b/i.test(text)) text += `\n${ORG_STATS_SQL}`;
  // It takes a number of the write sequence, as every writer does (migration 0120), so that a
  // running server drops the answers its read cache keeps (src/core/db.c)
  if (db.startsWith('postgresql://')) {
    return execFileSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', db],
      { input: text + "\n;\nDO $$ BEGIN PERFORM nextval('dj_write_seq');"
        + ' EXCEPTION WHEN undefined_table THEN NULL; END $$;\n', encoding: 'utf8' }); // before migrations: no sequence yet
  }
  return execFileSync('sqlite3', ['-bail', db],
    { input: '.timeout 5000\n' + text + '\n;\nUPDATE write_seq SET n = n + 1;\n', encoding: 'utf8' });
}

/**
 * n full members of branch B (people and accounts first … first+n-1), each with an open
 * session, written straight into db: signing in hundreds of people would spend minutes in
 * argon2id, which is not what a burst test measures.  Returns [{pid, cookie, csrf}] in order;
 * signedIn() makes a client of one.
 */
export function seedMembers(db, first, n) {
  const lines = ['BEGIN;'];
  const sessions = [];
  const now = Math.floor(Date.now() / 1000);
  for (let pid = first; pid < first + n; pid++) {
    const token = crypto.randomBytes(32).toString('hex');
    const csrf = crypto.randomBytes(32).toString('hex');
    const hash = crypto.createHash('sha256').update(token).digest('hex');
    lines.push(`INSERT INTO people (id, name, org_id, party_status, created_at, updated_at) VALUES (${pid}, '党员${pid}', 3, 'full', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');`);
    lines.push(`INSERT INTO users (id, login, name, password_hash, person_id, created_at) VALUES (${pid}, 'm${pid}', '党员${pid}', 'x', ${pid}, '2026-01-01T00:00:00Z');`);
    lines.push(`INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen, idle_seconds) VALUES ('${hash}', ${pid}, '${csrf}', ${now}, ${now}, 86400);`);
    sessions.push({ pid, cookie: `dj_session=${token}`, csrf });
  }
  lines.push('COMMIT;');
  sql(db, lines.join('\n'));
  return sessions;
}

/** The client (from startServer's client() or new Client(url)) signed in as session s of seedMembers. */
export function signedIn(client, s) {
  client.cookie = s.cookie;
  client.csrf = s.csrf;
  return client;
}

/** n more branches under the agency (ids 6000…), each with one full member (测试党员i) who
 * earned 10 × i points in `year`: branch averages that differ, for the rankings at a city's size. */
export function seedRankedBranches(db, year, n) {
  const orgs = [], people = [], totals = [];
  for (let i = 0; i < n; i++) {
    const id = 6000 + i;
    orgs.push(`(${id}, 1, 'branch', '测试支部${i}', '/1/${id}/', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`);
    people.push(`(${id}, '测试党员${i}', ${id}, 'full', '2020-01-01', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`);
    totals.push(`(${id}, '${year}', ${id}, 1, ${10 * i}, 1)`);
  }
  sql(db, `INSERT INTO orgs (id, parent_id, kind, name, path, created_at, updated_at) VALUES ${orgs.join(',')};
    INSERT INTO people (id, name, org_id, party_status, joined_on, active, created_at, updated_at) VALUES ${people.join(',')};
    INSERT INTO points_totals (person_id, period, branch_id, agency_id, total, entries) VALUES ${totals.join(',')};`);
}

/** Writes the fixed agency into the database of a server started with startServer(). */
export function seedAgency(db) {
  sql(db, SQL());
  // the membership history (issue 17) starts where the roster stands, as migration 0110 does
  sql(db, `INSERT INTO person_history (person_id, kind, org_id, on_date, event, recorded_at)
    SELECT id, 'branch', org_id, COALESCE(joined_on, substr(created_at, 1, 10)), 'initial', created_at FROM people WHERE org_id IS NOT NULL;
  INSERT INTO person_history (person_id, kind, status, on_date, event, recorded_at)
    SELECT id, 'status', party_status, COALESCE(full_on, joined_on, substr(created_at, 1, 10)), 'initial', created_at FROM people;`);
  if (db.startsWith('postgresql://')) {
    // explicit ids leave the identity sequences behind: move them past the fixture
    sql(db, ['orgs', 'people', 'users', 'grants'].map((t) =>
      `SELECT setval(pg_get_serial_sequence('${t}', 'id'), (SELECT max(id) FROM ${t}));`).join('\n'));
  }
}

/**
 * An activity made through the API by client c (a secretary of branch A by default):
 * a 支部党员大会 of branch A that began five minutes ago and lasts an hour, unless
 * fields say otherwise; with notice, its notice is sent too (check-in needs it).
 * Asserts the 201 and returns the activity.
 */
export async function createActivity(c, fields = {}, { notice = false } = {}) {
  const now = Date.now();
  const r = await c.post('/api/v1/activities', {
    org_id: ORG.branchA, kind: 'branch_assembly', title: '第四季度支部党员大会',
    starts_at: iso8(now - 5 * 60000), ends_at: iso8(now + 55 * 60000), place: '三楼会议室', ...fields,
  });
  if (r.status !== 201) throw new Error(`creating the activity: ${r.status} ${r.text}`);
  if (notice) {
    const n = await c.post(`/api/v1/activities/${r.body.id}/notice`);
    if (n.status !== 200) throw new Error(`its notice: ${n.status} ${n.text}`);
  }
  return r.body;
}
