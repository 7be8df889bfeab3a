/**
 * Abuse bulkheads (issue 12, point 4): a flood on the public API is throttled by API Gateway per stage
 * and per route, reaches a function only through a route of a registered sender, and can take no more
 * Lambda concurrency than the ingress functions' reservations, so the workers and the publisher keep
 * theirs. The limits come from the stage config (lib/stage-config.ts) and are checked at synth.
 */
import { ADAPTERS } from '../../adapters/registry';
import { resolveStage, STAGES, type Stage, type StageName } from '../../lib/stage-config';
import { type Built, buildStack, flatten, logicalId, resources } from './fixture';

const sandbox = resolveStage('sandbox');
/** Limits unlike any stage's, so the template can only hold them if it was built from the config. */
const ingress = {
  throttle: { rateLimit: 123, burstLimit: 246 },
  routeThrottle: { sinqro: { rateLimit: 41, burstLimit: 82 }, square: { rateLimit: 61, burstLimit: 122 } },
  reservedConcurrency: { sinqroWebhook: 7, posWebhook: 11, sinqroEvents: 5 },
};
const stageWith = (changes: Record<string, unknown>) => ({ ...sandbox, ...changes }) as Stage;

let built: Built;
beforeAll(() => {
  built = buildStack({ stage: stageWith({ ingress }) });
});

const routes = (b: Built = built) => Object.entries(resources(b, 'AWS::ApiGatewayV2::Route'));
const routeKeys = (b: Built = built) => routes(b).map(([, r]) => r.Properties.RouteKey as string);
const apiStage = (b: Built = built) => {
  const [entry] = Object.entries(resources(b, 'AWS::ApiGatewayV2::Stage'));
  if (!entry) throw new Error('no stage');
  return { id: entry[0], ...entry[1] } as { id: string; Properties: Record<string, unknown>; DependsOn?: string[] };
};
const integrationOf = (b: Built, routeKey: string) => {
  const found = routes(b).find(([, r]) => r.Properties.RouteKey === routeKey);
  if (!found) throw new Error(`no route ${routeKey}`);
  const integrationId = flatten(found[1].Properties.Target).match(/\$\{([^}]+)\}/)?.[1] as string;
  return JSON.stringify(resources(b, 'AWS::ApiGatewayV2::Integration')[integrationId]?.Properties.IntegrationUri);
};

describe('routes', () => {
  test('one explicit route per registered adapter and none with a {posCode} catch-all, so an unknown POS gets the gateway 404 and invokes nothing', () => {
    expect(routeKeys().sort()).toEqual(
      ['POST /sinqro/events', ...ADAPTERS.map((a) => `POST /${a.code}/webhooks/{any+}`)].sort(),
    );
    expect(routeKeys().filter((k) => k.includes('{posCode}'))).toEqual([]);
  });

  test('every POS route invokes pos-webhook', () => {
    const posWebhook = logicalId(built, built.stack.functions.posWebhook);
    for (const { code } of ADAPTERS)
      expect(integrationOf(built, `POST /${code}/webhooks/{any+}`)).toContain(posWebhook);
  });

  test('a new adapter gets its own route from the registry', () => {
    const b = buildStack({
      stage: stageWith({ adapters: { ...sandbox.adapters, otherpos: { baseUrl: 'https://other.example.com' } } }),
      adapters: [...ADAPTERS, { code: 'otherpos', maxConcurrency: 2 }],
    });
    expect(routeKeys(b)).toContain('POST /otherpos/webhooks/{any+}');
    expect(routeKeys(b)).toHaveLength(ADAPTERS.length + 2);
  });
});

describe('throttling', () => {
  test("the stage's default route throttling comes from the stage config", () => {
    expect(apiStage().Properties.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: 123,
      ThrottlingBurstLimit: 246,
    });
  });

  test('a route with limits of its own gets them, keyed by its route key', () => {
    expect(apiStage().Properties.RouteSettings).toEqual({
      'POST /sinqro/events': { ThrottlingRateLimit: 41, ThrottlingBurstLimit: 82 },
      'POST /square/webhooks/{any+}': { ThrottlingRateLimit: 61, ThrottlingBurstLimit: 122 },
    });
  });

  test('the stage is created after the routes its settings name (API Gateway refuses settings for a route it does not know yet)', () => {
    const { DependsOn = [] } = apiStage();
    const throttled = routes().filter(([, r]) =>
      Object.keys(ingress.routeThrottle).some((name) =>
        (r.Properties.RouteKey as string).startsWith(name === 'sinqro' ? 'POST /sinqro/' : `POST /${name}/`),
      ),
    );
    expect(throttled).toHaveLength(2);
    for (const [id] of throttled) expect(DependsOn).toContain(id);
  });

  test.each(Object.keys(STAGES) as StageName[])('stage %s throttles every route', (name) => {
    const b = buildStack({ stage: resolveStage(name) });
    const settings = apiStage(b).Properties.DefaultRouteSettings as Record<string, number> | undefined;
    expect(settings?.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(settings?.ThrottlingBurstLimit).toBeGreaterThan(0);
  });
});

