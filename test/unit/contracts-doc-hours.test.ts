/**
 * The availability and opening-hours part of docs/reference-pos.openapi.json, checked against the
 * code: the webhooks' routes, signatures, fields and examples, the read paths the client calls, and
 * the documented time format against the one the bridge accepts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { referenceAdapter } from '../../adapters/reference';
import { ReferencePosClient } from '../../adapters/reference/client';
import {
  REFERENCE_WEEKDAYS,
  RefAvailabilitySchema,
  RefAvailabilityWebhookSchema,
  RefHoursWebhookSchema,
  RefOpeningHoursSchema,
  SIGNATURE_HEADER,
} from '../../adapters/reference/contract';
import { minutesOf } from '../../functions/hours/schedule-conversion';
import { verifySignature } from '../../functions/infra/signature';
import { posWebhooksPrefix } from '../../functions/routes';
import secrets from '../../local/runtime/secrets.json';
import { startServer } from './support/http-server';

const openapi = JSON.parse(readFileSync(join(__dirname, '..', '..', 'docs', 'reference-pos.openapi.json'), 'utf8'));
const schemas = openapi.components.schemas;
const deref = (s: { $ref?: string }) => (s.$ref ? schemas[s.$ref.replace('#/components/schemas/', '')] : s);
const webhookRoute = (name: string) => `${posWebhooksPrefix(referenceAdapter.code)}${name}`;

describe.each([
  ['availabilityChanged', 'availability', RefAvailabilityWebhookSchema, 'availability.changed'],
  ['hoursChanged', 'hours', RefHoursWebhookSchema, 'hours.changed'],
] as const)('the %s webhook', (name, path, schema, type) => {
  const post = () => openapi.webhooks[name].post;
  const payload = () => deref(post().requestBody.content['application/json'].schema);
  const example = () => structuredClone(post().requestBody.content['application/json'].example);

  it('is sent to a route the bridge serves for the reference adapter', () => {
    expect(post().description).toContain(`POST {bridge}${webhookRoute(path)}`);
  });

  it('is signed in the header the adapter reads, and its example really signs the example body', () => {
    const [header] = post().parameters;
    expect(header.name.toLowerCase()).toBe(SIGNATURE_HEADER);
    const signedAt = Number(/^t=(\d+),/.exec(header.example)?.[1]);
    const secret = secrets['sinqro-pos-bridge/local/webhooks/pos/reference'].webhookSigningSecrets[0] as string;
    expect(verifySignature(header.example, JSON.stringify(example()), [secret], signedAt)).toBe(signedAt);
  });

  it('documents an example the adapter turns into one bridge event of the same type', () => {
    const raw = Buffer.from(JSON.stringify(example()));
    expect(referenceAdapter.parseWebhook({ path: webhookRoute(path), rawBody: raw, headers: {} })).toEqual([
      expect.objectContaining({ type, eventId: example().eventId }),
    ]);
  });

  it('documents every field of the schema, and the one type value', () => {
    expect(Object.keys(payload().properties).sort()).toEqual(Object.keys(schema.entries).sort());
    expect(payload().properties.type.enum).toEqual([schema.entries.type.literal]);
  });

  it('marks as required exactly the fields without which the schema refuses the payload', () => {
    const required = Object.keys(example()).filter((key) => {
      const without = example();
      delete without[key];
      return !v.safeParse(schema, without).success;
    });
    expect([...payload().required].sort()).toEqual(required.sort());
  });
});

describe('the availability and opening-hours reads', () => {
  it('document the days the contract knows', () => {
    expect(schemas.Weekday.enum).toEqual([...REFERENCE_WEEKDAYS]);
  });

  it('document the fields of a closed availability', () => {
    const closed = schemas.Availability.oneOf.find((o: { title: string }) => o.title === 'closed');
    const closedSchema = RefAvailabilitySchema.options[1];
    expect(Object.keys(closed.properties).sort()).toEqual(Object.keys(closedSchema.entries).sort());
  });

  it('give response examples the client’s schemas accept', () => {
    const availability = openapi.paths['/locations/{locationId}/availability'].get.responses['200'].content[
      'application/json'
    ].examples as Record<string, { value: unknown }>;
    for (const [name, { value }] of Object.entries(availability))
      expect({ name, ok: v.safeParse(RefAvailabilitySchema, value).success }).toEqual({ name, ok: true });
    const hours =
      openapi.paths['/locations/{locationId}/opening-hours'].get.responses['200'].content['application/json'].example;
    expect(v.safeParse(RefOpeningHoursSchema, hours).success).toBe(true);
  });

  it.each(['00:00', '09:30', '23:59', '24:00', '25:00', '9:30', '12:60', '12:00:00'])(
    'documents the time %j as valid exactly when the bridge accepts it',
    (time) => {
      expect(new RegExp(schemas.TimeOfDay.pattern).test(time)).toBe(minutesOf(time) !== undefined);
    },
  );

  it('are what the client calls: documented GET paths', async () => {
    const server = await startServer({ status: 200, body: { closed: false } });
    try {
      const client = new ReferencePosClient({
        link: {
          restaurantId: 5120,
          posCode: 'reference',
          posLocationId: 'loc-9',
          sinqroTokenSecret: 'sinqro/rest/5120',
          enabled: true,
          createdAt: '2025-03-01T00:00:00.000Z',
        },
        secret: { apiKey: 'k' },
        baseUrl: server.url,
        budget: { deadline: Date.now() + 10_000 },
      });
      await client.getAvailability();
      server.reply({ status: 200, body: { timezone: 'Europe/Madrid', days: [] } });
      await client.getOpeningHours();
      const templates = server.requests.map((r) =>
        Object.keys(openapi.paths).find((t) => new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(r.url)),
      );
      expect(templates).toEqual(['/locations/{locationId}/availability', '/locations/{locationId}/opening-hours']);
      for (const t of templates) expect(openapi.paths[t as string].get).toBeDefined();
    } finally {
      await server.close();
    }
  });
});
