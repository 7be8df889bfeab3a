/**
 * Orders and payments of the Square simulator: CreateOrder, RetrieveOrder, UpdateOrder and
 * CreatePayment (`source_id: "EXTERNAL"`) with Square's idempotency, optimistic concurrency on
 * `Order.version`, totals computed from line items, modifiers and service charges, and the payment
 * linked to the order as a tender. Shapes follow the OpenAPI schemas named in the comments.
 */
import type { SquareSimCatalog } from './catalog';
import {
  type Clock,
  canonical,
  invalid,
  isObject,
  type Money,
  money,
  notFound,
  orderId,
  paymentId,
  QUANTITY,
  uid,
} from './shapes';

/** OpenAPI `FulfillmentState`. */
export const FULFILLMENT_STATES = ['PROPOSED', 'RESERVED', 'PREPARED', 'COMPLETED', 'CANCELED', 'FAILED'] as const;
export type FulfillmentState = (typeof FULFILLMENT_STATES)[number];
const FINAL_FULFILLMENT = new Set<string>(['COMPLETED', 'CANCELED', 'FAILED']);
/** OpenAPI `OrderState`. */
const ORDER_STATES = ['OPEN', 'COMPLETED', 'CANCELED', 'DRAFT'];
const FULFILLMENT_TYPES = ['PICKUP', 'DELIVERY', 'SHIPMENT'];
/** Which `pickup_details` / `delivery_details` timestamp Square sets when a fulfillment reaches a state. */
const STATE_TIMESTAMP: Partial<Record<FulfillmentState, { pickup: string; delivery: string }>> = {
  RESERVED: { pickup: 'accepted_at', delivery: 'in_progress_at' },
  PREPARED: { pickup: 'ready_at', delivery: 'ready_at' },
  COMPLETED: { pickup: 'picked_up_at', delivery: 'completed_at' },
  CANCELED: { pickup: 'canceled_at', delivery: 'canceled_at' },
};

type Obj = Record<string, unknown>;
/** OpenAPI `Fulfillment` (as stored). */
export type Fulfillment = Obj & { uid: string; type: string; state: FulfillmentState };
/** OpenAPI `Order` (as stored and served). */
export type SquareOrder = Obj & {
  id: string;
  location_id: string;
  version: number;
  state: string;
  created_at: string;
  updated_at: string;
  line_items?: Obj[];
  fulfillments?: Fulfillment[];
  tenders?: Obj[];
  total_money: Money;
  net_amount_due_money: Money;
};
export type FulfillmentUpdate = { fulfillment_uid: string; old_state: string; new_state: string };
export type OrderEvent =
  | { type: 'order.created'; order: SquareOrder }
  | { type: 'order.updated'; order: SquareOrder }
  | { type: 'order.fulfillment.updated'; order: SquareOrder; updates: FulfillmentUpdate[] };

export type OrdersOptions = {
  clock: Clock;
  catalog: SquareSimCatalog;
  /** The currency of a location, undefined if there is no such location. */
  currencyOf: (locationId: string) => string | undefined;
  defaultLocationId: () => string;
  emit: (event: OrderEvent) => void;
};

type Remembered = { id: string; request: string };

export class SquareSimOrders {
  readonly orders = new Map<string, SquareOrder>();
  readonly payments = new Map<string, Obj>();
  private readonly createKeys = new Map<string, Remembered>();
  private readonly paymentKeys = new Map<string, Remembered>();
  private readonly updateKeys = new Map<string, Set<string>>();

  constructor(private readonly opts: OrdersOptions) {}

  reset(): void {
    this.orders.clear();
    this.payments.clear();
    this.createKeys.clear();
    this.paymentKeys.clear();
    this.updateKeys.clear();
  }

  get(id: string): SquareOrder {
    const order = this.orders.get(id);
    if (!order) throw notFound(`Order \`${id}\` not found.`, 'order_id');
    return order;
  }

  // ---- CreateOrder: `POST /v2/orders` (OpenAPI `CreateOrderRequest` → `CreateOrderResponse`) ----

