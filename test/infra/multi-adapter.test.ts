/** With more than one POS, each adapter stays in its own lane: queue, worker, secrets, alarms. */
import { envNames } from '../../functions/infra/env';
import { resolveStage } from '../../lib/stage-config';
import {
  type Built,
  buildStack,
  environmentOf,
  logicalId,
  queueId,
  resources,
  resourceTexts,
  targetsOf,
} from './fixture';

let built: Built;
beforeAll(() => {
  const sandbox = resolveStage('sandbox');
  const stage = {
    ...sandbox,
    adapters: {
      ...sandbox.adapters,
      slowpos: { baseUrl: 'https://slow.example.com/v2' },
      bigpos: { baseUrl: 'https://big.example.com', secretName: 'sinqro-pos-bridge/sandbox/custom/bigpos' },
    },
  };
  built = buildStack({
    stage,
    adapters: [
      { code: 'reference', maxConcurrency: 10 },
      { code: 'slowpos', maxConcurrency: 1 },
      { code: 'bigpos', maxConcurrency: 5000 },
    ],
  });
});

const worker = (code: string) => {
  const w = built.stack.workers[code];
  if (!w) throw new Error(`no worker for ${code}`);
  return w;
};

test('every registered adapter gets its own worker function and work queue', () => {
  expect(Object.keys(built.stack.workers).sort()).toEqual(['bigpos', 'reference', 'slowpos']);
  const queues = Object.values(built.stack.workers).map((w) => queueId(built, w.work.queue));
  expect(new Set(queues).size).toBe(3);
});

test("a worker may not send to another adapter's work queue", () => {
  for (const code of ['reference', 'slowpos', 'bigpos']) {
    const sends = targetsOf(built, worker(code).fn, 'sqs:SendMessage');
    for (const other of ['reference', 'slowpos', 'bigpos'].filter((c) => c !== code))
      expect(sends.has(queueId(built, worker(other).work.queue))).toBe(false);
    expect([...sends].sort()).toEqual(
      [queueId(built, built.stack.toSinqro.queue), queueId(built, worker(code).work.queue)].sort(),
    );
  }
});

test("a worker may not read another adapter's secrets", () => {
  const secrets = resourceTexts(built, worker('slowpos').fn, 'secretsmanager:GetSecretValue');
  for (const s of secrets) {
    expect(s).not.toContain('/pos/reference');
    expect(s).not.toContain('bigpos');
  }
});

test('a worker is told only its own adapter and base URL', () => {
  const env = environmentOf(built, worker('slowpos').fn);
  expect(env[envNames.posCode]).toBe('slowpos');
  expect(env[envNames.posBaseUrl('slowpos')]).toBe('https://slow.example.com/v2');
  expect(Object.keys(env).filter((k) => k.endsWith('_REFERENCE') || k.endsWith('_BIGPOS'))).toEqual([]);
});

test('an adapter whose API tolerates 1 call still gets the mapping minimum of 2', () => {
  built.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    FunctionName: { Ref: logicalId(built, worker('slowpos').fn) },
    ScalingConfig: { MaximumConcurrency: 2 },
  });
});

test('an adapter asking for more than 1,000 concurrent batches gets the mapping maximum', () => {
  built.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    FunctionName: { Ref: logicalId(built, worker('bigpos').fn) },
    ScalingConfig: { MaximumConcurrency: 1000 },
  });
});

test("an API secret name set in the stage config replaces the worker's default one; the webhook secret keeps its stage name", () => {
  expect(environmentOf(built, worker('bigpos').fn)[envNames.posSecret('bigpos')]).toBe(
    'sinqro-pos-bridge/sandbox/custom/bigpos',
  );
  expect(environmentOf(built, built.stack.functions.posWebhook)[envNames.posWebhookSecret('bigpos')]).toBe(
    'sinqro-pos-bridge/sandbox/webhooks/pos/bigpos',
  );
  expect(environmentOf(built, built.stack.functions.posWebhook)[envNames.posSecret('bigpos')]).toBeUndefined();
});

test('the receivers can route to every adapter', () => {
  const { sinqroWebhook, sinqroEvents, posWebhook } = built.stack.functions;
  for (const fn of [sinqroWebhook, sinqroEvents, posWebhook]) {
    for (const code of ['reference', 'slowpos', 'bigpos']) {
      expect(environmentOf(built, fn)[envNames.workQueue(code)]).toEqual({
        Ref: queueId(built, worker(code).work.queue),
      });
    }
  }
});

test('each adapter brings its own DLQ and age alarms', () => {
  // 3 work queues + to-sinqro: 4 DLQ alarms + 4 age alarms, + the event bus DLQ alarm, + the scheduler's two,
  // + the ingress's two (EventBridge refusals, malformed signing secrets), + one refused-credential alarm per adapter.
  expect(Object.keys(resources(built, 'AWS::CloudWatch::Alarm'))).toHaveLength(16);
});
