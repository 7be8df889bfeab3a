/** Environment the stack (or the local runtime) gives each function; read in one place. */
import type { AdapterSettings } from '../../adapters/port';

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

export const envNames = {
  table: 'TABLE_NAME',
  /** Sinqro's API credential (the module's server access token): the publisher's. */
  sinqroSecret: 'SINQRO_SECRET_NAME',
  /** Sinqro's webhook signing secrets: sinqro-webhook's. */
  sinqroWebhookSecret: 'SINQRO_WEBHOOK_SECRET_NAME',
  sinqroApiBaseUrl: 'SINQRO_API_BASE_URL',
  toSinqroQueue: 'TO_SINQRO_QUEUE_URL',
  posCode: 'POS_CODE',
  /** The stage's name (`sandbox`, `production`, `local`): the dimension of the bridge's own metrics. */
  stage: 'STAGE_NAME',
  /**
   * Per adapter: `WORK_QUEUE_URL_<CODE>`, `POS_SECRET_NAME_<CODE>` (its API credentials: the worker's),
   * `POS_WEBHOOK_SECRET_NAME_<CODE>` (its webhook signing secrets: pos-webhook's), `POS_BASE_URL_<CODE>`,
   * `POS_SETTINGS_<CODE>`.
   */
  workQueue: (posCode: string) => `WORK_QUEUE_URL_${posCode.toUpperCase()}`,
  posSecret: (posCode: string) => `POS_SECRET_NAME_${posCode.toUpperCase()}`,
  posWebhookSecret: (posCode: string) => `POS_WEBHOOK_SECRET_NAME_${posCode.toUpperCase()}`,
  posBaseUrl: (posCode: string) => `POS_BASE_URL_${posCode.toUpperCase()}`,
  /** The adapter's AdapterSettings as JSON (lib/stage-config.ts; locally local/runtime/config.json). */
  posSettings: (posCode: string) => `POS_SETTINGS_${posCode.toUpperCase()}`,
  /** Minutes after an order's or reservation's `executionTime` past which the worker no longer injects it. */
  orderExpiryGrace: 'ORDER_EXPIRY_GRACE_MINUTES',
};

/** Two hours: a late order can still be made, one from yesterday (a redrive) cannot. */
export const DEFAULT_ORDER_EXPIRY_GRACE_MINUTES = 120;

/** The stage's grace period after an order's time, in milliseconds (default two hours). */
export function orderExpiryGraceMs(): number {
  const name = envNames.orderExpiryGrace;
  const raw = process.env[name];
  if (raw === undefined || raw === '') return DEFAULT_ORDER_EXPIRY_GRACE_MINUTES * 60_000;
  const minutes = Number(raw);
  if (!Number.isSafeInteger(minutes) || minutes < 0) throw new Error(`${name} must be a whole number of minutes`);
  return minutes * 60_000;
}

/** The stage's settings for an adapter; none set means every webhook the adapter declares is on. */
export function adapterSettings(posCode: string): AdapterSettings {
  const name = envNames.posSettings(posCode);
  const raw = process.env[name];
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`${name} is not JSON`);
  }
  const settings: AdapterSettings = {};
  for (const key of ['statusWebhooks', 'availabilityWebhooks'] as const) {
    const value = (parsed as Record<string, unknown> | null)?.[key];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') throw new Error(`${name}: ${key} must be true or false`);
    settings[key] = value;
  }
  const platformCode = (parsed as Record<string, unknown> | null)?.platformCode;
  if (platformCode !== undefined) {
    if (typeof platformCode !== 'string' || !/^[A-Za-z0-9_-]{1,11}$/.test(platformCode))
      throw new Error(`${name}: platformCode must be 1–11 letters, digits, "_" or "-"`);
    settings.platformCode = platformCode;
  }
  const url = (parsed as Record<string, unknown> | null)?.webhookNotificationUrl;
  if (url !== undefined) {
    if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url))
      throw new Error(`${name}: webhookNotificationUrl must be an http(s) URL`);
    settings.webhookNotificationUrl = url;
  }
  return settings;
}
