/**
 * The simulator's validator: ajv 8 (JSON Schema 2020-12, as OpenAPI 3.1 uses) compiling the schemas
 * transcribed in schemas.json from Lightspeed's published K-Series spec. Every request the bridge sends is
 * checked against its operation's path and query parameters and request body; every webhook body and every
 * response the simulator builds can be checked against the spec's own schema too.
 *
 * What the spec writes that is not plain JSON Schema, and how it is read here:
 * - `example`, `discriminator` and `x-field-extra-annotation` are annotations to ajv (`oneOf` alone picks
 *   the menu entry). `nullable` (an OpenAPI 3.0 word the spec still uses on a few reservation fields) is read
 *   as ajv reads it: the declared type or null.
 * - `format: phone` is named by the spec but defined nowhere: it accepts any string.
 * - A `date-time` field that carries the spec's Jackson annotation `JsonFormat(pattern =
 *   "yyyy-MM-dd'T'HH:mm:ss", timezone = "UTC")` is read by that pattern (what the server deserializes with),
 *   not RFC 3339, which would demand an offset the pattern cannot parse. The spec's examples agree
 *   (`"2024-01-01T20:00:00"`).
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import specFile from './schemas.json';

export type JsonSchema = Record<string, unknown>;
export type Parameter = { name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema };
export type Operation = {
  method: string;
  path: string;
  source: string;
  scope: string;
  /** The name Lightspeed's validation errors give the request body (`toGoOrder`, `localOrder`), where known. */
  objectName?: string;
  parameters: Parameter[];
  requestBody?: JsonSchema;
  responses: Record<string, JsonSchema>;
};
export type WebhookSpec = {
  name: string;
  source: string;
  schema: JsonSchema;
  statusesDocumentedOutsideTheEnum?: { pointer: string; values: string[] };
};
export type SpecFile = {
  source: Record<string, string>;
  operations: Record<string, Operation>;
  webhooks: Record<string, WebhookSpec>;
  components: { schemas: Record<string, JsonSchema> };
};

export const SPEC = specFile as unknown as SpecFile;
export type OperationId = keyof typeof specFile.operations;
export type WebhookId = keyof typeof specFile.webhooks;

const DOC_ID = 'https://lightspeed-k-sim.local/k-series.json';
const COMPONENT_REF = '#/components/schemas/';
const JACKSON_UTC_PATTERN = `JsonFormat(pattern = "yyyy-MM-dd'T'HH:mm:ss"`;
const JACKSON_UTC_FORMAT = 'jackson-utc-local-date-time';

/** A failed check: where (path, query or body) and ajv's errors. */
export type Violation = { location: 'path' | 'query' | 'body'; errors: ErrorObject[] };

/** The request as the server saw it: path parameters by name, the query string, the parsed body. */
export type RequestParts = { pathParams: Record<string, string>; query: URLSearchParams; body?: unknown };

/** The spec's schema with its `$ref`s made absolute to the components document, and the Jackson fields read by their pattern. */
function forAjv(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(forAjv);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) out[key] = forAjv(value);
  if (typeof out.$ref === 'string' && out.$ref.startsWith(COMPONENT_REF))
    out.$ref = `${DOC_ID}#/$defs/${out.$ref.slice(COMPONENT_REF.length)}`;
  const annotation = out['x-field-extra-annotation'];
  if (out.format === 'date-time' && typeof annotation === 'string' && annotation.includes(JACKSON_UTC_PATTERN))
    out.format = JACKSON_UTC_FORMAT;
  return out;
}

