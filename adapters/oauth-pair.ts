import { nonEmptyText as text } from '../functions/core/text';
import type { PosCredentials } from './port';

/**
 * How a merchant secret holding an OAuth pair says when its access token expires (`expiresAt`, ISO)
 * and whether it can be renewed (a `refreshToken`): the fields every renewing adapter stores.
 */
export const storedOAuthPair: Pick<PosCredentials, 'expiresAt' | 'canRenew'> = {
  expiresAt(secret) {
    const at = text(secret.expiresAt);
    const ms = at === undefined ? Number.NaN : Date.parse(at);
    return Number.isFinite(ms) ? ms : undefined;
  },
  canRenew(secret) {
    return text(secret.refreshToken) !== undefined;
  },
};
