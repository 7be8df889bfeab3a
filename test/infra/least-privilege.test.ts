/**
 * Least privilege as invariants of the synthesized stack, each asked of the roles as IAM would
 * evaluate them (fixture.ts: mayUseSecret, mayWriteTable):
 * - the internet-facing functions can read webhook-verification secrets only, never an API
 *   credential (a POS's, a merchant's, Sinqro's server token, a restaurant's user token);
 * - each verification secret is read by the receiver that verifies with it, and by nothing else;
 * - a secret is written only where a credential is renewed;
 * - every table write is confined by `dynamodb:LeadingKeys` to the partitions its function declares
 *   (functions/store/table-writes.ts), which the local runtime enforces on every end-to-end run;
 * - the local runtime's secrets follow the same layout as a deployed stage's.
 */
import { ADAPTERS } from '../../adapters/registry';
import { keys } from '../../functions/store/table';
import { TABLE_WRITES, type TableWrites } from '../../functions/store/table-writes';
import type { BridgeFunction } from '../../lib/bridge-function';
import {
  adapterConfig,
  posWebhookSecretName,
  secretPrefix,
  sinqroWebhookSecretName,
  webhookSecretsPrefix,
} from '../../lib/stage-config';
import config from '../../local/runtime/config.json';
import localSecrets from '../../local/runtime/secrets.json';
import {
  actionsOf,
  allowedActions,
  type Built,
  buildStack,
  mayUseSecret,
  mayWriteTable,
  statementsOf,
} from './fixture';

let built: Built;
beforeAll(() => {
  built = buildStack();
});

const READ = 'secretsmanager:GetSecretValue';
const WRITE = 'secretsmanager:PutSecretValue';
const codes = ADAPTERS.map((a) => a.code);
const perLocation = ADAPTERS.filter((a) => a.webhookLocationOf).map((a) => a.code);
const renewing = ADAPTERS.filter((a) => a.credentials).map((a) => a.code);
const prefix = () => secretPrefix(built.stage.name);

/** Every secret a stage holds, by kind, with an example of each per-restaurant and per-location one. */
const secrets = () => ({
  sinqroServerToken: built.stage.sinqroSecretName,
  restaurantUserToken: `${prefix()}/restaurants/5120`,
  posApi: codes.map((code) => adapterConfig(built.stage, code).secretName),
  merchantApi: codes.map((code) => `${prefix()}/pos/${code}/MERCHANT0001`),
  sinqroWebhook: `${prefix()}/webhooks/sinqro`,
  posWebhook: codes.map((code) => `${prefix()}/webhooks/pos/${code}`),
  locationWebhook: perLocation.map((code) => `${prefix()}/webhooks/pos/${code}/loc-0001`),
});
const apiCredentials = () => {
  const s = secrets();
  return [s.sinqroServerToken, s.restaurantUserToken, ...s.posApi, ...s.merchantApi];
};
const verificationSecrets = () => {
  const s = secrets();
  return [s.sinqroWebhook, ...s.posWebhook, ...s.locationWebhook];
};

const fns = () => {
  const { sinqroWebhook, sinqroEvents, posWebhook, publisher } = built.stack.functions;
  const workers = Object.fromEntries(Object.entries(built.stack.workers).map(([code, w]) => [code, w.fn]));
  return { sinqroWebhook, sinqroEvents, posWebhook, publisher, scheduler: built.stack.scheduler.fn, workers };
};
const internetFacing = () => [fns().sinqroWebhook, fns().sinqroEvents, fns().posWebhook];
const everyFn = (): BridgeFunction[] => {
  const f = fns();
  return [f.sinqroWebhook, f.sinqroEvents, f.posWebhook, f.publisher, f.scheduler, ...Object.values(f.workers)];
};
const nameOf = (fn: BridgeFunction) => fn.node.path;

