import { PermanentError } from '../../functions/core/errors';
import type { IsoWeekday, PosOpeningHours } from '../../functions/core/hours-model';
import {
  canonicalTimezone,
  type HoursProblemCode,
  ImpossibleHoursError,
  MAX_RANGES,
  minutesOf,
  toSinqroClosure,
  toSinqroSchedule,
} from '../../functions/hours/schedule-conversion';

const TZ = 'Europe/Madrid';
const range = (day: number, open: string, close: string) => ({ day: day as IsoWeekday, open, close });
const hours = (...ranges: PosOpeningHours['ranges']): PosOpeningHours => ({ timezone: TZ, ranges });
const sinqro = (startDay: number, endDay: number, startTime: string, endTime: string, timezone = TZ) => ({
  startDay: { id: startDay },
  endDay: { id: endDay },
  startTime,
  endTime,
  timezone,
});

function rejectionOf(run: () => unknown): ImpossibleHoursError {
  try {
    run();
  } catch (error) {
    if (error instanceof ImpossibleHoursError) return error;
    throw error;
  }
  throw new Error('expected the input to be rejected');
}
const codes = (run: () => unknown): HoursProblemCode[] => rejectionOf(run).problems.map((p) => p.code);

describe('toSinqroSchedule: what is converted', () => {
  it('turns one daytime range into one range on the same day, carrying the timezone', () => {
    expect(toSinqroSchedule(hours(range(3, '09:00', '17:30')))).toEqual([sinqro(3, 3, '09:00', '17:30')]);
  });

  it('keeps a split shift as two ranges on the same day', () => {
    expect(toSinqroSchedule(hours(range(1, '12:00', '16:00'), range(1, '20:00', '23:30')))).toEqual([
      sinqro(1, 1, '12:00', '16:00'),
      sinqro(1, 1, '20:00', '23:30'),
    ]);
  });

  it('ends a range whose close is before its open on the next day', () => {
    expect(toSinqroSchedule(hours(range(5, '20:00', '02:00')))).toEqual([sinqro(5, 6, '20:00', '02:00')]);
  });

  it('ends a range closing at 00:00 on the next day (midnight)', () => {
    expect(toSinqroSchedule(hours(range(2, '18:00', '00:00')))).toEqual([sinqro(2, 3, '18:00', '00:00')]);
  });

  it('wraps Sunday’s late range into Monday (day 1)', () => {
    expect(toSinqroSchedule(hours(range(7, '19:00', '01:00')))).toEqual([sinqro(7, 1, '19:00', '01:00')]);
  });

  it('accepts Sunday night into Monday next to a Monday range that starts after it ends', () => {
    expect(toSinqroSchedule(hours(range(1, '01:00', '04:00'), range(7, '22:00', '01:00')))).toEqual([
      sinqro(1, 1, '01:00', '04:00'),
      sinqro(7, 1, '22:00', '01:00'),
    ]);
  });

  it('accepts ranges that touch without overlapping (one closes the minute the next opens)', () => {
    expect(toSinqroSchedule(hours(range(4, '12:00', '16:00'), range(4, '16:00', '20:00')))).toHaveLength(2);
  });

  it('sorts ranges by day and opening time, whatever order the POS gave them in', () => {
    const out = toSinqroSchedule(
      hours(range(6, '20:00', '23:00'), range(1, '20:00', '23:00'), range(1, '12:00', '15:00')),
    );
    expect(out.map((r) => [r.startDay.id, r.startTime])).toEqual([
      [1, '12:00'],
      [1, '20:00'],
      [6, '20:00'],
    ]);
  });

  it('carries the timezone in its canonical IANA spelling', () => {
    expect(toSinqroSchedule({ timezone: 'europe/madrid', ranges: [range(1, '10:00', '11:00')] })[0]?.timezone).toBe(
      'Europe/Madrid',
    );
  });

  it('carries another restaurant’s own timezone on every range', () => {
    const out = toSinqroSchedule({
      timezone: 'America/Mexico_City',
      ranges: [range(1, '10:00', '14:00'), range(2, '10:00', '14:00')],
    });
    expect(out.map((r) => r.timezone)).toEqual(['America/Mexico_City', 'America/Mexico_City']);
  });

  it('gives an empty schedule for a week without ranges (closed all week)', () => {
    expect(toSinqroSchedule(hours())).toEqual([]);
  });

  it('accepts the first and last minutes of the day', () => {
    expect(toSinqroSchedule(hours(range(1, '00:00', '23:59')))).toEqual([sinqro(1, 1, '00:00', '23:59')]);
  });
});

