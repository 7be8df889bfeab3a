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
    // Confused-deputy guard: CloudWatch may use the key and the topic for this account's alarms only.
    const fromOwnAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };
    const cloudwatch = new ServicePrincipal('cloudwatch.amazonaws.com');

    this.key = new Key(this, 'Key', {
      description: `Sinqro POS Bridge (${props.stage.name}): encrypts the alarm topic`,
      enableKeyRotation: true,
      removalPolicy: props.stage.removalPolicy,
    });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsMayPublishToTheTopic',
        principals: [cloudwatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromOwnAlarms,
      }),
    );

    const topic = new Topic(this, 'Topic', {
      displayName: `Sinqro POS Bridge ${props.stage.name} alarms`,
      masterKey: this.key,
      enforceSSL: true,
    });
    // The topic policy replaces SNS's default one, so CloudWatch's right to publish is written out.
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsMayPublish',
        principals: [cloudwatch],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: fromOwnAlarms,
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
