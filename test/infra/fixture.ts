/**
 * Builds the stack for assertions without bundling (no esbuild, no Docker) and reads the template the
 * way the tests need it: functions, their roles' statements, queues and what consumes them.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { ADAPTERS } from '../../adapters/registry';
import type { BridgeFunction } from '../../lib/bridge-function';
import { BridgeStack, type StackAdapter, stackName } from '../../lib/bridge-stack';
import { resolveStage, type Stage } from '../../lib/stage-config';

export type Built = { stack: BridgeStack; template: Template; stage: Stage };

export function buildStack(
  options: { stage?: Stage; adapters?: readonly StackAdapter[]; env?: { account: string; region: string } } = {},
): Built {
  const stage = options.stage ?? resolveStage('sandbox');
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new BridgeStack(app, stackName(stage.name), {
    stage,
    adapters: options.adapters ?? ADAPTERS,
    env: options.env,
  });
  return { stack, template: Template.fromStack(stack), stage };
}

export type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};
export type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
  Principal?: unknown;
};

export const logicalId = (built: Built, fn: BridgeFunction) =>
  built.stack.getLogicalId(fn.node.defaultChild as CfnFunction);
export const queueId = (built: Built, queue: { node: { defaultChild?: unknown } }) =>
  built.stack.getLogicalId(queue.node.defaultChild as CfnQueue);

export function resources(built: Built, type: string): Record<string, Resource> {
  return built.template.findResources(type) as Record<string, Resource>;
}

export function functionProps(built: Built, fn: BridgeFunction): Record<string, unknown> {
  const found = resources(built, 'AWS::Lambda::Function')[logicalId(built, fn)];
  if (!found) throw new Error('function not in template');
  return found.Properties;
}

export function environmentOf(built: Built, fn: BridgeFunction): Record<string, unknown> {
  const env = functionProps(built, fn).Environment as { Variables?: Record<string, unknown> } | undefined;
  return env?.Variables ?? {};
}

/** Every statement of every policy attached to the function's execution role. */
export function statementsOf(built: Built, fn: BridgeFunction): Statement[] {
  const role = (functionProps(built, fn).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(resources(built, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
export const resourcesOf = (s: Statement): unknown[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

/** All actions the function's role is allowed. */
export function allowedActions(built: Built, fn: BridgeFunction): Set<string> {
  return new Set(
    statementsOf(built, fn)
      .filter((s) => s.Effect === 'Allow')
      .flatMap(actionsOf),
  );
}

/** Logical ids of the resources an action is allowed on (resources named by `Fn::GetAtt`). */
export function targetsOf(built: Built, fn: BridgeFunction, action: string): Set<string> {
  return new Set(
    statementsOf(built, fn)
      .filter((s) => s.Effect === 'Allow' && actionsOf(s).includes(action))
      .flatMap(resourcesOf)
      .map((r) => (r as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0] ?? JSON.stringify(r)),
  );
}

/** The resources an action is allowed on, each flattened to one string (ARNs are `Fn::Join`s). */
export function resourceTexts(built: Built, fn: BridgeFunction, action: string): string[] {
  return statementsOf(built, fn)
    .filter((s) => s.Effect === 'Allow' && actionsOf(s).includes(action))
    .flatMap(resourcesOf)
    .map(flatten);
}

export function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flatten).join('');
  if (value && typeof value === 'object') {
    const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join) return join[1].map(flatten).join(join[0]);
    const ref = (value as { Ref?: string }).Ref;
    if (ref) return `\${${ref}}`;
    const att = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
    if (att) return `\${${att.join('.')}}`;
  }
  return JSON.stringify(value);
}

/** Queues that some other queue, rule or function sends its failures to. */
export function deadLetterQueueIds(built: Built): Set<string> {
  const ids = new Set<string>();
  for (const q of Object.values(resources(built, 'AWS::SQS::Queue'))) {
    const redrive = q.Properties.RedrivePolicy as { deadLetterTargetArn: { 'Fn::GetAtt': [string] } } | undefined;
    if (redrive) ids.add(redrive.deadLetterTargetArn['Fn::GetAtt'][0]);
  }
  for (const rule of Object.values(resources(built, 'AWS::Events::Rule'))) {
    for (const target of rule.Properties.Targets as { DeadLetterConfig?: { Arn: { 'Fn::GetAtt': [string] } } }[]) {
      if (target.DeadLetterConfig) ids.add(target.DeadLetterConfig.Arn['Fn::GetAtt'][0]);
    }
  }
  return ids;
}

/** Queues with a redrive policy: the ones work flows through. */
export function sourceQueueIds(built: Built): string[] {
  return Object.entries(resources(built, 'AWS::SQS::Queue'))
    .filter(([, q]) => q.Properties.RedrivePolicy !== undefined)
    .map(([id]) => id);
}

/** Whether `value` matches an IAM pattern as `StringLike` and resource ARNs do: `*` any run of characters, `?` one. */
export function iamLike(value: string, pattern: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(value);
}

/**
 * Whether the function's role allows `action` on the secret of that name: its ARN as Secrets Manager
 * makes it (the name, a hyphen and six random characters), in the template's own pseudo parameters.
 */
export function mayUseSecret(built: Built, fn: BridgeFunction, action: string, secretName: string): boolean {
  const arn = `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${secretName}-AbC123`;
  return resourceTexts(built, fn, action).some((pattern) => iamLike(arn, pattern));
}

/**
 * Whether the function's role allows a table write (`dynamodb:PutItem`, …) of an item in partition
 * `pk`: a statement on the table allowing the action whose conditions hold for that partition key. A
 * condition this evaluator does not know fails the test rather than being guessed at.
 */
export function mayWriteTable(built: Built, fn: BridgeFunction, action: string, pk: string): boolean {
  const tableArn = `\${${built.stack.getLogicalId(built.stack.table.node.defaultChild as never)}.Arn}`;
  return statementsOf(built, fn)
    .filter((s) => s.Effect === 'Allow' && actionsOf(s).includes(action))
    .filter((s) => resourcesOf(s).map(flatten).includes(tableArn))
    .some((s) => conditionsHold(s.Condition as Record<string, Record<string, unknown>> | undefined, pk));
}

function conditionsHold(conditions: Record<string, Record<string, unknown>> | undefined, pk: string): boolean {
  return Object.entries(conditions ?? {}).every(([operator, byKey]) =>
    Object.entries(byKey).every(([key, expected]) => {
      if (key !== 'dynamodb:LeadingKeys') throw new Error(`no evaluator for condition key ${key}`);
      const values = Array.isArray(expected) ? (expected as string[]) : [expected as string];
      if (operator === 'ForAllValues:StringLike') return values.some((v) => iamLike(pk, v));
      if (operator === 'ForAllValues:StringEquals') return values.includes(pk);
      // A write always names its partition key: the key is present.
      if (operator === 'Null') return values.every((v) => v === 'false');
      throw new Error(`no evaluator for condition operator ${operator}`);
    }),
  );
}
