/**
 * The whole stack on this machine: dynalite, a local SQS with the real SQS semantics, an HTTP gateway
 * that builds API Gateway v2 events for the very same handlers, one poller per queue standing in for
 * the event source mappings, and the simulators (reference POS, Sinqro). Generated from the adapter
 * registry, like the CDK stack.
 */
import { resolve } from 'node:path';
import { ADAPTERS } from '../adapters/registry';
import { HTTP_ROUTES } from '../functions/routes';
import { envNames } from '../functions/shared/env';
import { MAX_MESSAGE_BYTES } from '../functions/shared/limits';
import { type LogSink, setLogSink } from '../functions/shared/logger';
import type { RestaurantLink } from '../functions/shared/store';
import config from './config.json';
import { createTable, startDynalite } from './dynamo';
import { LocalGateway } from './gateway';
import { QueuePoller } from './queue-poller';
import { ReferencePosSim } from './reference-pos-sim';
import { SinqroSim } from './sinqro-sim';
import { LocalSqs } from './sqs-server';

export type RuntimeOptions = {
  /** 0 picks a free port (tests); defaults come from local/config.json. */
  ports?: Partial<typeof config.ports>;
  /** Visibility timeout of the work queues; the function timeout is a sixth of it, as in the stack. */
  visibilityTimeoutSeconds?: number;
  /** Where every log line goes (handlers and simulators); defaults to stdout. */
  log?: (line: string) => void;
  /** Parallel batches per worker (the stack uses the adapter's maxConcurrency). */
  workerConcurrency?: number;
};

export type LocalRuntime = {
  urls: { gateway: string; referencePos: string; sinqro: string; dynamodb: string; sqs: string };
  sqs: LocalSqs;
  referencePos: ReferencePosSim;
  sinqro: SinqroSim;
  queues: { name: string; url: string; dlqName: string; dlqUrl: string; consumer: string }[];
  tableName: string;
  stop: () => Promise<void>;
};

const TABLE_NAME = 'sinqro-pos-bridge-local';
const DEMO_SECRETS = resolve(__dirname, 'secrets.json');

