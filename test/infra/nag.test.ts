/**
 * cdk-nag's AwsSolutions pack over the whole stack (every stage, and with a second adapter): no
 * finding may remain unsuppressed, and the ones kept are exactly those lib/nag.ts gives reasons for.
 */
import { App, Aspects, CfnResource, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { applyNag } from '../../lib/nag';
import { resolveStage, STAGES, type StageName } from '../../lib/stage-config';
import { buildStack, resources } from './fixture';

const NAG = Match.stringLikeRegexp('AwsSolutions-.*');

function findings(stack: Stack): string[] {
  const annotations = Annotations.fromStack(stack);
  return [...annotations.findError('*', NAG), ...annotations.findWarning('*', NAG)].map(
    (f) => `${f.id}: ${String(f.entry.data).split('\n')[0]}`,
  );
}

type Suppression = { id: string; reason: string; applies_to?: unknown[] };

/** The suppressions cdk-nag reads: `cdk_nag` metadata on each CloudFormation resource. */
function suppressions(stack: Stack): Suppression[] {
  return stack.node
    .findAll()
    .filter((c): c is CfnResource => c instanceof CfnResource)
    .flatMap(
      (r) => (r.getMetadata('cdk_nag') as { rules_to_suppress?: Suppression[] } | undefined)?.rules_to_suppress ?? [],
    );
}

test.each(Object.keys(STAGES) as StageName[])('stage %s: no unsuppressed AwsSolutions finding', (name) => {
  const { stack } = buildStack({ stage: resolveStage(name) });
  applyNag(stack);
  expect(findings(stack)).toEqual([]);
});

test('a second adapter gets its queue, worker and secret prefix through the checks too', () => {
  const sandbox = resolveStage('sandbox');
  const { stack } = buildStack({
    stage: { ...sandbox, adapters: { ...sandbox.adapters, otherpos: { baseUrl: 'https://other.example.com' } } },
    adapters: [
      { code: 'reference', maxConcurrency: 5 },
      { code: 'otherpos', maxConcurrency: 5 },
    ],
  });
  applyNag(stack);
  expect(findings(stack)).toEqual([]);
});

test('with an existing alarm topic (by ARN) too', () => {
  const sandbox = resolveStage('sandbox');
  const { stack } = buildStack({
    stage: { ...sandbox, alarms: { ...sandbox.alarms, topic: { arn: 'arn:aws:sns:eu-west-1:123456789012:oncall' } } },
  });
  applyNag(stack);
  expect(findings(stack)).toEqual([]);
});

test('with a custom domain too (its domain name and API mapping)', () => {
  const sandbox = resolveStage('sandbox');
  const { stack } = buildStack({
    stage: {
      ...sandbox,
      adapters: {
        ...sandbox.adapters,
        square: {
          ...sandbox.adapters.square,
          baseUrl: 'https://connect.squareupsandbox.com',
          settings: { webhookNotificationUrl: 'https://hooks.bridge.example.com/square/webhooks/events' },
        },
      },
      customDomain: {
        domainName: 'hooks.bridge.example.com',
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0b6e2c1a-3f4d-4e5b-9a8c-7d6e5f4a3b2c',
      },
    },
  });
  applyNag(stack);
  expect(findings(stack)).toEqual([]);
});

test('the alarm topic the stack creates passes SNS3 (KMS and TLS only) without a suppression', () => {
  const built = buildStack();
  expect(Object.keys(resources(built, 'AWS::SNS::Topic'))).toHaveLength(1);
  applyNag(built.stack);
  expect(findings(built.stack)).toEqual([]);
  expect(suppressions(built.stack).filter((s) => /SNS|KMS/.test(s.id))).toEqual([]);
});

test('only L1, IAM5 (named secret prefixes), APIG4 and SQS3 are suppressed, each with a reason', () => {
  const { stack } = buildStack();
  applyNag(stack);
  const kept = suppressions(stack);
  expect(new Set(kept.map((s) => s.id))).toEqual(
    new Set(['AwsSolutions-L1', 'AwsSolutions-IAM5', 'AwsSolutions-APIG4', 'AwsSolutions-SQS3']),
  );
  for (const s of kept) expect(s.reason.length).toBeGreaterThan(80);
  // IAM5 never as a blanket: each names the wildcard resources it excuses, secret prefixes only.
  for (const s of kept.filter((k) => k.id === 'AwsSolutions-IAM5')) {
    expect(s.applies_to?.length).toBeGreaterThanOrEqual(1);
    for (const finding of s.applies_to ?? []) expect(JSON.stringify(finding)).toMatch(/:secret:sinqro-pos-bridge/);
  }
});

test('IAM4 is fixed, not suppressed: no role carries an AWS managed policy', () => {
  const built = buildStack();
  for (const role of Object.values(resources(built, 'AWS::IAM::Role')))
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
});

test('the IAM5 suppression is narrow: any other wildcard on the same role is still a finding', () => {
  const { stack } = buildStack();
  stack.functions.publisher.addToRolePolicy(
    new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: ['*'] }),
  );
  applyNag(stack);
  expect(findings(stack)).toEqual([expect.stringMatching(/AwsSolutions-IAM5\[Resource::\*\]/)]);
});

test('the check can fail: a queue without DLQ, SSE or TLS-only policy is reported', () => {
  const stack = new Stack(new App(), 'Throwaway');
  new Queue(stack, 'Bare');
  Aspects.of(stack).add(new AwsSolutionsChecks());
  const found = findings(stack).join('\n');
  expect(found).toMatch(/AwsSolutions-SQS3/);
  expect(found).toMatch(/AwsSolutions-SQS4/);
});

test('the check can fail: a topic with neither KMS nor a TLS-only policy is reported (SNS3)', () => {
  const stack = new Stack(new App(), 'ThrowawayTopic');
  new Topic(stack, 'Bare');
  Aspects.of(stack).add(new AwsSolutionsChecks());
  expect(findings(stack)).toEqual([expect.stringMatching(/AwsSolutions-SNS3/)]);
});
