/**
 * The hashes the table keeps (catalog map, hours) are compared with new ones on every sync: the values are
 * pinned here, as they were computed before the two hashing helpers became one, so a stored hash still matches.
 */
import { contentHash, sha256Hex } from '../../functions/core/content-hash';

describe('contentHash', () => {
  it('hashes a catalog item on its sorted-key JSON, as stored before', () => {
    const item = { b: 1, a: { d: [1, { y: 2, x: 1 }], c: null }, e: undefined };
    expect(contentHash(item)).toBe('e0e53c1d18388436a9a32f69c7714d42d2018978f94c7507a17cbe86cd503f62');
    expect(contentHash({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 })).toBe(contentHash(item));
  });

  it('hashes hours on their JSON as built (key order kept), as stored before', () => {
    const closure = { startsAt: '2025-03-14T19:00:00+0100', expiresAt: null };
    expect(contentHash(closure, 'as-built')).toBe('6f09c56d4636a217dbb4fb4487cba34ad86d4363cb900647a1107844f5f08ef9');
    expect(contentHash(null, 'as-built')).toBe('74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b');
    const ranges = [
      { startDay: { id: 1 }, endDay: { id: 1 }, startTime: '09:00', endTime: '17:00', timezone: 'Europe/Paris' },
    ];
    expect(contentHash(ranges, 'as-built')).toBe('ab3b54989d5b24a52bc8bae562bf8844c6b2e8d6619ac340e1eb7eafc1f13291');
    expect(contentHash(closure, 'as-built')).not.toBe(contentHash(closure));
  });

  it('is sha256 in hex', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
