/** Square Location `business_hours` → the bridge's opening hours (F8); the bridge validates and converts them. */
import type { IsoWeekday, PosOpeningHours } from '../../functions/core/hours-model';
import type { SquareLocation } from './api';

const WEEKDAY: Record<string, IsoWeekday> = { MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6, SUN: 7 };

/** Square local times are `HH:MM:SS`; the bridge's are `HH:MM` (seconds are not kept by Sinqro). */
const hhmm = (time: string) => (/^\d{2}:\d{2}(:\d{2})?$/.test(time) ? time.slice(0, 5) : time);

export function toPosOpeningHours(location: SquareLocation): PosOpeningHours {
  if (!location.timezone) throw new Error(`Square location ${location.id} has no timezone`);
  return {
    timezone: location.timezone,
    // Several periods on one day are split shifts; an end not after its start runs past midnight.
    ranges: (location.business_hours?.periods ?? []).map((p) => ({
      day: WEEKDAY[p.day_of_week] as IsoWeekday,
      open: hhmm(p.start_local_time),
      close: hhmm(p.end_local_time),
    })),
  };
}
