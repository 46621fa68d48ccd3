// The page side of bench/webgpu_browser.mjs: runs in headless Chromium, loaded as a module next to
// the project's browser bundle (./unfold.js) and TensorFlow.js (window.tf, its webgl backend). Reads
// its job from the query string and leaves one result object in window.benchResult:
//   unfold on webgpu: bench/webgpu_work.js (served as ./work.js); TensorFlow.js webgl: the same
//   training model, the Keras way (one-hot input, as bench/tfjs_train.mjs).

import * as u from './unfold.js';
import { timed as timedFor } from './timed.mjs';
import { unfoldSample, unfoldTrain } from './work.js';

const q = new URLSearchParams(location.search);
const H = Number(q.get('hidden')), B = Number(q.get('batch')), T = Number(q.get('seqLen')), V = 65, E = 64;
const warmup = Number(q.get('warmup')), time = Number(q.get('time'));

async function timed(work) {
  return timedFor(work, warmup, time);
}

async function tfjsTrain(backend) {
  const tf = window.tf;
  if (!tf) return { skipped: 'TensorFlow.js did not load' };
  if (!(await tf.setBackend(backend))) return { skipped: `tfjs backend ${backend} is not available in this browser` };
  await tf.ready();
  const model = tf.sequential();
  model.add(tf.layers.lstm({ units: H, returnSequences: true, inputShape: [T, V], recurrentInitializer: 'glorotUniform' }));
  model.add(tf.layers.dense({ units: V, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(3e-3), loss: 'categoricalCrossentropy' });
  const pool = Array.from({ length: 4 }, () => tf.tidy(() => {
    const ids = tf.randomUniform([B, T + 1], 0, V, 'int32');
    return { x: tf.oneHot(ids.slice([0, 0], [B, T]), V).toFloat(), y: tf.oneHot(ids.slice([0, 1], [B, T]), V).toFloat() };
  }));
  let k = 0, loss = NaN;
  const r = await timed(async () => {
    const { x, y } = pool[k++ % pool.length];
    const l = await model.trainOnBatch(x, y);
    loss = Array.isArray(l) ? l[0] : l;
    return 1;
  });
  return { tokens_per_sec: (r.units * B * T) / r.seconds, steps: r.units, loss, backend: tf.getBackend() };
}

(async () => {
  const result = { hidden: H, batch: B, seq_len: T };
  try {
    if (!(await u.initWebGPU())) result.unfold = { skipped: `no WebGPU adapter (${u.webgpuUnavailable})` };
    else {
      u.setBackend(u.webgpuBackend);
      const info = (await navigator.gpu.requestAdapter()).info;
      result.adapter = `${info.vendor} ${info.architecture}`.trim();
      const job = { H, B, T, V, E, warmup, time };
      result.unfold = await unfoldTrain(u, job);
      result.unfold_sample = await unfoldSample(u, job);
    }
    result.tfjs_webgl = await tfjsTrain('webgl');
    result.tfjs_webgpu = window.tf?.findBackendFactory?.('webgpu') ? await tfjsTrain('webgpu')
      : { skipped: '@tensorflow/tfjs-backend-webgpu is not installed' };
  } catch (e) {
    result.error = String(e && e.stack ? e.stack : e);
  }
  window.benchResult = result;
})();
