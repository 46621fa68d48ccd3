#!/usr/bin/env node
// TensorFlow.js's side of the sampling-latency benchmark (cpu, wasm, or webgpu in Node as in tfjs_train.mjs): two stateful
// tf.layers.lstm of H = 512 (batchInputShape [1, 1, V], so the state carries from call to call) →
// dense softmax over V = 65, fed one-hot characters one at a time with model.predict (no gradient
// tape), each character drawn from the softmax in JavaScript. The .wasm files load from node_modules.
//
//   node bench/tfjs_sample.mjs --backend wasm [--hidden 512] [--layers 2] [--warmup 2] [--time 10]
//
// Prints one JSON line: { runner, backend, tfjs, ..., chars, seconds, us_per_char }.

import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { timed } from './timed.mjs';

const { values: a } = parseArgs({
  options: {
    backend: { type: 'string', default: 'cpu' },
    hidden: { type: 'string', default: '512' },
    layers: { type: 'string', default: '2' },
    vocab: { type: 'string', default: '65' },
    warmup: { type: 'string', default: '2' },
    time: { type: 'string', default: '10' },
  },
});
const backend = a.backend, H = Number(a.hidden), L = Number(a.layers), V = Number(a.vocab);

let tf;
try {
  tf = await import('@tensorflow/tfjs');
} catch (e) {
  console.log(JSON.stringify({ runner: 'tfjs', backend, skipped: `@tensorflow/tfjs is not installed (${e.code ?? e.message}); run npm install` }));
  process.exit(0);
}
let adapter;
if (backend === 'webgpu') adapter = await (await import('./tfjs_node_webgpu.mjs')).tfjsWebGPUInNode();
if (backend === 'wasm') {
  const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
}
if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
await tf.ready();

const model = tf.sequential();
for (let l = 0; l < L; l++) {
  model.add(tf.layers.lstm({
    units: H, returnSequences: true, stateful: true, recurrentInitializer: 'glorotUniform',
    ...(l === 0 ? { batchInputShape: [1, 1, V] } : {}),
  }));
}
model.add(tf.layers.dense({ units: V, activation: 'softmax' }));

// Each input is a float32 one-hot made in JavaScript (see bench/tfjs_train.mjs on webgpu and int32);
// on webgpu the probabilities are read with the asynchronous data() (dataSync there needs OffscreenCanvas).
let id = 0;
const x = new Float32Array(V);
async function next() {
  x.fill(0);
  x[id] = 1;
  const probs = tf.tidy(() => model.predict(tf.tensor3d(x, [1, 1, V])));
  const p = backend === 'webgpu' ? await probs.data() : probs.dataSync();
  probs.dispose();
  let u = Math.random(), i = 0;
  for (; i < V - 1; i++) { u -= p[i]; if (u < 0) break; }
  id = i;
}

const { units: chars, seconds } = await timed(async () => { for (let i = 0; i < 4; i++) await next(); return 4; }, Number(a.warmup), Number(a.time));

console.log(JSON.stringify({
  runner: 'tfjs', backend: tf.getBackend(), ...(adapter ? { adapter } : {}), tfjs: tf.version.tfjs, cell: 'lstm', hidden: H, layers: L, input: 'one-hot', vocab: V, batch: 1,
  chars, seconds: +seconds.toFixed(3), us_per_char: (seconds * 1e6) / chars, tensors: tf.memory().numTensors,
}));
