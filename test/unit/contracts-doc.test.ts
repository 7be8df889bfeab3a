/**
 * The published contracts (docs/) are checked against the code, so neither can change without the
 * other: statuses, the webhook's header and payload, the paths and bodies the reference client sends,
 * the Sinqro event types and routes, and the worked example.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import type { PosCallContext } from '../../adapters/port';
import { referenceAdapter } from '../../adapters/reference';
import { ReferencePosClient } from '../../adapters/reference/client';
import {
  REFERENCE_ORDER_STATUSES,
  REFERENCE_RESERVATION_STATUSES,
  RefWebhookSchema,
  SIGNATURE_HEADER,
} from '../../adapters/reference/contract';
import { toReferenceOrder, toReferenceReservation } from '../../adapters/reference/mapping';
import {
  AuthenticationError,
  type BridgeError,
  PayloadTooLargeError,
  ValidationError,
} from '../../functions/core/errors';
import {
  ORDER_TYPES,
  SinqroEventSchema,
  SinqroOrderSchema,
  SinqroReservationSchema,
} from '../../functions/core/sinqro-schemas';
import { isFinal, type Kind, ORDER_STATUSES, RESERVATION_STATUSES } from '../../functions/core/statuses';
import { parseJson, parseOrThrow } from '../../functions/core/validation';
import { verifySignature } from '../../functions/infra/signature';
import { posWebhooksPrefix, SINQRO_EVENTS_ROUTE } from '../../functions/routes';
import { ROUTES, sinqroStatusCode } from '../../functions/sinqro/client';
import { SIGNATURE_HEADER as SINQRO_SIGNATURE_HEADER } from '../../functions/sinqro-webhook';
import { demoOrder } from '../../local/demo/data';
import config from '../../local/runtime/config.json';
import secrets from '../../local/runtime/secrets.json';
import { sampleOrder, sampleReservation } from './support/fixtures';
import { startServer } from './support/http-server';

const DOCS = join(__dirname, '..', '..', 'docs');
const openapi = JSON.parse(readFileSync(join(DOCS, 'reference-pos.openapi.json'), 'utf8'));
const sinqroEventsDoc = readFileSync(join(DOCS, 'sinqro-events.md'), 'utf8');

// ---- a few lines of OpenAPI reading: $ref, allOf, and a shallow validator for what the client sends ----

type Schema = {
  $ref?: string;
  allOf?: Schema[];
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  description?: string;
};

function resolve(schema: Schema): Schema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const target = openapi.components.schemas[name] as Schema | undefined;
  if (!target) throw new Error(`${schema.$ref} does not resolve`);
  return resolve(target);
}

/** allOf parts merged into one object schema. */
function flatten(schema: Schema): Schema {
  const s = resolve(schema);
  if (!s.allOf) return s;
  const parts = s.allOf.map(flatten);
  return {
    type: 'object',
    properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
    required: parts.flatMap((p) => p.required ?? []),
  };
}

const JSON_TYPES: Record<string, (value: unknown) => boolean> = {
  string: (x) => typeof x === 'string',
  integer: (x) => Number.isInteger(x),
  number: (x) => typeof x === 'number',
  boolean: (x) => typeof x === 'boolean',
  array: Array.isArray,
  object: (x) => typeof x === 'object' && x !== null && !Array.isArray(x),
  null: (x) => x === null,
};