  create(body: unknown): { order: SquareOrder; replayed: boolean } {
    if (!isObject(body)) throw invalid('EXPECTED_JSON_BODY', 'The request body must be a JSON object.');
    const key = body.idempotency_key;
    if (key !== undefined) {
      if (typeof key !== 'string' || !key)
        throw invalid('INVALID_VALUE', 'Invalid idempotency key.', 'idempotency_key');
      if (key.length > 192) throw invalid('VALUE_TOO_LONG', 'Must be at most 192 characters.', 'idempotency_key');
      const seen = this.createKeys.get(key);
      if (seen) return { order: this.replay(seen, body), replayed: true };
    }
    const input = body.order;
    if (!isObject(input)) throw invalid('MISSING_REQUIRED_PARAMETER', 'Field must be set', 'order');
    const locationId = input.location_id;
    if (typeof locationId !== 'string' || !locationId)
      throw invalid('MISSING_REQUIRED_PARAMETER', 'Field must be set', 'order.location_id');
    const currency = this.opts.currencyOf(locationId);
    // [inferred] status and code for an unknown location
    if (!currency) throw notFound(`Location \`${locationId}\` not found.`, 'order.location_id');
    if (input.reference_id !== undefined && (typeof input.reference_id !== 'string' || input.reference_id.length > 40))
      throw invalid('VALUE_TOO_LONG', 'Must be a string of at most 40 characters.', 'order.reference_id');
    const state = input.state ?? 'OPEN';
    if (state !== 'OPEN' && state !== 'DRAFT')
      throw invalid('INVALID_VALUE', 'A new order must be OPEN or DRAFT.', 'order.state');
    const now = this.opts.clock.nowIso();
    const lineItems = this.lineItems(input.line_items, currency, 'order.line_items');
    const fulfillments = this.newFulfillments(input.fulfillments, now);
    const order: SquareOrder = {
      id: orderId(),
      location_id: locationId,
      ...pick(input, ['reference_id', 'source', 'customer_id', 'ticket_name', 'metadata']),
      line_items: lineItems,
      ...(fulfillments.length ? { fulfillments } : {}),
      ...(Array.isArray(input.service_charges)
        ? { service_charges: serviceCharges(input.service_charges, currency) }
        : {}),
      created_at: now,
      updated_at: now,
      state: state as string,
      version: 1,
      total_money: money(0, currency),
      net_amount_due_money: money(0, currency),
    };
    computeTotals(order, currency);
    this.orders.set(order.id, order);
    if (typeof key === 'string') this.createKeys.set(key, { id: order.id, request: canonical(body) });
    this.opts.emit({ type: 'order.created', order });
    return { order, replayed: false };
  }

  /** Same key and same body: the first result; same key, another body: Square's IDEMPOTENCY_KEY_REUSED. */
  private replay(seen: Remembered, body: Obj): SquareOrder {
    if (seen.request !== canonical(body))
      throw invalid('IDEMPOTENCY_KEY_REUSED', 'The idempotency key was already used for a different request.');
    return this.get(seen.id);
  }

  // ---- UpdateOrder: `PUT /v2/orders/{order_id}` (OpenAPI `UpdateOrderRequest` → `UpdateOrderResponse`) ----

  update(id: string, body: unknown): { order: SquareOrder; changed: boolean } {
    const order = this.get(id);
    if (!isObject(body)) throw invalid('EXPECTED_JSON_BODY', 'The request body must be a JSON object.');
    const key = typeof body.idempotency_key === 'string' ? body.idempotency_key : undefined;
    const used = this.updateKeys.get(id) ?? new Set<string>();
    if (key && used.has(key)) return { order, changed: false }; // a reused key returns the latest version, unchanged
    const patch = body.order;
    if (!isObject(patch)) throw invalid('MISSING_REQUIRED_PARAMETER', 'Field must be set', 'order');
    if (patch.version === undefined) throw invalid('MISSING_REQUIRED_PARAMETER', 'Field must be set', 'order.version');
    if (patch.version !== order.version)
      throw invalid(
        'VERSION_MISMATCH',
        `Supplied version ${String(patch.version)} does not match the current version ${order.version} of order ${id}.`,
        'order.version',
      );
    if (order.state === 'COMPLETED' || order.state === 'CANCELED')
      throw invalid('BAD_REQUEST', `Order \`${id}\` is ${order.state} and cannot be updated.`, 'order.state');
    const currency = order.total_money.currency;
    const next = structuredClone(order);
    const now = this.opts.clock.nowIso();
    if (Array.isArray(body.fields_to_clear)) for (const path of body.fields_to_clear) clearField(next, String(path));
    Object.assign(next, pick(patch, ['reference_id', 'ticket_name', 'customer_id', 'source']));
    if (isObject(patch.metadata))
      next.metadata = { ...(isObject(next.metadata) ? next.metadata : {}), ...patch.metadata };
    if (patch.line_items !== undefined) next.line_items = this.mergeLineItems(next, patch.line_items, currency);
    if (patch.service_charges !== undefined)
      next.service_charges = serviceCharges(patch.service_charges as unknown[], currency);
    const updates = patch.fulfillments !== undefined ? this.mergeFulfillments(next, patch.fulfillments, now) : [];
    if (patch.state !== undefined) this.setOrderState(next, patch.state, now);
    computeTotals(next, currency);
    next.version = order.version + 1;
    next.updated_at = now;
    this.orders.set(id, next);
    if (key) this.updateKeys.set(id, used.add(key));
    if (updates.length) this.opts.emit({ type: 'order.fulfillment.updated', order: next, updates });
    this.opts.emit({ type: 'order.updated', order: next });
    return { order: next, changed: true };
  }

