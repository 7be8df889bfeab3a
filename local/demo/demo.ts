/**
 * `npm run demo`: the 10-step flow against a fresh local runtime (or, with --attach, against a
 * running `npm start`): an order goes from Sinqro into the POS, staff move it to completed and every
 * status reaches Sinqro; a second order is cancelled by the consumer and the POS reflects it.
 * Then the restaurant closes temporarily in the POS and opens again (F7), and its opening hours change
 * (F8): Sinqro's closure and schedule follow. A third order goes to the Lightspeed K-Series restaurant:
 * the POS takes it, staff make it ready and close it, and Sinqro follows. Exits 0 when every step was
 * observed, 1 otherwise.
 */
import { setLogSink } from '../../functions/infra/logger';
import config from '../runtime/config.json';
import { type LocalRuntime, startLocalRuntime } from '../runtime/runtime';
import { waitFor } from '../runtime/wait';
import type { SimOrder } from '../sims/reference-pos/server';
import type { SimClosure, SimScheduleRange, SinqroCall } from '../sims/sinqro/server';
import { DEMO_LIGHTSPEED_K_RESTAURANT, DEMO_RESTAURANT, demoLightspeedKOrder, demoOrder, envelope } from './data';

const attach = process.argv.includes('--attach');
const out = (line: string) => process.stdout.write(`${line}\n`);

// biome-ignore lint/suspicious/noExplicitAny: demo replies are read ad hoc.
type JsonReply = any;

async function post(url: string, body: unknown): Promise<{ status: number; body: JsonReply }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
const step = (text: string) => out(`\n▶ ${text}`);
const get = async <T>(url: string): Promise<T> => (await fetch(url)).json() as Promise<T>;

async function main() {
  let runtime: LocalRuntime | undefined;
  let urls = {
    referencePos: `http://127.0.0.1:${config.ports.referencePos}`,
    sinqro: `http://127.0.0.1:${config.ports.sinqro}`,
    lightspeedKPos: `http://127.0.0.1:${config.ports.lightspeedKPos}`,
  };
  if (!attach) {
    runtime = await startLocalRuntime({
      ports: { gateway: 0, referencePos: 0, sinqro: 0, lightspeedKPos: 0 },
      log: (line) => out(`      ${line}`),
    });
    urls = runtime.urls;
  }
  const base = Math.floor(Date.now() / 1000) % 100_000_000; // fresh ids on every run
  const first = base * 10 + 1;
  const second = base * 10 + 2;

  const posOrder = (id: number) => async () =>
    (await get<SimOrder[]>(`${urls.referencePos}/_sim/orders`)).find((o) => o.externalReference === String(id));
  const sinqroHas = (id: number, code: string) => async () =>
    (await get<SinqroCall[]>(`${urls.sinqro}/_sim/calls?id=${id}`)).find(
      (c) => c.statusCode === code && c.httpStatus === 200,
    );

  step(`1–3. A consumer orders at a marketplace; Sinqro sends order.created ${first} to the bridge (signed)`);
  const sent = await post(`${urls.sinqro}/_sim/events`, envelope('order.created', demoOrder(first)));
  if (sent.body?.bridgeStatus !== 202) throw new Error(`bridge answered ${JSON.stringify(sent.body)}`);
  step('4. The bridge posts the order to the POS API');
  const pos = await waitFor(`order ${first} in the POS`, posOrder(first));
  await waitFor('Sinqro to learn the POS order id', sinqroHas(first, 'waiting_sp_validation'));
  for (const [status, code, seed] of [
    [
      'accepted',
      'accepted',
      '5–8. The POS shows it; staff accept it; the POS webhook reaches the bridge; the bridge tells Sinqro',
    ],
    ['preparing', 'preparing', '   Staff start preparing it'],
    ['ready', 'ready', '   It is ready for collection'],
    ['completed', 'collected', '   The consumer collects it'],
  ] as const) {
    step(seed);
    const changed = await post(`${urls.referencePos}/_sim/orders/${pos.id}/status`, { status });
    if (changed.status !== 200) throw new Error(`POS refused ${status}: ${JSON.stringify(changed.body)}`);
    await waitFor(`Sinqro to show ${code}`, sinqroHas(first, code));
  }
  step('9–10. Sinqro tells the marketplace, which tells the consumer (outside the bridge)');

  step(`A second order ${second} arrives, then the consumer cancels it in the marketplace`);
  await post(
    `${urls.sinqro}/_sim/events`,
    envelope('order.created', demoOrder(second, { type: 'delivery', consumer: 1 })),
  );
  const pos2 = await waitFor(`order ${second} in the POS`, posOrder(second));
  await waitFor('Sinqro to learn the POS order id', sinqroHas(second, 'waiting_sp_validation'));
  await post(
    `${urls.sinqro}/_sim/events`,
    envelope('order.cancelled', { id: second, comment: 'Consumer changed their mind' }),
  );
  await waitFor(`the POS to show ${pos2.id} cancelled`, async () => (await posOrder(second)())?.status === 'cancelled');
  await new Promise((r) => setTimeout(r, 500)); // let the POS's own webhook about the cancellation pass through

  await catalogSteps(urls);

  out('\n════ Timeline ════');
  for (const id of [first, second]) {
    const order = (await posOrder(id)()) as SimOrder;
    const calls = await get<SinqroCall[]>(`${urls.sinqro}/_sim/calls?id=${id}`);
    out(`order ${id} (restaurant ${DEMO_RESTAURANT}) ↔ POS ${order.id}`);
    out(`  POS:    ${order.history.map((h) => `${h.status}${h.by === 'api' ? ' (by bridge)' : ''}`).join(' → ')}`);
    out(
      `  Sinqro: ${calls
        .filter((c) => c.httpStatus === 200)
        .map((c) => c.statusCode)
        .join(' → ')}`,
    );
    if (runtime) {
      const { listAudit } = await import('../../functions/store/audit');
      for (const a of await listAudit(`ORDER#${id}`))
        out(
          `    ${a.at.slice(11, 23)}  ${a.what.padEnd(14)} ${String(a.status ?? '').padEnd(10)} ${a.outcome}${a.sinqro ? `, ${a.sinqro}` : ''}${a.code ? ` [${a.code}]` : ''}`,
        );
    }
  }
  const echoed = (await get<SinqroCall[]>(`${urls.sinqro}/_sim/calls?id=${second}`)).some(
    (c) => c.statusCode === 'cancelled',
  );
  if (echoed) throw new Error('the consumer cancellation was echoed back to Sinqro');

  await hoursSteps(urls, step);
  await lightspeedKSteps(urls, base * 10 + 3, sinqroHas);
  out('\n✔ demo complete: every step observed');
  setLogSink(() => undefined);
  await runtime?.stop();
}

const DAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const lunch = { open: '13:00', close: '16:00' };
/** Closed on Mondays, split shifts, Friday and Saturday nights past midnight. */
const NEW_HOURS = {
  timezone: 'Europe/Madrid',
  days: [
    ...['tuesday', 'wednesday', 'thursday'].map((day) => ({ day, ranges: [lunch, { open: '20:00', close: '23:30' }] })),
    ...['friday', 'saturday'].map((day) => ({ day, ranges: [lunch, { open: '20:00', close: '01:30' }] })),
    { day: 'sunday', ranges: [{ open: '13:00', close: '17:00' }] },
  ],
};

async function hoursSteps(urls: { referencePos: string; sinqro: string }, step: (text: string) => void) {
  const send = async (method: string, url: string, body: unknown) =>
    (await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
  const closure = async () =>
    (await get<{ closure: SimClosure | null }>(`${urls.sinqro}/_sim/closure/${DEMO_RESTAURANT}`)).closure;
  const schedule = async () =>
    (await get<{ ranges: SimScheduleRange[] | null }>(`${urls.sinqro}/_sim/schedule/${DEMO_RESTAURANT}`)).ranges;
  const hhmm = (iso: string) => iso.slice(11, 16);

  const until = new Date(Date.now() + 2 * 3600_000);
  until.setUTCSeconds(0, 0);
  step(
    `F7. Staff close the restaurant in the POS until ${hhmm(until.toISOString())} UTC; its webhook reaches the bridge`,
  );
  await send('POST', `${urls.referencePos}/_sim/availability`, { closed: true, until: until.toISOString() });
  const closed = await waitFor('Sinqro to show the temporary closure', async () => (await closure()) ?? undefined);
  out(`   Sinqro: closed from ${hhmm(closed.startsAt)} until ${closed.expiresAt ? hhmm(closed.expiresAt) : '—'} UTC`);

  step('F7. Staff open it again');
  await send('POST', `${urls.referencePos}/_sim/availability`, { closed: false });
  await waitFor('Sinqro to remove the closure', async () => (await closure()) === null);
  out('   Sinqro: closure removed');

  step('F8. Staff change the opening hours: closed on Mondays, Friday and Saturday until 01:30');
  await send('PUT', `${urls.referencePos}/_sim/opening-hours`, NEW_HOURS);
  const ranges = await waitFor('Sinqro to show the new schedule', async () => {
    const r = await schedule();
    return r?.length === 11 && r.some((x) => x.startDay.id === 6 && x.endDay.id === 7 && x.endTime === '01:30') && r;
  });
  const byDay = new Map<number, string[]>();
  for (const r of ranges)
    byDay.set(r.startDay.id, [
      ...(byDay.get(r.startDay.id) ?? []),
      `${r.startTime}–${r.endTime}${r.endDay.id === r.startDay.id ? '' : '(+1)'}`,
    ]);
  out(`   Sinqro schedule (${ranges[0]?.timezone}):`);
  for (const [day, shifts] of byDay) out(`     ${DAYS[day]} ${shifts.join('  ')}`);
}

/** A K-Series order: the POS takes it on its own (accepted), staff make it ready and close it (collected). */
async function lightspeedKSteps(
  urls: { lightspeedKPos: string; sinqro: string },
  id: number,
  sinqroHas: (id: number, code: string) => () => Promise<SinqroCall | undefined>,
) {
  type LskOrder = { thirdPartyReference: string; history: { status: string; by: string }[] };
  const lskOrder = async () =>
    (await get<LskOrder[]>(`${urls.lightspeedKPos}/_sim/orders`)).find((o) => o.thirdPartyReference === String(id));
  step(
    `Lightspeed K-Series: order ${id} for restaurant ${DEMO_LIGHTSPEED_K_RESTAURANT} goes to POST /o/op/1/order/toGo`,
  );
  await post(
    `${urls.sinqro}/_sim/events`,
    envelope('order.created', demoLightspeedKOrder(id), DEMO_LIGHTSPEED_K_RESTAURANT),
  );
  await waitFor(`order ${id} in K-Series`, lskOrder);
  step('   The POS takes it (onlineOrderNotification SUCCESS): accepted');
  await waitFor('Sinqro to show accepted', sinqroHas(id, 'accepted'));
  for (const [status, code] of [
    ['READY_FOR_PICKUP', 'ready'],
    ['CLOSED', 'collected'],
  ] as const) {
    step(`   Staff: ${status}`);
    const changed = await post(`${urls.lightspeedKPos}/_sim/orders/${id}/status`, { status });
    if (changed.status !== 200) throw new Error(`K-Series refused ${status}: ${JSON.stringify(changed.body)}`);
    await waitFor(`Sinqro to show ${code}`, sinqroHas(id, code));
  }
  const order = (await lskOrder()) as LskOrder;
  const calls = await get<SinqroCall[]>(`${urls.sinqro}/_sim/calls?id=${id}`);
  out(`   K-Series: ${order.history.map((h) => h.status).join(' → ')}`);
  out(
    `   Sinqro:   ${calls
      .filter((c) => c.httpStatus === 200)
      .map((c) => c.statusCode)
      .join(' → ')}`,
  );
  const invalid = await get<unknown[]>(`${urls.lightspeedKPos}/_sim/invalid-requests`);
  if (invalid.length > 0) throw new Error(`K-Series found ${invalid.length} request(s) against its spec`);
  out('   Every request the bridge sent K-Series conformed to the published spec');
}

/** F6: the POS's catalog reaches Sinqro, then a product going unavailable in the POS does too. */
async function catalogSteps(urls: { referencePos: string; sinqro: string }) {
  const sinqroCatalog = () =>
    get<Record<string, { externalId: string; isAvailable?: boolean }[]>>(
      `${urls.sinqro}/_sim/catalog/${DEMO_RESTAURANT}`,
    );
  const water = async () => (await sinqroCatalog()).products?.find((p) => p.externalId === 'POS-ART-40');
  const availability = (available: boolean) =>
    post(`${urls.referencePos}/_sim/catalog/products/POS-ART-40/availability`, { available });

  step('F6. The POS says its catalog changed (catalog.changed); the bridge reads it page by page and pushes it');
  await availability(true); // a fresh start for reruns against `npm start`
  const notified = await post(`${urls.referencePos}/_sim/catalog/notify`, {});
  if (notified.body?.webhookStatus !== 200)
    throw new Error(`bridge answered the catalog webhook ${notified.body?.webhookStatus}`);
  const catalog = await waitFor('the catalog in Sinqro', async () => {
    const c = await sinqroCatalog();
    return Object.values(c).every((items) => items.length > 0) && (await water())?.isAvailable === true ? c : undefined;
  });
  out(
    `   Sinqro has ${Object.entries(catalog)
      .map(([k, items]) => `${items.length} ${k}`)
      .join(', ')}`,
  );

  step('   Staff mark "Sparkling water" (POS-ART-40) unavailable in the POS; its webhook names the product');
  const before = (await get<SinqroCall[]>(`${urls.sinqro}/_sim/calls`)).length;
  await availability(false);
  await waitFor('Sinqro to show the product unavailable', async () => (await water())?.isAvailable === false);
  const calls = (await get<SinqroCall[]>(`${urls.sinqro}/_sim/calls`))
    .slice(before)
    .filter((c) => c.kind === 'catalog');
  out(
    `   Sinqro: POS-ART-40 isAvailable=false (${calls.map((c) => `${c.method} ${c.collection}, ${c.items} item`).join('; ')})`,
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`✘ demo failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
