import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { PosAdapter, PosClient } from '../../adapters/port';
import { referenceAdapter } from '../../adapters/reference';
import { contentHash } from '../../functions/core/content-hash';
import { PermanentError, RetryableError } from '../../functions/core/errors';
import type { PosAvailability, PosOpeningHours } from '../../functions/core/hours-model';
import type {
  ClosureNews,
  PosAvailabilityChangedEvent,
  PosHoursChangedEvent,
  ScheduleNews,
} from '../../functions/core/messages';
import { onHoursChanged, syncHours } from '../../functions/hours/sync';
import { Logger } from '../../functions/infra/logger';
import {
  captureLogs,
  clearBridgeEnv,
  linkRestaurant,
  setBridgeEnv,
  TO_SINQRO_QUEUE_URL,
  writeBridgeSecrets,
} from './support/bridge-env';
import { type SecretsFile, useSecretsFile } from './support/secrets-file';

/** The hash the hours record keeps (their JSON as built). */
const hoursHash = (body: unknown) => contentHash(body, 'as-built');

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
let secrets: SecretsFile;
let logs: string[];

const CLOSED: PosAvailability = { closed: true, from: '2025-03-14T18:00:00.000Z', until: '2025-03-14T21:00:00.000Z' };
const HOURS: PosOpeningHours = {
  timezone: 'Europe/Madrid',
  ranges: [
    { day: 1, open: '12:00', close: '16:00' },
    { day: 1, open: '20:00', close: '23:30' },
    { day: 7, open: '20:00', close: '01:00' },
  ],
};
const RANGES = [
  { startDay: { id: 1 }, endDay: { id: 1 }, startTime: '12:00', endTime: '16:00', timezone: 'Europe/Madrid' },
  { startDay: { id: 1 }, endDay: { id: 1 }, startTime: '20:00', endTime: '23:30', timezone: 'Europe/Madrid' },
  { startDay: { id: 7 }, endDay: { id: 1 }, startTime: '20:00', endTime: '01:00', timezone: 'Europe/Madrid' },
];

let pos: { getAvailability: jest.Mock; getOpeningHours: jest.Mock };

beforeEach(() => {
  setBridgeEnv();
  logs = captureLogs();
  secrets = useSecretsFile();
  writeBridgeSecrets(secrets);
  linkRestaurant(ddb);
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  pos = {
    getAvailability: jest.fn().mockResolvedValue(CLOSED),
    getOpeningHours: jest.fn().mockResolvedValue(HOURS),
  };
});

afterEach(() => {
  ddb.reset();
  sqs.reset();
  secrets.remove();
  clearBridgeEnv();
});

const adapterWith = (client: Partial<PosClient>): PosAdapter => ({
  ...referenceAdapter,
  createClient: () => client as PosClient,
});
const ctx = (client: Partial<PosClient> = pos) => ({
  adapter: adapterWith(client),
  budget: { deadline: Date.now() + 10_000 },
  logger: new Logger('test-worker'),
});

const availabilityEvent = (availability?: PosAvailability): PosAvailabilityChangedEvent => ({
  type: 'availability.changed',
  eventId: 'evt-1',
  posLocationId: 'loc-9',
  occurredAt: '2025-03-14T18:00:01.000Z',
  availability,
});
const hoursEvent = (): PosHoursChangedEvent => ({
  type: 'hours.changed',
  eventId: 'evt-2',
  posLocationId: 'loc-9',
  occurredAt: '2025-03-14T10:00:00.000Z',
});

/** What Sinqro was last given, as the table item holds it (and what was queued after it, if anything). */
function sent(item: 'CLOSURE' | 'SCHEDULE', body: unknown, queued?: unknown) {
  const observedAt = '2025-03-01T00:00:00.000Z';
  ddb.on(GetCommand, { Key: { PK: 'REST#5120', SK: item } }).resolves({
    Item: {
      PK: 'REST#5120',
      SK: item,
      hash: hoursHash(body),
      observedAt,
      sentAt: observedAt,
      state: body,
      queuedHash: hoursHash(queued === undefined ? body : queued),
    },
  });
}

const queued = () => sqs.commandCalls(SendMessageCommand).map((c) => JSON.parse(c.args[0].input.MessageBody as string));
const audits = () =>
  ddb
    .commandCalls(PutCommand)
    .map((c) => c.args[0].input.Item as Record<string, unknown>)
    .filter((i) => String(i.SK).startsWith('EVT#'));

