/**
 * What every publisher test needs: a local HTTP server standing in for Sinqro, the bridge's env and
 * secrets, a linked restaurant and quiet logs. Registers its own jest hooks; a test file adds its
 * stubs in its own beforeEach, which runs after these.
 */
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';
import { captureLogs, clearBridgeEnv, linkRestaurant, setBridgeEnv, writeBridgeSecrets } from './bridge-env';
import { type Reply, startServer, type TestServer } from './http-server';
import { type SecretsFile, useSecretsFile } from './secrets-file';

export type PublisherEnv = { sinqro: TestServer };

// biome-ignore lint/suspicious/noExplicitAny: the document client's stub is generic over its whole command set
export function usePublisherEnv(ddb: AwsStub<any, any, any>, reply: Reply): PublisherEnv {
  const env = {} as PublisherEnv;
  let secrets: SecretsFile;
  beforeAll(async () => {
    env.sinqro = await startServer(reply);
  });
  afterAll(async () => {
    await env.sinqro.close();
  });
  beforeEach(() => {
    setBridgeEnv();
    process.env.SINQRO_API_BASE_URL = `${env.sinqro.url}/pos-app/v1`;
    captureLogs();
    secrets = useSecretsFile();
    writeBridgeSecrets(secrets);
    env.sinqro.requests.length = 0;
    env.sinqro.reply(reply);
    linkRestaurant(ddb);
    ddb.on(PutCommand).resolves({});
    ddb.on(BatchWriteCommand).resolves({});
  });
  afterEach(() => {
    ddb.reset();
    secrets.remove();
    clearBridgeEnv();
    delete process.env.SINQRO_API_BASE_URL;
  });
  return env;
}

/** The audit records the publisher wrote: one by one (Put) or a batch's together (BatchWriteItem). */
// biome-ignore lint/suspicious/noExplicitAny: the document client's stub is generic over its whole command set
export function auditsWritten(ddb: AwsStub<any, any, any>): Record<string, unknown>[] {
  const single = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item as Record<string, unknown>);
  const batched = ddb
    .commandCalls(BatchWriteCommand)
    .flatMap((c) =>
      Object.values(
        c.args[0].input.RequestItems as Record<string, { PutRequest?: { Item: Record<string, unknown> } }[]>,
      ),
    )
    .flat()
    .map((r) => r.PutRequest?.Item as Record<string, unknown>);
  return [...single, ...batched].filter((i) => String(i?.SK).startsWith('EVT#'));
}
