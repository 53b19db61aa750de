// Helpers of the secretary's phone workbench: the branches the user runs, the
// meeting templates, the current month and quarter, and the 三会一课 figures of the
// compliance report.
import { session } from '../../session.js';
import { serverNowMs } from '../../lib/clock.js';

/** Roles that run a branch's life from the phone. */
export const RUNNER_ROLES = ['secretary', 'committee'];

/** The organisations the user runs ({org_id, org_name}), each once. */
export function myBranches() {
  const seen = new Set();
  return session.grants.filter((g) => RUNNER_ROLES.includes(g.role) && g.org_id && !seen.has(g.org_id) && seen.add(g.org_id));
}

/** The branch the workbench shows: ?org= when the user runs it, else the first one. */
export function currentBranch(query) {
  const list = myBranches();
  const want = Number(query && query.org);
  return list.find((g) => g.org_id === want) || list[0] || null;
}

/** The meeting templates: kind, length in minutes, study hours; the texts are in workbench.templates. */
export const TEMPLATES = [
  { kind: 'branch_assembly', minutes: 120, hours: 0 },
  { kind: 'committee_meeting', minutes: 60, hours: 0 },
  { kind: 'group_meeting', minutes: 60, hours: 0 },
  { kind: 'party_lecture', minutes: 90, hours: 1.5 },
  { kind: 'theme_day', minutes: 120, hours: 0 },
];

/** The 三会一课: the four meetings every branch owes. */
export const SANHUI = ['branch_assembly', 'committee_meeting', 'group_meeting', 'party_lecture'];

const pad = (n) => String(n).padStart(2, '0');

/** Today on the server's clock in Beijing: {year, month, day, hour, minute, quarter}. */
export function shanghaiNow() {
  const d = new Date(serverNowMs() + 8 * 3600e3);
  const month = d.getUTCMonth() + 1;
  return { year: d.getUTCFullYear(), month, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(),
    quarter: Math.ceil(month / 3) };
}

/** "2026-12-05" and "14:30" for the date and time inputs. */
export function dateInput(p) { return `${p.year}-${pad(p.month)}-${pad(p.day)}`; }
export function timeInput(h, m) { return `${pad(h)}:${pad(m)}`; }

/**
 * The 三会一课 of one organisation in the compliance report, for this month and this
 * quarter: each requirement's cell of the current period (by its own frequency), and
 * the figures {due, held} of the month (monthly ones) and the quarter (quarterly ones).
 */
export function sanhuiNow(report, orgId) {
  const o = report && report.orgs && report.orgs.find((x) => x.org_id === orgId);
  if (!o) return null;
  const now = shanghaiNow();
  const codes = { month: `${now.year}-${pad(now.month)}`, quarter: `${now.year}-Q${now.quarter}` };
  const out = { month: { due: 0, held: 0, items: [] }, quarter: { due: 0, held: 0, items: [] } };
  for (const q of o.requirements) {
    if (!SANHUI.includes(q.code) || !out[q.freq]) continue;
    const cell = q.periods.find((p) => p.period === codes[q.freq]);
    if (!cell || cell.status === 'not_applicable') continue;
    const held = cell.status === 'done';
    out[q.freq].due += 1;
    out[q.freq].held += held ? 1 : 0;
    out[q.freq].items.push({ code: q.code, name: q.name, held, count: (cell.activities || []).length });
  }
  return out;
}