  /**
   * Staff moving the fulfillment in the POS (`/_sim/orders/{id}/fulfillment`). A COMPLETED fulfillment
   * completes a paid order and a CANCELED one cancels an unpaid order; a paid order stays OPEN, as
   * "canceled orders are not paid" (OpenAPI `OrderState`) and refunds are not simulated [inferred from
   * Square's rule that an order can close only once all its fulfillments are final].
   */
  moveFulfillment(
    id: string,
    state: unknown,
    fulfillmentUid?: unknown,
  ): { order: SquareOrder; update?: FulfillmentUpdate } {
    const order = this.get(id);
    if (typeof state !== 'string' || !(FULFILLMENT_STATES as readonly string[]).includes(state))
      throw invalid('INVALID_ENUM_VALUE', `state must be one of ${FULFILLMENT_STATES.join(', ')}.`, 'state');
    const fulfillment = (order.fulfillments ?? []).find(
      (f) => fulfillmentUid === undefined || f.uid === fulfillmentUid,
    );
    if (!fulfillment) throw notFound(`Order \`${id}\` has no such fulfillment.`, 'uid');
    if (fulfillment.state === state) return { order };
    if (FINAL_FULFILLMENT.has(fulfillment.state))
      throw invalid('BAD_REQUEST', `The fulfillment is already ${fulfillment.state}.`, 'state');
    const next = structuredClone(order);
    const now = this.opts.clock.nowIso();
    const f = (next.fulfillments ?? []).find((x) => x.uid === fulfillment.uid) as Fulfillment;
    const update = setFulfillmentState(f, state as FulfillmentState, now);
    const allFinal = (next.fulfillments ?? []).every((x) => FINAL_FULFILLMENT.has(x.state));
    if (state === 'CANCELED' && allFinal && !next.tenders?.length) closeOrder(next, 'CANCELED', now);
    if (state === 'COMPLETED' && allFinal && next.net_amount_due_money.amount === 0 && next.tenders?.length)
      closeOrder(next, 'COMPLETED', now);
    next.version = order.version + 1;
    next.updated_at = now;
    this.orders.set(id, next);
    return { order: next, update };
  }

  /** Replaces a stored order (tests reorder or replay with it); bumps nothing, emits nothing. */
  put(order: SquareOrder): void {
    this.orders.set(order.id, order);
  }

  // ---- CreatePayment: `POST /v2/payments` (OpenAPI `CreatePaymentRequest` → `CreatePaymentResponse`) ----

