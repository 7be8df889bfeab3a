/**
 * `pos-bridge`: the operator CLI (README "Operator CLI"). Parses the command line, finds the bridge
 * (--local or --stage), runs the command, and answers an exit code: 0 done, 1 could not be done, 2
 * wrong command line.
 */
import { writeFileSync } from 'node:fs';
import type { AdapterSettings } from '../../adapters/port';
import { integrationReport, reportJson, reportMarkdown } from '../../adapters/report';
import { adapterConfig, resolveStage } from '../../lib/stage-config';
import config from '../../local/runtime/config.json';
import {
  adapterArg,
  CliError,
  type CommandName,
  checkValues,
  type Invocation,
  onOffArg,
  parseCommandLine,
  USAGE,
  UsageError,
  usageOf,
} from './args';
import type { Io, Pace } from './commands';
import { resolveTarget } from './target';

export const stdio: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export async function run(argv: string[], io: Io = stdio, pace?: Pace): Promise<number> {
  let command: CommandName | undefined;
  try {
    const inv = parseCommandLine(argv);
    if (inv === 'help') {
      io.out(USAGE);
      return 0;
    }
    command = inv.command;
    checkValues(inv);
    if (inv.command === 'report') return report(inv, io);
    if (!inv.target) throw new UsageError('say which bridge: --local or --stage <name>', inv.command);
    const target = await resolveTarget(inv.target);
    Object.assign(process.env, target.env);
    // Only now: the store's and the queues' clients must see the target's endpoints when they are created.
    const { runCommand } = await import('./commands');
    return await runCommand(inv, target, io, pace);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`pos-bridge: ${error.message}`);
      const about = error.command ?? command;
      io.err(about ? usageOf(about) : USAGE);
      return 2;
    }
    if (error instanceof CliError) {
      io.err(`pos-bridge: ${error.message}`);
      return 1;
    }
    // Unexpected: name and message only (an SDK error's message holds no request body).
    const e = error as Error;
    io.err(`pos-bridge: ${e.name ?? 'Error'}: ${e.message ?? String(error)}`);
    return 1;
  }
}

/** The report needs no running bridge: the adapter's declaration, the target's settings, the flags. */
function report(inv: Invocation, io: Io): number {
  const adapter = adapterArg(inv.args.posCode);
  const settings: AdapterSettings = { ...settingsOf(inv, adapter.code) };
  const statusWebhooks = onOffArg('statusWebhooks', inv.options.statusWebhooks);
  const availabilityWebhooks = onOffArg('availabilityWebhooks', inv.options.availabilityWebhooks);
  if (statusWebhooks !== undefined) settings.statusWebhooks = statusWebhooks;
  if (availabilityWebhooks !== undefined) settings.availabilityWebhooks = availabilityWebhooks;
  const model = integrationReport(adapter, settings);
  const text = inv.options.json ? reportJson(model) : reportMarkdown(model);
  const out = inv.options.out;
  if (typeof out === 'string') {
    writeFileSync(out, text);
    const { orders, reservations } = model.summary;
    io.out(
      `wrote ${out}: ${adapter.code}, orders ${orders.integrated}/${orders.total}, reservations ${reservations.integrated}/${reservations.total} features integrated`,
    );
  } else io.out(text.trimEnd());
  return 0;
}

function settingsOf(inv: Invocation, code: string): AdapterSettings {
  if (inv.target?.kind === 'local')
    return (config.adapters as Record<string, { settings?: AdapterSettings }>)[code]?.settings ?? {};
  if (inv.target?.kind === 'stage') {
    try {
      return adapterConfig(resolveStage(inv.target.name), code).settings;
    } catch (error) {
      throw new CliError((error as Error).message.replace('pass -c stage=<name>', 'pass --stage <name>'));
    }
  }
  return {};
}
