import {
  type CanonicalStatus,
  decideTransition,
  FINAL_RANK,
  isFinal,
  type Kind,
  ORDER_STATUSES,
  RESERVATION_STATUSES,
  rankOf,
} from '../../functions/core/statuses';

const T1 = '2025-03-14T19:00:00.000Z';
const T2 = '2025-03-14T19:05:00.000Z';

const point = (status: CanonicalStatus, sourceTs = T1) => ({ status, sourceTs });

describe('decideTransition (the monotonic status rule)', () => {
  it('applies the first status of an order the bridge has no state for', () => {
    expect(decideTransition('order', undefined, point('RECEIVED'))).toBe('apply');
  });

  it.each([
    ['RECEIVED', 'INJECTED'],
    ['INJECTED', 'ACCEPTED'],
    ['ACCEPTED', 'PREPARING'],
    ['PREPARING', 'READY'],
    ['READY', 'OUT_FOR_DELIVERY'],
    ['OUT_FOR_DELIVERY', 'COMPLETED'],
  ] as const)('applies the forward order step %s → %s', (from, to) => {
    expect(decideTransition('order', point(from), point(to))).toBe('apply');
  });

  it('applies a forward jump that skips intermediate statuses (webhooks can be lost)', () => {
    expect(decideTransition('order', point('INJECTED'), point('READY'))).toBe('apply');
  });

  it('treats a backward step as stale even when its source timestamp is newer (reordered webhooks)', () => {
    expect(decideTransition('order', point('READY', T1), point('ACCEPTED', T2))).toBe('stale');
  });

  it('applies a repeated status whose source timestamp is newer', () => {
    expect(decideTransition('order', point('PREPARING', T1), point('PREPARING', T2))).toBe('apply');
  });

  it('treats a repeated status with an older source timestamp as a duplicate', () => {
    expect(decideTransition('order', point('PREPARING', T2), point('PREPARING', T1))).toBe('duplicate');
  });

  it('treats a repeated status with the same source timestamp as a duplicate (redelivery)', () => {
    expect(decideTransition('order', point('PREPARING', T1), point('PREPARING', T1))).toBe('duplicate');
  });

  it('lets a final status win over any non-final one (a cancellation while preparing applies)', () => {
    expect(decideTransition('order', point('PREPARING'), point('CANCELLED'))).toBe('apply');
  });

  it.each(['COMPLETED', 'REJECTED', 'CANCELLED', 'FAILED'] as const)(
    'absorbs every later change once the order is %s',
    (final) => {
      expect(decideTransition('order', point(final, T1), point('PREPARING', T2))).toBe('after-final');
    },
  );

  it('refuses to replace one final status by another (CANCELLED after COMPLETED is not applied)', () => {
    expect(decideTransition('order', point('COMPLETED', T1), point('CANCELLED', T2))).toBe('after-final');
  });

  it('reports the same final status again as a duplicate, even with a newer timestamp', () => {
    expect(decideTransition('order', point('CANCELLED', T1), point('CANCELLED', T2))).toBe('duplicate');
  });

  it.each([
    ['RECEIVED', 'INJECTED'],
    ['INJECTED', 'CONFIRMED'],
    ['CONFIRMED', 'SEATED'],
    ['SEATED', 'COMPLETED'],
    ['CONFIRMED', 'NO_SHOW'],
  ] as const)('applies the forward reservation step %s → %s', (from, to) => {
    expect(decideTransition('reservation', point(from), point(to))).toBe('apply');
  });

  it('treats a reservation going back from SEATED to CONFIRMED as stale', () => {
    expect(decideTransition('reservation', point('SEATED', T1), point('CONFIRMED', T2))).toBe('stale');
  });

  it('absorbs changes after a reservation is NO_SHOW', () => {
    expect(decideTransition('reservation', point('NO_SHOW', T1), point('SEATED', T2))).toBe('after-final');
  });

  it('refuses a status of the other kind instead of guessing its rank', () => {
    expect(() => decideTransition('order', point('ACCEPTED'), point('SEATED'))).toThrow(/SEATED is not a order status/);
  });
});

describe('rankOf', () => {
  it.each([
    ['order', 'CONFIRMED'],
    ['order', 'SEATED'],
    ['order', 'NO_SHOW'],
    ['reservation', 'ACCEPTED'],
    ['reservation', 'PREPARING'],
    ['reservation', 'READY'],
    ['reservation', 'OUT_FOR_DELIVERY'],
  ] as const)('throws for the %s kind given %s, a status only the other kind has', (kind, status) => {
    expect(() => rankOf(kind, status)).toThrow(`${status} is not a ${kind} status`);
  });

  it.each([
    ['order', ORDER_STATUSES],
    ['reservation', RESERVATION_STATUSES],
  ] as const)('ranks every final %s status above every non-final one', (kind, statuses) => {
    const k = kind as Kind;
    const nonFinalMax = Math.max(...statuses.filter((s) => !isFinal(s)).map((s) => rankOf(k, s)));
    for (const s of statuses.filter(isFinal)) {
      expect(rankOf(k, s)).toBe(FINAL_RANK);
      expect(rankOf(k, s)).toBeGreaterThan(nonFinalMax);
    }
  });

  it('ranks order statuses strictly in the order of the lifecycle', () => {
    const path = ['RECEIVED', 'INJECTED', 'ACCEPTED', 'PREPARING', 'READY', 'OUT_FOR_DELIVERY'] as const;
    const ranks = path.map((s) => rankOf('order', s));
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    expect(new Set(ranks).size).toBe(ranks.length);
  });
});
