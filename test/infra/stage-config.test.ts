import { ADAPTERS } from '../../adapters/registry';
import { stackName } from '../../lib/bridge-stack';
import { adapterConfig, alarmTopicConfig, resolveStage, STAGES } from '../../lib/stage-config';
import { buildStack } from './fixture';

test('an unknown stage is refused with the list of known stages', () => {
  expect(() => resolveStage('prod')).toThrow(/unknown stage "prod".*sandbox, production/);
});

test('a missing stage is refused too, rather than deploying a default by accident', () => {
  expect(() => resolveStage(undefined)).toThrow(/no stage.*sandbox, production/);
});

test('a stage name is looked up as an own key, not through the prototype', () => {
  expect(() => resolveStage('toString')).toThrow(/unknown stage/);
});

test('the stack is named after its stage, so stages can share an account', () => {
  expect(stackName('sandbox')).toBe('SinqroPosBridge-sandbox');
});

test('sandbox talks to the Sinqro sandbox API and production to the production API', () => {
  expect(resolveStage('sandbox').sinqroApiBaseUrl).toBe('https://sandbox-api.sinqro.com/pos-app/v1');
  expect(resolveStage('production').sinqroApiBaseUrl).toBe('https://api.sinqro.com/pos-app/v1');
});

describe.each(Object.keys(STAGES))('stage %s', (name) => {
  const stage = resolveStage(name);

  test('names a 12-digit Sinqro account for the event bus', () => {
    expect(stage.sinqroAccountId).toMatch(/^\d{12}$/);
  });

  test('has settings for every registered POS adapter, with an https base URL', () => {
    for (const adapter of ADAPTERS) expect(adapterConfig(stage, adapter.code).baseUrl).toMatch(/^https:\/\//);
  });

  test('keeps every secret under its own prefix, so stages never read each other’s secrets', () => {
    expect(stage.sinqroSecretName.startsWith(`sinqro-pos-bridge/${name}/`)).toBe(true);
    for (const adapter of ADAPTERS)
      expect(adapterConfig(stage, adapter.code).secretName.startsWith(`sinqro-pos-bridge/${name}/`)).toBe(true);
  });
});

test("an adapter's secret name defaults to sinqro-pos-bridge/<stage>/pos/<code>", () => {
  const stage = { ...resolveStage('sandbox'), adapters: { acme: { baseUrl: 'https://acme.example.com' } } };
  expect(adapterConfig(stage, 'acme').secretName).toBe('sinqro-pos-bridge/sandbox/pos/acme');
});

describe('alarms.topic', () => {
  const sandbox = resolveStage('sandbox');
  const stageWith = (topic: unknown) =>
    ({ ...sandbox, alarms: { ...sandbox.alarms, topic } }) as Parameters<typeof alarmTopicConfig>[0];

  test.each(Object.keys(STAGES))('stage %s has a valid alarm topic', (name) => {
    expect(() => alarmTopicConfig(resolveStage(name))).not.toThrow();
  });

  test('an existing topic ARN is taken as is', () => {
    const arn = 'arn:aws:sns:eu-west-1:123456789012:team-oncall';
    expect(alarmTopicConfig(stageWith({ arn }))).toEqual({ arn });
  });

  test('emails are taken as a list of addresses', () => {
    expect(alarmTopicConfig(stageWith({ emails: ['a@example.com'] }))).toEqual({ emails: ['a@example.com'] });
  });

  test.each([
    ['neither', {}, /exactly one of/],
    ['both', { arn: 'arn:aws:sns:eu-west-1:123456789012:t', emails: ['a@example.com'] }, /exactly one of/],
    ['no topic at all', undefined, /exactly one of/],
    ['a queue ARN', { arn: 'arn:aws:sqs:eu-west-1:123456789012:q' }, /not an SNS topic ARN/],
    ['a topic name', { arn: 'team-oncall' }, /not an SNS topic ARN/],
    ['no address', { emails: [] }, /at least one address/],
    ['not an address', { emails: ['oncall'] }, /not an address: oncall/],
    ['an address twice', { emails: ['a@example.com', 'a@example.com'] }, /twice/],
  ])('%s is refused, naming the stage', (_what, topic, message) => {
    expect(() => alarmTopicConfig(stageWith(topic))).toThrow(message);
    expect(() => alarmTopicConfig(stageWith(topic))).toThrow(/stage "sandbox": alarms\.topic/);
  });

  test('the stack refuses a bad topic at synth', () => {
    expect(() => buildStack({ stage: stageWith({ emails: [] }) })).toThrow(/at least one address/);
  });
});
