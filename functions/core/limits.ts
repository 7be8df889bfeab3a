/** The queues are created with this maximum message size (the stack and the local runtime read it here). */
export const MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * Receives before SQS moves a message to its DLQ (the stack's queues and the local runtime's). With the
 * backoff of retry-backoff.ts from its 30 s floor, the 13 waits before the last receive add up to at
 * least 147,810 s (41 h), so an outage of a day is retried through; see docs/operations.md.
 */
export const MAX_RECEIVE_COUNT = 14;
