/**
$ * Every AWS SDK client the functions build gives up on a call that never answers, well within the
 * function's timeout: an ingress stuck on a silent SQS or DynamoDB would otherwise time out as a whole,
 * and nothing of what it meant to do afterwards (answer, clean up) would run.
 *
 * Each client module is loaded afresh against a local endpoint that accepts connections and never
 * answers; its call must fail with the SDK's TimeoutError.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '../..');
let server: Server;
let endpoint: string;
const held: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((_req, res) => {
    held.push(res); // never answered
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_ENDPOINT_URL_SQS: endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    TABLE_NAME: 'bridge-test-table',
  });
  delete process.env.LOCAL_SECRETS_FILE;
});

afterAll(async () => {
  for (const res of held) res.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  for (const name of [
    'AWS_ENDPOINT_URL_DYNAMODB',
    'AWS_ENDPOINT_URL_SQS',
    'AWS_ENDPOINT_URL_SECRETS_MANAGER',
    'TABLE_NAME',
  ])
    delete process.env[name];
});

// Three attempts of the request timeout each, then the SDK's TimeoutError; the test's own limit is far above.
const LIMIT_MS = 20_000;

const fresh = <T>(path: string): T => {
  let loaded: T | undefined;
  jest.isolateModules(() => {
    loaded = require(path) as T;
  });
  return loaded as T;
};

test(
  'the DynamoDB client (ddb.ts) times out a call that never answers',
  async () => {
    const { ddb } = fresh<typeof import('../../functions/infra/ddb')>('../../functions/infra/ddb');
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    await expect(ddb.send(new GetCommand({ TableName: 't', Key: { PK: 'a', SK: 'b' } }))).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  },
  LIMIT_MS,
);

test(
  'the SQS client of enqueue (queue.ts) times out a send that never answers',
  async () => {
    const { enqueue } = fresh<typeof import('../../functions/infra/queue')>('../../functions/infra/queue');
    await expect(enqueue(`${endpoint}/000000000000/q`, { a: 1 })).rejects.toMatchObject({ name: 'TimeoutError' });
  },
  LIMIT_MS,
);

test(
  'the Secrets Manager client (secrets.ts) times out a read that never answers',
  async () => {
    const { getSecret } = fresh<typeof import('../../functions/infra/secrets')>('../../functions/infra/secrets');
    await expect(getSecret('bridge/test/never')).rejects.toMatchObject({ name: 'TimeoutError' });
  },
  LIMIT_MS,
);

test('the timeouts leave room for every attempt within the shortest function timeout (ingress, 5 s)', async () => {
  const { AWS_CLIENT_CONFIG, AWS_CLIENT_MAX_ATTEMPTS } = await import('../../functions/infra/aws-clients');
  const { INGRESS } = await import('../../lib/bridge-function');
  const { connectionTimeout, requestTimeout, throwOnRequestTimeout } = AWS_CLIENT_CONFIG.requestHandler;
  expect(throwOnRequestTimeout).toBe(true);
  expect(connectionTimeout).toBeLessThanOrEqual(requestTimeout);
  expect(AWS_CLIENT_MAX_ATTEMPTS * requestTimeout).toBeLessThan(INGRESS.timeout.toMilliseconds());
});

const sourcesUnder = (...dirs: string[]) => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) files.push(path);
    }
  };
  for (const dir of dirs) walk(join(ROOT, dir));
  return files.map((file) => ({ file: relative(ROOT, file), source: readFileSync(file, 'utf8') }));
};

/** Names a file imports from an @aws-sdk package, statically or with `await import(...)`. */
const sdkImports = (source: string) =>
  [
    ...source.matchAll(/import \{([^}]*)\} from '@aws-sdk\/[^']+'/g),
    ...source.matchAll(/const \{([^}]*)\} = await import\('@aws-sdk\/[^']+'\)/g),
  ].flatMap(([, names]) => (names as string).split(',').map((n) => n.trim().replace(/^type /, '')));

test('every SDK client built in the functions, the adapters and the operator CLI takes the shared timeouts', () => {
  // A client class is one the file imports from an @aws-sdk package; its construction must pass the shared config.
  const constructions = sourcesUnder('functions', 'adapters', 'bin').flatMap(({ file, source }) => {
    const imported = sdkImports(source);
    return [...source.matchAll(/new (\w+Client)\(([^)]*)\)/g)]
      .filter(([, name]) => imported.includes(name as string))
      .map(([, name, args]) => ({ file, name, args }));
  });
  expect(constructions.map((c) => `${c.file} ${c.name}`).sort()).toEqual(
    expect.arrayContaining([
      'bin/cli/commands.ts SQSClient',
      'bin/cli/target.ts CloudFormationClient',
      'functions/infra/ddb.ts DynamoDBClient',
      'functions/infra/queue.ts SQSClient',
      'functions/infra/secrets.ts SecretsManagerClient',
    ]),
  );
  // One SQS client for the functions (queue.ts): sending and the batch consumers' visibility changes.
  expect(
    constructions.filter((c) => c.name === 'SQSClient' && c.file.startsWith('functions')).map((c) => c.file),
  ).toEqual(['functions/infra/queue.ts']);
  expect(constructions.filter((c) => !c.args?.includes('AWS_CLIENT_CONFIG'))).toEqual([]);
});

test('every outbound HTTP call of the functions and adapters goes through outbound.ts (ky with a per-call timeout within the budget)', () => {
  const direct = sourcesUnder('functions', 'adapters')
    .filter(({ file }) => file !== join('functions', 'infra', 'outbound.ts'))
    .filter(({ source }) => /\bfetch\(|from 'ky'|import\('ky'\)|from 'node:https?'|from 'undici'/.test(source))
    .map(({ file }) => file);
  expect(direct).toEqual([]);
});

test("the operator CLI's own HTTP calls give up after a timeout", () => {
  const calls = sourcesUnder('bin').flatMap(({ file, source }) =>
    [...source.matchAll(/\bfetch\(([^;]*)/g)].map(([, args]) => ({ file, args: args as string })),
  );
  expect(calls.length).toBeGreaterThan(0);
  expect(calls.filter((c) => !c.args.includes('AbortSignal.timeout('))).toEqual([]);
});
