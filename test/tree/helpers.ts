// Shared pieces of the tree tests: random trees from a seeded generator, and a vocabulary of the
// words w0 … w(V−1).

import { Rng } from '../../src/tensor/random.js';
import { leaf, node, type Tree } from '../../src/tree/index.js';

/**
 * A random tree with `leaves` leaves whose inner nodes have 1 … maxChildren children (1 only when
 * allowUnary), labelled by depth-first counters, words w0 … w(V−1) on the leaves and, with
 * innerWords, on some inner nodes too.
 */
export function randomTree(rng: Rng, leaves: number, opts: { maxChildren?: number; V?: number; innerWords?: boolean; allowUnary?: boolean } = {}): Tree {
  const maxC = opts.maxChildren ?? 2, V = opts.V ?? 5;
  const build = (n: number): Tree => {
    if (n === 1 && !(opts.allowUnary && rng.random() < 0.2)) return leaf(`w${rng.int(V)}`, `L${rng.int(3)}`);
    if (n === 1) return node(`U${rng.int(3)}`, [build(1)]);
    const k = Math.min(n, 2 + rng.int(maxC - 1));
    // split n leaves into k non-empty parts
    const cuts = new Set<number>();
    while (cuts.size < k - 1) cuts.add(1 + rng.int(n - 1));
    const sorted = [...cuts].sort((a, b) => a - b);
    const sizes = [...sorted, n].map((c, i) => c - (i === 0 ? 0 : sorted[i - 1]));
    const word = opts.innerWords && rng.random() < 0.5 ? `w${rng.int(V)}` : null;
    return node(`N${rng.int(3)}`, sizes.map(build), word);
  };
  return build(leaves);
}

/** Word → id for the words w0, w1, … */
export const wordId = (w: string): number => Number(w.slice(1));
