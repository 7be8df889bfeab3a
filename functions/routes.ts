/**
 * The HTTP API's routes (all POST) and the function behind each: the stack and the local gateway both
 * build theirs from `httpRoutes`. Each registered POS gets a route of its own, so a request for a POS
 * code nobody registered is answered 404 by the gateway and never reaches (or bills) a function.
 */
export type HttpRouteSpec = {
  /** What the stage config names the route by (`ingress.routeThrottle`): `sinqro` or the adapter code. */
  name: string;
  /** Path template as in API Gateway. */
  path: string;
  functionName: 'sinqro-webhook' | 'pos-webhook';
};

export const SINQRO_EVENTS_ROUTE = { name: 'sinqro', path: '/sinqro/events', functionName: 'sinqro-webhook' } as const;

/** `square` → `/square/webhooks/`: where every webhook path of that POS starts. */
/** The function every POS's webhook route invokes. */
export const POS_WEBHOOK_FUNCTION = 'pos-webhook' as const;

export const posWebhooksPrefix = (posCode: string) => `/${posCode}/webhooks/`;

/** `square` → `/square/webhooks/{any+}`: the rest of the path is the POS's own (Square: `events`). */
export const posWebhooksPath = (posCode: string) => `${posWebhooksPrefix(posCode)}{any+}`;

export function httpRoutes(posCodes: readonly string[]): HttpRouteSpec[] {
  if (posCodes.includes(SINQRO_EVENTS_ROUTE.name))
    throw new Error(`"${SINQRO_EVENTS_ROUTE.name}" names Sinqro's route and cannot be a POS adapter code`);
  return [
    SINQRO_EVENTS_ROUTE,
    ...posCodes.map((code) => ({ name: code, path: posWebhooksPath(code), functionName: POS_WEBHOOK_FUNCTION })),
  ];
}

export const routeKey = (route: Pick<HttpRouteSpec, 'path'>) => `POST ${route.path}`;

/**
 * The POS code of a pos-webhook request, from the route it came through (`POST /square/webhooks/{any+}`):
 * the route key, unlike the raw path, does not change under a custom domain's API mapping.
 */
export function posCodeOfRouteKey(key: string): string | undefined {
  return /^POST \/([^/]+)\/webhooks\//.exec(key)?.[1];
}