  createPayment(body: unknown): { payment: Obj; replayed: boolean } {
    if (!isObject(body)) throw invalid('EXPECTED_JSON_BODY', 'The request body must be a JSON object.');
    const key = body.idempotency_key;
    if (typeof key !== 'string' || !key)
      throw invalid('MISSING_REQUIRED_PARAMETER', 'Field must be set', 'idempotency_key');
    const seen = this.paymentKeys.get(key);
    if (seen) {
      if (seen.request !== canonical(body))
        throw invalid('IDEMPOTENCY_KEY_REUSED', 'The idempotency key was already used for a different request.');
      return { payment: this.payments.get(seen.id) as Obj, replayed: true };
    }
    if (typeof body.source_id !== 'string' || !body.source_id)
      throw invalid('MISSING_REQUIRED_PARAMETER', 'Field must be set', 'source_id');
    if (body.source_id !== 'EXTERNAL')
      throw invalid('BAD_REQUEST', 'This simulator takes only EXTERNAL payments.', 'source_id');
    const details = body.external_details;
    if (!isObject(details) || typeof details.type !== 'string' || !details.type)
      throw invalid('MISSING_REQUIRED_PARAMETER', 'Field must be set', 'external_details.type');
    if (typeof details.source !== 'string' || !details.source)
      throw invalid('MISSING_REQUIRED_PARAMETER', 'Field must be set', 'external_details.source');
    const amount = moneyField(body.amount_money, 'amount_money');
    const tip = body.tip_money === undefined ? undefined : moneyField(body.tip_money, 'tip_money');
    let order: SquareOrder | undefined;
    if (body.order_id !== undefined) {
      order = this.get(String(body.order_id));
      if (order.state !== 'OPEN') throw invalid('BAD_REQUEST', `Order \`${order.id}\` is ${order.state}.`, 'order_id');
      if (amount.currency !== order.total_money.currency)
        throw invalid('CURRENCY_MISMATCH', 'The payment currency differs from the order currency.', 'amount_money');
      // The payment must cover exactly what the order still owes.
      if (amount.amount + (tip?.amount ?? 0) !== order.net_amount_due_money.amount)
        throw invalid(
          'PAYMENT_AMOUNT_MISMATCH',
          `The payment total ${amount.amount + (tip?.amount ?? 0)} does not match the order's amount due ${order.net_amount_due_money.amount}.`,
          'amount_money',
        );
    }
    const locationId =
      typeof body.location_id === 'string' ? body.location_id : (order?.location_id ?? this.opts.defaultLocationId());
    if (order && locationId !== order.location_id)
      throw invalid('LOCATION_MISMATCH', 'The payment and the order are at different locations.', 'location_id');
    const now = this.opts.clock.nowIso();
    const id = paymentId();
    const total = money(amount.amount + (tip?.amount ?? 0), amount.currency);
    // OpenAPI `Payment` for an EXTERNAL source (`ExternalPaymentDetails`).
    const payment: Obj = {
      id,
      created_at: now,
      updated_at: now,
      amount_money: amount,
      ...(tip ? { tip_money: tip } : {}),
      total_money: total,
      approved_money: total,
      status: 'COMPLETED',
      source_type: 'EXTERNAL',
      external_details: pick(details, ['type', 'source', 'source_id', 'source_fee_money']),
      location_id: locationId,
      ...(order ? { order_id: order.id } : {}),
      ...pick(body, ['reference_id', 'note', 'customer_id', 'team_member_id']),
      receipt_number: id.slice(0, 4),
      application_details: { square_product: 'ECOMMERCE_API', application_id: 'sandbox-sq0idb-sinqro-sim' },
      version_token: uid(),
    };
    this.payments.set(id, payment);
    this.paymentKeys.set(key, { id, request: canonical(body) });
    if (order) this.pay(order, payment, now);
    return { payment, replayed: false };
  }

  /**
   * Links the payment to the order as an OpenAPI `Tender` (id = the payment id), so the order owes
   * nothing; an order without fulfillments is then COMPLETED, one with a fulfillment stays OPEN.
   */
  private pay(order: SquareOrder, payment: Obj, now: string) {
    const next = structuredClone(order);
    next.tenders = [
      ...(next.tenders ?? []),
      {
        id: payment.id,
        location_id: payment.location_id,
        transaction_id: order.id,
        created_at: now,
        amount_money: payment.amount_money,
        ...(payment.tip_money ? { tip_money: payment.tip_money } : {}),
        type: 'OTHER', // [inferred] the TenderType of an EXTERNAL payment
        payment_id: payment.id,
      },
    ];
    computeTotals(next, order.total_money.currency);
    if (!next.fulfillments?.length && next.net_amount_due_money.amount === 0) closeOrder(next, 'COMPLETED', now);
    next.version = order.version + 1;
    next.updated_at = now;
    this.orders.set(order.id, next);
    this.opts.emit({ type: 'order.updated', order: next });
  }

  // ---- building blocks ----

  private lineItems(input: unknown, currency: string, path: string): Obj[] {
    if (input === undefined) return [];
    if (!Array.isArray(input)) throw invalid('EXPECTED_ARRAY', 'Expected an array.', path);
    return input.map((li, i) => this.lineItem(li, currency, `${path}[${i}]`));
  }

