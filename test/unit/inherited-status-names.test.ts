import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { referenceAdapter } from '../../adapters/reference';
import { isValidStatus, rankOf } from '../../functions/core/statuses';
import { Logger } from '../../functions/infra/logger';
import { handleWorkMessage } from '../../functions/worker/dispatch';
import { captureLogs } from './support/bridge-env';

const ddb = mockClient(DynamoDBDocumentClient);
afterEach(() => ddb.reset());

describe('status names inherited from Object.prototype mean nothing', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])(
    'reference mapStatus treats the POS status %s as unmapped',
    (s) => {
      expect(referenceAdapter.mapStatus('order', s)).toBeUndefined();
    },
  );

  it('isValidStatus refuses names inherited from Object.prototype', () => {
    expect(isValidStatus('order', 'toString')).toBe(false);
  });

  it('rankOf throws for a name inherited from Object.prototype', () => {
    expect(() => rankOf('order', 'toString' as never)).toThrow();
  });

  it('worker records a POS status named "constructor" as unmapped instead of failing the message', async () => {
    captureLogs();
    process.env.TABLE_NAME = 't';
    ddb.on(GetCommand).resolves({
      Item: {
        PK: 'ORDER#900001',
        SK: 'STATE',
        orderId: 900001,
        kind: 'order',
        restaurantId: 5120,
        status: 'INJECTED',
        statusRank: 1,
        isFinal: false,
        sourceTs: '2025-01-01T00:00:00.000Z',
      },
    });
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'x', $metadata: {} }));
    await expect(
      handleWorkMessage(
        {
          type: 'pos-event',
          restaurantId: 5120,
          posCode: 'reference',
          receivedAt: '',
          event: {
            type: 'order.status',
            eventId: 'e',
            posLocationId: 'l',
            posOrderId: 'p',
            sinqroOrderId: 900001,
            kind: 'order',
            posStatus: 'constructor',
            occurredAt: '2025-03-14T19:10:00.000Z',
          },
        },
        { adapter: referenceAdapter, budget: { deadline: Date.now() + 5000 }, logger: new Logger('t') },
      ),
    ).resolves.toBeUndefined();
  });
});
