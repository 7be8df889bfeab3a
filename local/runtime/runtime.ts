/**
 * The whole stack on this machine: dynalite, a local SQS with the real SQS semantics, an HTTP gateway
 * that builds API Gateway v2 events for the very same handlers, one poller per queue standing in for
 * the event source mappings, and the simulators (reference POS, Square, Lightspeed K-Series, Sinqro).
 * Generated from the adapter registry, like the CDK stack: a configured restaurant whose POS has no adapter in
 * the registry is not linked (its simulator still runs).
 */
import { resolve } from 'node:path';
import { lightspeedKAdapter } from '../../adapters/lightspeed-k';
import type { AdapterSettings } from '../../adapters/port';
import { ADAPTERS, findAdapter } from '../../adapters/registry';
import { MAX_MESSAGE_BYTES, MAX_RECEIVE_COUNT } from '../../functions/core/limits';
import type { RestaurantLink } from '../../functions/core/records';
import { RETRY_CAP_ENV, RETRY_FLOOR_ENV } from '../../functions/core/retry-backoff';
import { envNames } from '../../functions/infra/env';
import { type LogSink, setLogSink } from '../../functions/infra/logger';
import type { SinqroSecret, WebhookSecret } from '../../functions/infra/secrets';
import { httpRoutes, POS_WEBHOOK_FUNCTION, routeKey, SINQRO_EVENTS_ROUTE } from '../../functions/routes';
import { TABLE_WRITES, type TableWrites } from '../../functions/store/table-writes';
import type { JobResult, ScheduleJob } from '../../functions/worker/scheduled-jobs';
import { ALL_SUBSCRIPTIONS, type LightspeedKSim, startLightspeedKSim } from '../sims/lightspeed-k/server';
import { ReferencePosSim } from '../sims/reference-pos/server';
import { SinqroSim } from '../sims/sinqro/server';
import { SquareSim } from '../sims/square/server';
import config from './config.json';
import { createTable, startDynalite } from './dynamo';
import { DynamoFaultProxy } from './dynamo-faults';
import { LocalGateway } from './gateway';
import { IngressFaults } from './ingress-faults';
import { invokeWithTimeout, settleRunning } from './lambda-context';
import { QueuePoller } from './queue-poller';
import { type RuntimeFile, removeRuntimeFile, writeRuntimeFile } from './runtime-file';
import { LocalSqs } from './sqs-server';
import { TablePolicy } from './table-policy';

/** A restaurant the local runtime links at start: the link's own fields, less what it fills in. */
export type LocalRestaurant = Pick<
  RestaurantLink,
  'restaurantId' | 'posCode' | 'posLocationId' | 'sinqroTokenSecret' | 'posSecret' | 'posWebhookSecret' | 'posAccountId'
>;

export type RuntimeOptions = {
  /**
   * 0 picks a free port (tests). The gateway and simulators default to local/runtime/config.json; dynalite
   * and SQS take free ports unless given (npm start gives config's), so the demo and the tests never
   * collide with a running `npm start`.
   */
  ports?: Partial<typeof config.ports>;
  /** Visibility timeout of the work queues; the function timeout is a sixth of it, as in the stack. */
  visibilityTimeoutSeconds?: number;
  /** Where every log line goes (handlers and simulators); defaults to stdout. */
  log?: (line: string) => void;
  /** Parallel batches per worker (the stack uses the adapter's maxConcurrency). */
  workerConcurrency?: number;
  /** Seconds between scheduler runs, standing in for the EventBridge schedules; 0 turns a job's timer off. */
  scheduleEverySeconds?: Partial<Record<ScheduleJob, number>>;
  /** Per adapter code, over local/runtime/config.json's `adapters.<code>.settings` (e.g. webhooks off). */
  adapterSettings?: Record<string, AdapterSettings>;
  /**
   * Restaurants linked and given a Sinqro user token besides local/runtime/config.json's (the benchmark's many
   * restaurants); their token secrets must be in LOCAL_SECRETS_FILE.
   */
  /** Square ones (posCode `square`, with the demo merchant's posSecret and posAccountId) are Square simulator locations. */
  extraRestaurants?: LocalRestaurant[];
  /** Where to write what runs where for the CLI (npm start: `.local/runtime.json`); none by default. */
  runtimeFile?: string;
  /**
   * Puts a fault proxy (local/runtime/dynamo-faults.ts) between the handlers and dynalite, for chaos runs: the
   * handlers, the CLI and the runtime file use its address. A pass-through until faults are set.
   */
  dynamoFaultProxy?: boolean;
  /** Lets ingress invocations be made to die after their first write (local/runtime/ingress-faults.ts), for chaos runs. */
  ingressFaults?: boolean;
  /**
   * The retry backoff's floor in seconds (RETRY_FLOOR_SECONDS; the stack's default is 30): tests and chaos
   * runs scale the whole schedule down with it. Unset: whatever the environment says, else 30.
   */
  retryFloorSeconds?: number;
  /** A lower cap for the backoff (RETRY_CAP_SECONDS), for chaos runs' fault rates; none by default. */
  retryCapSeconds?: number;
};

