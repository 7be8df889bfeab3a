/**
 * The bridge's POS-neutral availability (F7) and opening hours (F8). Adapters map their POS's shapes
 * to these; the bridge converts them to Sinqro's temporary closure and schedule ranges.
 */

/** A temporary closure: closed from `from` until `until` (open-ended when absent), or open. */
export type PosAvailability = { closed: false } | { closed: true; from: string; until?: string; reason?: string };

/** ISO weekday: 1 = Monday … 7 = Sunday (Sinqro's day ids use the same numbering). */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * Weekly opening hours in the restaurant's own timezone. A range whose `close` is not after its
 * `open` (e.g. 20:00–02:00) runs past midnight into the next day. Several ranges on one day are
 * split shifts.
 */
export type PosOpeningHours = {
  timezone: string;
  ranges: { day: IsoWeekday; open: string; close: string }[];
};
