/**
 * The bridge's own CloudWatch metrics. Functions emit them as Embedded Metric Format log lines (no
 * API call, no extra permission); the stack's alarms watch the same names.
 */
import { envNames } from './env';

export const METRICS = {
  namespace: 'SinqroPosBridge',
  /** Every metric carries the stage, so one account can hold several stages. */
  stageDimension: 'Stage',
  /** Orders still RECEIVED or INJECTED after the sweep's limit (emitted by the stuck-order sweep). */
  stuckOrders: 'StuckOrders',
} as const;

/** One EMF line for `name` = `value`; write it to stdout as is (not through the Logger's fields). */
export function metricLine(name: string, value: number, unit: 'Count' | 'Milliseconds' = 'Count'): string {
  const stage = process.env[envNames.stage] ?? 'unknown';
  return JSON.stringify({
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        { Namespace: METRICS.namespace, Dimensions: [[METRICS.stageDimension]], Metrics: [{ Name: name, Unit: unit }] },
      ],
    },
    [METRICS.stageDimension]: stage,
    [name]: value,
  });
}
