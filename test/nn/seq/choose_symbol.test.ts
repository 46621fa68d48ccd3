// chooseSymbol is the one symbol chooser (character sampling, seq2seq decoding, generation). Its
// draws equal a reference inverse-CDF draw that reads the same uniform numbers from a twin
// generator, and the sequences a fixed seed gave before sampling and decoding were merged into it
// (recorded from train/sample.ts's drawIndex, nn/seq's chooseSymbol and seq2seq's decode at commit
// 267598d) stay exactly what they were.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/tensor/random.js';
import { checkLogits, chooseRows, chooseSymbol } from '../../../src/nn/seq/choose_symbol.js';
import { decode } from '../../../src/seq2seq/decoding.js';
import { beamSearch } from '../../../src/seq2seq/beam_search.js';
import { TableDecoder } from '../../seq2seq/table_decoder.js';

const logits = [0.3, -1.2, 2.1, 0.9, 1.7, -0.4, 0.0, 1.1];

// Reference: weights w_i = exp(z_i / t) over the k largest logits (all when k is undefined),
// normalised, and the first i whose cumulative probability exceeds the uniform u.
function referenceDraw(z: readonly number[], t: number, k: number | undefined, u: number): number {
  const kth = k === undefined ? -Infinity : [...z].sort((a, b) => b - a)[k - 1];
  const w = z.map((v) => (v >= kth ? Math.exp(v / t) : 0));
  const total = w.reduce((a, b) => a + b, 0);
  let cum = 0;
  for (let i = 0; i < z.length; i++) {
    cum += w[i] / total;
    if (u < cum) return i;
  }
  return z.length - 1;
}

test('chooseSymbol: sampled draws equal the reference inverse-CDF draw on the same uniforms', () => {
  const data = new Rng(3);
  for (const [t, k] of [[1, undefined], [0.6, 3], [2, 5], [0.3, 1]] as const) {
    const rng = new Rng(99), twin = new Rng(99);
    for (let n = 0; n < 300; n++) {
      const z = Array.from({ length: 7 }, () => data.uniform(-3, 3));
      const padded = [5, 5, ...z];
      assert.equal(chooseSymbol(padded, 2, 7, { choose: 'sample', temperature: t, topK: k, rng }), referenceDraw(z, t, k, twin.random()), `t=${t} k=${k} draw ${n}`);
    }
  }
});

test('chooseSymbol: arg-max by default and at temperature 0, without drawing', () => {
  const rng = new Rng(5), twin = new Rng(5);
  assert.equal(chooseSymbol(logits, 0, 8), 2);
  assert.equal(chooseSymbol(logits, 0, 8, { choose: 'sample', temperature: 0, topK: 3, rng }), 2);
  assert.equal(chooseSymbol([1, 7, 7], 0, 3), 1, 'the first of tied maxima');
  assert.equal(rng.random(), twin.random(), 'no uniform was used');
  assert.deepEqual(Array.from(chooseRows([0, 1, 5, 2, 9, 9], 2, 3)), [2, 1]);
  assert.throws(() => chooseSymbol(logits, 0, 8, { choose: 'sample', temperature: -1 }), /expected a temperature >= 0, got -1/);
  assert.throws(() => chooseSymbol(logits, 0, 8, { choose: 'sample', topK: 0 }), /expected top-k to be a positive integer, got 0/);
});

