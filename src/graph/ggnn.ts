// The gated graph neural network (Li, Tarlow, Brockschmidt & Zemel 2016, "Gated Graph Sequence
// Neural Networks"): every node keeps a state, and for K steps each node sums the messages its
// neighbours send along typed, directed edges (in both directions, with separate weights) and
// updates its state with a GRU. It is a recurrent net unrolled over propagation steps instead of
// time: the same GRU cell (src/nn/cells/gru_cell.ts) at every node and step. Readouts: a label per
// node, and a gated-attention sum per graph. Batched over graphs of any sizes (GraphBatch): one
// matrix product, one gather and one scatter-add per step for every edge of every graph.

import { Tensor, zeros } from '../tensor/tensor.js';
import { describeValue } from '../tensor/describe_value.js';
import { mul, sigmoid, tanh } from '../autograd/ops/elementwise.js';
import { linear } from '../autograd/ops/matmul.js';
import { concat, reshape } from '../autograd/ops/shape_ops.js';
import { selectRows } from '../autograd/ops/gather.js';
import { scatterAddRows } from '../autograd/ops/scatter_rows.js';
import { Module } from '../nn/module.js';
import { Linear } from '../nn/layers/linear.js';
import { GRUCell } from '../nn/cells/gru_cell.js';
import { uniformInit, type InitOptions } from '../nn/init.js';
import { checkPositiveInteger, MAX_LAYERS } from '../nn/config_check.js';
import { registerClass } from '../nn/registry.js';
import type { GraphBatch } from './graph_batch.js';

export interface GGNNConfig {
  /** A: numbers per node annotation x_v. */
  annotationSize: number;
  /** H: the node state size (H ≥ A: the annotations are padded with zeros to it). */
  hiddenSize: number;
  /** Kinds of edges, each with its own weights (default 1). */
  edgeTypes?: number;
  /** K: propagation steps (default 5; at most MAX_LAYERS, as each step is one more layer unrolled). */
  steps?: number;
  /** Outputs per node of the node readout g (default 0: no node readout). */
  nodeOutputSize?: number;
  /** Outputs per graph of the gated-attention readout (default 0: no graph readout). */
  graphOutputSize?: number;
  /** The GRU's form: reset gate before the recurrent product as in Li et al. (default false) or after it (PyTorch's GRUCell, as PyG's GatedGraphConv). */
  resetAfter?: boolean;
}

/** What a forward pass gives. */
export interface GGNNOutput {
  /** h^K: the node states after K steps [N, H]. */
  states: Tensor;
  /** o_v for every node [N, nodeOutputSize], or null without a node readout. */
  nodes: Tensor | null;
  /** h_G for every graph [numGraphs, graphOutputSize], or null without a graph readout. */
  graphs: Tensor | null;
}

/**
 * Gated graph neural network (Li et al. 2016, eqs. 1–7), for node v with annotation x_v [A]:
 *
 *   h_v^0 = [x_v ; 0]                                        x_v padded with zeros to H
 *   a_v^t = Σ_{edges u→v of type e} (W_e^in h_u^{t−1} + b_e^in)
 *         + Σ_{edges v→u of type e} (W_e^out h_u^{t−1} + b_e^out)
 *   h_v^t = GRU(a_v^t, h_v^{t−1})                            t = 1 … K
 *   o_v   = W_o [h_v^K ; x_v] + b_o                          node readout g
 *   h_G   = tanh( Σ_{v ∈ G} σ(W_i [h_v^K ; x_v] + b_i) ⊙ tanh(W_j [h_v^K ; x_v] + b_j) )
 *
 * with GRU(a, h): r = σ(W_r a + U_r h + b_r), z = σ(W_z a + U_z h + b_z),
 * n = tanh(W_n a + U_n (r ⊙ h) + b_n) (or r ⊙ (U_n h + b_hn) with resetAfter), h' = (1 − z) ⊙ n + z ⊙ h.
 * A node without edges gets a_v = 0; nodes of different graphs never exchange messages.
 *
 * Inputs: a GraphBatch with annotationSize A and edge types < edgeTypes (N nodes, M edges, G graphs).
 * Outputs: GGNNOutput: states [N, H], nodes [N, nodeOutputSize], graphs [G, graphOutputSize].
 * Parameters: weight_in, weight_out [T·H, H] and bias_in, bias_out [T·H] (row block e for edge type
 * e), U(−1/√H, 1/√H); gru.* (nn.GRUCell, input and state size H); node_readout.* [O, H + A];
 * graph_gate.*, graph_value.* [G_out, H + A] (nn.Linear).
 */
export class GGNN extends Module {
  readonly config: Readonly<Required<GGNNConfig>>;
  readonly weight_in: Tensor;
  readonly bias_in: Tensor;
  readonly weight_out: Tensor;
  readonly bias_out: Tensor;
  readonly gru: GRUCell;
  readonly nodeReadout: Linear | null;
  readonly graphGate: Linear | null;
  readonly graphValue: Linear | null;