describe('toSinqroSchedule: impossible hours are rejected, never converted', () => {
  it.each(['25:00', '24:00', '12:60', '9:00', '09:00:00', '', 'noon', '0900', ' 09:00'])(
    'rejects the time %j',
    (time) => {
      expect(codes(() => toSinqroSchedule(hours(range(1, time, '23:00'))))).toEqual(['INVALID_TIME']);
    },
  );

  it('names the field of a bad closing time', () => {
    const error = rejectionOf(() => toSinqroSchedule(hours(range(1, '12:00', '16:00'), range(2, '20:00', '25:00'))));
    expect(error.problems).toEqual([expect.objectContaining({ code: 'INVALID_TIME', field: 'ranges[1].close' })]);
  });

  it('rejects a range that opens and closes at the same time', () => {
    expect(codes(() => toSinqroSchedule(hours(range(1, '12:00', '12:00'))))).toEqual(['EMPTY_RANGE']);
  });

  it('rejects two overlapping ranges on a day', () => {
    expect(codes(() => toSinqroSchedule(hours(range(1, '12:00', '16:00'), range(1, '15:00', '18:00'))))).toEqual([
      'OVERLAPPING_RANGES',
    ]);
  });

  it('rejects a range inside another', () => {
    expect(codes(() => toSinqroSchedule(hours(range(2, '10:00', '22:00'), range(2, '12:00', '13:00'))))).toEqual([
      'OVERLAPPING_RANGES',
    ]);
  });

  it('rejects the same range given twice', () => {
    expect(codes(() => toSinqroSchedule(hours(range(2, '10:00', '14:00'), range(2, '10:00', '14:00'))))).toEqual([
      'OVERLAPPING_RANGES',
    ]);
  });

  it('rejects a late range that runs into the next morning’s range', () => {
    expect(codes(() => toSinqroSchedule(hours(range(5, '20:00', '03:00'), range(6, '02:00', '06:00'))))).toEqual([
      'OVERLAPPING_RANGES',
    ]);
  });

  it('rejects Sunday’s late range running into Monday’s early one (the week wraps)', () => {
    expect(codes(() => toSinqroSchedule(hours(range(7, '22:00', '03:00'), range(1, '02:00', '06:00'))))).toEqual([
      'OVERLAPPING_RANGES',
    ]);
  });

  it('names both overlapping ranges', () => {
    const error = rejectionOf(() =>
      toSinqroSchedule(hours(range(3, '09:00', '10:00'), range(1, '12:00', '16:00'), range(1, '15:00', '18:00'))),
    );
    expect(error.problems[0]?.field).toBe('ranges[1],ranges[2]');
    expect(error.message).toContain('monday 12:00–16:00 overlaps monday 15:00–18:00');
  });

  it.each(['Mars/Olympus', '', 'GMT+25', 'Europe/Madrid '])('rejects the unknown timezone %j', (timezone) => {
    expect(codes(() => toSinqroSchedule({ timezone, ranges: [range(1, '10:00', '12:00')] }))).toEqual([
      'UNKNOWN_TIMEZONE',
    ]);
  });

  it.each([0, 8, 1.5, Number.NaN])('rejects the day %p (days are 1–7)', (day) => {
    expect(codes(() => toSinqroSchedule(hours(range(day, '10:00', '12:00'))))).toEqual(['INVALID_DAY']);
  });

  it(`rejects more than ${MAX_RANGES} ranges`, () => {
    const many = Array.from({ length: MAX_RANGES + 1 }, (_, i) =>
      range(
        (i % 7) + 1,
        `${String(Math.floor(i / 7)).padStart(2, '0')}:00`,
        `${String(Math.floor(i / 7)).padStart(2, '0')}:30`,
      ),
    );
    expect(codes(() => toSinqroSchedule(hours(...many)))).toEqual(['TOO_MANY_RANGES']);
  });

  it(`accepts exactly ${MAX_RANGES} ranges`, () => {
    const many = Array.from({ length: MAX_RANGES }, (_, i) =>
      range(
        (i % 7) + 1,
        `${String(Math.floor(i / 7)).padStart(2, '0')}:00`,
        `${String(Math.floor(i / 7)).padStart(2, '0')}:30`,
      ),
    );
    expect(toSinqroSchedule(hours(...many))).toHaveLength(MAX_RANGES);
  });

  it('reports every problem of the week at once, not only the first', () => {
    expect(
      codes(() =>
        toSinqroSchedule({
          timezone: 'Nowhere/Town',
          ranges: [
            range(1, '25:00', '10:00'),
            range(2, '12:00', '12:00'),
            range(3, '10:00', '14:00'),
            range(3, '13:00', '15:00'),
          ],
        }),
      ),
    ).toEqual(['UNKNOWN_TIMEZONE', 'INVALID_TIME', 'EMPTY_RANGE', 'OVERLAPPING_RANGES']);
  });

  it('is a permanent error with its own code, so the worker records it instead of retrying', () => {
    const error = rejectionOf(() => toSinqroSchedule(hours(range(1, '12:00', '12:00'))));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.code).toBe('IMPOSSIBLE_SCHEDULE');
    expect(error.details).toEqual(error.problems);
  });

  it('says clearly what is wrong and where', () => {
    expect(rejectionOf(() => toSinqroSchedule(hours(range(2, '20:00', '25:00')))).message).toBe(
      'opening hours rejected: tuesday 20:00–25:00: close is not a time of day (HH:MM, 00:00–23:59; midnight is 00:00)',
    );
  });
});

