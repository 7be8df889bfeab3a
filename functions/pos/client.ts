/**
 * A ready POS client for one restaurant: its link, the adapter's (or the restaurant's own) secret, the
 * stage's base URL, and the restaurant's catalog map to look entities up in.
 */
import type { PosAdapter, PosClient, PosSecret } from '../../adapters/port';
import type { CatalogRef } from '../core/catalog-model';
import { PermanentError, PosAuthError } from '../core/errors';
import type { RestaurantLink } from '../core/records';
import { adapterSettings, envNames, requireEnv } from '../infra/env';
import { emitMetric, Logger } from '../infra/logger';
import { METRICS } from '../infra/metrics';
import type { Budget } from '../infra/outbound';
import { getSecret } from '../infra/secrets';
import { getCatalogEntry } from '../store/catalog-map';
import { linkOf } from '../store/link-cache';
import { type CredentialScope, freshSecret, renewCredential } from './credentials';

export async function posClient(
  restaurantId: number,
  ctx: { adapter: PosAdapter; budget: Budget; logger?: Logger },
): Promise<PosClient> {
  const link = await linkOf(restaurantId);
  if (!link) throw new PermanentError(`restaurant ${restaurantId} is no longer linked`, 'RESTAURANT_NOT_LINKED');
  const { adapter, budget } = ctx;
  const logger = ctx.logger ?? new Logger(`${adapter.code}-worker`);
  const secretName = link.posSecret ?? requireEnv(envNames.posSecret(adapter.code));
  const report = (error: unknown) => {
    if (error instanceof PosAuthError) reportAuthFailure(error, link, secretName, logger);
  };
  const baseUrl = requireEnv(envNames.posBaseUrl(adapter.code));
  let secret = await getSecret<PosSecret>(secretName);
  let renewCredentials: (() => Promise<PosSecret>) | undefined;
  // Only a restaurant's own secret is renewed: the adapter-wide one belongs to the operators.
  if (adapter.credentials && link.posSecret) {
    const scope: CredentialScope = {
      credentials: adapter.credentials,
      posCode: adapter.code,
      link,
      secretName,
      baseUrl,
      budget,
      logger,
    };
    try {
      secret = await freshSecret(scope, secret);
    } catch (error) {
      report(error);
      throw error;
    }
    const current = secret;
    renewCredentials = () => renewCredential(scope, current, 'expired');
  }
  const settings = adapterSettings(adapter.code);
  // The POS client reads the catalog map through the port: adapters never import the store.
  const inCatalog = async (ref: CatalogRef) => (await getCatalogEntry(link.restaurantId, ref)) !== undefined;
  const client = adapter.createClient({ link, secret, baseUrl, budget, renewCredentials, settings, inCatalog });
  return reportingAuthFailures(client, report);
}

/**
 * The one place a refused credential is reported, whatever the call (inject, cancel, poll, catalog,
 * hours): a log line naming the restaurant and the POS (never the credential) and the alarmed metric.
 */
function reportAuthFailure(error: PosAuthError, link: RestaurantLink, secretName: string, logger: Logger): void {
  logger.error('POS refused the credential: the message is retried; renew or fix the secret (docs/operations.md)', {
    restaurantId: link.restaurantId,
    posCode: error.posCode,
    status: error.remote?.status,
    code: error.remote?.code,
    secretName,
  });
  emitMetric(METRICS.posAuthFailures, 1, 'Count', { PosCode: error.posCode });
}

/** Every method of the client, reporting a PosAuthError on its way out. */
function reportingAuthFailures(client: PosClient, report: (error: unknown) => void): PosClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await value.apply(target, args);
        } catch (error) {
          report(error);
          throw error;
        }
      };
    },
  });
}
