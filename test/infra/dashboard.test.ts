/**
 * The stage's dashboard (lib/dashboard.ts), read from the synthesized DashboardBody: it draws every
 * queue, dead-letter queue and function of the stack, the API's 4xx/5xx, orders by status per POS
 * and stuck orders, and a second adapter gets its widgets with no change to the dashboard code.
 */
import { ADAPTERS } from '../../adapters/registry';
import { ORDER_STATUSES, RESERVATION_STATUSES } from '../../functions/core/statuses';
import { METRICS } from '../../functions/infra/metrics';
import { dashboardName } from '../../lib/dashboard';
import { OUTPUTS } from '../../lib/stack-outputs';
import { resolveStage } from '../../lib/stage-config';
import { type Built, buildStack, deadLetterQueueIds, flatten, resources, sourceQueueIds } from './fixture';

type MetricRow = (string | Record<string, unknown>)[];
type Widget = { type: string; properties: { title?: string; metrics?: MetricRow[]; alarms?: string[] } };

function dashboardOf(built: Built): { widgets: Widget[] } {
  const dashboards = Object.values(resources(built, 'AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  // Tokens become `${LogicalId}` / `${LogicalId.Attr}` inside the JSON strings, so the body still parses.
  return JSON.parse(flatten(dashboards[0]?.Properties.DashboardBody));
}

/** Every metric drawn: namespace, name and its dimensions as a map. */
function metricsOf(built: Built) {
  return dashboardOf(built).widgets.flatMap((w) =>
    (w.properties.metrics ?? []).map((row) => {
      const [namespace, name, ...rest] = row.filter((x): x is string => typeof x === 'string');
      const dims: Record<string, string> = {};
      for (let i = 0; i + 1 < rest.length; i += 2) dims[rest[i] as string] = rest[i + 1] as string;
      return { namespace, name, dims, widget: w.properties.title ?? '' };
    }),
  );
}

const has = (built: Built, namespace: string, name: string, dims: Record<string, string>) =>
  metricsOf(built).some(
    (m) => m.namespace === namespace && m.name === name && Object.entries(dims).every(([k, v]) => m.dims[k] === v),
  );

let built: Built;
beforeAll(() => {
  built = buildStack();
});

test('the dashboard is named after its stage and is an output', () => {
  const dashboards = resources(built, 'AWS::CloudWatch::Dashboard');
  const [id, dashboard] = Object.entries(dashboards)[0] ?? [];
  expect(dashboard?.Properties.DashboardName).toBe(dashboardName('sandbox'));
  const outputs = built.template.findOutputs('*') as Record<string, { Value: unknown }>;
  expect(outputs[OUTPUTS.dashboardName]?.Value).toEqual({ Ref: id });
  expect(flatten(outputs[OUTPUTS.dashboardUrl]?.Value)).toBe(
    `https://console.aws.amazon.com/cloudwatch/home?region=\${AWS::Region}#dashboards/dashboard/\${${id}}`,
  );
});

test("every work queue's depth and oldest message age are drawn", () => {
  const queues = sourceQueueIds(built);
  expect(queues.length).toBeGreaterThanOrEqual(2);
  for (const queue of queues) {
    const dims = { QueueName: `\${${queue}.QueueName}` };
    expect({ queue, visible: has(built, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', dims) }).toEqual({
      queue,
      visible: true,
    });
    expect({ queue, age: has(built, 'AWS/SQS', 'ApproximateAgeOfOldestMessage', dims) }).toEqual({ queue, age: true });
  }
});

test("every dead-letter queue's depth is drawn, the event bus's too", () => {
  const dlqs = [...deadLetterQueueIds(built)];
  expect(dlqs).toContain(built.stack.getLogicalId(built.stack.events.deadLetterQueue.node.defaultChild as never));
  for (const dlq of dlqs) {
    const drawn = has(built, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: `\${${dlq}.QueueName}` });
    expect({ dlq, drawn }).toEqual({ dlq, drawn: true });
  }
});

test("every function's errors and duration are drawn: ingress, workers, publisher and scheduler", () => {
  const functions = Object.keys(resources(built, 'AWS::Lambda::Function'));
  // the three ingress functions, the publisher, the scheduler and one worker per adapter
  expect(functions.length).toBe(5 + ADAPTERS.length);
  for (const fn of functions) {
    for (const metric of ['Errors', 'Duration']) {
      const drawn = has(built, 'AWS/Lambda', metric, { FunctionName: `\${${fn}}` });
      expect({ fn, metric, drawn }).toEqual({ fn, metric, drawn: true });
    }
  }
});

test("the webhook API's 4xx and 5xx are drawn for its stage", () => {
  const api = built.stack.getLogicalId(built.stack.api.api.node.defaultChild as never);
  for (const metric of ['4xx', '5xx'])
    expect(has(built, 'AWS/ApiGateway', metric, { ApiId: `\${${api}}`, Stage: '$default' })).toBe(true);
});

test('orders and reservations by status are drawn per POS, with the dimensions the functions emit', () => {
  const expected = [
    ...ORDER_STATUSES.map((status) => ({ kind: 'order', status })),
    ...RESERVATION_STATUSES.map((status) => ({ kind: 'reservation', status })),
  ];
  for (const { kind, status } of expected) {
    const dims = { Stage: 'sandbox', PosCode: 'reference', Kind: kind, Status: status };
    expect({ kind, status, drawn: has(built, METRICS.namespace, METRICS.ordersByStatus, dims) }).toEqual({
      kind,
      status,
      drawn: true,
    });
  }
  // Never an id as a dimension: exactly these four.
  for (const m of metricsOf(built).filter((x) => x.name === METRICS.ordersByStatus))
    expect(Object.keys(m.dims).sort()).toEqual(['Kind', 'PosCode', 'Stage', 'Status']);
});

test('stuck orders are drawn from the metric the sweep emits', () => {
  expect(has(built, METRICS.namespace, METRICS.stuckOrders, { Stage: 'sandbox' })).toBe(true);
});

test('the alarm widget shows every alarm of the stack', () => {
  const shown = dashboardOf(built).widgets.flatMap((w) => w.properties.alarms ?? []);
  const alarms = Object.keys(resources(built, 'AWS::CloudWatch::Alarm'));
  expect(alarms.length).toBeGreaterThan(0);
  expect(shown.sort()).toEqual(alarms.map((id) => `\${${id}.Arn}`).sort());
});

test('a second adapter gets its queue, DLQ, worker and status widgets without touching the dashboard', () => {
  const sandbox = resolveStage('sandbox');
  const two = buildStack({
    stage: { ...sandbox, adapters: { ...sandbox.adapters, otherpos: { baseUrl: 'https://other.example.com' } } },
    adapters: [
      { code: 'reference', maxConcurrency: 5 },
      { code: 'otherpos', maxConcurrency: 5 },
    ],
  });
  const worker = two.stack.workers.otherpos;
  if (!worker) throw new Error('no otherpos worker');
  const id = (c: { node: { defaultChild?: unknown } }) => two.stack.getLogicalId(c.node.defaultChild as never);
  expect(
    has(two, 'AWS/SQS', 'ApproximateAgeOfOldestMessage', { QueueName: `\${${id(worker.work.queue)}.QueueName}` }),
  ).toBe(true);
  expect(
    has(two, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', {
      QueueName: `\${${id(worker.work.deadLetterQueue)}.QueueName}`,
    }),
  ).toBe(true);
  expect(has(two, 'AWS/Lambda', 'Errors', { FunctionName: `\${${id(worker.fn)}}` })).toBe(true);
  expect(has(two, METRICS.namespace, METRICS.ordersByStatus, { PosCode: 'otherpos', Status: 'ACCEPTED' })).toBe(true);
  const one = buildStack({
    stage: sandbox,
    adapters: [{ code: 'reference', maxConcurrency: 5 }],
  });
  expect(metricsOf(two).length).toBeGreaterThan(metricsOf(one).length);
});
