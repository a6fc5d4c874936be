/**
 * Instants and durations as users write them in programs, and as Atlas
 * expects them. Pure functions: the clock is always passed in.
 */

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

// RFC 3339 / ISO 8601 date-time with a zone designator; seconds and fractions optional.
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})$/;

/**
 * Parses an ISO 8601 date-time that carries a zone (`Z` or `+01:00`).
 * Returns undefined for anything else, including impossible dates such as
 * February 30 (which `Date` would silently roll over).
 *
 * A leap second (`23:59:60Z`, or `00:59:60+01:00`: RFC 3339 5.7, second 60
 * of the last minute of a UTC day) is read as the start of the next second,
 * `00:00:00Z` (its fraction dropped): `Date` has no leap seconds, and an
 * instant such as a deletion date is then never moved earlier than written.
 * Clamping to `23:59:59.999` would move it earlier.
 */
export function parseInstant(text: string): Date | undefined {
  const m = INSTANT.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = "0", frac = "0", zone] = m;
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(h), minute = Number(mi), second = Number(s);
  const leap = second === 60 && minute === 59;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || (second > 59 && !leap)) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return undefined;
  const millis = leap ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== "Z") {
    const digits = zone.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2)), om = Number(digits.slice(2, 4));
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (zone[0] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * MINUTE_MS;
  // Second 60 rolls over to the next minute; a leap second only ends a UTC day.
  if (leap && utc % DAY_MS !== 0) return undefined;
  const out = new Date(utc);
  return Number.isNaN(out.getTime()) ? undefined : out;
}

/**
 * The one spelling of an instant the provider stores and sends: UTC,
 * `2025-05-04T09:42:00Z`, with milliseconds only when they are not zero.
 */
export function canonicalInstant(instant: Date): string {
  return instant.toISOString().replace(".000Z", "Z");
}

/** Canonical form of an instant given as text; undefined when it does not parse. */
export function canonicalInstantText(text: string): string | undefined {
  const d = parseInstant(text);
  return d === undefined ? undefined : canonicalInstant(d);
}

/**
 * Whether two optional instants denote the same moment
 * (`T10:00:00Z`, `T10:00:00.000Z` and `T11:00:00+01:00` are equal).
 * Unparseable text only equals itself.
 */
export function sameInstant(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const da = parseInstant(a), db = parseInstant(b);
  if (da === undefined || db === undefined) return a === b;
  return da.getTime() === db.getTime();
}

const DURATION_UNITS: Readonly<Record<string, number>> = { d: DAY_MS, h: HOUR_MS, m: MINUTE_MS, s: SECOND_MS };
const DURATION = /^(?:\d+[dhms])+$/;

/**
 * Parses a duration such as `"90m"`, `"24h"`, `"7d"` or `"1h30m"` (units
 * d, h, m, s; whole numbers) into milliseconds. Undefined when malformed.
 */
export function parseDuration(text: string): number | undefined {
  const compact = text.trim().toLowerCase();
  if (!DURATION.test(compact)) return undefined;
  let total = 0;
  for (const [, amount, unit] of compact.matchAll(/(\d+)([dhms])/g)) {
    total += Number(amount) * DURATION_UNITS[unit];
  }
  return Number.isSafeInteger(total) ? total : undefined;
}

/** Whether two optional duration texts mean the same length (`"24h"` equals `"1d"`). */
export function sameDuration(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const ma = parseDuration(a), mb = parseDuration(b);
  if (ma === undefined || mb === undefined) return a === b;
  return ma === mb;
}

/** A readable duration for messages: `7d`, `1h30m`, `45s`. */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.floor(ms / SECOND_MS) * SECOND_MS);
  let out = "";
  for (const [unit, size] of Object.entries(DURATION_UNITS)) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out === "" ? "0s" : out;
}
