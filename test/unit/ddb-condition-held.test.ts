/** conditionHeld: the one place a conditional write's refusal becomes `false` (every other error still throws). */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { conditionHeld } from '../../functions/infra/ddb';

test('a write that was made answers true', async () => {
  await expect(conditionHeld(Promise.resolve({}))).resolves.toBe(true);
});

test('a write its condition refused answers false, whether the SDK class or only its name comes back', async () => {
  const refused = new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
  await expect(conditionHeld(Promise.reject(refused))).resolves.toBe(false);
  const byName = Object.assign(new Error('refused'), { name: 'ConditionalCheckFailedException' });
  await expect(conditionHeld(Promise.reject(byName))).resolves.toBe(false);
});

test('any other failure is not a refusal: it is thrown', async () => {
  const throttled = Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' });
  await expect(conditionHeld(Promise.reject(throttled))).rejects.toBe(throttled);
});
