// ISO 8601 instants in query strings: a date (midnight UTC), or a date and time with `Z` or
// an offset. A time without a zone would mean the server's local time, so it is refused,
// and so is a date that does not exist (2026-02-30), which Date.parse would roll over.
import * as t from 'io-ts';

const pattern = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2})))?$/;

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Milliseconds since the epoch, or undefined when `text` is not such an instant. */
export function parseIsoInstant(text: string): number | undefined {
  const match = pattern.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = [1, 2, 3, 4, 5, 6, 10, 11].map((i) =>
    Number(match[i] ?? '0'),
  ) as [number, number, number, number, number, number, number, number];
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  // Date.UTC would read a year below 100 as 19xx; no event is that old anyway.
  const valid =
    year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month) &&
    hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= 23 && offsetMinutes <= 59;
  if (!valid) return undefined;
  const offset = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset;
}

export const IsoInstant = new t.Type<Date, string, unknown>(
  'IsoInstant',
  (u): u is Date => u instanceof Date && !Number.isNaN(u.getTime()),
  (u, c) => {
    const ms = typeof u === 'string' ? parseIsoInstant(u) : undefined;
    return ms === undefined ? t.failure(u, c) : t.success(new Date(ms));
  },
  (date) => date.toISOString(),
);
