/** Percentiles and number formatting shared by the benchmark's sections. */

/** The nearest-rank percentile `p` of `values` (NaN when there are none). */
export const pct = (values: number[], p: number) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
};
export const median = (values: number[]) => pct(values, 50);
export const stats = (values: number[]) => ({
  n: values.length,
  p50: pct(values, 50),
  p95: pct(values, 95),
  p99: pct(values, 99),
});
export type Stats = ReturnType<typeof stats>;
export const f = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
