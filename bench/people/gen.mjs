// Generates the benchmark's roster: N members (default 100,000) spread over
// B branches (default 2,000, so no branch passes 50), as a CSV file with the
// import's Chinese headers, and the SQL that creates those branches.
//   node bench/people/gen.mjs OUT.csv OUT.sql [N] [B]
import { writeFileSync } from 'node:fs';

const [out, sqlOut, nArg, bArg] = process.argv.slice(2);
const N = Number(nArg || 100000);
const B = Number(bArg || 2000);
const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁郑谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢'.split('');
const given = '伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁健芳娜敏静丽艳娟霞燕玲婷雪慧颖琳萍红梅洁倩欣悦晶莉'.split('');
let seed = 20261127;
const rnd = (n) => { seed = (seed * 1664525 + 1013904223) >>> 0; return (seed >>> 8) % n; };
const pad = (x, w) => String(x).padStart(w, '0');
const branch = (i) => `基准支部${pad(i + 1, 4)}`;

const sql = ['BEGIN;'];
for (let i = 0; i < B; i++) {
  const id = 100000 + i;
  sql.push(`INSERT INTO orgs (id, parent_id, kind, name, path, created_at, updated_at) VALUES (${id}, 1, 'branch', '${branch(i)}', '/1/${id}/', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');`);
}
sql.push('COMMIT;');
writeFileSync(sqlOut, sql.join('\n') + '\n');

const lines = ['姓名,性别,出生日期,民族,学历,手机号,职务,所在支部,党员类别,入党时间,转正时间,承诺'];
for (let i = 0; i < N; i++) {
  const name = surnames[rnd(surnames.length)] + given[rnd(given.length)] + (rnd(10) < 7 ? given[rnd(given.length)] : '');
  const by = 1960 + rnd(40);
  const jy = by + 22 + rnd(10);
  const full = rnd(10) < 9;
  lines.push([
    name, rnd(2) ? '男' : '女', `${by}-${pad(1 + rnd(12), 2)}-${pad(1 + rnd(28), 2)}`, '汉族', '大学本科',
    `15${pad(i, 9)}`, '科员', branch(i % B), full ? '正式党员' : '预备党员',
    full ? `${jy}-07-01` : '2026-03-01', full ? `${jy + 1}-07-01` : '',
    rnd(4) === 0 ? '"立足岗位,服务群众"' : '',
  ].join(','));
}
writeFileSync(out, lines.join('\r\n') + '\r\n');
console.log(`wrote ${N} members in ${B} branches to ${out}`);
