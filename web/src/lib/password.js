// The password rule the server enforces (等保 2.0): at least 8 characters,
// mixing at least three of upper case, lower case, digits and symbols.
// Checked here too so the user hears about it before the round trip.

export const PASSWORD_MIN_LENGTH = 8;

/** Number of character classes present in s. */
export function passwordClasses(s) {
  let n = 0;
  if (/[A-Z]/.test(s)) n++;
  if (/[a-z]/.test(s)) n++;
  if (/[0-9]/.test(s)) n++;
  if (/[^A-Za-z0-9]/.test(s)) n++;
  return n;
}

/** Returns a message key under `password.` when s breaks the rule, or '' when it is fine. */
export function passwordProblem(s) {
  if (!s || s.length < PASSWORD_MIN_LENGTH) return 'tooShort';
  if (passwordClasses(s) < 3) return 'tooSimple';
  return '';
}
