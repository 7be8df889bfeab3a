/**
 * Reservations for Platforms in the K-Series simulator: the platform's profile (its webhook URLs and auth),
 * the integrations activated per business location, and the reservations pushed with
 * `reservation-servicePushPlatformReservation`.
 *
 * Ordering of updates, as the spec describes `sequenceId`: "used to determine the order of updates of a
 * reservation … If omitted, the utcUpdatedAt field will be used". The push answers 202 Accepted; what an
 * out-of-order push gets is not written. The simulator ([inferred], the spec's own vocabulary): a push whose
 * `sequenceId` is not greater than the last applied one (or is 0 or less) is not applied and the platform's
 * errors webhook gets `RESERVATION_SEQUENCE_ID_ERROR`; without `sequenceId`, a push whose `utcUpdatedAt` is
 * older than the applied one is not applied, silently. Tables: "If no valid table is provided, POS order is
 * not created": a reservation without tables is kept (and can change status) but opens no POS order; table
 * numbers not on the location's floor plan are dropped and the errors webhook gets
 * `REQUESTED_TABLE_IS_UNAVAILABLE` ([inferred]). Staff seat the guests (SEATED): the POS order opens
 * (`reservationOrderNotification` OPEN); DEPARTED closes it (CLOSE).
 */
import { randomUUID } from 'node:crypto';

type Body = Record<string, unknown>;

export type PlatformProfile = {
  displayName: string;
  webhookAuthType: 'BASIC_AUTH' | 'BEARER_TOKEN' | 'API_KEYS' | 'OAUTH2' | 'NONE';
  webhookAuthDetails: {
    basic?: { username: string; password: string };
    bearer?: { token: string; ttl?: string };
    apiKeys?: { headers?: Record<string, string>; parameters?: Record<string, string> };
  };
  notificationTypes?: string[];
  orderWebhookUrl?: string;
  errorsWebhookUrl?: string;
  posReservationUpdateWebhookUrl?: string;
  allowedPosStatuses?: string[];
} & Record<string, unknown>;

export type LskReservation = {
  platformCode: string;
  platformRestaurantId: string;
  platformReservationId: string;
  businessLocationId: number;
  status: string;
  partySize: number;
  tables: string[];
  sequenceId?: number;
  utcUpdatedAt: string;
  /** The last push applied, as sent. */
  applied: Body;
  pushes: number;
  /** Pushes received but not applied (stale), with why. */
  notApplied: { reason: string; body: Body }[];
  accountNumber?: string;
  accountOpenedAt?: number;
  accountClosedAt?: number;
  history: { status: string; at: string; by: 'platform' | 'staff' }[];
};

/** What a push came to: applied or not, and the errors webhook to send ([inferred] codes, see above). */
export type PushOutcome = {
  reservation: LskReservation;
  applied: boolean;
  errors: { code: string; message: string; properties: string[] }[];
};

export class LskReservations {
  profile?: PlatformProfile;
  /** platformRestaurantId → businessLocationId, per the activated integrations. */
  readonly integrations = new Map<string, number>();
  readonly reservations = new Map<string, LskReservation>();
  private orderSeq = 0;
  private accountSeq = 0;

  constructor(
    readonly platformCode: string,
    private readonly tablesOf: (businessLocationId: number) => string[],
  ) {}

  reset(
    profile: PlatformProfile | undefined,
    integrations: { businessLocationId: number; platformRestaurantId: string }[],
  ) {
    this.profile = profile ? structuredClone(profile) : undefined;
    this.integrations.clear();
    for (const i of integrations) this.integrations.set(i.platformRestaurantId, i.businessLocationId);
    this.reservations.clear();
    this.orderSeq = 0;
    this.accountSeq = 0;
  }

  /** Applies a push (already validated against the spec) when it is newer than what was applied. */
  push(platformRestaurantId: string, platformReservationId: string, body: Body): PushOutcome {
    const businessLocationId = this.integrations.get(platformRestaurantId) as number;
    const existing = this.reservations.get(platformReservationId);
    const errors: PushOutcome['errors'] = [];
    const sequenceId = body.sequenceId as number | undefined;
    const stale =
      sequenceId !== undefined
        ? sequenceId <= 0 || (existing?.sequenceId !== undefined && sequenceId <= existing.sequenceId)
        : existing !== undefined && String(body.utcUpdatedAt) < existing.utcUpdatedAt;
    if (stale && existing) {
      existing.pushes += 1;
      existing.notApplied.push({ reason: 'stale', body });
    }
    if (stale && sequenceId !== undefined)
      errors.push({
        code: 'RESERVATION_SEQUENCE_ID_ERROR',
        message: `sequenceId ${sequenceId} is not greater than ${existing?.sequenceId ?? 0}`,
        properties: ['sequenceId'],
      });
    if (stale)
      return {
        reservation: existing ?? this.blank(platformRestaurantId, platformReservationId, businessLocationId, body),
        applied: false,
        errors,
      };
    const requested = (body.tableNumbers as string[] | undefined) ?? [];
    const known = this.tablesOf(businessLocationId);
    const tables = requested.filter((t) => known.includes(t));
    if (requested.length > tables.length)
      errors.push({
        code: 'REQUESTED_TABLE_IS_UNAVAILABLE',
        message: `table ${requested.filter((t) => !known.includes(t)).join(', ')} is not on the floor plan`,
        properties: ['tableNumbers'],
      });
    const reservation = existing ?? this.blank(platformRestaurantId, platformReservationId, businessLocationId, body);
    Object.assign(reservation, {
      status: body.status as string,
      partySize: body.partySize as number,
      tables,
      ...(sequenceId !== undefined ? { sequenceId } : {}),
      utcUpdatedAt: body.utcUpdatedAt as string,
      applied: structuredClone(body),
    });
    reservation.pushes += 1;
    reservation.history.push({ status: reservation.status, at: new Date().toISOString(), by: 'platform' });
    this.reservations.set(platformReservationId, reservation);
    return { reservation, applied: true, errors };
  }

