// The one API client: every call to /api/v1 goes through request().
// JSON in and out, same-origin cookie, X-CSRF-Token on unsafe methods, and an
// error answer {"error":{code,message,field}} thrown as an ApiError.
import { t } from './i18n.js';

const BASE = '/api/v1';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken = '';
let router = null;
let onUnauthorized = null;

/** Kept from the sign-in answer and from GET /session on page load. */
export function setCsrfToken(token) { csrfToken = token || ''; }

/** The router and a callback that clears the session; used on 401. */
export function bindRouter(r, clearSession) { router = r; onUnauthorized = clearSession; }

export class ApiError extends Error {
  constructor({ status, code, message, field, retryAfter }) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field || null;
    /** Seconds the server asks to wait before trying again (its Retry-After), or null. */
    this.retryAfter = retryAfter ?? null;
  }
}

/** '/m/…' → '/m/login', anything else → '/admin/login'. */
export function loginPathFor(path) {
  return path.startsWith('/m') ? '/m/login' : '/admin/login';
}

function goToLogin() {
  if (onUnauthorized) onUnauthorized();
  const here = router ? router.currentRoute.value : null;
  const path = here ? here.path : window.location.pathname;
  const login = loginPathFor(path);
  if (path === login) return;
  const redirect = here ? here.fullPath : path;
  if (router) router.replace({ path: login, query: { redirect } });
  else window.location.assign(`${login}?redirect=${encodeURIComponent(redirect)}`);
}

/**
 * Sends one request. `query` values that are empty are left out.
 * `noAuthRedirect` keeps a 401 from sending the user to the sign-in page
 * (used by sign-in itself and by the session probe).
 */
export async function request(method, path, { body, query, noAuthRedirect = false } = {}) {
  let url = BASE + path;
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== null && v !== '') qs.set(k, v);
    }
    const s = qs.toString();
    if (s) url += `?${s}`;
  }
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (UNSAFE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let res;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError({ status: 0, code: 'network', message: t('common.networkError') });
  }

  let data = null;
  if (res.status !== 204) {
    const text = await res.text();
    if (text && (res.headers.get('content-type') || '').includes('json')) {
      try { data = JSON.parse(text); } catch { data = null; }
    }
  }
  if (res.ok) return data;

  const e = (data && data.error) || {};
  const err = new ApiError({
    status: res.status,
    code: e.code || `http_${res.status}`,
    message: e.message || (res.status === 401 ? t('common.sessionExpired') : t('common.httpError', { status: res.status })),
    field: e.field,
    retryAfter: /^\d+$/.test(res.headers.get('retry-after') || '') ? Number(res.headers.get('retry-after')) : null,
  });
  if (res.status === 401 && !noAuthRedirect) goToLogin();
  throw err;
}

export const get = (path, query, opts) => request('GET', path, { query, ...opts });
export const post = (path, body, opts) => request('POST', path, { body, ...opts });
export const put = (path, body, opts) => request('PUT', path, { body, ...opts });
export const patch = (path, body, opts) => request('PATCH', path, { body, ...opts });
export const del = (path, opts) => request('DELETE', path, opts);

// ── endpoints ────────────────────────────────────────────────────────────
export const health = () => get('/health');

