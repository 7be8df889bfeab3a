/** The environment and secrets the stack gives the functions, for handler tests (functions/infra/env.ts). */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';
import { setLogSink } from '../../../functions/infra/logger';
import { clearLinkCache } from '../../../functions/store/link-cache';
import { SELLING_POINT_ID } from './fixtures';
import type { SecretsFile } from './secrets-file';

export const TABLE = 'bridge-test-table';
export const WORK_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/bridge-work-reference';
export const TO_SINQRO_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/bridge-to-sinqro';
/** API credentials: Sinqro's server token (the publisher's) and the reference POS's API key (its worker's). */
export const SINQRO_SECRET_NAME = 'bridge/test/sinqro';
export const POS_SECRET_NAME = 'bridge/test/pos/reference';
/** Webhook-verification secrets: Sinqro's (sinqro-webhook's) and the reference POS's (pos-webhook's). */
export const SINQRO_WEBHOOK_SECRET_NAME = 'bridge/test/webhooks/sinqro';
export const POS_WEBHOOK_SECRET_NAME = 'bridge/test/webhooks/pos/reference';
export const RESTAURANT_SECRET_NAME = 'bridge/test/restaurants/5120';
export const SINQRO_SIGNING_SECRET = 'sinqro-signing-secret-0123456789abcdef';
export const POS_SIGNING_SECRET = 'refpos-signing-secret-0123456789abcdef';
export const POS_LOCATION_ID = 'loc-9';

const ENV = {
  TABLE_NAME: TABLE,
  SINQRO_SECRET_NAME,
  SINQRO_WEBHOOK_SECRET_NAME,
  WORK_QUEUE_URL_REFERENCE: WORK_QUEUE_URL,
  POS_SECRET_NAME_REFERENCE: POS_SECRET_NAME,
  POS_WEBHOOK_SECRET_NAME_REFERENCE: POS_WEBHOOK_SECRET_NAME,
  POS_BASE_URL_REFERENCE: 'http://127.0.0.1:9/unused',
  TO_SINQRO_QUEUE_URL,
  POS_CODE: 'reference',
};

export function setBridgeEnv(): void {
  Object.assign(process.env, ENV);
  clearLinkCache();
}

export function clearBridgeEnv(): void {
  for (const name of Object.keys(ENV)) delete process.env[name];
}

/** Every secret the stack names, split as deployed: webhook-verification secrets apart from API credentials. */
export function bridgeSecrets(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    [SINQRO_WEBHOOK_SECRET_NAME]: { webhookSigningSecrets: [SINQRO_SIGNING_SECRET] },
    [SINQRO_SECRET_NAME]: { serverAccessToken: 'server-token' },
    [POS_WEBHOOK_SECRET_NAME]: { webhookSigningSecrets: [POS_SIGNING_SECRET] },
    [POS_SECRET_NAME]: { apiKey: 'refpos-api-key' },
    [RESTAURANT_SECRET_NAME]: { userAccessToken: 'user-token-5120' },
    ...overrides,
  };
}

export function writeBridgeSecrets(secrets: SecretsFile, overrides: Record<string, unknown> = {}): void {
  secrets.write(bridgeSecrets(overrides));
}

export function linkItem(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    PK: `REST#${SELLING_POINT_ID}`,
    SK: 'LINK',
    GSI1PK: `POSLOC#reference#${POS_LOCATION_ID}`,
    GSI1SK: `REST#${SELLING_POINT_ID}`,
    restaurantId: SELLING_POINT_ID,
    posCode: 'reference',
    posLocationId: POS_LOCATION_ID,
    sinqroTokenSecret: RESTAURANT_SECRET_NAME,
    enabled: true,
    createdAt: '2025-03-01T00:00:00.000Z',
    ...overrides,
  };
}

/** The restaurant is linked: both lookups (by Sinqro id and by POS location) find it; any other lookup finds nothing. */
// biome-ignore lint/suspicious/noExplicitAny: the document client's stub is generic over its whole command set
export function linkRestaurant(ddb: AwsStub<any, any, any>, overrides: Record<string, unknown> = {}): void {
  ddb.on(GetCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(GetCommand, { Key: { PK: `REST#${SELLING_POINT_ID}`, SK: 'LINK' } }).resolves({ Item: linkItem(overrides) });
  ddb
    .on(QueryCommand, { ExpressionAttributeValues: { ':pk': `POSLOC#reference#${POS_LOCATION_ID}` } })
    .resolves({ Items: [linkItem(overrides)] });
}

/** These events were taken before: their dedupe records (`DEDUPE#<source>#<id>`) are in the table. */
// biome-ignore lint/suspicious/noExplicitAny: the document client's stub is generic over its whole command set
export function alreadySeen(ddb: AwsStub<any, any, any>, ...pks: string[]): void {
  for (const pk of pks) ddb.on(GetCommand, { Key: { PK: pk, SK: '-' } }).resolves({ Item: { PK: pk, SK: '-' } });
}

/** Collects log lines instead of printing them, so tests stay quiet and can check what was logged. */
export function captureLogs(): string[] {
  const lines: string[] = [];
  setLogSink((line) => lines.push(line));
  return lines;
}
