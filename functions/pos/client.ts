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
  // The secret the credential lives in: the restaurant's, or the one it names (a K-Series business's).
  let credentialSecret = secretName;
  const report = (error: unknown) => {
    if (error instanceof PosAuthError) reportAuthFailure(error, link, credentialSecret, logger);
  };
  const baseUrl = requireEnv(envNames.posBaseUrl(adapter.code));
  let secret = await getSecret<PosSecret>(secretName);
  let renewCredentials: (() => Promise<PosSecret>) | undefined;
  // Only a restaurant's own secret is renewed: the adapter-wide one belongs to the operators.
  if (adapter.credentials && link.posSecret) {
    const own = secret;
    const named = adapter.credentials.credentialSecretName?.(own);
    // The client sees the restaurant's settings with the shared credential over them.
    const withSettings = (credential: PosSecret): PosSecret =>
      named === undefined ? credential : { ...own, ...credential };
    const scope: CredentialScope = {
      credentials: adapter.credentials,
      posCode: adapter.code,
      link,
      secretName,
      baseUrl,
      budget,
      logger,
    };
    let credential: PosSecret;
    try {
      if (named !== undefined) {
        credentialSecret = sharedCredentialSecret(named, secretName, adapter.code);
        scope.secretName = credentialSecret;
      }
      credential = await freshSecret(scope, named === undefined ? own : await getSecret<PosSecret>(credentialSecret));
    } catch (error) {
      report(error);
      throw error;
    }
    secret = withSettings(credential);
    renewCredentials = async () => withSettings(await renewCredential(scope, credential, 'expired'));
  }
  const settings = adapterSettings(adapter.code);
  // The POS client reads the catalog map through the port: adapters never import the store.
  const inCatalog = async (ref: CatalogRef) => (await getCatalogEntry(link.restaurantId, ref)) !== undefined;
  const client = adapter.createClient({ link, secret, baseUrl, budget, renewCredentials, settings, inCatalog });
  return reportingAuthFailures(client, report);
}

/**
 * The shared credential secret a restaurant's secret names: one of the adapter's merchant secrets (under
 * its `…/pos/<code>/` prefix, where the worker may read and write), never the restaurant's own nor the
 * adapter's. A misnamed one is a configuration problem: the orders wait, alarmed, none fails.
 */
function sharedCredentialSecret(name: string, restaurantSecret: string, posCode: string): string {
  const prefix = `${requireEnv(envNames.posSecret(posCode))}/`;
  if (!name.startsWith(prefix) || name === restaurantSecret)
    throw new PosAuthError(
      `${posCode} restaurant secret names a credential secret outside ${prefix} (or itself): fix the secret`,
      posCode,
    );
  return name;
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