/** The current session, or null when not signed in. */
export async function fetchSession() {
  try {
    return await get('/session', undefined, { noAuthRedirect: true });
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}
export const signIn = (login, password) => post('/session', { login, password }, { noAuthRedirect: true });
/** 企业微信/粤政易 sign-in (issue 18): whether it is on and where to send the phone; the code exchanged. */
export const wecomSignInInfo = (redirect, state) => get('/session/wecom', { redirect, state }, { noAuthRedirect: true });
export const wecomSignIn = (code) => post('/session/wecom', { code }, { noAuthRedirect: true });
export const signOut = () => del('/session', { noAuthRedirect: true });
export const changePassword = (oldPassword, newPassword) =>
  post('/session/password', { old_password: oldPassword, new_password: newPassword }, { noAuthRedirect: true });

/** filters: {limit, cursor, login, action, entity, from, to} */
export const listAudit = (filters) => get('/audit', filters);
/** the organisation tree by name only, for granting roles (三员分立: no party work in it) */
export const listGrantOrgs = () => get('/users/orgs');

// ── assessment (量化考评), dashboard (领导驾驶舱), brands (一支部一品牌) ──────────
export const listSchemes = () => get('/assessment/schemes');
export const getScheme = (id, version) => get(`/assessment/schemes/${id}`, { version });
export const createScheme = (body) => post('/assessment/schemes', body);
/** An edit of a scheme is a new version; open periods keep theirs. */
export const newSchemeVersion = (id, body) => post(`/assessment/schemes/${id}/versions`, body);
export const listPeriods = () => get('/assessment/periods');
export const getPeriod = (id) => get(`/assessment/periods/${id}`);
export const createPeriod = (body) => post('/assessment/periods', body);
export const computePeriod = (id) => post(`/assessment/periods/${id}/compute`);
export const setSelection = (id, mode, value) =>
  post(`/assessment/periods/${id}/selection`, { selection_mode: mode, selection_value: value });
export const publishPeriod = (id) => post(`/assessment/periods/${id}/publish`);
export const finalisePeriod = (id) => post(`/assessment/periods/${id}/finalise`);
export const periodResults = (id) => get(`/assessment/periods/${id}/results`);
export const branchResult = (id, orgId) => get(`/assessment/periods/${id}/results/${orgId}`);
export const publicity = (id) => get(`/assessment/periods/${id}/publicity`);
/** The latest published 先进党支部 lists, for members. */
export const latestPublicity = () => get('/assessment/publicity');
export const scoreForm = (id) => get(`/assessment/periods/${id}/scores`);
export const saveScore = (id, body) => post(`/assessment/periods/${id}/scores`, body);
export const branchHistory = (orgId) => get(`/assessment/history/${orgId}`);
export const dashboard = () => get('/dashboard');
export const listBrands = () => get('/brands');
export const getBrand = (orgId) => get(`/brands/${orgId}`);

// ── organisations and people (issue 3) ──────────────────────────────────
/** The tree the caller may see: {items:[org…]} ({all: 1} includes dissolved ones). */
export const listOrgs = (query) => get('/orgs', query);
export const getOrg = (id) => get(`/orgs/${id}`);
export const createOrg = (body) => post('/orgs', body);
/** name, term_start/term_end, brand_*, officers [{post, person_id}], parent_id (move), dissolved_on */
export const updateOrg = (id, body) => patch(`/orgs/${id}`, body);
/** brand_name, brand_slogan, brand_description: a branch's own officers keep these */
export const updateOrgBrand = (id, body) => patch(`/orgs/${id}/brand`, body);
export const orgWarnings = (id) => get(`/orgs/${id}/warnings`);
/** Public profiles of an organisation's members. */
export const orgMembers = (id) => get(`/orgs/${id}/members`);
/** filters: {q, org, status, active, sort, limit, cursor} */
export const listPeople = (filters) => get('/people', filters);
export const getPerson = (id) => get(`/people/${id}`);
export const createPerson = (body) => post('/people', body);
export const updatePerson = (id, body) => patch(`/people/${id}`, body);
export const personProfile = (id) => get(`/people/${id}/profile`);

/** The download address of the roster export (same filters as the list). */
export function peopleExportUrl(format, filters = {}) {
  const qs = new URLSearchParams({ format });
  for (const [k, v] of Object.entries(filters)) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, v);
  }
  return `${BASE}/people/export?${qs}`;
}

/**
 * Sends a roster file (CSV text or bytes) to the import; dryRun lists the bad
 * rows without writing. onProgress(0..1) follows the upload. Resolves with the
 * answer {rows, errors:[{line, column, message}], imported, …} for 200 and 422
 * (422: the file has errors, nothing was written); other failures throw ApiError.
 */
