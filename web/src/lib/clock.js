// The server's clock. "Today" on every screen comes from the server (the `now`
// of GET /api/v1/session), not from the phone: a phone whose date is wrong still
// sees the right month's to-dos, and the tests can stand the server on any day.
let offsetMs = 0;

/** Remembers how far the server's clock is from this device's. */
export function syncServerClock(iso) {
  const t = Date.parse(iso || '');
  if (!Number.isNaN(t)) offsetMs = t - Date.now();
}

/** Milliseconds since the epoch on the server's clock. */
export function serverNowMs() { return Date.now() + offsetMs; }

/** Now on the server's clock, as a Date. */
export function serverNow() { return new Date(serverNowMs()); }
