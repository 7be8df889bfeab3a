/** API Gateway (HTTP API, payload 2.0) helpers and the one place errors become HTTP answers. */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { BridgeError, errorBody, PayloadTooLargeError } from '../core/errors';
import { MAX_MESSAGE_BYTES } from '../core/limits';
import { errorFields, type Logger } from './logger';

export type HttpResult = APIGatewayProxyStructuredResultV2;

/** The exact bytes the sender signed: base64-decoded when API Gateway flagged the body as binary. */
export function rawBody(event: APIGatewayProxyEventV2): Buffer {
  if (!event.body) return Buffer.alloc(0);
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.length > MAX_MESSAGE_BYTES)
    throw new PayloadTooLargeError(`body of ${bytes.length} bytes exceeds ${MAX_MESSAGE_BYTES}`);
  return bytes;
}

export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const headers = event.headers ?? {};
  return headers[name] ?? headers[name.toLowerCase()];
}

export function json(statusCode: number, body: unknown): HttpResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** Middy middleware: named errors become Sinqro-style error bodies; anything else is a logged 500. */
export function httpErrors(logger: Logger): MiddlewareObj<APIGatewayProxyEventV2, HttpResult> {
  return {
    onError: async (request) => {
      const error = request.error;
      if (error instanceof BridgeError) {
        // A 5xx is the bridge's own fault (e.g. a malformed secret): an error, not a refused request.
        (error.httpStatus >= 500 ? logger.error : logger.warn).call(logger, 'request refused', {
          status: error.httpStatus,
          code: error.code,
          reason: error.message.slice(0, 200),
        });
        request.response = json(
          error.httpStatus,
          errorBody(error.httpStatus, error.code, error.message, error.details),
        );
        return;
      }
      logger.error('request failed', errorFields(error));
      request.response = json(500, errorBody(500, 'INTERNAL_ERROR', 'the event could not be accepted; retry later'));
    },
  };
}