export function importPeople(data, dryRun, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${BASE}/people/import?dry_run=${dryRun ? 1 : 0}`);
    xhr.setRequestHeader('Content-Type', 'text/csv; charset=utf-8');
    xhr.setRequestHeader('Accept', 'application/json');
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.withCredentials = true;
    if (onProgress) xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onerror = () => reject(new ApiError({ status: 0, code: 'network', message: t('common.networkError') }));
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { body = null; }
      if ((xhr.status === 200 || xhr.status === 422) && body && Array.isArray(body.errors)) {
        resolve({ status: xhr.status, ...body });
        return;
      }
      const e = (body && body.error) || {};
      if (xhr.status === 401) goToLogin();
      reject(new ApiError({
        status: xhr.status,
        code: e.code || `http_${xhr.status}`,
        message: e.message || t('common.httpError', { status: xhr.status }),
        field: e.field,
      }));
    };
    xhr.send(data);
  });
}

// ── 发展党员 (member development, issue 15) ─────────────────────────────
export const developmentSteps = () => get('/development/steps');
/** filters: {org, stage, overdue, state, q, person, limit, cursor} */
export const listDevelopment = (filters) => get('/development', filters);
export const getDevelopment = (id) => get(`/development/${id}`);
/** The rule, the earliest allowed day and the deadline of a step, before its form is sent. */
export const developmentStepRule = (id, step) => get(`/development/${id}/steps/${step}`);
/** body: {person_id, on_date, note} — step 1 */
export const startDevelopment = (body) => post('/development', body);
/** body: {step, on_date, decision?, note?, people?, vote?, activity_id?, …, client_key} */
export const takeDevelopmentStep = (id, body) => post(`/development/${id}/steps`, body);
/** A correction is a new record that says why (reason); annuls withdraws the record. */
export const correctDevelopmentRecord = (id, recordId, body) => post(`/development/${id}/records/${recordId}/correct`, body);
export const postDevelopmentNotice = (id, body) => post(`/development/${id}/notices`, body);
export const getDevelopmentNotice = (id) => get(`/development/notices/${id}`);
export const stopDevelopment = (id, body) => post(`/development/${id}/stop`, body);
export const myDevelopment = () => get('/development/me');
export const developmentMentees = () => get('/development/mentees');
export const developmentUnfiled = (org) => get('/development/unfiled', { org });
export const developmentWarnings = (org) => get('/development/warnings', { org });
export const developmentStats = (year, org) => get('/development/stats', { year, org });
export function developmentStatsUrl(year, org) {
  const qs = new URLSearchParams({ year });
  if (org) qs.set('org', org);
  return `${BASE}/development/stats/export?${qs}`;
}
export const workCalendar = (year) => get('/development/calendar', { year });
export const workdaysEnd = (from, days) => get('/development/calendar/workdays', { from, days });
export const setCalendarDay = (day, body) => put(`/development/calendar/${day}`, body);
export const clearCalendarDay = (day) => del(`/development/calendar/${day}`);
/** Uploads the CSV of people part-way → {rows, errors, preview, imported}; 422 answers the same with nothing written. */
export async function importDevelopmentCsv(file, dryRun) {
  const res = await fetch(`${BASE}/development/import?dry_run=${dryRun ? 1 : 0}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/csv', 'X-CSRF-Token': csrfToken, Accept: 'application/json' },
    credentials: 'same-origin',
    body: file,
  });
  const data = await res.json().catch(() => null);
  if (res.ok || (res.status === 422 && data && Array.isArray(data.errors))) return data;
  const e = (data && data.error) || {};
  if (res.status === 401) goToLogin();
  throw new ApiError({ status: res.status, code: e.code || `http_${res.status}`, message: e.message || t('common.httpError', { status: res.status }), field: e.field });
}

