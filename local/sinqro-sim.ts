/**
 * Simulator of Sinqro: serves the POS-app endpoints the bridge calls (paths from the client's route
 * table), checks both token headers, records every call at `GET /_sim/calls`, and sends signed
 * events to the bridge (`POST /_sim/events`), as Sinqro would.
 */
import type { Server, ServerResponse } from 'node:http';
import { errorBody } from '../functions/shared/errors';
import { signPayload } from '../functions/shared/signature';
import { Faults } from './faults';
import { close, jsonServer, listen, parseJsonBody, router, sendJson } from './http-util';

export type SinqroCall = {
  at: string;
  method: string;
  path: string;
  kind: 'order' | 'reservation';
  id: number;
  restaurantId?: number;
  statusCode?: string;
  posOrderId?: string;
  httpStatus: number;
};

export type SinqroSimOptions = {
  serverAccessToken: string;
  /** restaurant id → its user access token */
  userAccessTokens: Record<number, string>;
  signingSecret: string;
  /** The bridge's Sinqro event endpoint (`…/sinqro/events`) and its local EventBridge stand-in. */
  bridgeEventsUrl: string;
  bridgeEventBridgeUrl?: string;
  log?: (line: string) => void;
};

export class SinqroSim {
  readonly calls: SinqroCall[] = [];
  readonly faults = new Faults();
  private server?: Server;
  url = '';

  constructor(private readonly opts: SinqroSimOptions) {}

  async start(port: number): Promise<string> {
    const statusRoute =
      (kind: 'order' | 'reservation') =>
      async ({ req, res, params, body, url }: Parameters<Parameters<typeof router>[0][number]['handle']>[0]) =>
        this.status(kind, Number(params[0]), req.headers, body, url.pathname, res);
    this.server = jsonServer(
      router([
        { method: 'POST', pattern: /^\/pos-app\/v1\/orders\/(\d+)\/status$/, handle: statusRoute('order') },
        { method: 'POST', pattern: /^\/pos-app\/v1\/reservations\/(\d+)\/status$/, handle: statusRoute('reservation') },
        {
          method: 'GET',
          pattern: /^\/_sim\/calls$/,
          handle: ({ res, url }) => {
            const id = url.searchParams.get('id');
            sendJson(res, 200, id ? this.calls.filter((c) => c.id === Number(id)) : this.calls);
          },
        },
        {
          method: 'POST',
          pattern: /^\/_sim\/events$/,
          handle: ({ res, body, url }) => this.sendEvent(body, url.searchParams.get('via') ?? 'http', res),
        },
        {
          method: 'POST',
          pattern: /^\/_sim\/faults$/,
          handle: ({ body, res }) => sendJson(res, 200, this.faults.set(parseJsonBody(body) ?? {})),
        },
        {
          method: 'POST',
          pattern: /^\/_sim\/reset$/,
          handle: ({ res }) => {
            this.calls.length = 0;
            this.faults.set({});
            sendJson(res, 200, { reset: true });
          },
        },
      ]),
    );
    const bound = await listen(this.server, port);
    this.url = `http://127.0.0.1:${bound}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (this.server) await close(this.server);
  }

  /** The statuses Sinqro was told for one order, in order of arrival (only accepted calls). */
  statusesOf(id: number): string[] {
    return this.calls.filter((c) => c.id === id && c.httpStatus === 200).map((c) => c.statusCode as string);
  }

  private async status(
    kind: 'order' | 'reservation',
    id: number,
    headers: Record<string, unknown>,
    body: Buffer,
    path: string,
    res: ServerResponse,
  ) {
    const restaurantId = Object.entries(this.opts.userAccessTokens).find(
      ([, t]) => t === headers['x-api-user-access-token'],
    )?.[0];
    const record = (httpStatus: number, extra: Partial<SinqroCall> = {}) =>
      this.calls.push({
        at: new Date().toISOString(),
        method: 'POST',
        path,
        kind,
        id,
        restaurantId: restaurantId ? Number(restaurantId) : undefined,
        httpStatus,
        ...extra,
      });
    if (headers['x-api-server-access-token'] !== this.opts.serverAccessToken || !restaurantId) {
      record(401);
      return sendJson(
        res,
        401,
        errorBody(401, 'INVALID_ACCESS_TOKEN', 'x-api-server-access-token or x-api-user-access-token is not valid'),
      );
    }
    if (
      await this.faults.before(res, (s) =>
        errorBody(s, s === 429 ? 'TOO_MANY_REQUESTS' : 'SERVICE_UNAVAILABLE', 'injected fault'),
      )
    ) {
      record(this.faults.config.downUntil && Date.now() < this.faults.config.downUntil ? 503 : 0);
      return;
    }
    const req = parseJsonBody<{ statusCode?: unknown; posOrderId?: unknown }>(body);
    if (typeof req?.statusCode !== 'string' || !/^[a-z_]{2,64}$/.test(req.statusCode)) {
      record(400);
      return sendJson(res, 400, errorBody(400, 'INVALID_STATUS_CODE', 'statusCode is required'));
    }
    const posOrderId = typeof req.posOrderId === 'string' ? req.posOrderId : undefined;
    record(200, { statusCode: req.statusCode, posOrderId });
    this.opts.log?.(`[sinqro] ${kind} ${id} is now "${req.statusCode}"${posOrderId ? ` (POS ${posOrderId})` : ''}`);
    if (this.faults.dropReply()) return;
    sendJson(res, 200, { id, status: { code: req.statusCode } });
  }

  /** Signs an envelope and delivers it to the bridge over HTTP (or through the local EventBridge stand-in). */
  async sendEvent(body: Buffer, via: string, res?: ServerResponse): Promise<{ status: number; body: unknown }> {
    const raw = body.toString('utf8');
    const target = via === 'eventbridge' ? this.opts.bridgeEventBridgeUrl : this.opts.bridgeEventsUrl;
    if (!target) {
      const out = { status: 400, body: { message: `delivery via ${via} is not available` } };
      if (res) sendJson(res, 400, out.body);
      return out;
    }
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sinqro-signature': signPayload(this.opts.signingSecret, raw) },
      body: raw,
    });
    const text = await response.text();
    const parsed = text ? (parseJsonBody(Buffer.from(text)) ?? text) : undefined;
    const out = { status: response.status, body: parsed };
    if (res) sendJson(res, 200, { bridgeStatus: response.status, bridgeBody: parsed });
    return out;
  }
}
