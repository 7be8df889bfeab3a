/**
 * The time an invocation's outbound calls may still take: their deadline (ms since epoch), the
 * Lambda's remaining time less a safety margin (functions/infra/outbound.ts, `budgetFrom`).
 */
export type Budget = { deadline: number };
