import { writeFileSync } from 'node:fs';
import { clearSecretCache, getSecret } from '../../functions/shared/secrets';
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
