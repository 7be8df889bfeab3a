/**
 * The local scheduler: jobs run by hand through the gateway (`POST /_local/schedule/{job}`) and by
 * timer, with the reference POS's status webhooks switched off in the runtime's adapter settings.
 */
import config from '../../local/runtime/config.json';
import { waitFor } from '../../local/runtime/wait';
import { type Harness, startHarness } from './harness';

jest.setTimeout(30_000);
let h: Harness;

beforeAll(async () => {
  h = await startHarness(6, {
    adapterSettings: { reference: { statusWebhooks: false } },
    scheduleEverySeconds: { poll: 1, sweep: 0, nightly: 0 },
  });
});
afterAll(async () => {
  await h.rt.stop();
});

const schedule = async (job: string) => {
  const res = await fetch(`${h.rt.urls.gateway}/_local/schedule/${job}`, { method: 'POST' });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

test("runtime options override local/runtime/config.json's adapter settings", () => {
  expect(h.rt.adapterSettings.reference).toEqual({ statusWebhooks: false, availabilityWebhooks: true });
  expect(JSON.parse(process.env.POS_SETTINGS_REFERENCE as string)).toEqual({
    statusWebhooks: false,
    availabilityWebhooks: true,
  });
});

test('with status webhooks off, a poll enqueues a poll-orders for the linked restaurant', async () => {
  const { status, body } = await schedule('poll');
  expect(status).toBe(200);
  // The demo restaurants (reference, Square, K-Series); only the reference POS has its status webhooks off.
  expect(body).toEqual({
    job: 'poll',
    restaurants: config.restaurants.length,
    enqueued: { 'poll-orders': 1, 'hours-sync': 0, 'catalog-sync': 0 },
    skipped: 0,
  });
});

test('a sweep enqueues a poll-orders for every linked restaurant', async () => {
  const { body } = await schedule('sweep');
  expect(body).toMatchObject({ job: 'sweep', enqueued: { 'poll-orders': config.restaurants.length } });
});

test('an unknown job is a 404 naming the jobs', async () => {
  const { status, body } = await schedule('cleanup');
  expect(status).toBe(404);
  expect(body.message).toBe('no scheduled job "cleanup": one of poll, sweep, nightly');
});

test('the poll timer runs the scheduler on its own', async () => {
  const before = h.logs.filter((l) => l.includes('[scheduler] scheduled poll')).length;
  await waitFor(
    'two timer-driven polls',
    () => h.logs.filter((l) => l.includes('[scheduler] scheduled poll')).length >= before + 2,
    5000,
  );
});

test('a job with its timer off does not run on its own', async () => {
  await new Promise((r) => setTimeout(r, 1500));
  expect(h.logs.some((l) => l.includes('[scheduler] scheduled nightly'))).toBe(false);
});
