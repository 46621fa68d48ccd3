// Shared pieces of the graph tests: random graphs from a seeded generator, and a graph with its
// nodes renumbered.

import { Rng } from '../../src/tensor/random.js';
import type { Graph } from '../../src/graph/index.js';

/** A random graph of n nodes with about `edges` typed edges (self-loops and repeats allowed) and annotations U(−1, 1). */
export function randomGraph(rng: Rng, n: number, edges: number, A: number, T: number): Graph {
  return {
    numNodes: n,
    edges: Array.from({ length: edges }, () => [rng.int(n), rng.int(n), rng.int(T)]),
    annotations: Array.from({ length: n }, () => Array.from({ length: A }, () => rng.uniform(-1, 1))),
  };
}

/** g with node v renamed perm[v]: the same graph, listed in another order. */
export function renumber(g: Graph, perm: readonly number[]): Graph {
  const annotations: number[][] = new Array(g.numNodes);
  g.annotations.forEach((row, v) => { annotations[perm[v]] = [...row]; });
  return { numNodes: g.numNodes, edges: g.edges.map(([u, v, e]) => [perm[u], perm[v], e ?? 0]), annotations };
}
