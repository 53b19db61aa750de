// API tests of the roster (issue 3): list with search, filters, sorting and
// pages; private fields by scope; create and change with audit; the public
// profile and a branch's members; import (UTF-8, BOM, GBK, quoted fields, bad
// rows, nothing written on error) and export (CSV with BOM, XLSX).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, dj } from '../lib/server.mjs';
import { seedAgency, sql as rawSql, ORG, PERSON } from '../lib/fixtures.mjs';

const sql = (db, text) => rawSql(db, text).trim();
const count = (db) => Number(sql(db, 'SELECT COUNT(*) FROM people;'));
const CSV = { headers: { 'content-type': 'text/csv' } };
const gbk = (text) => execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], { input: text });

test('people', async (t) => {
  const srv = await startServer();
  seedAgency(srv.db);
  const com = srv.client(); await com.login('committee');
  const secA = srv.client(); await secA.login('sec-a');
  const memA = srv.client(); await memA.login('member-a');
  const disc = srv.client(); await disc.login('discipline');
  const officer = srv.client(); await officer.login('officer');
  try {
    await t.test('list: search, filters, sort, pages', async () => {
      let r = await com.get('/api/v1/people');
      assert.equal(r.status, 200);
      assert.equal(r.body.total, 10);
      r = await com.get(`/api/v1/people?q=${encodeURIComponent('李')}`);
      assert.deepEqual(r.body.items.map((p) => p.name), ['李红梅']);
      r = await com.get(`/api/v1/people?org=${ORG.groupA}`);
      assert.deepEqual(r.body.items.map((p) => p.id).sort(), [3, 4]);
      r = await com.get(`/api/v1/people?org=${ORG.branchA}&status=full&sort=-joined_on`);
      assert.deepEqual(r.body.items.map((p) => p.id), [3, 2, 6, 1]);
      r = await com.get('/api/v1/people?limit=4&sort=id');
      assert.deepEqual(r.body.items.map((p) => p.id), [1, 2, 3, 4]);
      assert.equal(r.body.next, '4');
      r = await com.get(`/api/v1/people?limit=4&sort=id&cursor=${r.body.next}`);
      assert.deepEqual(r.body.items.map((p) => p.id), [5, 6, 7, 8]);
      r = await com.get('/api/v1/people?limit=4&cursor=100');
      assert.deepEqual([r.body.items.length, r.body.total, r.body.next], [0, 10, null]);
      r = await com.get('/api/v1/people?q=%25');
      assert.equal(r.body.total, 0, 'a % in the name is no wildcard');
      r = await com.get(`/api/v1/people?q=${encodeURIComponent('无此人')}`);
      assert.deepEqual([r.body.items.length, r.body.total], [0, 0]);
      r = await com.get('/api/v1/people?status=boss');
      assert.equal(r.status, 400);
      assert.equal(r.body.error.field, 'status');
      r = await com.get('/api/v1/people?sort=phone');
      assert.equal(r.status, 400);
      r = await secA.get(`/api/v1/people?org=${ORG.branchB}`);
      assert.equal(r.status, 403);
      r = await memA.get('/api/v1/people');
      assert.equal(r.status, 403, 'a member has no roster');
    });

    await t.test('private fields: the person, their branch officers and the committee', async () => {
      let r = await secA.get('/api/v1/people');
      assert.deepEqual(r.body.items.map((p) => p.id).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6]);
      assert.equal(r.body.items.find((p) => p.id === 2).phone, '13800000002');
      r = await secA.get(`/api/v1/people/${PERSON.secB}`);
      assert.equal(r.status, 403, 'another branch is out of reach');
      r = await disc.get('/api/v1/people/2');
      assert.equal(r.status, 200);
      assert.equal(r.body.phone, '138****0002');
      assert.equal(r.body.birth_date, '1988-**-**');
      assert.equal(r.body.private, false);
      r = await disc.get('/api/v1/people?limit=500');
      assert.ok(r.body.items.every((p) => /\*\*\*\*/.test(p.phone)));
      r = await com.get('/api/v1/people/8');
      assert.equal(r.body.phone, '13800000008');
      r = await memA.get(`/api/v1/people/${PERSON.memberA}`);
      assert.equal(r.status, 200, 'one\'s own record');
      assert.equal(r.body.phone, '13800000002');
      r = await memA.get('/api/v1/people/1');
      assert.equal(r.status, 403);
    });

    await t.test('create and change, with audit; a secretary only in their branch', async () => {
      let r = await secA.post('/api/v1/people', { name: '新同志', org_id: ORG.branchA, party_status: 'activist', phone: '13900000100', gender: 'female' });
      assert.equal(r.status, 201, r.text);
      const id = r.body.id;
      r = await secA.post('/api/v1/people', { name: '越界', org_id: ORG.branchB });
      assert.equal(r.status, 403);
      r = await com.post('/api/v1/people', { name: '重号', org_id: ORG.branchA, phone: '13900000100' });
      assert.equal(r.status, 409);
      assert.equal(r.body.error.field, 'phone');
      r = await com.post('/api/v1/people', { name: '坏号', org_id: ORG.branchA, phone: '12345' });
      assert.equal(r.status, 400);
      r = await com.post('/api/v1/people', { name: '无入党时间', org_id: ORG.branchA, party_status: 'full' });
      assert.equal(r.status, 400);
      assert.equal(r.body.error.field, 'joined_on');
      r = await com.post('/api/v1/people', { name: '工会', org_id: ORG.union });
      assert.equal(r.status, 400);
      assert.equal(r.body.error.field, 'org_id');
      r = await com.post('/api/v1/people', { name: 'x', salary: 1 });
      assert.equal(r.status, 400);
      r = await com.patch('/api/v1/people/1', {});
      assert.equal(r.status, 400);
      const before = count(srv.db);
      // the pipeline's fields change only through 发展党员 steps; repeating the current value is harmless
      for (const [field, value] of [['party_status', 'candidate'], ['joined_on', '2020-07-01'], ['full_on', '2021-07-01'], ['probation_until', '2021-07-01']]) {
        r = await secA.patch(`/api/v1/people/${id}`, { [field]: value, job_post: '科员' });
        assert.equal(r.status, 422, `${field}: ${r.text}`);
        assert.equal(r.body.error.field, field);
        assert.match(r.body.error.message, /发展党员/);
      }
      r = await secA.patch(`/api/v1/people/${id}`, { party_status: 'activist', job_post: '科员' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.party_status, 'activist');
      // the union's and the women's committee's rosters are not the branch secretary's to change
      r = await secA.patch(`/api/v1/people/${id}`, { job_post: '越权', mass_orgs: [ORG.union, ORG.women] });
      assert.equal(r.status, 403, r.text);
      assert.equal(r.body.error.field, 'mass_orgs');
      assert.equal(r.body.error.code, 'out_of_scope');
      r = await com.patch(`/api/v1/people/${id}`, { mass_orgs: [ORG.union, ORG.women] });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body.mass_orgs.map((m) => m.id), [ORG.union, ORG.women]);
      assert.equal(r.body.job_post, '科员', 'the refused change wrote nothing');
      // nor may the secretary take the member off them
      r = await secA.patch(`/api/v1/people/${id}`, { mass_orgs: [] });
      assert.equal(r.status, 403, r.text);
      r = await com.patch(`/api/v1/people/${id}`, { mass_orgs: [ORG.branchB] });
      assert.equal(r.status, 400);
      r = await secA.patch(`/api/v1/people/${PERSON.memberB}`, { job_post: '越权' });
      assert.equal(r.status, 403);
      r = await secA.patch(`/api/v1/people/${id}`, { org_id: ORG.branchB });
      assert.equal(r.status, 403, 'cannot move someone out of reach');
      assert.equal(count(srv.db), before);
      const first = `FROM audit WHERE entity = 'person' AND entity_id = ${id} AND action = 'update' ORDER BY id LIMIT 1;`;
      assert.equal(JSON.parse(sql(srv.db, `SELECT before ${first}`)).job_post, null);
      assert.equal(JSON.parse(sql(srv.db, `SELECT after ${first}`)).job_post, '科员');
      assert.equal(sql(srv.db, `SELECT login ${first}`), 'sec-a');
      // the union officer reads the union's members
      r = await officer.get(`/api/v1/people?org=${ORG.union}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body.items.map((p) => p.id), [id]);
      r = await officer.get(`/api/v1/people/${id}`);
      assert.equal(r.status, 200);
      assert.match(r.body.phone, /\*\*\*\*/);
      r = await officer.get('/api/v1/people/1');
      assert.equal(r.status, 403);
      // leaving the roster
      r = await secA.patch(`/api/v1/people/${id}`, { active: false });
      assert.equal(r.status, 200);
      r = await secA.get('/api/v1/people?q=' + encodeURIComponent('新同志'));
      assert.equal(r.body.total, 0);
      r = await secA.get('/api/v1/people?active=all&q=' + encodeURIComponent('新同志'));
      assert.equal(r.body.total, 1);
    });

    await t.test('pledge and public profile (亮身份、亮承诺)', async () => {
      let r = await memA.patch(`/api/v1/people/${PERSON.memberA}`, { pledge: '立足岗位做表率' });
      assert.equal(r.status, 200, r.text);
      r = await memA.patch(`/api/v1/people/${PERSON.memberA}`, { name: '改名' });
      assert.equal(r.status, 403);
      r = await memA.patch('/api/v1/people/1', { pledge: '代写' });
      assert.equal(r.status, 403);
      r = await memA.get('/api/v1/people/1/profile');
      assert.equal(r.status, 200);
      assert.equal(r.body.name, '张建国');
      assert.equal(r.body.branch_name, '第一党支部');
      assert.ok(r.body.party_years >= 27);
      assert.equal(r.body.phone, undefined);
      assert.equal(r.body.birth_date, undefined);
      r = await memA.get(`/api/v1/orgs/${ORG.branchA}/members`);
      assert.equal(r.status, 200);
      const me = r.body.items.find((p) => p.id === PERSON.memberA);
      assert.equal(me.pledge, '立足岗位做表率');
      assert.equal(r.body.items.length, 5, 'party members of the branch and its group');
      assert.ok(r.body.items.every((p) => p.phone === undefined));
      r = await memA.get(`/api/v1/orgs/${ORG.branchB}/members`);
      assert.equal(r.status, 403);
      r = await memA.get('/api/v1/people/999/profile');
      assert.equal(r.status, 404);
    });

    await t.test('import: every bad row listed, nothing written', async () => {
      const before = count(srv.db);
      const file = [
        '\uFEFF序号,姓名,性别,出生日期,民族,学历,手机号,所在支部,党员类别,入党时间,转正时间,承诺',
        '1,钱学军,男,1980/3/5,汉族,大学本科,13900001001,第一党支部,正式党员,2005-07-01,2006-07-01,"立足岗位,服务群众"',
        '2,孙梅,女,1981-02-30,汉族,硕士研究生,13900001002,第一党支部,正式党员,2006-07-01,2007-07-01,',
        '3,周强,男,1982-01-01,汉族,大学本科,13900001001,第一党支部,预备党员,2026-01-01,,',
        '4,吴磊,男,1983-01-01,汉族,大学本科,13800000001,第九党支部,正式党员,2006-07-01,2007-07-01,',
        '5,郑多行,男,1984-01-01,汉族,大学本科,13900001005,第一党支部,正式党员,2006-07-01,2007-07-01,"第一行',
        '第二行"',
        '6,,男,1984-01-01,汉族,大学本科,13900001006,第一党支部,党员干部,2006-07-01,2007-07-01,',
      ].join('\r\n');
      let r = await com.post('/api/v1/people/import?dry_run=1', file, CSV);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.rows, 6);
      const errs = r.body.errors.map((e) => `${e.line}:${e.column}`);
      assert.deepEqual(errs, ['3:出生日期', '4:手机号', '5:手机号', '5:所在支部', '8:姓名', '8:党员类别']);
      assert.match(r.body.errors[1].message, /第2行重复/);
      assert.match(r.body.errors[2].message, /已登记/);
      assert.equal(count(srv.db), before);
      r = await com.post('/api/v1/people/import?dry_run=0', file, CSV);
      assert.equal(r.status, 422);
      assert.equal(r.body.errors.length, 6);
      assert.equal(r.body.imported, 0);
      assert.equal(count(srv.db), before, 'nothing written');
      // the secretary of branch A may not import into branch B
      r = await secA.post('/api/v1/people/import?dry_run=1', '姓名,所在支部\n甲,第二党支部\n', CSV);
      assert.match(r.body.errors[0].message, /无权/);
      // structural errors
      r = await com.post('/api/v1/people/import?dry_run=1', '名字,支部\n甲,第一党支部\n', CSV);
      assert.equal(r.body.errors[0].line, 1);
      assert.match(r.body.errors[0].message, /表头缺少/);
      r = await com.post('/api/v1/people/import?dry_run=1', '姓名,所在支部\n"甲,第一党支部\n', CSV);
      assert.match(r.body.errors[0].message, /引号/);
      r = await com.post('/api/v1/people/import?dry_run=1', '姓名,所在支部\n甲,第一党支部,多余\n', CSV);
      assert.match(r.body.errors[0].message, /多于表头/);
      r = await com.post('/api/v1/people/import?dry_run=1', Buffer.from([0xff, 0xfe, 0xff, 0x00]), CSV);
      assert.match(r.body.errors[0].message, /编码/);
      r = await com.post('/api/v1/people/import', { a: 1 });
      assert.equal(r.status, 415);
      r = await com.post('/api/v1/people/import?dry_run=2', 'x', CSV);
      assert.equal(r.status, 400);
      assert.equal(count(srv.db), before);
    });

    await t.test('import: UTF-8 and GBK files go in whole', async () => {
      const before = count(srv.db);
      const utf8 = '姓名,性别,出生日期,手机号,所在支部,党员类别,入党时间,转正时间,承诺\n'
        + '钱学军,男,1980/3/5,13900001001,第一党支部/第一党小组,正式党员,2005-07-01,2006-07-01,"立足岗位,服务群众"\n'
        + '孙梅,女,19810205,13900001002,第二党支部,预备党员,2026-03-01,,\n';
      let r = await com.post('/api/v1/people/import?dry_run=0', utf8, CSV);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.imported, 2);
      assert.equal(count(srv.db), before + 2);
      const row = sql(srv.db, "SELECT birth_date || '|' || org_id || '|' || pledge FROM people WHERE phone = '13900001001';");
      assert.equal(row, `1980-03-05|${ORG.groupA}|立足岗位,服务群众`);
      const file = '姓名,性别,手机号,所在支部,党员类别,入党时间,转正时间\r\n欧阳晓,女,13900002001,第二党支部,入党积极分子,,\r\n';
      r = await com.post('/api/v1/people/import?dry_run=1', gbk(file), CSV);
      assert.equal(r.body.encoding, 'gb18030');
      assert.deepEqual(r.body.errors, []);
      r = await com.post('/api/v1/people/import?dry_run=0', gbk(file), CSV);
      assert.equal(r.status, 200);
      assert.equal(sql(srv.db, "SELECT name || '|' || party_status FROM people WHERE phone = '13900002001';"), '欧阳晓|activist');
      r = await com.post('/api/v1/people/import?dry_run=0', utf8, CSV);
      assert.equal(r.status, 422, 'a second import of the same phones is refused');
      assert.equal(count(srv.db), before + 3);
      assert.equal(sql(srv.db, "SELECT COUNT(*) FROM audit WHERE action = 'import_file';"), '2');
      // and every imported person has their own record, with what was written
      assert.equal(sql(srv.db, "SELECT COUNT(*) FROM audit WHERE action = 'import' AND entity = 'person';"), '3');
      const after = JSON.parse(sql(srv.db, "SELECT after FROM audit WHERE action = 'import' AND after LIKE '%13900001001%';"));
      assert.deepEqual([after.name, after.org_id, after.birth_date, after.party_status], ['钱学军', ORG.groupA, '1980-03-05', 'full']);
      // two groups of the same name: the file must say which
      await com.post('/api/v1/orgs', { parent_id: ORG.branchB, kind: 'group', name: '第一党小组' });
      r = await com.post('/api/v1/people/import?dry_run=1', '姓名,所在支部\n甲,第一党小组\n乙,第二党支部/第一党小组\n', CSV);
      assert.equal(r.body.errors.length, 1);
      assert.equal(r.body.errors[0].line, 2);
      assert.match(r.body.errors[0].message, /同名/);
    });

    await t.test('export: CSV with BOM and XLSX, masked by scope', async () => {
      let r = await com.get(`/api/v1/people/export?format=csv&org=${ORG.branchB}`);
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type'), /text\/csv/);
      assert.deepEqual([...r.raw.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      const lines = r.text.slice(1).trim().split('\r\n');
      assert.equal(lines[0].split(',')[0], '姓名');
      assert.ok(lines.some((l) => l.includes('13800000008')));
      r = await disc.get(`/api/v1/people/export?format=csv&org=${ORG.branchB}`);
      assert.ok(!r.text.includes('13800000008'));
      assert.ok(r.text.includes('138****0008'));
      r = await com.get('/api/v1/people/export?format=xlsx');
      assert.equal(r.status, 200);
      assert.equal(r.raw.subarray(0, 2).toString(), 'PK');
      r = await com.get('/api/v1/people/export?format=pdf');
      assert.equal(r.status, 400);
      r = await memA.get('/api/v1/people/export');
      assert.equal(r.status, 403);
      // an exported file goes back in (a dry run finds only the duplicate phones)
      r = await com.get(`/api/v1/people/export?format=csv&org=${ORG.branchB}`);
      const back = await com.post('/api/v1/people/import?dry_run=1', r.raw, CSV);
      assert.ok(back.body.errors.length > 0);
      assert.ok(back.body.errors.every((e) => e.column === '手机号'), JSON.stringify(back.body.errors));
    });

    await t.test('the command line: dangjian import and export', async () => {
      const file = path.join(srv.dir, 'cli.csv');
      writeFileSync(file, '姓名,所在支部,党员类别\n命令行甲,第二党支部,入党申请人\n命令行乙,第九党支部,群众\n');
      assert.throws(() => dj(['import', '--db', srv.db, '--file', file, '--commit']),
        (e) => e.status === 3 && /第3行 所在支部/.test(e.stdout) && /nothing written/.test(e.stdout));
      assert.equal(sql(srv.db, "SELECT COUNT(*) FROM people WHERE name LIKE '命令行%';"), '0');
      writeFileSync(file, '姓名,所在支部,党员类别\n命令行甲,第二党支部,入党申请人\n');
      assert.match(dj(['import', '--db', srv.db, '--file', file, '--commit']), /1 rows \(utf-8\), 0 errors; imported/);
      assert.equal(sql(srv.db, "SELECT COUNT(*) FROM people WHERE name LIKE '命令行%';"), '1');
      const out = path.join(srv.dir, 'out.xlsx');
      assert.match(dj(['export', '--db', srv.db, '--out', out, '--format', 'xlsx']), /wrote \d+ bytes/);
    });
  } finally {
    await srv.stop();
  }
});
