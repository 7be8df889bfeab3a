/**
 * What a POS webhook can make the bridge do, end to end. A closure is read back from the POS API (as
 * hours are), so a validly signed body claiming a closure the POS does not have changes nothing; and
 * a link with its own webhook secret accepts only requests signed with it, not with the adapter's.
 */
import { SIGNATURE_HEADER } from '../../adapters/reference/contract';
import { signPayload } from '../../functions/infra/signature';
import { DEMO_RESTAURANT } from '../../local/demo/data';
import secrets from '../../local/runtime/secrets.json';
import { type SecretsFile, useSecretsFile } from '../unit/support/secrets-file';
import { type Harness, REF_SECRET, startHarness, waitFor } from './harness';

jest.setTimeout(40_000);

/** A restaurant whose POS signs its webhooks with a secret of its own (its link's `posWebhookSecret`). */
const OWN = {
  restaurantId: 5130,
  posCode: 'reference',
  posLocationId: 'loc-own-secret',
  sinqroTokenSecret: 'sinqro-pos-bridge/local/restaurants/5130',
  posWebhookSecret: 'sinqro-pos-bridge/local/webhooks/pos/reference/loc-own-secret',
};
const OWN_SECRET = 'a-webhook-secret-of-loc-own-secret-alone-0123456789';

let h: Harness;
let file: SecretsFile;

beforeAll(async () => {
  file = useSecretsFile();
  file.write({
    ...secrets,
    [OWN.sinqroTokenSecret]: { userAccessToken: 'demo-user-token-5130' },
    [OWN.posWebhookSecret]: { webhookSigningSecrets: [OWN_SECRET] },
  });
  h = await startHarness(6, { extraRestaurants: [OWN] });
});
afterAll(async () => {
  await h.rt.stop();
  file.remove();
});

const locationWebhook = (type: 'availability.changed' | 'hours.changed', locationId: string, data: object = {}) =>
  JSON.stringify({ eventId: `evt-${Math.random()}`, type, occurredAt: new Date().toISOString(), locationId, data });
const post = (path: string, raw: string, secret: string) =>
  h.postRaw(`/reference/webhooks/${path}`, raw, { [SIGNATURE_HEADER]: signPayload(secret, raw) });
const logged = (text: string) => h.logs.filter((l) => l.includes(text)).length;

test('a validly signed availability webhook claiming a closure the POS does not have sends Sinqro no closure', async () => {
  const closures = () => logged('closure changed; queued for Sinqro') + logged('closure unchanged; nothing to send');
  const before = closures();
  const forged = locationWebhook('availability.changed', 'loc-trattoria', {
    closed: true,
    from: new Date().toISOString(),
    until: new Date(Date.now() + 2 * 3600_000).toISOString(),
  });
  expect((await post('availability', forged, REF_SECRET)).status).toBe(200);
  await waitFor('the worker to handle the webhook', () => closures() > before);
  await h.settle(500);
  const closure = (await fetch(`${h.rt.urls.sinqro}/_sim/closure/${DEMO_RESTAURANT}`).then((r) => r.json())) as {
    closure?: unknown;
  };
  expect(closure.closure ?? null).toBeNull();
  expect(h.rt.sinqro.calls.filter((c) => c.kind === 'closure' && c.body)).toEqual([]);
});

describe('a link with its own webhook secret', () => {
  const hours = () => locationWebhook('hours.changed', OWN.posLocationId);

  test('refuses a request for its location signed with the adapter-wide secret (401)', async () => {
    const res = await post('hours', hours(), REF_SECRET);
    expect(res.status).toBe(401);
  });

  test('accepts a request for its location signed with its own secret', async () => {
    const res = await post('hours', hours(), OWN_SECRET);
    expect(res).toMatchObject({ status: 200, body: { received: 1 } });
  });

  test('does not lend its secret to another location: a body naming the demo location signed with it is 401', async () => {
    const res = await post('hours', locationWebhook('hours.changed', 'loc-trattoria'), OWN_SECRET);
    expect(res.status).toBe(401);
  });

  test('leaves the other links as they were: the demo location is still verified with the adapter-wide secret', async () => {
    const res = await post('hours', locationWebhook('hours.changed', 'loc-trattoria'), REF_SECRET);
    expect(res).toMatchObject({ status: 200, body: { received: 1 } });
  });

  test('an unknown location answers as before: 401 without a valid signature, 404 with the adapter-wide one', async () => {
    const unknown = locationWebhook('hours.changed', 'loc-nobody');
    expect((await post('hours', unknown, OWN_SECRET)).status).toBe(401);
    expect((await post('hours', unknown, REF_SECRET)).status).toBe(404);
  });
});
