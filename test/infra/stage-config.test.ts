import { ADAPTERS } from '../../adapters/registry';
import { stackName } from '../../lib/bridge-stack';
import { adapterConfig, resolveStage, STAGES } from '../../lib/stage-config';

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