  /** OpenAPI `OrderLineItem`: priced from the catalog variation or ad hoc (`name` + `base_price_money`). */
  private lineItem(li: unknown, currency: string, path: string, existing?: Obj): Obj {
    if (!isObject(li)) throw invalid('EXPECTED_OBJECT', 'Expected an object.', path);
    const merged: Obj = { ...(existing ?? {}), ...li };
    const quantity = merged.quantity;
    if (quantity === undefined) throw invalid('MISSING_REQUIRED_PARAMETER', 'Field must be set', `${path}.quantity`);
    if (typeof quantity !== 'string' || !QUANTITY.test(quantity) || Number(quantity) <= 0)
      throw invalid('INVALID_VALUE', 'quantity must be a positive decimal string.', `${path}.quantity`);
    const out: Obj = { uid: typeof merged.uid === 'string' ? merged.uid : uid(), quantity };
    if (typeof merged.catalog_object_id === 'string' && merged.catalog_object_id) {
      const found = this.opts.catalog.variation(merged.catalog_object_id);
      if (!found)
        throw notFound(
          `Item variation with catalog object ID \`${merged.catalog_object_id}\` not found.`,
          `${path}.catalog_object_id`,
        );
      out.catalog_object_id = found.variation.id;
      out.catalog_version = found.variation.version;
      out.name = found.item?.item_data?.name ?? merged.name;
      out.variation_name = found.variation.item_variation_data?.name;
      out.base_price_money =
        merged.base_price_money !== undefined
          ? moneyField(merged.base_price_money, `${path}.base_price_money`, currency)
          : (found.variation.item_variation_data?.price_money ?? money(0, currency));
    } else {
      if (typeof merged.name !== 'string' || !merged.name)
        throw invalid('MISSING_REQUIRED_PARAMETER', 'An ad hoc line item needs a name.', `${path}.name`);
      out.name = merged.name;
      out.base_price_money = moneyField(merged.base_price_money, `${path}.base_price_money`, currency);
    }
    if (typeof merged.note === 'string') out.note = merged.note;
    if (isObject(merged.metadata)) out.metadata = merged.metadata;
    out.item_type = 'ITEM';
    const modifiers = merged.modifiers;
    if (modifiers !== undefined && !Array.isArray(modifiers))
      throw invalid('EXPECTED_ARRAY', 'Expected an array.', `${path}.modifiers`);
    if (Array.isArray(modifiers) && modifiers.length)
      out.modifiers = modifiers.map((m, j) => this.modifier(m, currency, `${path}.modifiers[${j}]`));
    return out;
  }

  /** OpenAPI `OrderLineItemModifier`. */
  private modifier(m: unknown, currency: string, path: string): Obj {
    if (!isObject(m)) throw invalid('EXPECTED_OBJECT', 'Expected an object.', path);
    const out: Obj = { uid: typeof m.uid === 'string' ? m.uid : uid() };
    if (typeof m.catalog_object_id === 'string' && m.catalog_object_id) {
      const found = this.opts.catalog.modifier(m.catalog_object_id);
      if (!found)
        throw notFound(
          `Modifier with catalog object ID \`${m.catalog_object_id}\` not found.`,
          `${path}.catalog_object_id`,
        );
      out.catalog_object_id = found.id;
      out.catalog_version = found.version;
      out.name = found.modifier_data?.name;
      out.base_price_money =
        m.base_price_money !== undefined
          ? moneyField(m.base_price_money, `${path}.base_price_money`, currency)
          : (found.modifier_data?.price_money ?? money(0, currency));
    } else {
      if (typeof m.name !== 'string' || !m.name)
        throw invalid('MISSING_REQUIRED_PARAMETER', 'An ad hoc modifier needs a name.', `${path}.name`);
      out.name = m.name;
      out.base_price_money = moneyField(m.base_price_money, `${path}.base_price_money`, currency);
    }
    if (m.quantity !== undefined) {
      if (typeof m.quantity !== 'string' || !QUANTITY.test(m.quantity) || Number(m.quantity) <= 0)
        throw invalid('INVALID_VALUE', 'quantity must be a positive decimal string.', `${path}.quantity`);
      out.quantity = m.quantity;
    }
    return out;
  }

  private mergeLineItems(order: SquareOrder, input: unknown, currency: string): Obj[] {
    if (!Array.isArray(input)) throw invalid('EXPECTED_ARRAY', 'Expected an array.', 'order.line_items');
    const items = [...(order.line_items ?? [])];
    input.forEach((li, i) => {
      const at = isObject(li) && typeof li.uid === 'string' ? items.findIndex((x) => x.uid === li.uid) : -1;
      const built = this.lineItem(li, currency, `order.line_items[${i}]`, at >= 0 ? items[at] : undefined);
      if (at >= 0) items[at] = built;
      else items.push(built);
    });
    return items;
  }

