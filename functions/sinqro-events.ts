/**
 * EventBridge target — the same envelope as the HTTP webhook, in `detail`. Authenticity comes from the
 * bus policy (only Sinqro's account may put events). An invalid event is recorded and dropped; a
 * failure to enqueue is thrown so EventBridge retries.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { BridgeError } from './core/errors';
import { SinqroEventSchema } from './core/sinqro-schemas';
import { parseOrThrow, wholeCharacters } from './core/validation';
import { emitMetric, errorFields, Logger } from './infra/logger';
import { METRICS } from './infra/metrics';
import { ingestSinqroEvent } from './ingress/ingest';

const logger = new Logger('sinqro-events');

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<{ outcome: string }> {
  try {
    const envelope = parseOrThrow(SinqroEventSchema, wholeCharacters(event.detail, 'event detail'), 'event detail');
    return { outcome: await ingestSinqroEvent(envelope, logger) };
  } catch (error) {
    if (error instanceof BridgeError) {
      // Retrying would fail the same way: record why and let EventBridge move on.
      logger.warn('event refused', { eventBridgeId: event.id, code: error.code, reason: error.message.slice(0, 200) });
      // Sinqro believes the event was delivered: the metric's alarm is how anyone learns it was not.
      emitMetric(METRICS.sinqroEventsRefused, 1);
      return { outcome: 'refused' };
    }
    logger.error('event could not be enqueued', { eventBridgeId: event.id, ...errorFields(error) });
    throw error;
  }
}