describe('onHoursChanged: availability (F7)', () => {
  it('re-reads the availability from the POS and queues that closure for Sinqro', async () => {
    await onHoursChanged(availabilityEvent(), 5120, ctx());
    expect(pos.getAvailability).toHaveBeenCalledTimes(1);
    const closure = { startsAt: CLOSED.from, expiresAt: '2025-03-14T21:00:00.000Z' };
    const [news] = queued() as ClosureNews[];
    expect(news).toMatchObject({ type: 'closure', restaurantId: 5120, hash: hoursHash(closure), closure });
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.QueueUrl).toBe(TO_SINQRO_QUEUE_URL);
  });

  it('takes nothing from the webhook body: a closure the POS does not have is not queued (a forged body)', async () => {
    pos.getAvailability.mockResolvedValue({ closed: false });
    await onHoursChanged(availabilityEvent(CLOSED), 5120, ctx());
    expect(pos.getAvailability).toHaveBeenCalledTimes(1);
    expect(queued()).toEqual([expect.objectContaining({ type: 'closure', closure: null })]);
  });

  it('queues “no closure” when the restaurant opened again', async () => {
    sent('CLOSURE', { startsAt: CLOSED.from, expiresAt: null });
    pos.getAvailability.mockResolvedValue({ closed: false });
    await onHoursChanged(availabilityEvent({ closed: false }), 5120, ctx());
    expect(queued()[0]).toMatchObject({ type: 'closure', closure: null, hash: hoursHash(null) });
  });

  it('sends nothing when Sinqro already has this closure', async () => {
    sent('CLOSURE', { startsAt: CLOSED.from, expiresAt: '2025-03-14T21:00:00.000Z' });
    await onHoursChanged(availabilityEvent(CLOSED), 5120, ctx());
    expect(queued()).toEqual([]);
  });

  it('never dates the state later than now, even when the POS clock is ahead', async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString();
    await onHoursChanged({ ...availabilityEvent(CLOSED), occurredAt: future }, 5120, ctx());
    expect(Date.parse(queued()[0].observedAt)).toBeLessThanOrEqual(Date.now());
  });

  it('records a closure that ends before it starts in the restaurant’s audit trail and sends nothing', async () => {
    const impossible: PosAvailability = { closed: true, from: CLOSED.from, until: '2025-03-14T17:00:00.000Z' };
    pos.getAvailability.mockResolvedValue(impossible);
    await expect(onHoursChanged(availabilityEvent(), 5120, ctx())).resolves.toBeUndefined();
    expect(queued()).toEqual([]);
    expect(audits()).toEqual([
      expect.objectContaining({
        PK: 'REST#5120',
        what: 'closure',
        code: 'IMPOSSIBLE_CLOSURE',
        detail: 'ENDS_BEFORE_START until',
      }),
    ]);
  });
});