  /** OpenAPI `Fulfillment` on create: one at most through the API, starting PROPOSED unless said otherwise. */
  private newFulfillments(input: unknown, now: string): Fulfillment[] {
    if (input === undefined) return [];
    if (!Array.isArray(input)) throw invalid('EXPECTED_ARRAY', 'Expected an array.', 'order.fulfillments');
    if (input.length > 1)
      throw invalid(
        'ARRAY_LENGTH_TOO_LONG',
        'Only one fulfillment can be added through the API.',
        'order.fulfillments',
      );
    return input.map((f, i) => newFulfillment(f, `order.fulfillments[${i}]`, now));
  }

  /** Sparse fulfillment updates by `uid`; a fulfillment without a uid is added (if the order has none). */
  private mergeFulfillments(order: SquareOrder, input: unknown, now: string): FulfillmentUpdate[] {
    if (!Array.isArray(input)) throw invalid('EXPECTED_ARRAY', 'Expected an array.', 'order.fulfillments');
    const fulfillments = order.fulfillments ?? [];
    const updates: FulfillmentUpdate[] = [];
    input.forEach((f, i) => {
      const path = `order.fulfillments[${i}]`;
      if (!isObject(f)) throw invalid('EXPECTED_OBJECT', 'Expected an object.', path);
      const existing = typeof f.uid === 'string' ? fulfillments.find((x) => x.uid === f.uid) : undefined;
      if (!existing) {
        if (typeof f.uid === 'string') throw notFound(`Fulfillment \`${f.uid}\` not found.`, `${path}.uid`);
        if (fulfillments.length)
          throw invalid('ARRAY_LENGTH_TOO_LONG', 'Only one fulfillment can be added through the API.', path);
        fulfillments.push(newFulfillment(f, path, now));
        return;
      }
      for (const details of ['pickup_details', 'delivery_details', 'shipment_details'])
        if (isObject(f[details]))
          existing[details] = { ...(isObject(existing[details]) ? existing[details] : {}), ...f[details] };
      if (f.state !== undefined && f.state !== existing.state) {
        if (typeof f.state !== 'string' || !(FULFILLMENT_STATES as readonly string[]).includes(f.state))
          throw invalid(
            'INVALID_ENUM_VALUE',
            `state must be one of ${FULFILLMENT_STATES.join(', ')}.`,
            `${path}.state`,
          );
        // [inferred] a final fulfillment does not move again
        if (FINAL_FULFILLMENT.has(existing.state))
          throw invalid('BAD_REQUEST', `The fulfillment is already ${existing.state}.`, `${path}.state`);
        updates.push(setFulfillmentState(existing, f.state as FulfillmentState, now));
      }
    });
    order.fulfillments = fulfillments;
    return updates;
  }

  /** COMPLETED or CANCELED only once every fulfillment is final; COMPLETED only when paid in full. */
  private setOrderState(order: SquareOrder, state: unknown, now: string) {
    if (typeof state !== 'string' || !ORDER_STATES.includes(state))
      throw invalid('INVALID_ENUM_VALUE', `state must be one of ${ORDER_STATES.join(', ')}.`, 'order.state');
    if (state === order.state) return;
    if (state === 'COMPLETED' || state === 'CANCELED') {
      if ((order.fulfillments ?? []).some((f) => !FINAL_FULFILLMENT.has(f.state)))
        throw invalid(
          'BAD_REQUEST',
          `All fulfillments must have a state of COMPLETED, CANCELED, or FAILED for an order to be able to have a state of ${state}.`,
          'order.state',
        );
      if (state === 'CANCELED' && order.tenders?.length)
        throw invalid('BAD_REQUEST', 'A paid order cannot be CANCELED: canceled orders are not paid.', 'order.state');
      if (state === 'COMPLETED') {
        computeTotals(order, order.total_money.currency);
        if (order.net_amount_due_money.amount > 0)
          throw invalid('BAD_REQUEST', 'Only a fully paid order can be COMPLETED.', 'order.state');
      }
      closeOrder(order, state, now);
      return;
    }
    if (state === 'DRAFT') throw invalid('BAD_REQUEST', 'An OPEN order cannot go back to DRAFT.', 'order.state');
    order.state = state;
  }
}