describe('toSinqroClosure', () => {
  it('turns “closed until a time” into a closure with its start and end', () => {
    expect(
      toSinqroClosure({ closed: true, from: '2025-03-14T18:00:00.000Z', until: '2025-03-14T21:00:00.000Z' }),
    ).toEqual({ startsAt: '2025-03-14T18:00:00.000Z', expiresAt: '2025-03-14T21:00:00.000Z' });
  });

  it('turns “closed until further notice” into an open-ended closure (expiresAt null)', () => {
    expect(toSinqroClosure({ closed: true, from: '2025-03-14T18:00:00.000Z' })).toEqual({
      startsAt: '2025-03-14T18:00:00.000Z',
      expiresAt: null,
    });
  });

  it('gives UTC times for times with an offset', () => {
    expect(
      toSinqroClosure({ closed: true, from: '2025-03-14T19:00:00+01:00', until: '2025-03-14T22:30:00+01:00' }),
    ).toEqual({ startsAt: '2025-03-14T18:00:00.000Z', expiresAt: '2025-03-14T21:30:00.000Z' });
  });

  it('turns “open” into no closure (null: the closure is removed)', () => {
    expect(toSinqroClosure({ closed: false })).toBeNull();
  });

  it('does not send the reason (Sinqro’s closure has no field for it)', () => {
    expect(toSinqroClosure({ closed: true, from: '2025-03-14T18:00:00.000Z', reason: 'staff training' })).toEqual({
      startsAt: '2025-03-14T18:00:00.000Z',
      expiresAt: null,
    });
  });

  it('rejects a closure that ends before it starts', () => {
    expect(
      codes(() => toSinqroClosure({ closed: true, from: '2025-03-14T18:00:00Z', until: '2025-03-14T17:00:00Z' })),
    ).toEqual(['ENDS_BEFORE_START']);
  });

  it('rejects a closure that ends when it starts', () => {
    expect(
      codes(() => toSinqroClosure({ closed: true, from: '2025-03-14T18:00:00Z', until: '2025-03-14T18:00:00Z' })),
    ).toEqual(['ENDS_BEFORE_START']);
  });

  it('rejects a start or end that is not a date-time, with its own code', () => {
    const error = rejectionOf(() => toSinqroClosure({ closed: true, from: 'soon', until: 'later' }));
    expect(error.code).toBe('IMPOSSIBLE_CLOSURE');
    expect(error.problems.map((p) => [p.code, p.field])).toEqual([
      ['INVALID_DATETIME', 'from'],
      ['INVALID_DATETIME', 'until'],
    ]);
  });
});

describe('the small readers', () => {
  it.each([
    ['00:00', 0],
    ['09:05', 545],
    ['23:59', 1439],
  ])('reads %s as %i minutes after midnight', (time, minutes) => {
    expect(minutesOf(time)).toBe(minutes);
  });

  it('reads no time from a number', () => {
    expect(minutesOf(900)).toBeUndefined();
  });

  it('knows a zone by its canonical name and refuses one Intl does not know', () => {
    expect([canonicalTimezone('UTC'), canonicalTimezone('Atlantis/Capital')]).toEqual(['UTC', undefined]);
  });
});
