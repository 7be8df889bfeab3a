/**
 * The one stack: webhook API and event bus in, one queue + worker per POS adapter,
 * the to-sinqro queue and its publisher, one DynamoDB table. Adapters come from the registry, so a
 * new POS gets its queue, worker, secrets and alarms without touching this file.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { PosAdapter } from '../adapters/port';
import { envNames } from '../functions/infra/env';
import { httpRoutes, posWebhooksPrefix, SINQRO_EVENTS_ROUTE } from '../functions/routes';
import { TABLE } from '../functions/store/table';
import { TABLE_WRITES } from '../functions/store/table-writes';
import { AdapterWorker } from './adapter-worker';
import { AlarmNotifications } from './alarms';
import { bindQueue, bindSecret, bindTable, grantSecretsUnder } from './bind';
import { BridgeFunction, INGRESS, PUBLISHER } from './bridge-function';
import { BridgeDashboard } from './dashboard';
import { IngressAlarms } from './ingress-alarms';
import { BridgeScheduler } from './scheduler';
import { SinqroEventBus } from './sinqro-event-bus';
import { OUTPUTS, stackName } from './stack-outputs';
import {
  adapterConfig,
  ingressLimits,
  posWebhookSecretName,
  restaurantSecretsPrefix,
  type Stage,
  sinqroWebhookSecretName,
} from './stage-config';
import { WebhookApi } from './webhook-api';
import { WorkQueue } from './work-queue';

/** Sinqro publishes no rate limit; keep the publisher's parallel calls modest until it does. */
export const SINQRO_MAX_CONCURRENCY = 5;

export type StackAdapter = Pick<PosAdapter, 'code' | 'maxConcurrency' | 'webhookLocationOf' | 'credentials'>;

export type BridgeStackProps = StackProps & { stage: Stage; adapters: readonly StackAdapter[] };

export { stackName };

export class BridgeStack extends Stack {
  readonly stage: Stage;
  readonly table: Table;
  readonly api: WebhookApi;
  readonly events: SinqroEventBus;
  readonly workers: Record<string, AdapterWorker> = {};
  /** Adapters whose webhooks pos-webhook may verify with a location's own secret (it reads their locations' webhook secrets). */
  readonly perLocationWebhookSecrets: string[] = [];
  readonly toSinqro: WorkQueue;
  readonly scheduler: BridgeScheduler;
  readonly notifications: AlarmNotifications;
  readonly dashboard: BridgeDashboard;
  readonly functions: {
    sinqroWebhook: BridgeFunction;
    sinqroEvents: BridgeFunction;
    posWebhook: BridgeFunction;
    publisher: BridgeFunction;
  };

  constructor(scope: Construct, id: string, props: BridgeStackProps) {
    super(scope, id, props);
    const { stage, adapters } = props;
    this.stage = stage;
    checkAdapterCodes(adapters);
    const routes = httpRoutes(adapters.map((a) => a.code));
    const limits = ingressLimits(
      stage,
      routes.map((r) => r.name),
    );
    const fnDefaults = { logRetention: stage.logRetention, removalPolicy: stage.removalPolicy };

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE.ttlAttribute,
      removalPolicy: stage.removalPolicy,
      deletionProtection: stage.removalPolicy === RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE.gsi1.indexName,
      partitionKey: { name: TABLE.gsi1.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.gsi1.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType[TABLE.gsi1.projection],
    });

    // Secrets are created and filled by operators (never by the stack): it only references them by name.
    // What verifies a webhook and what calls an API are separate secrets, so the internet-facing
    // functions read only the first kind (docs/operations.md, trust model).
    const sinqroSecret = Secret.fromSecretNameV2(this, 'SinqroSecret', stage.sinqroSecretName);
    const sinqroWebhookSecret = Secret.fromSecretNameV2(
      this,
      'SinqroWebhookSecret',
      sinqroWebhookSecretName(stage.name),
    );

    // Bridge → Sinqro. FIFO, grouped by order: never two posts for one order in flight at once.
    this.toSinqro = new WorkQueue(this, 'ToSinqro', {
      purpose: 'to-sinqro queue',
      fifo: true,
      consumerTimeout: PUBLISHER.timeout,
      oldestMessageAge: stage.alarms.oldestMessageAge,
    });
    const publisher = new BridgeFunction(this, 'SinqroPublisher', {
      entry: 'sinqro-publisher',
      description: 'Tells Sinqro about status changes (to-sinqro queue consumer)',
      ...PUBLISHER,
      ...fnDefaults,
      environment: { [envNames.sinqroApiBaseUrl]: stage.sinqroApiBaseUrl },
    });
    bindTable(publisher, this.table, 'publisher', TABLE_WRITES.publisher);
    bindSecret(publisher, envNames.sinqroSecret, sinqroSecret);
    grantSecretsUnder(publisher, restaurantSecretsPrefix(stage.name));
    this.toSinqro.consumeWith(publisher, SINQRO_MAX_CONCURRENCY);

