/** The scheduler: its three schedules, its least-privilege role, its settings and its alarms. */
import { Duration } from 'aws-cdk-lib';
import { envNames } from '../../functions/infra/env';
import { METRICS } from '../../functions/infra/metrics';
import { resolveStage, type Stage } from '../../lib/stage-config';
import {
  allowedActions,
  type Built,
  buildStack,
  environmentOf,
  functionProps,
  logicalId,
  queueId,
  type Resource,
  resources,
  resourceTexts,
  statementsOf,
  targetsOf,
} from './fixture';

let built: Built;
beforeAll(() => {
  built = buildStack();
});

const fn = () => built.stack.scheduler.fn;
const schedulerId = () => logicalId(built, fn());
/** Rules on the default bus, keyed by the job their input names. */
const scheduleRules = (b: Built = built) =>
  Object.fromEntries(
    Object.values(resources(b, 'AWS::Events::Rule'))
      .filter((r) => r.Properties.ScheduleExpression !== undefined)
      .map((r) => {
        const target = (r.Properties.Targets as { Input: string }[])[0] as { Input: string };
        return [JSON.parse(target.Input).job as string, r];
      }),
  ) as Record<string, Resource>;
const alarmOn = (b: Built, metricName: string) =>
  Object.values(resources(b, 'AWS::CloudWatch::Alarm'))
    .map((a) => a.Properties)
    .filter((p) => p.MetricName === metricName);

test('there is one schedule per job: poll, sweep and nightly', () => {
  expect(Object.keys(scheduleRules()).sort()).toEqual(['nightly', 'poll', 'sweep']);
});

test('the polling fallback runs every minute', () => {
  expect(scheduleRules().poll?.Properties.ScheduleExpression).toBe('rate(1 minute)');
});

test('the stuck-order sweep runs every 5 minutes', () => {
  expect(scheduleRules().sweep?.Properties.ScheduleExpression).toBe('rate(5 minutes)');
});

test('the nightly catalog sync runs at 03:00 UTC', () => {
  expect(scheduleRules().nightly?.Properties.ScheduleExpression).toBe('cron(0 3 * * ? *)');
});

test('schedules come from the stage config', () => {
  const sandbox = resolveStage('sandbox');
  const stage: Stage = {
    ...sandbox,
    schedule: { pollEvery: Duration.minutes(2), sweepEvery: Duration.minutes(15), nightlyAt: { hour: 1, minute: 30 } },
  };
  const rules = scheduleRules(buildStack({ stage }));
  expect(rules.poll?.Properties.ScheduleExpression).toBe('rate(2 minutes)');
  expect(rules.sweep?.Properties.ScheduleExpression).toBe('rate(15 minutes)');
  expect(rules.nightly?.Properties.ScheduleExpression).toBe('cron(30 1 * * ? *)');
});

test('the schedules run on the default bus, not on the bus Sinqro may put events on', () => {
  for (const rule of Object.values(scheduleRules())) expect(rule.Properties.EventBusName).toBeUndefined();
});

test('every schedule invokes the scheduler and nothing else', () => {
  for (const rule of Object.values(scheduleRules())) {
    const targets = rule.Properties.Targets as { Arn: { 'Fn::GetAtt': [string, string] } }[];
    expect(targets.map((t) => t.Arn['Fn::GetAtt'][0])).toEqual([schedulerId()]);
  }
});

test('EventBridge may invoke the scheduler from each schedule, and only from those', () => {
  const permissions = Object.values(resources(built, 'AWS::Lambda::Permission'))
    .map((p) => p.Properties)
    .filter((p) => (p.FunctionName as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0] === schedulerId());
  const ruleIds = Object.entries(resources(built, 'AWS::Events::Rule'))
    .filter(([, r]) => r.Properties.ScheduleExpression !== undefined)
    .map(([id]) => id)
    .sort();
  expect(permissions.map((p) => p.Principal)).toEqual([
    'events.amazonaws.com',
    'events.amazonaws.com',
    'events.amazonaws.com',
  ]);
  expect(permissions.map((p) => (p.SourceArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]).sort()).toEqual(ruleIds);
});

test('the scheduler gets 256 MB and 60 s: it only lists links and enqueues', () => {
  expect(functionProps(built, fn())).toMatchObject({ MemorySize: 256, Timeout: 60, Runtime: 'nodejs22.x' });
});

