import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { referenceAdapter } from '../../adapters/reference';
import { SIGNATURE_HEADER } from '../../adapters/reference/contract';
import type { PosEvent } from '../../functions/core/messages';
import type { HttpResult } from '../../functions/infra/http';
import { Logger } from '../../functions/infra/logger';
import { signPayload } from '../../functions/infra/signature';
import { ingestPosEvent } from '../../functions/ingress/ingest';
import { handler } from '../../functions/pos-webhook';
import {
  alreadySeen,
  bridgeSecrets,
  linkItem,
  linkRestaurant,
  POS_LOCATION_ID,
  POS_SECRET_NAME,
  POS_SIGNING_SECRET,
  POS_WEBHOOK_SECRET_NAME,
  WORK_QUEUE_URL,
  writeBridgeSecrets,
} from './support/bridge-env';
import { httpEvent, lambdaContext, posRoute } from './support/fixtures';
import { useIngressEnv } from './support/ingress-env';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const env = useIngressEnv(ddb, sqs);

function statusWebhook(overrides: Record<string, unknown> = {}) {
  return {
    eventId: 'refevt-1',
    type: 'order.status_changed',
    occurredAt: '2025-03-14T19:10:00Z',
    locationId: POS_LOCATION_ID,
    data: { id: 'pos-123', externalReference: '900001', status: 'accepted' },
    ...overrides,
  };
}

function posRequest(body: string, opts: { posCode?: string; signer?: string } = {}): APIGatewayProxyEventV2 {
  const posCode = opts.posCode ?? 'reference';
  return httpEvent({
    body,
    ...posRoute(posCode, 'status'),
    headers: { [SIGNATURE_HEADER]: signPayload(opts.signer ?? POS_SIGNING_SECRET, body) },
  });
}

const invoke = async (event: APIGatewayProxyEventV2) =>
  (await handler(event, lambdaContext())) as HttpResult & { statusCode: number };
const bodyOf = (result: HttpResult) => JSON.parse(result.body as string);

