/** Pushes temporary closures (F7) and schedules (F8) to Sinqro. Placeholder: built in the all-features issue (#3). */
import { PermanentError } from './errors';
import type { Logger } from './logger';
import type { ClosureNews, ScheduleNews } from './messages';
import type { Budget } from './outbound';
import type { SinqroClient } from './sinqro-client';

export async function publishHours(
  _news: ClosureNews | ScheduleNews,
  _client: SinqroClient,
  _budget: Budget,
  _logger: Logger,
): Promise<void> {
  throw new PermanentError('closure and schedule publishing is not built yet', 'NOT_SUPPORTED');
}
