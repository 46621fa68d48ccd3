#!/usr/bin/env node
// TensorFlow.js's side of the training-throughput benchmark, on its pure-JavaScript `cpu` backend, its
// WebAssembly `wasm` backend (XNNPACK, SIMD, one thread in Node), or its `webgpu` backend in Node (Dawn
// through the `webgpu` package: bench/tfjs_node_webgpu.mjs; the GPU rows, bench/gpu_run.sh). The model is the Keras way of
// writing unfold's char model: one-hot input [B, T, V] → tf.layers.lstm / gru (returnSequences) →
// dense softmax over V, categorical cross-entropy, Adam at 3e-3, batch 32 × length 64, random tokens.
// One-hot rather than an embedding layer because the wasm backend has no gradient for the gather an
// embedding needs; both backends run the same model so that they compare with each other.
// Differences from the unfold/PyTorch runs, none of which changes the work per token much:
//   - no gradient clipping (tf.train optimizers have no clipnorm);
//   - the recurrent kernel starts glorot-uniform instead of Keras' orthogonal, whose QR on the cpu
//     backend takes minutes at H = 512 and is setup, not training.
// The .wasm binaries load from node_modules (setWasmPaths to the package's dist/), never the network.
//
//   node bench/tfjs_train.mjs --backend wasm --cell lstm --hidden 512 [--warmup 3] [--time 10]
//
// Prints one JSON line: { runner, backend, tfjs, cell, hidden, ..., steps, seconds, tokens_per_sec, loss }.

import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { timed } from './timed.mjs';

const { values: a } = parseArgs({
  options: {
    backend: { type: 'string', default: 'cpu' },
    cell: { type: 'string', default: 'lstm' },
    hidden: { type: 'string', default: '128' },
    vocab: { type: 'string', default: '65' },
    batch: { type: 'string', default: '32' },
    'seq-len': { type: 'string', default: '64' },
    warmup: { type: 'string', default: '3' },
    time: { type: 'string', default: '10' },
  },
});
const backend = a.backend, cell = a.cell, H = Number(a.hidden), V = Number(a.vocab), B = Number(a.batch), T = Number(a['seq-len']);
if (!['cpu', 'wasm', 'webgpu'].includes(backend)) throw new Error(`expected --backend cpu, wasm or webgpu, got ${backend}`);
if (!['lstm', 'gru'].includes(cell)) throw new Error(`expected --cell lstm or gru, got ${cell}`);

let tf;
try {
  tf = await import('@tensorflow/tfjs');
} catch (e) {
  console.log(JSON.stringify({ runner: 'tfjs', backend, skipped: `@tensorflow/tfjs is not installed (${e.code ?? e.message}); run npm install` }));
  process.exit(0);
}
// tfjs greets Node users on stdout ("Hi, looks like you are running TensorFlow.js in Node.js"); the
// runner reads the last JSON line, so the greeting is harmless.
let adapter;
if (backend === 'webgpu') adapter = await (await import('./tfjs_node_webgpu.mjs')).tfjsWebGPUInNode();
if (backend === 'wasm') {
  const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
}
if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
await tf.ready();

const layer = cell === 'lstm' ? tf.layers.lstm : tf.layers.gru;
const model = tf.sequential();
model.add(layer({ units: H, returnSequences: true, inputShape: [T, V], recurrentInitializer: 'glorotUniform' }));
model.add(tf.layers.dense({ units: V, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(3e-3), loss: 'categoricalCrossentropy' });

// A small pool of random one-hot batches (inputs and next-token targets), made once in JavaScript:
// float32 from the start, because the webgpu backend's transpose of a tensor cast from int32 (what
// tf.oneHot returns) fails to compile in Dawn's WGSL ("expected 'f32', got 'i32'").
function oneHot(ids, from) {
  const out = new Float32Array(B * T * V);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out[(b * T + t) * V + ids[b * (T + 1) + t + from]] = 1;
  return tf.tensor3d(out, [B, T, V]);
}
const pool = Array.from({ length: 4 }, () => {
  const ids = Array.from({ length: B * (T + 1) }, () => Math.floor(Math.random() * V));
  return { x: oneHot(ids, 0), y: oneHot(ids, 1) };
});

let k = 0, lastLoss = NaN;
async function step() {
  const { x, y } = pool[k++ % pool.length];
  const loss = await model.trainOnBatch(x, y); // resolves after the step's values are computed
  lastLoss = Array.isArray(loss) ? loss[0] : loss;
}

const { units: steps, seconds } = await timed(async () => { await step(); return 1; }, Number(a.warmup), Number(a.time));

console.log(JSON.stringify({
  runner: 'tfjs', backend: tf.getBackend(), ...(adapter ? { adapter } : {}), tfjs: tf.version.tfjs, cell, hidden: H, layers: 1, input: 'one-hot', vocab: V, batch: B, seq_len: T,
  steps, seconds: +seconds.toFixed(3), tokens_per_sec: (steps * B * T) / seconds, loss: lastLoss, tensors: tf.memory().numTensors,
}));
