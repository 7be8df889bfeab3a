/**
 * Orders in the K-Series simulator: what `apePlaceToGoOrder` / `apeLocalOrder` inject, and the POS account
 * ("check") each becomes.
 *
 * Injection is asynchronous, as the spec says: the call answers `{"status":"ok"}` and the outcome comes by the
 * order notification webhook (`onlineOrderNotification`) to the order's `endpointId`. In the simulator an
 * order is delivered to the POS `deliveryDelayMs` after it arrives (at `scheduledTimeForOrderAsIso8601` when
 * given) if the location is READY; a location NOT_READY keeps it waiting; an order still waiting when its
 * `maxTimeToAttemptOrderDeliverToPos` is over (10 minutes when not given) is ABANDONED ([inferred]: the spec
 * names ABANDONED without saying when). Delivered: SUCCESS with the new account's identifier (`A<posId>.<n>`);
 * refused by the POS (unknown SKU or production instruction, an item sold out): FAILURE with a `reason`
 * ([inferred] wording). Staff then move the order (`/_sim/orders/{ref}/status`): READY_FOR_PICKUP,
 * IN_DELIVERY, DELIVERED (sent only to endpoints subscribed to it), CLOSED, CANCELLED.
 */
import { randomUUID } from 'node:crypto';
import { type LskCatalog, round2 } from './catalog';

export const ORDER_STATUSES = [
  'PENDING',
  'SUCCESS',
  'FAILURE',
  'READY_FOR_PICKUP',
  'IN_DELIVERY',
  'DELIVERED',
  'CLOSED',
  'CANCELLED',
  'ABANDONED',
] as const;
export type LskOrderStatus = (typeof ORDER_STATUSES)[number];
export const FINAL_STATUSES: readonly LskOrderStatus[] = ['FAILURE', 'CLOSED', 'CANCELLED', 'ABANDONED'];

/** Which status may follow which (staff cannot move a final order; [inferred] beyond that). */
const NEXT: Record<LskOrderStatus, readonly LskOrderStatus[]> = {
  PENDING: ['SUCCESS', 'FAILURE', 'ABANDONED'],
  SUCCESS: ['READY_FOR_PICKUP', 'IN_DELIVERY', 'DELIVERED', 'CLOSED', 'CANCELLED'],
  READY_FOR_PICKUP: ['IN_DELIVERY', 'DELIVERED', 'CLOSED', 'CANCELLED'],
  IN_DELIVERY: ['DELIVERED', 'CLOSED', 'CANCELLED'],
  DELIVERED: ['CLOSED'],
  FAILURE: [],
  CLOSED: [],
  CANCELLED: [],
  ABANDONED: [],
};

type Body = Record<string, unknown>;
type Line = {
  sku: string;
  quantity: number;
  modifiers?: { modifierId?: string }[];
  subItems?: Line[];
  customItemName?: string;
  customItemPrice?: number;
};

/** One sale line of an account (`apeAccountLineItem`). */
type SaleLine = {
  id: number;
  uuid: string;
  itemName: string;
  itemSku: string;
  unitAmount: number;
  quantity: number;
  modifiers: { name: string; quantity: number }[];
  amountWithTax: number;
  amountLessTax: number;
  discountedAmount: number;
  timeOfTransactionUtc: string;
  subLineItems: SaleLine[];
  taxIncluded: boolean;
};

/** The POS account ("check") an order became. */
export type LskAccount = {
  ikaccountId: string;
  uuid: string;
  posId: number;
  businessLocationId: number;
  name: string;
  openDate: string;
  closeDate?: string;
  clientCount: number;
  tableNumber?: number;
  staffId: number;
  salesEntries: SaleLine[];
  payments: { method: string; amount: number; at: string }[];
  /** The order references that opened or added to it. */
  references: string[];
  open: boolean;
};

export type LskOrder = {
  kind: 'toGo' | 'local';
  businessId: number;
  businessLocationId: number;
  thirdPartyReference: string;
  endpointId: string;
  status: LskOrderStatus;
  reason?: string;
  request: Body;
  accountIdentifier?: string;
  receivedAt: string;
  /** When the POS gives up delivering it (ms epoch). */
  deliverBy: number;
  history: { status: LskOrderStatus; at: string; by: 'api' | 'pos' | 'staff' }[];
};

