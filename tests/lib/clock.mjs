// The tests' clock, kept in step with the server's.
//
// A test build of `dangjian` (meson -Dtest_clock=true) starts its clock at
// $DJ_NOW and runs on from there.  When DJ_NOW is set for a test run, this
// module moves the test process's own Date by the same amount, once, when it
// is loaded: `Date.now()` and `new Date()` then say what the server says, so a
// test that builds "an hour ago" or "this quarter" from Date.now() builds it
// on the server's day.  Each server (and each `dangjian init`/`demo`) the
// harness starts is given the test process's now as its DJ_NOW (testNowIso()),
// so their clocks agree to the second however long the run has gone on.
// Without DJ_NOW nothing is moved and everything runs on the real time.
const RealDate = globalThis.Date;
let offsetMs = 0;

if (process.env.DJ_NOW) {
  const t = RealDate.parse(process.env.DJ_NOW);
  if (Number.isNaN(t) || !/(Z|[+-]\d\d:\d\d)$/.test(process.env.DJ_NOW)) {
    throw new Error(`DJ_NOW=${process.env.DJ_NOW}: not an ISO-8601 time with an offset`);
  }
  offsetMs = t - RealDate.now();
  class TestDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offsetMs);
      else super(...args);
    }
    static now() { return RealDate.now() + offsetMs; }
  }
  globalThis.Date = TestDate;
}

/** True when the run is pinned to a DJ_NOW. */
export const pinned = Boolean(process.env.DJ_NOW);

/** The test process's now as ISO-8601 UTC, to start a server's clock with. */
export function testNowIso() {
  return new RealDate(RealDate.now() + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The environment for a child `dangjian`: DJ_NOW follows this process's clock. */
export function childEnv(extra = {}) {
  const env = { ...process.env };
  if (pinned) env.DJ_NOW = testNowIso();
  return Object.assign(env, extra);
}

/** The machine's real time in milliseconds, whatever DJ_NOW says. */
export function realNowMs() { return RealDate.now(); }

/** 'YYYY-MM-DD' in Asia/Shanghai, offsetDays from today (on the tests' clock). */
export function shanghaiDate(offsetDays = 0, from = Date.now()) {
  return new RealDate(from + 8 * 3600e3 + offsetDays * 86400e3).toISOString().slice(0, 10);
}

/** {year, month, quarter} of today in Asia/Shanghai. */
export function shanghaiToday(from = Date.now()) {
  const d = new RealDate(from + 8 * 3600e3);
  const month = d.getUTCMonth() + 1;
  return { year: d.getUTCFullYear(), month, quarter: Math.floor((month - 1) / 3) + 1, date: d.toISOString().slice(0, 10) };
}

/** The "+08:00" text of an instant (ms), as a Chinese client sends it. */
export const iso8 = (ms) => new Date(ms + 8 * 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
