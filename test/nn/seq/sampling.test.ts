// Sampling rules against their definitions: temperature 0 is arg-max, top-k never leaves the k
// largest logits, and draws follow softmax(z / t) (checked by frequency over many draws).

import test from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/tensor/random.js';
import { chooseSymbol } from '../../../src/nn/seq/choose_symbol.js';

// A draw at temperature t among the top k (chooseSymbol's 'sample').
const draw = (z: number[], t: number, k: number | undefined, rng: Rng): number => chooseSymbol(z, 0, z.length, { choose: 'sample', temperature: t, topK: k, rng });

const logits = [0.5, 2.0, -1.0, 1.5, 0.0];

test('temperature 0 and top-k 1 pick the arg-max', () => {
  const rng = new Rng(1);
  for (let i = 0; i < 50; i++) {
    assert.equal(draw(logits, 0, undefined, rng), 1);
    assert.equal(draw(logits, 1.5, 1, rng), 1);
  }
});

function frequencies(t: number, k: number | undefined, n = 40000): number[] {
  const rng = new Rng(7);
  const counts = new Array(logits.length).fill(0);
  for (let i = 0; i < n; i++) counts[draw(logits, t, k, rng)]++;
  return counts.map((c) => c / n);
}

function softmax(z: number[], t: number): number[] {
  const e = z.map((v) => Math.exp(v / t));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

test('draws follow softmax(z / t)', () => {
  for (const t of [1, 0.5, 2]) {
    const f = frequencies(t, undefined), p = softmax(logits, t);
    p.forEach((pi, i) => assert.ok(Math.abs(f[i] - pi) < 0.01, `t=${t} symbol ${i}: ${f[i]} vs ${pi}`));
  }
});

test('top-k draws only among the k largest, renormalised', () => {
  const f = frequencies(1, 2);
  const p = softmax([2.0, 1.5], 1);
  assert.equal(f[0] + f[2] + f[4], 0);
  assert.ok(Math.abs(f[1] - p[0]) < 0.01 && Math.abs(f[3] - p[1]) < 0.01, `${f}`);
});
