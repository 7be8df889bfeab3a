/**
 * A POS refusing the bridge's credential is alarmed per POS code (the PosAuthFailures metric the workers
 * emit), and only the worker of an adapter that renews credentials (Square) may write secrets: its own
 * merchants' ones, nothing else.
 */
import { ADAPTERS } from '../../adapters/registry';
import { METRICS } from '../../functions/shared/metrics';
import { allowedActions, type Built, buildStack, resources, resourceTexts } from './fixture';

let built: Built;
beforeAll(() => {
  built = buildStack();
});

const alarmsOn = (metric: string) =>
  Object.values(resources(built, 'AWS::CloudWatch::Alarm'))
    .map((a) => a.Properties as Record<string, unknown> & { Dimensions?: { Name: string; Value: unknown }[] })
    .filter((a) => a.MetricName === metric && a.Namespace === METRICS.namespace);

test('every POS code has an alarm on its first refused credential (PosAuthFailures, Stage and PosCode)', () => {
  const alarms = alarmsOn(METRICS.posAuthFailures);
  expect(alarms).toHaveLength(ADAPTERS.length);
  for (const { code } of ADAPTERS) {
    expect(alarms).toContainEqual(
      expect.objectContaining({
        Dimensions: expect.arrayContaining([
          { Name: METRICS.stageDimension, Value: built.stage.name },
          { Name: 'PosCode', Value: code },
        ]),
        Statistic: 'Sum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        AlarmDescription: expect.stringContaining('credential'),
      }),
    );
  }
});

test("the Square worker may write its merchants' secrets (renewed tokens) and no other secret", () => {
  const square = built.stack.workers.square;
  expect(square).toBeDefined();
  const written = resourceTexts(built, square?.fn as never, 'secretsmanager:PutSecretValue');
  expect(written).toEqual([expect.stringMatching(/:secret:sinqro-pos-bridge\/sandbox\/pos\/square\/\*$/)]);
});

test('no other function may write a secret (the reference POS has no expiring credentials)', () => {
  const { sinqroWebhook, sinqroEvents, posWebhook, publisher } = built.stack.functions;
  const others = [sinqroWebhook, sinqroEvents, posWebhook, publisher, built.stack.scheduler.fn];
  for (const [code, worker] of Object.entries(built.stack.workers)) if (code !== 'square') others.push(worker.fn);
  for (const fn of others) expect(allowedActions(built, fn).has('secretsmanager:PutSecretValue')).toBe(false);
});
