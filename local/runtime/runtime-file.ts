/**
 * `.local/runtime.json`: what `npm start` runs where (endpoints, table, queues, secrets file), so the
 * operator CLI (`pos-bridge --local`) can reach the same runtime. Written at start, removed at stop.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AdapterSettings } from '../../adapters/port';

export type RuntimeFile = {
  pid: number;
  startedAt: string;
  stage: 'local';
  region: string;
  urls: {
    gateway: string;
    referencePos: string;
    squarePos?: string;
    lightspeedKPos?: string;
    sinqro: string;
    dynamodb: string;
    sqs: string;
  };
  tableName: string;
  secretsFile: string;
  /** One work queue per adapter (`posCode` set) and the to-sinqro queue, each with its DLQ. */
  queues: {
    name: string;
    url: string;
    arn: string;
    dlqName: string;
    dlqUrl: string;
    dlqArn: string;
    consumer: string;
    posCode?: string;
  }[];
  adapterSettings: Record<string, AdapterSettings>;
};

/** POS_BRIDGE_RUNTIME_FILE moves it (tests); by default it sits in the repository's `.local/`. */
export const runtimeFilePath = () =>
  process.env.POS_BRIDGE_RUNTIME_FILE ?? resolve(__dirname, '..', '..', '.local', 'runtime.json');

export function writeRuntimeFile(file: string, content: RuntimeFile): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`);
}

export function readRuntimeFile(file: string): RuntimeFile | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RuntimeFile;
  } catch {
    return undefined;
  }
}

export function removeRuntimeFile(file: string): void {
  rmSync(file, { force: true });
}
