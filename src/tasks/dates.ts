// The dates task: calendar dates written the many ways people write them ("21 Nov 2026",
// "Saturday, November 21, 2026", "11/21/26", "21.11.2026", …), each to be normalised to ISO 8601
// (2026-11-21). Every format is unambiguous by its own convention: slashes with a two-digit year are
// month/day/year (US), slashes with a four-digit year are day/month/year, and two-digit years mean
// 1950–2049. The generator is seeded, so held-out sets are reproducible.

import { Rng } from '../tensor/random.js';

/** A calendar date. */
export interface CalendarDate { year: number; month: number; day: number }

/** A source/target pair of the task. */
export interface DatePair { source: string; target: string; format: number }

/** First and last years generated (two-digit years are read in this window). */
export const FIRST_YEAR = 1950;
export const LAST_YEAR = 2049;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const pad2 = (n: number): string => String(n).padStart(2, '0');
const yy = (y: number): string => pad2(y % 100);
const mon = (m: number): string => MONTHS[m - 1].slice(0, 3);
const ordinal = (d: number): string => {
  const tail = d % 100 >= 11 && d % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][d % 10] ?? 'th';
  return `${d}${tail}`;
};

/** Day of the week, 0 = Sunday (proleptic Gregorian calendar). */
export function weekday(d: CalendarDate): number {
  return new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
}

/** Days in a month (Gregorian leap years). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The target: YYYY-MM-DD. */
export function isoDate(d: CalendarDate): string {
  return `${d.year}-${pad2(d.month)}-${pad2(d.day)}`;
}

/** The human formats, each with an example for 2026-11-21 (a Saturday). */
export const DATE_FORMATS: ReadonlyArray<{ example: string; write: (d: CalendarDate) => string }> = [
  { example: '21 Nov 2026', write: (d) => `${d.day} ${mon(d.month)} ${d.year}` },
  { example: 'Saturday, November 21, 2026', write: (d) => `${WEEKDAYS[weekday(d)]}, ${MONTHS[d.month - 1]} ${d.day}, ${d.year}` },
  { example: '11/21/26', write: (d) => `${pad2(d.month)}/${pad2(d.day)}/${yy(d.year)}` },
  { example: '21.11.2026', write: (d) => `${pad2(d.day)}.${pad2(d.month)}.${d.year}` },
  { example: 'November 21, 2026', write: (d) => `${MONTHS[d.month - 1]} ${d.day}, ${d.year}` },
  { example: '21 November 2026', write: (d) => `${d.day} ${MONTHS[d.month - 1]} ${d.year}` },
  { example: 'Nov 21, 2026', write: (d) => `${mon(d.month)} ${d.day}, ${d.year}` },
  { example: '21-Nov-2026', write: (d) => `${pad2(d.day)}-${mon(d.month)}-${d.year}` },
  { example: 'Sat, 21 Nov 2026', write: (d) => `${WEEKDAYS[weekday(d)].slice(0, 3)}, ${d.day} ${mon(d.month)} ${d.year}` },
  { example: '20261121', write: (d) => `${d.year}${pad2(d.month)}${pad2(d.day)}` },
  { example: '11-21-2026', write: (d) => `${pad2(d.month)}-${pad2(d.day)}-${d.year}` },
  { example: 'the 21st of November, 2026', write: (d) => `the ${ordinal(d.day)} of ${MONTHS[d.month - 1]}, ${d.year}` },
  { example: '21/11/2026', write: (d) => `${pad2(d.day)}/${pad2(d.month)}/${d.year}` },
  { example: 'Saturday 21 November 2026', write: (d) => `${WEEKDAYS[weekday(d)]} ${d.day} ${MONTHS[d.month - 1]} ${d.year}` },
  { example: 'NOV 21 2026', write: (d) => `${mon(d.month).toUpperCase()} ${d.day} ${d.year}` },
  { example: '2026/11/21', write: (d) => `${d.year}/${pad2(d.month)}/${pad2(d.day)}` },
  { example: 'Sat Nov 21 2026', write: (d) => `${WEEKDAYS[weekday(d)].slice(0, 3)} ${mon(d.month)} ${d.day} ${d.year}` },
  { example: '21 nov 26', write: (d) => `${d.day} ${mon(d.month).toLowerCase()} ${yy(d.year)}` },
  { example: 'November 21st, 2026', write: (d) => `${MONTHS[d.month - 1]} ${ordinal(d.day)}, ${d.year}` },
  { example: '2026-11-21', write: (d) => isoDate(d) },
];

/** A uniformly random date in [FIRST_YEAR, LAST_YEAR]. */
export function randomDate(rng: Rng): CalendarDate {
  const year = FIRST_YEAR + rng.int(LAST_YEAR - FIRST_YEAR + 1);
  const month = 1 + rng.int(12);
  return { year, month, day: 1 + rng.int(daysInMonth(year, month)) };
}

/** One pair: `date` written in format `format` (random when omitted), with its ISO target. */
export function datePair(date: CalendarDate, format: number): DatePair {
  if (!(Number.isInteger(format) && format >= 0 && format < DATE_FORMATS.length)) {
    throw new Error(`expected a date format in [0, ${DATE_FORMATS.length}), got ${format}`);
  }
  return { source: DATE_FORMATS[format].write(date), target: isoDate(date), format };
}

/**
 * `n` pairs with distinct dates, each in a random format, none of whose dates is in `exclude`
 * (ISO strings). Used for a held-out set and for training data that avoids it.
 */
export function datePairs(n: number, rng: Rng, exclude: ReadonlySet<string> = new Set()): DatePair[] {
  const span = (LAST_YEAR - FIRST_YEAR + 1) * 365;
  if (!(Number.isInteger(n) && n >= 0 && n + exclude.size <= span)) throw new Error(`expected a number of dates in [0, ${span - exclude.size}], got ${n}`);
  const seen = new Set<string>();
  const out: DatePair[] = [];
  while (out.length < n) {
    const d = randomDate(rng);
    const iso = isoDate(d);
    if (seen.has(iso) || exclude.has(iso)) continue;
    seen.add(iso);
    out.push(datePair(d, rng.int(DATE_FORMATS.length)));
  }
  return out;
}

/** An endless stream of training pairs (dates may repeat, in fresh formats) avoiding `exclude`. */
export function* datePairStream(rng: Rng, exclude: ReadonlySet<string>): Generator<DatePair> {
  for (;;) {
    const d = randomDate(rng);
    if (exclude.has(isoDate(d))) continue;
    yield datePair(d, rng.int(DATE_FORMATS.length));
  }
}