export async function startLocalRuntime(options: RuntimeOptions = {}): Promise<LocalRuntime> {
  // Local runs happen on Node 20; the deployed functions run on nodejs22.x, so the SDK's notice does not apply.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const given = Object.fromEntries(
    Object.entries(options.ports ?? {}).filter(([, v]) => v !== undefined && !Number.isNaN(v)),
  );
  const ports = { ...config.ports, ...given };
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const visibility = options.visibilityTimeoutSeconds ?? 60;
  const functionTimeoutMs = Math.floor((visibility * 1000) / 6);

  const dynamo = await startDynalite(0);
  await createTable(dynamo.endpoint, TABLE_NAME);
  const sqs = new LocalSqs();
  const sqsEndpoint = await sqs.start(0);

  // Queues: one work queue (+DLQ) per adapter, and the to-sinqro queue (+DLQ): same shape as lib/.
  const makeQueue = (name: string, consumer: string) => {
    const dlq = sqs.createQueue(`${name}-dlq`, {
      MessageRetentionPeriod: String(14 * 86400),
      MaximumMessageSize: String(MAX_MESSAGE_BYTES),
    });
    const q = sqs.createQueue(name, {
      VisibilityTimeout: String(visibility),
      MaximumMessageSize: String(MAX_MESSAGE_BYTES),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
    });
    return { name, url: q.url, arn: q.arn, dlqName: dlq.name, dlqUrl: dlq.url, consumer };
  };
  const workQueues = ADAPTERS.map((a) => ({
    adapter: a,
    ...makeQueue(`${TABLE_NAME}-${a.code}-work`, `${a.code}-worker`),
  }));
  const toSinqro = makeQueue(`${TABLE_NAME}-to-sinqro`, 'sinqro-publisher');

  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: sqsEndpoint,
    [envNames.table]: TABLE_NAME,
    [envNames.sinqroSecret]: config.secretNames.sinqro,
    [envNames.toSinqroQueue]: toSinqro.url,
    LOCAL_SECRETS_FILE: process.env.LOCAL_SECRETS_FILE ?? DEMO_SECRETS,
    LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty',
  });
  for (const q of workQueues) {
    process.env[envNames.workQueue(q.adapter.code)] = q.url;
    process.env[envNames.posSecret(q.adapter.code)] =
      (config.secretNames.pos as Record<string, string>)[q.adapter.code] ?? '';
  }
  const sink: LogSink = (line) => log(line);
  setLogSink(sink);

  // Handlers are imported only now, so their module-scope clients see the local endpoints.
  const [sinqroWebhook, sinqroEvents, posWebhook, worker, publisher, store, secrets] = await Promise.all([
    import('../functions/sinqro-webhook'),
    import('../functions/sinqro-events'),
    import('../functions/pos-webhook'),
    import('../functions/adapter-worker'),
    import('../functions/sinqro-publisher'),
    import('../functions/shared/store'),
    import('../functions/shared/secrets'),
  ]);

  const gateway = new LocalGateway({
    routes: [
      { ...HTTP_ROUTES.sinqroEvents, handler: sinqroWebhook.handler as never },
      { ...HTTP_ROUTES.posWebhooks, handler: posWebhook.handler as never },
    ].map((r) => ({ ...r, method: 'POST', routeKey: `POST ${r.path}`, timeoutMs: 5000 })),
    eventBridge: { functionName: 'sinqro-events', handler: sinqroEvents.handler as never, source: 'sinqro.pos-bridge' },
    onRequest: log,
  });
  // The gateway listens first: the simulators need its address.
  const gatewayPort = await gateway.start(ports.gateway);
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;

  const secretOf = <T>(name: string) => (secrets.getSecret as (n: string) => Promise<T>)(name);
  const sinqroSecret = await secretOf<{ webhookSigningSecrets: string[]; serverAccessToken: string }>(
    config.secretNames.sinqro,
  );
  const refSecret = await secretOf<{ webhookSigningSecrets: string[]; apiKey: string }>(
    config.secretNames.pos.reference,
  );
  const userAccessTokens: Record<number, string> = {};
  for (const r of config.restaurants)
    userAccessTokens[r.restaurantId] = (
      await secretOf<{ userAccessToken: string }>(r.sinqroTokenSecret)
    ).userAccessToken;

  const referencePos = new ReferencePosSim({
    apiKey: refSecret.apiKey,
    webhookSecret: refSecret.webhookSigningSecrets[0] as string,
    webhookUrl: `${gatewayUrl}/reference/webhooks`,
    defaultLocationId: config.restaurants.find((r) => r.posCode === 'reference')?.posLocationId,
    catalogLocationId: config.restaurants.find((r) => r.posCode === 'reference')?.posLocationId,
    log,
  });
  const referencePosUrl = await referencePos.start(ports.referencePos);
  const sinqro = new SinqroSim({
    serverAccessToken: sinqroSecret.serverAccessToken,
    userAccessTokens,
    signingSecret: sinqroSecret.webhookSigningSecrets[0] as string,
    bridgeEventsUrl: `${gatewayUrl}/sinqro/events`,
    bridgeEventBridgeUrl: `${gatewayUrl}/_local/eventbridge`,
    log,
  });
  const sinqroUrl = await sinqro.start(ports.sinqro);
  process.env[envNames.sinqroApiBaseUrl] = `${sinqroUrl}/pos-app/v1`;
  process.env[envNames.posBaseUrl('reference')] = referencePosUrl;

  for (const r of config.restaurants) {
    const link: RestaurantLink = {
      restaurantId: r.restaurantId,
      posCode: r.posCode,
      posLocationId: r.posLocationId,
      sinqroTokenSecret: r.sinqroTokenSecret,
      enabled: true,
      createdAt: new Date().toISOString(),
    };
    await store.putLink(link);
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

  return {
    urls: {
      gateway: gatewayUrl,
      referencePos: referencePosUrl,
      sinqro: sinqroUrl,
      dynamodb: dynamo.endpoint,
      sqs: sqsEndpoint,
    },
    sqs,
    referencePos,
    sinqro,
    queues: [...workQueues.map(({ adapter: _a, arn: _arn, ...q }) => q), (({ arn: _arn, ...q }) => q)(toSinqro)],
    tableName: TABLE_NAME,
    stop: async () => {
      await Promise.all(pollers.map((p) => p.stop()));
      await Promise.all([gateway.stop(), referencePos.stop(), sinqro.stop()]);
      await sqs.stop();
      await dynamo.stop();
    },
  };
}
