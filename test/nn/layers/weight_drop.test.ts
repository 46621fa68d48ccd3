// Weight drop (DropConnect on W_hh) in RNN / LSTM / GRU layers: at p = 0 and in evaluation the
// plain layer; with a hand-made mask (a scripted generator) the LSTM equals a plainly written loop
// whose W_hh is W_hh ⊙ m / (1 − p) at every step (one mask shared across time and batch); the
// fused path equals the generic one (outputs, states, gradients), is really taken, and gives no
// gradient to dropped entries; Recurrence's weightDrop is the layer's.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GRU, LSTM, LSTMCell, RNN, Recurrence, SkipRNNCell, dropRecurrentWeight } from '../../../src/nn/index.js';
import { Rng } from '../../../src/tensor/random.js';
import type { Tensor } from '../../../src/tensor/tensor.js';
import { lstmStep, vec, type Vec } from '../../helpers/reference_rnn.js';
import { close, inputTBI, makeLayer, rowOf, runLayer, setParams } from '../../helpers/recurrent_layers.js';
import { forwardBackward, fusedKinds, type FusedKind, type Sizes } from '../../helpers/fused_layers.js';

// A generator whose uniforms are the given values, in order (then again from the start).
class ScriptedRng extends Rng {
  private k = 0;
  constructor(private readonly values: readonly number[]) { super(0); }
  override random(): number { return this.values[this.k++ % this.values.length]; }
}

// Names of the ops that made t, depth-first.
function opNames(t: Tensor, seen = new Set<Tensor>(), out: string[] = []): string[] {
  if (seen.has(t) || !t.gradFn) return out;
  seen.add(t);
  out.push(t.gradFn.name);
  for (const i of t.gradFn.inputs) opNames(i, seen, out);
  return out;
}

test('weight drop 0 is the plain layer; in evaluation any weight drop is the plain layer', () => {
  const x = inputTBI(4, 2, 3, false);
  const plain = makeLayer('lstm', { inputSize: 3, hiddenSize: 4 }).layer;
  const zero = makeLayer('lstm', { inputSize: 3, hiddenSize: 4, weightDrop: 0 }).layer;
  const half = makeLayer('lstm', { inputSize: 3, hiddenSize: 4, weightDrop: 0.5 }).layer;
  assert.deepEqual(runLayer(zero, x).output.toArray(), runLayer(plain, x).output.toArray());
  half.eval(); plain.eval();
  assert.deepEqual(runLayer(half, x).output.toArray(), runLayer(plain, x).output.toArray());
  assert.equal(dropRecurrentWeight(zero.cells[0][0], 0), zero.cells[0][0]);
  assert.throws(() => new LSTM({ inputSize: 1, hiddenSize: 2, weightDrop: 1 }), /expected weightDrop in \[0, 1\), got 1/);
});

for (const fused of [false, true]) {
  test(`LSTM weight drop with a hand-made mask equals the loop with W_hh ⊙ m/(1−p) at every step (${fused ? 'fused' : 'generic'} path)`, () => {
    const I = 2, H = 3, T = 5, B = 2, p = 0.25;
    const { layer, weights } = makeLayer('lstm', { inputSize: I, hiddenSize: H, weightDrop: p, fused });
    // Entry k of W_hh [4H, H] is dropped when the k-th uniform is below p: every third one here.
    const drop = vec(4 * H * H, (k) => k % 3 === 1);
    layer.rng = new ScriptedRng(drop.map((d) => (d ? 0.1 : 0.9)));
    const x = inputTBI(T, B, I, false);
    const out = runLayer(layer, x).output;
    const w = weights[0][0];
    const masked = { ...w, whh: w.whh.map((row, r) => row.map((v, c) => (drop[r * H + c] ? 0 : v / (1 - p)))) };
    for (let b = 0; b < B; b++) {
      let h: Vec = vec(H, () => 0), c: Vec = vec(H, () => 0);
      const ref: Vec[] = rowOf(x, b).map((xt) => { [h, c] = lstmStep(xt, h, c, masked); return h; });
      close(rowOf(out, b), ref, 1e-13, `row ${b}`);
    }
  });
}

for (const kind of fusedKinds) {
  test(`${kind}: weight drop on the fused path equals the generic path (outputs, states, every gradient)`, () => {
    const s: Sizes = { T: 4, B: 3, I: 3, H: 4 };
    const o = { numLayers: 2, bidirectional: true, batchFirst: false, withInit: true };
    const runs = [true, false].map((fused) => {
      const cfg = { inputSize: s.I, hiddenSize: s.H, numLayers: 2, bidirectional: true, fused, weightDrop: 0.4 };
      const init = { dtype: 'float64' as const, rng: new Rng(3) };
      const layer = kind === 'lstm' ? new LSTM(cfg, init) : kind === 'gru' ? new GRU(cfg, init) : new RNN({ ...cfg, nonlinearity: kind === 'rnn_relu' ? 'relu' : 'tanh' }, init);
      setParams(layer);
      // which path runs, seen in the graph of a forward pass (backward frees it)
      const ops = opNames(runLayer(layer, inputTBI(s.T, s.B, s.I)).output);
      assert.equal(ops.some((n) => n.startsWith('fused')), fused, `the ${fused ? 'fused' : 'generic'} path ran: ${ops.slice(0, 4).join(', ')}`);
      layer.rng = new Rng(11);
      return forwardBackward(layer, kind as FusedKind, s, o);
    });
    const [f, g] = runs;
    close(f.output.data, g.output.data, 1e-12, 'output');
    f.finals.forEach((t, j) => close(t.data, g.finals[j].data, 1e-12, `final ${j}`));
    for (const [name, grad] of f.grads) close(grad, g.grads.get(name)!, 1e-11, `grad ${name}`);
    // about 40 % of W_hh's entries were dropped, and they get no gradient
    const gw = f.grads.get('weight_hh_l0')!;
    const zeros = Array.from(gw).filter((v) => v === 0).length;
    assert.ok(zeros > 0.2 * gw.length && zeros < 0.6 * gw.length, `${zeros} of ${gw.length} entries without gradient`);
  });
}

test('Recurrence(LSTMCell) with weightDrop equals the LSTM layer with weightDrop (same weights, same generator)', () => {
  const { layer } = makeLayer('lstm', { inputSize: 3, hiddenSize: 4, weightDrop: 0.3, fused: false });
  const cell = new LSTMCell({ inputSize: 3, hiddenSize: 4 }, { dtype: 'float64' });
  const c = layer.cells[0][0];
  cell.loadStateDict({ weight_ih: c.weight_ih, weight_hh: c.weight_hh, bias_ih: c.bias_ih!, bias_hh: c.bias_hh! });
  const rec = new Recurrence(cell, { weightDrop: 0.3 }, new Rng(4));
  layer.rng = new Rng(4);
  const x = inputTBI(5, 2, 3, false);
  const a = runLayer(layer, x).output.toArray(), b = rec.forward(x)[0].toArray();
  assert.deepEqual(b, a);
  rec.eval();
  assert.notDeepEqual(rec.forward(x)[0].toArray(), a, 'evaluation runs the plain W_hh');
  assert.throws(() => new Recurrence(new SkipRNNCell({ inputSize: 1, hiddenSize: 2 }), { weightDrop: 0.1 }), /Recurrence: weightDrop needs a cell with one recurrent weight matrix weight_hh/);
});