  constructor(config: GGNNConfig, init: InitOptions = {}) {
    super();
    const c = { edgeTypes: 1, steps: 5, nodeOutputSize: 0, graphOutputSize: 0, resetAfter: false, ...config };
    checkPositiveInteger('annotationSize', c.annotationSize, 'GGNN: ');
    checkPositiveInteger('hiddenSize', c.hiddenSize, 'GGNN: ');
    checkPositiveInteger('edgeTypes', c.edgeTypes, 'GGNN: ');
    checkPositiveInteger('steps', c.steps, 'GGNN: ', MAX_LAYERS);
    for (const name of ['nodeOutputSize', 'graphOutputSize'] as const) {
      const v = c[name];
      if (!(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) throw new Error(`GGNN: expected ${name} to be an integer >= 0, got ${typeof v === 'number' ? v : describeValue(v)}`);
    }
    if (typeof c.resetAfter !== 'boolean') throw new Error(`GGNN: expected resetAfter to be true or false, got ${describeValue(c.resetAfter)}`);
    if (c.hiddenSize < c.annotationSize) {
      throw new Error(`GGNN: expected hiddenSize >= annotationSize (annotations are padded with zeros to the state size), got hiddenSize ${c.hiddenSize} < annotationSize ${c.annotationSize}`);
    }
    this.config = Object.freeze(c);
    const { annotationSize: A, hiddenSize: H, edgeTypes: T } = c;
    const k = 1 / Math.sqrt(H);
    this.weight_in = this.registerParameter('weight_in', uniformInit([T * H, H], k, init));
    this.bias_in = this.registerParameter('bias_in', uniformInit([T * H], k, init));
    this.weight_out = this.registerParameter('weight_out', uniformInit([T * H, H], k, init));
    this.bias_out = this.registerParameter('bias_out', uniformInit([T * H], k, init));
    this.gru = this.registerModule('gru', new GRUCell({ inputSize: H, hiddenSize: H, resetAfter: c.resetAfter }, init));
    const readout = (name: string, outFeatures: number): Linear | null =>
      outFeatures > 0 ? this.registerModule(name, new Linear({ inFeatures: H + A, outFeatures }, init)) : null;
    this.nodeReadout = readout('node_readout', c.nodeOutputSize);
    this.graphGate = readout('graph_gate', c.graphOutputSize);
    this.graphValue = readout('graph_value', c.graphOutputSize);
  }

  getConfig(): Required<GGNNConfig> {
    return { ...this.config };
  }

  get dtype() { return this.weight_in.dtype; }

  forward(batch: GraphBatch): GGNNOutput {
    const { annotationSize: A, hiddenSize: H, edgeTypes: T, steps: K } = this.config;
    if (batch.annotationSize !== A) throw new Error(`GGNN: expected a graph batch with annotations of width ${A}, got width ${batch.annotationSize}`);
    if (batch.edgeTypes > T) throw new Error(`GGNN: expected a graph batch of at most ${T} edge types, got ${batch.edgeTypes}`);
    const N = batch.numNodes, M = batch.numEdges;
    const x = batch.annotationTensor(this.dtype); // [N, A]
    let h = A === H ? x : concat([x, zeros([N, H - A], { dtype: this.dtype })], 1); // [N, H]
    // One product gives every node's message for every (direction, type): P [N, 2T, H], row block
    // e for "in" along type e, T + e for "out". Each edge u→v of type e then picks row (u, e) for v
    // and row (v, T + e) for u.
    const W = concat([this.weight_in, this.weight_out], 0), b = concat([this.bias_in, this.bias_out], 0);
    const pick = new Int32Array(2 * M), into = new Int32Array(2 * M);
    for (let i = 0; i < M; i++) {
      const u = batch.edgeFrom[i], v = batch.edgeTo[i], e = batch.edgeType[i];
      pick[i] = u * 2 * T + e; into[i] = v;
      pick[M + i] = v * 2 * T + T + e; into[M + i] = u;
    }
    for (let t = 0; t < K; t++) {
      const P = reshape(linear(h, W, b), [N * 2 * T, H]);
      const a = scatterAddRows(selectRows(P, pick), into, N); // [N, H]
      [h] = this.gru.step(a, [h]);
    }
    const hx = concat([h, x], 1); // [N, H + A]
    const nodes = this.nodeReadout ? this.nodeReadout.forward(hx) : null;
    let graphs: Tensor | null = null;
    if (this.graphGate && this.graphValue) {
      const gated = mul(sigmoid(this.graphGate.forward(hx)), tanh(this.graphValue.forward(hx))); // [N, G_out]
      graphs = tanh(scatterAddRows(gated, batch.nodeGraph, batch.numGraphs));
    }
    return { states: h, nodes, graphs };
  }
}

registerClass('graph.GGNN', GGNN, (config, init) => new GGNN(config, init));
