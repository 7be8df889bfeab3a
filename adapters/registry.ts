/** Every POS adapter the bridge ships. Add one line here to add a POS: the stack and local runtime follow. */
import { lightspeedKAdapter } from './lightspeed-k';
import type { PosAdapter } from './port';
import { referenceAdapter } from './reference';
import { squareAdapter } from './square';

export const ADAPTERS: readonly PosAdapter[] = [referenceAdapter, squareAdapter, lightspeedKAdapter];

export function findAdapter(code: string): PosAdapter | undefined {
  return ADAPTERS.find((a) => a.code === code);
}
