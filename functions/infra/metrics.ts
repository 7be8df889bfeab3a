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
  /**
   * 1 each time an order or reservation's status is recorded (created RECEIVED, or a transition
   * applied), with dimensions PosCode, Kind and Status: a handful of values each, never an id.
   */
  ordersByStatus: 'OrdersByStatus',
  /**
   * 1 per event the EventBridge receiver refused (invalid, or for a restaurant not linked): it is
   * acknowledged so EventBridge does not retry it, and Sinqro is never told. Stage only: the reason is
   * in the log line (`code`).
   */
  sinqroEventsRefused: 'SinqroEventsRefused',
  /** 1 per request that met a webhook signing secret that is malformed (empty, too short): refused with 500. */
  secretMalformed: 'SecretMalformed',
  /**
   * 1 each time a POS refuses the bridge's credential (401/403), with dimension PosCode: one alarm per
   * POS code. The log line beside it names the restaurant.
   */
  posAuthFailures: 'PosAuthFailures',
  /**
   * 1 each time a queue consumer meets a body it cannot read (not JSON, an unknown version, not its kind's
   * shape): reported failed, it reaches the DLQ after its receives. Stage only: the log line beside it
   * names the message id, the queue, the version and the failing paths.
   */
  unreadableMessages: 'UnreadableMessages',
} as const;

/** Extra dimensions of a metric (low cardinality only: codes and statuses, never ids). */
export type MetricDimensions = Record<string, string>;

/** The dimensions of OrdersByStatus, in the order the dashboard names them. */
export const statusDimensions = (s: { posCode: string; kind: string; status: string }): MetricDimensions => ({
  PosCode: s.posCode,
  Kind: s.kind,
  Status: s.status,
});

/** One EMF line for `name` = `value`; write it to stdout as is (not through the Logger's fields). */
export function metricLine(
  name: string,
  value: number,
  unit: 'Count' | 'Milliseconds' = 'Count',
  dimensions: MetricDimensions = {},
): string {
  const stage = process.env[envNames.stage] ?? 'unknown';
  return JSON.stringify({
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: METRICS.namespace,
          Dimensions: [[METRICS.stageDimension, ...Object.keys(dimensions)]],
          Metrics: [{ Name: name, Unit: unit }],
        },
      ],
    },
    ...dimensions,
    [METRICS.stageDimension]: stage,
    [name]: value,
  });
}
