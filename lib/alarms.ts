/**
 * Where the alarms go: one SNS topic per stage (`alarms.topic` in lib/stage-config.ts). Every alarm
 * in the stack gets it as its ALARM and its OK action, so whoever is notified of a problem also
 * learns when it is over. A topic the stack creates is encrypted with its own KMS key (CloudWatch
 * cannot publish to a topic under the AWS-managed SNS key), refuses non-TLS requests, and lets only
 * CloudWatch alarms of this account and region publish.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, type IConstruct } from 'constructs';
import { alarmTopicConfig, type Stage } from './stage-config';

export const alarmTopicName = (stage: string) => `sinqro-pos-bridge-${stage}-alarms`;

export class AlarmNotifications extends Construct {
  readonly topic: ITopic;
  /** Only when the stack creates the topic. */
  readonly key?: Key;

  constructor(scope: Construct, id: string, props: { stage: Stage }) {
    super(scope, id);
    const config = alarmTopicConfig(props.stage);
    if ('arn' in config) {
      this.topic = Topic.fromTopicArn(this, 'Topic', config.arn);
      return;
    }

    const stack = Stack.of(this);
    const cloudwatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    // Named, so the key policy can name the topic without a reference cycle (the topic refers to the key).
    const topicName = alarmTopicName(props.stage.name);
    const topicArn = stack.formatArn({ service: 'sns', resource: topicName });

    this.key = new Key(this, 'Key', {
      description: `Sinqro POS Bridge (${props.stage.name}): encrypts the alarm topic`,
      enableKeyRotation: true,
      removalPolicy: props.stage.removalPolicy,
    });
    // A publisher to an encrypted topic needs the key: CloudWatch may use it for this topic only.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsMayPublishToTheTopic',
        principals: [cloudwatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:EncryptionContext:aws:sns:topicArn': topicArn } },
      }),
    );

    const topic = new Topic(this, 'Topic', {
      topicName,
      displayName: `Sinqro POS Bridge ${props.stage.name} alarms`,
      masterKey: this.key,
      enforceSSL: true,
    });
    // The topic policy replaces SNS's default one, so CloudWatch's right to publish is written out,
    // for alarms of this account and region only (confused-deputy guard).
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsMayPublish',
        principals: [cloudwatch],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    for (const email of config.emails) topic.addSubscription(new EmailSubscription(email));
    this.topic = topic;
  }

  /** Sends every alarm under `scope` (the whole stack) to the topic, on ALARM and on OK. */
  notifyAll(scope: IConstruct): Alarm[] {
    const action = new SnsAction(this.topic);
    const alarms = scope.node.findAll().filter((c): c is Alarm => c instanceof Alarm);
    for (const alarm of alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    return alarms;
  }
}
