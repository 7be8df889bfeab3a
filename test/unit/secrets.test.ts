import { writeFileSync } from 'node:fs';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { SecretMalformedError } from '../../functions/core/errors';
import { clearSecretCache, credentialField, getSecret, signingSecretsOf } from '../../functions/infra/secrets';
import { captureLogs } from './support/bridge-env';
import { type SecretsFile, useSecretsFile } from './support/secrets-file';

let secrets: SecretsFile;

beforeEach(() => {
  secrets = useSecretsFile();
});

afterEach(() => {
  secrets.remove();
});

describe('getSecret with LOCAL_SECRETS_FILE', () => {
  it('reads a secret by name from the local file', async () => {
    secrets.write({ 'bridge/sinqro': { serverAccessToken: 'abc' } });
    await expect(getSecret('bridge/sinqro')).resolves.toEqual({ serverAccessToken: 'abc' });
  });

  it('fails clearly for a name the file does not hold', async () => {
    secrets.write({});
    await expect(getSecret('bridge/missing')).rejects.toThrow(/secret bridge\/missing is not in/);
  });

  it('serves a secret from the cache instead of reading it on every call', async () => {
    secrets.write({ s: { v: 1 } });
    await getSecret('s');
    writeFileSync(process.env.LOCAL_SECRETS_FILE as string, JSON.stringify({ s: { v: 2 } }));
    await expect(getSecret('s')).resolves.toEqual({ v: 1 });
  });

  it('reads the rotated value after the cache is cleared', async () => {
    secrets.write({ s: { v: 1 } });
    await getSecret('s');
    writeFileSync(process.env.LOCAL_SECRETS_FILE as string, JSON.stringify({ s: { v: 2 } }));
    clearSecretCache();
    await expect(getSecret('s')).resolves.toEqual({ v: 2 });
  });
});

describe('getSecret from Secrets Manager', () => {
  const sm = mockClient(SecretsManagerClient);
  afterEach(() => sm.reset());

  it('says which secret does not exist (SecretMissingError), so a worker retries and a receiver answers SECRET_MISSING', async () => {
    secrets.remove(); // no LOCAL_SECRETS_FILE: deployed
    sm.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    await expect(getSecret('bridge/webhooks/nope')).rejects.toMatchObject({
      name: 'SecretMissingError',
      message: 'secret bridge/webhooks/nope does not exist in Secrets Manager',
    });
  });
});

describe('signingSecretsOf', () => {
  const KEY = 'k'.repeat(32);

  it('returns a list of keys of at least 32 bytes each', () => {
    expect(signingSecretsOf({ webhookSigningSecrets: [KEY, `${KEY}-next`] }, 'bridge/sinqro')).toEqual([
      KEY,
      `${KEY}-next`,
    ]);
  });

  it.each([
    ['an empty entry beside a good one', { webhookSigningSecrets: [KEY, ''] }, /\[1\] is shorter than 32 bytes/],
    ['an entry shorter than 32 bytes', { webhookSigningSecrets: ['k'.repeat(31)] }, /\[0\] is shorter than 32 bytes/],
    ['an entry that is not a string', { webhookSigningSecrets: [KEY, 42] }, /\[1\] is not a string/],
    ['an empty list', { webhookSigningSecrets: [] }, /not a non-empty list/],
    ['a string in place of the list', { webhookSigningSecrets: KEY }, /not a non-empty list/],
    ['no list at all', { apiKey: 'x' }, /not a non-empty list/],
  ])('refuses %s with SECRET_MALFORMED (a 500), naming the secret but no value', (_, secret, reason) => {
    const logs = captureLogs();
    let thrown: unknown;
    try {
      signingSecretsOf(secret, 'bridge/sinqro');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SecretMalformedError);
    expect(thrown).toMatchObject({ httpStatus: 500, code: 'SECRET_MALFORMED' });
    expect((thrown as Error).message).toMatch(/^secret bridge\/sinqro is malformed: /);
    expect((thrown as Error).message).toMatch(reason);
    expect((thrown as Error).message).not.toContain(KEY);
    expect(logs.filter((l) => l.includes('"SecretMalformed":1'))).toHaveLength(1);
  });
});

describe('credentialField', () => {
  it('returns the field of an API credential secret', () => {
    expect(credentialField({ serverAccessToken: 'tok' }, 'serverAccessToken', 'bridge/sinqro')).toBe('tok');
  });

  it.each([
    ['missing', {}],
    ['empty', { serverAccessToken: '' }],
    ['not a string', { serverAccessToken: 42 }],
  ])('refuses a field that is %s with SECRET_MALFORMED, naming the secret and the field', (_, secret) => {
    expect(() =>
      credentialField(secret as { serverAccessToken: string }, 'serverAccessToken', 'bridge/sinqro'),
    ).toThrow(
      new SecretMalformedError('secret bridge/sinqro is malformed: serverAccessToken is not a non-empty string'),
    );
  });
});