// ── accounts and settings (system administrator) ─────────────────────────
/** filters: {q, limit, cursor} */
export const listUsers = (filters) => get('/users', filters);
/** body: {login, name, password, person_id?, role?, org_id?} → {id} */
export const createUser = (body) => post('/users', body);
export const grantRole = (userId, role, orgId) => post(`/users/${userId}/grants`, { role, org_id: orgId });
export const revokeRole = (userId, role, orgId) => post(`/users/${userId}/grants/revoke`, { role, org_id: orgId });
export const unlockUser = (userId) => post(`/users/${userId}/unlock`);
export const getSettings = () => get('/settings');
/** changes: {key: value, …}, applied all or nothing */
export const patchSettings = (changes) => patch('/settings', changes);
// ── organisational life (activities, check-in, leave, compliance) ────────
/** filters: {org, kind, state, from, to, q, mine, order, limit, cursor} */
export const listActivities = (filters) => get('/activities', filters);
export const getActivity = (id) => get(`/activities/${id}`);
/** body: {org_id, kind, title, starts_at, ends_at, place, agenda?, study_hours?, …} */
export const createActivity = (body) => post('/activities', body);
export const updateActivity = (id, body) => patch(`/activities/${id}`, body);
/** step: notice | hold | close | cancel */
export const activityStep = (id, step, reason) => post(`/activities/${id}/${step}`, reason ? { reason } : undefined);
export const activityQr = (id) => get(`/activities/${id}/qr`);
export const checkIn = (id, token) => post(`/activities/${id}/checkin`, { token });
export const checkInByHand = (id, personId) => post(`/activities/${id}/checkin`, { person_id: personId });
export const getAttendance = (id) => get(`/activities/${id}/attendance`);
/** body: {person_id, status: present|leave|absent, reason}; answers the attendance sheet */
export const markAttendance = (id, body) => post(`/activities/${id}/attendance/marks`, body);
/** 支部党员大会: leave a voting member out of the roll, with the committee's reason and note. */
export const excludeFromQuorum = (id, body) => post(`/activities/${id}/quorum/exclusions`, body);
export const includeInQuorum = (id, personId) => del(`/activities/${id}/quorum/exclusions/${personId}`);
export const activityCandidates = (id) => get(`/activities/${id}/candidates`);
export const askLeave = (id, reason) => post(`/activities/${id}/leave`, { reason });
export const listLeaves = (id) => get(`/activities/${id}/leaves`);
export const decideLeave = (leaveId, approve, note) => post(`/leaves/${leaveId}/decision`, { approve, note });
export const activityKinds = () => get('/activity-kinds');
export const getCompliance = (org, year) => get('/compliance', { org, year });
export const activityCounts = (org, year) => get('/activities/counts', { org, year });
export const myLife = (year) => get('/life/me', { year });
export const listTodos = () => get('/todos');

// ── points (积分) ─────────────────────────────────────────────────────────
export const pointsMe = () => get('/points/me');
/** query: {person, limit, cursor} */
export const pointsLedger = (query) => get('/points/ledger', query);
/** query: {org, period, limit, cursor} */
export const pointsRankings = (query) => get('/points/rankings', query);
export const pointsHonourRoll = (query) => get('/points/honour-roll', query);
export const pointsRules = (all = false) => get('/points/rules', all ? { all: 1 } : undefined);
export const savePointsRule = (rule) => post('/points/rules', rule);
/** query: {mine: 1} for one's own claims; {status} for the approval queue */
export const pointsClaims = (query) => get('/points/claims', query);
export const submitPointsClaim = (claim) => post('/points/claims', claim);
export const decidePointsClaim = (id, approve, reason) => post(`/points/claims/${id}/decision`, { approve, reason });
export const reversePointsEntry = (id, reason) => post(`/points/entries/${id}/reverse`, { reason });
/** entry: {person_id, rule_code, reason, occurred_on}; clientKey: made when the form opens, so a
 *  form sent twice is one entry (8–64 characters). */
