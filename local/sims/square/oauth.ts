/**
 * The Square simulator's OAuth: the merchant's access tokens (the configured one, and those ObtainToken
 * issues), which of them expired, and ObtainToken itself (`POST /oauth2/token`) with the code flow's
 * `refresh_token` grant: the request checked against OpenAPI `ObtainTokenRequest` (required `client_id`
 * and `grant_type`; `client_secret` and `refresh_token` as that grant needs them; their lengths), the
 * reply shaped as `ObtainTokenResponse` (a new access token for 30 days, the same refresh token).
 */
import { randomBytes } from 'node:crypto';
import { invalid, isObject, SquareSimError } from './shapes';

export type SquareSimOAuthOptions = {
  accessToken: string;
  merchantId: string;
  /** The merchant's refresh token; without it every refresh is refused. */
  refreshToken?: string;
  /** The application's id and secret (`client_id`, `client_secret`); without them every refresh is refused. */
  applicationId?: string;
  applicationSecret?: string;
};

const ACCESS_TOKEN_DAYS = 30;

const unauthorized = (code: string, detail: string) =>
  new SquareSimError(401, [{ category: 'AUTHENTICATION_ERROR', code, detail }]);

/** `[field, minLength, maxLength]` of the ObtainTokenRequest fields the simulator reads. */
const LENGTHS: [string, number, number][] = [
  ['client_id', 1, 191],
  ['grant_type', 10, 20],
  ['client_secret', 2, 1024],
  ['refresh_token', 2, 1024],
];

export class SquareSimOAuth {
  private readonly tokens = new Map<string, { expired: boolean }>();

  constructor(private readonly opts: SquareSimOAuthOptions) {
    this.reset();
  }

  reset(): void {
    this.tokens.clear();
    this.tokens.set(this.opts.accessToken, { expired: false });
  }

  /** The API's check of a bearer token: Square's error, or undefined when the token is good. */
  check(token: string): SquareSimError | undefined {
    const known = this.tokens.get(token);
    if (!known) return unauthorized('UNAUTHORIZED', 'This request could not be authorized.');
    if (known.expired) return unauthorized('ACCESS_TOKEN_EXPIRED', 'The access token has expired.');
    return undefined;
  }

  /** `POST /_sim/oauth/expire`: every access token so far expires; the API answers ACCESS_TOKEN_EXPIRED. */
  expireAll(): { expired: number } {
    for (const token of this.tokens.values()) token.expired = true;
    return { expired: this.tokens.size };
  }

  /** ObtainToken with the `refresh_token` grant (the code flow: the same refresh token comes back). */
  obtainToken(body: unknown): Record<string, unknown> {
    if (!isObject(body)) throw invalid('INVALID_JSON', 'The request body must be a JSON object.');
    for (const field of ['client_id', 'grant_type'])
      if (body[field] === undefined || body[field] === null)
        throw invalid('MISSING_REQUIRED_PARAMETER', `Field must be set`, field);
    for (const [field, min, max] of LENGTHS) {
      const value = body[field];
      if (value === undefined || value === null) continue;
      if (typeof value !== 'string') throw invalid('EXPECTED_STRING', `Expected a string value.`, field);
      if (value.length < min) throw invalid('VALUE_TOO_SHORT', `Must be at least ${min} characters.`, field);
      if (value.length > max) throw invalid('VALUE_TOO_LONG', `Must be at most ${max} characters.`, field);
    }
    if (body.grant_type !== 'refresh_token')
      throw invalid('INVALID_VALUE', 'The simulator serves the refresh_token grant only.', 'grant_type');
    // The code flow needs the client secret with any grant; the refresh_token grant needs the token.
    for (const field of ['client_secret', 'refresh_token'])
      if (typeof body[field] !== 'string') throw invalid('MISSING_REQUIRED_PARAMETER', 'Field must be set', field);
    const { applicationId, applicationSecret, refreshToken } = this.opts;
    if (!applicationId || body.client_id !== applicationId || body.client_secret !== applicationSecret)
      throw unauthorized('UNAUTHORIZED', 'Invalid client credentials.');
    // [inferred] the answer to an unknown or revoked refresh token.
    if (!refreshToken || body.refresh_token !== refreshToken)
      throw unauthorized('UNAUTHORIZED', 'The refresh token is not valid.');
    const accessToken = `EAAAsim${randomBytes(24).toString('base64url')}`;
    this.tokens.set(accessToken, { expired: false });
    const expiresAt = new Date(Date.now() + ACCESS_TOKEN_DAYS * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_at: expiresAt,
      merchant_id: this.opts.merchantId,
      refresh_token: refreshToken,
      short_lived: false,
    };
  }
}
