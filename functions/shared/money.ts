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
