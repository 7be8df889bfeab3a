/**
 * cdk-nag's AwsSolutions checks on the bridge stack, and every finding the stack deliberately keeps,
 * each with its reason. What could be fixed was fixed in the constructs instead:
 * - AwsSolutions-IAM4: every function has its own role (lib/bridge-function.ts) that may write to its
 *   own log group only, instead of the AWSLambdaBasicExecutionRole managed policy.
 * - AwsSolutions-SQS2/SQS3/SQS4: work queues have a DLQ; all queues use SSE and refuse non-TLS access.
 * - AwsSolutions-APIG1: the HTTP API stage writes access logs (lib/webhook-api.ts).
 * - AwsSolutions-DDB3: the table has point-in-time recovery.
 * - AwsSolutions-SNS3 / KMS5: the alarm topic is encrypted with its own rotating KMS key and refuses
 *   non-TLS publishing (lib/alarms.ts).
 * - AwsSolutions-SMG4 does not arise: secrets are created by operators and only imported by name.
 * IAM5 suppressions name the exact wildcard resource (`appliesTo`), so any other wildcard still fails.
 */
import { Aspects } from 'aws-cdk-lib';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks, NagSuppressions } from 'cdk-nag';
import { BridgeFunction } from './bridge-function';
import type { BridgeStack } from './bridge-stack';
import { posWebhookSecretName, restaurantPosSecretsPrefix, restaurantSecretsPrefix } from './stage-config';

export const REASONS = {
  L1:
    'nodejs22.x is the deliberate deploy runtime (the Node 22 floor of the libraries; Lambda standard support ' +
    'until 30 Apr 2027, https://endoflife.date/aws-lambda). Moving to nodejs24.x is a separate, tested change, not a lint fix.',
  restaurantSecrets:
    "Per-restaurant Sinqro user tokens: each restaurant's secret is named in its link item, created by operators " +
    'at onboarding, so the publisher cannot know the names at deploy time. Read-only (GetSecretValue) and ' +
    "limited to this stage's restaurants/ prefix.",
  restaurantPosSecrets:
    "Per-restaurant POS credentials of this adapter (a link's optional posSecret), created by operators at " +
    'onboarding. Read-only (GetSecretValue) and limited to this stage and this adapter prefix.',
  perLocationWebhookSecrets:
    "A location's own webhook signing secrets (a link's posWebhookSecret) for an adapter whose POS signs per " +
    'location: pos-webhook verifies such a location with them instead of the adapter-wide secret. Read-only ' +
    "(GetSecretValue), limited to this stage's webhook secrets of this adapter (never an API credential), and " +
    'only for adapters that declare it.',
  webhookRoutes:
    'Public webhook routes for Sinqro and the POS systems, which sign each delivery with an HMAC on the raw body. ' +
    'The handler verifies it (timing-safe, replay window, two secrets during rotation) before anything is read; ' +
    'an HTTP API authorizer cannot see the body, and the senders support no other authentication.',
  eventBusDlq:
    'This queue is itself a dead-letter queue: the EventBridge rule target and the Lambda asynchronous-invoke ' +
    'onFailure destination send failed Sinqro events to it (cdk-nag only recognises SQS redrive policies). ' +
    'It has an alarm on any message and is redriven with the CLI.',
} as const;

/**
 * The IAM5 finding for `arn:<partition>:secretsmanager:<region>:<account>:secret:<prefix>/*`, whether
 * partition, region and account are concrete (env given at synth) or pseudo parameters (`<AWS::Region>`).
 */
function secretPrefixFinding(prefix: string): { regex: string } {
  const part = '(?:<AWS::[A-Za-z]+>|[^:<>]+)';
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return { regex: `/^Resource::arn:${part}:secretsmanager:${part}:${part}:secret:${escaped}\\/\\*$/` };
}

/** Records the findings this stack keeps (with their reasons) on the constructs that raise them. */
export function applyNagSuppressions(stack: BridgeStack): void {
  const stage = stack.stage.name;

  for (const fn of stack.node.findAll().filter((c): c is BridgeFunction => c instanceof BridgeFunction)) {
    // Only the pinned runtime is excused: a function on any other outdated runtime still fails.
    if (fn.runtime === Runtime.NODEJS_22_X)
      NagSuppressions.addResourceSuppressions(fn, [{ id: 'AwsSolutions-L1', reason: REASONS.L1 }]);
  }

  const publisherRole = stack.functions.publisher.role;
  if (publisherRole) {
    NagSuppressions.addResourceSuppressions(
      publisherRole,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: REASONS.restaurantSecrets,
          appliesTo: [secretPrefixFinding(restaurantSecretsPrefix(stage))],
        },
      ],
      true,
    );
  }
  for (const [code, worker] of Object.entries(stack.workers)) {
    if (!worker.fn.role) continue;
    NagSuppressions.addResourceSuppressions(
      worker.fn.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: REASONS.restaurantPosSecrets,
          appliesTo: [secretPrefixFinding(restaurantPosSecretsPrefix(stage, code))],
        },
      ],
      true,
    );
  }

  const posWebhookRole = stack.functions.posWebhook.role;
  if (posWebhookRole && stack.perLocationWebhookSecrets.length > 0) {
    NagSuppressions.addResourceSuppressions(
      posWebhookRole,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: REASONS.perLocationWebhookSecrets,
          appliesTo: stack.perLocationWebhookSecrets.map((code) =>
            secretPrefixFinding(posWebhookSecretName(stage, code)),
          ),
        },
      ],
      true,
    );
  }

  NagSuppressions.addResourceSuppressions(stack.api.routes, [
    { id: 'AwsSolutions-APIG4', reason: REASONS.webhookRoutes },
  ]);

  NagSuppressions.addResourceSuppressions(stack.events.deadLetterQueue, [
    { id: 'AwsSolutions-SQS3', reason: REASONS.eventBusDlq },
  ]);
}

/**
 * Runs the AwsSolutions pack over the stack (at synth, and in the infra tests) with the suppressions
 * above. Findings become error/warning annotations: `cdk synth` prints them and exits non-zero on errors.
 */
export function applyNag(stack: BridgeStack): void {
  applyNagSuppressions(stack);
  Aspects.of(stack).add(new AwsSolutionsChecks());
}
