/**
 * The OrdersByStatus metric from the real worker in the local runtime: one line per status an order
 * reaches (RECEIVED, INJECTED, then each status the staff set), none for a duplicate Sinqro event, and
 * never an order or restaurant id in it. In AWS the same call writes an EMF line (unit-tested).
 */
import { demoOrder } from '../../local/demo/data';
import { envelope, useHarness, waitFor } from './harness';

jest.setTimeout(40_000);
const h = useHarness();

const statusLines = () => h.logs.filter((l) => l.includes('[metric] OrdersByStatus=1'));
const countOf = (status: string) =>
  statusLines().filter((l) => l.endsWith(` PosCode=reference Kind=order Status=${status}`)).length;

test('each status an order reaches is counted once, by POS, kind and status only', async () => {
  const id = h.nextId();
  const event = envelope('order.created', demoOrder(id));
  expect((await h.sendEvent(event)).status).toBe(202);
  expect((await h.sendEvent(event)).status).toBe(200); // the same event again: a duplicate
  const pos = await h.waitForPosOrder(id);
  await h.waitForSinqroStatus(id, 'waiting_sp_validation');
  expect(await h.staff(pos.id, 'accepted')).toBe(200);
  await h.waitForSinqroStatus(id, 'accepted');
  await waitFor('the ACCEPTED metric line', () => countOf('ACCEPTED') === 1);
  await h.settle(500);

  expect({ RECEIVED: countOf('RECEIVED'), INJECTED: countOf('INJECTED'), ACCEPTED: countOf('ACCEPTED') }).toEqual({
    RECEIVED: 1,
    INJECTED: 1,
    ACCEPTED: 1,
  });
  expect(statusLines()).toHaveLength(3);
  for (const line of statusLines()) {
    expect(line).not.toContain(String(id));
    expect(line).not.toContain('5120');
    expect(line).not.toContain(pos.id);
  }
});
