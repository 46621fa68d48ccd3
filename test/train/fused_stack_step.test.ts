// The batch-1 sampling fast path (charStepper over an LSTM CharModel, without autograd: on wasm the
// one-thread slice stepper over packed rows, on other backends LstmStackStepper over the backend's
// kernels) against the model's own forward (the generic reference) on the same token sequence: the
// logits after every token within float32 tolerance, for 1–3 layers and hidden sizes not a multiple
// of the vector width, on both backends; two steppers interleaved still agree; a GRU model takes the
// generic stepper.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../helpers/tensors.js';
import { noGrad } from '../../src/autograd/grad_mode.js';
import { indices } from '../../src/autograd/ops/gather.js';
import { Rng } from '../../src/tensor/random.js';
import { CharModel, type CellType } from '../../src/train/char_model.js';
import { charStepper } from '../../src/train/sample.js';
import { getBackend, refBackend, setBackend, wasmBackend, type Backend } from '../../src/backend/backend.js';
import { wasmModule } from '../../src/backend/wasm/module.js';

function model(cell: CellType, H: number, numLayers: number, seed: number): CharModel {
  const m = new CharModel({ vocabSize: 7, cell, hiddenSize: H, numLayers, embeddingSize: 3, dropout: 0, forgetBias: 1 }, { rng: new Rng(seed) });
  m.eval();
  return m;
}

// logits [T, V] of model.forward over the whole sequence
function reference(m: CharModel, ids: number[]): Float32Array {
  return noGrad(() => Float32Array.from(m.forward(indices(ids, [1, ids.length]))[0].data));
}

const ids = [3, 0, 6, 6, 1, 5, 2, 0, 4];

const backends: Backend[] = wasmModule() === null ? [refBackend] : [wasmBackend, refBackend];

test('charStepper on an LSTM model equals model.forward after every token, on every backend', () => {
  const before = getBackend();
  try {
    for (const be of backends) {
      setBackend(be);
      for (const [H, L] of [[1, 1], [5, 2], [17, 3], [8, 2]]) {
        const m = model('lstm', H, L, 4 + H);
        const want = reference(m, ids);
        noGrad(() => {
          const s = charStepper(m);
          assert.equal(s.path, 'fused', 'the fast path is what gets compared');
          ids.forEach((id, t) => assertClose(s.step(id), want.subarray(t * 7, (t + 1) * 7), 2e-5, 2e-4, `${be.name} H=${H} L=${L} t=${t}`));
        });
      }
    }
  } finally {
    setBackend(before);
  }
});

test('two LSTM steppers interleaved stay correct (each keeps its own weights and state)', () => {
  const a = model('lstm', 6, 2, 1), b = model('lstm', 9, 1, 2);
  const wa = reference(a, ids), wb = reference(b, ids);
  noGrad(() => {
    const sa = charStepper(a), sb = charStepper(b);
    assert.equal(sa.path, 'fused'); assert.equal(sb.path, 'fused');
    ids.forEach((id, t) => {
      assertClose(sa.step(id), wa.subarray(t * 7, (t + 1) * 7), 2e-5, 2e-4, `a t=${t}`);
      assertClose(sb.step(id), wb.subarray(t * 7, (t + 1) * 7), 2e-5, 2e-4, `b t=${t}`);
    });
  });
});

test('a GRU model steps through model.forward with its state carried', () => {
  const m = model('gru', 5, 2, 3);
  const want = reference(m, ids);
  noGrad(() => {
    const s = charStepper(m);
    assert.equal(s.path, 'generic');
    ids.forEach((id, t) => assertClose(s.step(id), want.subarray(t * 7, (t + 1) * 7), 1e-6, 1e-5, `t=${t}`));
  });
});

test('the LSTM stepper rejects a token id outside the vocabulary', () => {
  const m = model('lstm', 4, 1, 9);
  noGrad(() => assert.throws(() => charStepper(m).step(7), /expected a token id in \[0, 7\), got 7/));
});