/** Defaults of the local scheduler: polling and the sweep often enough to see them work, no nightly sync. */
export const LOCAL_SCHEDULE: Record<ScheduleJob, number> = { poll: 10, sweep: 30, nightly: 0 };
const SCHEDULER_TIMEOUT_MS = 60_000;

export type LocalRuntime = {
  urls: {
    gateway: string;
    referencePos: string;
    squarePos: string;
    lightspeedKPos: string;
    sinqro: string;
    dynamodb: string;
    sqs: string;
  };
  sqs: LocalSqs;
  referencePos: ReferencePosSim;
  squarePos: SquareSim;
  lightspeedKPos: LightspeedKSim;
  sinqro: SinqroSim;
  queues: { name: string; url: string; dlqName: string; dlqUrl: string; consumer: string }[];
  tableName: string;
  /** Effective settings per adapter code (config + options). */
  adapterSettings: Record<string, AdapterSettings>;
  /** Seconds between runs per job (0: off). */
  schedule: Record<ScheduleJob, number>;
  /** Runs a scheduler job now, as its EventBridge schedule would (also `POST /_local/schedule/{job}`). */
  runSchedule: (job: ScheduleJob) => Promise<JobResult>;
  /** The local API Gateway (its `requests` counter) and the queue pollers (their `invocations`), for the benchmarks. */
  gateway: LocalGateway;
  pollers: QueuePoller[];
  /** The DynamoDB fault proxy, when `dynamoFaultProxy` asked for it. */
  dynamoFaults?: DynamoFaultProxy;
  /** The ingress fault switch, when `ingressFaults` asked for it. */
  ingressFaults?: IngressFaults;
  /** The stack's table-write grants, applied to every invocation (its `denied` writes make stop() fail). */
  tablePolicy: TablePolicy;
  /** Stops everything; fails afterwards if a function wrote (tried to) where the stack would not let it. */
  stop: () => Promise<void>;
};

const TABLE_NAME = 'sinqro-pos-bridge-local';

type OptionalLinkFields = Partial<Pick<RestaurantLink, 'posSecret' | 'posWebhookSecret' | 'posAccountId'>>;

/** A configured restaurant's optional POS API secret, location webhook secret and POS account (Square: merchant id). */
const pick = ({ posSecret, posWebhookSecret, posAccountId }: OptionalLinkFields) => ({
  ...(posSecret ? { posSecret } : {}),
  ...(posWebhookSecret ? { posWebhookSecret } : {}),
  ...(posAccountId ? { posAccountId } : {}),
});
const DEMO_SECRETS = resolve(__dirname, 'secrets.json');

