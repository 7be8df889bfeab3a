import { toMinorUnits } from '../../functions/core/money';

describe('toMinorUnits', () => {
  it.each([
    [0.29, 29],
    [19.99, 1999],
    [10.5, 1050],
    [1234.56, 123456],
    [0.1 + 0.2, 30],
    [1.15, 115],
    [4.35, 435],
    [0, 0],
    [12, 1200],
  ])('turns %p major units into exactly %p minor units (no float drift)', (amount, minor) => {
    expect(toMinorUnits(amount)).toBe(minor);
  });

  it('rounds half a minor unit up, as a till would', () => {
    expect(toMinorUnits(1.005)).toBe(101);
  });

  it('keeps the sign of a negative amount (refunds, discounts)', () => {
    expect(toMinorUnits(-19.99)).toBe(-1999);
  });

  it('supports currencies with three decimals', () => {
    expect(toMinorUnits(1.234, 3)).toBe(1234);
  });

  it('supports currencies without decimals', () => {
    expect(toMinorUnits(1500, 0)).toBe(1500);
  });
});
