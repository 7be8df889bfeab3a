/** Everything for Sinqro goes through the to-sinqro queue; only the publisher calls Sinqro. */
import { envNames, requireEnv } from './env';
import type { PublishMessage } from './messages';
import { enqueue } from './queue';

export async function sendToSinqro(news: PublishMessage, attributes: Record<string, string> = {}): Promise<void> {
  await enqueue(requireEnv(envNames.toSinqroQueue), news, { type: news.type, ...attributes });
}
