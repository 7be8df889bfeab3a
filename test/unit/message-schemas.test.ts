import { UnreadableMessageError } from '../../functions/core/errors';
import { readPublishMessage, readWorkMessage } from '../../functions/core/message-schemas';
import { MESSAGE_VERSION, type PublishMessage, type WorkMessage, withVersion } from '../../functions/core/messages';
import { envelope, statusNews } from './support/fixtures';

const base = { restaurantId: 5120, posCode: 'reference' };

const WORK: WorkMessage[] = [
  { type: 'sinqro-event', ...base, receivedAt: '2025-03-14T19:01:03.000Z', event: envelope() as never },
  {
    type: 'pos-event',
    ...base,
    receivedAt: '2025-03-14T19:01:03.000Z',
    event: {
      type: 'order.status',
      eventId: 'e-1',
      posLocationId: 'L1',
      posOrderId: 'p-1',
      sinqroOrderId: 900001,
      kind: 'order',
      posStatus: 'READY',
      occurredAt: '2025-03-14T19:05:00.000Z',
      posVersion: 3,
    },
  },
  {
    type: 'pos-event',
    ...base,
    receivedAt: '2025-03-14T19:01:03.000Z',
    event: {
      type: 'catalog.changed',
      eventId: 'e-2',
      posLocationId: '',
      posAccountId: 'A1',
      occurredAt: '2025-03-14T19:05:00.000Z',
      entities: [{ type: 'product', posId: 'P1' }],
    },
  },
  {
    type: 'pos-event',
    ...base,
    receivedAt: '2025-03-14T19:01:03.000Z',
    event: {
      type: 'availability.changed',
      eventId: 'e-3',
      posLocationId: 'L1',
      occurredAt: '2025-03-14T19:05:00.000Z',
      availability: { closed: true, from: '2025-03-14T19:05:00.000Z', reason: 'busy' },
    },
  },
  {
    type: 'pos-event',
    ...base,
    receivedAt: '2025-03-14T19:01:03.000Z',
    event: { type: 'hours.changed', eventId: 'e-4', posLocationId: 'L1', occurredAt: '2025-03-14T19:05:00.000Z' },
  },
  {
    type: 'catalog-sync',
    ...base,
    syncId: 's-1',
    mode: 'incremental',
    trigger: 'webhook',
    entities: [{ type: 'product', posId: 'P1' }],
    part: 0,
  },
  {
    type: 'catalog-sync',
    ...base,
    syncId: 's-2',
    mode: 'full',
    trigger: 'operator',
    entityType: 'product',
    cursor: 'c',
  },
  { type: 'hours-sync', ...base, trigger: 'schedule' },
  { type: 'poll-orders', ...base, trigger: 'sweep' },
];

const NEWS: PublishMessage[] = [
  statusNews({ audit: { what: 'status', source: 'reference', outcome: 'applied', at: '2025-03-14T19:10:00.000Z' } }),
  {
    type: 'catalog-upsert',
    restaurantId: 5120,
    syncId: 's-1',
    entityType: 'product',
    items: [{ posId: 'P1', hash: 'h', body: { name: 'x' } }],
  },
  { type: 'catalog-delete', restaurantId: 5120, syncId: 's-1', entityType: 'product', posIds: ['P1'] },
  {
    type: 'closure',
    restaurantId: 5120,
    hash: 'h',
    observedAt: '2025-03-14T19:10:00.000Z',
    closure: { startsAt: '2025-03-14T19:10:00+0000', expiresAt: null },
  },
  { type: 'closure', restaurantId: 5120, hash: 'h', observedAt: '2025-03-14T19:10:00.000Z', closure: null },
  {
    type: 'schedule',
    restaurantId: 5120,
    hash: 'h',
    observedAt: '2025-03-14T19:10:00.000Z',
    ranges: [{ startDay: { id: 1 }, endDay: { id: 1 }, startTime: '09:00', endTime: '17:00', timezone: 'UTC' }],
  },
];

const refusal = (read: () => unknown): UnreadableMessageError => {
  try {
    read();
  } catch (error) {
    if (error instanceof UnreadableMessageError) return error;
    throw error;
  }
  throw new Error('the message was read');
};

