/** The one table's key design (DESIGN.md §4), shared by the CDK stack and the local runtime. */
export const TABLE = {
  partitionKey: 'PK',
  sortKey: 'SK',
  gsi1: { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
  ttlAttribute: 'expiresAt',
} as const;

export const keys = {
  link: (restaurantId: number | string) => ({ PK: `REST#${restaurantId}`, SK: 'LINK' }),
  /** One entry per link in one partition, so links are listed with a Query (never a Scan). */
  restaurantsPK: 'RESTAURANTS',
  restaurantEntry: (restaurantId: number | string) => ({ PK: 'RESTAURANTS', SK: `REST#${restaurantId}` }),
  posLocation: (posCode: string, locationId: string) => `POSLOC#${posCode}#${locationId}`,
  order: (orderId: number | string) => ({ PK: `ORDER#${orderId}`, SK: 'STATE' }),
  posOrder: (posCode: string, posOrderId: string) => `POSORDER#${posCode}#${posOrderId}`,
  dedupe: (source: string, eventId: string) => ({ PK: `DEDUPE#${source}#${eventId}`, SK: '-' }),
  auditPrefix: 'EVT#',
  restaurantAudit: (restaurantId: number | string) => `REST#${restaurantId}`,
};