function newFulfillment(f: unknown, path: string, now: string): Fulfillment {
  if (!isObject(f)) throw invalid('EXPECTED_OBJECT', 'Expected an object.', path);
  const type = f.type;
  if (typeof type !== 'string' || !FULFILLMENT_TYPES.includes(type))
    throw invalid('INVALID_ENUM_VALUE', `type must be one of ${FULFILLMENT_TYPES.join(', ')}.`, `${path}.type`);
  const state = f.state ?? 'PROPOSED';
  if (typeof state !== 'string' || !(FULFILLMENT_STATES as readonly string[]).includes(state))
    throw invalid('INVALID_ENUM_VALUE', `state must be one of ${FULFILLMENT_STATES.join(', ')}.`, `${path}.state`);
  const out: Fulfillment = { uid: typeof f.uid === 'string' ? f.uid : uid(), type, state: state as FulfillmentState };
  if (type === 'PICKUP') {
    const d = f.pickup_details;
    if (!isObject(d)) throw invalid('MISSING_REQUIRED_PARAMETER', 'Field must be set', `${path}.pickup_details`);
    const schedule = d.schedule_type ?? 'SCHEDULED';
    if (schedule !== 'SCHEDULED' && schedule !== 'ASAP')
      throw invalid(
        'INVALID_ENUM_VALUE',
        'schedule_type must be SCHEDULED or ASAP.',
        `${path}.pickup_details.schedule_type`,
      );
    if (schedule === 'SCHEDULED' && (typeof d.pickup_at !== 'string' || Number.isNaN(Date.parse(d.pickup_at))))
      throw invalid(
        'MISSING_REQUIRED_PARAMETER',
        'pickup_at must be an RFC 3339 timestamp for a SCHEDULED pickup.',
        `${path}.pickup_details.pickup_at`,
      );
    out.pickup_details = {
      ...d,
      schedule_type: schedule,
      ...(schedule === 'ASAP' ? { pickup_at: now } : {}),
      placed_at: now,
    };
  } else if (type === 'DELIVERY') {
    const d = f.delivery_details;
    if (!isObject(d)) throw invalid('MISSING_REQUIRED_PARAMETER', 'Field must be set', `${path}.delivery_details`);
    out.delivery_details = { schedule_type: 'SCHEDULED', ...d, placed_at: now };
  } else if (isObject(f.shipment_details)) out.shipment_details = { ...f.shipment_details, placed_at: now };
  if (isObject(f.metadata)) out.metadata = f.metadata;
  return out;
}

function setFulfillmentState(f: Fulfillment, state: FulfillmentState, now: string): FulfillmentUpdate {
  const update = { fulfillment_uid: f.uid, old_state: f.state, new_state: state };
  f.state = state;
  const stamp = STATE_TIMESTAMP[state];
  const detailsKey = f.type === 'DELIVERY' ? 'delivery_details' : f.type === 'PICKUP' ? 'pickup_details' : undefined;
  if (stamp && detailsKey) {
    const details = isObject(f[detailsKey]) ? (f[detailsKey] as Obj) : {};
    details[f.type === 'DELIVERY' ? stamp.delivery : stamp.pickup] = now;
    f[detailsKey] = details;
  }
  return update;
}

function closeOrder(order: SquareOrder, state: 'COMPLETED' | 'CANCELED', now: string) {
  order.state = state;
  order.closed_at = now;
}

/** OpenAPI `OrderServiceCharge` with a fixed `amount_money` (percentages are not simulated). */
function serviceCharges(input: unknown[], currency: string): Obj[] {
  if (!Array.isArray(input)) throw invalid('EXPECTED_ARRAY', 'Expected an array.', 'order.service_charges');
  return input.map((sc, i) => {
    const path = `order.service_charges[${i}]`;
    if (!isObject(sc)) throw invalid('EXPECTED_OBJECT', 'Expected an object.', path);
    const amount = moneyField(sc.amount_money, `${path}.amount_money`, currency);
    return {
      uid: typeof sc.uid === 'string' ? sc.uid : uid(),
      name: typeof sc.name === 'string' ? sc.name : 'Service charge',
      amount_money: amount,
      applied_money: amount,
      total_money: amount,
      total_tax_money: money(0, currency),
      calculation_phase: typeof sc.calculation_phase === 'string' ? sc.calculation_phase : 'TOTAL_PHASE',
      taxable: false,
      type: 'CUSTOM',
      treatment_type: 'LINE_ITEM_TREATMENT',
      scope: 'ORDER',
    };
  });
}

