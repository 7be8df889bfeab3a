/** The HTTP API's routes (all POST) and the function behind each: the stack and the local gateway both read this. */
export const HTTP_ROUTES = {
  sinqroEvents: { path: '/sinqro/events', functionName: 'sinqro-webhook' },
  posWebhooks: { path: '/{posCode}/webhooks/{any+}', functionName: 'pos-webhook' },
} as const;
