/**
 * What every AWS SDK client in the functions (and the operator CLI) is built with. Without a request timeout the SDK waits
 * for an answer forever: a call to SQS or DynamoDB that never answers would hold an ingress until its
 * 5 s function timeout, and nothing it meant to do afterwards would run. With these, each attempt gives
 * up after REQUEST_TIMEOUT_MS (the SDK's TimeoutError), and all the attempts together still fit in
 * the shortest function timeout (ingress, 5 s), so the function answers or cleans up itself. An AWS
 * call takes milliseconds; the margin is for the local runtime, whose servers share a busy process.
 * test/unit/aws-clients.test.ts fails for a client built in functions/, adapters/ or bin/ without it.
 */
const CONNECTION_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 1500;
/** The SDK's own default, written out because the budget above counts on it. */
export const AWS_CLIENT_MAX_ATTEMPTS = 3;

export const AWS_CLIENT_CONFIG = {
  maxAttempts: AWS_CLIENT_MAX_ATTEMPTS,
  requestHandler: {
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    // Without it this version of the SDK only logs a warning when a request exceeds its timeout.
    throwOnRequestTimeout: true,
  },
} as const;
