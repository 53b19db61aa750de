// The file store (issue 14): upload (raw and multipart), the same bytes stored once,
// download with the Chinese name, ETag and Range, thumbnails, who may read what across
// branches, attaching and detaching, the day's quota, 413 before the body is read, 415 from
// the bytes, an upload cut off in the middle leaves nothing, idempotent retries, the dir
// driver and its backup, files gc, and the migration of the name-only attachment fields.
import test from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, dj, startServer } from '../lib/server.mjs';
import { seedAgency, sql, ORG, PERSON } from '../lib/fixtures.mjs';
import { shanghaiDate } from '../lib/clock.mjs';

const MKIMAGE = path.join(path.dirname(BIN), 'tests/tools/mkimage');
const work = mkdtempSync(path.join(tmpdir(), 'dj-files-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

/** A JPEG (or PNG) of w×h with distinct content per seed. */
function image(w, h, seed = 1, ext = 'jpg', quality = 90) {
  const p = path.join(work, `img-${w}x${h}-${seed}-${quality}.${ext}`);
  if (!existsSync(p)) execFileSync(MKIMAGE, [p, String(w), String(h), String(quality), String(seed)]);
  return readFileSync(p);
}
const sha = (b) => createHash('sha256').update(b).digest('hex');
const one = (db, q) => sql(db, q).trim();
const MIN = 60e3;
const iso = (t) => new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');

/** POST /files with a raw body. */
function upload(c, body, { name = '照片.jpg', type = 'image/jpeg', subject, record, kind, key } = {}) {
  const q = new URLSearchParams({ name });
  if (subject) q.set('subject', subject);
  if (record) q.set('record', String(record));
  if (kind) q.set('kind', kind);
  const headers = { 'content-type': type };
  if (key) headers['idempotency-key'] = key;
  return c.post(`/api/v1/files?${q}`, body, { headers });
}

/** Sends raw bytes; resolves with the status line's code (0 when the connection was cut). */
function rawSend(url, head, body, { cut = false } = {}) {
  return new Promise((resolve) => {
    const { port } = new URL(url);
    const s = net.connect(Number(port), '127.0.0.1');
    let data = '';
    const done = () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1] ?? 0));
    s.on('data', (d) => { data += d.toString('latin1'); });
    s.on('end', done);
    s.on('error', done);
    s.write(head);
    if (body) s.write(body);
    if (cut) setTimeout(() => { s.destroy(); resolve(-1); }, 300);
  });
}

async function setup(args = []) {
  const srv = await startServer({ args });
  seedAgency(srv.db);
  const as = async (login) => { const c = srv.client(); await c.login(login); return c; };
  return { srv, as };
}

async function newActivity(sec, org = ORG.branchA) {
  const now = Date.now();
  const r = await sec.post('/api/v1/activities', {
    org_id: org, kind: 'theme_day', title: '主题党日：重温入党誓词', starts_at: iso(now + 60 * MIN),
    ends_at: iso(now + 120 * MIN), place: '三楼会议室',
  });
  assert.equal(r.status, 201, r.text);
  assert.equal((await sec.post(`/api/v1/activities/${r.body.id}/notice`)).status, 200);
  return r.body.id;
}

