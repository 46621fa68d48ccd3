// Attention: weights are a distribution over unmasked positions (exactly 0 on padding), both score
// functions equal plainly written loops over the paper's formulas, and gradients through both forms
// (queries, keys, parameters) agree with finite differences in float64.

import test from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { gradcheck } from '../../src/autograd/gradcheck.js';
import { sum } from '../../src/autograd/ops/reduce.js';
import { add, mul } from '../../src/autograd/ops/elementwise.js';
import { AdditiveAttention } from '../../src/seq2seq/additive_attention.js';
import { MultiplicativeAttention } from '../../src/seq2seq/multiplicative_attention.js';
import type { Attention } from '../../src/seq2seq/attention.js';
import { sequenceMask } from '../../src/tensor/sequence_mask.js';
import { reshape } from '../../src/autograd/ops/shape_ops.js';
import { assertClose, rand64 } from '../helpers/tensors.js';

const B = 3, T = 2, S = 5, Hq = 4, Hk = 6, A = 3;
const lengths = [5, 2, 3];
const f64 = { dtype: 'float64' as const };
// [B, 1, S], 1 on padding: the mask the decoder gives attention.
const paddingMask = (): Tensor => reshape(sequenceMask(lengths, S, { batchFirst: true, padding: true, dtype: 'float64' }), [B, 1, S]);

function makeAll(): Attention[] {
  return [
    new AdditiveAttention({ querySize: Hq, keySize: Hk, attentionSize: A }, f64),
    new MultiplicativeAttention({ querySize: Hq, keySize: Hk, form: 'general' }, f64),
    new MultiplicativeAttention({ querySize: Hk, keySize: Hk, form: 'dot' }, f64),
  ];
}

// Reference: e[b,t,s] by the formula, masked softmax and weighted sum by loops.
function reference(att: Attention, q: Tensor, k: Tensor, lens: number[]): { ctx: number[]; w: number[] } {
  const Q = att.querySize, K = att.keySize;
  const score = (b: number, t: number, s: number): number => {
    const qv = Array.from({ length: Q }, (_, i) => q.data[(b * T + t) * Q + i]);
    const kv = Array.from({ length: K }, (_, j) => k.data[(b * S + s) * K + j]);
    if (att instanceof AdditiveAttention) {
      let e = 0;
      for (let a = 0; a < att.attentionSize; a++) {
        let z = att.key.bias!.data[a];
        for (let i = 0; i < Q; i++) z += att.query.weight.data[a * Q + i] * qv[i];
        for (let j = 0; j < K; j++) z += att.key.weight.data[a * K + j] * kv[j];
        e += att.v.data[a] * Math.tanh(z);
      }
      return e;
    }
    const m = att as MultiplicativeAttention;
    let e = 0;
    for (let i = 0; i < Q; i++) for (let j = 0; j < K; j++) e += qv[i] * (m.weight ? m.weight.data[i * K + j] : i === j ? 1 : 0) * kv[j];
    return e;
  };
  const ctx: number[] = [], w: number[] = [];
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) {
    const e = Array.from({ length: S }, (_, s) => (s < lens[b] ? score(b, t, s) : -Infinity));
    const m = Math.max(...e);
    const z = e.reduce((acc, x) => acc + Math.exp(x - m), 0);
    const a = e.map((x) => Math.exp(x - m) / z);
    w.push(...a);
    for (let j = 0; j < K; j++) ctx.push(a.reduce((acc, x, s) => acc + x * k.data[(b * S + s) * K + j], 0));
  }
  return { ctx, w };
}

test('attention weights sum to one over each row and are exactly zero at padded positions', () => {
  for (const att of makeAll()) {
    const q = rand64([B, T, att.querySize], 1, { grad: false }), k = rand64([B, S, att.keySize], 2, { grad: false });
    const { weights, context } = att.forward(q, k, paddingMask());
    assert.deepEqual([...weights.shape], [B, T, S]);
    assert.deepEqual([...context.shape], [B, T, att.keySize]);
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) {
      let total = 0;
      for (let s = 0; s < S; s++) {
        const w = weights.data[(b * T + t) * S + s];
        if (s >= lengths[b]) assert.equal(w, 0, `${att.kind}: weight at padded (${b}, ${t}, ${s})`);
        else assert.ok(w > 0, `${att.kind}: weight at real position (${b}, ${t}, ${s}) is ${w}`);
        total += w;
      }
      assert.ok(Math.abs(total - 1) < 1e-12, `${att.kind}: row (${b}, ${t}) sums to ${total}`);
    }
  }
});