export async function startLocalRuntime(options: RuntimeOptions = {}): Promise<LocalRuntime> {
  // Local runs happen on Node 20; the deployed functions run on nodejs22.x, so the SDK's notice does not apply.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const given = Object.fromEntries(
    Object.entries(options.ports ?? {}).filter(([, v]) => v !== undefined && !Number.isNaN(v)),
  );
  const ports = { ...config.ports, dynamodb: 0, sqs: 0, squarePos: 0, lightspeedKPos: 0, ...given };
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const visibility = options.visibilityTimeoutSeconds ?? 60;
  const functionTimeoutMs = Math.floor((visibility * 1000) / 6);

  const dynamo = await startDynalite(ports.dynamodb);
  await createTable(dynamo.endpoint, TABLE_NAME);
  const dynamoFaults = options.dynamoFaultProxy ? new DynamoFaultProxy() : undefined;
  const dynamoEndpoint = dynamoFaults ? await dynamoFaults.start(dynamo.endpoint) : dynamo.endpoint;
  const sqs = new LocalSqs();
  const sqsEndpoint = await sqs.start(ports.sqs);

  // Queues: one work queue (+DLQ) per adapter, and the FIFO to-sinqro queue (+FIFO DLQ): same shape as lib/.
  const makeQueue = (name: string, consumer: string, fifo = false) => {
    const suffix = fifo ? '.fifo' : '';
    const dlq = sqs.createQueue(`${name}-dlq${suffix}`, {
      MessageRetentionPeriod: String(14 * 86400),
      MaximumMessageSize: String(MAX_MESSAGE_BYTES),
      ...(fifo ? { FifoQueue: 'true' } : {}),
    });
    const q = sqs.createQueue(`${name}${suffix}`, {
      VisibilityTimeout: String(visibility),
      MessageRetentionPeriod: String(14 * 86400),
      MaximumMessageSize: String(MAX_MESSAGE_BYTES),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: MAX_RECEIVE_COUNT }),
      ...(fifo
        ? {
            FifoQueue: 'true',
            ContentBasedDeduplication: 'false',
            DeduplicationScope: 'messageGroup',
            FifoThroughputLimit: 'perMessageGroupId',
          }
        : {}),
    });
    return { name: q.name, url: q.url, arn: q.arn, dlqName: dlq.name, dlqUrl: dlq.url, dlqArn: dlq.arn, consumer };
  };
  const workQueues = ADAPTERS.map((a) => ({
    adapter: a,
    ...makeQueue(`${TABLE_NAME}-${a.code}-work`, `${a.code}-worker`),
  }));
  const toSinqro = makeQueue(`${TABLE_NAME}-to-sinqro`, 'sinqro-publisher', true);

  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    AWS_ENDPOINT_URL_SQS: sqsEndpoint,
    [envNames.table]: TABLE_NAME,
    [envNames.sinqroSecret]: config.secretNames.sinqro,
    [envNames.sinqroWebhookSecret]: config.secretNames.sinqroWebhook,
    [envNames.toSinqroQueue]: toSinqro.url,
    [envNames.stage]: 'local',
    [envNames.orderExpiryGrace]: String(config.orderExpiryGraceMinutes),
    LOCAL_SECRETS_FILE: process.env.LOCAL_SECRETS_FILE ?? DEMO_SECRETS,
    LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty',
  });
  if (options.retryFloorSeconds !== undefined) process.env[RETRY_FLOOR_ENV] = String(options.retryFloorSeconds);
  if (options.retryCapSeconds !== undefined) process.env[RETRY_CAP_ENV] = String(options.retryCapSeconds);
  const configured = config.adapters as Record<string, { settings?: AdapterSettings }>;
  const adapterSettings: Record<string, AdapterSettings> = {};
  for (const q of workQueues) {
    const code = q.adapter.code;
    process.env[envNames.workQueue(code)] = q.url;
    process.env[envNames.posSecret(code)] = (config.secretNames.pos as Record<string, string>)[code] ?? '';
    process.env[envNames.posWebhookSecret(code)] =
      (config.secretNames.posWebhook as Record<string, string>)[code] ?? '';
    adapterSettings[code] = { ...configured[code]?.settings, ...options.adapterSettings?.[code] };
    process.env[envNames.posSettings(code)] = JSON.stringify(adapterSettings[code]);
  }
  const sink: LogSink = (line) => log(line);
  setLogSink(sink);

  // Handlers are imported only now, so their module-scope clients see the local endpoints.
  const [sinqroWebhook, sinqroEvents, posWebhook, worker, publisher, scheduler, linkStore, secrets] = await Promise.all(
    [
      import('../../functions/sinqro-webhook'),
      import('../../functions/sinqro-events'),
      import('../../functions/pos-webhook'),
      import('../../functions/adapter-worker'),
      import('../../functions/sinqro-publisher'),
      import('../../functions/scheduler'),
      import('../../functions/store/links'),
      import('../../functions/infra/secrets'),
    ],
  );
  const runSchedule = (job: ScheduleJob) =>
    invokeWithTimeout('scheduler', SCHEDULER_TIMEOUT_MS, () => scheduler.handler({ job }));

  const ingressFaults = options.ingressFaults
    ? new IngressFaults(['sinqro-webhook', 'pos-webhook', 'sinqro-events'])
    : undefined;
  ingressFaults?.install();
  // The stack's routes, from the same list: an unregistered POS code is the gateway's 404, as on AWS.
  const handlers = { 'sinqro-webhook': sinqroWebhook.handler, 'pos-webhook': posWebhook.handler };
  const tablePolicy = new TablePolicy({
    ...receiverWrites(),
    ...Object.fromEntries(workQueues.map((q) => [q.consumer, TABLE_WRITES.worker(q.adapter)])),
    [toSinqro.consumer]: TABLE_WRITES.publisher,
    scheduler: TABLE_WRITES.scheduler,
  });
  tablePolicy.install();
  const gateway = new LocalGateway({
    routes: httpRoutes(ADAPTERS.map((a) => a.code)).map((r) => ({
      path: r.path,
      functionName: r.functionName,
      handler: handlers[r.functionName] as never,
      method: 'POST',
      routeKey: routeKey(r),
      timeoutMs: 5000,
    })),
    eventBridge: { functionName: 'sinqro-events', handler: sinqroEvents.handler as never, source: 'sinqro.pos-bridge' },
    schedule: { jobs: ['poll', 'sweep', 'nightly'], run: (job) => runSchedule(job as ScheduleJob) },
    onRequest: log,
  });
  // The gateway listens first: the simulators need its address.
  const gatewayPort = await gateway.start(ports.gateway);
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;

  // The simulators hold what the real senders and APIs hold: each side's half of every secret.
  const secretOf = <T>(name: string) => (secrets.getSecret as (n: string) => Promise<T>)(name);
  const firstKey = async (name: string) => (await secretOf<WebhookSecret>(name)).webhookSigningSecrets[0] as string;
  const sinqroSecret = await secretOf<SinqroSecret>(config.secretNames.sinqro);
  const refSecret = await secretOf<{ apiKey: string }>(config.secretNames.pos.reference);
  const restaurants = [...config.restaurants, ...(options.extraRestaurants ?? [])];
  const userAccessTokens: Record<number, string> = {};
  for (const r of restaurants)
    userAccessTokens[r.restaurantId] = (
      await secretOf<{ userAccessToken: string }>(r.sinqroTokenSecret)
    ).userAccessToken;

  const referencePos = new ReferencePosSim({
    apiKey: refSecret.apiKey,
    webhookSecret: await firstKey(config.secretNames.posWebhook.reference),
    webhookUrl: `${gatewayUrl}/reference/webhooks`,
    defaultLocationId: config.restaurants.find((r) => r.posCode === 'reference')?.posLocationId,
    catalogLocationId: config.restaurants.find((r) => r.posCode === 'reference')?.posLocationId,
    // A POS configured without a webhook does not send it: the bridge polls instead (adapter settings).
    webhooks: {
      status: adapterSettings.reference?.statusWebhooks !== false,
      availability: adapterSettings.reference?.availabilityWebhooks !== false,
    },
    log,
  });
  const referencePosUrl = await referencePos.start(ports.referencePos);
  // Square signs its webhooks over the notification URL registered in the subscription: the stage's
  // configured URL (a public one, as on AWS), not the address the request reaches the gateway on.
  const squareSecret = await secretOf<{ applicationId?: string; applicationSecret?: string }>(
    config.secretNames.pos.square,
  );
  const squareRestaurant = config.restaurants.find((r) => r.posCode === 'square');
  // The merchant's OAuth pair: the simulator accepts the access token and renews it with the refresh token.
  const squareMerchant = squareRestaurant?.posSecret
    ? await secretOf<{ accessToken: string; refreshToken?: string }>(squareRestaurant.posSecret)
    : { accessToken: '' };
  adapterSettings.square = {
    webhookNotificationUrl: `${gatewayUrl}/square/webhooks/events`,
    ...adapterSettings.square,
  };
  process.env[envNames.posSettings('square')] = JSON.stringify(adapterSettings.square);
  const squarePos = new SquareSim({
    accessToken: squareMerchant.accessToken,
    refreshToken: squareMerchant.refreshToken,
    applicationId: squareSecret.applicationId,
    applicationSecret: squareSecret.applicationSecret,
    signatureKey: await firstKey(config.secretNames.posWebhook.square),
    webhookUrl: `${gatewayUrl}/square/webhooks/events`,
    notificationUrl: adapterSettings.square.webhookNotificationUrl,
    merchantId: squareRestaurant?.posAccountId,
    locations: squareRestaurant
      ? [
          { id: squareRestaurant.posLocationId, name: squareRestaurant.name },
          ...(options.extraRestaurants ?? [])
            .filter((r) => r.posCode === 'square')
            .map((r) => ({ id: r.posLocationId, name: `Square ${r.restaurantId}` })),
        ]
      : undefined,
    webhooks: {
      orders: adapterSettings.square.statusWebhooks !== false,
      locations: adapterSettings.square.availabilityWebhooks !== false,
    },
    log,
  });
  const squarePosUrl = await squarePos.start(ports.squarePos);
  const lightspeedKPos = await startLightspeedK(
    gatewayUrl,
    secretOf,
    options.extraRestaurants ?? [],
    ports.lightspeedKPos,
    adapterSettings[lightspeedKAdapter.code]?.platformCode as string | undefined,
    log,
  );
  const sinqro = new SinqroSim({
    serverAccessToken: sinqroSecret.serverAccessToken,
    userAccessTokens,
    signingSecret: await firstKey(config.secretNames.sinqroWebhook),
    bridgeEventsUrl: `${gatewayUrl}/sinqro/events`,
    bridgeEventBridgeUrl: `${gatewayUrl}/_local/eventbridge`,
    log,
  });
  const sinqroUrl = await sinqro.start(ports.sinqro);
  process.env[envNames.sinqroApiBaseUrl] = `${sinqroUrl}/pos-app/v1`;
  process.env[envNames.posBaseUrl('reference')] = referencePosUrl;
  process.env[envNames.posBaseUrl('square')] = squarePosUrl;
  process.env[envNames.posBaseUrl(lightspeedKAdapter.code)] = lightspeedKPos.url;

  for (const r of restaurants) {
    if (!findAdapter(r.posCode)) {
      log(`restaurant ${r.restaurantId} not linked: no adapter "${r.posCode}" in adapters/registry.ts`);
      continue;
    }
    const link: RestaurantLink = {
      restaurantId: r.restaurantId,
      posCode: r.posCode,
      posLocationId: r.posLocationId,
      sinqroTokenSecret: r.sinqroTokenSecret,
      ...pick(r as OptionalLinkFields),
      enabled: true,
      createdAt: new Date().toISOString(),
    };
    await linkStore.putLink(link);
  }

  const onError = (error: Error) => log(`poller: ${error.message}`);
  const pollers = [
    ...workQueues.map(
      (q) =>
        new QueuePoller({
          functionName: q.consumer,
          queueUrl: q.url,
          queueArn: q.arn,
          handler: worker.workerFor(q.adapter) as never,
          concurrency: options.workerConcurrency ?? 2,
          batchSize: 10,
          timeoutMs: functionTimeoutMs,
          onError,
        }),
    ),
    new QueuePoller({
      functionName: 'sinqro-publisher',
      queueUrl: toSinqro.url,
      queueArn: toSinqro.arn,
      handler: publisher.handler as never,
      concurrency: options.workerConcurrency ?? 2,
      batchSize: 10,
      timeoutMs: functionTimeoutMs,
      onError,
    }),
  ];
  for (const p of pollers) p.start();

  // The EventBridge schedules: one timer per job, never two runs of a job at once.
  const schedule = { ...LOCAL_SCHEDULE, ...options.scheduleEverySeconds };
  const running = new Map<ScheduleJob, Promise<unknown>>();
  const timers = (Object.entries(schedule) as [ScheduleJob, number][])
    .filter(([, seconds]) => seconds > 0)
    .map(([job, seconds]) =>
      setInterval(() => {
        if (running.has(job)) return;
        const run = runSchedule(job)
          .catch((error: Error) => log(`scheduler: ${job} failed: ${error.message}`))
          .finally(() => running.delete(job));
        running.set(job, run);
      }, seconds * 1000),
    );

  const urls = {
    gateway: gatewayUrl,
    referencePos: referencePosUrl,
    squarePos: squarePosUrl,
    lightspeedKPos: lightspeedKPos.url,
    sinqro: sinqroUrl,
    dynamodb: dynamoEndpoint,
    sqs: sqsEndpoint,
  };
  const secretsFile = process.env.LOCAL_SECRETS_FILE as string;
  if (options.runtimeFile) {
    const described: RuntimeFile = {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      stage: 'local',
      region: process.env.AWS_REGION as string,
      urls,
      tableName: TABLE_NAME,
      secretsFile: resolve(secretsFile),
      queues: [...workQueues.map(({ adapter, ...q }) => ({ ...q, posCode: adapter.code })), toSinqro],
      adapterSettings,
    };
    writeRuntimeFile(options.runtimeFile, described);
  }

  return {
    urls,
    sqs,
    referencePos,
    squarePos,
    lightspeedKPos,
    sinqro,
    queues: [
      ...workQueues.map(({ adapter: _a, arn: _arn, dlqArn: _d, ...q }) => q),
      (({ arn: _arn, dlqArn: _d, ...q }) => q)(toSinqro),
    ],
    tableName: TABLE_NAME,
    adapterSettings,
    schedule,
    runSchedule,
    gateway,
    pollers,
    dynamoFaults,
    ingressFaults,
    tablePolicy,
    stop: async () => {
      ingressFaults?.uninstall();
      if (options.runtimeFile) removeRuntimeFile(options.runtimeFile);
      for (const timer of timers) clearInterval(timer);
      await Promise.all(running.values());
      await Promise.all(pollers.map((p) => p.stop()));
      // A handler that outlived its timeout may still be writing: let it finish before the stores close.
      await settleRunning();
      await Promise.all([
        gateway.stop(),
        referencePos.stop(),
        squarePos.close(),
        lightspeedKPos.close(),
        sinqro.stop(),
      ]);
      await settleRunning();
      await sqs.stop();
      await dynamoFaults?.stop();
      await dynamo.stop();
      tablePolicy.uninstall();
      if (tablePolicy.denied.length > 0) {
        const lines = tablePolicy.denied.map((d) => `${d.functionName} ${d.action} ${d.partitionKeys.join(', ')}`);
        throw new Error(
          `${lines.length} table write(s) outside the writer's declared partitions (functions/store/table-writes.ts): ${[...new Set(lines)].join('; ')}`,
        );
      }
    },
  };
}

