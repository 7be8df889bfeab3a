/**
 * Every alarm notifies the stage's SNS topic (lib/alarms.ts) on ALARM and on OK. A topic the stack
 * creates is KMS-encrypted with a rotating key CloudWatch may use, refuses non-TLS publishing, lets
 * only this account's CloudWatch alarms publish, and subscribes the stage's addresses. An existing
 * topic (by ARN) is used as is, and nothing is created.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveStage, type Stage } from '../../lib/stage-config';
import { type Built, buildStack, flatten, resources } from './fixture';

type Statement = { Effect: string; Action: string | string[]; Principal: unknown; Condition?: unknown; Sid?: string };

const withTopic = (topic: Stage['alarms']['topic']): Stage => {
  const sandbox = resolveStage('sandbox');
  return { ...sandbox, alarms: { ...sandbox.alarms, topic } };
};

const alarms = (b: Built) => Object.entries(resources(b, 'AWS::CloudWatch::Alarm'));

describe('a topic the stack creates', () => {
  let built: Built;
  let topicId: string;
  beforeAll(() => {
    built = buildStack({ stage: withTopic({ emails: ['oncall@example.com', 'second@example.com'] }) });
    const topics = Object.keys(resources(built, 'AWS::SNS::Topic'));
    expect(topics).toHaveLength(1);
    topicId = topics[0] as string;
  });

  test('every alarm sends ALARM and OK to it, and nothing else', () => {
    expect(alarms(built).length).toBeGreaterThanOrEqual(7);
    for (const [id, alarm] of alarms(built)) {
      expect({ id, alarm: alarm.Properties.AlarmActions, ok: alarm.Properties.OKActions }).toEqual({
        id,
        alarm: [{ Ref: topicId }],
        ok: [{ Ref: topicId }],
      });
    }
  });

  test('its policy denies publishing without TLS', () => {
    const policies = Object.values(resources(built, 'AWS::SNS::TopicPolicy'));
    expect(policies).toHaveLength(1);
    const policy = policies[0]?.Properties as { Topics: unknown[]; PolicyDocument: { Statement: Statement[] } };
    expect(policy.Topics).toEqual([{ Ref: topicId }]);
    expect(policy.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:Publish',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  test("only this account's CloudWatch alarms may publish", () => {
    const policy = Object.values(resources(built, 'AWS::SNS::TopicPolicy'))[0]?.Properties as {
      PolicyDocument: { Statement: Statement[] };
    };
    const allows = policy.PolicyDocument.Statement.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]?.Principal).toEqual({ Service: 'cloudwatch.amazonaws.com' });
    expect(allows[0]?.Action).toBe('sns:Publish');
    const condition = allows[0]?.Condition as { StringEquals: unknown; ArnLike: { 'aws:SourceArn': unknown } };
    expect(condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    expect(flatten(condition.ArnLike['aws:SourceArn'])).toBe(
      `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:*`,
    );
  });

  test('it is encrypted with a rotating key whose policy lets CloudWatch encrypt for this topic only', () => {
    const topic = resources(built, 'AWS::SNS::Topic')[topicId];
    if (!topic) throw new Error('no topic');
    const keyId = (topic.Properties.KmsMasterKeyId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const key = resources(built, 'AWS::KMS::Key')[keyId];
    if (!key) throw new Error(`topic key ${keyId} is not a KMS key of the stack`);
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const statements = (key.Properties.KeyPolicy as { Statement: Statement[] }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    );
    const cw = statements.find((st) => JSON.stringify(st.Principal).includes('cloudwatch'));
    if (!cw) throw new Error('no CloudWatch statement in the key policy');
    const context = (cw.Condition as { StringEquals: Record<string, unknown> }).StringEquals;
    expect(Object.keys(context)).toEqual(['kms:EncryptionContext:aws:sns:topicArn']);
    // The topic's own ARN, spelled from its name (a Ref would make a cycle: the topic refers to the key).
    expect(flatten(context['kms:EncryptionContext:aws:sns:topicArn'])).toBe(
      `arn:\${AWS::Partition}:sns:\${AWS::Region}:\${AWS::AccountId}:${String(topic.Properties.TopicName)}`,
    );
    expect(topic.Properties.TopicName).toBe('sinqro-pos-bridge-sandbox-alarms');
  });

  test('each address is subscribed by email', () => {
    const subs = Object.values(resources(built, 'AWS::SNS::Subscription')).map((s) => s.Properties);
    expect(subs).toEqual([
      expect.objectContaining({ Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: { Ref: topicId } }),
      expect.objectContaining({ Protocol: 'email', Endpoint: 'second@example.com', TopicArn: { Ref: topicId } }),
    ]);
  });

  test('its ARN is an output', () => {
    const outputs = built.template.findOutputs('*') as Record<string, { Value: unknown }>;
    expect(outputs.AlarmTopicArn?.Value).toEqual({ Ref: topicId });
  });
});

describe('an existing topic, by ARN', () => {
  const arn = 'arn:aws:sns:eu-west-1:123456789012:team-oncall';
  let built: Built;
  beforeAll(() => {
    built = buildStack({ stage: withTopic({ arn }) });
  });

  test('every alarm sends ALARM and OK to that ARN', () => {
    expect(alarms(built).length).toBeGreaterThanOrEqual(7);
    for (const [id, alarm] of alarms(built)) {
      expect({ id, alarm: alarm.Properties.AlarmActions, ok: alarm.Properties.OKActions }).toEqual({
        id,
        alarm: [arn],
        ok: [arn],
      });
    }
  });

  test('no topic, key, policy or subscription is created', () => {
    for (const type of ['AWS::SNS::Topic', 'AWS::KMS::Key', 'AWS::SNS::TopicPolicy', 'AWS::SNS::Subscription'])
      expect({ type, count: Object.keys(resources(built, type)).length }).toEqual({ type, count: 0 });
  });
});

test('each deployable stage notifies someone: every alarm of every stage has both actions', () => {
  for (const name of ['sandbox', 'production']) {
    const built = buildStack({ stage: resolveStage(name) });
    for (const [, alarm] of alarms(built)) {
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
      expect(alarm.Properties.OKActions).toHaveLength(1);
    }
  }
});

test("the runbook's alarm table (docs/operations.md) names every alarm the stack makes, by its description", () => {
  const runbook = readFileSync(join(__dirname, '..', '..', 'docs', 'operations.md'), 'utf8');
  const table = runbook.slice(runbook.indexOf('## Alarms and what to do'), runbook.indexOf('## Logs Insights queries'));
  const sandbox = resolveStage('sandbox');
  const built = buildStack({
    stage: { ...sandbox, adapters: { ...sandbox.adapters, otherpos: { baseUrl: 'https://other.example.com' } } },
    adapters: [
      { code: 'reference', maxConcurrency: 5 },
      { code: 'otherpos', maxConcurrency: 5 },
    ],
  });
  const titles = alarms(built).map(([, a]) =>
    String(a.Properties.AlarmDescription)
      .split(' (')[0]
      ?.replace(/^(reference|otherpos) /, '<code> ')
      .slice(0, 45),
  );
  expect(titles.length).toBeGreaterThanOrEqual(9);
  for (const title of titles)
    expect({ title, documented: table.includes(title ?? '?') }).toEqual({ title, documented: true });
});