function isValidUtcLocalDateTime(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(value)) return false;
  const date = new Date(`${value}Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

function newAjv(): Ajv2020 {
  // strictTypes off: the spec often gives `properties` without `type: object`, which is valid JSON Schema.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addFormat('phone', true);
  ajv.addFormat(JACKSON_UTC_FORMAT, { type: 'string', validate: isValidUtcLocalDateTime });
  ajv.addVocabulary(['example', 'discriminator', 'x-field-extra-annotation']);
  ajv.addSchema({ $id: DOC_ID, $defs: forAjv(SPEC.components.schemas) });
  return ajv;
}

/** The `type` a parameter's schema declares, following one `$ref` into the components. */
function declaredType(schema: JsonSchema): string | undefined {
  const ref = schema.$ref;
  if (typeof ref === 'string') return declaredType(SPEC.components.schemas[ref.slice(COMPONENT_REF.length)] ?? {});
  return typeof schema.type === 'string' ? schema.type : undefined;
}

/**
 * A parameter as the server binds it from text: integers and booleans read when they look like one (else the
 * text stays, and the schema's type check fails), arrays from repeated or comma-separated values.
 */
function bindParameter(schema: JsonSchema, values: string[]): unknown {
  const type = declaredType(schema);
  if (type === 'array') return values.flatMap((v) => v.split(',')).filter((v) => v !== '');
  const value = values[0] as string;
  if (type === 'integer' && /^-?\d+$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

export class LskSpec {
  private readonly ajv = newAjv();
  private readonly compiled = new Map<string, ValidateFunction>();

  /** Compiles (once) and caches a validator: compiling all of the spec takes seconds, so each is made on first use. */
  private validator(key: string, schema: () => unknown): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(forAjv(schema()) as JsonSchema);
      this.compiled.set(key, validate);
    }
    return validate;
  }

  /** Compiles every transcribed schema now (the unit test: a mistake in schemas.json must show). */
  compileAll(): number {
    for (const [id, op] of Object.entries(SPEC.operations)) {
      this.paramsValidator(id, 'path');
      this.paramsValidator(id, 'query');
      if (op.requestBody) this.bodyValidator(id);
      for (const status of Object.keys(op.responses)) this.responseValidator(id, Number(status));
    }
    for (const [id, hook] of Object.entries(SPEC.webhooks)) {
      this.webhookValidator(id, false);
      if (hook.statusesDocumentedOutsideTheEnum) this.webhookValidator(id, true);
    }
    return this.compiled.size;
  }

  operation(id: OperationId | string): Operation {
    const op = SPEC.operations[id];
    if (!op) throw new Error(`operation ${id} is not transcribed`);
    return op;
  }

  private paramsValidator(id: string, where: 'path' | 'query'): ValidateFunction {
    return this.validator(`${id} ${where}`, () => {
      const params = this.operation(id).parameters.filter((p) => p.in === where);
      return {
        type: 'object',
        properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
        required: params.filter((p) => p.required).map((p) => p.name),
      };
    });
  }

  private bodyValidator(id: string): ValidateFunction | undefined {
    const body = this.operation(id).requestBody;
    return body && this.validator(`${id} body`, () => body);
  }

  private responseValidator(id: string, status: number): ValidateFunction {
    const schema = this.operation(id).responses[String(status)];
    if (!schema) throw new Error(`no ${status} response schema transcribed for ${id}`);
    return this.validator(`${id} ${status}`, () => schema);
  }

  private webhookValidator(id: string, extended: boolean): ValidateFunction {
    const hook = SPEC.webhooks[id];
    if (!hook) throw new Error(`webhook ${id} is not transcribed`);
    return this.validator(`${id} webhook${extended ? ' extended' : ''}`, () =>
      extended ? extendEnum(hook) : hook.schema,
    );
  }

  /** Checks path parameters, then the query, then the body, as the server binds them; the first failing part. */
  checkRequest(id: OperationId, parts: RequestParts): Violation | undefined {
    const op = this.operation(id);
    const path: Record<string, unknown> = {};
    for (const p of op.parameters.filter((x) => x.in === 'path')) {
      const value = parts.pathParams[p.name];
      if (value !== undefined) path[p.name] = bindParameter(p.schema, [value]);
    }
    const pathValidator = this.paramsValidator(id, 'path');
    if (!pathValidator(path)) return { location: 'path', errors: pathValidator.errors ?? [] };
    const queryValidator = this.paramsValidator(id, 'query');
    if (!queryValidator(this.boundQuery(id, parts.query, false)))
      return { location: 'query', errors: queryValidator.errors ?? [] };
    const body = this.bodyValidator(id);
    if (body && !body(parts.body)) return { location: 'body', errors: body.errors ?? [] };
    return undefined;
  }

  /** The query parameters as bound (integers as numbers, arrays as arrays), with the spec's defaults filled in. */
  boundQuery(id: OperationId, query: URLSearchParams, withDefaults = true): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const p of this.operation(id).parameters.filter((x) => x.in === 'query')) {
      const values = query.getAll(p.name);
      if (values.length) out[p.name] = bindParameter(p.schema, values);
      else if (withDefaults && p.schema.default !== undefined) out[p.name] = p.schema.default;
    }
    return out;
  }

  /** ajv's errors for a response body against the spec's schema for that status (none: it conforms). */
  checkResponse(id: OperationId, status: number, body: unknown): ErrorObject[] | undefined {
    const validate = this.responseValidator(id, status);
    return validate(body) ? undefined : (validate.errors ?? []);
  }

  /** ajv's errors for a webhook body against the spec's webhook schema (none: it conforms). */
  checkWebhook(id: WebhookId, body: unknown): ErrorObject[] | undefined {
    const status = (body as { status?: unknown } | undefined)?.status;
    const extended = SPEC.webhooks[id]?.statusesDocumentedOutsideTheEnum?.values.includes(status as string) ?? false;
    const validate = this.webhookValidator(id, extended);
    return validate(body) ? undefined : (validate.errors ?? []);
  }
}

/** The webhook schema with the statuses the spec documents elsewhere added to its enum (see schemas.json). */
function extendEnum(hook: WebhookSpec): JsonSchema {
  const copy = structuredClone(hook.schema);
  const extra = hook.statusesDocumentedOutsideTheEnum as { pointer: string; values: string[] };
  let node: unknown = copy;
  for (const part of extra.pointer.split('/').slice(1)) node = (node as Record<string, unknown>)[part];
  (node as string[]).push(...extra.values);
  return copy;
}

/** `instancePath` + the missing property, as a dotted field path (`items[0].sku`). */
export function fieldOf(error: ErrorObject): string {
  const parts = error.instancePath.split('/').slice(1);
  if (error.keyword === 'required') parts.push(String((error.params as { missingProperty: string }).missingProperty));
  return parts.reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

let shared: LskSpec | undefined;
/** One compiled spec per process (compiling takes a moment). */
export function lskSpec(): LskSpec {
  shared ??= new LskSpec();
  return shared;
}
