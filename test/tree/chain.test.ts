// On a chain-shaped tree (node t has the word x_t and one child, node t − 1; node 1 is a leaf) the
// tree nets are sequential recurrences: the Child-Sum and the N-ary Tree-LSTM are the LSTM
//   i = σ(W_i x + U_i h + b_i), f = σ(W_f x + U_f h + b_f), o = σ(W_o x + U_o h + b_o),
//   u = tanh(W_u x + U_u h + b_u), c ← i ⊙ u + f ⊙ c, h ← o ⊙ tanh(c)       (h = c = 0 at the start)
// and the recursive nets are the Elman net h ← tanh(W_x x + W h + b). Both recurrences are written
// out here with plain numbers on hand-set weights, and compared node by node; the Child-Sum
// Tree-LSTM is also compared with nn.LSTMCell holding the same weights.

import { test } from 'node:test';
import { Tensor, tensor, zeros } from '../../src/tensor/tensor.js';
import { LSTMCell } from '../../src/nn/index.js';
import { ChildSumTreeLSTM, NaryTreeLSTM, RecursiveNet, TreeBatch, leaf, node, type Tree, type TreeEncoder } from '../../src/tree/index.js';
import { assertClose } from '../helpers/tensors.js';
import { wordId } from './helpers.js';

const V = 4, E = 3, H = 2, T = 5;
const words = [2, 0, 3, 3, 1];

// node 1 … node T, each node t carrying w_{words[t]} and (from t = 2) the child node t − 1
function chain(): { root: Tree; nodes: Tree[] } {
  const nodes: Tree[] = [leaf(`w${words[0]}`)];
  for (let t = 1; t < T; t++) nodes.push(node(`n${t}`, [nodes[t - 1]], `w${words[t]}`));
  return { root: nodes[T - 1], nodes };
}

// Every parameter gets values from a fixed formula (no random numbers): 0.6·sin(1.3·i + k).
function handSet(enc: TreeEncoder): void {
  enc.parameters().forEach((p, k) => { for (let i = 0; i < p.size; i++) p.data[i] = 0.6 * Math.sin(1.3 * i + k); });
}

type Mat = number[][];
const rows = (p: Tensor, r0: number, r1: number, c0 = 0, c1 = p.shape[1]): Mat => {
  const cols = p.shape[1];
  return Array.from({ length: r1 - r0 }, (_, r) => Array.from({ length: c1 - c0 }, (_, c) => p.data[(r0 + r) * cols + c0 + c]));
};
const vec = (p: Tensor, a: number, b: number): number[] => Array.from(p.data.subarray(a, b));
const mv = (m: Mat, v: number[]): number[] => m.map((row) => row.reduce((s, w, j) => s + w * v[j], 0));
const plus = (...vs: number[][]): number[] => vs[0].map((_, k) => vs.reduce((s, v) => s + v[k], 0));
const sig = (v: number[]): number[] => v.map((z) => 1 / (1 + Math.exp(-z)));
const th = (v: number[]): number[] => v.map(Math.tanh);
const times = (a: number[], b: number[]): number[] => a.map((x, k) => x * b[k]);

interface LstmWeights { W: Record<'i' | 'f' | 'o' | 'u', Mat>; U: Record<'i' | 'f' | 'o' | 'u', Mat>; b: Record<'i' | 'f' | 'o' | 'u', number[]> }

// The LSTM over the chain's words, by hand: returns [h_t, c_t] for t = 1 … T.
function lstmByHand(emb: Tensor, w: LstmWeights): [number[], number[]][] {
  let h = [0, 0], c = [0, 0];
  const out: [number[], number[]][] = [];
  for (const id of words) {
    const x = vec(emb, id * E, (id + 1) * E);
    const gate = (g: 'i' | 'f' | 'o' | 'u'): number[] => plus(mv(w.W[g], x), mv(w.U[g], h), w.b[g]);
    const i = sig(gate('i')), f = sig(gate('f')), o = sig(gate('o')), u = th(gate('u'));
    c = plus(times(i, u), times(f, c));
    h = times(o, th(c));
    out.push([h, c]);
  }
  return out;
}

function rnnByHand(emb: Tensor, Wx: Mat, W: Mat, b: number[]): number[][] {
  let h = [0, 0];
  return words.map((id) => (h = th(plus(mv(Wx, vec(emb, id * E, (id + 1) * E)), mv(W, h), b))));
}

// The encoder's states of node 1 … T, from the level-batched forward.
function treeStates(enc: TreeEncoder): [number[], number[] | null][] {
  const { root, nodes } = chain();
  const batch = new TreeBatch([root], { wordId });
  const s = enc.forward(batch);
  const id = new Map(batch.nodes.map((n, i) => [n, i]));
  return nodes.map((n) => {
    const r = id.get(n) as number;
    return [vec(s.h, r * H, (r + 1) * H), s.c ? vec(s.c, r * H, (r + 1) * H) : null];
  });
}