test('upload, dedup, download with Range and ETag, thumbnails, permissions across branches', async (t) => {
  const { srv, as } = await setup();
  try {
    const secA = await as('sec-a'), secB = await as('sec-b'), memA = await as('member-a'), memB = await as('member-b');
    const committee = await as('committee');
    const act = await newActivity(secA);
    const photo = image(1600, 1200, 1);
    let up;

    await t.test('a raw upload to an activity answers its id, name, size, type and hash', async () => {
      up = await upload(secA, photo, { name: '主题党日合影.jpg', subject: 'activity', record: act, kind: 'photo' });
      assert.equal(up.status, 201, up.text);
      assert.match(up.body.id, /^[a-z2-7]{24}$/);
      assert.equal(up.body.name, '主题党日合影.jpg');
      assert.equal(up.body.size, photo.length);
      assert.equal(up.body.media_type, 'image/jpeg');
      assert.equal(up.body.sha256, sha(photo));
      assert.equal(up.body.kind, 'photo');
      const a = await secA.get(`/api/v1/activities/${act}`);
      assert.deepEqual(a.body.attachments.map((f) => f.id), [up.body.id]);
      const audit = one(srv.db, `SELECT action || ' ' || entity FROM audit WHERE entity = 'file';`);
      assert.equal(audit, 'upload file');
    });

    await t.test('the same bytes again are stored once; a multipart upload keeps its Chinese name', async () => {
      const fd = new FormData();
      fd.append('note', '随手拍');
      fd.append('file', new Blob([photo], { type: 'image/jpeg' }), '会议照片（二）.jpg');
      const r = await secA.req('POST', `/api/v1/files?subject=activity&record=${act}&kind=photo`, undefined, {});
      assert.equal(r.status, 400, 'no body: no file');
      const h = { cookie: secA.cookie, 'x-csrf-token': secA.csrf };
      const res = await fetch(`${srv.url}/api/v1/files?subject=activity&record=${act}&kind=photo`, { method: 'POST', headers: h, body: fd });
      const body = await res.json();
      assert.equal(res.status, 201, JSON.stringify(body));
      assert.equal(body.name, '会议照片（二）.jpg');
      assert.notEqual(body.id, up.body.id);
      assert.equal(body.sha256, up.body.sha256);
      assert.equal(one(srv.db, `SELECT COUNT(*) FROM file_blobs WHERE sha256 = '${sha(photo)}';`), '1');
      assert.equal(one(srv.db, `SELECT COUNT(*) FROM files WHERE sha256 = '${sha(photo)}';`), '2');
    });

    await t.test('download: the bytes, the Chinese name (RFC 5987), ETag, 304 and Range', async () => {
      const r = await secA.get(`/api/v1/files/${up.body.id}`);
      assert.equal(r.status, 200);
      assert.equal(sha(r.raw), sha(photo));
      assert.equal(r.headers.get('content-type'), 'image/jpeg');
      assert.equal(r.headers.get('content-disposition'),
        `attachment; filename="file.jpg"; filename*=UTF-8''${encodeURIComponent('主题党日合影.jpg')}`);
      const etag = r.headers.get('etag');
      assert.equal(etag, `"${sha(photo)}"`);
      assert.equal(r.headers.get('accept-ranges'), 'bytes');
      assert.equal((await secA.get(`/api/v1/files/${up.body.id}`, { headers: { 'if-none-match': etag } })).status, 304);
      const inline = await secA.get(`/api/v1/files/${up.body.id}?inline=1`);
      assert.match(inline.headers.get('content-disposition'), /^inline;/);
      // a middle range crossing the 256 KiB pieces, a suffix, an open end, one past the end
      const mid = await secA.get(`/api/v1/files/${up.body.id}`, { headers: { range: 'bytes=262000-263999' } });
      assert.equal(mid.status, 206);
      assert.equal(mid.headers.get('content-range'), `bytes 262000-263999/${photo.length}`);
      assert.deepEqual(mid.raw, photo.subarray(262000, 264000));
      const tail = await secA.get(`/api/v1/files/${up.body.id}`, { headers: { range: 'bytes=-100' } });
      assert.equal(tail.status, 206);
      assert.deepEqual(tail.raw, photo.subarray(photo.length - 100));
      const open = await secA.get(`/api/v1/files/${up.body.id}`, { headers: { range: `bytes=${photo.length - 10}-` } });
      assert.deepEqual(open.raw, photo.subarray(photo.length - 10));
      const past = await secA.get(`/api/v1/files/${up.body.id}`, { headers: { range: `bytes=${photo.length}-` } });
      assert.equal(past.status, 416);
      assert.equal(past.headers.get('content-range'), `bytes */${photo.length}`);
      const stale = await secA.get(`/api/v1/files/${up.body.id}`, { headers: { range: 'bytes=0-9', 'if-range': '"other"' } });
      assert.equal(stale.status, 200, 'If-Range with another ETag: the whole file');
    });

    await t.test('a thumbnail is made once, small, and cached', async () => {
      const r = await secA.get(`/api/v1/files/${up.body.id}/thumb`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('content-type'), 'image/jpeg');
      assert.equal(r.raw[0], 0xff);
      assert.equal(r.raw[1], 0xd8);
      assert.ok(r.raw.length < photo.length / 10, `thumbnail of ${r.raw.length} bytes`);
      const again = await secA.get(`/api/v1/files/${up.body.id}/thumb`);
      assert.deepEqual(again.raw, r.raw);
      assert.equal(one(srv.db, 'SELECT COUNT(*) FROM file_thumbs;'), '1');
      assert.equal(one(srv.db, `SELECT width || 'x' || height FROM file_thumbs;`), '320x240');
      const text = await upload(secA, '纪要', { name: '纪要.txt', type: 'text/plain', subject: 'activity', record: act, kind: 'minutes' });
      assert.equal(text.status, 201, text.text);
      assert.equal(text.body.thumb, null);
      assert.equal((await secA.get(`/api/v1/files/${text.body.id}/thumb`)).status, 404);
      // a transparent PNG becomes a JPEG thumbnail too
      const png = await upload(secA, image(500, 300, 2, 'png'), { name: '示意图.png', type: 'image/png', subject: 'activity', record: act });
      assert.equal(png.status, 201, png.text);
      const pt = await secA.get(`/api/v1/files/${png.body.id}/thumb`);
      assert.equal(pt.status, 200, pt.text);
      assert.equal(pt.headers.get('content-type'), 'image/jpeg');
    });

    await t.test('only readers of the record read the file: other branches get 404', async () => {
      assert.equal((await memA.get(`/api/v1/files/${up.body.id}`)).status, 200, 'a member expected at the activity');
      assert.equal((await committee.get(`/api/v1/files/${up.body.id}/thumb`)).status, 200, 'the committee');
      for (const [who, c] of [['sec-b', secB], ['member-b', memB]]) {
        for (const p of [`/api/v1/files/${up.body.id}`, `/api/v1/files/${up.body.id}/thumb`, `/api/v1/files/${up.body.id}/meta`,
          `/api/v1/files?subject=activity&record=${act}`]) {
          const r = await c.get(p);
          assert.equal(r.status, 404, `${who} ${p}: ${r.text}`);
        }
        const put = await upload(c, photo, { subject: 'activity', record: act });
        assert.ok([403, 404].includes(put.status), `${who} uploads to another branch: ${put.status}`);
      }
      const anon = srv.client();
      assert.equal((await anon.get(`/api/v1/files/${up.body.id}`)).status, 401);
      assert.equal((await memA.get('/api/v1/files/aaaaaaaaaaaaaaaaaaaaaaaa')).status, 404);
      const list = await memA.get(`/api/v1/files?subject=activity&record=${act}`);
      assert.equal(list.status, 200);
      assert.equal(list.body.items.length, 4);
      assert.ok(list.body.items.every((f) => f.record_id === act));
      // a member may upload (for a claim), but not attach to the branch's activity
      const mine = await upload(memA, image(300, 200, 3), { name: '我的.jpg' });
      assert.equal(mine.status, 201);
      assert.equal((await memA.post(`/api/v1/files/${mine.body.id}/links`, { subject: 'activity', record_id: act })).status, 403);
      assert.equal((await secA.get(`/api/v1/files/${mine.body.id}`)).status, 404, 'an unattached upload is its uploader\'s');
    });

    await t.test('attach elsewhere, detach: the file lives while a record uses it', async () => {
      const act2 = await newActivity(secA);
      const l = await secA.post(`/api/v1/files/${up.body.id}/links`, { subject: 'activity', record_id: act2, kind: 'photo' });
      assert.equal(l.status, 201, l.text);
      assert.equal((await secA.post(`/api/v1/files/${up.body.id}/links`, { subject: 'activity', record_id: act2, kind: 'photo' })).status, 200);
      assert.equal((await secA.del(`/api/v1/files/${up.body.id}/links/activity/${act}`)).status, 204);
      assert.equal((await secA.del(`/api/v1/files/${up.body.id}/links/activity/${act}`)).status, 404);
      assert.equal((await memA.get(`/api/v1/files/${up.body.id}`)).status, 200, 'still attached to the second activity');
      // gc removes only what nothing uses
      sql(srv.db, "UPDATE files SET uploaded_at = '2020-01-01T00:00:00Z';");
      const out = dj(['files', 'gc', '--db', srv.db, '--days', '1']);
      assert.match(out, /removed 1 unattached uploads/, out);
      assert.equal((await memA.get(`/api/v1/files/${up.body.id}`)).status, 200);
      assert.equal(one(srv.db, `SELECT COUNT(*) FROM file_blobs WHERE sha256 = '${sha(photo)}';`), '1');
      assert.equal(one(srv.db, `SELECT COUNT(*) FROM file_chunks WHERE sha256 = '${sha(photo)}';`), String(Math.ceil(photo.length / 262144)));
    });
  } finally {
    await srv.stop();
  }
});