describe('pos-webhook handler', () => {
  it('answers 404 for a POS code no adapter is registered for (API Gateway has no such route; any other caller)', async () => {
    const result = await invoke(posRequest(JSON.stringify(statusWebhook()), { posCode: 'nosuchpos' }));
    expect(result.statusCode).toBe(404);
    expect(bodyOf(result)).toMatchObject({ code: 'UNKNOWN_POS', httpResponseCode: '404' });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 500 and enqueues nothing when a webhook secret is empty, though the webhook is signed with that empty key', async () => {
    writeBridgeSecrets(env.secrets, {
      [POS_WEBHOOK_SECRET_NAME]: { webhookSigningSecrets: ['', POS_SIGNING_SECRET] },
    });
    const result = await invoke(posRequest(JSON.stringify(statusWebhook()), { signer: '' }));
    expect(result.statusCode).toBe(500);
    expect(bodyOf(result)).toMatchObject({ code: 'SECRET_MALFORMED' });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    // The location's link may be read (to pick its own secret), but nothing is written.
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(env.logs.join('\n')).not.toContain(POS_SIGNING_SECRET);
  });

  it('verifies with the adapter’s webhook secret alone: it needs no POS API credential (here that secret is absent)', async () => {
    const { [POS_SECRET_NAME]: _apiKey, ...others } = bridgeSecrets();
    env.secrets.write(others);
    const result = await invoke(posRequest(JSON.stringify(statusWebhook())));
    expect(result.statusCode).toBe(200);
  });

  it('answers 500 SECRET_MISSING, naming the secret, when the adapter’s webhook secret does not exist', async () => {
    const { [POS_WEBHOOK_SECRET_NAME]: _signing, ...others } = bridgeSecrets();
    env.secrets.write(others);
    const result = await invoke(posRequest(JSON.stringify(statusWebhook())));
    expect(result.statusCode).toBe(500);
    expect(bodyOf(result)).toMatchObject({ code: 'SECRET_MISSING' });
    expect(bodyOf(result).message).toContain(POS_WEBHOOK_SECRET_NAME);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('accepts a validly signed status webhook with 200 and enqueues one POS event', async () => {
    const result = await invoke(posRequest(JSON.stringify(statusWebhook())));
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({ received: 1, duplicates: 0 });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it('takes the POS from the route the request came through, not the raw path (a custom domain mapped under a prefix adds one)', async () => {
    const event = posRequest(JSON.stringify(statusWebhook()));
    const result = await invoke({ ...event, rawPath: `/v1${event.rawPath}` });
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody ?? '')).toMatchObject({
      posCode: 'reference',
    });
  });

  it('sends the event to the reference worker’s queue tagged with the linked restaurant', async () => {
    await invoke(posRequest(JSON.stringify(statusWebhook())));
    const input = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(input?.QueueUrl).toBe(WORK_QUEUE_URL);
    expect(JSON.parse(input?.MessageBody ?? '')).toMatchObject({
      v: 1,
      type: 'pos-event',
      restaurantId: 5120,
      posCode: 'reference',
      event: {
        eventId: 'refevt-1',
        posOrderId: 'pos-123',
        sinqroOrderId: 900001,
        posStatus: 'accepted',
        kind: 'order',
      },
    });
  });

  it('finds the restaurant from the POS location through the reverse index', async () => {
    await invoke(posRequest(JSON.stringify(statusWebhook())));
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input.ExpressionAttributeValues).toEqual({
      ':pk': `POSLOC#reference#${POS_LOCATION_ID}`,
    });
  });

  it('refuses a bad signature with 401 and enqueues nothing', async () => {
    const result = await invoke(posRequest(JSON.stringify(statusWebhook()), { signer: 'wrong' }));
    expect(result.statusCode).toBe(401);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('answers a signed but unreadable body with 400', async () => {
    const result = await invoke(posRequest(JSON.stringify(statusWebhook({ locationId: '' }))));
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).errors[0]).toMatchObject({ field: 'locationId' });
  });

  it('answers 404 for a POS location no restaurant is linked to', async () => {
    const result = await invoke(posRequest(JSON.stringify(statusWebhook({ locationId: 'loc-unknown' }))));
    expect(result.statusCode).toBe(404);
    expect(bodyOf(result)).toMatchObject({ code: 'LOCATION_NOT_LINKED' });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('records the refusal of an unlinked location in a partition of its own', async () => {
    await invoke(posRequest(JSON.stringify(statusWebhook({ locationId: 'loc-unknown' }))));
    const refusals = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item);
    expect(refusals).toEqual([
      expect.objectContaining({ PK: 'REFUSED#POSLOC#reference#loc-unknown', outcome: 'refused' }),
    ]);
  });

  it('acknowledges a webhook delivered twice with 200 and counts it as a duplicate without enqueueing', async () => {
    alreadySeen(ddb, 'DEDUPE#reference#refevt-1');
    const result = await invoke(posRequest(JSON.stringify(statusWebhook())));
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({ received: 1, duplicates: 1 });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('dedupes POS events under the POS’s own source, apart from Sinqro’s ids', async () => {
    await invoke(posRequest(JSON.stringify(statusWebhook())));
    const keys = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.PK);
    expect(keys).toContain('DEDUPE#reference#refevt-1');
  });
});

describe('ingest of a POS event', () => {
  // Through ingestPosEvent: the handler reads the link itself first for a POS that signs per location
  // (the reference POS); an adapter that does not (Square) leaves that read to the ingest.
  it('reads the dedupe record while it finds the location’s link: one round trip, not two, when the link is not cached', async () => {
    const order: string[] = [];
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': `POSLOC#reference#${POS_LOCATION_ID}` } })
      .callsFake(async () => {
        order.push('link: sent');
        await new Promise((r) => setTimeout(r, 5));
        order.push('link: read');
        return { Items: [linkItem()] };
      });
    ddb.on(GetCommand, { Key: { PK: 'DEDUPE#reference#refevt-1', SK: '-' } }).callsFake(async () => {
      order.push('dedupe: sent');
      return {};
    });
    const [event] = referenceAdapter.parseWebhook({
      path: '/reference/webhooks/status',
      rawBody: Buffer.from(JSON.stringify(statusWebhook())),
      headers: {},
    });
    await expect(ingestPosEvent('reference', event as PosEvent, new Logger('test'))).resolves.toBe('enqueued');
    expect(order.slice(0, 2).sort()).toEqual(['dedupe: sent', 'link: sent']);
  });
});

describe('pos-webhook: a link with its own webhook secret (a POS that signs per location)', () => {
  const OWN_SECRET_NAME = `${POS_WEBHOOK_SECRET_NAME}/${POS_LOCATION_ID}`;
  const OWN_SIGNING_SECRET = 'the-own-webhook-secret-of-restaurant-5120';
  const ownSecret = (secret: Record<string, unknown>) => {
    writeBridgeSecrets(env.secrets, { [OWN_SECRET_NAME]: secret });
    linkRestaurant(ddb, { posWebhookSecret: OWN_SECRET_NAME });
  };

  it('refuses a request for its location signed with the adapter-wide secret (401)', async () => {
    ownSecret({ webhookSigningSecrets: [OWN_SIGNING_SECRET] });
    const result = await invoke(posRequest(JSON.stringify(statusWebhook())));
    expect(result.statusCode).toBe(401);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('accepts a request for its location signed with its own secret', async () => {
    ownSecret({ webhookSigningSecrets: [OWN_SIGNING_SECRET] });
    const result = await invoke(posRequest(JSON.stringify(statusWebhook()), { signer: OWN_SIGNING_SECRET }));
    expect(result.statusCode).toBe(200);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it('answers 500 SECRET_MISSING when the link names a location secret that does not exist', async () => {
    linkRestaurant(ddb, { posWebhookSecret: OWN_SECRET_NAME });
    const result = await invoke(posRequest(JSON.stringify(statusWebhook()), { signer: OWN_SIGNING_SECRET }));
    expect(result.statusCode).toBe(500);
    expect(bodyOf(result)).toMatchObject({ code: 'SECRET_MISSING' });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('verifies a link with API credentials of its own (posSecret) with the adapter-wide secret, never reading them', async () => {
    // The link's API secret is not even in the file: reading it would fail the request.
    linkRestaurant(ddb, { posSecret: 'bridge/test/pos/reference/5120' });
    const result = await invoke(posRequest(JSON.stringify(statusWebhook())));
    expect(result.statusCode).toBe(200);
  });

  it('refuses events about another location than the one whose secret verified the request', async () => {
    // Location loc-a has its own secret; the adapter reads the claimed location apart from the events.
    writeBridgeSecrets(env.secrets, { [OWN_SECRET_NAME]: { webhookSigningSecrets: [OWN_SIGNING_SECRET] } });
    const linkA = linkItem({
      PK: 'REST#5121',
      restaurantId: 5121,
      posLocationId: 'loc-a',
      GSI1PK: 'POSLOC#reference#loc-a',
      posWebhookSecret: OWN_SECRET_NAME,
    });
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'POSLOC#reference#loc-a' } })
      .resolves({ Items: [linkA] });
    ddb.on(GetCommand, { Key: { PK: 'REST#5121', SK: 'LINK' } }).resolves({ Item: linkA });
    const claimed = jest.spyOn(referenceAdapter, 'webhookLocationOf').mockReturnValue('loc-a');
    try {
      const body = JSON.stringify(statusWebhook()); // names loc-9, restaurant 5120
      const result = await invoke(posRequest(body, { signer: OWN_SIGNING_SECRET }));
      expect(result.statusCode).toBe(401);
      expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    } finally {
      claimed.mockRestore();
    }
  });
});