const TAX_RATE = 0.1;
const DEFAULT_DELIVERY_WINDOW_MS = 10 * 60_000;
const POS_ID = 17700;

export class LskOrders {
  readonly orders = new Map<string, LskOrder>();
  readonly accounts = new Map<string, LskAccount>();
  private accountSeq = 0;
  private lineSeq = 304087979524124;

  constructor(private readonly catalog: LskCatalog) {}

  reset(): void {
    this.orders.clear();
    this.accounts.clear();
    this.accountSeq = 0;
  }

  private key = (businessId: number, reference: string) => `${businessId}#${reference}`;

  /** [inferred] a reference is unique per business (the spec: "Must be unique"). */
  isUsed(businessId: number, reference: string): boolean {
    return this.orders.has(this.key(businessId, reference));
  }

  find(reference: string, businessLocationId?: number): LskOrder | undefined {
    for (const o of this.orders.values())
      if (o.thirdPartyReference === reference && (!businessLocationId || o.businessLocationId === businessLocationId))
        return o;
    return undefined;
  }

  /** Records an accepted injection (status PENDING until the POS takes it). */
  add(kind: LskOrder['kind'], businessId: number, body: Body): LskOrder {
    const window =
      typeof body.maxTimeToAttemptOrderDeliverToPos === 'number'
        ? body.maxTimeToAttemptOrderDeliverToPos
        : DEFAULT_DELIVERY_WINDOW_MS;
    const order: LskOrder = {
      kind,
      businessId,
      businessLocationId: body.businessLocationId as number,
      thirdPartyReference: body.thirdPartyReference as string,
      endpointId: body.endpointId as string,
      status: 'PENDING',
      request: structuredClone(body),
      receivedAt: new Date().toISOString(),
      deliverBy: this.deliverAt(body) + window,
      history: [{ status: 'PENDING', at: new Date().toISOString(), by: 'api' }],
    };
    this.orders.set(this.key(businessId, order.thirdPartyReference), order);
    return order;
  }

  /** When the POS should take the order: its scheduled time, else now. */
  deliverAt(body: Body): number {
    const scheduled = body.scheduledTimeForOrderAsIso8601;
    return typeof scheduled === 'string' ? Date.parse(scheduled) : Date.now();
  }

  /** Why the POS would refuse the order's lines, if it would ([inferred] reasons). */
  refusal(order: LskOrder): string | undefined {
    const check = (line: Line, top: boolean): string | undefined => {
      if (!this.catalog.items.has(line.sku)) return `${top ? 'Item' : 'Sub-item'} with SKU ${line.sku} was not found`;
      const restricted = this.catalog.restriction(order.businessLocationId, line.sku);
      if (restricted && restricted.count < line.quantity) return `Item with SKU ${line.sku} is not available`;
      for (const m of line.modifiers ?? [])
        if (!m.modifierId || !this.catalog.instructionName(m.modifierId))
          return `Production instruction ${m.modifierId ?? ''} was not found`;
      for (const sub of line.subItems ?? []) {
        const why = check(sub, false);
        if (why) return why;
      }
      return undefined;
    };
    for (const line of (order.request.items as Line[] | undefined) ?? []) {
      const why = check(line, true);
      if (why) return why;
    }
    return undefined;
  }

  /** The POS takes the order: a new account, or (a local order naming `accountIdentifier`) lines added to one. */
  deliver(order: LskOrder): LskAccount {
    const now = new Date().toISOString();
    const lines = ((order.request.items as Line[] | undefined) ?? []).map((l) => this.saleLine(l, now));
    const existing = order.request.accountIdentifier
      ? this.accounts.get(order.request.accountIdentifier as string)
      : undefined;
    const account = existing ?? this.openAccount(order, now);
    account.salesEntries.push(...lines);
    account.references.push(order.thirdPartyReference);
    const payment = order.request.payment as { paymentMethod?: string; paymentAmount: number } | undefined;
    if (payment)
      account.payments.push({ method: payment.paymentMethod ?? 'OOPAYMENT', amount: payment.paymentAmount, at: now });
    order.accountIdentifier = account.ikaccountId;
    return account;
  }

