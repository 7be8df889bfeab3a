/** Output helpers: plain-text tables, and the one safe view of a queued message (ids and types only). */

/** Left-aligned columns, two spaces apart, headers in capitals. */
export function table(headers: string[], rows: (string | number | undefined)[][]): string[] {
  const cells = [
    headers.map((h) => h.toUpperCase()),
    ...rows.map((r) => r.map((c) => (c === undefined ? '' : String(c)))),
  ];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const idLike = (v: unknown): string | undefined =>
  (typeof v === 'string' && /^[\w.:#@/-]{1,100}$/.test(v)) || (typeof v === 'number' && Number.isFinite(v))
    ? String(v)
    : undefined;

/**
 * What the CLI may show of a dead-lettered message: its type and ids, picked field by field from a
 * fixed list. Bodies hold consumers' names, phones and addresses, so nothing else is ever read out.
 */
export function messageSummary(body: string): Record<string, string> {
  let parsed: Json | undefined;
  try {
    parsed = obj(JSON.parse(body));
  } catch {
    return { type: '(not JSON)' };
  }
  if (!parsed) return { type: '(not an object)' };
  // A Lambda failure record carries the event in requestPayload; an EventBridge event carries the envelope in detail.
  const eventBridge = obj(obj(parsed.requestPayload)?.detail) ?? obj(parsed.detail);
  if (eventBridge)
    return pick({
      type: eventBridge.type,
      eventId: eventBridge.id,
      sinqroId: obj(eventBridge.data)?.id,
      restaurantId: eventBridge.sellingPointId,
    });
  const event = obj(parsed.event);
  return pick({
    type: parsed.type,
    restaurantId: parsed.restaurantId,
    posCode: parsed.posCode,
    orderId: parsed.orderId,
    status: parsed.status,
    syncId: parsed.syncId,
    entityType: parsed.entityType,
    trigger: parsed.trigger,
    event: event?.type,
    eventId: event?.id ?? event?.eventId,
    sinqroId: obj(event?.data)?.id ?? event?.sinqroOrderId,
    posOrderId: event?.posOrderId,
  });
}

function pick(fields: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) {
    const text = idLike(v);
    if (text !== undefined) out[k] = text;
  }
  return out;
}

export const fieldsText = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