  private blank(
    platformRestaurantId: string,
    platformReservationId: string,
    businessLocationId: number,
    body: Body,
  ): LskReservation {
    return {
      platformCode: this.platformCode,
      platformRestaurantId,
      platformReservationId,
      businessLocationId,
      status: body.status as string,
      partySize: body.partySize as number,
      tables: [],
      utcUpdatedAt: '',
      applied: {},
      pushes: 0,
      notApplied: [],
      history: [],
    };
  }

  /** Staff change a reservation in the POS: opens the POS order on SEATED (with a table), closes it on DEPARTED. */
  staffStatus(reservation: LskReservation, status: string, tables?: string[]): 'opened' | 'closed' | undefined {
    reservation.status = status;
    if (tables) reservation.tables = tables.filter((t) => this.tablesOf(reservation.businessLocationId).includes(t));
    reservation.history.push({ status, at: new Date().toISOString(), by: 'staff' });
    if (status === 'SEATED' && !reservation.accountNumber && reservation.tables.length) {
      this.accountSeq += 1;
      reservation.accountNumber = `A${reservation.businessLocationId % 100000}.${this.accountSeq}`;
      reservation.accountOpenedAt = Date.now();
      return 'opened';
    }
    if ((status === 'DEPARTED' || status === 'PAID') && reservation.accountNumber && !reservation.accountClosedAt) {
      reservation.accountClosedAt = Date.now();
      return 'closed';
    }
    return undefined;
  }

  /** `reservation-servicePosReservationUpdate`. */
  posUpdateBody(r: LskReservation): Body {
    return {
      platformCode: r.platformCode,
      platformRestaurantId: r.platformRestaurantId,
      platformReservationId: r.platformReservationId,
      businessLocationId: r.businessLocationId,
      status: r.status,
      tables: r.tables,
      covers: r.partySize,
    };
  }

  /** `reservation-serviceOrderUpdate` for the reservation's POS order. */
  orderUpdateBody(r: LskReservation, notificationType: 'OPEN' | 'CLOSE'): Body {
    this.orderSeq += 1;
    return {
      notificationType,
      platformCode: r.platformCode,
      platformRestaurantId: r.platformRestaurantId,
      platformReservationId: r.platformReservationId,
      businessLocationId: r.businessLocationId,
      sequenceId: String(this.orderSeq),
      account: {
        accountNumber: r.accountNumber,
        businessLocationId: String(r.businessLocationId),
        coverCount: r.partySize,
        currencyCode: 'EUR',
        currentProductionPhase: 0,
        name: `Table ${r.tables.join(', ')}`,
        orderMode: 'TABLE',
        openDate: r.accountOpenedAt,
        ...(r.accountClosedAt ? { closeDate: r.accountClosedAt } : {}),
        tables: r.tables,
        externalReferences: [{ prefix: 'RESERVATION', reference: r.platformReservationId }],
        paidAmount: 0,
        totalAmount: 0,
        transactionLines: [],
        paymentLines: [],
        type: 'SALE',
        staffName: 'Manager',
        staffId: '13',
      },
    };
  }

  /** `reservation-serviceErrorWebhook` for a push that was refused or only partly applied. */
  errorBody(
    r: { platformRestaurantId: string; platformReservationId: string },
    error: PushOutcome['errors'][number],
  ): Body {
    return {
      entityType: 'platform-reservation',
      errorCode: error.code,
      errorMessage: error.message,
      errorProperties: error.properties,
      httpCode: 400,
      platformCode: this.platformCode,
      platformReservationId: r.platformReservationId,
      platformRestaurantId: r.platformRestaurantId,
      traceId: randomUUID(),
    };
  }

  /** A notification type the profile asked for (no list: none is sent). */
  wants(type: string): boolean {
    return this.profile?.notificationTypes?.includes(type) ?? false;
  }
}
