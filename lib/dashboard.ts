/**
 * The stage's CloudWatch dashboard: the webhook API's 4xx/5xx, each queue's depth and oldest
 * message, each dead-letter queue, each function's errors and duration, orders and reservations by
 * status per POS, stuck orders, and every alarm's state. Built from the same lists the stack builds
 * its queues and workers from (the adapter registry), so a new POS gets its widgets with no edit here.
 */
import { Duration } from 'aws-cdk-lib';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IMetric,
  type IWidget,
  Metric,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type Kind, ORDER_STATUSES, RESERVATION_STATUSES } from '../functions/core/statuses';
import { METRICS, statusDimensions } from '../functions/infra/metrics';

/** Every graph's period: fine enough to see a burst, coarse enough to read a day. */
export const DASHBOARD_PERIOD = Duration.minutes(5);

/** A work queue and its DLQ (lib/work-queue.ts). */
export type DashboardQueue = { label: string; work: { queue: IQueue; deadLetterQueue: IQueue } };

export type BridgeDashboardProps = {
  stageName: string;
  apiStage: HttpStage;
  /** Work queues (each with its DLQ), in the order they are drawn. */
  queues: DashboardQueue[];
  /** Dead-letter queues without a source queue (the event bus's). */
  otherDeadLetterQueues: { label: string; queue: IQueue }[];
  /** Every function of the stack, by a short label. */
  functions: { label: string; fn: IFunction }[];
  /** POS adapter codes: one "by status" graph each for orders and reservations. */
  posCodes: string[];
  alarms: Alarm[];
};

export const dashboardName = (stage: string) => `SinqroPosBridge-${stage}`;

export class BridgeDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: BridgeDashboardProps) {
    super(scope, id);
    const period = DASHBOARD_PERIOD;
    const { stageName } = props;
    const graph = (title: string, left: IMetric[], more: { right?: IMetric[]; stacked?: boolean } = {}) =>
      new GraphWidget({ title, left, ...more, width: 8, height: 6, period });
    const label = <M extends Metric>(metric: M, text: string) => metric.with({ label: text, period });

    const rows: IWidget[][] = [];
    rows.push([
      new TextWidget({
        markdown:
          `## Sinqro POS Bridge — ${stageName}\n` +
          'What each alarm means and what to do: `docs/operations.md` in the repository. ' +
          'Ready-made Logs Insights queries are there too.',
        width: 24,
        height: 2,
      }),
    ]);
    rows.push([new AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 24, height: 4 })]);

    const api = props.apiStage;
    rows.push([
      graph(
        'Webhook API: 4xx and 5xx (count)',
        [
          label(api.metricClientError({ statistic: 'Sum' }), '4xx'),
          label(api.metricServerError({ statistic: 'Sum' }), '5xx'),
        ],
        { right: [label(api.metricCount({ statistic: 'Sum' }), 'requests')] },
      ),
      graph('Stuck orders (found by the sweep)', [stuckOrders(stageName, period)]),
      graph('Dead-letter queues: messages', [
        ...props.queues.map((q) =>
          label(
            q.work.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }),
            `${q.label} DLQ`,
          ),
        ),
        ...props.otherDeadLetterQueues.map((q) =>
          label(q.queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }), q.label),
        ),
      ]),
    ]);

    rows.push(
      props.queues.map((q) =>
        graph(
          `${q.label}: messages waiting (left), oldest message age s (right)`,
          [label(q.work.queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }), 'visible')],
          { right: [label(q.work.queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum' }), 'oldest (s)')] },
        ),
      ),
    );

    rows.push(
      props.functions.map(({ label: name, fn }) =>
        graph(
          `${name}: errors (left), duration ms (right)`,
          [
            label(fn.metricErrors({ statistic: 'Sum' }), 'errors'),
            label(fn.metricThrottles({ statistic: 'Sum' }), 'throttles'),
          ],
          {
            right: [
              label(fn.metricDuration({ statistic: 'p99' }), 'p99'),
              label(fn.metricDuration({ statistic: 'Average' }), 'average'),
            ],
          },
        ),
      ),
    );

    rows.push(
      props.posCodes.flatMap((posCode) => [
        graph(`${posCode}: orders by status (count)`, statusMetrics(stageName, posCode, 'order', period), {
          stacked: true,
        }),
        graph(`${posCode}: reservations by status (count)`, statusMetrics(stageName, posCode, 'reservation', period), {
          stacked: true,
        }),
      ]),
    );

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: dashboardName(stageName),
      defaultInterval: Duration.hours(12),
      widgets: rows,
    });
  }
}

/** One metric per canonical status of the kind: how many orders reached it in each period. */
function statusMetrics(stage: string, posCode: string, kind: Kind, period: Duration): Metric[] {
  const statuses: readonly string[] = kind === 'order' ? ORDER_STATUSES : RESERVATION_STATUSES;
  return statuses.map(
    (status) =>
      new Metric({
        namespace: METRICS.namespace,
        metricName: METRICS.ordersByStatus,
        dimensionsMap: { [METRICS.stageDimension]: stage, ...statusDimensions({ posCode, kind, status }) },
        statistic: 'Sum',
        period,
        label: status,
      }),
  );
}

function stuckOrders(stage: string, period: Duration): Metric {
  return new Metric({
    namespace: METRICS.namespace,
    metricName: METRICS.stuckOrders,
    dimensionsMap: { [METRICS.stageDimension]: stage },
    statistic: 'Maximum',
    period,
    label: 'stuck orders',
  });
}