describe('reserved concurrency', () => {
  const reservedOf = (b: Built, fn: Parameters<typeof logicalId>[1]) =>
    resources(b, 'AWS::Lambda::Function')[logicalId(b, fn)]?.Properties.ReservedConcurrentExecutions;

  test('each ingress function has the reservation the stage config gives it', () => {
    const { sinqroWebhook, posWebhook, sinqroEvents } = built.stack.functions;
    expect(reservedOf(built, sinqroWebhook)).toBe(7);
    expect(reservedOf(built, posWebhook)).toBe(11);
    expect(reservedOf(built, sinqroEvents)).toBe(5);
  });

  test('only the ingress functions reserve: the consumers are held back by their event source maxConcurrency and take from the unreserved pool the ingress cannot drain', () => {
    const { sinqroWebhook, posWebhook, sinqroEvents } = built.stack.functions;
    const reserving = Object.entries(resources(built, 'AWS::Lambda::Function'))
      .filter(([, fn]) => fn.Properties.ReservedConcurrentExecutions !== undefined)
      .map(([id]) => id);
    expect(reserving.sort()).toEqual(
      [sinqroWebhook, posWebhook, sinqroEvents].map((fn) => logicalId(built, fn)).sort(),
    );
  });

  test.each(Object.keys(STAGES) as StageName[])(
    'stage %s reserves for every ingress function and leaves the account its 100 unreserved',
    (name) => {
      const b = buildStack({ stage: resolveStage(name) });
      const { sinqroWebhook, posWebhook, sinqroEvents } = b.stack.functions;
      const reserved = [sinqroWebhook, posWebhook, sinqroEvents].map((fn) => reservedOf(b, fn) as number);
      for (const r of reserved) expect(r).toBeGreaterThanOrEqual(1);
      const account = b.stage.ingress.accountConcurrency ?? 1000;
      expect(reserved.reduce((a, r) => a + r, 0)).toBeLessThanOrEqual(account - 100);
    },
  );
});

describe('the stage config is checked at synth, with an error naming the setting', () => {
  const build = (changes: Record<string, unknown>) => () =>
    buildStack({ stage: stageWith({ ingress: { ...ingress, ...changes } }) });

  test.each([
    ['a zero rate', { throttle: { rateLimit: 0, burstLimit: 10 } }, /ingress\.throttle\.rateLimit/],
    ['a fractional burst', { throttle: { rateLimit: 10, burstLimit: 2.5 } }, /ingress\.throttle\.burstLimit/],
    ['a rate over the account quota', { throttle: { rateLimit: 20_000, burstLimit: 10 } }, /10000/],
    ['a burst over the account burst', { throttle: { rateLimit: 10, burstLimit: 6000 } }, /5000/],
    [
      'a route looser than the stage',
      { routeThrottle: { sinqro: { rateLimit: 500, burstLimit: 10 } } },
      /ingress\.routeThrottle\.sinqro\.rateLimit.*tighter/,
    ],
    [
      'a route that does not exist',
      { routeThrottle: { nosuchpos: { rateLimit: 1, burstLimit: 1 } } },
      /ingress\.routeThrottle\.nosuchpos.*sinqro, reference, square/,
    ],
    [
      'no reservation',
      { reservedConcurrency: { sinqroWebhook: 0, posWebhook: 1, sinqroEvents: 1 } },
      /reservedConcurrency\.sinqroWebhook/,
    ],
    [
      'reservations that leave the account fewer than 100 unreserved',
      { reservedConcurrency: { sinqroWebhook: 400, posWebhook: 400, sinqroEvents: 101 } },
      /901.*1000.*100/,
    ],
    ['an account too small for any reservation', { accountConcurrency: 10 }, /accountConcurrency/],
  ])('%s is refused', (_what, changes, message) => {
    expect(build(changes)).toThrow(message);
    expect(build(changes)).toThrow(/stage "sandbox"/);
  });
});
