/**
 * Everything that differs between environments, in one place. `cdk synth|deploy -c stage=<name>`
 * picks one; the stack reads nothing else from the outside.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { AdapterSettings } from '../adapters/port';
import { SQUARE_HOSTS } from '../adapters/square/api';

/**
 * Where a POS adapter's API lives in this stage, and which secret holds the bridge's API credentials for
 * it. Its webhook-verification secret is named by the stage (`posWebhookSecretName`), not here.
 */
export type AdapterStageConfig = {
  baseUrl: string;
  /** The adapter's API credentials (read by its worker only). Default: `sinqro-pos-bridge/<stage>/pos/<code>`. */
  secretName?: string;
  /** Webhooks this stage's POS does not send (the bridge polls instead). Default: all on. */
  settings?: AdapterSettings;
};

/** When the scheduler runs (EventBridge rules; times in UTC). */
export type ScheduleConfig = {
  /** Polling fallback for POSes whose webhooks are off. */
  pollEvery: Duration;
  /** Stuck-order sweep over every restaurant. */
  sweepEvery: Duration;
  /** Nightly full catalog sync and hours read. */
  nightlyAt: { hour: number; minute: number };
};

/**
 * Where every alarm sends its ALARM and OK notifications: one SNS topic per stage, either
 * - `{ arn }`: a topic that already exists (e.g. the team's on-call topic, in this account and region).
 *   The stack only points the alarms at it; its policy (and key, if encrypted) must let
 *   `cloudwatch.amazonaws.com` publish (docs/operations.md); or
 * - `{ emails }`: the stack creates the topic (KMS-encrypted, TLS-only) and subscribes these addresses.
 *   Each address must confirm the subscription email AWS sends before it receives anything.
 */
export type AlarmTopicConfig = { arn: string } | { emails: string[] };

export type StageConfig = {
  /** The AWS account Sinqro puts events from; the only one the event bus accepts. */
  sinqroAccountId: string;
  /** The EventBridge `source` of Sinqro's events. */
  sinqroEventSource: string;
  sinqroApiBaseUrl: string;
  /**
   * Secret with the module's server access token (read by the publisher only). Sinqro's webhook signing
   * secrets are in a secret of their own, named by the stage (`sinqroWebhookSecretName`).
   */
  sinqroSecretName: string;
  /** Keyed by adapter code (adapters/registry.ts); every registered adapter needs an entry. */
  adapters: Record<string, AdapterStageConfig>;
  schedule: ScheduleConfig;
  /**
   * How long after an order's or reservation's time (`executionTime`) it may still be injected into the
   * POS; later (e.g. a message redriven from the DLQ a day on) it is FAILED as EXPIRED and Sinqro is told.
   * Default: 2 hours. Whole minutes.
   */
  orderExpiryGrace?: Duration;
  alarms: {
    /** A queue whose oldest message is older than this is not keeping up (or its consumer is failing). */
    oldestMessageAge: Duration;
    topic: AlarmTopicConfig;
  };
  logRetention: RetentionDays;
  /** RETAIN keeps the table (and logs) when the stack is deleted. */
  removalPolicy: RemovalPolicy;
};

export type Stage = StageConfig & { name: string };

const DEFAULT_SCHEDULE: ScheduleConfig = {
  pollEvery: Duration.minutes(1),
  sweepEvery: Duration.minutes(5),
  nightlyAt: { hour: 3, minute: 0 },
};

export const STAGES = {
  sandbox: {
    sinqroAccountId: '111111111111',
    sinqroEventSource: 'sinqro.pos-bridge',
    sinqroApiBaseUrl: 'https://sandbox-api.sinqro.com/pos-app/v1',
    sinqroSecretName: 'sinqro-pos-bridge/sandbox/sinqro',
    adapters: {
      reference: {
        baseUrl: 'https://pos.example.com/api/v1',
        settings: { statusWebhooks: true, availabilityWebhooks: true },
      },
      square: {
        baseUrl: SQUARE_HOSTS.sandbox,
        // Exactly the URL registered in the Square webhook subscription (it is part of the signature).
        settings: {
          webhookNotificationUrl: 'https://pos-webhooks.sandbox.sinqro-bridge.example/square/webhooks/events',
        },
      },
    },
    schedule: DEFAULT_SCHEDULE,
    alarms: {
      oldestMessageAge: Duration.minutes(5),
      // Placeholder: the team's sandbox alerts address.
      topic: { emails: ['pos-bridge-sandbox-alerts@example.com'] },
    },
    logRetention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  },
  production: {
    // Placeholder until Sinqro gives us the account its events come from.
    sinqroAccountId: '222222222222',
    sinqroEventSource: 'sinqro.pos-bridge',
    sinqroApiBaseUrl: 'https://api.sinqro.com/pos-app/v1',
    sinqroSecretName: 'sinqro-pos-bridge/production/sinqro',
    adapters: {
      reference: {
        baseUrl: 'https://pos.example.com/api/v1',
        settings: { statusWebhooks: true, availabilityWebhooks: true },
      },
      square: {
        baseUrl: SQUARE_HOSTS.production,
        settings: { webhookNotificationUrl: 'https://pos-webhooks.sinqro-bridge.example/square/webhooks/events' },
      },
    },
    schedule: DEFAULT_SCHEDULE,
    alarms: {
      oldestMessageAge: Duration.minutes(5),
      // Placeholder until operations names its on-call address (or an existing topic: `{ arn: '…' }`).
      topic: { emails: ['pos-bridge-alerts@example.com'] },
    },
    logRetention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.RETAIN,
  },
} satisfies Record<string, StageConfig>;

