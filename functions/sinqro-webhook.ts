/**
 * POST /sinqro/events — Sinqro's signed HTTP deliveries.
 * Verify the signature on the raw bytes → parse → validate → resolve restaurant → dedupe → enqueue.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { SinqroEventSchema } from './core/sinqro-schemas';
import { parseJsonBytes, parseOrThrow } from './core/validation';
import { envNames, requireEnv } from './infra/env';
import { type HttpResult, header, httpErrors, json, rawBody } from './infra/http';
import { Logger } from './infra/logger';
import { webhookSigningSecrets } from './infra/secrets';
import { verifySignature } from './infra/signature';
import { ingestSinqroEvent } from './ingress/ingest';

export const SIGNATURE_HEADER = 'x-sinqro-signature';
const logger = new Logger('sinqro-webhook');

async function receive(event: APIGatewayProxyEventV2): Promise<HttpResult> {
  const body = rawBody(event);
  const keys = await webhookSigningSecrets(requireEnv(envNames.sinqroWebhookSecret));
  verifySignature(header(event, SIGNATURE_HEADER), body, keys);
  const envelope = parseOrThrow(SinqroEventSchema, parseJsonBytes(body, 'event body'), 'event');
  const outcome = await ingestSinqroEvent(envelope, logger);
  return json(outcome === 'duplicate' ? 200 : 202, { id: envelope.id, outcome });
}

export const handler = middy<APIGatewayProxyEventV2, HttpResult>().use(httpErrors(logger)).handler(receive);
