// The gated graph neural network against independent truths: a plainly written Float64 loop over
// nodes and edges (the equations of Li et al. 2016) on set weights, in both GRU forms; finite-
// difference gradients of the whole layer; renumbering the nodes permutes the node outputs and
// leaves the graph output; one step without edges is the GRU cell on each node; a batch of two
// graphs gives what each graph gives alone; and the config checks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../src/autograd/index.js';
import { Rng } from '../../src/tensor/random.js';
import { tensor, zeros } from '../../src/tensor/tensor.js';
import { GGNN, GraphBatch, type GGNNConfig, type Graph } from '../../src/graph/index.js';
import { fromConfig, serializeModule } from '../../src/nn/registry.js';
import { assertClose, check } from '../helpers/tensors.js';
import { ZOO } from '../nn/model_zoo.js';
import { randomGraph, renumber } from './helpers.js';

const A = 2, H = 4, T = 2;
const f64 = (seed: number) => ({ dtype: 'float64' as const, rng: new Rng(seed) });
const cfg = (over: Partial<GGNNConfig> = {}): GGNNConfig => ({ annotationSize: A, hiddenSize: H, edgeTypes: T, steps: 3, nodeOutputSize: 3, graphOutputSize: 2, ...over });
const batchOf = (gs: Graph[]): GraphBatch => new GraphBatch(gs, { annotationSize: A, edgeTypes: T });

const sig = (v: number): number => 1 / (1 + Math.exp(-v));
// W [rows, cols] row-major from row `r0`, times x, plus b from `r0` (b may be absent).
function affine(W: ArrayLike<number>, cols: number, r0: number, rows: number, x: readonly number[], b?: ArrayLike<number>): number[] {
  return Array.from({ length: rows }, (_, i) => {
    let s = b ? b[r0 + i] : 0;
    for (let j = 0; j < cols; j++) s += W[(r0 + i) * cols + j] * x[j];
    return s;
  });
}

/** Li et al.'s equations, one node and one edge at a time, in float64. */
function reference(m: GGNN, g: Graph): { nodes: number[][]; graph: number[] } {
  const p = Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, Array.from(t.dataSync())]));
  const { steps: K, resetAfter, nodeOutputSize: O, graphOutputSize: G } = m.config;
  const x = g.annotations.map((r) => [...r]);
  let h = x.map((r) => [...r, ...new Array(H - A).fill(0)]);
  for (let t = 0; t < K; t++) {
    const a = h.map(() => new Array(H).fill(0));
    for (const [u, v, e = 0] of g.edges) {
      affine(p.weight_in, H, e * H, H, h[u], p.bias_in).forEach((s, i) => { a[v][i] += s; });
      affine(p.weight_out, H, e * H, H, h[v], p.bias_out).forEach((s, i) => { a[u][i] += s; });
    }
    h = h.map((hv, v) => {
      const xi = affine(p['gru.weight_ih'], H, 0, 3 * H, a[v], p['gru.bias_ih']);
      const hh = affine(p['gru.weight_hh'], H, 0, 3 * H, hv, p['gru.bias_hh']);
      const r = hv.map((_, i) => sig(xi[i] + hh[i])), z = hv.map((_, i) => sig(xi[H + i] + hh[H + i]));
      const rec = resetAfter ? hh.slice(2 * H).map((s, i) => r[i] * s) : affine(p['gru.weight_hh'], H, 2 * H, H, hv.map((s, i) => r[i] * s), p['gru.bias_hh']);
      return hv.map((s, i) => { const n = Math.tanh(xi[2 * H + i] + rec[i]); return (1 - z[i]) * n + z[i] * s; });
    });
  }
  const hx = h.map((hv, v) => [...hv, ...x[v]]);
  const nodes = hx.map((r) => affine(p['node_readout.weight'], H + A, 0, O, r, p['node_readout.bias']));
  const sum = new Array(G).fill(0);
  for (const r of hx) {
    const gate = affine(p['graph_gate.weight'], H + A, 0, G, r, p['graph_gate.bias']), val = affine(p['graph_value.weight'], H + A, 0, G, r, p['graph_value.bias']);
    gate.forEach((s, i) => { sum[i] += sig(s) * Math.tanh(val[i]); });
  }
  return { nodes, graph: sum.map(Math.tanh) };
}

for (const resetAfter of [false, true]) {
  test(`GGNN equals the plain loop over nodes and edges (resetAfter ${resetAfter})`, () => {
    const m = new GGNN(cfg({ resetAfter }), f64(1));
    // weights away from the uniform init, so that every term shows
    const r = new Rng(7);
    for (const t of m.parameters()) t.data.set(Array.from({ length: t.size }, () => r.uniform(-0.9, 0.9)));
    const g: Graph = { numNodes: 5, edges: [[0, 1, 0], [1, 2, 1], [2, 0, 0], [3, 3, 1], [1, 2, 1], [4, 1]], annotations: [[1, 0], [0, 1], [0.5, -0.5], [0, 0], [-1, 2]] };
    const out = m.forward(batchOf([g]));
    const want = reference(m, g);
    assertClose(out.nodes!.dataSync(), want.nodes.flat(), 1e-12, 1e-12, 'node outputs');
    assertClose(out.graphs!.dataSync(), want.graph, 1e-12, 1e-12, 'graph output');
    assert.deepEqual([...out.states.shape], [5, H]);
  });
}