describe('secrets', () => {
  test('no internet-facing function may read an API credential: POS, merchant, Sinqro server token, restaurant token', () => {
    const readable = internetFacing().flatMap((fn) =>
      apiCredentials()
        .filter((name) => mayUseSecret(built, fn, READ, name))
        .map((name) => `${nameOf(fn)} → ${name}`),
    );
    expect(readable).toEqual([]);
  });

  test('whatever an internet-facing function may read lies under the stage’s webhooks/ prefix', () => {
    const outside = internetFacing().flatMap((fn) =>
      statementsOf(built, fn)
        .filter((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a.startsWith('secretsmanager:')))
        .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]))
        .map((r) => JSON.stringify(r))
        .filter((r) => !r.includes(`:secret:${prefix()}/webhooks/`))
        .map((r) => `${nameOf(fn)} → ${r}`),
    );
    expect(outside).toEqual([]);
  });

  test('each webhook-verification secret is read by the receiver that verifies with it, and by no other function', () => {
    const s = secrets();
    const expected: Record<string, BridgeFunction[]> = {
      [s.sinqroWebhook]: [fns().sinqroWebhook],
      ...Object.fromEntries([...s.posWebhook, ...s.locationWebhook].map((name) => [name, [fns().posWebhook]])),
    };
    for (const name of verificationSecrets()) {
      const readers = everyFn().filter((fn) => mayUseSecret(built, fn, READ, name));
      expect({ name, readers: readers.map(nameOf) }).toEqual({ name, readers: (expected[name] ?? []).map(nameOf) });
    }
  });

  test('an adapter that verifies per location is the only one whose locations’ secrets pos-webhook may read', () => {
    for (const code of codes) {
      const readable = mayUseSecret(built, fns().posWebhook, READ, `${prefix()}/webhooks/pos/${code}/loc-0001`);
      expect({ code, readable }).toEqual({ code, readable: perLocation.includes(code) });
    }
  });

  test("API credentials are read by the functions that call with them: Sinqro's by the publisher, a POS's by its worker", () => {
    const s = secrets();
    const readers = (name: string) =>
      everyFn()
        .filter((fn) => mayUseSecret(built, fn, READ, name))
        .map(nameOf);
    expect(readers(s.sinqroServerToken)).toEqual([nameOf(fns().publisher)]);
    expect(readers(s.restaurantUserToken)).toEqual([nameOf(fns().publisher)]);
    codes.forEach((code, i) => {
      const worker = nameOf(fns().workers[code] as BridgeFunction);
      expect({ code, readers: readers(s.posApi[i] as string) }).toEqual({ code, readers: [worker] });
      expect({ code, readers: readers(s.merchantApi[i] as string) }).toEqual({ code, readers: [worker] });
    });
  });

  test('a secret is written only where a credential is renewed: a renewing adapter’s worker, its merchants’ secrets', () => {
    const s = secrets();
    const everySecret = [...apiCredentials(), ...verificationSecrets()];
    const writes = everyFn().flatMap((fn) =>
      everySecret.filter((name) => mayUseSecret(built, fn, WRITE, name)).map((name) => `${nameOf(fn)} → ${name}`),
    );
    const renewals = renewing.map((code) => {
      const i = codes.indexOf(code);
      return `${nameOf(fns().workers[code] as BridgeFunction)} → ${s.merchantApi[i]}`;
    });
    expect(writes.sort()).toEqual(renewals.sort());
  });

  test('a K-Series business’s shared OAuth secret (a location’s oauthSecret) is read and written by the K-Series worker only', () => {
    const business = `${prefix()}/pos/lightspeedk/business/9001`;
    const users = (action: string) =>
      everyFn()
        .filter((fn) => mayUseSecret(built, fn, action, business))
        .map(nameOf);
    const worker = nameOf(fns().workers.lightspeedk as BridgeFunction);
    expect(users(READ)).toEqual([worker]);
    expect(users(WRITE)).toEqual([worker]);
  });
});

describe('the local runtime', () => {
  test('names its secrets as a stage named local would, and keeps each kind in its own secret', () => {
    const local = 'local';
    expect(config.secretNames).toEqual({
      sinqro: `${secretPrefix(local)}/sinqro`,
      sinqroWebhook: sinqroWebhookSecretName(local),
      pos: Object.fromEntries(codes.map((code) => [code, `${secretPrefix(local)}/pos/${code}`])),
      posWebhook: Object.fromEntries(codes.map((code) => [code, posWebhookSecretName(local, code)])),
    });
    for (const [name, value] of Object.entries(localSecrets)) {
      const verifies = 'webhookSigningSecrets' in value;
      expect({ name, verifies }).toEqual({ name, verifies: name.startsWith(`${webhookSecretsPrefix(local)}/`) });
      // A webhook secret holds what verifies a request (K-Series adds its path token and Basic user), nothing
      // the bridge calls anyone with.
      const verification = ['webhookSigningSecrets', 'webhookPathToken', 'webhookUsername'];
      if (verifies)
        expect({ name, other: Object.keys(value).filter((f) => !verification.includes(f)) }).toEqual({
          name,
          other: [],
        });
    }
  });
});