    // Ingress: verify, validate, dedupe, enqueue. None of them calls a POS or Sinqro. Each reserves its
    // concurrency: a flood is held to it, and the consumers keep the rest of the account's.
    const sinqroWebhook = new BridgeFunction(this, 'SinqroWebhook', {
      entry: 'sinqro-webhook',
      description: `POST ${SINQRO_EVENTS_ROUTE.path}: Sinqro's signed HTTP deliveries`,
      ...INGRESS,
      ...fnDefaults,
      reservedConcurrency: limits.reservedConcurrency.sinqroWebhook,
    });
    bindTable(sinqroWebhook, this.table, 'ingress', TABLE_WRITES.sinqroReceiver);
    bindSecret(sinqroWebhook, envNames.sinqroWebhookSecret, sinqroWebhookSecret);

    const sinqroEvents = new BridgeFunction(this, 'SinqroEvents', {
      entry: 'sinqro-events',
      description: "Sinqro's events from the EventBridge bus",
      ...INGRESS,
      ...fnDefaults,
      reservedConcurrency: limits.reservedConcurrency.sinqroEvents,
    });
    bindTable(sinqroEvents, this.table, 'ingress', TABLE_WRITES.sinqroReceiver);

    const posWebhook = new BridgeFunction(this, 'PosWebhook', {
      entry: 'pos-webhook',
      description: "POST /<code>/webhooks/{any+}: every POS's webhooks, one route per adapter",
      ...INGRESS,
      ...fnDefaults,
      reservedConcurrency: limits.reservedConcurrency.posWebhook,
    });
    bindTable(posWebhook, this.table, 'ingress', TABLE_WRITES.posReceiver(adapters.map((a) => a.code)));

    for (const adapter of adapters) {
      const config = adapterConfig(stage, adapter.code);
      const posSecret = Secret.fromSecretNameV2(this, `PosSecret${pascal(adapter.code)}`, config.secretName);
      const worker = new AdapterWorker(this, `Adapter${pascal(adapter.code)}`, {
        adapter,
        stage,
        table: this.table,
        posSecret,
        posBaseUrl: config.baseUrl,
        settings: config.settings,
        toSinqroQueue: this.toSinqro.queue,
      });
      this.workers[adapter.code] = worker;
      // Sinqro's events route by the restaurant's POS, so both Sinqro receivers may feed every adapter.
      for (const fn of [sinqroWebhook, sinqroEvents, posWebhook])
        bindQueue(fn, envNames.workQueue(adapter.code), worker.work.queue);
      const webhookSecretName = posWebhookSecretName(stage.name, adapter.code);
      const webhookSecret = Secret.fromSecretNameV2(this, `PosWebhookSecret${pascal(adapter.code)}`, webhookSecretName);
      bindSecret(posWebhook, envNames.posWebhookSecret(adapter.code), webhookSecret);
      // A POS that signs per location is verified with its location's own secret, when the link names one.
      if (adapter.webhookLocationOf) {
        grantSecretsUnder(posWebhook, webhookSecretName);
        this.perLocationWebhookSecrets.push(adapter.code);
      }
      // The webhook receiver needs the stage's settings too: a signature may cover the notification URL.
      posWebhook.addEnvironment(envNames.posSettings(adapter.code), JSON.stringify(config.settings));
    }

    this.api = new WebhookApi(this, 'Webhooks', {
      stage,
      limits,
      routes,
      functions: { 'sinqro-webhook': sinqroWebhook, 'pos-webhook': posWebhook },
    });

    this.events = new SinqroEventBus(this, 'SinqroBus', { stage, target: sinqroEvents });
    new IngressAlarms(this, 'IngressAlarms', { stage });

    this.scheduler = new BridgeScheduler(this, 'Scheduler', {
      stage,
      table: this.table,
      adapters: Object.fromEntries(
        Object.entries(this.workers).map(([code, worker]) => [
          code,
          { workQueue: worker.work.queue, settings: adapterConfig(stage, code).settings },
        ]),
      ),
    });

    this.functions = { sinqroWebhook, sinqroEvents, posWebhook, publisher };