test('the scheduler may only Query the table, never write, update or delete', () => {
  expect([...allowedActions(built, fn())].filter((a) => a.startsWith('dynamodb:'))).toEqual(['dynamodb:Query']);
});

test('the scheduler may Query only the restaurants list partition', () => {
  const statement = statementsOf(built, fn()).find((s) => s.Action === 'dynamodb:Query');
  expect(statement?.Condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['RESTAURANTS'] } });
});

test('the scheduler may Query the table itself but no index', () => {
  expect(resourceTexts(built, fn(), 'dynamodb:Query')).toEqual([expect.stringMatching(/^\$\{Table[0-9A-F]+\.Arn\}$/)]);
});

test('the scheduler may send to every work queue and to no other queue', () => {
  const workQueues = Object.values(built.stack.workers).map((w) => queueId(built, w.work.queue));
  expect([...targetsOf(built, fn(), 'sqs:SendMessage')].sort()).toEqual(workQueues.sort());
});

test('the scheduler may not receive or delete messages', () => {
  const sqs = [...allowedActions(built, fn())].filter((a) => a.startsWith('sqs:')).sort();
  expect(sqs).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
});

test('the scheduler reads no secret: it never calls a POS or Sinqro', () => {
  expect([...allowedActions(built, fn())].filter((a) => a.startsWith('secretsmanager:'))).toEqual([]);
});

test("the scheduler is told the table, the stage, and every adapter's work queue and settings", () => {
  const codes = Object.keys(built.stack.workers);
  expect(Object.keys(environmentOf(built, fn())).sort()).toEqual(
    [envNames.table, envNames.stage, ...codes.map(envNames.workQueue), ...codes.map(envNames.posSettings)].sort(),
  );
  expect(environmentOf(built, fn())[envNames.stage]).toBe('sandbox');
});

test('adapter settings from the stage config reach the scheduler and the worker as JSON', () => {
  const sandbox = resolveStage('sandbox');
  const settings = { statusWebhooks: false, availabilityWebhooks: true };
  const stage: Stage = {
    ...sandbox,
    adapters: { ...sandbox.adapters, reference: { baseUrl: 'https://pos.example.com', settings } },
  };
  const b = buildStack({ stage });
  const worker = b.stack.workers.reference?.fn;
  if (!worker) throw new Error('no reference worker');
  for (const f of [b.stack.scheduler.fn, worker])
    expect(JSON.parse(environmentOf(b, f)[envNames.posSettings('reference')] as string)).toEqual(settings);
});

test('an adapter without settings in the stage gets {} (every webhook it declares is on)', () => {
  const sandbox = resolveStage('sandbox');
  const b = buildStack({
    stage: { ...sandbox, adapters: { ...sandbox.adapters, reference: { baseUrl: 'https://pos.example.com' } } },
  });
  expect(environmentOf(b, b.stack.scheduler.fn)[envNames.posSettings('reference')]).toBe('{}');
});

test('the stuck-orders alarm fires as soon as the sweep reports one stuck order in this stage', () => {
  expect(alarmOn(built, METRICS.stuckOrders)).toEqual([
    expect.objectContaining({
      Namespace: 'SinqroPosBridge',
      Dimensions: [{ Name: 'Stage', Value: 'sandbox' }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      Statistic: 'Maximum',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    }),
  ]);
});

test('the stuck-orders alarm looks at one sweep interval at a time', () => {
  expect(alarmOn(built, METRICS.stuckOrders)[0]?.Period).toBe(300);
});

test("each stage's stuck-orders alarm watches its own stage's metric", () => {
  const production = buildStack({ stage: resolveStage('production') });
  expect(alarmOn(production, METRICS.stuckOrders)[0]?.Dimensions).toEqual([{ Name: 'Stage', Value: 'production' }]);
});

test('a failing scheduler raises an alarm (polling and the sweep would otherwise stop silently)', () => {
  const errors = alarmOn(built, 'Errors').filter(
    (a) => (a.Dimensions as { Value: { Ref: string } }[])[0]?.Value.Ref === schedulerId(),
  );
  expect(errors).toEqual([
    expect.objectContaining({ Namespace: 'AWS/Lambda', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' }),
  ]);
});