describe('onHoursChanged: opening hours (F8)', () => {
  it('reads the hours back from the POS and queues Sinqro’s schedule ranges', async () => {
    await onHoursChanged(hoursEvent(), 5120, ctx());
    expect(pos.getOpeningHours).toHaveBeenCalledTimes(1);
    const [news] = queued() as ScheduleNews[];
    expect(news).toMatchObject({ type: 'schedule', restaurantId: 5120, hash: hoursHash(RANGES), ranges: RANGES });
  });

  it('sends nothing when Sinqro already has the same schedule', async () => {
    sent('SCHEDULE', RANGES);
    await onHoursChanged(hoursEvent(), 5120, ctx());
    expect(queued()).toEqual([]);
  });

  it('notes the hash it queued on the schedule item, before queueing', async () => {
    await onHoursChanged(hoursEvent(), 5120, ctx());
    const mark = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(mark).toMatchObject({
      Key: { PK: 'REST#5120', SK: 'SCHEDULE' },
      UpdateExpression: 'SET queuedHash = :hash, queuedAt = :now',
      ExpressionAttributeValues: { ':hash': hoursHash(RANGES) },
    });
  });

  it('queues hours Sinqro has when other hours are on their way (changed and changed back), so they win', async () => {
    sent('SCHEDULE', RANGES, RANGES.slice(0, 2));
    await onHoursChanged(hoursEvent(), 5120, ctx());
    expect(queued()).toHaveLength(1);
  });

  it('queues the schedule when it differs from what Sinqro has', async () => {
    sent('SCHEDULE', RANGES.slice(0, 2));
    await onHoursChanged(hoursEvent(), 5120, ctx());
    expect(queued()).toHaveLength(1);
  });

  it('acknowledges impossible hours (no retry) and sends nothing to Sinqro', async () => {
    pos.getOpeningHours.mockResolvedValue({
      timezone: 'Europe/Madrid',
      ranges: [{ day: 2, open: '20:00', close: '25:00' }],
    });
    await expect(onHoursChanged(hoursEvent(), 5120, ctx())).resolves.toBeUndefined();
    expect(queued()).toEqual([]);
  });

  it('records impossible hours in the restaurant’s audit trail with codes and fields only', async () => {
    pos.getOpeningHours.mockResolvedValue({
      timezone: 'Mars/Olympus',
      ranges: [
        { day: 1, open: '12:00', close: '16:00' },
        { day: 1, open: '15:00', close: '17:00' },
      ],
    });
    await onHoursChanged(hoursEvent(), 5120, ctx());
    expect(audits()).toEqual([
      expect.objectContaining({
        PK: 'REST#5120',
        what: 'schedule',
        source: 'reference',
        outcome: 'rejected: not sent to Sinqro',
        code: 'IMPOSSIBLE_SCHEDULE',
        detail: 'UNKNOWN_TIMEZONE timezone; OVERLAPPING_RANGES ranges[0],ranges[1]',
      }),
    ]);
  });

  it('logs a warning naming the problems when it rejects hours', async () => {
    pos.getOpeningHours.mockResolvedValue({
      timezone: 'Europe/Madrid',
      ranges: [{ day: 3, open: '10:00', close: '10:00' }],
    });
    await onHoursChanged(hoursEvent(), 5120, ctx());
    const warning = logs.map((l) => JSON.parse(l)).find((l) => l.level === 'warn');
    expect(warning).toMatchObject({
      msg: 'schedule rejected: not sent to Sinqro',
      code: 'IMPOSSIBLE_SCHEDULE',
      problems: 'EMPTY_RANGE',
    });
  });

  it('records a POS that refuses the read (e.g. 404) and acknowledges it, instead of retrying forever', async () => {
    pos.getOpeningHours.mockRejectedValue(
      Object.assign(new PermanentError('reference-pos answered 404', 'NOT_FOUND'), {
        remote: { service: 'reference-pos', status: 404, code: 'NOT_FOUND' },
      }),
    );
    await expect(onHoursChanged(hoursEvent(), 5120, ctx())).resolves.toBeUndefined();
    expect(audits()[0]).toMatchObject({
      outcome: 'failed permanently: not sent to Sinqro',
      code: 'NOT_FOUND',
      detail: 'reference-pos 404 NOT_FOUND',
    });
  });

  it('lets a failure that may pass later through, so the message is retried', async () => {
    pos.getOpeningHours.mockRejectedValue(new RetryableError('reference-pos timed out'));
    await expect(onHoursChanged(hoursEvent(), 5120, ctx())).rejects.toThrow(RetryableError);
    expect(audits()).toEqual([]);
  });

  it('does nothing for a POS whose client cannot read opening hours', async () => {
    await expect(
      onHoursChanged(hoursEvent(), 5120, ctx({ getAvailability: pos.getAvailability })),
    ).resolves.toBeUndefined();
    expect(queued()).toEqual([]);
  });
});

describe('syncHours (nightly sync, polling fallback)', () => {
  it('re-reads availability and opening hours and queues both when Sinqro has neither', async () => {
    await syncHours(5120, 'schedule', ctx());
    expect(queued().map((n) => n.type)).toEqual(['closure', 'schedule']);
  });

  it('queues only what changed', async () => {
    sent('SCHEDULE', RANGES);
    await syncHours(5120, 'schedule', ctx());
    expect(queued().map((n) => n.type)).toEqual(['closure']);
  });

  it('still syncs the schedule when the availability read fails for now, then asks for a retry', async () => {
    pos.getAvailability.mockRejectedValue(new RetryableError('reference-pos answered 503'));
    await expect(syncHours(5120, 'schedule', ctx())).rejects.toThrow('reference-pos answered 503');
    expect(queued().map((n) => n.type)).toEqual(['schedule']);
  });

  it('still syncs the closure when the hours are impossible, and does not ask for a retry', async () => {
    pos.getOpeningHours.mockResolvedValue({
      timezone: 'Europe/Madrid',
      ranges: [{ day: 1, open: '24:00', close: '02:00' }],
    });
    await expect(syncHours(5120, 'schedule', ctx())).resolves.toBeUndefined();
    expect(queued().map((n) => n.type)).toEqual(['closure']);
  });

  it('records an unlinked restaurant once per item and acknowledges the message', async () => {
    await expect(syncHours(777, 'schedule', ctx())).resolves.toBeUndefined();
    expect(audits().map((a) => [a.PK, a.what, a.code])).toEqual([
      ['REST#777', 'closure', 'RESTAURANT_NOT_LINKED'],
      ['REST#777', 'schedule', 'RESTAURANT_NOT_LINKED'],
    ]);
  });
});
