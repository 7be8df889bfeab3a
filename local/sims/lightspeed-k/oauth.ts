/**
 * OAuth 2.0 of the K-Series simulator: the authorization-code flow's tokens, per business.
 *
 * The spec declares only the flow (`securitySchemes.OAuth2.flows.authorizationCode`, `tokenUrl: /oauth/token`,
 * the scopes). Lightspeed's portal adds (api-portal.lsk.lightspeed.app, Authorization FAQ and Authentication
 * Tutorial): access tokens last 60 minutes, refresh tokens 14 days and **can only be used once**; the client
 * authenticates with `Authorization: Basic base64(client_id:client_secret)` and sends `grant_type`, `code`,
 * `redirect_uri` (or `refresh_token`) as form parameters. What a refused request gets is not documented: the
 * simulator answers as RFC 6749 §5.2 says ([inferred]): 401 `invalid_client` for bad client credentials, 400
 * `invalid_grant` for a code or refresh token that is unknown, expired or already used, 400
 * `unsupported_grant_type`, 400 `invalid_request`. A refused access token: 401 with
 * `WWW-Authenticate: Bearer error="invalid_token"` and a body of the same words ([inferred]).
 */
import { randomBytes } from 'node:crypto';
import { LskHttpError } from './errors';

export type LskGrant = { businessId: number; scopes: string[] };
type Issued = LskGrant & { expiresAt: number; expired?: boolean };
type Refresh = LskGrant & { expiresAt: number; used: boolean };

export type LskOAuthOptions = {
  clientId: string;
  clientSecret: string;
  /** Per business: the pair it starts with (as from an authorization-code exchange), and a code it may exchange once. */
  businesses: {
    businessId: number;
    accessToken: string;
    refreshToken: string;
    authorizationCode?: string;
    scopes: string[];
  }[];
  /** Access token lifetime (Lightspeed: 60 minutes). */
  accessTokenSeconds?: number;
  now?: () => number;
};

const REFRESH_DAYS = 14;
const oauthError = (status: number, error: string, description: string) =>
  new LskHttpError(status, { error, error_description: description });
const newToken = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;

export class LskOAuth {
  private readonly access = new Map<string, Issued>();
  private readonly refresh = new Map<string, Refresh>();
  private readonly codes = new Map<string, LskGrant>();
  /** Refresh tokens presented again after their one use (tests assert the bridge never does this). */
  reusedRefreshTokens = 0;
  private readonly now: () => number;

  constructor(private readonly opts: LskOAuthOptions) {
    this.now = opts.now ?? Date.now;
    this.reset();
  }

  private get accessMs() {
    return (this.opts.accessTokenSeconds ?? 3600) * 1000;
  }

  reset(): void {
    this.access.clear();
    this.refresh.clear();
    this.codes.clear();
    this.reusedRefreshTokens = 0;
    for (const b of this.opts.businesses) {
      const grant = { businessId: b.businessId, scopes: b.scopes };
      this.access.set(b.accessToken, { ...grant, expiresAt: this.now() + this.accessMs });
      this.refresh.set(b.refreshToken, { ...grant, expiresAt: this.now() + REFRESH_DAYS * 86_400_000, used: false });
      if (b.authorizationCode) this.codes.set(b.authorizationCode, grant);
    }
  }

  /** The grant behind `Authorization: Bearer …`, or the 401 it gets. */
  authenticate(authorization: string | undefined): LskGrant {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : undefined;
    const issued = token ? this.access.get(token) : undefined;
    if (!issued) throw this.invalidToken('The access token is missing or unknown.');
    if (issued.expired || issued.expiresAt <= this.now()) throw this.invalidToken('The access token expired.');
    return { businessId: issued.businessId, scopes: issued.scopes };
  }

  private invalidToken(description: string): LskHttpError {
    return new LskHttpError(
      401,
      { error: 'invalid_token', error_description: description },
      { 'www-authenticate': `Bearer error="invalid_token", error_description="${description}"` },
    );
  }

  /** `POST /_sim/oauth/expire`: every access token issued so far expires now (the API answers 401). */
  expireAll(): { expired: number } {
    for (const issued of this.access.values()) issued.expired = true;
    return { expired: this.access.size };
  }

  /** `POST /oauth/token`: the `authorization_code` and `refresh_token` grants. */
  token(authorization: string | undefined, params: URLSearchParams): Record<string, unknown> {
    this.authenticateClient(authorization, params);
    const grantType = params.get('grant_type');
    if (grantType === 'authorization_code') return this.exchangeCode(params);
    if (grantType === 'refresh_token') return this.refreshGrant(params);
    if (!grantType) throw oauthError(400, 'invalid_request', 'grant_type is required.');
    throw oauthError(400, 'unsupported_grant_type', `grant_type ${grantType} is not supported.`);
  }

  /** Basic auth as Lightspeed documents it, or (RFC 6749 §2.3.1) client_id and client_secret as parameters. */
  private authenticateClient(authorization: string | undefined, params: URLSearchParams): void {
    let id = params.get('client_id');
    let secret = params.get('client_secret');
    if (authorization?.startsWith('Basic ')) {
      const decoded = Buffer.from(authorization.slice('Basic '.length), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      id = decoded.slice(0, colon);
      secret = decoded.slice(colon + 1);
    }
    if (id !== this.opts.clientId || secret !== this.opts.clientSecret)
      throw oauthError(401, 'invalid_client', 'Client authentication failed.');
  }

  private exchangeCode(params: URLSearchParams): Record<string, unknown> {
    const code = params.get('code');
    if (!code) throw oauthError(400, 'invalid_request', 'code is required.');
    const grant = this.codes.get(code);
    if (!grant) throw oauthError(400, 'invalid_grant', 'The authorization code is invalid or was already used.');
    this.codes.delete(code);
    return this.issue(grant);
  }

  /** Refresh tokens are single-use: the one presented is spent, a new pair is issued. */
  private refreshGrant(params: URLSearchParams): Record<string, unknown> {
    const token = params.get('refresh_token');
    if (!token) throw oauthError(400, 'invalid_request', 'refresh_token is required.');
    const known = this.refresh.get(token);
    if (known?.used) this.reusedRefreshTokens += 1;
    if (!known || known.used || known.expiresAt <= this.now())
      throw oauthError(400, 'invalid_grant', 'The refresh token is invalid, expired or was already used.');
    known.used = true;
    return this.issue(known);
  }

  private issue(grant: LskGrant): Record<string, unknown> {
    const accessToken = newToken('lskat_');
    const refreshToken = newToken('lskrt_');
    const clean = { businessId: grant.businessId, scopes: grant.scopes };
    this.access.set(accessToken, { ...clean, expiresAt: this.now() + this.accessMs });
    this.refresh.set(refreshToken, { ...clean, expiresAt: this.now() + REFRESH_DAYS * 86_400_000, used: false });
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: Math.round(this.accessMs / 1000),
      refresh_token: refreshToken,
      scope: grant.scopes.join(' '),
    };
  }
}