type SecretReader = <T>(name: string) => Promise<T>;

/** A K-Series account's secrets as the adapter reads them (docs/lightspeed-k.md, Secrets and settings). */
type LskAccountSecret = { accessToken: string; refreshToken: string; endpointId: string };
type LskWebhookSecret = { webhookUsername?: string; webhookSigningSecrets: string[]; webhookPathToken: string };

/**
 * The K-Series simulator with the `lightspeedk` restaurants of local/runtime/config.json and the extra ones: each
 * restaurant is a business location with its own secret (OAuth pair, webhook endpoint, Basic password,
 * path token), so each is a business of its own in the simulator (an OAuth grant is a business's). Its
 * webhook endpoint is registered as the operator would (`apeCreateWebhookOo`, Basic auth, the URL naming
 * the location and its path token, the location added for item availability and readiness); the
 * reservation platform profile (the adapter's bearer token and path token, the adapter's `platformCode`)
 * and one integration per location, its `platformRestaurantId` being the link's `posLocationId`.
 */
async function startLightspeedK(
  gatewayUrl: string,
  secretOf: SecretReader,
  extra: LocalRestaurant[],
  port: number,
  platformCode: string | undefined,
  log: (line: string) => void,
): Promise<LightspeedKSim> {
  const demo = config.lightspeedK;
  const restaurants = [...config.restaurants, ...extra].filter((r) => r.posCode === lightspeedKAdapter.code);
  const app = {
    ...(await secretOf<{ clientId: string; clientSecret: string }>(config.secretNames.pos.lightspeedk)),
    ...(await secretOf<LskWebhookSecret>(config.secretNames.posWebhook.lightspeedk)),
  };
  const accounts = await Promise.all(
    restaurants.map(async (r) => {
      if (!r.posSecret || !r.posWebhookSecret)
        throw new Error(`K-Series restaurant ${r.restaurantId} names no posSecret or posWebhookSecret`);
      const secret = {
        ...(await secretOf<LskAccountSecret>(r.posSecret)),
        ...(await secretOf<LskWebhookSecret>(r.posWebhookSecret)),
      };
      return { restaurant: r, secret };
    }),
  );
  const reservationUrl = (topic: string) =>
    `${gatewayUrl}${demo.reservationWebhookPath.replace('{token}', app.webhookPathToken).replace('{topic}', topic)}`;
  const nameOf = (r: LocalRestaurant) => ('name' in r ? String(r.name) : `Lightspeed ${r.restaurantId}`);
  return startLightspeedKSim({
    port,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    businesses: accounts.map(({ restaurant: r, secret }) => ({
      businessId: Number(r.posAccountId ?? r.posLocationId),
      name: nameOf(r),
      accessToken: secret.accessToken,
      refreshToken: secret.refreshToken,
      locations: [{ id: Number(r.posLocationId), name: nameOf(r), tables: demo.tables }],
    })),
    webhookEndpoints: accounts.map(({ restaurant: r, secret }) => ({
      businessId: Number(r.posAccountId ?? r.posLocationId),
      endpointId: secret.endpointId,
      url: `${gatewayUrl}${demo.orderWebhookPath.replace('{location}', r.posLocationId).replace('{token}', secret.webhookPathToken)}`,
      withBasicAuth: true,
      username: secret.webhookUsername ?? 'sinqro',
      password: secret.webhookSigningSecrets[0] as string,
      provideAccount: true,
      expandTransactions: true,
      expandPayments: true,
      subscribeTo: ALL_SUBSCRIPTIONS,
      businessLocationIds: [Number(r.posLocationId)],
    })),
    platform: {
      code: platformCode ?? 'SINQRO',
      profile: {
        displayName: 'Sinqro',
        webhookAuthType: 'BEARER_TOKEN',
        webhookAuthDetails: { bearer: { token: app.webhookSigningSecrets[0] as string } },
        notificationTypes: ['ORDER_OPENED', 'ORDER_CLOSED', 'POS_RESERVATION_UPDATED', 'ERROR'],
        orderWebhookUrl: reservationUrl('order'),
        errorsWebhookUrl: reservationUrl('errors'),
        posReservationUpdateWebhookUrl: reservationUrl('pos-reservation'),
      },
      integrations: restaurants.map((r) => ({
        businessLocationId: Number(r.posLocationId),
        platformRestaurantId: r.posLocationId,
      })),
    },
    log,
  });
}

/** What the receivers may write, by the names they run under here (as the stack grants it to each). */
function receiverWrites(): Record<string, TableWrites> {
  return {
    [SINQRO_EVENTS_ROUTE.functionName]: TABLE_WRITES.sinqroReceiver,
    'sinqro-events': TABLE_WRITES.sinqroReceiver,
    [POS_WEBHOOK_FUNCTION]: TABLE_WRITES.posReceiver(ADAPTERS.map((a) => a.code)),
  };
}