    // Every alarm created above → the stage's topic, on ALARM and on OK (test/infra/alarm-actions.test.ts
    // fails for one created after this line). The dashboard reads the same lists the stack was built from.
    this.notifications = new AlarmNotifications(this, 'AlarmNotifications', { stage });
    const alarms = this.notifications.notifyAll(this);
    this.dashboard = new BridgeDashboard(this, 'Dashboard', {
      stageName: stage.name,
      apiStage: this.api.stage,
      queues: [
        ...Object.entries(this.workers).map(([code, worker]) => ({ label: `${code} work queue`, work: worker.work })),
        { label: 'to-sinqro queue', work: this.toSinqro },
      ],
      otherDeadLetterQueues: [{ label: 'Sinqro EventBridge DLQ', queue: this.events.deadLetterQueue }],
      functions: [
        { label: 'sinqro-webhook', fn: sinqroWebhook },
        { label: 'sinqro-events', fn: sinqroEvents },
        { label: 'pos-webhook', fn: posWebhook },
        ...Object.entries(this.workers).map(([code, worker]) => ({ label: `${code}-worker`, fn: worker.fn })),
        { label: 'sinqro-publisher', fn: publisher },
        { label: 'scheduler', fn: this.scheduler.fn },
      ],
      posCodes: Object.keys(this.workers),
      alarms,
    });

    // What the operator CLI reads (lib/stack-outputs.ts): the table and every queue it inspects or redrives.
    const output = (key: string, value: string, description: string) =>
      new CfnOutput(this, key, { value, description });
    output(OUTPUTS.tableName, this.table.tableName, 'The DynamoDB table');
    output(OUTPUTS.toSinqroQueueUrl, this.toSinqro.queue.queueUrl, 'to-sinqro queue');
    output(OUTPUTS.toSinqroDlqUrl, this.toSinqro.deadLetterQueue.queueUrl, 'to-sinqro dead-letter queue');
    output(OUTPUTS.eventBusDlqUrl, this.events.deadLetterQueue.queueUrl, "Sinqro's EventBridge deliveries that failed");
    output(OUTPUTS.alarmTopicArn, this.notifications.topic.topicArn, 'SNS topic every alarm notifies (ALARM and OK)');
    output(OUTPUTS.dashboardName, this.dashboard.dashboard.dashboardName, 'CloudWatch dashboard of this stage');
    output(
      OUTPUTS.dashboardUrl,
      `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards/dashboard/${this.dashboard.dashboard.dashboardName}`,
      'CloudWatch dashboard of this stage (console link)',
    );
    for (const [code, worker] of Object.entries(this.workers)) {
      output(OUTPUTS.workQueueUrl(code), worker.work.queue.queueUrl, `${code} work queue`);
      output(OUTPUTS.workDlqUrl(code), worker.work.deadLetterQueue.queueUrl, `${code} work dead-letter queue`);
    }

    // The URLs to give the senders: stable with a custom domain, else they change if the API is replaced.
    const { baseUrl, domain } = this.api;
    const webhookUrl = (path: string) => `${baseUrl}${path.slice(1)}`;
    output(OUTPUTS.webhookBaseUrl, baseUrl, 'Base URL of the webhook API (the custom domain, when the stage has one)');
    output(OUTPUTS.sinqroWebhookUrl, webhookUrl(SINQRO_EVENTS_ROUTE.path), "Sinqro's webhook URL (signed events)");
    for (const code of Object.keys(this.workers)) {
      output(
        OUTPUTS.posWebhookUrl(code),
        webhookUrl(posWebhooksPrefix(code)),
        `${code} webhook URLs start here; the rest of the path is the POS's own`,
      );
    }
    if (domain) {
      output(
        OUTPUTS.customDomainTarget,
        domain.regionalDomainName,
        'DNS: point the custom domain here (CNAME or alias)',
      );
      output(OUTPUTS.customDomainHostedZoneId, domain.regionalHostedZoneId, 'DNS: hosted zone of that target (alias)');
    }
  }
}

function checkAdapterCodes(adapters: readonly StackAdapter[]): void {
  if (adapters.length === 0) throw new Error('no POS adapters registered (adapters/registry.ts)');
  const seen = new Set<string>();
  for (const { code } of adapters) {
    // The code becomes a URL path segment, part of env var names and construct ids.
    if (!/^[a-z0-9]+$/.test(code)) throw new Error(`POS adapter code "${code}" must be lowercase letters and digits`);
    // Events are deduplicated per source (`DEDUPE#<code>#…`, `DEDUPE#sinqro#…`) and written in those partitions only.
    if (code === 'sinqro') throw new Error('POS adapter code "sinqro" is reserved: it names Sinqro\'s own events');
    if (seen.has(code)) throw new Error(`POS adapter code "${code}" is registered twice`);
    seen.add(code);
  }
}

const pascal = (code: string) => code.charAt(0).toUpperCase() + code.slice(1);
