// bench/study/seed.mjs DB MEMBERS ATTEMPTS: SQL for a branch of MEMBERS party members,
// each with an account and a session whose token is sha256hex("tok-<id>") (the CSRF
// token "csrf-<id>"), a published 20-minute article, a published quiz of 10 questions, and
// ATTEMPTS started attempts spread over the members (all 10 questions each).
import { createHash } from 'node:crypto';

const [, , , membersArg, attemptsArg] = process.argv;
const n = Number(membersArg);
const attempts = Number(attemptsArg);
const now = new Date().toISOString().slice(0, 19) + 'Z';
const sec = Math.floor(Date.now() / 1000);
const sha = (s) => createHash('sha256').update(s).digest('hex');
const out = [];
out.push('BEGIN;');
out.push(`INSERT INTO orgs (id, parent_id, kind, name, path, created_at, updated_at) VALUES (2, 1, 'branch', '压测支部', '/1/2/', '${now}', '${now}');`);
for (let i = 1; i <= n; i++) {
  const id = 1000 + i;
  out.push(`INSERT INTO people (id, name, org_id, party_status, created_at, updated_at) VALUES (${id}, '党员${i}', 2, 'full', '${now}', '${now}');`);
  out.push(`INSERT INTO users (id, login, name, password_hash, person_id, created_at) SELECT ${id}, 'm${i}', '党员${i}', password_hash, ${id}, '${now}' FROM users WHERE login = 'admin';`);
  out.push(`INSERT INTO grants (user_id, role, org_id) VALUES (${id}, 'member', 2);`);
  out.push(`INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen, idle_seconds, office) VALUES ('${sha(sha(`tok-${id}`))}', ${id}, 'csrf-${id}', ${sec}, ${sec}, 604800, 0);`);
}
out.push(`INSERT INTO study_materials (id, column_id, org_id, kind, title, body, length_seconds, state, published_at, created_at, updated_at) VALUES (1, 1, 1, 'article', '压测文章', '<p>正文</p>', 1200, 'published', '${now}', '${now}', '${now}');`);
out.push(`INSERT INTO study_quizzes (id, org_id, title, pass_percent, time_limit_min, draw_count, state, created_at, updated_at) VALUES (1, 1, '压测测试', 60, 0, 0, 'published', '${now}', '${now}');`);
for (let q = 1; q <= 10; q++) {
  out.push(`INSERT INTO study_questions (id, quiz_id, kind, stem, options, answer, sort) VALUES (${q}, 1, 'single', '第${q}题', '["甲","乙","丙","丁"]', '${'ABCD'[q % 4]}', ${q});`);
}
const qids = JSON.stringify([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
for (let a = 1; a <= attempts; a++) {
  const person = 1000 + 1 + ((a - 1) % n);
  out.push(`INSERT INTO study_attempts (id, quiz_id, person_id, question_ids, started_at, total, client_key) VALUES (${a}, 1, ${person}, '${qids}', '${now}', 10, 'bench-${a}');`);
}
out.push('COMMIT;');
console.log(out.join('\n'));
