/** The queues are created with this maximum message size (the stack and the local runtime read it here). */
export const MAX_MESSAGE_BYTES = 256 * 1024;
