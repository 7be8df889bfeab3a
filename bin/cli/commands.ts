/**
 * The commands that act on a bridge. Imported only after the target's environment is in place, so
 * the store's and the queues' clients are created against the right endpoints. Secrets are handled
 * by name only, and nothing personal is printed: orders show ids, codes and statuses; dead-lettered
 * messages show their type and ids.
 */
import { readFileSync } from 'node:fs';
import {
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { effectiveCapabilities, supports } from '../../adapters/capabilities';
import type { PosAdapter } from '../../adapters/port';
import { getSyncReport, requestCatalogSync } from '../../functions/catalog/sync';
import type { RestaurantLink } from '../../functions/core/records';
import { AWS_CLIENT_CONFIG } from '../../functions/infra/aws-clients';
import { adapterSettings } from '../../functions/infra/env';
import { audit, listAudit } from '../../functions/store/audit';
import { SYNC_METRICS } from '../../functions/store/catalog-map';
import { deleteLink, findLinkByPosLocation, getLink, listLinks, putLink } from '../../functions/store/links';
import { getOrder } from '../../functions/store/orders';
import { keys } from '../../functions/store/table';
import { posWebhookSecretName, restaurantPosSecretsPrefix, restaurantSecretsPrefix } from '../../lib/stage-config';
import { adapterArg, CliError, type Invocation, idArg, locationArg, secondsArg, UsageError } from './args';
import { fieldsText, messageSummary, table } from './format';
import type { QueueInfo, Target } from './target';

export type Io = { out: (line: string) => void; err: (line: string) => void };
/** How often a long command checks progress (tests shorten it). */
export type Pace = { pollMs: number };

// The functions' timeouts: a DLQ look or a redrive that never answers fails instead of hanging the command.
const sqs = new SQSClient(AWS_CLIENT_CONFIG);

export async function runCommand(
  inv: Invocation,
  target: Target,
  io: Io,
  pace: Pace = { pollMs: 1000 },
): Promise<number> {
  switch (inv.command) {
    case 'link':
      return link(inv, target, io);
    case 'unlink':
      return unlink(inv, io);
    case 'restaurants':
      return restaurants(inv, io);
    case 'reindex-links':
      return reindexLinks(io);
    case 'sync-catalog':
      return syncCatalog(inv, io, pace);
    case 'order':
      return order(inv, io);
    case 'dlq':
      return dlq(target, io);
    case 'redrive':
      return redrive(inv, target, io);
    case 'report':
      throw new Error('report runs without a target');
  }
}

// ---- link / unlink / restaurants ----

async function link(inv: Invocation, target: Target, io: Io): Promise<number> {
  const restaurantId = idArg('restaurantId', inv.args.restaurantId);
  const adapter = adapterArg(inv.args.posCode);
  const posLocationId = locationArg(inv.args.posLocationId);
  const tokenPrefix = restaurantSecretsPrefix(target.stageName);
  const posPrefix = restaurantPosSecretsPrefix(target.stageName, adapter.code);
  const tokenSecret = optionText(inv, 'token-secret') ?? `${tokenPrefix}/${restaurantId}`;
  const posSecret = optionText(inv, 'pos-secret');
  const posWebhookSecret = webhookSecretOption(inv, adapter, target.stageName);
  // The POS account the location belongs to (Square: merchant id), for webhooks that name no location.
  const posAccount = optionText(inv, 'pos-account');
  if (posAccount !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(posAccount))
    throw new UsageError(
      `--pos-account must be the POS's account id (letters, digits, - and _), got "${posAccount}"`,
      'link',
    );
  // The functions may read only these prefixes (lib/bind.ts): any other name would fail at the first order.
  if (!tokenSecret.startsWith(`${tokenPrefix}/`))
    throw new UsageError(`--token-secret must be a secret name under ${tokenPrefix}/, got "${tokenSecret}"`, 'link');
  if (posSecret !== undefined && !posSecret.startsWith(`${posPrefix}/`))
    throw new UsageError(`--pos-secret must be a secret name under ${posPrefix}/, got "${posSecret}"`, 'link');

  const holder = await findLinkByPosLocation(adapter.code, posLocationId);
  if (holder && holder.restaurantId !== restaurantId)
    throw new CliError(
      `POS location ${adapter.code}/${posLocationId} is already linked to restaurant ${holder.restaurantId}: unlink it first`,
    );
  const existing = await getLink(restaurantId);
  await putLink({
    restaurantId,
    posCode: adapter.code,
    posLocationId,
    sinqroTokenSecret: tokenSecret,
    ...(posSecret ? { posSecret } : {}),
    ...(posWebhookSecret ? { posWebhookSecret } : {}),
    ...(posAccount ? { posAccountId: posAccount } : {}),
    enabled: true,
    createdAt: existing?.createdAt ?? new Date().toISOString(),
  });
  await audit(keys.link(restaurantId).PK, {
    what: existing ? 'relink' : 'link',
    source: 'operator',
    outcome: 'linked',
    code: `${adapter.code}/${posLocationId}`,
  });
  io.out(
    `${existing ? 'updated' : 'linked'}: restaurant ${restaurantId} → ${adapter.code} location ${posLocationId} (Sinqro token secret ${tokenSecret}${posSecret ? `, POS secret ${posSecret}` : ''}${posWebhookSecret ? `, webhook secret ${posWebhookSecret}` : ''})`,
  );
  for (const name of [tokenSecret, posSecret, posWebhookSecret]) {
    if (name && target.secretsFile && !secretNamesIn(target.secretsFile).includes(name))
      io.err(`warning: secret ${name} is not in ${target.secretsFile}: add it before this restaurant's first order`);
  }
  return 0;
}

async function unlink(inv: Invocation, io: Io): Promise<number> {
  const restaurantId = idArg('restaurantId', inv.args.restaurantId);
  const existing = await requireLink(restaurantId);
  await deleteLink(restaurantId);
  await audit(keys.link(restaurantId).PK, {
    what: 'unlink',
    source: 'operator',
    outcome: 'unlinked',
    code: `${existing.posCode}/${existing.posLocationId}`,
  });
  io.out(`unlinked: restaurant ${restaurantId} (was ${existing.posCode} location ${existing.posLocationId})`);
  return 0;
}

async function restaurants(inv: Invocation, io: Io): Promise<number> {
  const links = await listLinks();
  if (inv.options.json) {
    io.out(JSON.stringify(links, null, 2));
    return 0;
  }
  if (links.length === 0) {
    io.out('no restaurant is linked');
    return 0;
  }
  for (const line of table(
    [
      'restaurant',
      'pos',
      'location',
      'enabled',
      'sinqro token secret',
      'pos secret',
      'pos webhook secret',
      'linked at',
    ],
    links.map((l) => [
      l.restaurantId,
      l.posCode,
      l.posLocationId,
      l.enabled ? 'yes' : 'no',
      l.sinqroTokenSecret,
      l.posSecret ?? '-',
      l.posWebhookSecret ?? '-',
      l.createdAt,
    ]),
  ))
    io.out(line);
  return 0;
}

/**
 * Writes every listed restaurant's link and list entry again, from the link item: once after upgrading
 * to a version that indexes the entries (a Square link's under its merchant, which the catalog webhook
 * looks up). Repeating it changes nothing. A list entry without a link item (the store never leaves one:
 * it writes the link first and deletes it last) is named and left alone.
 */
async function reindexLinks(io: Io): Promise<number> {
  let rewritten = 0;
  for (const { restaurantId } of await listLinks()) {
    const link = await getLink(restaurantId);
    if (!link) {
      io.err(`restaurant ${restaurantId} is in the restaurants list but has no link item: left as it is`);
      continue;
    }
    await putLink(link);
    rewritten += 1;
  }
  io.out(`reindexed ${rewritten} link${rewritten === 1 ? '' : 's'}`);
  return 0;
}

async function requireLink(restaurantId: number): Promise<RestaurantLink> {
  const link = await getLink(restaurantId);
  if (!link) throw new CliError(`restaurant ${restaurantId} is not linked`);
  return link;
}

const optionText = (inv: Invocation, name: 'token-secret' | 'pos-secret' | 'pos-webhook-secret' | 'pos-account') => {
  const value = inv.options[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * `--pos-webhook-secret`: the location's own webhook signing secrets, for a POS that signs per location,
 * under the adapter's webhook secret (the only secrets pos-webhook may read: docs/operations.md).
 */
function webhookSecretOption(inv: Invocation, adapter: PosAdapter, stageName: string): string | undefined {
  const name = optionText(inv, 'pos-webhook-secret');
  if (name === undefined) return undefined;
  if (!adapter.webhookLocationOf)
    throw new UsageError(
      `${adapter.code} verifies every location's webhooks with its adapter-wide secret: --pos-webhook-secret does not apply`,
      'link',
    );
  const prefix = posWebhookSecretName(stageName, adapter.code);
  if (!name.startsWith(`${prefix}/`))
    throw new UsageError(`--pos-webhook-secret must be a secret name under ${prefix}/, got "${name}"`, 'link');
  return name;
}

function secretNamesIn(file: string): string[] {
  try {
    return Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object);
  } catch {
    return [];
  }
}

// ---- sync-catalog ----

const COUNT_NAMES = SYNC_METRICS;

async function syncCatalog(inv: Invocation, io: Io, pace: Pace): Promise<number> {
  const restaurantId = idArg('restaurantId', inv.args.restaurantId);
  const timeoutSeconds = secondsArg('timeout', inv.options.timeout, 900);
  const link = await requireLink(restaurantId);
  const adapter = adapterArg(link.posCode);
  const caps = effectiveCapabilities(adapter, adapterSettings(adapter.code));
  if (!supports(caps, 'F6')) {
    const reason = caps.orders.F6.mechanism === 'unsupported' ? caps.orders.F6.reason : 'not supported';
    throw new CliError(`${adapter.code} does not send its catalog to Sinqro (F6): ${reason}`);
  }
  const mode = inv.options.full ? 'full' : 'incremental';
  const started = Date.now();
  const syncId = await requestCatalogSync(restaurantId, adapter.code, mode, 'operator');
  io.out(`${mode} catalog sync ${syncId} of restaurant ${restaurantId} (${adapter.code}) requested`);
  let last = '';
  for (;;) {
    const report = await getSyncReport(restaurantId, syncId);
    const elapsed = `${Math.round((Date.now() - started) / 1000)} s`;
    if (report) {
      const line = `${COUNT_NAMES.map((n) => `${n} ${report.totals[n]}`).join(', ')}; Sinqro accepted ${report.sinqro.upsertsAccepted} upserts, ${report.sinqro.deletesAccepted} deletes`;
      // Finished when every page was read and Sinqro took every change, or when the sync stopped on a failure.
      const finished = report.settled || report.failure !== undefined;
      if (line !== last || finished) io.out(`  ${elapsed.padStart(5)}  ${line}`);
      last = line;
      if (finished) return syncDone(report, io);
    } else if (last === '') {
      io.out('  waiting for the worker to start it…');
      last = 'waiting';
    }
    if (Date.now() - started > timeoutSeconds * 1000)
      throw new CliError(`sync ${syncId} is not done after ${timeoutSeconds} s: it goes on in the background`);
    await new Promise((r) => setTimeout(r, pace.pollMs));
  }
}

function syncDone(report: NonNullable<Awaited<ReturnType<typeof getSyncReport>>>, io: Io): number {
  io.out(report.failure ? `stopped: ${report.failure}` : 'done:');
  for (const line of table(
    ['entity type', ...COUNT_NAMES],
    Object.entries(report.counts).map(([type, c]) => [type, ...COUNT_NAMES.map((n) => c[n])]),
  ))
    io.out(`  ${line}`);
  if (report.errors.length > 0) {
    io.out(`${report.errorCount} entit${report.errorCount === 1 ? 'y was' : 'ies were'} rejected:`);
    for (const e of report.errors.slice(0, 50)) io.out(`  ${e.type ?? '?'} ${e.posId ?? '?'}: ${e.error}`);
    if (report.errorCount > 50) io.out(`  … and ${report.errorCount - 50} more`);
  }
  return report.failure ? 1 : 0;
}

// ---- order ----

async function order(inv: Invocation, io: Io): Promise<number> {
  const orderId = idArg('sinqroId', inv.args.sinqroId);
  // Sinqro numbers orders and reservations apart: the same id may name one of each.
  const kind = inv.options.reservation ? 'reservation' : 'order';
  const state = await getOrder(kind, orderId);
  if (!state) throw new CliError(`${kind} ${orderId} is not known to the bridge`);
  const timeline = (await listAudit(keys.order(kind, orderId).PK)).sort((a, b) => a.at.localeCompare(b.at));
  // A FAILED order's reason is the bridge's own; other reasons may be text typed by staff or a consumer.
  const { lastError, ...rest } = state;
  const reason = state.status === 'FAILED' ? lastError : undefined;
  const shown = reason ? { ...rest, lastError: reason } : rest;
  if (inv.options.json) {
    io.out(JSON.stringify({ state: shown, timeline }, null, 2));
    return 0;
  }
  io.out(`${state.kind} ${orderId} (${state.orderType}) of restaurant ${state.restaurantId} via ${state.posCode}`);
  for (const line of table(
    ['field', 'value'],
    [
      ['status', `${state.status}${state.isFinal ? ' (final)' : ''}`],
      ['pos order', state.posOrderId ?? '-'],
      ['attempts', state.attempts],
      ['last change', `${state.sourceTs} by ${state.source}`],
      ['updated', state.updatedAt],
      ...(reason ? [['reason', reason] as [string, string]] : []),
    ],
  ).slice(1))
    io.out(`  ${line}`);
  io.out('timeline:');
  for (const line of table(
    ['at', 'what', 'source', 'status', 'outcome', 'sinqro', 'code', 'detail'],
    timeline.map((e) => [e.at, e.what, e.source, e.status, e.outcome, e.sinqro, e.code, e.detail]),
  ))
    io.out(`  ${line}`);
  return 0;
}

// ---- dlq / redrive ----

async function depthOf(url: string): Promise<{ visible: number; inFlight: number; arn: string }> {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
  const a = out.Attributes ?? {};
  return {
    visible: Number(a.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
    arn: a.QueueArn ?? '',
  };
}

const PEEK = 10;

async function dlq(target: Target, io: Io): Promise<number> {
  for (const q of target.queues) {
    const depth = await depthOf(q.dlqUrl);
    const total = depth.visible + depth.inFlight;
    const name = q.dlqUrl.split('/').pop();
    io.out(
      `${q.name} (${q.description}) — DLQ ${name}: ${total} message${total === 1 ? '' : 's'}${depth.inFlight ? ` (${depth.inFlight} being read)` : ''}${q.redrivable ? '' : ' — replay by hand, see docs/operations.md'}`,
    );
    if (depth.visible === 0) continue;
    // Visibility 0: a look that leaves the messages where they are.
    const peeked = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: q.dlqUrl,
        MaxNumberOfMessages: PEEK,
        VisibilityTimeout: 0,
        MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
      }),
    );
    const rows = (peeked.Messages ?? []).map((m: Message) => [
      m.MessageId,
      m.Attributes?.SentTimestamp ? new Date(Number(m.Attributes.SentTimestamp)).toISOString() : '',
      fieldsText(messageSummary(m.Body ?? '')),
    ]);
    for (const line of table(['message id', 'sent', 'type and ids'], rows)) io.out(`  ${line}`);
    if (total > rows.length) io.out(`  … and ${total - rows.length} more`);
  }
  return 0;
}

