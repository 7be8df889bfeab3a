/**
 * POST /{posCode}/webhooks/{any+} — a POS's webhooks. The adapter named by the path verifies the
 * request on its raw bytes and parses it; this handler resolves the restaurant, dedupes and enqueues.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { PosSecret } from '../adapters/port';
import { findAdapter } from '../adapters/registry';
import { adapterSettings, envNames, requireEnv } from './shared/env';
import { NotFoundError } from './shared/errors';
import { type HttpResult, httpErrors, json, rawBody } from './shared/http';
import { ingestPosEvent } from './shared/ingest';
import { Logger } from './shared/logger';
import { getSecret, signingSecretsOf } from './shared/secrets';

const logger = new Logger('pos-webhook');

async function receive(event: APIGatewayProxyEventV2): Promise<HttpResult> {
  const posCode = event.pathParameters?.posCode ?? '';
  const adapter = findAdapter(posCode);
  if (!adapter) throw new NotFoundError(`no POS adapter is registered for "${posCode.slice(0, 40)}"`, 'UNKNOWN_POS');
  const request = { path: event.rawPath, rawBody: rawBody(event), headers: event.headers ?? {} };
  const secretName = requireEnv(envNames.posSecret(posCode));
  const secret = await getSecret<PosSecret>(secretName);
  // Checked here for every adapter: an empty key in the list would verify anyone's signature.
  adapter.verifyWebhook(
    request,
    { ...secret, webhookSigningSecrets: signingSecretsOf(secret, secretName) },
    adapterSettings(posCode),
  );
  const events = adapter.parseWebhook(request);
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

export const handler = middy<APIGatewayProxyEventV2, HttpResult>().use(httpErrors(logger)).handler(receive);