test('attention equals the formulas of Bahdanau (additive) and Luong (general, dot)', () => {
  for (const att of makeAll()) {
    const q = rand64([B, T, att.querySize], 3, { grad: false }), k = rand64([B, S, att.keySize], 4, { grad: false });
    const { weights, context } = att.forward(q, k, paddingMask());
    const ref = reference(att, q, k, lengths);
    assertClose(weights.data, ref.w, 1e-12, 0, `${att.kind} weights`);
    assertClose(context.data, ref.ctx, 1e-12, 0, `${att.kind} context`);
  }
});

test('a single query [B, Hq] gives the T = 1 slice, and padded keys do not change the context', () => {
  for (const att of makeAll()) {
    const q = rand64([B, 1, att.querySize], 5, { grad: false }), k = rand64([B, S, att.keySize], 6, { grad: false });
    const mask = paddingMask();
    const full = att.forward(q, k, mask);
    const one = att.forward(new Tensor(q.data, [B, att.querySize]), att.prepare(k), mask);
    assert.deepEqual([...one.weights.shape], [B, S]);
    assert.deepEqual(Array.from(one.context.data), Array.from(full.context.data));
    // Scribble over the padded key positions: nothing a query sees may change.
    const k2 = new Tensor(Float64Array.from(k.data), k.shape);
    for (let b = 0; b < B; b++) for (let s = lengths[b]; s < S; s++) for (let j = 0; j < att.keySize; j++) k2.data[(b * S + s) * att.keySize + j] = 100 + s + j;
    assert.deepEqual(Array.from(att.forward(q, k2, mask).context.data), Array.from(full.context.data));
  }
});

test('gradcheck (float64) through additive, general and dot attention, masked', () => {
  for (const att of makeAll()) {
    const q = rand64([B, T, att.querySize], 7), k = rand64([B, S, att.keySize], 8);
    const mask = paddingMask();
    const r = rand64([B, T, S], 9, { grad: false });
    // Both outputs enter the checked scalar: the context and (projected) the weights themselves.
    const fn = (): Tensor => {
      const { context, weights } = att.forward(q, k, mask);
      return add(sum(context), sum(mul(weights, r)));
    };
    const res = gradcheck(fn, [q, k, ...att.parameters()], { atol: 1e-7, rtol: 1e-5 });
    assert.ok(res.ok, `${att.kind}: max error ${res.maxAbsError}`);
    // Gradient never reaches padded keys.
    for (let b = 0; b < B; b++) for (let s = lengths[b]; s < S; s++) for (let j = 0; j < att.keySize; j++) {
      assert.equal(k.grad!.data[(b * S + s) * att.keySize + j], 0);
    }
  }
});

test('attention rejects mismatched shapes with a message naming them', () => {
  const att = new AdditiveAttention({ querySize: Hq, keySize: Hk }, f64);
  assert.throws(() => att.forward(rand64([B, T, Hq + 1], 1, { grad: false }), rand64([B, S, Hk], 2, { grad: false })), /expected query of shape \[3, T, 4\] or \[3, 4\], got \[3, 2, 5\]/);
  assert.throws(() => att.forward(rand64([B, T, Hq], 1, { grad: false }), rand64([B, S, Hk + 1], 2, { grad: false })), /expected keys of shape \[B, S, 6\], got \[3, 5, 7\]/);
  assert.throws(() => sequenceMask([0, 2], 4), /expected lengths to be integers in \[1, 4\], got 0 for batch row 0/);
  assert.throws(() => new MultiplicativeAttention({ querySize: 3, keySize: 4, form: 'dot' }), /expected querySize = keySize, got 3 and 4/);
});
