/** A ready POS client for one restaurant: its link, the adapter's (or the restaurant's own) secret, the stage's base URL. */
import type { PosAdapter, PosClient, PosSecret } from '../../adapters/port';
import { envNames, requireEnv } from './env';
import { PermanentError } from './errors';
import { linkOf } from './link-cache';
import type { Budget } from './outbound';
import { getSecret } from './secrets';

export async function posClient(
  restaurantId: number,
  ctx: { adapter: PosAdapter; budget: Budget },
): Promise<PosClient> {
  const link = await linkOf(restaurantId);
  if (!link) throw new PermanentError(`restaurant ${restaurantId} is no longer linked`, 'RESTAURANT_NOT_LINKED');
  const secretName = link.posSecret ?? requireEnv(envNames.posSecret(ctx.adapter.code));
  return ctx.adapter.createClient({
    link,
    secret: await getSecret<PosSecret>(secretName),
    baseUrl: requireEnv(envNames.posBaseUrl(ctx.adapter.code)),
    budget: ctx.budget,
  });
}
