/** Pushes catalog changes to Sinqro (F6). Placeholder: built in the all-features issue (#3). */
import { PermanentError } from './errors';
import type { Logger } from './logger';
import type { CatalogNews } from './messages';
import type { Budget } from './outbound';
import type { SinqroClient } from './sinqro-client';

export async function publishCatalog(
  _news: CatalogNews,
  _client: SinqroClient,
  _budget: Budget,
  _logger: Logger,
): Promise<void> {
  throw new PermanentError('catalog publishing is not built yet', 'NOT_SUPPORTED');
}