const body = (message: object) => JSON.stringify(message);
const without = (message: object, key: string) =>
  Object.fromEntries(Object.entries(message).filter(([k]) => k !== key));

describe('work-queue messages', () => {
  it.each(WORK.map((m) => [`${m.type} ${'event' in m ? m.event.type : ''}`, m]))(
    'reads a %s message with its version',
    (_name, message) => {
      const read = readWorkMessage(body(withVersion(message)));
      expect(read).toMatchObject({ ...message, v: MESSAGE_VERSION });
    },
  );

  it.each(WORK.map((m) => [m.type, m]))(
    'reads a %s message without a version (from before versions, e.g. redriven from a DLQ) as version 1',
    (_name, message) => {
      expect(readWorkMessage(body(message))).toMatchObject(message);
    },
  );

  it('stamps the current version', () => {
    expect(withVersion(WORK[7] as WorkMessage)).toEqual({ ...WORK[7], v: 1 });
  });

  it('refuses an unknown version, naming it and the path v', () => {
    const error = refusal(() => readWorkMessage(body({ ...withVersion(WORK[7] as WorkMessage), v: 2 })));
    expect(error).toMatchObject({ version: 2, paths: ['v'] });
    expect(error.message).toContain('version');
  });

  it('refuses a message missing a required field, naming its path', () => {
    expect(refusal(() => readWorkMessage(body(without(WORK[7] as WorkMessage, 'restaurantId'))))).toMatchObject({
      version: 'none',
      paths: ['restaurantId'],
    });
    const message = withVersion(WORK[1] as WorkMessage) as { event: Record<string, unknown> };
    delete message.event.posOrderId;
    expect(refusal(() => readWorkMessage(body(message)))).toMatchObject({ version: 1, paths: ['event.posOrderId'] });
  });

  it('refuses a message of an unknown type, and a Sinqro event that is not one', () => {
    expect(refusal(() => readWorkMessage(body({ ...base, type: 'reboot' }))).paths).toEqual(['type']);
    const message = withVersion(WORK[0] as WorkMessage) as { event: Record<string, unknown> };
    delete message.event.sellingPointId;
    expect(refusal(() => readWorkMessage(body(message))).paths).toEqual(['event.sellingPointId']);
  });

  it('refuses a body that is not JSON, or not an object, without quoting it', () => {
    const error = refusal(() => readWorkMessage('{"phone": "+33 6 12 34 56 78"'));
    expect(error).toMatchObject({ version: 'none', paths: [] });
    expect(error.message).not.toContain('+33');
    expect(refusal(() => readWorkMessage('[1]')).paths).toEqual(['(body)']);
  });

  it('never quotes a value it refuses', () => {
    const error = refusal(() => readWorkMessage(body({ ...(WORK[7] as WorkMessage), posCode: { phone: '+33 6 12' } })));
    expect(error.paths).toEqual(['posCode']);
    expect(error.message).not.toContain('+33');
  });
});

describe('to-sinqro messages', () => {
  it.each(NEWS.map((m) => [m.type, m]))('reads a %s message, with or without its version', (_name, news) => {
    expect(readPublishMessage(body(withVersion(news)))).toMatchObject({ ...news, v: 1 });
    expect(readPublishMessage(body(news))).toMatchObject(news);
  });

  it('refuses an unknown version and a missing field, naming the path', () => {
    expect(refusal(() => readPublishMessage(body({ ...(NEWS[0] as PublishMessage), v: 'two' })))).toMatchObject({
      version: 'not a number',
      paths: ['v'],
    });
    expect(refusal(() => readPublishMessage(body(without(NEWS[0] as PublishMessage, 'orderId')))).paths).toEqual([
      'orderId',
    ]);
    expect(refusal(() => readPublishMessage(body({ ...(NEWS[0] as PublishMessage), status: 'LOST' }))).paths).toEqual([
      'status',
    ]);
    // ACCEPTED is an order's status, not a reservation's
    expect(
      refusal(() => readPublishMessage(body({ ...(NEWS[0] as PublishMessage), kind: 'reservation' }))).paths,
    ).toEqual(['status']);
  });

  it('does not read a work message as news for Sinqro', () => {
    expect(refusal(() => readPublishMessage(body(withVersion(WORK[7] as WorkMessage)))).paths).toEqual(['type']);
  });
});
