/**
 * The stack's table-write grants, applied on this machine: a DynamoDB write made inside a local
 * invocation (local/runtime/lambda-context.ts) to a partition its function may not write
 * (functions/store/table-writes.ts) is refused as IAM refuses it, with an AccessDeniedException, and
 * remembered. The runtime's stop() then fails and names it, so every end-to-end test, the demo and
 * the chaos run check the declarations against the writes the code really makes.
 *
 * Like local/runtime/ingress-faults.ts it wraps the AWS SDK clients' shared `send`, and looks only at calls made
 * inside an invocation: the CLI, the runtime's own setup and the tests' clients act as operators do.
 * (The benchmark's own counting wrappers sit on the DynamoDB client classes, in front of this one and
 * calling past it: it measures, it does not check.)
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { TABLE } from '../../functions/store/table';
import { partitionPattern, type TableWrites } from '../../functions/store/table-writes';
import { currentInvocation } from './lambda-context';

/** The write commands (document client and low-level client) and the IAM action each one needs. */
const WRITE_ACTIONS: Record<string, string> = {
  PutCommand: 'PutItem',
  PutItemCommand: 'PutItem',
  UpdateCommand: 'UpdateItem',
  UpdateItemCommand: 'UpdateItem',
  DeleteCommand: 'DeleteItem',
  DeleteItemCommand: 'DeleteItem',
  BatchWriteCommand: 'BatchWriteItem',
  BatchWriteItemCommand: 'BatchWriteItem',
};

export type DeniedWrite = { functionName: string; action: string; partitionKeys: string[] };

type Send = (this: unknown, command: object, ...rest: unknown[]) => unknown;
// Every @aws-sdk client class extends the same smithy Client, whose prototype holds `send`.
const clientPrototype = Object.getPrototypeOf(SQSClient.prototype) as { send: Send };
let active: TablePolicy | undefined;
let installed = false;

export class TablePolicy {
  /** Every write refused so far. */
  readonly denied: DeniedWrite[] = [];
  /** The declared patterns each function's writes fell in so far: the checks saw its writes. */
  readonly used = new Map<string, Set<string>>();

  /** @param writes what each function (by its local name) may write; a function not named may write nothing. */
  constructor(private readonly writes: Readonly<Record<string, TableWrites>>) {}

  /** Starts checking the writes of invocations (one policy at a time per process). */
  install(): void {
    active = this;
    if (installed) return;
    installed = true;
    const original = clientPrototype.send;
    clientPrototype.send = function (this: unknown, command: object, ...rest: unknown[]) {
      const refusal = active?.refusal(command);
      if (!refusal) return original.call(this, command, ...rest);
      const callback = rest[rest.length - 1];
      if (typeof callback === 'function') return callback(refusal);
      return Promise.reject(refusal);
    };
  }

  uninstall(): void {
    if (active === this) active = undefined;
  }

  /** The error a write gets when its function may not write all of its partitions; undefined when it may. */
  private refusal(command: object): Error | undefined {
    const action = WRITE_ACTIONS[command.constructor.name];
    const invocation = currentInvocation();
    if (!action || !invocation) return undefined;
    const allowed = this.writes[invocation.functionName];
    const patterns = (action === 'DeleteItem' ? allowed?.deletes : allowed?.partitions) ?? [];
    const partitionKeys = partitionKeysOf((command as { input?: unknown }).input);
    const matched = partitionKeys.map((pk) => partitionPattern(pk, patterns));
    // As IAM's ForAllValues with the key required: every item's partition must be allowed, and there must be one.
    if (matched.length > 0 && matched.every((m) => m !== undefined)) {
      const used = this.used.get(invocation.functionName) ?? new Set<string>();
      for (const pattern of matched) used.add(pattern as string);
      this.used.set(invocation.functionName, used);
      return undefined;
    }
    this.denied.push({ functionName: invocation.functionName, action, partitionKeys });
    const error = new Error(
      `${invocation.functionName} is not authorized to perform dynamodb:${action} on partition ${partitionKeys.join(', ')} ` +
        '(local IAM: functions/store/table-writes.ts)',
    );
    error.name = 'AccessDeniedException';
    return error;
  }
}

/** The partition key values a write names: its item's or key's, or each request's of a batch. */
function partitionKeysOf(input: unknown): string[] {
  const { Item, Key, RequestItems } = (input ?? {}) as {
    Item?: Record<string, unknown>;
    Key?: Record<string, unknown>;
    RequestItems?: Record<
      string,
      { PutRequest?: { Item?: Record<string, unknown> }; DeleteRequest?: { Key?: Record<string, unknown> } }[]
    >;
  };
  const records = RequestItems
    ? Object.values(RequestItems).flatMap((requests) => requests.map((r) => r.PutRequest?.Item ?? r.DeleteRequest?.Key))
    : [Item ?? Key];
  return records.map((record) => keyText(record?.[TABLE.partitionKey]));
}

/** A document-client string, or a low-level `{ S: … }` attribute value. */
const keyText = (value: unknown): string =>
  typeof value === 'string' ? value : String((value as { S?: unknown } | undefined)?.S ?? '');