test('bad uploads: 415 from the bytes, 413 before the body, quota, a cut-off upload leaves nothing, retries', async (t) => {
  const { srv, as } = await setup();
  try {
    const secA = await as('sec-a');
    const act = await newActivity(secA);
    const count = () => one(srv.db, 'SELECT COUNT(*) FROM files;') + '/' + one(srv.db, 'SELECT COUNT(*) FROM file_blobs;');
    const before = count();
    const jpeg = image(400, 300, 5);

    await t.test('415: executables, archives, HEIC, a JPEG named .pdf or claimed as PDF', async () => {
      const elf = readFileSync('/bin/true').subarray(0, 4096);
      const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(200, 1)]);
      const cases = [
        [elf, 'tool', 'application/octet-stream', /可执行/],
        [Buffer.from('MZ\x90\x00', 'latin1'), 'setup.exe', 'application/octet-stream', /可执行/],
        [jpeg, 'scan.pdf', 'application/octet-stream', /扩展名 \.pdf 不符/],
        [jpeg, 'scan.jpg', 'application/pdf', /声明的类型/],
        [zip, 'all.zip', 'application/zip', /压缩包/],
        [jpeg, 'IMG_0001.HEIC', 'image/heic', /HEIC/],
        [Buffer.from('<html><script>alert(1)</script></html>'), 'page.txt', 'text/plain', /网页/],
      ];
      for (const [bytes, name, type, msg] of cases) {
        const r = await upload(secA, bytes, { name, type, subject: 'activity', record: act });
        assert.equal(r.status, 415, `${name}: ${r.text}`);
        assert.match(r.body.error.message, msg, name);
      }
      assert.equal(count(), before);
    });

    await t.test('path characters in names are harmless', async () => {
      const r = await upload(secA, jpeg, { name: '../../etc/passwd/../现场照片.jpg' });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.name, '现场照片.jpg');
      const ctl = await upload(secA, jpeg, { name: 'a\u0007b\\c:..jpg' });
      assert.equal(ctl.body.name, 'c:..jpg');
    });

    await t.test('413 from Content-Length before the body; a larger limit for MP4 video', async () => {
      sql(srv.db, "UPDATE settings SET value = '1' WHERE key = 'files.max_file_mb'; UPDATE settings SET value = '3' WHERE key = 'files.max_video_mb';");
      const auth = `Cookie: ${secA.cookie}\r\nX-CSRF-Token: ${secA.csrf}\r\n`;
      const t0 = Date.now();
      const status = await rawSend(srv.url, `POST /api/v1/files?name=big.jpg HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: image/jpeg\r\nContent-Length: ${2 * 1048576}\r\n\r\n`, null);
      assert.equal(status, 413, 'answered without a byte of the body');
      assert.ok(Date.now() - t0 < 2000);
      // an MP4 (ftyp isom) of 2 MiB passes the video limit; an unknown type of 2 MiB is cut at 1 MiB
      const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom\0\0\x02\0isomiso2', 'latin1'), Buffer.alloc(2 * 1048576, 7)]);
      const v = await upload(secA, mp4, { name: '宣讲.mp4', type: 'video/mp4', subject: 'activity', record: act });
      assert.equal(v.status, 201, v.text);
      assert.equal(v.body.media_type, 'video/mp4');
      // (headers only: the answer comes before the body, and Node 18's fetch reports a
      // connection closed under a body it is still sending as a failure, not as the 413)
      const big = await rawSend(srv.url, `POST /api/v1/files?name=x.jpg HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/octet-stream\r\nContent-Length: ${jpeg.length + 1048576}\r\n\r\n`, null);
      assert.equal(big, 413, 'an unknown type of more than 1 MiB');
      sql(srv.db, "UPDATE settings SET value = '20' WHERE key = 'files.max_file_mb';");
    });

    await t.test('the day\'s quota', async () => {
      // sec-a has sent a little over 2 MB today (the MP4 above)
      sql(srv.db, "UPDATE settings SET value = '2' WHERE key = 'files.daily_quota_mb';");
      const r = await upload(secA, image(1200, 1000, 9), { name: 'q.jpg' });
      assert.equal(r.status, 413, r.text);
      assert.equal(r.body.error.code, 'quota_exceeded');
      assert.match(r.body.error.message, /每人每日 2 MB/);
      sql(srv.db, "UPDATE settings SET value = '500' WHERE key = 'files.daily_quota_mb';");
    });

    await t.test('an upload cut off in the middle leaves nothing behind', async () => {
      const n = count();
      const auth = `Cookie: ${secA.cookie}\r\nX-CSRF-Token: ${secA.csrf}\r\n`;
      const big = image(1600, 1200, 11);
      await rawSend(srv.url, `POST /api/v1/files?name=cut.jpg&subject=activity&record=${act} HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: image/jpeg\r\nContent-Length: ${big.length}\r\n\r\n`,
        big.subarray(0, 300000), { cut: true });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(count(), n);
      const a = await secA.get(`/api/v1/activities/${act}`);
      assert.ok(!a.body.attachments.some((f) => f.name === 'cut.jpg'));
      // a multipart body without its closing boundary is refused
      const h = `POST /api/v1/files HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: multipart/form-data; boundary=XYZ\r\nConnection: close\r\n`;
      const part = `--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello`;
      const st = await rawSend(srv.url, `${h}Content-Length: ${Buffer.byteLength(part)}\r\n\r\n`, part);
      assert.equal(st, 400);
      assert.equal(count(), n);
    });

    await t.test('a retry with the same Idempotency-Key is answered, not stored twice', async () => {
      const n = Number(one(srv.db, 'SELECT COUNT(*) FROM files;'));
      const img = image(800, 600, 12);
      const first = await upload(secA, img, { name: 'retry.jpg', key: 'phone-upload-0001', subject: 'activity', record: act, kind: 'photo' });
      assert.equal(first.status, 201, first.text);
      const again = await upload(secA, img, { name: 'retry.jpg', key: 'phone-upload-0001', subject: 'activity', record: act, kind: 'photo' });
      assert.equal(again.status, 200);
      assert.equal(again.body.id, first.body.id);
      assert.equal(again.body.replayed, true);
      assert.equal(Number(one(srv.db, 'SELECT COUNT(*) FROM files;')), n + 1);
      assert.equal((await upload(secA, img, { key: 'bad key!' })).status, 400);
    });
  } finally {
    await srv.stop();
  }
});

