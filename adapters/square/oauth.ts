/**
 * Renewing a merchant's OAuth access token (they expire after 30 days) with Square's ObtainToken,
 * `POST /oauth2/token` with the `refresh_token` grant (Square OpenAPI `ObtainTokenRequest` /
 * `ObtainTokenResponse`). The application's id and secret come from the adapter's own secret
 * (`applicationId`, `applicationSecret`); the merchant's `accessToken`, `refreshToken` and `expiresAt`
 * from its secret, to which the new values are written back.
 */
import * as v from 'valibot';
import { PermanentError, PosAuthError } from '../../functions/core/errors';
import { nonEmptyText as text } from '../../functions/core/text';
import { call, createHttpClient } from '../../functions/infra/outbound';
import { storedOAuthPair } from '../oauth-pair';
import type { PosCredentials, PosSecret } from '../port';
import { SQUARE_VERSION } from './api';
import { parseSquareError } from './client';

const TIMEOUT_MS = 8000;

/** ObtainTokenResponse: the fields the bridge stores (`refresh_token` is the same one with the code flow). */
const ObtainTokenReplySchema = v.looseObject({
  access_token: v.pipe(v.string(), v.minLength(2), v.maxLength(1024)),
  expires_at: v.pipe(v.string(), v.isoTimestamp()),
  refresh_token: v.optional(v.pipe(v.string(), v.minLength(2), v.maxLength(1024))),
});

export const squareCredentials: PosCredentials = {
  ...storedOAuthPair,

  async renew({ secret, appSecret, baseUrl, budget, posCode }): Promise<PosSecret> {
    const clientId = text(appSecret.applicationId);
    const clientSecret = text(appSecret.applicationSecret);
    // A configuration problem: alarmed and retried (the order waits), never a failed order.
    if (!clientId || !clientSecret)
      throw new PosAuthError('Square secret has no applicationId / applicationSecret: cannot renew tokens', posCode);
    const http = createHttpClient({
      prefixUrl: baseUrl,
      timeoutMs: TIMEOUT_MS,
      headers: { 'square-version': SQUARE_VERSION, accept: 'application/json' },
    });
    let reply: unknown;
    try {
      reply = await call<unknown>(http, 'oauth2/token', {
        method: 'post',
        json: {
          client_id: clientId,
          client_secret: clientSecret,
          grant_type: 'refresh_token',
          refresh_token: text(secret.refreshToken),
        },
        budget,
        timeoutMs: TIMEOUT_MS,
        service: 'square',
        posCode,
        parseError: parseSquareError,
      });
    } catch (error) {
      // e.g. 400 for a revoked refresh token: someone must authorize the bridge again; until then orders wait.
      if (error instanceof PermanentError)
        throw Object.assign(new PosAuthError(`Square ObtainToken refused: ${error.message}`, posCode), {
          remote: error.remote,
        });
      throw error;
    }
    const parsed = v.safeParse(ObtainTokenReplySchema, reply);
    if (!parsed.success) throw new PosAuthError('Square ObtainToken answered without a usable access token', posCode);
    return {
      ...secret,
      accessToken: parsed.output.access_token,
      refreshToken: parsed.output.refresh_token ?? secret.refreshToken,
      expiresAt: new Date(parsed.output.expires_at).toISOString(),
    };
  },
};