test('gradcheck: the whole layer, node and graph outputs, with respect to every parameter', () => {
  const m = new GGNN(cfg({ steps: 2 }), f64(2));
  const b = batchOf([randomGraph(new Rng(3), 4, 6, A, T), randomGraph(new Rng(4), 3, 3, A, T)]);
  check(() => {
    const o = m.forward(b);
    return ops.concat([ops.reshape(o.nodes!, [-1]), ops.reshape(o.graphs!, [-1])], 0);
  }, m.parameters());
});

test('renumbering the nodes permutes the node outputs and leaves the graph output unchanged', () => {
  const m = new GGNN(cfg({ steps: 4 }), f64(5));
  const g = randomGraph(new Rng(6), 7, 12, A, T);
  const perm = [3, 6, 0, 5, 1, 4, 2];
  const a = m.forward(batchOf([g])), b = m.forward(batchOf([renumber(g, perm)]));
  const na = a.nodes!.toArray(), nb = b.nodes!.toArray(), O = 3;
  perm.forEach((pv, v) => assertClose(nb.slice(pv * O, pv * O + O), na.slice(v * O, v * O + O), 1e-12, 1e-12, `node ${v} → ${pv}`));
  assertClose(b.graphs!.dataSync(), a.graphs!.dataSync(), 1e-12, 1e-12, 'graph output');
});

test('one step without edges is the GRU cell on each node, from the annotations padded with zeros', () => {
  for (const resetAfter of [false, true]) {
    const m = new GGNN(cfg({ steps: 1, resetAfter }), f64(8));
    const g: Graph = { numNodes: 3, edges: [], annotations: [[0.3, -0.2], [1, 1], [-0.7, 0.1]] };
    const h0 = tensor(g.annotations.map((r) => [...r, 0, 0]), undefined, { dtype: 'float64' });
    const want = m.gru.forward(zeros([3, H], { dtype: 'float64' }), h0);
    assertClose(m.forward(batchOf([g])).states.dataSync(), want.dataSync(), 1e-15, 0, `resetAfter ${resetAfter}`);
  }
});

test('a batch of two graphs gives what each graph gives alone', () => {
  const m = new GGNN(cfg(), f64(9));
  const g1 = randomGraph(new Rng(10), 5, 9, A, T), g2 = randomGraph(new Rng(11), 3, 4, A, T);
  const both = m.forward(batchOf([g1, g2]));
  const one = m.forward(batchOf([g1])), two = m.forward(batchOf([g2]));
  assertClose(both.nodes!.dataSync(), [...one.nodes!.dataSync(), ...two.nodes!.dataSync()], 1e-14, 0, 'node outputs');
  assertClose(both.graphs!.dataSync(), [...one.graphs!.dataSync(), ...two.graphs!.dataSync()], 1e-14, 0, 'graph outputs');
  assertClose(both.states.dataSync(), [...one.states.dataSync(), ...two.states.dataSync()], 1e-14, 0, 'states');
});

test('without readouts only the states come back; annotations as wide as the state are used as they are', () => {
  const m = new GGNN({ annotationSize: 3, hiddenSize: 3, steps: 2 }, f64(12));
  assert.deepEqual(Object.keys(m.stateDict()).sort(), ['bias_in', 'bias_out', 'gru.bias_hh', 'gru.bias_ih', 'gru.weight_hh', 'gru.weight_ih', 'weight_in', 'weight_out']);
  const o = m.forward(new GraphBatch([{ numNodes: 2, edges: [[0, 1]], annotations: [[1, 2, 3], [4, 5, 6]] }], { annotationSize: 3 }));
  assert.equal(o.nodes, null);
  assert.equal(o.graphs, null);
  assert.deepEqual([...o.states.shape], [2, 3]);
});

test('config round trip, and configs and batches that do not fit are refused naming what was expected', () => {
  const m = new GGNN(cfg({ resetAfter: true }), f64(13));
  assert.deepEqual(serializeModule(fromConfig(JSON.parse(JSON.stringify(serializeModule(m))))), serializeModule(m));
  assert.throws(() => new GGNN(cfg({ hiddenSize: 1 })), /expected hiddenSize >= annotationSize .*got hiddenSize 1 < annotationSize 2/);
  assert.throws(() => new GGNN(cfg({ steps: 0 })), /GGNN: expected steps to be a positive integer <= 1024, got 0/);
  assert.throws(() => new GGNN(cfg({ steps: 1e9 })), /GGNN: expected steps to be a positive integer <= 1024, got 1000000000/);
  assert.throws(() => new GGNN(cfg({ edgeTypes: 1.5 })), /GGNN: expected edgeTypes to be a positive integer, got 1.5/);
  assert.throws(() => new GGNN(cfg({ nodeOutputSize: -1 })), /GGNN: expected nodeOutputSize to be an integer >= 0, got -1/);
  assert.throws(() => new GGNN(cfg({ resetAfter: 'yes' as unknown as boolean })), /GGNN: expected resetAfter to be true or false, got/);
  const g: Graph = { numNodes: 2, edges: [[0, 1]], annotations: [[1, 2, 3], [4, 5, 6]] };
  assert.throws(() => m.forward(new GraphBatch([g], { annotationSize: 3 })), /GGNN: expected a graph batch with annotations of width 2, got width 3/);
  const g2: Graph = { numNodes: 2, edges: [[0, 1, 2]], annotations: [[1, 2], [4, 5]] };
  assert.throws(() => m.forward(new GraphBatch([g2], { annotationSize: 2, edgeTypes: 3 })), /GGNN: expected a graph batch of at most 2 edge types, got 3/);
});

test('the model zoo holds a GGNN case that checkpoints round-trip', () => {
  assert.ok(ZOO.some((c) => c.className === 'graph.GGNN' && c.model));
});
