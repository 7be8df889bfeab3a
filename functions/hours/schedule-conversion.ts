/**
 * POS opening hours and availability → Sinqro's schedule ranges and temporary closure (F7, F8).
 * Pure functions: what cannot be right (a 25:00, an empty or overlapping range, an unknown timezone,
 * a closure that ends before it starts) is refused as a whole with every problem named, never sent.
 */
import { type ErrorDetail, PermanentError } from '../core/errors';
import type { PosAvailability, PosOpeningHours } from '../core/hours-model';
import type { ClosureNews, ScheduleNews } from '../core/messages';

export type SinqroScheduleRange = ScheduleNews['ranges'][number];
export type SinqroClosure = ClosureNews['closure'];

export const WEEKDAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** More ranges than this is no real restaurant's week (ten shifts a day), and would not fit one queue message. */
export const MAX_RANGES = 70;

export type HoursProblemCode =
  | 'INVALID_DAY'
  | 'INVALID_TIME'
  | 'EMPTY_RANGE'
  | 'OVERLAPPING_RANGES'
  | 'UNKNOWN_TIMEZONE'
  | 'TOO_MANY_RANGES'
  | 'INVALID_DATETIME'
  | 'ENDS_BEFORE_START';

export type HoursProblem = ErrorDetail & { code: HoursProblemCode };

