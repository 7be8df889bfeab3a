/** What the stack refuses to build, with an error that says what to fix. */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { BridgeStack } from '../../lib/bridge-stack';
import { resolveStage } from '../../lib/stage-config';
import { clampConcurrency, WorkQueue } from '../../lib/work-queue';

const bareApp = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });

test('an adapter without settings in the stage is refused with what to add where', () => {
  const stage = resolveStage('sandbox');
  expect(
    () => new BridgeStack(bareApp(), 'S', { stage, adapters: [{ code: 'nosuchpos', maxConcurrency: 5 }] }),
  ).toThrow(/stage "sandbox" has no settings for POS adapter "nosuchpos".*lib\/stage-config\.ts/);
});

test('an adapter code that cannot be a path segment and env var suffix is refused', () => {
  const stage = { ...resolveStage('sandbox'), adapters: { 'My-Pos': { baseUrl: 'https://x.example.com' } } };
  expect(() => new BridgeStack(bareApp(), 'S', { stage, adapters: [{ code: 'My-Pos', maxConcurrency: 5 }] })).toThrow(
    /lowercase letters and digits/,
  );
});

test('an adapter registered twice is refused (its queue and env vars would collide)', () => {
  const stage = resolveStage('sandbox');
  const reference = { code: 'reference', maxConcurrency: 5 };
  expect(() => new BridgeStack(bareApp(), 'S', { stage, adapters: [reference, reference] })).toThrow(
    /registered twice/,
  );
});

test("an adapter named `sinqro` is refused: its dedupe records and write grants would be Sinqro's", () => {
  const stage = { ...resolveStage('sandbox'), adapters: { sinqro: { baseUrl: 'https://x.example.com' } } };
  expect(() => new BridgeStack(bareApp(), 'S', { stage, adapters: [{ code: 'sinqro', maxConcurrency: 5 }] })).toThrow(
    /"sinqro" is reserved/,
  );
});

test('maxConcurrency is clamped to the 2–1,000 the event source mapping accepts', () => {
  expect(clampConcurrency(1)).toBe(2);
  expect(clampConcurrency(10)).toBe(10);
  expect(clampConcurrency(5000)).toBe(1000);
  expect(() => clampConcurrency(Number.NaN)).toThrow();
});

test('a queue refuses a consumer whose timeout breaks the 6× visibility rule, at synth time', () => {
  const stack = new Stack(bareApp(), 'S');
  const work = new WorkQueue(stack, 'W', {
    purpose: 'test',
    consumerTimeout: Duration.seconds(10),
    oldestMessageAge: Duration.minutes(5),
  });
  const slow = new LambdaFunction(stack, 'Slow', {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromInline('x'),
    timeout: Duration.seconds(11),
  });
  expect(() => work.consumeWith(slow, 5)).toThrow(/visibility timeout must be ≥ 6 × the consumer's 11 s timeout/);
});
