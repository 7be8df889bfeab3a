import { adapterSettings, envNames } from '../../functions/infra/env';

const NAME = envNames.posSettings('reference');
afterEach(() => {
  delete process.env[NAME];
});

test('the settings variable is named after the adapter code', () => {
  expect(NAME).toBe('POS_SETTINGS_REFERENCE');
});

test('no settings variable means every webhook is on (empty settings)', () => {
  expect(adapterSettings('reference')).toEqual({});
});

test('the JSON the stack sets is read back', () => {
  process.env[NAME] = JSON.stringify({ statusWebhooks: false, availabilityWebhooks: true });
  expect(adapterSettings('reference')).toEqual({ statusWebhooks: false, availabilityWebhooks: true });
});

test('unknown keys are ignored rather than passed on', () => {
  process.env[NAME] = JSON.stringify({ statusWebhooks: false, somethingElse: 1 });
  expect(adapterSettings('reference')).toEqual({ statusWebhooks: false });
});

test('a value that is not JSON fails loudly, naming the variable', () => {
  process.env[NAME] = '{statusWebhooks:false';
  expect(() => adapterSettings('reference')).toThrow('POS_SETTINGS_REFERENCE is not JSON');
});

test('a switch that is not a boolean fails loudly instead of being read as on or off', () => {
  process.env[NAME] = JSON.stringify({ statusWebhooks: 'no' });
  expect(() => adapterSettings('reference')).toThrow('statusWebhooks must be true or false');
});