export type StageName = keyof typeof STAGES;

export function resolveStage(name: unknown): Stage {
  const known = Object.keys(STAGES);
  if (typeof name !== 'string' || !Object.hasOwn(STAGES, name)) {
    const given = name === undefined ? 'no stage' : `unknown stage "${String(name)}"`;
    throw new Error(`${given}: pass -c stage=<name>, one of: ${known.join(', ')} (defined in lib/stage-config.ts)`);
  }
  return { name, ...STAGES[name as StageName] };
}

/** Every secret the bridge reads in a stage lives under this name prefix. */
export const secretPrefix = (stage: string) => `sinqro-pos-bridge/${stage}`;

/** Per-restaurant Sinqro user-token secrets (named in each restaurant link). */
export const restaurantSecretsPrefix = (stage: string) => `${secretPrefix(stage)}/restaurants`;

/** Per-restaurant POS credentials of one adapter (a link's optional `posSecret`). */
export const restaurantPosSecretsPrefix = (stage: string, posCode: string) => `${secretPrefix(stage)}/pos/${posCode}`;

/**
 * Webhook-verification secrets (`{"webhookSigningSecrets": […]}`) live under this prefix, and nothing
 * else does: it is all the internet-facing functions may read (docs/operations.md, trust model). Their
 * names follow from the stage and are not configurable, so that boundary stays one prefix.
 */
export const webhookSecretsPrefix = (stage: string) => `${secretPrefix(stage)}/webhooks`;

/** Sinqro's webhook signing secrets (sinqro-webhook). */
export const sinqroWebhookSecretName = (stage: string) => `${webhookSecretsPrefix(stage)}/sinqro`;

/**
 * A POS adapter's webhook signing secrets (pos-webhook). Under it, for an adapter whose POS signs per
 * location, one secret per location that has its own (a link's optional `posWebhookSecret`).
 */
export const posWebhookSecretName = (stage: string, posCode: string) => `${webhookSecretsPrefix(stage)}/pos/${posCode}`;

export function adapterConfig(stage: Stage, posCode: string): Required<AdapterStageConfig> {
  const config = stage.adapters[posCode];
  if (!config) {
    throw new Error(
      `stage "${stage.name}" has no settings for POS adapter "${posCode}": add adapters.${posCode} to lib/stage-config.ts`,
    );
  }
  return {
    baseUrl: config.baseUrl,
    secretName: config.secretName ?? `${secretPrefix(stage.name)}/pos/${posCode}`,
    settings: config.settings ?? {},
  };
}

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The stage's alarm topic, checked: exactly one of `arn` or `emails`, a well-formed ARN, at least one address. */
export function alarmTopicConfig(stage: Stage): AlarmTopicConfig {
  const topic = stage.alarms.topic as Partial<{ arn: unknown; emails: unknown }> | undefined;
  const where = `stage "${stage.name}": alarms.topic`;
  if (!topic || 'arn' in topic === 'emails' in topic) {
    throw new Error(`${where} needs exactly one of { arn: '<existing SNS topic ARN>' } or { emails: ['…'] }`);
  }
  if ('arn' in topic) {
    if (typeof topic.arn !== 'string' || !TOPIC_ARN.test(topic.arn))
      throw new Error(`${where}.arn is not an SNS topic ARN: ${String(topic.arn)}`);
    return { arn: topic.arn };
  }
  const emails = topic.emails;
  if (!Array.isArray(emails) || emails.length === 0)
    throw new Error(`${where}.emails needs at least one address (or give an existing topic's arn)`);
  for (const email of emails) {
    if (typeof email !== 'string' || !EMAIL.test(email)) throw new Error(`${where}.emails: not an address: ${email}`);
  }
  if (new Set(emails).size !== emails.length) throw new Error(`${where}.emails lists an address twice`);
  return { emails: [...emails] };
}