/**
 * Square's totals for the fields the simulator accepts (no taxes or discounts): per line item
 * `variation_total_price_money` = base × quantity, each modifier's `total_price_money` = its base ×
 * its quantity × the line quantity, `gross_sales_money` and `total_money` their sum; the order's
 * `total_money` adds the service charges; `net_amount_due_money` subtracts the tenders.
 */
export function computeTotals(order: SquareOrder, currency: string): void {
  const zero = () => money(0, currency);
  let items = 0;
  for (const li of order.line_items ?? []) {
    const qty = Number(li.quantity);
    const base = (li.base_price_money as Money).amount;
    const variationTotal = Math.round(base * qty);
    let modifiersTotal = 0;
    for (const m of (li.modifiers as Obj[] | undefined) ?? []) {
      const total = Math.round((m.base_price_money as Money).amount * Number(m.quantity ?? '1') * qty);
      m.total_price_money = money(total, currency);
      modifiersTotal += total;
    }
    const gross = variationTotal + modifiersTotal;
    Object.assign(li, {
      variation_total_price_money: money(variationTotal, currency),
      gross_sales_money: money(gross, currency),
      total_tax_money: zero(),
      total_discount_money: zero(),
      total_money: money(gross, currency),
      total_service_charge_money: zero(),
    });
    items += gross;
  }
  const charges = ((order.service_charges as Obj[] | undefined) ?? []).reduce(
    (sum, sc) => sum + (sc.total_money as Money).amount,
    0,
  );
  const total = items + charges;
  const paid = (order.tenders ?? []).reduce((sum, t) => sum + (t.amount_money as Money).amount, 0);
  const tips = (order.tenders ?? []).reduce((sum, t) => sum + ((t.tip_money as Money | undefined)?.amount ?? 0), 0);
  Object.assign(order, {
    total_money: money(total, currency),
    total_tax_money: zero(),
    total_discount_money: zero(),
    total_tip_money: money(tips, currency),
    total_service_charge_money: money(charges, currency),
    net_amounts: {
      total_money: money(total, currency),
      tax_money: zero(),
      discount_money: zero(),
      tip_money: money(tips, currency),
      service_charge_money: money(charges, currency),
    },
    net_amount_due_money: money(Math.max(0, total - paid), currency),
  });
}

function moneyField(value: unknown, field: string, currency?: string): Money {
  if (!isObject(value)) throw invalid('MISSING_REQUIRED_PARAMETER', 'Field must be set', field);
  if (typeof value.amount !== 'number' || !Number.isInteger(value.amount))
    throw invalid('EXPECTED_INTEGER', 'amount must be an integer in the smallest currency unit.', `${field}.amount`);
  if (value.amount < 0) throw invalid('VALUE_TOO_LOW', 'amount must not be negative.', `${field}.amount`);
  if (typeof value.currency !== 'string')
    throw invalid('MISSING_REQUIRED_PARAMETER', 'Field must be set', `${field}.currency`);
  if (currency && value.currency !== currency)
    throw invalid('CURRENCY_MISMATCH', `The location's currency is ${currency}.`, `${field}.currency`);
  return money(value.amount, value.currency);
}

function pick(source: Obj, keys: string[]): Obj {
  const out: Obj = {};
  for (const k of keys) if (source[k] !== undefined) out[k] = structuredClone(source[k]);
  return out;
}

/** `fields_to_clear` dot paths, with `[uid]` selecting an array element: `line_items[uid].note`, `metadata.key`. */
function clearField(order: Obj, path: string) {
  const parts = path.split('.');
  let node: unknown = order;
  for (let i = 0; i < parts.length; i++) {
    const m = /^([^[]+)(?:\[([^\]]+)\])?$/.exec(parts[i] as string);
    if (!m || !isObject(node)) return;
    const [, name, selector] = m as unknown as [string, string, string | undefined];
    const last = i === parts.length - 1;
    if (selector === undefined) {
      if (last) delete node[name];
      else node = node[name];
      continue;
    }
    const list = node[name];
    if (!Array.isArray(list)) return;
    const at = list.findIndex((x) => isObject(x) && x.uid === selector);
    if (at < 0) return;
    if (last) list.splice(at, 1);
    else node = list[at];
  }
}
