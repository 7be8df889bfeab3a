/** Fresh fixtures for every test: each factory builds a new object, so no test can leak into another. */
import type { APIGatewayProxyEventV2, Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { PermanentError } from '../../../functions/core/errors';
import { posWebhooksPath, posWebhooksPrefix, routeKey } from '../../../functions/routes';
import { illustrativeOrder } from '../../../local/demo/data';

/** The illustrative order of docs/sinqro-api.md (one copy, shared with the demo: local/demo/data.ts). */
export const sampleOrder = illustrativeOrder;

/** As docs/sinqro-api.md says: a reservation is the same order with `type: reservation`, diners, no lines, zero amounts. */
export function sampleReservation() {
  return {
    id: 900002,
    type: 'reservation',
    status: { code: 'waiting_sp_validation', isFinalStatus: false },
    executionTime: '2025-03-14T21:00:00+0000',
    comment: 'Window table if possible',
    consumer: { id: 4411, name: 'Laura', lastname: 'Gómez', phone: '+34611222333', email: null },
    sellingPoint: { id: 5120, name: 'Trattoria Demo', timezone: 'Europe/Madrid' },
    dinersNumber: 4,
    orderLines: [],
    payments: [],
    totalAmount: 0,
  };
}

export const SELLING_POINT_ID = 5120;

type EnvelopeType =
  | 'order.created'
  | 'order.cancelled'
  | 'order.status_changed'
  | 'reservation.created'
  | 'reservation.cancelled'
  | 'reservation.status_changed';

/** An hour from now, as Sinqro writes times: the samples' own times have passed, and the worker fails an order past its time. */
export const dueInAnHour = () => new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, '+0000');

/** A bridge event envelope with `data` fitting its type; a created order or reservation is due in an hour. */
export function envelope(
  type: EnvelopeType = 'order.created',
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const data: Record<EnvelopeType, () => Record<string, unknown>> = {
    'order.created': () => ({ ...sampleOrder(), executionTime: dueInAnHour() }),
    'reservation.created': () => ({ ...sampleReservation(), executionTime: dueInAnHour() }),
    'order.cancelled': () => ({ id: 900001, comment: 'consumer changed their mind' }),
    'reservation.cancelled': () => ({ id: 900002, comment: null }),
    'order.status_changed': () => ({ id: 900001, status: { code: 'cancelled' } }),
    'reservation.status_changed': () => ({ id: 900002, status: { code: 'confirmed' } }),
  };
  return {
    id: `evt-${type}-1`,
    type,
    sellingPointId: SELLING_POINT_ID,
    occurredAt: '2025-03-14T19:01:02+0000',
    data: data[type](),
    ...overrides,
  };
}

export function httpEvent(opts: {
  body?: string;
  headers?: Record<string, string>;
  isBase64Encoded?: boolean;
  rawPath?: string;
  /** The route the request came through, e.g. `POST /square/webhooks/{any+}`. Default: the raw path. */
  routeKey?: string;
  pathParameters?: Record<string, string>;
}): APIGatewayProxyEventV2 {
  const rawPath = opts.rawPath ?? '/sinqro/events';
  const routeKey = opts.routeKey ?? `POST ${rawPath}`;
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...opts.headers },
    pathParameters: opts.pathParameters,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'example.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'example',
      http: { method: 'POST', path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
      requestId: 'req-1',
      routeKey,
      stage: '$default',
      time: '14/Mar/2025:19:01:02 +0000',
      timeEpoch: 1741978862000,
    },
    body: opts.body,
    isBase64Encoded: opts.isBase64Encoded ?? false,
  };
}

/** What API Gateway sends for a request on `code`'s webhook route: the route key, and the rest of the path. */
export const posRoute = (code: string, any: string) => ({
  rawPath: `${posWebhooksPrefix(code)}${any}`,
  routeKey: routeKey({ path: posWebhooksPath(code) }),
  pathParameters: { any },
});

export function lambdaContext(remainingMs = 30_000): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:test',
    memoryLimitInMB: '256',
    awsRequestId: 'aws-req-1',
    logGroupName: '/aws/lambda/test',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function sqsRecord(body: unknown, messageId: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1741978862000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1741978862000',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:work',
    awsRegion: 'eu-west-1',
  };
}

export function sqsEvent(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

/** Sets a value at a dot path (`orderLines.0.quantity`) and returns the same object: for one-field mutations. */
export function setPath<T extends object>(target: T, path: string, value: unknown): T {
  const parts = path.split('.');
  let node = target as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  const last = parts[parts.length - 1] as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return target;
}

/** The code of the PermanentError `fn` throws ("no error", or what else it threw, otherwise). */
export function permanentCodeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return error instanceof PermanentError ? error.code : `not permanent: ${(error as Error).message}`;
  }
  return 'no error';
}
