/** The queues are created with this maximum message size (the stack and the local runtime read it here). */
export const MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * How long an SQS event source mapping gathers messages before invoking its consumer (the stack's
 * maxBatchingWindow, whole seconds on AWS; the local pollers wait the same). Each batch costs an
 * invocation, a receive and a delete whatever its size, so the wait cuts those requests per order
 * under load, for at most this much more latency per queue hop (README, Performance).
 */
export const QUEUE_BATCHING_WINDOW_SECONDS = 1;