test('claims, people, list evidence and links to published pages', async (t) => {
  const { srv, as } = await setup();
  try {
    const secA = await as('sec-a'), secB = await as('sec-b'), memA = await as('member-a'), memB = await as('member-b');
    const claim = await memA.post('/api/v1/points/claims', { rule_code: 'article_published', description: '在《机关党建》发表文章', occurred_on: shanghaiDate(0) });
    assert.equal(claim.status, 201, claim.text);

    await t.test('a claim\'s evidence: the claimant adds it, the branch approver reads it, others do not', async () => {
      const ev = await upload(memA, image(600, 800, 21), { name: '刊物封面.jpg', subject: 'claim', record: claim.body.id, kind: 'evidence' });
      assert.equal(ev.status, 201, ev.text);
      const link = await memA.post('/api/v1/files/url', { subject: 'claim', record_id: claim.body.id, name: '文章链接', url: 'https://www.example.gov.cn/article/1' });
      assert.equal(link.status, 201, link.text);
      assert.equal(link.body.url, 'https://www.example.gov.cn/article/1');
      assert.equal((await memA.post('/api/v1/files/url', { subject: 'claim', record_id: claim.body.id, name: 'x', url: 'javascript:alert(1)' })).status, 400);
      const seen = await secA.get(`/api/v1/files?subject=claim&record=${claim.body.id}`);
      assert.equal(seen.status, 200, seen.text);
      assert.deepEqual(seen.body.items.map((f) => f.name).sort(), ['刊物封面.jpg', '文章链接'].sort());
      assert.equal((await secA.get(`/api/v1/files/${ev.body.id}/thumb`)).status, 200);
      assert.equal((await secB.get(`/api/v1/files/${ev.body.id}`)).status, 404);
      assert.equal((await memB.get(`/api/v1/files?subject=claim&record=${claim.body.id}`)).status, 404);
      assert.equal((await upload(memB, image(10, 10, 2), { subject: 'claim', record: claim.body.id })).status, 404);
      // once the branch has decided on it, the evidence it decided on stays as it was
      assert.equal((await secA.post(`/api/v1/points/claims/${claim.body.id}/decision`, { approve: true })).status, 200);
      const late = await upload(memA, image(20, 20, 5), { name: '补充.jpg', subject: 'claim', record: claim.body.id });
      assert.equal(late.status, 409, late.text);
      assert.equal((await memA.del(`/api/v1/files/${ev.body.id}/links/claim/${claim.body.id}`)).status, 409);
    });

    await t.test('a person\'s photo is public to members, the application scan is not', async () => {
      const photo = await upload(secA, image(300, 400, 31), { name: '证件照.jpg', subject: 'person', record: PERSON.memberA, kind: 'photo' });
      assert.equal(photo.status, 201, photo.text);
      const form = await upload(secA, '%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n', { name: '入党志愿书.pdf', type: 'application/pdf', subject: 'person', record: PERSON.memberA, kind: 'application' });
      assert.equal(form.status, 201, form.text);
      assert.equal(form.body.media_type, 'application/pdf');
      assert.equal((await memB.get(`/api/v1/files/${photo.body.id}/thumb`)).status, 200);
      assert.equal((await memB.get(`/api/v1/files/${form.body.id}`)).status, 404);
      assert.equal((await memA.get(`/api/v1/files/${form.body.id}`)).status, 200, 'the person reads their own');
      const listB = await memB.get(`/api/v1/files?subject=person&record=${PERSON.memberA}`);
      assert.equal(listB.status, 404, 'the record itself is not member-b\'s to read');
      assert.equal((await upload(secB, image(10, 10, 3), { subject: 'person', record: PERSON.memberA })).status, 403);
    });

    await t.test('list evidence: uploaded files and named links on a progress update', async () => {
      const committee = await as('committee');
      const list = await committee.post('/api/v1/lists', { kind: 'rectification', title: '整改清单', org_id: ORG.committee, categories: ['组织'] });
      assert.equal(list.status, 201, list.text);
      const item = await committee.post(`/api/v1/lists/${list.body.id}/items`, {
        title: '规范三会一课记录', category: '组织', org_id: ORG.branchA, due_on: shanghaiDate(0), owners: [PERSON.secA],
      });
      assert.equal(item.status, 201, item.text);
      const file = await upload(secA, image(640, 480, 41), { name: '整改台账.jpg' });
      const upd = await secA.post(`/api/v1/items/${item.body.id}/updates`, {
        body: '已补齐记录', progress: 50, evidence: [{ file_id: file.body.id }, { name: '通报', url: 'https://example.gov.cn/t' }],
      });
      assert.equal(upd.status, 201, upd.text);
      const ev = upd.body.item.timeline[0].evidence;
      assert.deepEqual(ev.map((e) => e.name), ['整改台账.jpg', '通报']);
      assert.equal(ev[0].thumb, `/api/v1/files/${file.body.id}/thumb`);
      assert.equal((await secB.get(`/api/v1/files/${file.body.id}`)).status, 404);
      const stranger = await upload(secB, image(10, 10, 4), { name: 'b.jpg' });
      const bad = await secA.post(`/api/v1/items/${item.body.id}/updates`, { body: '再报', evidence: [{ file_id: stranger.body.id }] });
      assert.equal(bad.status, 400, 'another user\'s unattached upload');
      assert.equal(bad.body.error.field, 'evidence');
    });
  } finally {
    await srv.stop();
  }
});

