// The data of the graph-paths task: random directed graphs with a marked source, and each node's
// shortest-path distance from it (breadth-first search) as a class: 0, 1, …, D − 1, "≥ D", or
// unreachable. Every node has 1 to 3 out-edges to distinct other nodes, which leaves about a fifth
// of the nodes unreachable and spreads the distances of the reachable ones over 1 … 10 on graphs of
// up to 40 nodes (most between 2 and 5).

import type { Rng } from '../tensor/random.js';
import type { Graph } from '../graph/graph_batch.js';

/**
 * D: distances 0 … 3 are classes of their own and 4 or more is one class. On the training graphs
 * (10–20 nodes) this makes the six classes about equally frequent (7, 15, 21, 20, 21 and 17 % of the
 * nodes); a larger D would leave the top classes with few training examples, and "≥ D" versus
 * unreachable still asks whether a path of any length exists.
 */
export const DISTANCE_CLASSES = 4;
/** Classes: 0 … D − 1, "≥ D" (= D), unreachable (= D + 1). */
export const NUM_PATH_CLASSES = DISTANCE_CLASSES + 2;
export const PATH_CLASS_NAMES: readonly string[] = [...Array.from({ length: DISTANCE_CLASSES }, (_, d) => String(d)), `>=${DISTANCE_CLASSES}`, 'unreachable'];

/** A directed graph (edges [from, to]) with its source and each node's distance from it (−1: unreachable). */
export interface PathGraph {
  readonly numNodes: number;
  readonly edges: readonly (readonly [number, number])[];
  readonly source: number;
  readonly distances: Int32Array;
}

/** A random graph of n nodes, each with 1 to 3 out-edges to distinct other nodes (fewer when n < 4), and a random source. */
export function randomPathGraph(rng: Rng, n: number): PathGraph {
  if (!(Number.isInteger(n) && n >= 2)) throw new Error(`graph-paths: expected a graph of at least 2 nodes, got ${n}`);
  const edges: [number, number][] = [];
  for (let u = 0; u < n; u++) {
    const k = Math.min(1 + rng.int(3), n - 1);
    const to = new Set<number>();
    while (to.size < k) {
      const v = rng.int(n);
      if (v !== u) to.add(v);
    }
    for (const v of to) edges.push([u, v]);
  }
  const source = rng.int(n);
  return { numNodes: n, edges, source, distances: shortestPaths(n, edges, source) };
}

/** Breadth-first distances from `source` along the edges' directions; −1 where no path leads. */
export function shortestPaths(n: number, edges: readonly (readonly [number, number])[], source: number): Int32Array {
  const out: number[][] = Array.from({ length: n }, () => []);
  for (const [u, v] of edges) out[u].push(v);
  const dist = new Int32Array(n).fill(-1);
  dist[source] = 0;
  const queue = [source];
  for (let head = 0; head < queue.length; head++) {
    const u = queue[head];
    for (const v of out[u]) if (dist[v] < 0) { dist[v] = dist[u] + 1; queue.push(v); }
  }
  return dist;
}

/** The class of a distance: d itself below D, D for d ≥ D, D + 1 for unreachable (d < 0). */
export function pathClass(d: number): number {
  return d < 0 ? DISTANCE_CLASSES + 1 : Math.min(d, DISTANCE_CLASSES);
}

/** `count` graphs with node counts drawn uniformly from [lo, hi]. */
export function pathGraphs(rng: Rng, count: number, [lo, hi]: readonly [number, number]): PathGraph[] {
  return Array.from({ length: count }, () => randomPathGraph(rng, lo + rng.int(hi - lo + 1)));
}

/** The graph as a GGNN reads it: one edge type, and the annotation x_v = [1 if v is the source else 0]. */
export function ggnnGraph(g: PathGraph): Graph {
  return { numNodes: g.numNodes, edges: g.edges, annotations: Array.from({ length: g.numNodes }, (_, v) => [v === g.source ? 1 : 0]) };
}
