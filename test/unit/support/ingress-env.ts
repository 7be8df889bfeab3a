/**
 * What every ingress handler test needs: the bridge's env and secrets, a linked restaurant, dedupe
 * and audit writes that succeed, an SQS that accepts, captured logs (`env.logs`) and the secrets file
 * (`env.secrets`, to rewrite in a test). Registers its
 * own jest hooks.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';
import { captureLogs, clearBridgeEnv, linkRestaurant, setBridgeEnv, writeBridgeSecrets } from './bridge-env';
import { type SecretsFile, useSecretsFile } from './secrets-file';

// biome-ignore lint/suspicious/noExplicitAny: the clients' stubs are generic over their whole command sets
type Stub = AwsStub<any, any, any>;

export function useIngressEnv(ddb: Stub, sqs: Stub): { logs: string[]; secrets: SecretsFile } {
  const env = { logs: [] as string[] } as { logs: string[]; secrets: SecretsFile };
  beforeEach(() => {
    setBridgeEnv();
    env.secrets = useSecretsFile();
    writeBridgeSecrets(env.secrets);
    env.logs = captureLogs();
    linkRestaurant(ddb);
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  });
  afterEach(() => {
    ddb.reset();
    sqs.reset();
    env.secrets.remove();
    clearBridgeEnv();
  });
  return env;
}
