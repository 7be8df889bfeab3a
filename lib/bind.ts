/**
 * A function gets a resource's name and its permission on it in the same call, so it never has a
 * name it may not use or a permission it cannot name.
 */
import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { envNames } from '../functions/infra/env';
import { TABLE } from '../functions/store/table';
import type { TableWrites } from '../functions/store/table-writes';

/**
 * The DynamoDB calls each role makes, read from functions/store/ (no Scan, no transactions
 * anywhere; the publisher writes a batch's audit records with BatchWriteItem). Deletes are not listed:
 * a role deletes only where its TableWrites say (`deletes`).
 */
export const TABLE_ACCESS = {
  /**
   * ingest.ts: getLink, findLinkByPosLocation and findLinksByPosAccount (GSI1 keys, then Get), isEventSeen
   * (Get), recordEvent + refusals (Put).
   */
  ingress: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
  /**
   * The worker's flows (functions/worker/dispatch.ts): getLink/getOrder, findOrderByPosOrderId (GSI1 keys,
   * then Get), createOrder + audit (Put), transition and friends (Update).
   */
  worker: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  /**
   * sinqro-publisher.ts: getLink, audit records of a batch (BatchWriteItem, puts only; it may delete
   * anyway), claim/releasePublication (Update); catalog/publish-catalog.ts: catalog map entries (Put). The worker
   * gets no BatchWriteItem: IAM cannot limit it to puts, and the worker may delete only open-order markers.
   */
  publisher: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
} as const;

export type TableAccess = keyof typeof TABLE_ACCESS;

const WRITE_ACTIONS: readonly string[] = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'];

/**
 * Reads as the role needs them; writes only in the partitions the function declares
 * (functions/store/table-writes.ts): IAM checks the partition key of every item a request writes
 * (`dynamodb:LeadingKeys`), and the key is required, since `ForAllValues` alone holds for a request
 * that names none.
 */
export function bindTable(fn: LambdaFunction, table: ITable, access: TableAccess, writes: TableWrites): void {
  const actions: readonly string[] = TABLE_ACCESS[access];
  const reads = actions.filter((a) => !WRITE_ACTIONS.includes(a));
  const resources = [table.tableArn];
  if (reads.includes('dynamodb:Query')) resources.push(`${table.tableArn}/index/${TABLE.gsi1.indexName}`);
  fn.addToRolePolicy(new PolicyStatement({ actions: reads, resources }));
  const inPartitions = (actions: string[], partitions: readonly string[]) => {
    if (actions.length === 0 || partitions.length === 0) return;
    fn.addToRolePolicy(
      new PolicyStatement({
        actions,
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...partitions] },
          Null: { 'dynamodb:LeadingKeys': 'false' },
        },
      }),
    );
  };
  inPartitions(
    actions.filter((a) => WRITE_ACTIONS.includes(a)),
    writes.partitions,
  );
  inPartitions(['dynamodb:DeleteItem'], writes.deletes);
  fn.addEnvironment(envNames.table, table.tableName);
}

/**
 * Query only, on the table itself (no index), and only in the named partitions: IAM checks the
 * partition key of every request (`dynamodb:LeadingKeys`).
 */
export function bindTablePartitions(fn: LambdaFunction, table: ITable, partitionKeys: string[]): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['dynamodb:Query'],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': partitionKeys } },
    }),
  );
  fn.addEnvironment(envNames.table, table.tableName);
}

/** Send only: sqs:SendMessage (+ GetQueueAttributes / GetQueueUrl, as CDK grants them). */
export function bindQueue(fn: LambdaFunction, envName: string, queue: IQueue): void {
  queue.grantSendMessages(fn);
  fn.addEnvironment(envName, queue.queueUrl);
}

/** The secret's name goes into the environment, never its value. */
export function bindSecret(fn: LambdaFunction, envName: string, secret: ISecret): void {
  secret.grantRead(fn);
  fn.addEnvironment(envName, secret.secretName);
}

/**
 * Secrets named per restaurant (in its link item, not in the environment): read access to every
 * secret under the prefix, and nothing else.
 */
export function grantSecretsUnder(fn: LambdaFunction, prefix: string): void {
  fn.addToRolePolicy(
    new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secretsUnder(fn, prefix)] }),
  );
}

/**
 * A new value for the secrets under the prefix (renewed POS tokens), nothing else: no create, delete,
 * rotation or policy change, and not the adapter's own secret (named by the prefix itself, not under it).
 */
export function grantSecretWritesUnder(fn: LambdaFunction, prefix: string): void {
  fn.addToRolePolicy(
    new PolicyStatement({ actions: ['secretsmanager:PutSecretValue'], resources: [secretsUnder(fn, prefix)] }),
  );
}

const secretsUnder = (fn: LambdaFunction, prefix: string) =>
  Arn.format(
    {
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${prefix}/*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    },
    Stack.of(fn),
  );
