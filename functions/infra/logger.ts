/**
 * Structured logging. Fields are flat primitives only, so a whole order, consumer or request body
 * cannot be logged by accident (personal data stays out of the logs). LOG_FORMAT=pretty gives the
 * local runtime one readable line per step.
 */
import { type MetricDimensions, metricLine } from './metrics';

export type LogValue = string | number | boolean | undefined | null;
export type LogFields = Record<string, LogValue>;
type Level = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogSink = (line: string, level: Level) => void;
let sink: LogSink = (line, level) =>
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);

/** The local runtime and tests redirect log lines (to print them readably, or to search them). */
export function setLogSink(next: LogSink): void {
  sink = next;
}

export class Logger {
  constructor(
    private readonly fn: string,
    private readonly base: LogFields = {},
  ) {}

  child(fields: LogFields): Logger {
    return new Logger(this.fn, { ...this.base, ...fields });
  }

  debug(msg: string, fields?: LogFields): void {
    this.write('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.write('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.write('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.write('error', msg, fields);
  }

  private write(level: Level, msg: string, fields?: LogFields): void {
    const min = LEVELS[(process.env.LOG_LEVEL as Level) ?? 'info'] ?? LEVELS.info;
    if (LEVELS[level] < min) return;
    const all = { ...this.base, ...fields };
    if (process.env.LOG_FORMAT === 'pretty') {
      const time = new Date().toISOString().slice(11, 23);
      const extras = Object.entries(all)
        .filter(([, v]) => v !== undefined && v !== null)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      sink(
        `${time} ${level === 'info' ? '' : `${level.toUpperCase()} `}[${this.fn}] ${msg}${extras ? `  ${extras}` : ''}`,
        level,
      );
      return;
    }
    sink(JSON.stringify({ level, time: new Date().toISOString(), fn: this.fn, msg, ...all }), level);
  }
}

/** An error's name and message, never its request/response bodies. */
export function errorFields(error: unknown): LogFields {
  if (error instanceof Error) return { error: error.name, reason: error.message.slice(0, 300) };
  return { error: String(error).slice(0, 300) };
}

/** Writes a metric as an EMF line (functions/infra/metrics.ts), or one readable line locally. */
export function emitMetric(
  name: string,
  value: number,
  unit: 'Count' | 'Milliseconds' = 'Count',
  dimensions?: MetricDimensions,
): void {
  if (process.env.LOG_FORMAT === 'pretty') {
    const dims = Object.entries(dimensions ?? {}).map(([k, v]) => ` ${k}=${v}`);
    sink(`${new Date().toISOString().slice(11, 23)} [metric] ${name}=${value}${dims.join('')}`, 'info');
    return;
  }
  sink(metricLine(name, value, unit, dimensions), 'info');
}
