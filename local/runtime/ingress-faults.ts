/**
 * "The ingress dies after its first write": a share of the ingress functions' invocations are ended
 * right after their first write to DynamoDB or SQS was carried out and answered. The write stands; the
 * handler never runs another line (no catch, no finally) and the caller gets a 500, as when Lambda
 * times out on a call that never answers or the process dies mid-invocation. Off by default.
 *
 * It wraps the AWS SDK clients' shared `send` in this process: only calls made inside an ingress
 * invocation (local/runtime/lambda-context.ts) are looked at, so the pollers, the CLI and the tests' own
 * clients are untouched, and production code has no hook for it.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { currentInvocation } from './lambda-context';

export type IngressFaultConfig = {
  /** Share (0–1) of ingress invocations that die right after their first write. */
  dieAfterFirstWriteRate?: number;
};

const WRITES = new Set([
  'PutCommand',
  'UpdateCommand',
  'DeleteCommand',
  'BatchWriteCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'SendMessageCommand',
  'SendMessageBatchCommand',
]);

type Send = (this: unknown, command: object, ...rest: unknown[]) => unknown;
// Every @aws-sdk client class extends the same smithy Client, whose prototype holds `send`.
const clientPrototype = Object.getPrototypeOf(SQSClient.prototype) as { send: Send };
let active: IngressFaults | undefined;
let originalSend: Send | undefined;

export class IngressFaults {
  config: IngressFaultConfig = {};
  /** Faults injected so far, by kind. */
  readonly counts = { 'ingress-died-after-first-write': 0 };

  constructor(private readonly functionNames: readonly string[]) {}

  set(config: IngressFaultConfig): IngressFaultConfig {
    this.config = { ...config };
    return this.config;
  }

  /** Starts watching the SDK calls of ingress invocations (one instance at a time per process). */
  install(): void {
    active = this;
    if (originalSend) return;
    const original = clientPrototype.send;
    originalSend = original;
    clientPrototype.send = function (this: unknown, command: object, ...rest: unknown[]) {
      const result = original.call(this, command, ...rest);
      const dies = active?.diesAfter(command, rest);
      if (!dies || !(result instanceof Promise)) return result;
      return result.then(() => {
        dies();
        // The handler awaits this forever: nothing after the write runs.
        return new Promise(() => undefined);
      });
    };
  }

  uninstall(): void {
    if (active === this) active = undefined;
  }

  /** For a first write of a doomed ingress invocation: what ends it once the write is done. */
  private diesAfter(command: object, rest: unknown[]): (() => void) | undefined {
    const invocation = currentInvocation();
    if (!invocation || !this.functionNames.includes(invocation.functionName)) return undefined;
    if (typeof rest[rest.length - 1] === 'function' || !WRITES.has(command.constructor.name)) return undefined;
    invocation.writes += 1;
    const rate = this.config.dieAfterFirstWriteRate ?? 0;
    if (invocation.writes > 1 || rate <= 0 || Math.random() >= rate) return undefined;
    return () => {
      this.counts['ingress-died-after-first-write'] += 1;
      invocation.kill(`chaos: died after its first write (${command.constructor.name})`);
    };
  }
}
