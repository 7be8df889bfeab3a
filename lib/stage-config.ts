/**
 * Everything that differs between environments, in one place. `cdk synth|deploy -c stage=<name>`
 * picks one; the stack reads nothing else from the outside.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LSK_HOSTS } from '../adapters/lightspeed-k/api';
import type { AdapterSettings } from '../adapters/port';
import { SQUARE_HOSTS } from '../adapters/square/api';
import { posWebhooksPrefix } from '../functions/routes';

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

/** API Gateway's token bucket for a route: requests per second in the long run, and how many it takes at once. */
export type Throttle = { rateLimit: number; burstLimit: number };

/**
 * What a flood on the public webhook API can take (docs/operations.md, "Abuse bulkheads"): API Gateway
 * answers 429 above the throttles without invoking anything, and each ingress function runs at most
 * its reserved concurrency, which no other function can take either, so the workers, the publisher
 * and the scheduler keep the rest of the account's concurrency.
 */
export type IngressLimits = {
  /** Every route's limits (the stage's default route throttling). */
  throttle: Throttle;
  /** Tighter limits for single routes, by route name: `sinqro` (POST /sinqro/events) or an adapter code. */
  routeThrottle?: Record<string, Throttle>;
  /** Reserved concurrency of each ingress function: all it may use at once, and what it always has. */
  reservedConcurrency: { sinqroWebhook: number; posWebhook: number; sinqroEvents: number };
  /** The account's Lambda concurrency quota in the stack's region. Default: 1,000, AWS's default. */
  accountConcurrency?: number;
};

/**
 * A domain of our own for the webhook API, so the URL a POS signs (Square) survives the API being
 * replaced. The certificate (ACM, in the stack's region) must cover the name; the DNS record (a CNAME
 * or alias to the `CustomDomainTarget` output) is made where the domain's zone lives.
 */