/** Hours or a closure that cannot be true. Permanent: the same input fails the same way, so it is recorded, not retried. */
export class ImpossibleHoursError extends PermanentError {
  readonly problems: HoursProblem[];
  constructor(what: 'schedule' | 'closure', problems: HoursProblem[]) {
    super(
      `${what === 'schedule' ? 'opening hours' : 'temporary closure'} rejected: ${problems.map((p) => p.message).join('; ')}`,
      what === 'schedule' ? 'IMPOSSIBLE_SCHEDULE' : 'IMPOSSIBLE_CLOSURE',
    );
    this.problems = problems;
    this.details.push(...problems);
  }
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

/** Minutes after midnight of an `HH:MM` time (00:00–23:59), or undefined when it is no such time. */
export function minutesOf(time: unknown): number | undefined {
  const m = typeof time === 'string' ? TIME.exec(time) : null;
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/** The IANA name Intl knows the zone by (`europe/madrid` → `Europe/Madrid`), or undefined for an unknown zone. */
export function canonicalTimezone(timezone: unknown): string | undefined {
  if (typeof timezone !== 'string' || timezone === '') return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

const dayName = (day: number) => WEEKDAY_NAMES[day - 1] ?? `day ${day}`;
const nextDay = (day: number) => (day % 7) + 1;

type Span = { index: number; day: number; open: number; close: number; start: number; end: number };

/**
 * Sinqro's schedule ranges for the POS's weekly hours, sorted by day and opening time. A range whose
 * close is not after its open (20:00–02:00, or 20:00–00:00) ends on the next day; Sunday's runs into
 * Monday (day 1). Split shifts stay separate ranges. Every range carries the restaurant's timezone.
 */
export function toSinqroSchedule(hours: PosOpeningHours): SinqroScheduleRange[] {
  const problems: HoursProblem[] = [];
  const timezone = canonicalTimezone(hours.timezone);
  if (!timezone)
    problems.push({
      code: 'UNKNOWN_TIMEZONE',
      field: 'timezone',
      message: `timezone ${JSON.stringify(String(hours.timezone).slice(0, 64))} is not an IANA timezone`,
    });
  if (hours.ranges.length > MAX_RANGES)
    problems.push({
      code: 'TOO_MANY_RANGES',
      field: 'ranges',
      message: `${hours.ranges.length} ranges; at most ${MAX_RANGES} are accepted`,
    });

  const spans: Span[] = [];
  hours.ranges.forEach((range, index) => {
    const field = `ranges[${index}]`;
    if (!Number.isInteger(range.day) || range.day < 1 || range.day > 7) {
      problems.push({ code: 'INVALID_DAY', field: `${field}.day`, message: `${field}: day must be 1 (Monday) to 7` });
      return;
    }
    const where = `${dayName(range.day)} ${String(range.open).slice(0, 8)}–${String(range.close).slice(0, 8)}`;
    const open = minutesOf(range.open);
    const close = minutesOf(range.close);
    for (const [key, value] of [
      ['open', open],
      ['close', close],
    ] as const) {
      if (value === undefined)
        problems.push({
          code: 'INVALID_TIME',
          field: `${field}.${key}`,
          message: `${where}: ${key} is not a time of day (HH:MM, 00:00–23:59; midnight is 00:00)`,
        });
    }
    if (open === undefined || close === undefined) return;
    if (open === close) {
      problems.push({ code: 'EMPTY_RANGE', field, message: `${where}: opens and closes at the same time` });
      return;
    }
    const start = (range.day - 1) * MINUTES_PER_DAY + open;
    const length = close > open ? close - open : close + MINUTES_PER_DAY - open;
    spans.push({ index, day: range.day, open, close, start, end: start + length });
  });

  // On the week's circle: Sunday 22:00–02:00 and Monday 01:00–… overlap too.
  const pieces = (s: Span): [number, number][] =>
    s.end <= MINUTES_PER_WEEK
      ? [[s.start, s.end]]
      : [
          [s.start, MINUTES_PER_WEEK],
          [0, s.end - MINUTES_PER_WEEK],
        ];
  for (let i = 0; i < spans.length; i++) {
    for (let j = i + 1; j < spans.length; j++) {
      const a = spans[i] as Span;
      const b = spans[j] as Span;
      const overlap = pieces(a).some(([as, ae]) => pieces(b).some(([bs, be]) => as < be && bs < ae));
      if (overlap)
        problems.push({
          code: 'OVERLAPPING_RANGES',
          field: `ranges[${a.index}],ranges[${b.index}]`,
          message: `${dayName(a.day)} ${hours.ranges[a.index]?.open}–${hours.ranges[a.index]?.close} overlaps ${dayName(b.day)} ${hours.ranges[b.index]?.open}–${hours.ranges[b.index]?.close}`,
        });
    }
  }
  if (problems.length > 0) throw new ImpossibleHoursError('schedule', problems);

  return spans
    .sort((a, b) => a.start - b.start)
    .map((s) => ({
      startDay: { id: s.day },
      endDay: { id: s.close > s.open ? s.day : nextDay(s.day) },
      startTime: hours.ranges[s.index]?.open as string,
      endTime: hours.ranges[s.index]?.close as string,
      timezone: timezone as string,
    }));
}

/**
 * Sinqro's temporary closure for the POS's availability: closed from `from` (until `until`, or until
 * further notice) → `{ startsAt, expiresAt }` in UTC; open → null (the closure is removed).
 */
export function toSinqroClosure(availability: PosAvailability): SinqroClosure {
  if (!availability.closed) return null;
  const problems: HoursProblem[] = [];
  const from = Date.parse(availability.from);
  const until = availability.until === undefined ? undefined : Date.parse(availability.until);
  if (Number.isNaN(from))
    problems.push({ code: 'INVALID_DATETIME', field: 'from', message: 'from is not an ISO-8601 date-time' });
  if (until !== undefined && Number.isNaN(until))
    problems.push({ code: 'INVALID_DATETIME', field: 'until', message: 'until is not an ISO-8601 date-time' });
  if (problems.length === 0 && until !== undefined && until <= from)
    problems.push({ code: 'ENDS_BEFORE_START', field: 'until', message: 'the closure ends before it starts' });
  if (problems.length > 0) throw new ImpossibleHoursError('closure', problems);
  return {
    startsAt: new Date(from).toISOString(),
    expiresAt: until === undefined ? null : new Date(until).toISOString(),
  };
}