describe('table writes', () => {
  const WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

  /** What each function declares (functions/store/table-writes.ts), as the stack builds it. */
  const declared = (): [BridgeFunction, TableWrites][] => {
    const f = fns();
    return [
      [f.sinqroWebhook, TABLE_WRITES.sinqroReceiver],
      [f.sinqroEvents, TABLE_WRITES.sinqroReceiver],
      [f.posWebhook, TABLE_WRITES.posReceiver(codes)],
      [f.publisher, TABLE_WRITES.publisher],
      [f.scheduler, TABLE_WRITES.scheduler],
      ...ADAPTERS.map((a): [BridgeFunction, TableWrites] => [
        f.workers[a.code] as BridgeFunction,
        TABLE_WRITES.worker(a),
      ]),
    ];
  };

  test('every statement allowing a table write names the partitions it applies to (LeadingKeys, key required)', () => {
    for (const fn of everyFn()) {
      for (const s of statementsOf(built, fn).filter((st) => actionsOf(st).some((a) => WRITES.includes(a)))) {
        expect({ fn: nameOf(fn), condition: s.Condition }).toEqual({
          fn: nameOf(fn),
          condition: {
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': expect.any(Array) },
            Null: { 'dynamodb:LeadingKeys': 'false' },
          },
        });
      }
    }
  });

  test('each function may put, update and batch-write exactly in the partitions it declares, and delete only where it declares', () => {
    for (const [fn, writes] of declared()) {
      const leadingKeys = (action: string) =>
        statementsOf(built, fn)
          .filter((s) => s.Effect === 'Allow' && actionsOf(s).includes(action))
          .flatMap(
            (s) =>
              (s.Condition as Record<string, Record<string, string[]>> | undefined)?.['ForAllValues:StringLike']?.[
                'dynamodb:LeadingKeys'
              ] ?? ['(any partition)'],
          )
          .sort();
      const sorted = (list: readonly string[]) => [...list].sort();
      const granted = WRITES.filter((a) => a !== 'dynamodb:DeleteItem' && allowedActions(built, fn).has(a));
      // A function that declares partitions writes in them; one that declares none may write nothing.
      expect({ fn: nameOf(fn), writes: granted.length > 0 }).toEqual({
        fn: nameOf(fn),
        writes: writes.partitions.length > 0,
      });
      for (const action of granted)
        expect({ fn: nameOf(fn), action, in: leadingKeys(action) }).toEqual({
          fn: nameOf(fn),
          action,
          in: sorted(writes.partitions),
        });
      expect({ fn: nameOf(fn), delete: leadingKeys('dynamodb:DeleteItem') }).toEqual({
        fn: nameOf(fn),
        delete: sorted(writes.deletes),
      });
    }
  });

  /** One item of each kind the table holds, by its partition key (functions/store/table.ts). */
  const items = {
    link: keys.link(5120).PK,
    restaurantsList: keys.restaurantsPK,
    order: keys.order('order', 900001).PK,
    reservation: keys.order('reservation', 900001).PK,
    openMarker: keys.openOrdersPK(5120),
    catalogMap: keys.catalogPartition(5120),
    credentialLease: keys.credentialLease(`${secretPrefix('sandbox')}/pos/square/MERCHANT0001`).PK,
    sinqroDedupe: keys.dedupe('sinqro', 'evt-1').PK,
  };
  const writers = (pk: string, action = 'dynamodb:PutItem') =>
    everyFn()
      .filter((fn) => mayWriteTable(built, fn, action, pk))
      .map(nameOf)
      .sort();

  test('no internet-facing function may write a link, an order, a marker, the catalog map or a credential lease', () => {
    const forbidden = [
      items.link,
      items.restaurantsList,
      items.order,
      items.reservation,
      items.openMarker,
      items.catalogMap,
      items.credentialLease,
    ];
    for (const fn of internetFacing()) {
      for (const action of WRITES) {
        const allowed = forbidden.filter((pk) => mayWriteTable(built, fn, action, pk));
        expect({ fn: nameOf(fn), action, allowed }).toEqual({ fn: nameOf(fn), action, allowed: [] });
      }
    }
  });

  test('no function may write the restaurants list or a link’s list entry: only operators link restaurants', () => {
    for (const action of WRITES)
      expect({ action, writers: writers(items.restaurantsList, action) }).toEqual({ action, writers: [] });
  });

  test("only Sinqro's receivers may record Sinqro's event ids; a POS's webhook only its own adapter's", () => {
    expect(writers(items.sinqroDedupe)).toEqual([nameOf(fns().sinqroEvents), nameOf(fns().sinqroWebhook)].sort());
    for (const code of codes) expect(writers(keys.dedupe(code, 'evt-1').PK)).toEqual([nameOf(fns().posWebhook)]);
  });

  test('only the worker of an adapter that renews credentials may take a renewal lease', () => {
    const expected = renewing.map((code) => nameOf(fns().workers[code] as BridgeFunction)).sort();
    expect(writers(items.credentialLease)).toEqual(expected);
  });

  test('only workers delete open-order markers; only the publisher deletes catalog map entries', () => {
    const workers = Object.values(fns().workers).map(nameOf).sort();
    expect(writers(items.openMarker, 'dynamodb:DeleteItem')).toEqual(workers);
    expect(writers(items.catalogMap, 'dynamodb:DeleteItem')).toEqual([nameOf(fns().publisher)]);
    expect(writers(items.order, 'dynamodb:DeleteItem')).toEqual([]);
  });
});
