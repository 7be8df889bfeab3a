/**
 * Temporary closures (F7) and opening hours (F8) end to end: staff act in the reference POS simulator,
 * its signed webhooks reach the bridge, and the Sinqro simulator ends up with the closure or schedule —
 * or, for impossible hours, with nothing new. Closures and hours belong to the restaurant, so they
 * serve its orders and reservations alike.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { WorkMessage } from '../../functions/core/messages';
import { keys } from '../../functions/store/table';
import { DEMO_RESTAURANT } from '../../local/demo/data';
import type { SimClosure, SimScheduleRange } from '../../local/sims/sinqro/server';
import { useHarness, waitFor } from './harness';

jest.setTimeout(40_000);
const h = useHarness();

// biome-ignore lint/suspicious/noExplicitAny: simulator replies are read ad hoc.
async function call(method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
const pos = (method: string, path: string, body?: unknown) => call(method, `${h.rt.urls.referencePos}${path}`, body);
/** The closure and schedule Sinqro has (undefined: none, so `waitFor` keeps waiting). */
const sinqroClosure = async (): Promise<SimClosure | undefined> =>
  (await call('GET', `${h.rt.urls.sinqro}/_sim/closure/${DEMO_RESTAURANT}`)).body.closure ?? undefined;
const sinqroSchedule = async (): Promise<SimScheduleRange[] | undefined> =>
  (await call('GET', `${h.rt.urls.sinqro}/_sim/schedule/${DEMO_RESTAURANT}`)).body.ranges ?? undefined;
const hoursCalls = (kind: 'closure' | 'schedule') => h.rt.sinqro.calls.filter((c) => c.kind === kind);
const logged = (text: string) => h.logs.filter((l) => l.includes(text)).length;

const splitAndLate = {
  timezone: 'Europe/Madrid',
  days: [
    {
      day: 'monday',
      ranges: [
        { open: '12:00', close: '16:00' },
        { open: '20:00', close: '23:30' },
      ],
    },
    { day: 'saturday', ranges: [{ open: '20:00', close: '02:00' }] },
    { day: 'sunday', ranges: [{ open: '19:00', close: '01:00' }] },
  ],
};

test('closing the restaurant until a time reaches Sinqro as a temporary closure with its start and end', async () => {
  const until = new Date(Date.now() + 2 * 3600_000).toISOString();
  const closed = await pos('POST', '/_sim/availability', { closed: true, until, reason: 'staff training' });
  expect(closed).toMatchObject({ status: 200, body: { webhookStatus: 200 } });
  const closure = await waitFor('the closure in Sinqro', sinqroClosure);
  expect(closure).toEqual({ startsAt: closed.body.availability.from, expiresAt: until });
});

test('opening again removes the temporary closure from Sinqro', async () => {
  await waitFor('a closure to remove', sinqroClosure);
  const opened = await pos('POST', '/_sim/availability', { closed: false });
  expect(opened).toMatchObject({ status: 200, body: { webhookStatus: 200 } });
  await waitFor('the closure to be gone', async () => (await sinqroClosure()) === undefined);
  expect(hoursCalls('closure').at(-1)).toMatchObject({ method: 'DELETE', httpStatus: 200 });
});

test('an hours change with a split shift and ranges past midnight reaches Sinqro’s schedule', async () => {
  const changed = await pos('PUT', '/_sim/opening-hours', splitAndLate);
  expect(changed).toMatchObject({ status: 200, body: { webhookStatus: 200 } });
  const ranges = await waitFor('the schedule in Sinqro', sinqroSchedule);
  const tz = 'Europe/Madrid';
  expect(ranges).toEqual([
    { startDay: { id: 1 }, endDay: { id: 1 }, startTime: '12:00', endTime: '16:00', timezone: tz },
    { startDay: { id: 1 }, endDay: { id: 1 }, startTime: '20:00', endTime: '23:30', timezone: tz },
    { startDay: { id: 6 }, endDay: { id: 7 }, startTime: '20:00', endTime: '02:00', timezone: tz },
    { startDay: { id: 7 }, endDay: { id: 1 }, startTime: '19:00', endTime: '01:00', timezone: tz },
  ]);
});

test('the same hours again send nothing to Sinqro', async () => {
  await waitFor('the schedule in Sinqro', sinqroSchedule);
  const before = hoursCalls('schedule').length;
  const unchanged = logged('schedule unchanged; nothing to send');
  expect((await pos('PUT', '/_sim/opening-hours', splitAndLate)).body.webhookStatus).toBe(200);
  await waitFor('the worker to compare the hours', () => logged('schedule unchanged; nothing to send') > unchanged);
  await h.settle(500);
  expect(hoursCalls('schedule')).toHaveLength(before);
});

