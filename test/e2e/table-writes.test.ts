/**
 * The stack's table-write grants (functions/store/table-writes.ts) hold for what the handlers really
 * write: the local runtime checks every write of every invocation as IAM's `dynamodb:LeadingKeys`
 * would (local/runtime/table-policy.ts). Here an order's life and two refusals run under the declarations
 * (table-writes-undeclared.test.ts shows a write outside them refused).
 */
import { SIGNATURE_HEADER } from '../../adapters/reference/contract';
import { signPayload } from '../../functions/infra/signature';
import { demoOrder } from '../../local/demo/data';
import { envelope, type Harness, REF_SECRET, startHarness } from './harness';

jest.setTimeout(60_000);

const unlinkedLocationWebhook = () =>
  JSON.stringify({
    eventId: `evt-${Math.random()}`,
    type: 'hours.changed',
    occurredAt: new Date().toISOString(),
    locationId: 'loc-nobody',
    data: {},
  });

describe('under the declared grants', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.rt.stop();
  });

  test("an order's life and two refusals write only where each function declares, and every function's writes were checked", async () => {
    const id = h.nextId();
    expect((await h.sendEvent(envelope('order.created', demoOrder(id)))).status).toBe(202);
    const pos = await h.waitForPosOrder(id);
    await h.waitForSinqroStatus(id, 'waiting_sp_validation');
    expect(await h.staff(pos.id, 'accepted')).toBe(200);
    await h.waitForSinqroStatus(id, 'accepted');
    expect(
      (await h.sendEvent(envelope('order.created', demoOrder(h.nextId(), { restaurantId: 999_999 }), 999_999))).status,
    ).toBe(404);
    const raw = unlinkedLocationWebhook();
    const refused = await h.postRaw('/reference/webhooks/hours', raw, {
      [SIGNATURE_HEADER]: signPayload(REF_SECRET, raw),
    });
    expect(refused.status).toBe(404);

    const used = h.rt.tablePolicy.used;
    expect(used.get('sinqro-webhook')).toEqual(new Set(['DEDUPE#sinqro#*', 'REFUSED#REST#*']));
    expect(used.get('pos-webhook')).toEqual(new Set(['DEDUPE#reference#*', 'REFUSED#POSLOC#reference#*']));
    expect([...(used.get('reference-worker') ?? [])]).toEqual(expect.arrayContaining(['ORDER#*', 'OPEN#*']));
    expect([...(used.get('sinqro-publisher') ?? [])]).toEqual(expect.arrayContaining(['ORDER#*']));
    expect(h.rt.tablePolicy.denied).toEqual([]);
  });
});
