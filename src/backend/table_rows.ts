// Time loops that take their x-side rows from a table (TableRows in ./backend.ts), for a backend
// whose loops read z whole: the rows are gathered into z first, by the backend's own row kernel.
// The wasm loops gather each step's rows themselves, just before they use them (./wasm/recurrent.ts).

import type { Backend, TableRows } from './backend.js';
import type { Storage } from './storage.js';

type Forwards = Pick<Backend, 'lstmForward' | 'gruForward'>;

/** `loops` taking TableRows by a gather into z (zx) before the loop, through be()'s gatherRows. */
export function gatherFirst(loops: Forwards, be: () => Pick<Backend, 'gatherRows'>): Forwards {
  const gather = (rows: TableRows | null | undefined, width: number, z: Storage): void => {
    if (rows) be().gatherRows(rows.table, width, rows.ids, z);
  };
  return {
    lstmForward(L, z, hs, c, tc, whh, lens, rows) {
      gather(rows, 4 * L.H, z);
      loops.lstmForward(L, z, hs, c, tc, whh, lens);
    },
    gruForward(L, zx, hn, hs, bhh, whh, lens, rows) {
      gather(rows, 3 * L.H, zx);
      loops.gruForward(L, zx, hn, hs, bhh, whh, lens);
    },
  };
}