test('chooseSymbol: a fixed seed gives the same draws as before the merge', () => {
  const run = (o: { temperature?: number; topK?: number }, z: number[] = logits, offset = 0): number[] => {
    const rng = new Rng(2024);
    return Array.from({ length: 24 }, () => chooseSymbol(z, offset, 8, { choose: 'sample', ...o, rng }));
  };
  // drawIndex(logits, t, k, rng), as train/sample.ts drew characters:
  assert.deepEqual(run({ temperature: 1 }), [4, 4, 2, 4, 4, 4, 0, 3, 2, 4, 4, 4, 0, 0, 6, 7, 2, 4, 2, 7, 7, 4, 2, 2]);
  assert.deepEqual(run({ temperature: 0.7, topK: 3 }), [4, 4, 2, 2, 4, 4, 2, 2, 2, 4, 4, 4, 2, 2, 4, 7, 2, 4, 2, 7, 7, 4, 2, 2]);
  assert.deepEqual(run({ temperature: 2.5, topK: 5 }), [3, 4, 2, 3, 4, 4, 0, 3, 0, 4, 4, 4, 0, 0, 7, 7, 2, 4, 2, 7, 7, 4, 2, 2]);
  // chooseSymbol(…, { choose: 'sample' }), as generate() drew symbols:
  assert.deepEqual(run({}, [9, 9, ...logits], 2), [4, 4, 2, 4, 4, 4, 0, 3, 2, 4, 4, 4, 0, 0, 6, 7, 2, 4, 2, 7, 7, 4, 2, 2]);
  assert.deepEqual(run({ temperature: 0.5 }), [2, 4, 2, 2, 3, 4, 2, 2, 2, 4, 4, 3, 0, 0, 4, 7, 2, 4, 2, 7, 4, 3, 2, 2]);
});

test('seq2seq decode: a fixed seed samples the same token sequences as before the merge', () => {
  const probs = (row: number, prefix: readonly number[]): number[] => {
    const n = prefix.length;
    return [0, 0.05, 0.1 + 0.1 * n, 0.3, 0.55 - 0.1 * n + 0.02 * row].map((p) => Math.max(p, 0.01));
  };
  const a = decode(new TableDecoder(5, 3, probs), { maxLength: 8, temperature: 0.9, topK: 3, rng: new Rng(5) });
  assert.deepEqual(a.map((h) => [h.tokens, h.finished]), [[[4, 3, 4], true], [[4, 3], true], [[4, 4, 4], true]]);
  const probs3 = (row: number, prefix: readonly number[]): number[] => [0, 0.1, prefix.length < 3 ? 0.02 : 0.4, 0.3 + 0.05 * row, 0.4, 0.2];
  const b = decode(new TableDecoder(6, 3, probs3), { maxLength: 7, temperature: 1.3, rng: new Rng(6) });
  assert.deepEqual(b.map((h) => [h.tokens, h.finished]), [[[4, 1, 1, 4, 4, 3, 5], false], [[3, 4, 5, 1, 5], true], [[], true]]);
});

test('scores with NaN or +Infinity are refused naming the step and the symbol, not read as "pick symbol 0"', () => {
  for (const choose of ['argmax', 'sample'] as const) {
    assert.throws(() => chooseSymbol([NaN, NaN, NaN], 0, 3, { choose, rng: new Rng(1) }, 7),
      /^Error: expected finite scores from the model at step 7, got NaN for symbol 0: its weights or activations have overflowed$/);
    assert.throws(() => chooseSymbol([0.5, Infinity, 1], 0, 3, { choose, rng: new Rng(1) }), /expected finite scores from the model, got Infinity for symbol 1/);
    assert.throws(() => chooseRows(Float32Array.of(1, 2, 3, NaN), 2, 2, { choose }, 4), /at step 4, got NaN for symbol 1/);
  }
  // −Infinity masks a symbol out; all of them masked leaves nothing to choose.
  assert.equal(chooseSymbol([-Infinity, 0.2, -Infinity], 0, 3), 1);
  assert.throws(() => checkLogits([-Infinity, -Infinity], 0, 2, 2), /expected a symbol with a score above -Infinity at step 2, got -Infinity for all 2/);
  // Decoding names the step where the model's scores stopped being finite: here the third token.
  const table = (_row: number, prefix: readonly number[]): number[] => (prefix.length < 2 ? [0.1, 0.2, 0, 0.7] : [NaN, NaN, NaN, NaN]);
  assert.throws(() => decode(new TableDecoder(4, 2, table), { maxLength: 5 }), /at step 3, got NaN for symbol 0/);
  assert.throws(() => beamSearch(new TableDecoder(4, 1, table), { beamWidth: 2, maxLength: 5 }), /at step 3, got NaN for symbol 0/);
});
