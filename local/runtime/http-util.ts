/** Small node:http helpers for the local runtime and the simulators (no framework needed). */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const MAX_LOCAL_BODY = 10 * 1024 * 1024; // API Gateway's HTTP API payload limit

export async function readBody(req: IncomingMessage, limit = MAX_LOCAL_BODY): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A request the server cannot read (a malformed URL or percent-encoding): answered 400, not a crash. */
export class BadRequest extends Error {}

/** The request's URL; a request target that is no URL is a BadRequest. */
export function requestUrl(req: IncomingMessage): URL {
  try {
    return new URL(req.url ?? '/', 'http://local');
  } catch {
    throw new BadRequest('the request target is not a valid URL');
  }
}

/** decodeURIComponent, with malformed percent-encoding (`%E0%A4%A`, `%ZZ`, `%FF`) a BadRequest. */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new BadRequest('the path has malformed percent-encoding');
  }
}

export type Route = {
  method: string;
  pattern: RegExp;
  handle: (ctx: {
    req: IncomingMessage;
    res: ServerResponse;
    params: string[];
    body: Buffer;
    url: URL;
  }) => Promise<void> | void;
};

/** A tiny regex router; unknown routes get 404, an unreadable URL 400, thrown errors a 500 with the message. */
export function router(routes: Route[], onUnmatched?: Route['handle']) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const url = requestUrl(req);
      const body = (await readBody(req)) ?? Buffer.alloc(0);
      for (const route of routes) {
        if (route.method !== req.method) continue;
        const m = route.pattern.exec(url.pathname);
        if (m) return await route.handle({ req, res, params: m.slice(1).map(decodePathSegment), body, url });
      }
      if (onUnmatched) return await onUnmatched({ req, res, params: [], body, url });
      sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `${req.method} ${url.pathname} is not a route` } });
    } catch (error) {
      if (res.headersSent) return;
      if (error instanceof BadRequest) sendJson(res, 400, { error: { code: 'BAD_REQUEST', message: error.message } });
      else sendJson(res, 500, { error: { code: 'SIMULATOR_ERROR', message: (error as Error).message } });
    }
  };
}

export async function listen(server: Server, port: number, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

export async function close(server: Server): Promise<void> {
  server.closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * A server whose handler may throw or reject: the request is answered (400 for a BadRequest, else 500),
 * or its socket closed if the answer had begun, and the process goes on (an unhandled rejection ends it).
 */
export function jsonServer(handler: (req: IncomingMessage, res: ServerResponse) => unknown): Server {
  const server = createServer((req, res) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        if (res.headersSent) return void res.destroy();
        if (error instanceof BadRequest) sendJson(res, 400, { message: 'Bad Request' });
        else sendJson(res, 500, { message: 'Internal Server Error' });
      });
  });
  // fetch (undici) keeps a connection for the server's Keep-Alive hint minus 1 s: with a 1 s hint it
  // reconnected for every request. Five seconds (Node's default) lets clients reuse connections.
  server.keepAliveTimeout = 5000;
  return server;
}

export function parseJsonBody<T>(body: Buffer): T | undefined {
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A simulator's webhook POST: the HTTP status (0: no answer). A 5xx or no answer is tried again, quickly
 * (200 ms, then 400 ms), up to `attempts` in all; a 2xx-4xx answer is final.
 */
export async function postWebhook(
  url: string | URL,
  headers: Record<string, string>,
  body: string,
  attempts = 3,
): Promise<number> {
  let status = 0;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(url, { method: 'POST', headers, body });
      status = response.status;
      await response.arrayBuffer();
    } catch {
      status = 0;
    }
    if (status >= 200 && status < 500) break;
    if (attempt < attempts) await sleep(200 * attempt);
  }
  return status;
}