test('the dir driver stores files under --files and backup copies them', async () => {
  const dir = path.join(work, 'store');
  const { srv, as } = await setup(['--files', dir]);
  try {
    const secA = await as('sec-a');
    const act = await newActivity(secA);
    const img = image(900, 700, 51);
    const up = await upload(secA, img, { name: 'dir.jpg', subject: 'activity', record: act });
    assert.equal(up.status, 201, up.text);
    const h = sha(img);
    assert.deepEqual(readFileSync(path.join(dir, h.slice(0, 2), h.slice(2, 4), h)), img);
    assert.equal(one(srv.db, `SELECT store FROM file_blobs WHERE sha256 = '${h}';`), 'dir');
    assert.equal(one(srv.db, 'SELECT COUNT(*) FROM file_chunks;'), '0');
    const r = await secA.get(`/api/v1/files/${up.body.id}`, { headers: { range: 'bytes=1000-1999' } });
    assert.equal(r.status, 206);
    assert.deepEqual(r.raw, img.subarray(1000, 2000));
    assert.equal((await secA.get(`/api/v1/files/${up.body.id}/thumb`)).status, 200);
    assert.deepEqual(readdirSync(path.join(dir, 'tmp')), [], 'no upload left half-way');
    if (!srv.db.startsWith('postgresql://')) {
      const copy = path.join(work, 'backup.db'), copyFiles = path.join(work, 'backup-files');
      const out = dj(['backup', '--db', srv.db, '--to', copy, '--files', dir, '--files-to', copyFiles]);
      assert.match(out, /copied 2 new files of 2/, out);
      assert.deepEqual(readFileSync(path.join(copyFiles, h.slice(0, 2), h.slice(2, 4), h)), img);
    }
  } finally {
    await srv.stop();
  }
});

