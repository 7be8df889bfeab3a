/**
 * A POS refusing the bridge's credential is alarmed per POS code (the PosAuthFailures metric the workers
 * emit), and only the worker of an adapter that renews credentials (Square, Lightspeed K-Series) may write
 * secrets: its own merchants' ones, nothing else.
 */
import { ADAPTERS } from '../../adapters/registry';
import { METRICS } from '../../functions/infra/metrics';
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

const renewing = ADAPTERS.filter((a) => a.credentials).map((a) => a.code);

test('Square and K-Series renew their merchants’ tokens', () => {
  expect(renewing.sort()).toEqual(['lightspeedk', 'square']);
});

test.each(renewing)("the %s worker may write its merchants' secrets (renewed tokens) and no other secret", (code) => {
  const worker = built.stack.workers[code];
  expect(worker).toBeDefined();
  const written = resourceTexts(built, worker?.fn as never, 'secretsmanager:PutSecretValue');
  expect(written).toEqual([expect.stringMatching(new RegExp(`:secret:sinqro-pos-bridge/sandbox/pos/${code}/\\*$`))]);
});

test('no other function may write a secret (the reference POS has no expiring credentials)', () => {
  const { sinqroWebhook, sinqroEvents, posWebhook, publisher } = built.stack.functions;
  const others = [sinqroWebhook, sinqroEvents, posWebhook, publisher, built.stack.scheduler.fn];
  for (const [code, worker] of Object.entries(built.stack.workers))
    if (!renewing.includes(code)) others.push(worker.fn);
  for (const fn of others) expect(allowedActions(built, fn).has('secretsmanager:PutSecretValue')).toBe(false);
});
