import type { FleetHostState, FleetRow } from '../fleet/types.js';
import { plural } from './format.js';

/** How each fleet host state is said, in the order states are listed. */
export const FLEET_STATE_TEXT: Readonly<Record<FleetHostState, string>> = {
  up: 'up',
  'not-running': 'not running',
  unreachable: 'unreachable',
  error: 'error',
};

/** Returns `8 hosts: 6 up, 1 not running, 1 unreachable` (states with no host left out), for text and Slack. */
export function describeFleetStates(rows: readonly FleetRow[]): string {
  const counts = new Map<FleetHostState, number>();
  for (const row of rows) counts.set(row.state, (counts.get(row.state) ?? 0) + 1);
  const parts = (Object.keys(FLEET_STATE_TEXT) as FleetHostState[])
    .filter((state) => (counts.get(state) ?? 0) > 0)
    .map((state) => `${counts.get(state)} ${FLEET_STATE_TEXT[state]}`);
  return `${plural(rows.length, 'host')}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}