async function redrive(inv: Invocation, target: Target, io: Io): Promise<number> {
  const wanted = inv.args.queue;
  let queues: QueueInfo[] = target.queues.filter((q) => q.redrivable);
  if (wanted !== undefined) {
    const q = target.queues.find((x) => x.name === wanted);
    if (!q)
      throw new UsageError(
        `unknown queue "${wanted}": one of ${target.queues
          .filter((x) => x.redrivable)
          .map((x) => x.name)
          .join(', ')}`,
        'redrive',
      );
    if (!q.redrivable)
      throw new CliError(
        `${q.name}'s dead-letter queue holds EventBridge deliveries, which SQS cannot move back: replay them by hand (docs/operations.md)`,
      );
    queues = [q];
  }
  let moved = 0;
  for (const q of queues) {
    const depth = await depthOf(q.dlqUrl);
    if (depth.visible === 0) {
      if (wanted !== undefined) io.out(`${q.name}: its dead-letter queue is empty, nothing to redrive`);
      continue;
    }
    const task = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: depth.arn }));
    moved += depth.visible;
    io.out(
      `${q.name}: moving ${depth.visible} message${depth.visible === 1 ? '' : 's'} back to the ${q.description} (task ${task.TaskHandle})`,
    );
  }
  if (wanted === undefined && moved === 0) io.out('every dead-letter queue is empty, nothing to redrive');
  return 0;
}
