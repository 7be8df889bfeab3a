import { Duration } from 'aws-cdk-lib';
import { envNames } from '../../functions/infra/env';
import type { BridgeFunction } from '../../lib/bridge-function';
import { resolveStage } from '../../lib/stage-config';
import { type Built, buildStack, environmentOf, functionProps, resources } from './fixture';

let built: Built;
let codes: string[];
beforeAll(() => {
  built = buildStack();
  codes = Object.keys(built.stack.workers);
});

const everyFunction = () => Object.values(resources(built, 'AWS::Lambda::Function'));
const perAdapter = (name: (code: string) => string) => codes.map(name);
const ORDER_EXPIRY_GRACE = envNames.orderExpiryGrace;
const envKeys = (fn: BridgeFunction) => Object.keys(environmentOf(built, fn)).sort();

test('there are five kinds of function: three receivers, one worker per adapter, the publisher and the scheduler', () => {
  expect(everyFunction()).toHaveLength(5 + codes.length);
});

test('every function runs Node.js 22 (Node 20 is end-of-life)', () => {
  for (const fn of everyFunction()) expect(fn.Properties.Runtime).toBe('nodejs22.x');
});

test('every function runs on arm64 (cheaper per GB-second)', () => {
  for (const fn of everyFunction()) expect(fn.Properties.Architectures).toEqual(['arm64']);
});

test('no function loads source maps at start (--enable-source-maps doubled the import time of the bundles)', () => {
  for (const fn of everyFunction()) expect(fn.Properties.Environment).not.toHaveProperty('Variables.NODE_OPTIONS');
});

test('receivers are small and short: 256 MB, 5 s (they only verify, validate and enqueue)', () => {
  const { sinqroWebhook, sinqroEvents, posWebhook } = built.stack.functions;
  for (const fn of [sinqroWebhook, sinqroEvents, posWebhook]) {
    expect(functionProps(built, fn)).toMatchObject({ MemorySize: 256, Timeout: 5 });
  }
});

test('workers get 512 MB and 30 s for POS API calls', () => {
  for (const worker of Object.values(built.stack.workers))
    expect(functionProps(built, worker.fn)).toMatchObject({ MemorySize: 512, Timeout: 30 });
});

test('the publisher gets 256 MB and 30 s for Sinqro API calls', () => {
  expect(functionProps(built, built.stack.functions.publisher)).toMatchObject({ MemorySize: 256, Timeout: 30 });
});

test('every function logs to its own log group that keeps logs one month', () => {
  const groups = resources(built, 'AWS::Logs::LogGroup');
  const used = new Set<string>();
  for (const fn of everyFunction()) {
    const ref = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(groups[ref]?.Properties.RetentionInDays).toBe(30);
    used.add(ref);
  }
  expect(used.size).toBe(everyFunction().length);
});

test('every log group has a retention period', () => {
  for (const group of Object.values(resources(built, 'AWS::Logs::LogGroup')))
    expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
});

test("sinqro-webhook is told only the table, the name of Sinqro's webhook secret and every work queue", () => {
  expect(envKeys(built.stack.functions.sinqroWebhook)).toEqual(
    [envNames.table, envNames.sinqroWebhookSecret, ...perAdapter(envNames.workQueue)].sort(),
  );
  expect(environmentOf(built, built.stack.functions.sinqroWebhook)[envNames.sinqroWebhookSecret]).toBe(
    'sinqro-pos-bridge/sandbox/webhooks/sinqro',
  );
});

test('sinqro-events is told only the table and every work queue (the bus policy authenticates Sinqro)', () => {
  expect(envKeys(built.stack.functions.sinqroEvents)).toEqual(
    [envNames.table, ...perAdapter(envNames.workQueue)].sort(),
  );
});

test("pos-webhook is told the table and every adapter's webhook secret name, work queue and settings", () => {
  // The settings carry the notification URL a POS (Square) signs its webhooks over.
  expect(envKeys(built.stack.functions.posWebhook)).toEqual(
    [
      envNames.table,
      ...perAdapter(envNames.posWebhookSecret),
      ...perAdapter(envNames.workQueue),
      ...perAdapter(envNames.posSettings),
    ].sort(),
  );
  for (const code of Object.keys(built.stack.workers))
    expect(environmentOf(built, built.stack.functions.posWebhook)[envNames.posWebhookSecret(code)]).toBe(
      `sinqro-pos-bridge/sandbox/webhooks/pos/${code}`,
    );
});