test('the db driver\'s files travel inside a backup', { skip: !!process.env.DJ_PG }, async () => {
  const { srv, as } = await setup();
  try {
    const secA = await as('sec-a');
    const img = image(500, 400, 61);
    const up = await upload(secA, img, { name: 'b.jpg' });
    const copy = path.join(work, 'backup-db.db');
    dj(['backup', '--db', srv.db, '--to', copy]);
    const data = sql(copy, `SELECT hex(data) FROM file_chunks WHERE sha256 = '${up.body.sha256}' ORDER BY seq;`).replace(/\s/g, '');
    assert.equal(sha(Buffer.from(data, 'hex')), sha(img));
  } finally {
    await srv.stop();
  }
});

test('name-only attachments of activities and list updates move into the file store', async () => {
  const { srv, as } = await setup();
  try {
    const secA = await as('sec-a');
    const act = await newActivity(secA);
    const committee = await as('committee');
    const list = await committee.post('/api/v1/lists', { kind: 'rectification', title: '整改', org_id: ORG.committee, categories: ['组织'] });
    const item = await committee.post(`/api/v1/lists/${list.body.id}/items`, { title: '事项', category: '组织', org_id: ORG.branchA, owners: [PERSON.secA] });
    const upd = await secA.post(`/api/v1/items/${item.body.id}/updates`, { body: '进展' });
    assert.equal(upd.status, 201, upd.text);
    // the data as the old fields held it, then the two migrations once more
    sql(srv.db, `UPDATE activities SET attachments = '["签到表.pdf","活动照片.jpg","会议记录.docx","其他.txt"]' WHERE id = ${act};
      UPDATE list_item_updates SET evidence = '[{"name":"工作台账"},{"name":"通报","url":"https://example.gov.cn/x"}]' WHERE id = ${upd.body.id};
      DELETE FROM schema_migrations WHERE version IN ('0201_life_attachments', '0401_lists_evidence');`);
    dj(['migrate', '--db', srv.db]);
    const a = await secA.get(`/api/v1/activities/${act}`);
    assert.deepEqual(a.body.attachments.map((f) => [f.name, f.kind, f.href]).sort(), [
      ['会议记录.docx', 'minutes', null], ['其他.txt', 'other', null], ['活动照片.jpg', 'photo', null], ['签到表.pdf', 'signin_sheet', null]].sort());
    const it = await secA.get(`/api/v1/items/${item.body.id}`);
    const ev = it.body.timeline.find((e) => e.id === upd.body.id).evidence;
    assert.deepEqual(ev.map((e) => [e.name, e.url]), [['工作台账', null], ['通报', 'https://example.gov.cn/x']]);
    assert.equal(one(srv.db, `SELECT attachments FROM activities WHERE id = ${act};`), '[]');
  } finally {
    await srv.stop();
  }
});