export type CustomDomainConfig = { domainName: string; certificateArn: string };

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
  ingress: IngressLimits;
  /** Optional. Without it the webhook URLs are the API's generated ones (README, Deploy). */
  customDomain?: CustomDomainConfig;
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
        // Placeholder: this stage has no custom domain, so after the first deploy it becomes the
        // generated `PosWebhookUrlSquare` output + `events` (README, Deploy: the two-step first deploy).
        settings: {
          webhookNotificationUrl: 'https://pos-webhooks.sandbox.sinqro-bridge.example/square/webhooks/events',
        },
      },
      // Lightspeed's demo environment; API clients are bound to it. Placeholder platform code until Lightspeed issues ours.
      lightspeedk: { baseUrl: LSK_HOSTS.trial, settings: { platformCode: 'SINQRO' } },
    },
    schedule: DEFAULT_SCHEDULE,
    alarms: {
      oldestMessageAge: Duration.minutes(5),
      // Placeholder: the team's sandbox alerts address.
      topic: { emails: ['pos-bridge-sandbox-alerts@example.com'] },
    },
    // A test stage: a tenth of production's limits, 20 of the account's concurrency (docs/operations.md).
    ingress: {
      throttle: { rateLimit: 30, burstLimit: 60 },
      routeThrottle: { sinqro: { rateLimit: 10, burstLimit: 20 } },
      reservedConcurrency: { sinqroWebhook: 5, posWebhook: 10, sinqroEvents: 5 },
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
        // Placeholder: the name production's custom domain will have (`customDomain`, docs/operations.md),
        // once its certificate is issued in the stack's region; until then, as in sandbox.
        settings: { webhookNotificationUrl: 'https://pos-webhooks.sinqro-bridge.example/square/webhooks/events' },
      },
      lightspeedk: { baseUrl: LSK_HOSTS.production, settings: { platformCode: 'SINQRO' } },
    },
    schedule: DEFAULT_SCHEDULE,
    alarms: {
      oldestMessageAge: Duration.minutes(5),
      // Placeholder until operations names its on-call address (or an existing topic: `{ arn: '…' }`).
      topic: { emails: ['pos-bridge-alerts@example.com'] },
    },
    // Sized in docs/operations.md ("Abuse bulkheads"): 100 of the account's 1,000, 900 left to the consumers.
    ingress: {
      throttle: { rateLimit: 300, burstLimit: 600 },
      routeThrottle: { sinqro: { rateLimit: 100, burstLimit: 200 } },
      reservedConcurrency: { sinqroWebhook: 25, posWebhook: 50, sinqroEvents: 25 },
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

/** API Gateway's default throttle quota per account and region (docs.aws.amazon.com/apigateway/latest/developerguide/limits.html). */
const ACCOUNT_THROTTLE: Throttle = { rateLimit: 10_000, burstLimit: 5_000 };
/** Lambda refuses a reservation that leaves fewer unreserved (docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html). */
const UNRESERVED_CONCURRENCY_MINIMUM = 100;
const DEFAULT_ACCOUNT_CONCURRENCY = 1000;

/**
 * The stage's ingress limits, checked: throttles within the account's, route limits no looser than
 * the stage's and only for routes that exist (`routeNames`), a reservation for every ingress function
 * that leaves the account its unreserved minimum.
 */
export function ingressLimits(stage: Stage, routeNames: readonly string[]): Required<IngressLimits> {
  const where = `stage "${stage.name}": ingress`;
  const limits = stage.ingress as Partial<IngressLimits> | undefined;
  if (!limits) throw new Error(`${where} is missing: throttles and reserved concurrency (lib/stage-config.ts)`);
  const throttle = checkThrottle(limits.throttle, `${where}.throttle`, ACCOUNT_THROTTLE, "the account's quota");
  const routeThrottle: Record<string, Throttle> = {};
  for (const [name, routeLimits] of Object.entries(limits.routeThrottle ?? {})) {
    if (!routeNames.includes(name))
      throw new Error(`${where}.routeThrottle.${name} names no route: one of ${routeNames.join(', ')}`);
    const at = `${where}.routeThrottle.${name}`;
    routeThrottle[name] = checkThrottle(routeLimits, at, throttle, 'tighter than the stage');
  }
  const accountConcurrency = limits.accountConcurrency ?? DEFAULT_ACCOUNT_CONCURRENCY;
  const reservedConcurrency = checkReservations(limits.reservedConcurrency, accountConcurrency, where);
  return { throttle, routeThrottle, reservedConcurrency, accountConcurrency };
}

const INGRESS_FUNCTIONS = ['sinqroWebhook', 'posWebhook', 'sinqroEvents'] as const;

function checkReservations(value: unknown, accountConcurrency: number, where: string) {
  const reservable = accountConcurrency - UNRESERVED_CONCURRENCY_MINIMUM;
  if (!Number.isInteger(accountConcurrency) || reservable < INGRESS_FUNCTIONS.length)
    throw new Error(
      `${where}.accountConcurrency ${accountConcurrency}: Lambda keeps ${UNRESERVED_CONCURRENCY_MINIMUM} unreserved, so ` +
        `an account needs at least ${UNRESERVED_CONCURRENCY_MINIMUM + INGRESS_FUNCTIONS.length} to reserve for ` +
        'the ingress functions (request a quota increase)',
    );
  const reserved = (value ?? {}) as Partial<Record<(typeof INGRESS_FUNCTIONS)[number], unknown>>;
  let total = 0;
  for (const name of INGRESS_FUNCTIONS) {
    const count = reserved[name];
    if (!Number.isInteger(count) || (count as number) < 1)
      throw new Error(
        `${where}.reservedConcurrency.${name} must be a whole number of at least 1, got ${String(count)}`,
      );
    total += count as number;
  }
  if (total > reservable)
    throw new Error(
      `${where}.reservedConcurrency reserves ${total} of the account's ${accountConcurrency}, leaving fewer than ` +
        `the ${UNRESERVED_CONCURRENCY_MINIMUM} Lambda keeps unreserved (at most ${reservable})`,
    );
  return reserved as IngressLimits['reservedConcurrency'];
}

function checkThrottle(value: unknown, where: string, ceiling: Throttle, ceilingName: string): Throttle {
  const { rateLimit, burstLimit } = (value ?? {}) as Partial<Record<keyof Throttle, unknown>>;
  if (typeof rateLimit !== 'number' || !Number.isFinite(rateLimit) || rateLimit <= 0)
    throw new Error(`${where}.rateLimit must be a number of requests per second above 0, got ${String(rateLimit)}`);
  if (!Number.isInteger(burstLimit) || (burstLimit as number) < 1)
    throw new Error(`${where}.burstLimit must be a whole number of requests of at least 1, got ${String(burstLimit)}`);
  if (rateLimit > ceiling.rateLimit)
    throw new Error(`${where}.rateLimit ${rateLimit} must be ${ceilingName} (at most ${ceiling.rateLimit})`);
  if ((burstLimit as number) > ceiling.burstLimit)
    throw new Error(`${where}.burstLimit ${burstLimit} must be ${ceilingName} (at most ${ceiling.burstLimit})`);
  return { rateLimit, burstLimit: burstLimit as number };
}

const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[0-9a-f-]{36}$/;

/** The region of an ACM certificate ARN (checked by customDomainConfig). */
export const certificateRegion = (arn: string) => CERTIFICATE_ARN.exec(arn)?.[1];

/**
 * The stage's custom domain, checked, or undefined: a lowercase host name (no scheme, no wildcard),
 * an ACM certificate ARN, and every POS notification URL on that domain and that POS's route (a POS
 * that signs the URL would otherwise sign one the bridge does not compare against).
 */
export function customDomainConfig(stage: Stage): CustomDomainConfig | undefined {
  if (stage.customDomain === undefined) return undefined;
  const where = `stage "${stage.name}": customDomain`;
  const { domainName, certificateArn } = stage.customDomain as Partial<Record<keyof CustomDomainConfig, unknown>>;
  if (typeof domainName !== 'string' || !DOMAIN_NAME.test(domainName))
    throw new Error(
      `${where}.domainName must be a lowercase host name such as hooks.example.com, got ${String(domainName)}`,
    );
  if (typeof certificateArn !== 'string' || !CERTIFICATE_ARN.test(certificateArn))
    throw new Error(`${where}.certificateArn must be an ACM certificate ARN, got ${String(certificateArn)}`);
  for (const [code, config] of Object.entries(stage.adapters)) {
    const url = config.settings?.webhookNotificationUrl;
    const expected = `https://${domainName}${posWebhooksPrefix(code)}`;
    if (url !== undefined && !url.startsWith(expected))
      throw new Error(
        `stage "${stage.name}": adapters.${code}.settings.webhookNotificationUrl ${url} is not on the custom domain: it must start with ${expected}`,
      );
  }
  return { domainName, certificateArn };
}