export const addPointsEntry = (entry, clientKey) => post('/points/entries', { ...entry, client_key: clientKey });
export const verifyPoints = () => get('/points/verify');
export const syncPoints = () => post('/points/sync', {});
/** The URL of an XLSX export (a plain link: the session cookie goes with it). */
export function pointsExportUrl(kind, query) {
  const qs = new URLSearchParams(Object.entries(query || {}).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  const s = qs.toString();
  return `${BASE}/points/${kind}/export${s ? `?${s}` : ''}`;
}

// ── work lists (模范机关、整改、三心事、责任清单), inspections, reports ──────
/** filters: {kind} → {items:[list with counts]} */
export const listLists = (filters) => get('/lists', filters);
export const getList = (id) => get(`/lists/${id}`);
/** body: {kind, subkind?, title, year?, description?, categories?} */
export const createList = (body) => post('/lists', body);
export const patchList = (id, body) => patch(`/lists/${id}`, body);
/** filters: {category, status, org_id, person_id, due_from, due_to, q, sort, limit, cursor} */
export const listItems = (listId, filters) => get(`/lists/${listId}/items`, filters);
/** filters: as listItems plus {list_id, mine, due_within, inspection_id} */
export const searchItems = (filters) => get('/items', filters);
export const getItem = (id) => get(`/items/${id}`);
export const createItem = (listId, body) => post(`/lists/${listId}/items`, body);
export const patchItem = (id, body) => patch(`/items/${id}`, body);
/** body: {body, progress?, on_date?, evidence?, client_key?} */
export const postItemUpdate = (id, body) => post(`/items/${id}/updates`, body);
/** approved false sends the item back with the note */
export const verifyItem = (id, approved, note) => post(`/items/${id}/verify`, { approved, note: note || undefined });
export const cancelItem = (id, reason) => post(`/items/${id}/cancel`, { reason });
export const listInspections = (filters) => get('/inspections', filters);
export const getInspection = (id) => get(`/inspections/${id}`);
export const createInspection = (body) => post('/inspections', body);
/** listId null: all lists together */
export const getReport = (listId, quarter) => get(listId ? `/lists/${listId}/report` : '/lists/report', { quarter });
/** The URL of a report download (the browser sends the session cookie). */
export function reportUrl(listId, quarter, format) {
  const q = new URLSearchParams({ quarter, format }).toString();
  return `${BASE}${listId ? `/lists/${listId}/report` : '/lists/report'}?${q}`;
}
/** Uploads a CSV file (as is: UTF-8 or GBK) → {rows, errors:[{line, column, message}], imported}. */
export async function importListCsv(listId, file, dryRun) {
  const res = await fetch(`${BASE}/lists/${listId}/import?dry_run=${dryRun ? 1 : 0}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/csv', 'X-CSRF-Token': csrfToken, Accept: 'application/json' },
    credentials: 'same-origin',
    body: file,
  });
  const data = await res.json().catch(() => null);
  if (res.ok || (res.status === 422 && data && Array.isArray(data.errors))) return data;
  const e = (data && data.error) || {};
  throw new ApiError({ status: res.status, code: e.code || `http_${res.status}`, message: e.message || t('common.httpError', { status: res.status }), field: e.field });
}
/** People for pickers: {q} → {items:[{id, name, …}]} */
export const searchPeople = (q) => get('/people', { q, limit: 20 });

// ── the file store (issue 14) ────────────────────────────────────────────
/** The attachments of one or more records of a subject (ids joined by commas) → {items:[…]} */
export const listFiles = (subject, record) => get('/files', { subject, record: [].concat(record).join(',') });
export const linkFile = (id, subject, recordId, kind) => post(`/files/${id}/links`, { subject, record_id: recordId, kind });
export const unlinkFile = (id, subject, recordId) => del(`/files/${id}/links/${subject}/${recordId}`);
/** A published page as an attachment: {subject, record_id, kind?, name, url} */
export const addUrlAttachment = (body) => post('/files/url', body);
/** Where the bytes of a file are (inline: shown in the browser, not saved). */
export const fileUrl = (id, inline = false) => `${BASE}/files/${id}${inline ? '?inline=1' : ''}`;

/**
 * Uploads a File or Blob. opts: {name, subject, record, kind, key, onProgress(0..1), signal}.
 * The body goes as is (its type in Content-Type, the name in ?name=). `key` is the
 * Idempotency-Key: the same key again (a retry after a lost answer) is answered with the
 * first upload, never a second copy. Resolves with the file {id, name, size, thumb, …}.
 */
export function uploadFile(blob, { name, subject, record, kind, key, onProgress, signal } = {}) {
  return new Promise((resolve, reject) => {
    const q = new URLSearchParams({ name: name || blob.name || '文件' });
    if (subject) { q.set('subject', subject); q.set('record', String(record)); }
    if (kind) q.set('kind', kind);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${BASE}/files?${q}`);
    xhr.setRequestHeader('Content-Type', blob.type || 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    if (key) xhr.setRequestHeader('Idempotency-Key', key);
    xhr.withCredentials = true;
    if (onProgress) xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    if (signal) signal.addEventListener('abort', () => xhr.abort());
    const network = () => reject(new ApiError({ status: 0, code: 'network', message: t('common.networkError') }));
    xhr.onerror = network;
    xhr.onabort = () => reject(new ApiError({ status: 0, code: 'aborted', message: t('files.aborted') }));
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { body = null; }
      if (xhr.status === 200 || xhr.status === 201) { resolve(body); return; }
      const e = (body && body.error) || {};
      if (xhr.status === 401) goToLogin();
      reject(new ApiError({
        status: xhr.status, code: e.code || `http_${xhr.status}`,
        message: e.message || t('common.httpError', { status: xhr.status }), field: e.field,
      }));
    };
    xhr.send(blob);
  });
}

