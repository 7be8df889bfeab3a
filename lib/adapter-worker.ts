/**
 * One POS adapter's share of the stack: its work queue (+DLQ and alarms) and the worker Lambda that
 * drains it, throttled by the event source mapping to what the POS API tolerates.
 */
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AdapterSettings, PosAdapter } from '../adapters/port';
import { DEFAULT_ORDER_EXPIRY_GRACE_MINUTES, envNames } from '../functions/infra/env';
import { METRICS } from '../functions/infra/metrics';
import { TABLE_WRITES } from '../functions/store/table-writes';
import { bindQueue, bindSecret, bindTable, grantSecretsUnder, grantSecretWritesUnder } from './bind';
import { BridgeFunction, WORKER } from './bridge-function';
import { alarmAtFirst } from './metric-alarm';
import { restaurantPosSecretsPrefix, type Stage } from './stage-config';
import { WorkQueue } from './work-queue';

export type AdapterWorkerProps = {
  adapter: Pick<PosAdapter, 'code' | 'maxConcurrency' | 'credentials'>;
  stage: Stage;
  table: ITable;
  /** The adapter's own API credentials (per-restaurant ones live under its secret prefix); no webhook secret. */
  posSecret: ISecret;
  posBaseUrl: string;
  /** This stage's settings for the adapter (webhooks off → the worker polls). */
  settings: AdapterSettings;
  toSinqroQueue: IQueue;
};

export class AdapterWorker extends Construct {
  readonly work: WorkQueue;
  readonly fn: BridgeFunction;
  readonly posAuthAlarm: Alarm;

  constructor(scope: Construct, id: string, props: AdapterWorkerProps) {
    super(scope, id);
    const { code } = props.adapter;
    this.work = new WorkQueue(this, 'Work', {
      purpose: `${code} work queue`,
      consumerTimeout: WORKER.timeout,
      oldestMessageAge: props.stage.alarms.oldestMessageAge,
    });
    this.fn = new BridgeFunction(this, 'Worker', {
      entry: 'adapter-worker',
      description: `${code} adapter worker: injects orders into the POS and turns its events into statuses`,
      ...WORKER,
      logRetention: props.stage.logRetention,
      removalPolicy: props.stage.removalPolicy,
      environment: {
        [envNames.posCode]: code,
        [envNames.posBaseUrl(code)]: props.posBaseUrl,
        [envNames.posSettings(code)]: JSON.stringify(props.settings),
        [envNames.stage]: props.stage.name,
        [envNames.orderExpiryGrace]: String(
          props.stage.orderExpiryGrace?.toMinutes() ?? DEFAULT_ORDER_EXPIRY_GRACE_MINUTES,
        ),
      },
    });
    bindTable(this.fn, props.table, 'worker', TABLE_WRITES.worker(props.adapter));
    bindSecret(this.fn, envNames.posSecret(code), props.posSecret);
    grantSecretsUnder(this.fn, restaurantPosSecretsPrefix(props.stage.name, code));
    // Renewed OAuth tokens are written back to the merchant's secret: only by an adapter that renews them.
    if (props.adapter.credentials) grantSecretWritesUnder(this.fn, restaurantPosSecretsPrefix(props.stage.name, code));
    bindQueue(this.fn, envNames.toSinqroQueue, props.toSinqroQueue);
    // A catalog sync reads one POS page per message and enqueues the next page on its own queue.
    bindQueue(this.fn, envNames.workQueue(code), this.work.queue);
    this.work.consumeWith(this.fn, props.adapter.maxConcurrency);

    // Orders wait (retried) while the POS refuses the credential: someone must renew or fix it before the DLQ.
    this.posAuthAlarm = alarmAtFirst(this, 'PosAuthFailures', {
      metricName: METRICS.posAuthFailures,
      dimensions: { [METRICS.stageDimension]: props.stage.name, PosCode: code },
      description: `${code} POS refused the bridge's credential (401/403): its orders wait and are retried; the worker's log names the restaurant and its secret, renew or fix that secret (docs/operations.md)`,
    });
  }
}
