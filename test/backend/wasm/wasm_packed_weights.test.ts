// The wasm backend's batch-1 products over a weight kept packed (src/backend/wasm/packed_weights.ts):
// x·Wᵀ at M = 1 repeated with the same weight gives sgemm's bits every time (the first product reads W
// in place, the second packs it, later ones reuse the copy); once the weight changes, through a kernel
// or through the host array, the next products use the new values (a stale copy would not); views,
// N not a multiple of 4 and products at M > 1 keep sgemm's path, all against the reference gemm; and
// LSTM, GRU and RNN layers stepped one token at a time (their W_hh read by the one-row forward loops
// from the packed copies) give the bits of the same layers whose weights change version every token
// (so never packed). Breaking a packed copy of W_hh alone fails the last (checked by hand).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Storage } from '../../../src/backend/storage.js';
import { wasmBackend } from '../../../src/backend/backend.js';
import { wasmModule } from '../../../src/backend/wasm/module.js';
import { gemm as gemmRef } from '../../../src/backend/ref/gemm.js';
import { Rng } from '../../../src/tensor/random.js';
import { assertClose } from '../../helpers/tensors.js';

const noWasm = wasmModule() === null;

function storage(values: Float32Array): Storage {
  const s = new Storage('float32', values.length);
  s.overwrite().set(values);
  return s;
}

// y = x·Wᵀ on the wasm backend, as a fresh array.
function product(x: Storage, W: Storage, N: number, K: number, M = 1): Float32Array {
  const y = new Storage('float32', M * N);
  wasmBackend.gemm(false, true, M, N, K, x, 0, W, 0, y, 0, false);
  return Float32Array.from(y.read());
}

function reference(x: Float32Array, W: Float32Array, N: number, K: number, M = 1): Float32Array {
  const y = new Float32Array(M * N);
  gemmRef(false, true, M, N, K, x, 0, W, 0, y, 0, false);
  return y;
}

test('repeated batch-1 products over one weight keep the bits of the first (in place), and follow the weight when it changes', { skip: noWasm }, () => {
  const rng = new Rng(5);
  const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
  for (const [N, K] of [[8, 5], [512, 64], [2048, 512]]) {
    const w = rand(N * K), W = storage(w), xs = [rand(K), rand(K), rand(K), rand(K)];
    const firsts = xs.map((x) => product(storage(x), W, N, K)); // the first reads in place
    for (let round = 0; round < 2; round++) {                    // then packed, then reused
      xs.forEach((x, i) => assert.deepEqual(product(storage(x), W, N, K), firsts[i], `[${N}, ${K}] round ${round}, x ${i}: same bits`));
    }
    xs.forEach((x, i) => assertClose(firsts[i], reference(x, w, N, K), 1e-5, 1e-5, `[${N}, ${K}] against the reference`));
    // Changed through the host array: the product must use the new values.
    const host = W.write();
    for (let i = 0; i < host.length; i += 3) host[i] *= -2;
    const w2 = Float32Array.from(host);
    for (let k = 0; k < 3; k++) assertClose(product(storage(xs[0]), W, N, K), reference(xs[0], w2, N, K), 1e-5, 1e-5, `[${N}, ${K}] after a host write, product ${k}`);
    // Changed by a kernel (an in-place scale on the device copy).
    wasmBackend.affineScalar(W, 0.5, 0.25, W);
    const w3 = Float32Array.from(w2, (v) => Math.fround(0.5 * v + 0.25));
    for (let k = 0; k < 3; k++) assertClose(product(storage(xs[1]), W, N, K), reference(xs[1], w3, N, K), 1e-5, 1e-5, `[${N}, ${K}] after a kernel wrote it, product ${k}`);
  }
});

test('views of a weight, N not a multiple of 4, and more than one row keep sgemm\'s path, matching the reference', { skip: noWasm }, () => {
  const rng = new Rng(6);
  const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
  const N = 65, K = 32, w = rand(N * K), W = storage(w), x = rand(K);
  for (let k = 0; k < 3; k++) assertClose(product(storage(x), W, N, K), reference(x, w, N, K), 1e-5, 1e-5, `N = 65, product ${k}`);
  const base = storage(rand(10 + 64 * 16)), view = Storage.view(base, 10, 64 * 16);
  const wv = Float32Array.from(base.read().subarray(10, 10 + 64 * 16));
  for (let k = 0; k < 3; k++) assertClose(product(storage(x.subarray(0, 16)), view, 64, 16), reference(x.subarray(0, 16), wv, 64, 16), 1e-5, 1e-5, `a view, product ${k}`);
  const W2 = storage(rand(64 * 16)), xs = rand(3 * 16);
  for (let k = 0; k < 3; k++) assertClose(product(storage(xs), W2, 64, 16, 3), reference(xs, Float32Array.from(W2.read()), 64, 16, 3), 1e-5, 1e-5, `M = 3, product ${k}`);
});

test('stepping an LSTM, GRU or RNN one token at a time gives the same bits whether W_hh and W_ih are read in place or from their packed copies', { skip: noWasm }, async () => {
  const { LSTM } = await import('../../../src/nn/layers/lstm.js');
  const { GRU } = await import('../../../src/nn/layers/gru.js');
  const { RNN } = await import('../../../src/nn/layers/rnn.js');
  const { Tensor } = await import('../../../src/tensor/tensor.js');
  const { noGrad } = await import('../../../src/autograd/grad_mode.js');
  const { getBackend, setBackend } = await import('../../../src/backend/backend.js');
  const before = getBackend();
  setBackend(wasmBackend);
  try {
    const makers = {
      lstm: (rng: Rng) => new LSTM({ inputSize: 12, hiddenSize: 16, numLayers: 2 }, { rng }),
      gru8: (rng: Rng) => new GRU({ inputSize: 12, hiddenSize: 8, numLayers: 2 }, { rng }),
      gru6: (rng: Rng) => new GRU({ inputSize: 12, hiddenSize: 6 }, { rng }), // 3H = 18: in place throughout
      rnn: (rng: Rng) => new RNN({ inputSize: 12, hiddenSize: 20 }, { rng }),
    };
    for (const [name, make] of Object.entries(makers)) {
      const inPlace = make(new Rng(3)), packed = make(new Rng(3));
      const rng = new Rng(8);
      let sa: unknown = null, sb: unknown = null;
      for (let t = 0; t < 6; t++) {
        const x = Float32Array.from({ length: 12 }, () => rng.uniform(-1, 1));
        // a new version of every weight before each token: the copies are never made for this model
        for (const p of inPlace.parameters()) p.storage.write();
        const [ya, na] = noGrad(() => (inPlace.forward as (x: InstanceType<typeof Tensor>, s: unknown) => [InstanceType<typeof Tensor>, unknown])(new Tensor(Float32Array.from(x), [1, 1, 12]), sa));
        const [yb, nb] = noGrad(() => (packed.forward as (x: InstanceType<typeof Tensor>, s: unknown) => [InstanceType<typeof Tensor>, unknown])(new Tensor(Float32Array.from(x), [1, 1, 12]), sb));
        sa = na; sb = nb;
        assert.deepEqual(Float32Array.from(yb.dataSync()), Float32Array.from(ya.dataSync()), `${name}, token ${t}`);
      }
    }
  } finally {
    setBackend(before);
  }
});