// ── party dues (党费, issue 16) ───────────────────────────────────────────
export const duesRates = () => get('/dues/rates');
/** 我的党费 */
export const duesMe = () => get('/dues/me');
/** body: {months:['2026-03'], amount_fen, bank_ref, paid_on?, payer_name?, note?, client_key?} */
export const duesReport = (body) => post('/dues/me/payments', body);
/** body: {category, base_fen?, fixed_fen?, effective_month, note?, annual?} */
export const duesDeclare = (body) => post('/dues/me/declarations', body);
export const duesPerson = (id) => get(`/dues/people/${id}`);
export const duesSetProfile = (id, body) => put(`/dues/people/${id}/profile`, body);
export const duesSetBase = (body) => post('/dues/bases', body);
/** {org, year, status} */
export const duesDeclarations = (query) => get('/dues/declarations', query);
export const duesDecideDeclaration = (id, approve, note) => post(`/dues/declarations/${id}/decide`, { approve, note: note || undefined });
/** {org, person, status, year, limit, cursor} */
export const duesPayments = (query) => get('/dues/payments', query);
export const duesRecordPayment = (body) => post('/dues/payments', body);
export const duesDecidePayment = (id, approve, note) => post(`/dues/payments/${id}/decide`, { approve, note: note || undefined });
export const duesBranches = () => get('/dues/branches');
export const duesSheet = (org, year) => get('/dues/sheet', { org, year });
/** The URL of the sheet's XLSX or PDF download (the browser sends the cookie). */
export function duesSheetUrl(org, year, format) {
  return `${BASE}/dues/sheet?${new URLSearchParams({ org, year, format }).toString()}`;
}
export const duesArrears = (org) => get('/dues/arrears', { org });
export const duesSummary = (org, year) => get('/dues/summary', { org, year });
export const duesReductions = (query) => get('/dues/reductions', query);
export const duesAddReduction = (body) => post('/dues/reductions', body);
export const duesDecideReduction = (id, approve, note) => post(`/dues/reductions/${id}/decide`, { approve, note: note || undefined });
export const duesRemittances = (org, year) => get('/dues/remittances', { org, year });
export const duesRemit = (body) => post('/dues/remittances', body);
export const duesReceiveRemittance = (id) => post(`/dues/remittances/${id}/receive`, {});
/** Sends a payroll file (CSV text or bytes) → the import's answer (200, or 422 with its errors). */
export async function duesImport({ org, month, paidOn, dryRun }, payload) {
  const q = new URLSearchParams({ org, month, dry_run: dryRun ? 1 : 0 });
  if (paidOn) q.set('paid_on', paidOn);
  const res = await fetch(`${BASE}/dues/import?${q.toString()}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/csv', 'X-CSRF-Token': csrfToken, Accept: 'application/json' },
    credentials: 'same-origin',
    body: payload,
  });
  const data = await res.json().catch(() => null);
  if (res.ok || (res.status === 422 && data && Array.isArray(data.errors))) return data;
  const e = (data && data.error) || {};
  throw new ApiError({ status: res.status, code: e.code || `http_${res.status}`, message: e.message || t('common.httpError', { status: res.status }), field: e.field });
}

// ── 学习园地 (study, issue 19) ───────────────────────────────────────────
export const studyColumns = () => get('/study/columns');
export const studyMaterials = (query) => get('/study/materials', query);
export const studyMaterial = (id) => get(`/study/materials/${id}`);
export const createStudyMaterial = (body) => post('/study/materials', body);
export const updateStudyMaterial = (id, body) => patch(`/study/materials/${id}`, body);
export const setStudyMaterialState = (id, action) => post(`/study/materials/${id}/${action}`, {});
export const studyBeat = (id, body) => post(`/study/materials/${id}/beats`, body);
export const studyHoursMe = (year) => get('/study/hours/me', { year });
export const studyHours = (orgId, year) => get('/study/hours', { org_id: orgId, year });
export const studyAssignments = () => get('/study/assignments');
export const studyAssignment = (id) => get(`/study/assignments/${id}`);
export const createStudyAssignment = (body) => post('/study/assignments', body);
export const myStudyAssignments = () => get('/study/assignments/mine');
export const studyQuizzes = () => get('/study/quizzes');
export const studyQuiz = (id) => get(`/study/quizzes/${id}`);
export const saveStudyQuiz = (id, body) => (id ? patch(`/study/quizzes/${id}`, body) : post('/study/quizzes', body));
export const publishStudyQuiz = (id) => post(`/study/quizzes/${id}/publish`, {});
export const studyQuizResults = (id) => get(`/study/quizzes/${id}/results`);
export const startStudyAttempt = (id, clientKey) => post(`/study/quizzes/${id}/attempts`, { client_key: clientKey });
export const submitStudyAttempt = (id, answers) => post(`/study/attempts/${id}/submit`, { answers });
export const studyNotices = () => get('/study/notices');
export const myStudyNotices = () => get('/study/notices/mine');
export const createStudyNotice = (body) => post('/study/notices', body);
export const readStudyNotice = (id) => post(`/study/notices/${id}/read`, {});
export const studyNoticeReceipts = (id) => get(`/study/notices/${id}/receipts`);
/** A question bank saved from Excel as CSV, appended to a draft quiz: {imported, total}. */
export async function importStudyQuestions(quizId, file) {
  const res = await fetch(`${BASE}/study/quizzes/${quizId}/import`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/csv', 'X-CSRF-Token': csrfToken, Accept: 'application/json' },
    credentials: 'same-origin',
    body: file,
  });
  const data = await res.json().catch(() => null);
  if (res.ok) return data;
  const e = (data && data.error) || {};
  throw new ApiError({ status: res.status, code: e.code || `http_${res.status}`, message: e.message || t('common.httpError', { status: res.status }), field: e.field });
}
// ── 组织关系转接 (transfers, issue 17) ─────────────────────────────────
/** filters: {kind, state, flag (expired|overdue|open), org, person, q, limit, cursor} */
export const listTransfers = (filters) => get('/transfers', filters);
export const getTransfer = (id) => get(`/transfers/${id}`);
export const myTransfers = () => get('/transfers/mine');
export const transferDues = (id) => get(`/transfers/${id}/dues`);
export const transferLetterPdfUrl = (id) => `${BASE}/transfers/${id}/letter.pdf`;
export const transferWarnings = (org) => get('/transfers/warnings', { org });
export const transferFigures = (org, year) => get('/transfers/figures', { org, year });
/** body: {person_id, to_org_id, on_date, reason, client_key} */
export const moveInternal = (body) => post('/transfers/internal', body);
/** body: {person_id, outside_org, reason, client_key} — a draft 介绍信 */
export const draftTransferOut = (body) => post('/transfers/out', body);
/** body: {letter_no, outside_org, issued_on, valid_until, dues_paid_until, to_org_id, reason, person:{…}, client_key} */
export const registerTransferIn = (body) => post('/transfers/in', body);
/** action: issue | report | receipt | renew | withdraw | place */
export const transferAction = (id, action, body) => post(`/transfers/${id}/${action}`, body || {});
export const listFlowMembers = (org, ended) => get('/transfers/flow', { org, ended: ended ? 1 : '' });
export const getFlowMember = (id) => get(`/transfers/flow/${id}`);
export const addFlowMember = (body) => post('/transfers/flow', body);
export const addFlowContact = (id, body) => post(`/transfers/flow/${id}/contacts`, body);
export const endFlowMember = (id, body) => post(`/transfers/flow/${id}/end`, body);
export const personHistory = (id) => get(`/people/${id}/history`);
/** body: {event (death|withdrawal|removal|expulsion|stopped), on_date, document, note} */
export const endMembership = (id, body) => post(`/people/${id}/history`, body);
// ── notifications (issue 18): the inbox, preferences, the 企业微信 channel ────────
export const listInbox = (query) => get('/inbox', query);
export const inboxUnread = () => get('/inbox/unread');
export const markInboxRead = (id) => post(`/inbox/${id}/read`);
export const markInboxAllRead = () => post('/inbox/read-all');
export const inboxPrefs = () => get('/inbox/prefs');
export const setInboxPrefs = (prefs) => put('/inbox/prefs', prefs);
export const wecomChannel = () => get('/notify/channels/wecom');
export const saveWecomChannel = (body) => put('/notify/channels/wecom', body);
export const notifyOutbox = () => get('/notify/outbox');
export const wecomBindings = () => get('/notify/bindings');
export const bindWecom = (personId, userid) => put('/notify/bindings', { person_id: personId, wecom_userid: userid });
export const unbindWecom = (personId) => del(`/notify/bindings/${personId}`);
export const notifyContact = (personId) => get(`/notify/contacts/${personId}`);
/** body: {wecom_userid?: string|null, email?: string|null} */
export const saveNotifyContact = (personId, body) => put(`/notify/contacts/${personId}`, body);
export const smsChannel = () => get('/notify/channels/sms');
export const saveSmsChannel = (body) => put('/notify/channels/sms', body);
export const emailChannel = () => get('/notify/channels/email');
export const saveEmailChannel = (body) => put('/notify/channels/email', body);
/** Sends a CSV (text or File) of 姓名/手机号/企业微信账号 → {rows, to_bind, same, unmatched, conflict, invalid, bound, items}. */
export async function importBindingsCsv(body, dryRun) {
  const res = await fetch(`${BASE}/notify/bindings/import?dry_run=${dryRun ? 1 : 0}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/csv', 'X-CSRF-Token': csrfToken, Accept: 'application/json' },
    credentials: 'same-origin',
    body,
  });
  const data = await res.json().catch(() => null);
  if (res.ok) return data;
  const e = (data && data.error) || {};
  if (res.status === 401) goToLogin();
  throw new ApiError({ status: res.status, code: e.code || `http_${res.status}`, message: e.message || t('common.httpError', { status: res.status }), field: e.field });
}
