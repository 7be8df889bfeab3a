/**
 * On-demand unit prices the benchmark turns request counts into dollars with: arm64 Lambda, HTTP API,
 * SQS (standard and FIFO), DynamoDB on-demand. us-east-1, free tiers ignored. The one place these numbers live.
 *
 * Sources (checked 2026-11-27):
 * - Lambda requests and duration: https://aws.amazon.com/lambda/pricing/
 *   (arm64 GB-s figure as in https://app.unpkg.com/artillery@2.0.28/files/lib/platform/aws-lambda/prices.js)
 * - HTTP API: https://aws.amazon.com/api-gateway/pricing/ ;
 *   https://docs.aws.amazon.com/whitepapers/latest/best-practices-api-gateway-private-apis-integration/cost-optimization.html
 * - SQS standard and FIFO: https://aws.amazon.com/sqs/pricing/ ; https://cloudburn.io/blog/amazon-sqs-pricing
 *   (FIFO $0.50 per million requests, a flat rate, against standard's $0.40; checked 2026-12-02)
 * - DynamoDB on-demand (after the November 2024 cut): https://aws.amazon.com/dynamodb/pricing/on-demand/ ;
 *   https://airbyte.com/data-engineering-resources/dynamodb-pricing
 * - Secrets Manager ($0.40 per secret-month, $0.05 per 10,000 API calls) and CloudWatch Logs ($0.50 per GB
 *   ingested): https://hivebook.wiki/wiki/aws-secrets-manager-rotated-secrets-dynamic-db-credentials-kms ;
 *   https://c3x.dev/blog/cloudwatch-logs-cost-optimization
 * - EventBridge scheduled rules (the stack's three schedules, lib/scheduler.ts): priced at $0, as their
 *   events come from AWS itself (source `aws.events`) and the pricing page bills custom, partner and
 *   cross-account events (https://aws.amazon.com/eventbridge/pricing/). Not verifiable here; either way it
 *   is per stack, not per restaurant: 52,590 events a month, $0.05 at EventBridge Scheduler's $1.00 per
 *   million (https://cloudburn.io/blog/amazon-eventbridge-pricing).
 */
export const PRICES = {
  source: 'AWS pricing pages, us-east-1, on-demand (the URLs in bench/prices.ts)',
  date: '2026-11-27',
  /** $ per request. */
  lambdaRequest: 0.2 / 1e6,
  /** $ per GB-second, arm64. */
  lambdaArm64GbSecond: 0.0000133334,
  /** $ per HTTP API request (up to 512 KB each). */
  httpApiRequest: 1.0 / 1e6,
  /** $ per SQS standard request (each 64 KB chunk of a payload is one request). */
  sqsRequest: 0.4 / 1e6,
  /** $ per SQS FIFO request (the to-sinqro queue), same 64 KB chunking. */
  sqsFifoRequest: 0.5 / 1e6,
  /** $ per DynamoDB on-demand write request unit (1 KB). */
  dynamoWru: 0.625 / 1e6,
  /** $ per DynamoDB on-demand read request unit (4 KB strongly consistent, half for eventual). */
  dynamoRru: 0.125 / 1e6,
  /** $ per Secrets Manager API call (GetSecretValue, PutSecretValue). */
  secretsManagerCall: 0.05 / 10_000,
  /** $ per secret stored, per month. */
  secretsManagerSecretMonth: 0.4,
  /** $ per GB (2^30 bytes) of CloudWatch Logs ingested. */
  logsIngestedGb: 0.5,
  /** $ per event of an EventBridge scheduled rule (an AWS service event on the default bus). */
  eventBridgeScheduledEvent: 0,
} as const;
