/**
 * What an adapter does in one stage: its declared capabilities with the stage's settings applied.
 * A webhook switched off in the settings does not make a feature disappear: the bridge polls the POS
 * instead, or, when the adapter says the POS cannot be read back (`withoutWebhook`), the feature is
 * unsupported there, with that reason. The scheduler, the report and the workers all read capabilities
 * through here.
 */
import type { AdapterSettings, Capabilities, FeatureId, FeatureSupport, PosAdapter } from './port';

export const STATUS_FEATURES: readonly FeatureId[] = ['F2', 'F3', 'F4'];
export const AVAILABILITY_FEATURES: readonly FeatureId[] = ['F7', 'F8'];

export const POLLING_NOTES = {
  status: 'the POS has no status webhook here: the bridge polls open orders',
  availability: 'the POS has no availability webhook here: the bridge polls availability and opening hours',
} as const;

export function effectiveCapabilities(
  adapter: Pick<PosAdapter, 'capabilities'>,
  settings: AdapterSettings = {},
): Capabilities {
  const switchedOff: { features: readonly FeatureId[]; note: string }[] = [];
  if (settings.statusWebhooks === false) switchedOff.push({ features: STATUS_FEATURES, note: POLLING_NOTES.status });
  if (settings.availabilityWebhooks === false)
    switchedOff.push({ features: AVAILABILITY_FEATURES, note: POLLING_NOTES.availability });
  const apply = (declared: Record<FeatureId, FeatureSupport>): Record<FeatureId, FeatureSupport> => {
    const result = { ...declared };
    for (const { features, note } of switchedOff) {
      for (const id of features) {
        const support = result[id];
        if (support.mechanism === 'webhook') result[id] = support.withoutWebhook ?? { mechanism: 'polling', note };
      }
    }
    return result;
  };
  return { orders: apply(adapter.capabilities.orders), reservations: apply(adapter.capabilities.reservations) };
}

const anyUses = (caps: Capabilities, features: readonly FeatureId[], mechanism: FeatureSupport['mechanism']) =>
  features.some((id) => caps.orders[id].mechanism === mechanism || caps.reservations[id].mechanism === mechanism);

/** The bridge must ask the POS for order / reservation statuses on a schedule. */
export const pollsStatus = (caps: Capabilities) => anyUses(caps, STATUS_FEATURES, 'polling');

/** The bridge must read availability and opening hours on a schedule. */
export const pollsAvailability = (caps: Capabilities) => anyUses(caps, AVAILABILITY_FEATURES, 'polling');

/** The feature works by any mechanism, for orders or reservations. */
export const supports = (caps: Capabilities, id: FeatureId) =>
  caps.orders[id].mechanism !== 'unsupported' || caps.reservations[id].mechanism !== 'unsupported';