/** Everything in `value` the documented schema does not allow: undocumented keys, missing required ones, wrong types or enum values. */
function problems(schema: Schema, value: unknown, path = '$'): string[] {
  const s = flatten(schema);
  const out: string[] = [];
  const types = s.type === undefined ? [] : ([] as string[]).concat(s.type);
  if (types.length > 0 && !types.some((t) => JSON_TYPES[t]?.(value))) out.push(`${path} is not ${types.join('|')}`);
  if (s.enum && !s.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} is not in the documented enum`);
  if (Array.isArray(value) && s.items) {
    for (const [i, item] of value.entries()) out.push(...problems(s.items, item, `${path}[${i}]`));
  }
  if (JSON_TYPES.object?.(value) && s.properties) {
    const record = value as Record<string, unknown>;
    for (const [key, item] of Object.entries(record)) {
      const property = s.properties[key];
      if (!property) out.push(`${path}.${key} is not documented`);
      else out.push(...problems(property, item, `${path}.${key}`));
    }
    for (const key of s.required ?? [])
      if (record[key] === undefined) out.push(`${path}.${key} is required but missing`);
  }
  return out;
}

/** Path templates of the doc as regexes, so a concrete request path can be matched to its template. */
function findPathTemplate(requestPath: string): string | undefined {
  return Object.keys(openapi.paths).find((template) =>
    new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(requestPath),
  );
}

/** Rows `| \`a\` | \`B\` | … |` of a Markdown table, as arrays of cells. */
function tableRows(markdown: string, header: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith(header));
  if (start < 0) throw new Error(`no table with header ${header}`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

const code = (cell: string | undefined) => /^`([^`]+)`$/.exec(cell ?? '')?.[1];

// ---- the reference POS contract ----

describe('docs/reference-pos.openapi.json', () => {
  it('is OpenAPI 3.1 and covers orders, reservations, the catalog, availability and opening hours', () => {
    expect(openapi.openapi).toMatch(/^3\.1\./);
    const paths = Object.keys(openapi.paths);
    for (const path of [
      '/locations/{locationId}/orders',
      '/locations/{locationId}/reservations',
      '/locations/{locationId}/availability',
      '/locations/{locationId}/opening-hours',
    ]) {
      expect(paths).toContain(path);
    }
    expect(paths.filter((p) => p.includes('/catalog/'))).not.toHaveLength(0);
  });

  it('lists exactly the order statuses the adapter and the simulator use', () => {
    expect(openapi.components.schemas.OrderStatus.enum).toEqual([...REFERENCE_ORDER_STATUSES]);
  });

  it('lists exactly the reservation statuses the adapter and the simulator use', () => {
    expect(openapi.components.schemas.ReservationStatus.enum).toEqual([...REFERENCE_RESERVATION_STATUSES]);
  });

  it.each([
    ['order', 'OrderStatus'],
    ['reservation', 'ReservationStatus'],
  ] as [Kind, string][])(
    'maps each %s status to the canonical status the adapter maps it to, and says which are final',
    (kind, schemaName) => {
      const schema = openapi.components.schemas[schemaName];
      const rows = tableRows(schema.description, '| POS status |');
      expect(rows.map((r) => code(r[0]))).toEqual(schema.enum);
      for (const [posStatus, canonical, final] of rows) {
        const mapped = referenceAdapter.mapStatus(kind, code(posStatus) as string);
        expect({ posStatus, canonical: code(canonical) }).toEqual({ posStatus, canonical: mapped });
        expect({ posStatus, final: final === 'yes' }).toEqual({ posStatus, final: isFinal(mapped as never) });
      }
    },
  );

  describe('the status webhook', () => {
    const post = () => openapi.webhooks.statusChanged.post;
    const payload = () => resolve(post().requestBody.content['application/json'].schema);
    const example = () => structuredClone(post().requestBody.content['application/json'].example);

    it('is sent to the route the bridge serves for the reference adapter', () => {
      const path = `${posWebhooksPrefix(referenceAdapter.code)}orders`;
      expect(post().description).toContain(`POST {bridge}${path}`);
    });

    it('is signed in the header the adapter reads', () => {
      const headers = (post().parameters as { in: string; name: string; required?: boolean }[]).filter(
        (p) => p.in === 'header',
      );
      expect(headers.map((h) => ({ name: h.name.toLowerCase(), required: h.required }))).toEqual([
        { name: SIGNATURE_HEADER, required: true },
      ]);
    });

    it('shows a signature example that really signs the example body (demo secret, at its own time)', () => {
      const header = post().parameters[0].example as string;
      const signedAt = Number(/^t=(\d+),/.exec(header)?.[1]);
      const secret = secrets['sinqro-pos-bridge/local/webhooks/pos/reference'].webhookSigningSecrets[0] as string;
      expect(verifySignature(header, JSON.stringify(example()), [secret], signedAt)).toBe(signedAt);
    });

    it('documents an example the adapter accepts', () => {
      expect(v.safeParse(RefWebhookSchema, example()).issues).toBeUndefined();
    });

    it('documents every field of RefWebhookSchema, with the same type values', () => {
      expect(Object.keys(payload().properties ?? {}).sort()).toEqual(Object.keys(RefWebhookSchema.entries).sort());
      expect(Object.keys(resolve(payload().properties?.data as Schema).properties ?? {}).sort()).toEqual(
        Object.keys(RefWebhookSchema.entries.data.entries).sort(),
      );
      expect(payload().properties?.type?.enum).toEqual([...RefWebhookSchema.entries.type.options]);
    });

    it('marks as required exactly the fields without which RefWebhookSchema refuses the payload', () => {
      const full = example();
      // The example carries every field, so removing each one tells whether the schema needs it.
      expect(Object.keys(full).sort()).toEqual(Object.keys(RefWebhookSchema.entries).sort());
      expect(Object.keys(full.data).sort()).toEqual(Object.keys(RefWebhookSchema.entries.data.entries).sort());
      const requiredTop = Object.keys(full).filter((key) => {
        const without = example();
        delete without[key];
        return !v.safeParse(RefWebhookSchema, without).success;
      });
      const requiredData = Object.keys(full.data).filter((key) => {
        const without = example();
        delete without.data[key];
        return !v.safeParse(RefWebhookSchema, without).success;
      });
      expect([...(payload().required ?? [])].sort()).toEqual(requiredTop.sort());
      expect([...(resolve(payload().properties?.data as Schema).required ?? [])].sort()).toEqual(requiredData.sort());
    });
  });

  describe('what the reference client sends', () => {
    let server: Awaited<ReturnType<typeof startServer>>;
    beforeEach(async () => {
      server = await startServer({ status: 201, body: { id: 'pos 1/á', status: 'new' } });
    });
    afterEach(async () => {
      await server.close();
    });

    const context = (): PosCallContext => ({
      link: {
        restaurantId: 5120,
        posCode: 'reference',
        posLocationId: 'loc 9/á',
        sinqroTokenSecret: 'sinqro/rest/5120',
        enabled: true,
        createdAt: '2025-03-01T00:00:00.000Z',
      },
      secret: { apiKey: 'refpos-api-key' },
      baseUrl: `${server.url}/base`,
      budget: { deadline: Date.now() + 10_000 },
    });

    async function everyCall() {
      const client = new ReferencePosClient(context());
      await client.injectOrder(v.parse(SinqroOrderSchema, sampleOrder()), 'sinqro-order-900001');
      await client.injectOrder(v.parse(SinqroOrderSchema, demoOrder(900003, { type: 'delivery' })), 'k2');
      await client.injectReservation(
        v.parse(SinqroReservationSchema, sampleReservation()),
        'sinqro-reservation-900002',
      );
      await client.cancel('order', 'pos 1/á', 'consumer changed their mind');
      await client.cancel('reservation', 'pos 2', undefined);
      return server.requests.map((r) => ({ ...r, path: r.url.replace(/^\/base/, '') }));
    }

    it('calls only paths and methods the doc has', async () => {
      const requests = await everyCall();
      expect(requests).toHaveLength(5);
      for (const request of requests) {
        const template = findPathTemplate(request.path);
        expect({ path: request.path, template }).toEqual({ path: request.path, template: expect.any(String) });
        expect(openapi.paths[template as string][request.method.toLowerCase()]).toBeDefined();
      }
    });

    it('sends bodies the doc describes, with every required field and nothing undocumented', async () => {
      for (const request of await everyCall()) {
        const operation = openapi.paths[findPathTemplate(request.path) as string][request.method.toLowerCase()];
        const schema = operation.requestBody.content['application/json'].schema;
        expect({ path: request.path, problems: problems(schema, JSON.parse(request.body)) }).toEqual({
          path: request.path,
          problems: [],
        });
      }
    });

    it('authenticates as the doc says (Bearer) and sends an Idempotency-Key exactly where the doc requires one', async () => {
      const scheme = openapi.components.securitySchemes[Object.keys(openapi.security[0])[0] as string];
      expect(scheme).toMatchObject({ type: 'http', scheme: 'bearer' });
      for (const request of await everyCall()) {
        expect(request.headers.authorization).toBe('Bearer refpos-api-key');
        const operation = openapi.paths[findPathTemplate(request.path) as string][request.method.toLowerCase()];
        const headerParams = (operation.parameters as { $ref?: string; in?: string; name?: string }[])
          .map((p) => (p.$ref ? openapi.components.parameters[p.$ref.split('/').pop() as string] : p))
          .filter((p) => p.in === 'header' && p.required);
        const documented = headerParams.map((p: { name: string }) => p.name.toLowerCase());
        expect({ path: request.path, idempotencyKey: 'idempotency-key' in request.headers }).toEqual({
          path: request.path,
          idempotencyKey: documented.includes('idempotency-key'),
        });
      }
    });
  });

  it('documents the order types the mapping produces from the Sinqro order types', () => {
    const produced = ORDER_TYPES.map(
      (type) => toReferenceOrder(v.parse(SinqroOrderSchema, { ...sampleOrder(), type })).type,
    );
    expect([...new Set(produced)].sort()).toEqual(
      [...openapi.components.schemas.OrderRequest.properties.type.enum].sort(),
    );
  });

  it('shows request examples exactly as the mapping builds them', () => {
    const json = (x: unknown) => JSON.parse(JSON.stringify(x));
    const orders =
      openapi.paths['/locations/{locationId}/orders'].post.requestBody.content['application/json'].examples;
    const reservations =
      openapi.paths['/locations/{locationId}/reservations'].post.requestBody.content['application/json'].examples;
    expect(orders.pickup.value).toEqual(json(toReferenceOrder(v.parse(SinqroOrderSchema, sampleOrder()))));
    expect(reservations.reservation.value).toEqual(
      json(toReferenceReservation(v.parse(SinqroReservationSchema, sampleReservation()))),
    );
  });
});

// ---- the Sinqro event contract ----

describe('docs/sinqro-events.md', () => {
  const eventTypes = SinqroEventSchema.pipe[0].options.map((o) => o.entries.type.literal);

  it.each(eventTypes)('documents the event type %s', (type) => {
    expect(sinqroEventsDoc).toContain(`\`${type}\``);
  });

  it('knows all six event types (a seventh needs documenting too)', () => {
    expect(eventTypes).toHaveLength(6);
  });

  it.each(Object.entries(ROUTES))('documents the Sinqro route %s', (_name, route) => {
    // Render the route with a marker for each parameter, then look for it in the doc with any `{placeholder}` in their place.
    const rendered = (route as (...args: number[]) => string)(...Array<number>(route.length).fill(424242));
    const pattern = rendered.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('424242', '\\{[A-Za-z]+\\}');
    expect(sinqroEventsDoc).toMatch(new RegExp(pattern));
  });

  it('gives the HTTP route the bridge serves for Sinqro events', () => {
    expect(sinqroEventsDoc).toContain(`POST {bridge}${SINQRO_EVENTS_ROUTE.path}`);
  });

  it('names the signature header the webhook handler reads', () => {
    expect(sinqroEventsDoc).toContain(`${SINQRO_SIGNATURE_HEADER}: t=<unix seconds>,v1=`);
  });

  it('lists the error codes the HTTP route answers with and the detail codes of a 400', () => {
    const detailCodes = new Set<string>();
    for (const attempt of [
      () => parseJson('{', 'event body'),
      () => parseJson('{"id":"a","id":"b"}', 'event body'),
      () => parseOrThrow(SinqroEventSchema, {}, 'event'),
    ]) {
      try {
        attempt();
      } catch (error) {
        for (const d of (error as BridgeError).details) detailCodes.add(d.code);
      }
    }
    expect([...detailCodes].sort()).toEqual(['DUPLICATE_KEY', 'INVALID_FIELD', 'INVALID_JSON']);
    const codes = [
      new ValidationError('x').code,
      new AuthenticationError('x').code,
      new PayloadTooLargeError('x').code,
      'RESTAURANT_NOT_LINKED',
      'INTERNAL_ERROR',
      ...detailCodes,
    ];
    for (const c of codes) expect(sinqroEventsDoc).toContain(`\`${c}\``);
  });

  it('gives the Sinqro status code sinqroStatusCode sends, for every canonical status of each kind', () => {
    const rows = tableRows(sinqroEventsDoc, '| Canonical status |');
    const canonical = rows.map((r) => code(r[0]));
    expect([...canonical].sort()).toEqual([...new Set([...ORDER_STATUSES, ...RESERVATION_STATUSES])].sort());
    for (const [statusCell, orderCell, reservationCell] of rows) {
      const status = code(statusCell) as (typeof ORDER_STATUSES)[number];
      if ((ORDER_STATUSES as readonly string[]).includes(status)) {
        const covered: string[] = [];
        for (const m of (orderCell ?? '').matchAll(/`([a-z_]+)`(?:\s*\(([^)]*)\))?/g)) {
          const types = m[2] ? m[2].split(',').map((t) => t.trim()) : [...ORDER_TYPES];
          for (const type of types) {
            expect({ status, type, code: m[1] }).toEqual({
              status,
              type,
              code: sinqroStatusCode('order', type, status),
            });
            covered.push(type);
          }
        }
        expect({ status, covered: covered.sort() }).toEqual({ status, covered: [...ORDER_TYPES].sort() });
      } else expect({ status, orderCell }).toEqual({ status, orderCell: '—' });
      if ((RESERVATION_STATUSES as readonly string[]).includes(status)) {
        expect({ status, code: code(reservationCell) }).toEqual({
          status,
          code: sinqroStatusCode('reservation', 'reservation', status),
        });
      } else expect({ status, reservationCell }).toEqual({ status, reservationCell: '—' });
    }
  });

  it('has a worked example the bridge accepts: a valid event for the demo restaurant, signed with the demo secret', () => {
    const body = /^body='([\s\S]*?)'$/m.exec(sinqroEventsDoc)?.[1];
    const secret = /^secret='([^']*)'$/m.exec(sinqroEventsDoc)?.[1];
    expect(secret).toBe(secrets['sinqro-pos-bridge/local/webhooks/sinqro'].webhookSigningSecrets[0]);
    const event = v.parse(SinqroEventSchema, JSON.parse(body as string));
    expect(config.restaurants.map((r) => r.restaurantId)).toContain(event.sellingPointId);
    expect(sinqroEventsDoc).toContain(`"id":"${event.id}","outcome":"enqueued"`);
  });
});
