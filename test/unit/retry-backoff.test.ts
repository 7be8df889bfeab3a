import {
  backoffSeconds,
  DEFAULT_RETRY_FLOOR_SECONDS,
  MAX_VISIBILITY_SECONDS,
  retryBudgetSeconds,
  retryFloorSeconds,
} from '../../functions/core/retry-backoff';
import { MAX_RECEIVE_COUNT } from '../../lib/work-queue';

const lowest = () => 0;
const highest = () => 0.999999;

describe('backoffSeconds', () => {
  it('doubles from the floor with each receive: 30, 60, 120, … seconds at the low end of the jitter', () => {
    const steps = [1, 2, 3, 4, 5, 6].map((n) => backoffSeconds(n, { floorSeconds: 30, random: lowest }));
    expect(steps).toEqual([30, 60, 120, 240, 480, 960]);
  });

  it('adds up to half a step of jitter, never less than the step', () => {
    for (const n of [1, 2, 5, 9]) {
      const step = 30 * 2 ** (n - 1);
      for (let i = 0; i < 50; i++) {
        const v = backoffSeconds(n, { floorSeconds: 30 });
        expect(v).toBeGreaterThanOrEqual(step);
        expect(v).toBeLessThanOrEqual(Math.ceil(step * 1.5));
      }
      expect(backoffSeconds(n, { floorSeconds: 30, random: highest })).toBe(Math.ceil(step * 1.5 - 1e-9));
    }
  });

  it('never goes past SQS’s 12-hour visibility maximum', () => {
    expect(backoffSeconds(12, { floorSeconds: 30, random: lowest })).toBe(MAX_VISIBILITY_SECONDS);
    expect(backoffSeconds(40, { floorSeconds: 30, random: highest })).toBe(MAX_VISIBILITY_SECONDS);
    expect(backoffSeconds(1, { floorSeconds: 30, retryAfterSeconds: 7 * 86400 })).toBe(MAX_VISIBILITY_SECONDS);
  });

  it('keeps the floor whatever Retry-After says, and honours a longer Retry-After', () => {
    expect(backoffSeconds(1, { floorSeconds: 30, retryAfterSeconds: 1, random: lowest })).toBe(30);
    expect(backoffSeconds(1, { floorSeconds: 30, retryAfterSeconds: 600, random: highest })).toBe(600);
    expect(backoffSeconds(3, { floorSeconds: 30, retryAfterSeconds: 90, random: lowest })).toBe(120);
  });

  it('scales with a smaller floor (local runs), cap included, and keeps fractions below one second', () => {
    expect(backoffSeconds(1, { floorSeconds: 0.05, random: lowest })).toBeCloseTo(0.05);
    expect(backoffSeconds(4, { floorSeconds: 0.05, random: lowest })).toBeCloseTo(0.4);
    expect(backoffSeconds(30, { floorSeconds: 0.05, random: lowest })).toBeCloseTo(0.05 * 1440);
  });

  it('takes a lower cap when one is given (chaos runs), never a higher one', () => {
    expect(backoffSeconds(9, { floorSeconds: 1, capSeconds: 8, random: lowest })).toBe(8);
    expect(backoffSeconds(30, { floorSeconds: 30, capSeconds: 10 * 86400, random: lowest })).toBe(
      MAX_VISIBILITY_SECONDS,
    );
  });

  it('treats a missing or nonsensical receive count as the first receive', () => {
    expect(backoffSeconds(0, { floorSeconds: 30, random: lowest })).toBe(30);
    expect(backoffSeconds(Number.NaN, { floorSeconds: 30, random: lowest })).toBe(30);
  });
});

describe('the retry budget', () => {
  it('tries again for more than a day before a message reaches the DLQ, at the lowest jitter', () => {
    // The last receive happens after the steps of all receives before it.
    expect(retryBudgetSeconds(MAX_RECEIVE_COUNT, DEFAULT_RETRY_FLOOR_SECONDS)).toBeGreaterThan(86_400);
    // …and a 2-hour outage is retried well within it.
    expect(retryBudgetSeconds(MAX_RECEIVE_COUNT, DEFAULT_RETRY_FLOOR_SECONDS)).toBeGreaterThan(2 * 3600);
  });
});

describe('retryFloorSeconds', () => {
  it('is 30 s unless RETRY_FLOOR_SECONDS sets another positive number', () => {
    expect(retryFloorSeconds({})).toBe(30);
    expect(retryFloorSeconds({ RETRY_FLOOR_SECONDS: '0.05' })).toBe(0.05);
    expect(retryFloorSeconds({ RETRY_FLOOR_SECONDS: 'soon' })).toBe(30);
    expect(retryFloorSeconds({ RETRY_FLOOR_SECONDS: '-1' })).toBe(30);
  });
});
