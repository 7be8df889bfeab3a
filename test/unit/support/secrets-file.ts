/** Secrets for a test: a temp JSON file named by LOCAL_SECRETS_FILE (functions/infra/secrets.ts reads it). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearSecretCache } from '../../../functions/infra/secrets';

export type SecretsFile = { write(secrets: Record<string, unknown>): void; remove(): void };

export function useSecretsFile(): SecretsFile {
  const dir = mkdtempSync(join(tmpdir(), 'bridge-secrets-'));
  const file = join(dir, 'secrets.json');
  return {
    write(secrets) {
      writeFileSync(file, JSON.stringify(secrets));
      process.env.LOCAL_SECRETS_FILE = file;
      clearSecretCache();
    },
    remove() {
      clearSecretCache();
      delete process.env.LOCAL_SECRETS_FILE;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