  private openAccount(order: LskOrder, now: string): LskAccount {
    this.accountSeq += 1;
    const b = order.request;
    const table = typeof b.tableNumber === 'string' && /^\d+$/.test(b.tableNumber) ? Number(b.tableNumber) : undefined;
    const code =
      typeof b.collectionCode === 'string' ? b.collectionCode : order.thirdPartyReference.slice(-4).toUpperCase();
    const account: LskAccount = {
      ikaccountId: `A${POS_ID}.${this.accountSeq}`,
      uuid: randomUUID(),
      posId: POS_ID,
      businessLocationId: order.businessLocationId,
      name: `Order ${code}`,
      openDate: now,
      clientCount: typeof b.clientCount === 'number' ? b.clientCount : 1,
      ...(table !== undefined ? { tableNumber: table } : {}),
      staffId: typeof b.staffId === 'number' ? b.staffId : 31930,
      salesEntries: [],
      payments: [],
      references: [],
      open: true,
    };
    this.accounts.set(account.ikaccountId, account);
    return account;
  }

  private saleLine(line: Line, at: string): SaleLine {
    const item = this.catalog.items.get(line.sku);
    const unit = line.customItemPrice ?? item?.productPrice ?? 0;
    const gross = round2(unit * line.quantity);
    this.lineSeq += 1;
    return {
      id: this.lineSeq,
      uuid: randomUUID(),
      itemName: line.customItemName ?? item?.productName ?? line.sku,
      itemSku: line.sku,
      unitAmount: unit,
      quantity: line.quantity,
      modifiers: (line.modifiers ?? []).map((m) => ({
        name: this.catalog.instructionName(m.modifierId ?? '') ?? '',
        quantity: 1,
      })),
      amountWithTax: gross,
      amountLessTax: round2(gross / (1 + TAX_RATE)),
      discountedAmount: 0,
      timeOfTransactionUtc: at,
      subLineItems: (line.subItems ?? []).map((s) => this.saleLine({ ...s, quantity: s.quantity * line.quantity }, at)),
      taxIncluded: true,
    };
  }

  /** Moves an order on; the error message when that status may not follow its current one. */
  move(order: LskOrder, status: LskOrderStatus, by: 'pos' | 'staff', reason?: string): string | undefined {
    if (!NEXT[order.status].includes(status))
      return `order ${order.thirdPartyReference} is ${order.status}: it cannot become ${status}`;
    order.status = status;
    if (reason) order.reason = reason;
    order.history.push({ status, at: new Date().toISOString(), by });
    const account = order.accountIdentifier ? this.accounts.get(order.accountIdentifier) : undefined;
    if (account && (status === 'CLOSED' || status === 'CANCELLED')) {
      account.open = false;
      account.closeDate = new Date().toISOString();
    }
    return undefined;
  }

  /** `apeAccountSnapshot` of an account; sale and payment lines only when asked (the webhook's expand flags). */
  snapshot(account: LskAccount, parts = { transactions: true, payments: true }): Record<string, unknown> {
    const total = (lines: SaleLine[]): number =>
      lines.reduce((sum, l) => sum + l.amountWithTax + total(l.subLineItems), 0);
    return {
      clientCount: account.clientCount,
      uuid: account.uuid,
      openDate: account.openDate,
      ...(account.closeDate ? { closeDate: account.closeDate } : {}),
      paidAmount: round2(account.payments.reduce((sum, p) => sum + p.amount, 0)),
      serviceCharge: 0,
      name: account.name,
      currentAmount: round2(total(account.salesEntries)),
      staffName: 'Online Order',
      staffId: account.staffId,
      ...(parts.transactions ? { salesEntries: account.salesEntries } : {}),
      ...(parts.payments
        ? {
            paymentEntries: account.payments.map((p) => ({
              paymentMethodDescription: 'API Payment',
              paymentMethodCode: p.method,
              amountPaid: p.amount,
              paymentDate: p.at,
              active: true,
            })),
          }
        : {}),
      ikaccountId: account.ikaccountId,
      ...(account.tableNumber !== undefined ? { tableNumber: account.tableNumber } : {}),
      posId: account.posId,
    };
  }

  /** The open accounts of a location (`apeGetCheck`: "all open orders for the current day"). */
  openAccounts(businessLocationId: number): LskAccount[] {
    return [...this.accounts.values()].filter((a) => a.open && a.businessLocationId === businessLocationId);
  }
}