function compareLstm(enc: TreeEncoder, w: LstmWeights): void {
  const want = lstmByHand(enc.embedding.weight, w);
  treeStates(enc).forEach(([h, c], t) => {
    assertClose(h, want[t][0], 1e-12, 0, `h at node ${t + 1}`);
    assertClose(c as number[], want[t][1], 1e-12, 0, `c at node ${t + 1}`);
  });
}

test('Child-Sum Tree-LSTM on a chain equals the LSTM recurrence written out by hand', () => {
  const enc = new ChildSumTreeLSTM({ vocabSize: V, inputSize: E, hiddenSize: H }, { dtype: 'float64' });
  handSet(enc);
  const [Wx, Uh, b] = [enc.weight_iou_x, enc.weight_iou_h, enc.bias_iou]; // blocks i | o | u
  compareLstm(enc, {
    W: { i: rows(Wx, 0, H), o: rows(Wx, H, 2 * H), u: rows(Wx, 2 * H, 3 * H), f: rows(enc.weight_f_x, 0, H) },
    U: { i: rows(Uh, 0, H), o: rows(Uh, H, 2 * H), u: rows(Uh, 2 * H, 3 * H), f: rows(enc.weight_f_h, 0, H) },
    b: { i: vec(b, 0, H), o: vec(b, H, 2 * H), u: vec(b, 2 * H, 3 * H), f: vec(enc.bias_f, 0, H) },
  });
});

test('binary N-ary Tree-LSTM on a chain (child in position 1) equals the LSTM written out by hand', () => {
  const enc = new NaryTreeLSTM({ vocabSize: V, inputSize: E, hiddenSize: H, arity: 2 }, { dtype: 'float64' });
  handSet(enc);
  const Wx = enc.weight_x, Uh = enc.weight_h, b = enc.bias; // rows i | o | u | f1 | f2; columns of Uh: position 1 | 2
  const blk = (k: number): [number, number] => [k * H, (k + 1) * H];
  compareLstm(enc, {
    W: { i: rows(Wx, ...blk(0)), o: rows(Wx, ...blk(1)), u: rows(Wx, ...blk(2)), f: rows(Wx, ...blk(3)) },
    U: { i: rows(Uh, ...blk(0), 0, H), o: rows(Uh, ...blk(1), 0, H), u: rows(Uh, ...blk(2), 0, H), f: rows(Uh, ...blk(3), 0, H) },
    b: { i: vec(b, ...blk(0)), o: vec(b, ...blk(1)), u: vec(b, ...blk(2)), f: vec(b, ...blk(3)) },
  });
});

test('recursive nets on a chain equal the Elman recurrence written out by hand', () => {
  for (const childWeights of ['positional', 'shared'] as const) {
    const enc = new RecursiveNet({ vocabSize: V, inputSize: E, hiddenSize: H, childWeights }, { dtype: 'float64' });
    handSet(enc);
    const want = rnnByHand(enc.embedding.weight, rows(enc.weight_x, 0, H), rows(enc.weight_h, 0, H, 0, H), vec(enc.bias, 0, H));
    treeStates(enc).forEach(([h], t) => assertClose(h, want[t], 1e-12, 0, `${childWeights}: h at node ${t + 1}`));
  }
});

test('Child-Sum Tree-LSTM on a chain equals nn.LSTMCell holding the same weights', () => {
  const enc = new ChildSumTreeLSTM({ vocabSize: V, inputSize: E, hiddenSize: H }, { dtype: 'float64' });
  handSet(enc);
  const cell = new LSTMCell({ inputSize: E, hiddenSize: H }, { dtype: 'float64' });
  // LSTMCell rows i | f | g | o; the Tree-LSTM's i | o | u plus the separate f
  const blocks = (iou: Tensor, f: Tensor, cols: number): Float64Array => {
    const out = new Float64Array(4 * H * cols);
    const put = (src: Tensor, from: number, to: number): void => out.set(src.data.subarray(from * H * cols, (from + 1) * H * cols), to * H * cols);
    put(iou, 0, 0); put(f, 0, 1); put(iou, 2, 2); put(iou, 1, 3);
    return out;
  };
  cell.weight_ih.data.set(blocks(enc.weight_iou_x, enc.weight_f_x, E));
  cell.weight_hh.data.set(blocks(enc.weight_iou_h, enc.weight_f_h, H));
  (cell.bias_ih as Tensor).data.set(blocks(enc.bias_iou, enc.bias_f, 1));
  (cell.bias_hh as Tensor).data.fill(0);
  let h = zeros([1, H], { dtype: 'float64' }), c = zeros([1, H], { dtype: 'float64' });
  const got = treeStates(enc);
  words.forEach((id, t) => {
    const x = tensor(vec(enc.embedding.weight, id * E, (id + 1) * E), [1, E], { dtype: 'float64' });
    [h, c] = cell.forward(x, [h, c]);
    assertClose(got[t][0], h.data, 1e-12, 0, `h at node ${t + 1}`);
    assertClose(got[t][1] as number[], c.data, 1e-12, 0, `c at node ${t + 1}`);
  });
});
