/**
 * The CLI's command line: commands, their arguments and options, and the checks that turn a wrong
 * command line into a clear message (exit 2) before anything is read or written.
 */
import { parseArgs } from 'node:util';
import type { PosAdapter } from '../../adapters/port';
import { ADAPTERS, findAdapter } from '../../adapters/registry';

/** A wrong command line: the message and the usage are printed, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: CommandName,
  ) {
    super(message);
  }
}

/** A command that cannot be done (unknown restaurant, runtime not running…): the message, exit code 1. */
export class CliError extends Error {}

const OPTIONS = {
  local: { type: 'boolean' },
  stage: { type: 'string' },
  json: { type: 'boolean' },
  full: { type: 'boolean' },
  reservation: { type: 'boolean' },
  out: { type: 'string' },
  statusWebhooks: { type: 'string' },
  availabilityWebhooks: { type: 'string' },
  'token-secret': { type: 'string' },
  'pos-secret': { type: 'string' },
  'pos-webhook-secret': { type: 'string' },
  'pos-account': { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type OptionName = Exclude<keyof typeof OPTIONS, 'local' | 'stage' | 'help'>;

type CommandSpec = {
  args: readonly string[];
  optionalArgs?: readonly string[];
  options: readonly OptionName[];
  /** `optional`: works without a bridge (the report reads only the code and the stage config). */
  target: 'required' | 'optional';
  usage: string;
  summary: string;
};

export const COMMANDS = {
  link: {
    args: ['restaurantId', 'posCode', 'posLocationId'],
    options: ['token-secret', 'pos-secret', 'pos-webhook-secret', 'pos-account'],
    target: 'required',
    usage:
      'link <restaurantId> <posCode> <posLocationId> [--token-secret <name>] [--pos-secret <name>] [--pos-webhook-secret <name>] [--pos-account <id>]',
    summary: 'link a Sinqro restaurant to a POS location (or change its link)',
  },
  unlink: {
    args: ['restaurantId'],
    options: [],
    target: 'required',
    usage: 'unlink <restaurantId>',
    summary: "remove a restaurant's link: the bridge stops serving it",
  },
  restaurants: {
    args: [],
    options: ['json'],
    target: 'required',
    usage: 'restaurants [--json]',
    summary: 'list the linked restaurants',
  },
  'reindex-links': {
    args: [],
    options: [],
    target: 'required',
    usage: 'reindex-links',
    summary: "write every restaurant's link and list entry again (once, after an upgrade that indexes them)",
  },
  'sync-catalog': {
    args: ['restaurantId'],
    options: ['full', 'timeout'],
    target: 'required',
    usage: 'sync-catalog <restaurantId> [--full] [--timeout <seconds>]',
    summary: "sync the restaurant's catalog to Sinqro and show the counts as it goes",
  },
  order: {
    args: ['sinqroId'],
    options: ['json', 'reservation'],
    target: 'required',
    usage: 'order <sinqroId> [--reservation] [--json]',
    summary: "an order's (or with --reservation a reservation's) state and audit timeline",
  },
  dlq: {
    args: [],
    options: [],
    target: 'required',
    usage: 'dlq',
    summary: 'each dead-letter queue: its depth and the types and ids of its first messages',
  },
  redrive: {
    args: [],
    optionalArgs: ['queue'],
    options: [],
    target: 'required',
    usage: 'redrive [queue]',
    summary: 'move dead-lettered messages back to their queue (every queue, or one: a POS code or to-sinqro)',
  },
  report: {
    args: ['posCode'],
    options: ['json', 'out', 'statusWebhooks', 'availabilityWebhooks'],
    target: 'optional',
    usage: 'report <posCode> [--json] [--out <file>] [--statusWebhooks on|off] [--availabilityWebhooks on|off]',
    summary: 'the integration validation report: F1–F8 for orders and reservations',
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

export type TargetSpec = { kind: 'local' } | { kind: 'stage'; name: string };

export type Invocation = {
  command: CommandName;
  args: Record<string, string | undefined>;
  options: Partial<Record<OptionName, string | boolean>>;
  target?: TargetSpec;
};

export const USAGE = [
  'Usage: pos-bridge <command> [arguments] (--local | --stage <name>)',
  '',
  'Commands:',
  ...Object.values(COMMANDS).flatMap((c) => [`  ${c.usage}`, `      ${c.summary}`]),
  '',
  'Where:',
  '  --local          the local runtime started by `npm start` (read from .local/runtime.json)',
  '  --stage <name>   a deployed stage (lib/stage-config.ts); AWS credentials and region from the environment',
  '  report needs neither: with one, it applies that bridge’s adapter settings',
].join('\n');

export function usageOf(command: CommandName): string {
  const where = COMMANDS[command].target === 'required' ? ' (--local | --stage <name>)' : '';
  return `Usage: pos-bridge ${COMMANDS[command].usage}${where}`;
}

const isCommand = (name: string): name is CommandName => Object.hasOwn(COMMANDS, name);

/** `help` when the user asked for it (or gave no command); the invocation otherwise. */
export function parseCommandLine(argv: string[]): Invocation | 'help' {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // node:util's messages name the option; the usage follows.
    throw new UsageError((error as Error).message.split('\n')[0] as string, commandIn(argv));
  }
  const { values, positionals } = parsed;
  const [name, ...rest] = positionals;
  if (name === undefined || name === 'help') return 'help';
  if (!isCommand(name)) throw new UsageError(`unknown command "${name}"`);
  if (values.help) return 'help';
  const spec: CommandSpec = COMMANDS[name];

  for (const option of Object.keys(values) as (keyof typeof OPTIONS)[]) {
    if (option === 'local' || option === 'stage' || option === 'help') continue;
    if (!spec.options.includes(option)) throw new UsageError(`${name} takes no --${option}`, name);
  }
  const optional = spec.optionalArgs ?? [];
  if (rest.length < spec.args.length) throw new UsageError(`${name}: missing <${spec.args[rest.length]}>`, name);
  if (rest.length > spec.args.length + optional.length)
    throw new UsageError(`${name}: unexpected argument "${rest[spec.args.length + optional.length]}"`, name);

  let target: TargetSpec | undefined;
  if (values.local && values.stage !== undefined) throw new UsageError('give --local or --stage, not both', name);
  if (values.local) target = { kind: 'local' };
  else if (values.stage !== undefined) {
    if (!values.stage) throw new UsageError('--stage needs a stage name', name);
    target = { kind: 'stage', name: values.stage };
  } else if (spec.target === 'required')
    throw new UsageError(`${name}: say which bridge: --local (the runtime of npm start) or --stage <name>`, name);

  const names = [...spec.args, ...optional];
  const { local: _l, stage: _s, help: _h, ...options } = values;
  return {
    command: name,
    args: Object.fromEntries(names.map((n, i) => [n, rest[i]])),
    options,
    target,
  };
}

function commandIn(argv: string[]): CommandName | undefined {
  const first = argv.find((a) => !a.startsWith('-'));
  return first !== undefined && isCommand(first) ? first : undefined;
}

// ---- argument values ----

/** Sinqro ids (restaurants, orders) are positive integers. */
export function idArg(what: string, text: string | undefined): number {
  if (!text || !/^[1-9]\d{0,15}$/.test(text) || !Number.isSafeInteger(Number(text)))
    throw new UsageError(`${what} must be a positive whole number, got "${text ?? ''}"`);
  return Number(text);
}

/**
 * A POS by its code, also as people write it: in any case, with hyphens, dots or underscores (the
 * K-Series adapter's code is `lightspeedk`, its folder `lightspeed-k`).
 */
export function adapterArg(text: string | undefined): PosAdapter {
  const loose = (code: string) => code.toLowerCase().replace(/[-_.\s]/g, '');
  const adapter = text ? (findAdapter(text) ?? ADAPTERS.find((a) => loose(a.code) === loose(text))) : undefined;
  if (!adapter) throw new UsageError(`unknown POS "${text ?? ''}": one of ${ADAPTERS.map((a) => a.code).join(', ')}`);
  return adapter;
}

/** A POS location id as the POS names it: no spaces, at most 200 characters. */
export function locationArg(text: string | undefined): string {
  if (!text || !/^\S{1,200}$/.test(text))
    throw new UsageError(`posLocationId must be the POS's location id (no spaces), got "${text ?? ''}"`);
  return text;
}

export function onOffArg(option: string, text: string | boolean | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  if (text === 'on' || text === 'true') return true;
  if (text === 'off' || text === 'false') return false;
  throw new UsageError(`--${option} must be on or off, got "${String(text)}"`);
}

export function secondsArg(option: string, text: string | boolean | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const seconds = Number(text);
  if (typeof text !== 'string' || !/^\d+$/.test(text) || seconds < 1)
    throw new UsageError(`--${option} must be a whole number of seconds, got "${String(text)}"`);
  return seconds;
}

/** Checks every argument value of the invocation, before the CLI reaches for a bridge. */
export function checkValues(inv: Invocation): void {
  const { args, options } = inv;
  switch (inv.command) {
    case 'link':
      idArg('restaurantId', args.restaurantId);
      adapterArg(args.posCode);
      locationArg(args.posLocationId);
      return;
    case 'unlink':
      idArg('restaurantId', args.restaurantId);
      return;
    case 'sync-catalog':
      idArg('restaurantId', args.restaurantId);
      secondsArg('timeout', options.timeout, 1);
      return;
    case 'order':
      idArg('sinqroId', args.sinqroId);
      return;
    case 'report':
      adapterArg(args.posCode);
      onOffArg('statusWebhooks', options.statusWebhooks);
      onOffArg('availabilityWebhooks', options.availabilityWebhooks);
      return;
    case 'restaurants':
    case 'dlq':
    case 'redrive':
      return;
  }
}
