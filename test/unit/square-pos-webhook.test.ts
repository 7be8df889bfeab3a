/**
 * Square webhooks at the receiver: the signature is checked over the stage's notification URL before
 * anything is read or written, and a catalog event (which names the merchant, not a location) is
 * enqueued once per linked location of that merchant, deduplicated per location.
 */
import { createHmac } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { HttpResult } from '../../functions/infra/http';
import { handler } from '../../functions/pos-webhook';
import { alreadySeen, linkItem } from './support/bridge-env';
import { httpEvent, lambdaContext, posRoute } from './support/fixtures';
import { useIngressEnv } from './support/ingress-env';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const env = useIngressEnv(ddb, sqs);

const URL = 'https://webhooks.example.com/square/webhooks/events';
const KEY = 'square-signature-key-0123456789abcdef';
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/bridge-work-square';

beforeEach(() => {
  process.env.POS_WEBHOOK_SECRET_NAME_SQUARE = 'bridge/test/webhooks/pos/square';
  process.env.POS_SETTINGS_SQUARE = JSON.stringify({ webhookNotificationUrl: URL });
  process.env.WORK_QUEUE_URL_SQUARE = QUEUE;
  env.secrets.write({ 'bridge/test/webhooks/pos/square': { webhookSigningSecrets: [KEY] } });
  // The restaurants-list entries of Square links, found through GSI1 under their merchant (keys only), then read.
  const entry = (restaurantId: number, location: string, merchant: string) =>
    linkItem({
      PK: 'RESTAURANTS',
      SK: `REST#${restaurantId}`,
      GSI1PK: `POSACCT#square#${merchant}`,
      GSI1SK: `REST#${restaurantId}`,
      restaurantId,
      posCode: 'square',
      posLocationId: location,
      posAccountId: merchant,
    });
  const entries = [
    entry(6001, 'LOC1', 'MERCHANT1'),
    entry(6002, 'LOC2', 'MERCHANT1'),
    entry(6003, 'LOC3', 'OTHERMERCHANT'),
  ];
  for (const merchant of ['MERCHANT1', 'OTHERMERCHANT'])
    ddb
      .on(QueryCommand, { IndexName: 'GSI1', ExpressionAttributeValues: { ':pk': `POSACCT#square#${merchant}` } })
      .resolves({
        Items: entries
          .filter((e) => e.posAccountId === merchant)
          .map((e) => ({ PK: e.PK, SK: e.SK, GSI1PK: e.GSI1PK, GSI1SK: e.GSI1SK })),
      });
  for (const e of entries) ddb.on(GetCommand, { Key: { PK: e.PK, SK: e.SK } }).resolves({ Item: e });
});
afterEach(() => {
  delete process.env.POS_WEBHOOK_SECRET_NAME_SQUARE;
  delete process.env.POS_SETTINGS_SQUARE;
  delete process.env.WORK_QUEUE_URL_SQUARE;
});

const catalogEvent = JSON.stringify({
  merchant_id: 'MERCHANT1',
  type: 'catalog.version.updated',
  event_id: 'aeaaa5f6-c4fd-4e93-b688-71b50706266f',
  created_at: '2019-10-29T17:26:16.808603647Z',
  data: {
    id: '732b6677',
    type: 'catalog_version',
    object: { catalog_version: { updated_at: '2019-10-29T17:26:16.53Z' } },
  },
});
const sign = (body: string, url = URL, key = KEY) =>
  createHmac('sha256', key)
    .update(url + body)
    .digest('base64');
const request = (body: string, signature?: string): APIGatewayProxyEventV2 =>
  httpEvent({
    body,
    ...posRoute('square', 'events'),
    headers: signature ? { 'x-square-hmacsha256-signature': signature } : {},
  });
const invoke = async (event: APIGatewayProxyEventV2) =>
  (await handler(event, lambdaContext())) as HttpResult & { statusCode: number };

test('a forged or URL-rebuilt signature is refused with 401 before anything is read or written', async () => {
  for (const signature of [sign(catalogEvent, 'https://10.0.0.7/square/webhooks/events'), 'Zm9yZ2Vk', undefined]) {
    expect((await invoke(request(catalogEvent, signature))).statusCode).toBe(401);
  }
  expect(ddb.calls()).toHaveLength(0);
  expect(sqs.calls()).toHaveLength(0);
});

test('an empty signature key in the secret answers 500 and enqueues nothing, though the webhook is signed with that empty key', async () => {
  env.secrets.write({ 'bridge/test/webhooks/pos/square': { webhookSigningSecrets: [KEY, ''] } });
  const result = await invoke(request(catalogEvent, sign(catalogEvent, URL, '')));
  expect(result.statusCode).toBe(500);
  expect(JSON.parse(result.body as string)).toMatchObject({ code: 'SECRET_MALFORMED' });
  expect(ddb.calls()).toHaveLength(0);
  expect(sqs.calls()).toHaveLength(0);
});

test("catalog.version.updated is enqueued once for each linked location of the merchant, and only the merchant's", async () => {
  const result = await invoke(request(catalogEvent, sign(catalogEvent)));
  expect(result.statusCode).toBe(200);
  const sent = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
  expect(sent.map((m) => m.QueueUrl)).toEqual([QUEUE, QUEUE]);
  const messages = sent.map((m) => JSON.parse(m.MessageBody as string));
  expect(messages.map((m) => [m.restaurantId, m.event.type, m.event.posLocationId])).toEqual([
    [6001, 'catalog.changed', 'LOC1'],
    [6002, 'catalog.changed', 'LOC2'],
  ]);
  const claims = ddb.commandCalls(PutCommand).map((c) => String(c.args[0].input.Item?.PK));
  expect(claims.filter((pk) => pk.startsWith('DEDUPE#'))).toEqual([
    'DEDUPE#square#aeaaa5f6-c4fd-4e93-b688-71b50706266f#6001',
    'DEDUPE#square#aeaaa5f6-c4fd-4e93-b688-71b50706266f#6002',
  ]);
});

test('a redelivered catalog event is a duplicate for every location: nothing enqueued', async () => {
  alreadySeen(
    ddb,
    'DEDUPE#square#aeaaa5f6-c4fd-4e93-b688-71b50706266f#6001',
    'DEDUPE#square#aeaaa5f6-c4fd-4e93-b688-71b50706266f#6002',
  );
  const result = await invoke(request(catalogEvent, sign(catalogEvent)));
  expect(result.statusCode).toBe(200);
  expect(JSON.parse(result.body as string)).toEqual({ received: 1, duplicates: 1 });
  expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
});

test('an event of a location (or merchant) no restaurant is linked to is acknowledged and dropped, not retried', async () => {
  const body = catalogEvent.replace('MERCHANT1', 'UNKNOWNMERCHANT');
  const result = await invoke(request(body, sign(body)));
  expect(result.statusCode).toBe(200);
  expect(JSON.parse(result.body as string)).toEqual({ received: 1, duplicates: 0, ignored: 1 });
  const hours = JSON.stringify({
    merchant_id: 'MERCHANT1',
    type: 'location.updated',
    event_id: 'de45d351',
    created_at: '2020-02-06T21:27:34.308Z',
    location_id: 'NOTLINKED',
    data: { id: 'NOTLINKED', type: 'Location' },
  });
  ddb.on(QueryCommand, { IndexName: 'GSI1' }).resolves({ Items: [] });
  const other = await invoke(request(hours, sign(hours)));
  expect(other.statusCode).toBe(200);
  expect(JSON.parse(other.body as string)).toMatchObject({ ignored: 1 });
  expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
});
