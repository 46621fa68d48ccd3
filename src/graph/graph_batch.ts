// Many directed graphs of different sizes as one: their nodes concatenated (graph g owns the ids
// offsets[g] … offsets[g+1] − 1), their typed edges as three index arrays over those ids, and one
// annotation row per node. A graph network then propagates over every graph of the batch at once
// with a gather and a scatter-add per step; no graph ever sees another's nodes, because no edge
// joins two graphs.

import { describeValue, shortJson } from '../tensor/describe_value.js';
import { firstNonFiniteIndex } from '../tensor/finite.js';
import { tensor, type Tensor, type DType } from '../tensor/tensor.js';
import { checkPositiveInteger } from '../nn/config_check.js';

/** One directed graph: nodes 0 … numNodes − 1, typed edges, and a row of annotations x_v per node. */
export interface Graph {
  readonly numNodes: number;
  /** Directed edges [from, to] or [from, to, type] (type 0 when absent), node ids in [0, numNodes). */
  readonly edges: readonly (readonly number[])[];
  /** numNodes rows of annotationSize numbers: x_v, what is known about node v before propagation. */
  readonly annotations: readonly (readonly number[])[];
}

export interface GraphBatchOptions {
  /** Numbers per annotation row (A). */
  annotationSize: number;
  /** Kinds of edges (default 1): each edge's type is in [0, edgeTypes). */
  edgeTypes?: number;
}

/**
 * A batch of graphs laid out for batched propagation.
 *
 * Fields: numNodes N, numGraphs G, numEdges M; offsets [G + 1] (graph g's nodes are offsets[g] …
 * offsets[g+1] − 1); nodeGraph [N] (the graph of each node); edgeFrom, edgeTo, edgeType [M] (batch
 * node ids and types, graph by graph in the order given); annotations [N · A] row-major.
 */
export class GraphBatch {
  readonly numNodes: number;
  readonly numGraphs: number;
  readonly numEdges: number;
  readonly annotationSize: number;
  readonly edgeTypes: number;
  readonly offsets: Int32Array;
  readonly nodeGraph: Int32Array;
  readonly edgeFrom: Int32Array;
  readonly edgeTo: Int32Array;
  readonly edgeType: Int32Array;
  readonly annotations: Float64Array;

  constructor(graphs: readonly Graph[], options: GraphBatchOptions) {
    const A = options.annotationSize, T = options.edgeTypes ?? 1;
    checkPositiveInteger('annotationSize', A, 'GraphBatch: ');
    checkPositiveInteger('edgeTypes', T, 'GraphBatch: ');
    if (graphs.length === 0) throw new Error('GraphBatch: expected at least one graph, got none');
    this.annotationSize = A;
    this.edgeTypes = T;
    this.numGraphs = graphs.length;
    this.offsets = new Int32Array(graphs.length + 1);
    let M = 0;
    graphs.forEach((g, k) => {
      const n = g.numNodes;
      if (!(Number.isSafeInteger(n) && n >= 1)) throw new Error(`GraphBatch: expected graph ${k} to have a positive integer numNodes, got ${typeof n === 'number' ? n : describeValue(n)}`);
      if (!Array.isArray(g.edges)) throw new Error(`GraphBatch: expected graph ${k}'s edges as an array of [from, to, type], got ${describeValue(g.edges)}`);
      if (!Array.isArray(g.annotations) || g.annotations.length !== n) {
        throw new Error(`GraphBatch: expected graph ${k} to have ${n} annotation rows (one per node), got ${Array.isArray(g.annotations) ? g.annotations.length : describeValue(g.annotations)}`);
      }
      this.offsets[k + 1] = this.offsets[k] + n;
      M += g.edges.length;
    });
    const N = this.offsets[graphs.length];
    this.numNodes = N;
    this.numEdges = M;
    this.nodeGraph = new Int32Array(N);
    this.edgeFrom = new Int32Array(M);
    this.edgeTo = new Int32Array(M);
    this.edgeType = new Int32Array(M);
    this.annotations = new Float64Array(N * A);
    let e = 0;
    graphs.forEach((g, k) => {
      const start = this.offsets[k], n = g.numNodes;
      this.nodeGraph.fill(k, start, start + n);
      g.annotations.forEach((row, v) => {
        if (!Array.isArray(row) && !ArrayBuffer.isView(row)) throw new Error(`GraphBatch: expected graph ${k}'s annotation row ${v} to be an array of ${A} numbers, got ${describeValue(row)}`);
        if (row.length !== A) throw new Error(`GraphBatch: expected annotation rows of width ${A}, got width ${row.length} at node ${v} of graph ${k}`);
        const bad = firstNonFiniteIndex(row);
        if (bad >= 0) throw new Error(`GraphBatch: expected finite annotations, got ${row[bad]} at node ${v} of graph ${k}, column ${bad}`);
        this.annotations.set(row, (start + v) * A);
      });
      g.edges.forEach((edge, i) => {
        const ok = Array.isArray(edge) && (edge.length === 2 || edge.length === 3);
        const [from, to, type = 0] = ok ? edge : [];
        if (!ok) throw new Error(`GraphBatch: expected edge ${i} of graph ${k} as [from, to] or [from, to, type], got ${shortJson(edge)}`);
        for (const v of [from, to]) {
          if (!(Number.isInteger(v) && v >= 0 && v < n)) throw new Error(`GraphBatch: expected edge endpoints in [0, ${n}) in graph ${k}, got ${shortJson(edge)} (edge ${i})`);
        }
        if (!(Number.isInteger(type) && type >= 0 && type < T)) throw new Error(`GraphBatch: expected edge types in [0, ${T}) in graph ${k}, got ${shortJson(edge)} (edge ${i})`);
        this.edgeFrom[e] = start + from;
        this.edgeTo[e] = start + to;
        this.edgeType[e] = type;
        e++;
      });
    });
  }

  /** The annotations as a tensor [N, A] of `dtype`. */
  annotationTensor(dtype: DType = 'float32'): Tensor {
    return tensor(this.annotations, [this.numNodes, this.annotationSize], { dtype });
  }

  /** Node ids of graph g in the batch: [offsets[g], offsets[g + 1]). */
  nodesOf(g: number): [number, number] {
    return [this.offsets[g], this.offsets[g + 1]];
  }
}
