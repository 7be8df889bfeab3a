import { TABLE } from '../../functions/store/table';
import { resolveStage } from '../../lib/stage-config';
import { type Built, buildStack, resources } from './fixture';

let sandbox: Built;
let production: Built;
beforeAll(() => {
  sandbox = buildStack();
  production = buildStack({ stage: resolveStage('production') });
});

const tableOf = (built: Built) => {
  const tables = Object.values(resources(built, 'AWS::DynamoDB::Table'));
  expect(tables).toHaveLength(1);
  return tables[0] as NonNullable<(typeof tables)[0]>;
};

test('there is exactly one table (single-table design)', () => {
  sandbox.template.resourceCountIs('AWS::DynamoDB::Table', 1);
});

test('the table has string keys PK and SK, as the store writes them', () => {
  sandbox.template.hasResourceProperties('AWS::DynamoDB::Table', {
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ],
  });
  const attributes = tableOf(sandbox).Properties.AttributeDefinitions as {
    AttributeName: string;
    AttributeType: string;
  }[];
  for (const a of attributes) expect(a.AttributeType).toBe('S');
});

test('the table bills on demand (traffic follows restaurant opening hours)', () => {
  sandbox.template.hasResourceProperties('AWS::DynamoDB::Table', { BillingMode: 'PAY_PER_REQUEST' });
});

test('point-in-time recovery is on', () => {
  sandbox.template.hasResourceProperties('AWS::DynamoDB::Table', {
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
  });
});

test('GSI1 (GSI1PK/GSI1SK, keys only: status writes do not touch it) serves the reverse lookups by POS location and POS order id', () => {
  sandbox.template.hasResourceProperties('AWS::DynamoDB::Table', {
    GlobalSecondaryIndexes: [
      {
        IndexName: TABLE.gsi1.indexName,
        KeySchema: [
          { AttributeName: TABLE.gsi1.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.gsi1.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  });
});

test('dedupe records and the audit trail expire through TTL on expiresAt', () => {
  sandbox.template.hasResourceProperties('AWS::DynamoDB::Table', {
    TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
  });
});

test('the sandbox table is deleted with its stack', () => {
  expect(tableOf(sandbox)).toMatchObject({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  expect(tableOf(sandbox).Properties.DeletionProtectionEnabled).toBe(false);
});

test('the production table is retained and protected from deletion', () => {
  expect(tableOf(production)).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  expect(tableOf(production).Properties.DeletionProtectionEnabled).toBe(true);
});

test('production log groups are retained too (the record of what happened to orders)', () => {
  for (const group of Object.values(resources(production, 'AWS::Logs::LogGroup')))
    expect(group.DeletionPolicy).toBe('Retain');
});