test('impossible hours are rejected with the reason in the restaurant’s audit trail, and not pushed to Sinqro', async () => {
  const { listAudit } = await import('../../functions/store/audit');
  const schedule = await sinqroSchedule();
  const before = hoursCalls('schedule').length;
  const impossible = {
    timezone: 'Europe/Madrid',
    days: [{ day: 'tuesday', ranges: [{ open: '20:00', close: '25:00' }] }],
  };
  expect((await pos('PUT', '/_sim/opening-hours', impossible)).body.webhookStatus).toBe(200);
  const rejection = await waitFor('the rejection in the audit trail', async () =>
    (await listAudit(keys.restaurantAudit(DEMO_RESTAURANT))).find((a) => a.code === 'IMPOSSIBLE_SCHEDULE'),
  );
  expect(rejection).toMatchObject({ what: 'schedule', outcome: 'rejected: not sent to Sinqro' });
  expect(rejection.detail).toBe('INVALID_TIME ranges[0].close');
  await h.settle(500);
  expect(hoursCalls('schedule')).toHaveLength(before);
  expect(await sinqroSchedule()).toEqual(schedule);
  expect(h.logs.some((l) => l.includes('message will be retried'))).toBe(false);
});

test('hours changed and changed back while Sinqro is down end as the latest hours in Sinqro, not the ones in between', async () => {
  const { listAudit } = await import('../../functions/store/audit');
  const week = (close: string) => ({
    timezone: 'Europe/Madrid',
    days: [{ day: 'tuesday', ranges: [{ open: '10:00', close }] }],
  });
  await pos('PUT', '/_sim/opening-hours', week('14:00'));
  await waitFor('the first hours in Sinqro', async () => (await sinqroSchedule())?.[0]?.endTime === '14:00');
  h.rt.sinqro.faults.set({ downUntil: Date.now() + 2500 });
  try {
    const queuedBefore = logged('schedule changed; queued for Sinqro');
    await pos('PUT', '/_sim/opening-hours', week('15:00'));
    // The bridge reads the hours back, so it must have read the in-between ones before they change back.
    await waitFor(
      'the in-between hours to be queued',
      () => logged('schedule changed; queued for Sinqro') > queuedBefore,
    );
    await pos('PUT', '/_sim/opening-hours', week('14:00'));
    await waitFor(
      'the latest hours to be queued',
      () => logged('schedule changed; queued for Sinqro') > queuedBefore + 1,
    );
    // The restaurant's schedules share one FIFO group: sent one at a time, in order, the latest last.
    const toSinqro = h.rt.queues.find((q) => q.consumer === 'sinqro-publisher') as { name: string };
    await waitFor(
      'every schedule to be sent once Sinqro is back',
      async () => {
        const d = h.rt.sqs.depth(toSinqro.name);
        const sent = (await listAudit(keys.restaurantAudit(DEMO_RESTAURANT))).filter(
          (a) => a.what === 'schedule' && String(a.outcome).startsWith('sent'),
        );
        return d.visible + d.inFlight === 0 && sent.length > 0;
      },
      20_000,
    );
  } finally {
    h.rt.sinqro.faults.set({});
  }
  expect((await sinqroSchedule())?.map((r) => r.endTime)).toEqual(['14:00']);
});

test('with availability webhooks off, an hours-sync message (nightly sync, polling fallback) brings a closure made in the POS to Sinqro', async () => {
  await pos('POST', '/_sim/webhooks', { availability: false });
  try {
    const closed = await pos('POST', '/_sim/availability', { closed: true });
    expect(closed.body.webhookStatus).toBe(0);
    const sqs = new SQSClient({ endpoint: h.rt.urls.sqs });
    const message: WorkMessage = {
      type: 'hours-sync',
      restaurantId: DEMO_RESTAURANT,
      posCode: 'reference',
      trigger: 'schedule',
    };
    const queue = h.rt.queues.find((q) => q.consumer === 'reference-worker');
    await sqs.send(new SendMessageCommand({ QueueUrl: queue?.url, MessageBody: JSON.stringify(message) }));
    const closure = await waitFor('the closure in Sinqro', sinqroClosure);
    expect(closure).toEqual({ startsAt: closed.body.availability.from, expiresAt: null });
  } finally {
    await pos('POST', '/_sim/webhooks', { availability: true });
    await pos('POST', '/_sim/availability', { closed: false });
  }
});
