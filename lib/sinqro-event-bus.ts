/**
 * Sinqro's second way in: a custom EventBridge bus that only Sinqro's account may put events on,
 * and a rule that hands those events to the sinqro-events function. Deliveries that still fail
 * after the retries (EventBridge's or Lambda's asynchronous ones) land in a dead-letter queue with
 * an alarm, so no event is lost silently.
 */
import { CfnOutput } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { AccountPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFn } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAX_MESSAGE_BYTES } from '../functions/core/limits';
import type { Stage } from './stage-config';
import { DLQ_RETENTION, dlqNotEmptyAlarm } from './work-queue';

export type SinqroEventBusProps = { stage: Stage; target: LambdaFn };

export class SinqroEventBus extends Construct {
  readonly bus: EventBus;
  readonly rule: Rule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: SinqroEventBusProps) {
    super(scope, id);
    const { sinqroAccountId, sinqroEventSource } = props.stage;
    this.bus = new EventBus(this, 'Bus', { description: `Sinqro events for the POS bridge (${props.stage.name})` });
    this.bus.addToResourcePolicy(
      new PolicyStatement({
        sid: 'SinqroMayPutEvents',
        principals: [new AccountPrincipal(sinqroAccountId)],
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
        conditions: { 'ForAllValues:StringEquals': { 'events:source': [sinqroEventSource] } },
      }),
    );
    this.deadLetterQueue = new Queue(this, 'Dlq', {
      retentionPeriod: DLQ_RETENTION,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      maxMessageSizeBytes: MAX_MESSAGE_BYTES,
    });
    // The handler throws only when it could not enqueue: Lambda retries twice, then parks the event.
    props.target.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(this.deadLetterQueue) });
    this.rule = new Rule(this, 'ToSinqroEvents', {
      eventBus: this.bus,
      description: 'Sinqro order and reservation events → sinqro-events',
      eventPattern: { source: [sinqroEventSource], account: [sinqroAccountId] },
      targets: [new LambdaFunction(props.target, { deadLetterQueue: this.deadLetterQueue })],
    });
    dlqNotEmptyAlarm(this, 'DlqNotEmpty', this.deadLetterQueue, 'Sinqro EventBridge deliveries');
    new CfnOutput(this, 'BusArn', { description: 'Event bus Sinqro puts its events on', value: this.bus.eventBusArn });
  }
}