test("a worker is told only its own adapter's code, secret name, base URL, settings and work queue, the stage and its order expiry grace, the table and the to-sinqro queue", () => {
  for (const [code, worker] of Object.entries(built.stack.workers)) {
    expect(envKeys(worker.fn)).toEqual(
      [
        envNames.table,
        envNames.stage,
        envNames.posCode,
        envNames.posSecret(code),
        envNames.posBaseUrl(code),
        envNames.posSettings(code),
        envNames.toSinqroQueue,
        envNames.workQueue(code),
        envNames.orderExpiryGrace,
      ].sort(),
    );
    expect(environmentOf(built, worker.fn)[envNames.posCode]).toBe(code);
  }
});

test('a worker is told the grace period after an order’s time past which it is not injected: 120 minutes unless the stage says otherwise', () => {
  for (const worker of Object.values(built.stack.workers))
    expect(environmentOf(built, worker.fn)[ORDER_EXPIRY_GRACE]).toBe('120');
  const stage = { ...resolveStage('sandbox'), orderExpiryGrace: Duration.minutes(45) };
  const custom = buildStack({ stage });
  for (const worker of Object.values(custom.stack.workers))
    expect(environmentOf(custom, worker.fn)[ORDER_EXPIRY_GRACE]).toBe('45');
});

test("a worker's POS base URL and secret name come from the stage config", () => {
  for (const [code, worker] of Object.entries(built.stack.workers)) {
    expect(environmentOf(built, worker.fn)).toMatchObject({
      [envNames.posBaseUrl(code)]: built.stage.adapters[code]?.baseUrl,
      [envNames.posSecret(code)]: `sinqro-pos-bridge/sandbox/pos/${code}`,
    });
  }
});

test('the publisher is told only the table, the Sinqro secret name and the Sinqro API base URL of the stage', () => {
  const fn = built.stack.functions.publisher;
  expect(envKeys(fn)).toEqual([envNames.table, envNames.sinqroSecret, envNames.sinqroApiBaseUrl].sort());
  expect(environmentOf(built, fn)[envNames.sinqroApiBaseUrl]).toBe('https://sandbox-api.sinqro.com/pos-app/v1');
});

test('queue and table variables name the resources of this stack, not hard-coded ones', () => {
  for (const fn of everyFunction()) {
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    for (const [name, value] of Object.entries(variables)) {
      if (name === envNames.table || name.startsWith('WORK_QUEUE_URL_') || name === envNames.toSinqroQueue) {
        expect(value).toEqual({ Ref: expect.any(String) });
      }
    }
  }
});

describe('no environment variable carries a secret value', () => {
  const SECRETISH_NAME = /SECRET|TOKEN|PASSWORD|API_?KEY|PRIVATE/i;
  const SECRETISH_VALUE = [
    /^(?=.*[A-Z])(?=.*[a-z])(?=.*\d)[A-Za-z0-9+/_=-]{24,}$/, // a long mixed-case opaque token
    /^[0-9a-f]{32,}$/i, // a long hex key
    /-----BEGIN/,
    /\b(sk|pk|rk)_(live|test)_/,
    /\bsq0[a-z]{3}-/, // Square access tokens
    /:\/\/[^/\s]*:[^/\s]*@/, // credentials inside a URL
  ];

  const looksSecret = (value: string) => SECRETISH_VALUE.some((pattern) => pattern.test(value));

  test('the check recognises typical secrets and passes secret names and URLs', () => {
    expect(looksSecret('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toBe(true);
    expect(looksSecret('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08')).toBe(true);
    expect(looksSecret('sk_live_abc123')).toBe(true);
    expect(looksSecret('https://user:pass@pos.example.com')).toBe(true);
    expect(looksSecret('sinqro-pos-bridge/sandbox/pos/reference')).toBe(false);
    expect(looksSecret('https://sandbox-api.sinqro.com/pos-app/v1')).toBe(false);
  });

  test('variables about secrets carry a secret name under the stage prefix, never the secret', () => {
    for (const fn of everyFunction()) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      for (const [name, value] of Object.entries(variables)) {
        if (!SECRETISH_NAME.test(name)) continue;
        expect(name).toMatch(/_SECRET_NAME(_[A-Z0-9]+)?$/);
        expect(value).toMatch(/^sinqro-pos-bridge\/sandbox\//);
      }
    }
  });

  test('no value looks like a token, key or credential', () => {
    for (const fn of everyFunction()) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      for (const value of Object.values(variables)) {
        if (typeof value !== 'string') continue;
        expect(looksSecret(value)).toBe(false);
      }
    }
  });
});
