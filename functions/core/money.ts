/** Sinqro sends money as decimal major units (12.5); POS APIs want integer minor units (1250). */
export function toMinorUnits(amount: number, decimals = 2): number {
  // Go through the decimal string, not `amount * 100`, so 0.29 becomes 29 and not 28.999999999999996.
  const [whole = '0', fraction = ''] = Math.abs(amount)
    .toFixed(decimals + 2)
    .split('.');
  const cents =
    Number(whole) * 10 ** decimals + Math.round(Number(`${fraction.slice(0, decimals)}.${fraction.slice(decimals)}`));
  return amount < 0 ? -cents : cents;
}

/** ISO 4217 currencies without minor units (or with three) among those restaurants use; the rest have two. */
const DECIMALS: Record<string, number> = { JPY: 0, KRW: 0, CLP: 0, ISK: 0, BHD: 3, KWD: 3, JOD: 3, OMR: 3, TND: 3 };
export const decimalsOf = (currency: string) => DECIMALS[currency] ?? 2;

/** Exact minor units of a Sinqro amount in the order's currency. */
export function minor(amount: number, currency: string): number {
  return toMinorUnits(amount, decimalsOf(currency));
}

/**
 * Minor units back to the decimal major-unit number a POS API wants (1029 EUR → 10.29): the double
 * nearest that decimal, which JSON writes with exactly those digits.
 */
export function fromMinorUnits(units: number, currency: string): number {
  const decimals = decimalsOf(currency);
  return Number((units / 10 ** decimals).toFixed(decimals));
}
