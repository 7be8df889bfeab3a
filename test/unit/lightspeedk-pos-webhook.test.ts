/**
 * K-Series webhooks through the ingress handler: an account's path token and Basic password verify its
 * Order and Pay webhooks (its link's own secret, nothing else: an unknown location is refused 401 like a
 * wrong password), the platform's path token and bearer token verify the reservation webhooks.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { WorkMessage } from '../../functions/core/messages';
import type { HttpResult } from '../../functions/infra/http';
import { handler } from '../../functions/pos-webhook';
import { captureLogs, clearBridgeEnv, setBridgeEnv, writeBridgeSecrets } from './support/bridge-env';
import { httpEvent, lambdaContext } from './support/fixtures';
import {
  fixture,
  LSK_APP_SECRET_NAME,
  LSK_LOCATION,
  LSK_PASSWORD,
  LSK_PATH_TOKEN,
  LSK_PLATFORM_BEARER,
  LSK_PLATFORM_PATH_TOKEN,
  LSK_RESTAURANT,
  LSK_WEBHOOK_SECRET_NAME,
  lskLinkItem,
  lskSecrets,
} from './support/lightspeedk';
import { type SecretsFile, useSecretsFile } from './support/secrets-file';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/bridge-work-lightspeedk';
let secrets: SecretsFile;
let logs: string[];

beforeEach(() => {
  setBridgeEnv();
  logs = captureLogs();
  secrets = useSecretsFile();
  writeBridgeSecrets(secrets, lskSecrets());
  Object.assign(process.env, {
    WORK_QUEUE_URL_LIGHTSPEEDK: QUEUE,
    POS_SECRET_NAME_LIGHTSPEEDK: LSK_APP_SECRET_NAME,
    POS_WEBHOOK_SECRET_NAME_LIGHTSPEEDK: LSK_WEBHOOK_SECRET_NAME,
  });
  linked(lskLinkItem());
  ddb.on(PutCommand).resolves({});
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

afterEach(() => {
  ddb.reset();
  sqs.reset();
  secrets.remove();
  clearBridgeEnv();
  delete process.env.WORK_QUEUE_URL_LIGHTSPEEDK;
  delete process.env.POS_SECRET_NAME_LIGHTSPEEDK;
  delete process.env.POS_WEBHOOK_SECRET_NAME_LIGHTSPEEDK;
});

function linked(link: Record<string, unknown>) {
  ddb.on(GetCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(GetCommand, { Key: { PK: `REST#${LSK_RESTAURANT}`, SK: 'LINK' } }).resolves({ Item: link });
  ddb
    .on(QueryCommand, { ExpressionAttributeValues: { ':pk': `POSLOC#lightspeedk#${link.posLocationId}` } })
    .resolves({ Items: [link] });
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function request(
  path: string,
  body: unknown,
  authorization: string | undefined = basic('sinqro', LSK_PASSWORD),
): APIGatewayProxyEventV2 {
  return httpEvent({
    body: typeof body === 'string' ? body : JSON.stringify(body),
    rawPath: `/lightspeedk/webhooks/${path}`,
    pathParameters: { posCode: 'lightspeedk', proxy: path },
    headers: authorization ? { authorization } : {},
  });
}
const accountPath = (location = LSK_LOCATION, token = LSK_PATH_TOKEN) => `o/${location}/${token}`;
const platformPath = (topic: string, token = LSK_PLATFORM_PATH_TOKEN) => `r/${token}/${topic}`;

const invoke = async (event: APIGatewayProxyEventV2) =>
  (await handler(event, lambdaContext())) as HttpResult & { statusCode: number };
const enqueued = () =>
  sqs
    .commandCalls(SendMessageCommand)
    .map((c) => JSON.parse(c.args[0].input.MessageBody as string) as Extract<WorkMessage, { type: 'pos-event' }>);
const success = () => fixture('webhook-order-success-without-account.json', { thirdPartyReference: '900001' });

describe('an account’s Order and Pay webhooks', () => {
  it('are taken with the account’s path token and password: the spec’s SUCCESS example, located by the path', async () => {
    const result = await invoke(request(accountPath(), success()));
    expect(result.statusCode).toBe(200);
    expect(enqueued()).toEqual([
      expect.objectContaining({
        restaurantId: LSK_RESTAURANT,
        posCode: 'lightspeedk',
        event: expect.objectContaining({
          type: 'order.status',
          posLocationId: LSK_LOCATION,
          posOrderId: 'A123080.14',
          sinqroOrderId: 900001,
          posStatus: 'SUCCESS',
        }),
      }),
    ]);
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.QueueUrl).toBe(QUEUE);
  });

  it.each([
    ['a wrong password', accountPath(), basic('sinqro', 'not-the-password-of-the-demo-account')],
    ['a wrong user name', accountPath(), basic('someone', LSK_PASSWORD)],
    ['no credential', accountPath(), ''],
    [
      'a wrong path token',
      accountPath(LSK_LOCATION, 'wR0ng-path-token-0123456789abcdef'),
      basic('sinqro', LSK_PASSWORD),
    ],
    ['the platform’s bearer token', accountPath(), `Bearer ${LSK_PLATFORM_BEARER}`],
  ])('are refused (401) with %s, and nothing is enqueued', async (_why, path, authorization) => {
    const result = await invoke(request(path, success(), authorization));
    expect(result.statusCode).toBe(401);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(logs.join('\n')).not.toContain(LSK_PASSWORD);
  });

  /** What the adapter-wide secret would verify on an account's path, were it ever used there. */
  const withAdapterCredentials = (location: string) =>
    request(accountPath(location, LSK_PLATFORM_PATH_TOKEN), success(), basic('sinqro', LSK_PLATFORM_BEARER));

  it('are refused (401, as for a wrong password) for a location no restaurant is linked to, writing nothing', async () => {
    const unknown = '141948669832802';
    expect((await invoke(request(accountPath(unknown), success()))).statusCode).toBe(401);
    expect((await invoke(withAdapterCredentials(unknown))).statusCode).toBe(401);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('are refused (401) for a link that names no webhook secret, never verified with the adapter’s', async () => {
    linked(lskLinkItem({ posWebhookSecret: undefined }));
    expect((await invoke(withAdapterCredentials(LSK_LOCATION))).statusCode).toBe(401);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('are refused (401) when the body names another location than the one whose credentials verified it', async () => {
    const other = fixture('webhook-order-ready-for-pickup.json', {
      thirdPartyReference: '900001',
      businessLocationId: 141948669832802,
    });
    const result = await invoke(request(accountPath(), other));
    expect(result.statusCode).toBe(401);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('enqueue an item’s availability change as a catalog change of its SKU', async () => {
    const result = await invoke(request(accountPath(), fixture('webhook-item-restricted.json')));
    expect(result.statusCode).toBe(200);
    expect(enqueued()[0]?.event).toMatchObject({
      type: 'catalog.changed',
      posLocationId: LSK_LOCATION,
      entities: [{ type: 'product', posId: 'UGG-BB-PUR-06' }],
    });
  });
});

describe('the platform’s reservation webhooks', () => {
  const seated = () =>
    fixture('webhook-pos-reservation-updated.json', {
      businessLocationId: Number(LSK_LOCATION),
      platformRestaurantId: LSK_LOCATION,
      platformReservationId: '900002',
    });

  it('are taken with the platform’s path token and bearer token, for the location the body names', async () => {
    const result = await invoke(request(platformPath('pos-reservation'), seated(), `Bearer ${LSK_PLATFORM_BEARER}`));
    expect(result.statusCode).toBe(200);
    expect(enqueued()[0]?.event).toMatchObject({
      type: 'order.status',
      kind: 'reservation',
      posLocationId: LSK_LOCATION,
      sinqroOrderId: 900002,
      posStatus: 'SEATED',
    });
  });

  it('are refused (401) with an account’s password or a wrong platform path token', async () => {
    expect((await invoke(request(platformPath('pos-reservation'), seated()))).statusCode).toBe(401);
    const wrongPath = request(
      platformPath('pos-reservation', 'wR0ng-path-token-0123456789abcdef'),
      seated(),
      `Bearer ${LSK_PLATFORM_BEARER}`,
    );
    expect((await invoke(wrongPath)).statusCode).toBe(401);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });
});

it('refuses (401) a path that is no K-Series webhook route', async () => {
  expect((await invoke(request(`x/${LSK_LOCATION}/${LSK_PATH_TOKEN}`, success()))).statusCode).toBe(401);
});
