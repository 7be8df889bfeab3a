/**
 * The local API Gateway (HTTP API, payload format 2.0): turns each request into the same
 * APIGatewayProxyEventV2 that AWS builds and calls the very same handler.
 */
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context, EventBridgeEvent } from 'aws-lambda';
import { decodePathSegment, jsonServer, listen, MAX_LOCAL_BODY, readBody, requestUrl, sendJson } from './http-util';
import { invokeWithTimeout } from './lambda-context';

type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export type GatewayRoute = {
  routeKey: string;
  method: string;
  /** Path template as in API Gateway: `/sinqro/events`, `/square/webhooks/{any+}`. */
  path: string;
  functionName: string;
  handler: HttpHandler;
  timeoutMs: number;
};

export type GatewayOptions = {
  routes: GatewayRoute[];
  /** Local stand-in for the EventBridge rule: POST /_local/eventbridge with an envelope as body. */
  eventBridge?: {
    functionName: string;
    handler: (event: EventBridgeEvent<string, unknown>, context: Context) => Promise<unknown>;
    source: string;
  };
  /** Local stand-in for the scheduler's EventBridge schedules: POST /_local/schedule/{job} runs a job now. */
  schedule?: { jobs: readonly string[]; run: (job: string) => Promise<unknown> };
  onRequest?: (line: string) => void;
};

const SCHEDULE_PATH = /^\/_local\/schedule\/([^/]+)$/;

const TEXT_TYPES = /json|text|xml|x-www-form-urlencoded|javascript/i;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function compile(path: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const pattern = path.replace(/\{(\w+)(\+?)\}/g, (_, name: string, greedy: string) => {
    names.push(name);
    return greedy ? '(.+)' : '([^/]+)';
  });
  return { regex: new RegExp(`^${pattern}$`), names };
}

export class LocalGateway {
  private server?: Server;
  requests = 0;
  constructor(private readonly opts: GatewayOptions) {}

  async start(port: number): Promise<number> {
    const compiled = this.opts.routes.map((r) => ({ ...r, ...compile(r.path) }));
    // A URL it cannot decode is a BadRequest: jsonServer answers it 400, as API Gateway does.
    this.server = jsonServer((req, res) => this.handle(req, res, compiled));
    return listen(this.server, port);
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    const { close } = await import('./http-util');
    await close(this.server);
  }

  private async handle(
    req: IncomingMessage,
    res: ServerResponse,
    routes: (GatewayRoute & { regex: RegExp; names: string[] })[],
  ) {
    this.requests += 1;
    const url = requestUrl(req);
    const body = await readBody(req);
    if (!body) return sendJson(res, 413, { message: 'Request Entity Too Large' });
    if (req.method === 'POST' && url.pathname === '/_local/eventbridge' && this.opts.eventBridge) {
      return this.putEvent(res, body);
    }
    const scheduled = SCHEDULE_PATH.exec(url.pathname);
    if (req.method === 'POST' && scheduled && this.opts.schedule) {
      return this.runScheduled(res, decodePathSegment(scheduled[1] as string));
    }
    for (const route of routes) {
      if (route.method !== req.method) continue;
      const m = route.regex.exec(url.pathname);
      if (!m) continue;
      const pathParameters = Object.fromEntries(route.names.map((n, i) => [n, decodePathSegment(m[i + 1] as string)]));
      const event = toEvent(req, url, body, route.routeKey, pathParameters);
      let result: APIGatewayProxyStructuredResultV2;
      try {
        result = await invokeWithTimeout(route.functionName, route.timeoutMs, (context) =>
          route.handler(event, context),
        );
      } catch (error) {
        this.opts.onRequest?.(`gateway: ${route.functionName} failed: ${(error as Error).message}`);
        return sendJson(res, 500, { message: 'Internal Server Error' });
      }
      res.writeHead(result.statusCode ?? 200, {
        'content-type': 'application/json',
        ...(result.headers as Record<string, string>),
      });
      return res.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
    }
    // API Gateway's own answer for a path no route matches.
    sendJson(res, 404, { message: 'Not Found' });
  }

  private async runScheduled(res: ServerResponse, job: string) {
    const schedule = this.opts.schedule as NonNullable<GatewayOptions['schedule']>;
    if (!schedule.jobs.includes(job))
      return sendJson(res, 404, { message: `no scheduled job "${job}": one of ${schedule.jobs.join(', ')}` });
    try {
      sendJson(res, 200, await schedule.run(job));
    } catch (error) {
      sendJson(res, 500, { message: (error as Error).message });
    }
  }

  private async putEvent(res: ServerResponse, body: Buffer) {
    const bridge = this.opts.eventBridge as NonNullable<GatewayOptions['eventBridge']>;
    let detail: unknown;
    try {
      // EventBridge takes the detail as a JSON string: bytes that are not UTF-8 cannot be one.
      detail = JSON.parse(strictUtf8.decode(body));
    } catch {
      return sendJson(res, 400, { message: 'detail is not UTF-8 JSON' });
    }
    const event: EventBridgeEvent<string, unknown> = {
      version: '0',
      id: randomUUID(),
      'detail-type': String((detail as { type?: unknown })?.type ?? 'unknown'),
      source: bridge.source,
      account: '000000000000',
      time: new Date().toISOString(),
      region: 'eu-west-1',
      resources: [],
      detail,
    };
    try {
      const out = await invokeWithTimeout(bridge.functionName, 5000, (context) => bridge.handler(event, context));
      sendJson(res, 200, out);
    } catch (error) {
      sendJson(res, 500, { message: (error as Error).message });
    }
  }
}

function toEvent(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  routeKey: string,
  pathParameters: Record<string, string>,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  const contentType = headers['content-type'] ?? '';
  // Bytes that are not UTF-8 go base64-encoded whatever the content type says, so the function reads
  // (and checks the signature on) exactly the bytes that were sent.
  const isText = body.length === 0 || (TEXT_TYPES.test(contentType) && isUtf8(body));
  const now = Date.now();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
    pathParameters,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    body: body.length === 0 ? undefined : isText ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: !isText,
  };
}

export { MAX_LOCAL_BODY };
