// The sequence baseline of the graph-paths task: a bidirectional LSTM reading the graph as its edge
// list, "S s ; u v ; u' v' ; …" (the source first, then the edges in a random order), with node ids
// as symbols. The ids are a random draw from a pool as large as the largest graph, fresh for every
// graph, so that no id means anything by itself and the test graphs' ids were all seen in training.
// Each node is then queried: the mean of the LSTM's outputs at the node's occurrences in the list,
// beside the node's own embedding, goes through a small MLP to the classes. Every occurrence sees the
// whole list in both directions, which is what a sequence model can bring to the question.

import { Tensor, tensor } from '../tensor/tensor.js';
import type { Rng } from '../tensor/random.js';
import { embedding, indices, selectRows, type IndexTensor } from '../autograd/ops/gather.js';
import { scatterAddRows } from '../autograd/ops/scatter_rows.js';
import { mul, tanh } from '../autograd/ops/elementwise.js';
import { concat, reshape } from '../autograd/ops/shape_ops.js';
import { Module } from '../nn/module.js';
import { Embedding } from '../nn/layers/embedding.js';
import { Linear } from '../nn/layers/linear.js';
import { LSTM } from '../nn/layers/lstm.js';
import type { InitOptions } from '../nn/init.js';
import { checkPositiveInteger } from '../nn/config_check.js';
import { registerClass } from '../nn/registry.js';
import type { PathGraph } from './graph_paths_data.js';

export interface EdgeListModelConfig {
  /** P: node-id symbols (at least the most nodes of any graph read); ';' and 'S' come after them. */
  nodeSymbols: number;
  embeddingSize: number;
  /** LSTM units per direction, and the width of the query MLP's hidden layer. */
  hiddenSize: number;
  classes: number;
}

/** Graphs as edge lists: ids [L, B] (time-major, padded after each list's end), and each node's queries. */
export interface EdgeListBatch {
  readonly ids: IndexTensor;
  readonly lengths: number[];
  /** [N]: the symbol of every node of every graph, graph by graph. */
  readonly nodeSymbols: Int32Array;
  /** Occurrences of nodes in the lists: the flat position t·B + b of each, its node (in [0, N)) and 1 / (occurrences of that node). */
  readonly occurrencePosition: Int32Array;
  readonly occurrenceNode: Int32Array;
  readonly occurrenceWeight: Float64Array;
}

/**
 * The edge lists of `graphs`: each graph's nodes get distinct random symbols in [0, P), its edges a
 * random order; tokens "S s ;" then "u v ;" per edge (P = ';', P + 1 = 'S').
 */
export function edgeListBatch(graphs: readonly PathGraph[], P: number, rng: Rng): EdgeListBatch {
  const SEP = P, SRC = P + 1, B = graphs.length;
  const lists = graphs.map((g) => {
    if (g.numNodes > P) throw new Error(`graph-paths: expected graphs of at most ${P} nodes (the id symbols), got one of ${g.numNodes}`);
    const pool = Array.from({ length: P }, (_, i) => i);
    for (let i = 0; i < g.numNodes; i++) { const j = i + rng.int(P - i); [pool[i], pool[j]] = [pool[j], pool[i]]; }
    const order = g.edges.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) { const j = rng.int(i + 1); [order[i], order[j]] = [order[j], order[i]]; }
    // tokens as [symbol, node or −1]
    const toks: [number, number][] = [[SRC, -1], [pool[g.source], g.source], [SEP, -1]];
    for (const i of order) { const [u, v] = g.edges[i]; toks.push([pool[u], u], [pool[v], v], [SEP, -1]); }
    return { symbols: pool.slice(0, g.numNodes), toks };
  });
  const L = Math.max(...lists.map((l) => l.toks.length));
  const ids = new Int32Array(L * B).fill(SEP);
  const pos: number[] = [], node: number[] = [];
  const counts: number[] = [];
  let offset = 0;
  lists.forEach((l, b) => {
    l.toks.forEach(([s, v], t) => {
      ids[t * B + b] = s;
      if (v >= 0) { pos.push(t * B + b); node.push(offset + v); }
    });
    offset += l.symbols.length;
  });
  for (const v of node) counts[v] = (counts[v] ?? 0) + 1;
  return {
    ids: indices(ids, [L, B]), lengths: lists.map((l) => l.toks.length), nodeSymbols: Int32Array.from(lists.flatMap((l) => l.symbols)),
    occurrencePosition: Int32Array.from(pos), occurrenceNode: Int32Array.from(node), occurrenceWeight: Float64Array.from(node, (v) => 1 / counts[v]),
  };
}

/**
 * For node v of a list read by a bidirectional LSTM with outputs y_t = [h_t^→ ; h_t^←]:
 *   r_v = mean_{t : token t is v} y_t,   q_v = tanh(W_q [r_v ; e(v)] + b_q),   logits_v = W_o q_v + b_o.
 *
 * Inputs: an EdgeListBatch (N nodes). Outputs: logits [N, classes].
 * Parameters: `embedding.weight` [P + 2, E], `lstm.*` (nn.LSTM, bidirectional), `query.*` [H, 2H + E], `head.*` [classes, H].
 */
export class EdgeListModel extends Module {
  readonly config: Readonly<EdgeListModelConfig>;
  readonly embedding: Embedding;
  readonly lstm: LSTM;
  readonly query: Linear;
  readonly head: Linear;

  constructor(config: EdgeListModelConfig, init: InitOptions = {}) {
    super();
    for (const k of ['nodeSymbols', 'embeddingSize', 'hiddenSize', 'classes'] as const) checkPositiveInteger(k, config[k], 'EdgeListModel: ');
    const { nodeSymbols: P, embeddingSize: E, hiddenSize: H, classes: C } = config;
    this.config = Object.freeze({ nodeSymbols: P, embeddingSize: E, hiddenSize: H, classes: C });
    this.embedding = this.registerModule('embedding', new Embedding({ numEmbeddings: P + 2, embeddingDim: E }, init));
    this.lstm = this.registerModule('lstm', new LSTM({ inputSize: E, hiddenSize: H, bidirectional: true, forgetBias: 1 }, init));
    this.query = this.registerModule('query', new Linear({ inFeatures: 2 * H + E, outFeatures: H }, init));
    this.head = this.registerModule('head', new Linear({ inFeatures: H, outFeatures: C }, init));
  }

  getConfig(): EdgeListModelConfig {
    return { ...this.config };
  }

  forward(b: EdgeListBatch): Tensor {
    const [L, B] = b.ids.shape, H2 = 2 * this.config.hiddenSize, N = b.nodeSymbols.length;
    const [y] = this.lstm.forward(embedding(this.embedding.weight, b.ids), null, { lengths: b.lengths }); // [L, B, 2H]
    const at = selectRows(reshape(y, [L * B, H2]), b.occurrencePosition); // [R, 2H]
    const w = tensor(b.occurrenceWeight, [b.occurrenceWeight.length, 1], { dtype: at.dtype });
    const r = scatterAddRows(mul(at, w), b.occurrenceNode, N); // [N, 2H]: the mean over each node's occurrences
    const e = embedding(this.embedding.weight, { data: b.nodeSymbols, shape: [N] });
    return this.head.forward(tanh(this.query.forward(concat([r, e], 1))));
  }
}

registerClass('tasks.EdgeListModel', EdgeListModel, (config, init) => new EdgeListModel(config, init));
