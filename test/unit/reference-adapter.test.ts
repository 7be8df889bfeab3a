import type { PosWebhookSecret, RawWebhook } from '../../adapters/port';
import { referenceAdapter } from '../../adapters/reference';
import {
  REFERENCE_ORDER_STATUSES,
  REFERENCE_RESERVATION_STATUSES,
  SIGNATURE_HEADER,
} from '../../adapters/reference/contract';
import { AuthenticationError, ValidationError } from '../../functions/core/errors';
import { signPayload } from '../../functions/infra/signature';

const SECRET = 'refpos_whsec';
const secret = (): PosWebhookSecret => ({ webhookSigningSecrets: [SECRET] });

function webhookBody(overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}) {
  return {
    eventId: 'refevt-1',
    type: 'order.status_changed',
    occurredAt: '2025-03-14T19:10:00+01:00',
    locationId: 'loc-9',
    data: { id: 'pos-123', externalReference: '900001', status: 'accepted', reason: null, ...data },
    ...overrides,
  };
}

function signedWebhook(body: unknown = webhookBody(), signer = SECRET): RawWebhook {
  const rawBody = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  return { path: '/reference/webhooks/status', rawBody, headers: { [SIGNATURE_HEADER]: signPayload(signer, rawBody) } };
}

describe('referenceAdapter.verifyWebhook', () => {
  it('accepts a webhook signed with the configured secret', () => {
    expect(() => referenceAdapter.verifyWebhook(signedWebhook(), secret())).not.toThrow();
  });

  it('refuses a webhook signed with another secret', () => {
    expect(() => referenceAdapter.verifyWebhook(signedWebhook(webhookBody(), 'other'), secret())).toThrow(
      AuthenticationError,
    );
  });

  it('refuses a webhook without the signature header', () => {
    const request = { ...signedWebhook(), headers: {} };
    expect(() => referenceAdapter.verifyWebhook(request, secret())).toThrow(AuthenticationError);
  });

  it('refuses everything when no signing secret is configured, instead of accepting unsigned webhooks', () => {
    expect(() => referenceAdapter.verifyWebhook(signedWebhook(), { webhookSigningSecrets: [] })).toThrow(
      new AuthenticationError('no webhook secret configured'),
    );
  });
});

describe('referenceAdapter.parseWebhook', () => {
  it('turns a status webhook into one bridge event in POS terms', () => {
    expect(referenceAdapter.parseWebhook(signedWebhook())).toEqual([
      {
        type: 'order.status',
        eventId: 'refevt-1',
        posLocationId: 'loc-9',
        posOrderId: 'pos-123',
        sinqroOrderId: 900001,
        kind: 'order',
        posStatus: 'accepted',
        occurredAt: '2025-03-14T18:10:00.000Z',
        reason: undefined,
      },
    ]);
  });

  it('reads a reservation webhook as a reservation event', () => {
    const [event] = referenceAdapter.parseWebhook(
      signedWebhook(webhookBody({ type: 'reservation.status_changed' }, { status: 'seated' })),
    );
    expect(event).toMatchObject({ kind: 'reservation', posStatus: 'seated' });
  });

  it('leaves the Sinqro id out for a POS order without our reference (e.g. a walk-in ticket)', () => {
    const [event] = referenceAdapter.parseWebhook(signedWebhook(webhookBody({}, { externalReference: null })));
    expect(event).toMatchObject({ type: 'order.status' });
    expect(event).not.toHaveProperty('sinqroOrderId', expect.anything());
  });

  it('carries the POS’s reason along (rejections, cancellations)', () => {
    const [event] = referenceAdapter.parseWebhook(
      signedWebhook(webhookBody({}, { status: 'rejected', reason: 'kitchen closed' })),
    );
    expect(event).toMatchObject({ type: 'order.status', reason: 'kitchen closed' });
  });

  it('refuses an external reference that is not a Sinqro id', () => {
    expect(() => referenceAdapter.parseWebhook(signedWebhook(webhookBody({}, { externalReference: 'abc' })))).toThrow(
      ValidationError,
    );
  });

  it('refuses a body that is not JSON with a ValidationError', () => {
    expect(() => referenceAdapter.parseWebhook(signedWebhook('{"eventId":'))).toThrow(ValidationError);
  });

  it('refuses a body without an event id with a ValidationError naming the field', () => {
    expect(() => referenceAdapter.parseWebhook(signedWebhook(webhookBody({ eventId: undefined })))).toThrow(/eventId/);
  });

  it('refuses an unknown webhook type', () => {
    expect(() => referenceAdapter.parseWebhook(signedWebhook(webhookBody({ type: 'product.changed' })))).toThrow(
      ValidationError,
    );
  });

  it('refuses an occurredAt that is not an ISO timestamp', () => {
    expect(() => referenceAdapter.parseWebhook(signedWebhook(webhookBody({ occurredAt: 'yesterday' })))).toThrow(
      /occurredAt/,
    );
  });
});

describe('referenceAdapter.mapStatus', () => {
  it.each([
    ['new', 'INJECTED'],
    ['accepted', 'ACCEPTED'],
    ['rejected', 'REJECTED'],
    ['preparing', 'PREPARING'],
    ['ready', 'READY'],
    ['out_for_delivery', 'OUT_FOR_DELIVERY'],
    ['completed', 'COMPLETED'],
    ['cancelled', 'CANCELLED'],
  ])('maps the order status %s to %s', (pos, canonical) => {
    expect(referenceAdapter.mapStatus('order', pos)).toBe(canonical);
  });

  it.each([
    ['new', 'INJECTED'],
    ['confirmed', 'CONFIRMED'],
    ['rejected', 'REJECTED'],
    ['seated', 'SEATED'],
    ['completed', 'COMPLETED'],
    ['cancelled', 'CANCELLED'],
    ['no_show', 'NO_SHOW'],
  ])('maps the reservation status %s to %s', (pos, canonical) => {
    expect(referenceAdapter.mapStatus('reservation', pos)).toBe(canonical);
  });

  it('covers every order status the contract lists', () => {
    expect(REFERENCE_ORDER_STATUSES.filter((s) => referenceAdapter.mapStatus('order', s) === undefined)).toEqual([]);
  });

  it('covers every reservation status the contract lists', () => {
    expect(
      REFERENCE_RESERVATION_STATUSES.filter((s) => referenceAdapter.mapStatus('reservation', s) === undefined),
    ).toEqual([]);
  });

  it('answers undefined for a status that means nothing to Sinqro', () => {
    expect(referenceAdapter.mapStatus('order', 'on_hold')).toBeUndefined();
  });

  it('does not map a reservation-only status on an order', () => {
    expect(referenceAdapter.mapStatus('order', 'seated')).toBeUndefined();
  });
});

describe('reference webhook edge cases', () => {
  it('refuses an occurredAt whose offset Date cannot read, with a 400 rather than a crash', () => {
    expect(() =>
      referenceAdapter.parseWebhook(signedWebhook(webhookBody({ occurredAt: '2026-11-27T18:20:00+01' }))),
    ).toThrow(ValidationError);
  });

  it('reads a 16-digit Sinqro id as our reference (ids are safe integers, not 15 digits)', () => {
    const [event] = referenceAdapter.parseWebhook(
      signedWebhook(webhookBody({}, { externalReference: '1234567890123456' })),
    );
    expect(event).toMatchObject({ type: 'order.status', sinqroOrderId: 1234567890123456 });
  });
});
