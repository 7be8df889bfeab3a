/**
 * K-Series OAuth2 (authorization code, one grant per business): access tokens last 60 minutes and
 * refresh tokens can be used once (api-portal.lsk.lightspeed.app, "Authorization FAQ"). The bridge
 * renews a business's token at `POST /oauth/token` (the spec's `tokenUrl`) with the `refresh_token`
 * grant, the application's client id and secret in HTTP Basic and the form-encoded body of RFC 6749
 * §6 [the request encoding is unverified: the spec gives the URL only]. functions/pos/credentials.ts
 * makes one worker at a time renew one business (a lease), writes the new pair back before anyone can
 * use the spent refresh token again, and renews five minutes ahead of expiry. A business with several
 * linked locations keeps its pair in one secret of its own, which each location's secret names
 * (`oauthSecret`): one pair and one lease for all of them (docs/lightspeed-k.md, OAuth).
 */
import * as v from 'valibot';
import { PermanentError, PosAuthError } from '../../functions/core/errors';
import { nonEmptyText as text } from '../../functions/core/text';
import { call, createHttpClient } from '../../functions/infra/outbound';
import { storedOAuthPair } from '../oauth-pair';
import type { PosCredentials, PosSecret } from '../port';
import { LSK_PATHS, TokenReplySchema } from './api';
import { parseLskError } from './errors';

const TIMEOUT_MS = 8000;
/** Renewed this long before the hour is up: a worker never starts a call with a token about to lapse. */
export const LSK_RENEW_MARGIN_MS = 5 * 60_000;

export const lskCredentials: PosCredentials = {
  renewMarginMs: LSK_RENEW_MARGIN_MS,

  ...storedOAuthPair,

  /**
   * A location's secret may name its business's OAuth secret (`oauthSecret`) instead of holding the
   * pair: one grant and one single-use refresh token per business, shared by all its linked locations.
   */
  credentialSecretName(secret) {
    return text(secret.oauthSecret);
  },

  async renew({ secret, appSecret, baseUrl, budget, posCode }): Promise<PosSecret> {
    const clientId = text(appSecret.clientId);
    const clientSecret = text(appSecret.clientSecret);
    // A configuration problem: alarmed and retried (the order waits), never a failed order.
    if (!clientId || !clientSecret)
      throw new PosAuthError('K-Series secret has no clientId / clientSecret: cannot renew tokens', posCode);
    const http = createHttpClient({
      prefixUrl: baseUrl,
      timeoutMs: TIMEOUT_MS,
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64')}`,
        accept: 'application/json',
      },
    });
    const startedAt = Date.now();
    let reply: unknown;
    try {
      reply = await call<unknown>(http, LSK_PATHS.token, {
        method: 'post',
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: text(secret.refreshToken) ?? '' }),
        budget,
        timeoutMs: TIMEOUT_MS,
        service: 'lightspeed-k',
        posCode,
        parseError: parseLskError,
      });
    } catch (error) {
      // 400 invalid_grant: a spent, expired (14 days unused) or revoked refresh token. Someone must
      // authorize the bridge again; until then the orders wait (alarmed), none fails.
      if (error instanceof PermanentError)
        throw Object.assign(new PosAuthError(`K-Series token renewal refused: ${error.message}`, posCode), {
          remote: error.remote,
        });
      throw error;
    }
    const parsed = v.safeParse(TokenReplySchema, reply);
    if (!parsed.success)
      throw new PosAuthError('K-Series token renewal answered without a usable access token', posCode);
    return {
      ...secret,
      accessToken: parsed.output.access_token,
      // Single use: the old one is spent now. A reply without a new one leaves the old in place [unverified].
      refreshToken: parsed.output.refresh_token ?? secret.refreshToken,
      expiresAt: new Date(startedAt + parsed.output.expires_in * 1000).toISOString(),
    };
  },
};
