/**
 * POST /<code>/webhooks/{any+} — a POS's webhooks, one route per registered adapter (functions/routes.ts).
 * The adapter whose route it came through verifies the request on its raw bytes and parses it; this handler resolves the restaurant, dedupes and enqueues.
 * For an adapter whose POS signs per location, the link of the location the request claims is found
 * first, and its own webhook secret (when its link names one) verifies the request instead of the adapter's;
 * for one whose webhooks carry per-account credentials (K-Series), only that secret does. It reads
 * webhook-verification secrets only, never a POS API credential.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { PosAdapter, RawWebhook } from '../adapters/port';
import { findAdapter } from '../adapters/registry';
import { AuthenticationError, NotFoundError } from './core/errors';
import { adapterSettings, envNames, requireEnv } from './infra/env';
import { type HttpResult, httpErrors, json, rawBody } from './infra/http';
import { Logger } from './infra/logger';
import { webhookSecret } from './infra/secrets';
import { ingestPosEvent } from './ingress/ingest';
import { posCodeOfRouteKey } from './routes';
import { linkOfPosLocation } from './store/link-cache';

const logger = new Logger('pos-webhook');

async function receive(event: APIGatewayProxyEventV2): Promise<HttpResult> {
  // API Gateway has no route for an unregistered code; the check stays for any other caller.
  const posCode = posCodeOfRouteKey(event.routeKey) ?? '';
  const adapter = findAdapter(posCode);
  if (!adapter) throw new NotFoundError(`no POS adapter is registered for "${posCode.slice(0, 40)}"`, 'UNKNOWN_POS');
  const request = { path: event.rawPath, rawBody: rawBody(event), headers: event.headers ?? {} };
  const scope = adapter.webhookCredentialScope?.(request);
  const claimed = scope === 'adapter' ? undefined : adapter.webhookLocationOf?.(request);
  const own = claimed === undefined ? undefined : await ownWebhookSecretName(posCode, claimed);
  // Per-account credentials: only the account's own verify its requests; an unknown account is refused
  // like a wrong credential (nothing says which locations are linked).
  if (scope === 'location' && !own) throw new AuthenticationError('no webhook credential for this location');
  // Checked here for every adapter: an empty key in the list would verify anyone's signature.
  const secret = await webhookSecret(own ?? requireEnv(envNames.posWebhookSecret(posCode)));
  adapter.verifyWebhook(request, secret, adapterSettings(posCode));
  const events = parse(adapter, request, claimed, scope === 'adapter');
  const outcomes: string[] = [];
  for (const posEvent of events) {
    try {
      outcomes.push(await ingestPosEvent(posCode, posEvent, logger.child({ posCode })));
    } catch (error) {
      const unlinked = error instanceof NotFoundError && error.code === 'LOCATION_NOT_LINKED';
      if (!unlinked || adapter.unlinkedLocations !== 'ignore') throw error;
      // Another location of the same POS account: recorded by the ingest, acknowledged so it is not retried.
      outcomes.push('ignored');
    }
  }
  const count = (outcome: string) => outcomes.filter((o) => o === outcome).length;
  return json(200, {
    received: events.length,
    duplicates: count('duplicate'),
    ...(count('ignored') > 0 ? { ignored: count('ignored') } : {}),
  });
}

/**
 * The name of the location's own webhook secret, when its link names one. An unknown location has
 * none: it is verified with the adapter's secret and then refused as unlinked, as before.
 */
async function ownWebhookSecretName(posCode: string, posLocationId: string): Promise<string | undefined> {
  return (await linkOfPosLocation(posCode, posLocationId))?.posWebhookSecret;
}

/**
 * A POS that signs per location vouches for that location only: an event naming another one (or none,
 * e.g. account-wide) in a request verified for this location is not authentic for it. A request the
 * adapter's credential verified by design (`webhookCredentialScope` = `adapter`) vouches for any.
 */
function parse(adapter: PosAdapter, request: RawWebhook, claimed: string | undefined, adapterWide: boolean) {
  const events = adapter.parseWebhook(request);
  if (adapter.webhookLocationOf && !adapterWide && events.some((e) => e.posLocationId !== claimed)) {
    throw new AuthenticationError('webhook names a location it was not verified for');
  }
  return events;
}

export const handler = middy<APIGatewayProxyEventV2, HttpResult>().use(httpErrors(logger)).handler(receive);
