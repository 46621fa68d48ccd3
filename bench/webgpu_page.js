// The page side of bench/webgpu_browser.mjs: runs in headless Chromium, loaded as a module next to
// the project's browser bundle (./unfold.js) and TensorFlow.js (window.tf, its webgl backend). Reads
// its job from the query string and leaves one result object in window.benchResult:
//   unfold on webgpu: char-model training tokens/s (embedding 64 → LSTM H → linear V, batch B, length
//   T, AdamW, clipping at 5, the loss awaited once per step) and batch-1 sampling µs/char (one LSTM
//   step and a read of the logits per character); TensorFlow.js webgl: the same training model, the
//   Keras way (one-hot input, as bench/tfjs_train.mjs).

import * as u from './unfold.js';

const q = new URLSearchParams(location.search);
const H = Number(q.get('hidden')), B = Number(q.get('batch')), T = Number(q.get('seqLen')), V = 65, E = 64;
const warmup = Number(q.get('warmup')), time = Number(q.get('time'));

async function timed(work) {
  let t0 = performance.now();
  do await work(); while (performance.now() - t0 < warmup * 1000);
  let units = 0;
  t0 = performance.now();
  do units += await work(); while (performance.now() - t0 < time * 1000);
  return { units, seconds: (performance.now() - t0) / 1000 };
}

async function unfoldTrain() {
  const rng = new u.Rng(1);
  const emb = new u.nn.Embedding({ numEmbeddings: V, embeddingDim: E }, { rng });
  const rnn = new u.nn.LSTM({ inputSize: E, hiddenSize: H, batchFirst: true }, { rng });
  const head = new u.nn.Linear({ inFeatures: H, outFeatures: V }, { rng });
  const params = [...emb.parameters(), ...rnn.parameters(), ...head.parameters()];
  const opt = new u.optim.AdamW(params, { lr: 3e-3, weightDecay: 0 });
  const ids = () => Array.from({ length: B * T }, () => Math.floor(rng.random() * V));
  const pool = Array.from({ length: 4 }, () => ({ x: u.ops.indices(ids(), [B, T]), y: u.ops.indices(ids(), [B * T]) }));
  let k = 0, loss = NaN;
  const r = await timed(async () => {
    const { x, y } = pool[k++ % pool.length];
    const [out] = rnn.forward(emb.forward(x));
    const l = u.nn.crossEntropy(head.forward(out).reshape([B * T, V]), y);
    l.backward();
    u.optim.clipGradNorm(params, 5);
    opt.step();
    opt.zeroGrad();
    await l.read();
    loss = l.item();
    return 1;
  });
  return { tokens_per_sec: (r.units * B * T) / r.seconds, steps: r.units, loss };
}

async function unfoldSample() {
  const rng = new u.Rng(2);
  const emb = new u.nn.Embedding({ numEmbeddings: V, embeddingDim: E }, { rng });
  const rnn = new u.nn.LSTM({ inputSize: E, hiddenSize: H, batchFirst: true }, { rng });
  const head = new u.nn.Linear({ inFeatures: H, outFeatures: V }, { rng });
  let state = null, next = 0;
  const r = await timed(async () => {
    const logits = u.noGrad(() => {
      const [out, s] = rnn.forward(emb.forward(u.ops.indices([next], [1, 1])), state);
      state = s;
      return head.forward(out);
    });
    const p = await logits.read();
    let best = 0;
    for (let i = 1; i < V; i++) if (p[i] > p[best]) best = i;
    next = best;
    return 1;
  });
  return { us_per_char: (r.seconds * 1e6) / r.units, chars: r.units };
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
      result.unfold = await unfoldTrain();
      result.unfold_sample = await unfoldSample();
    }
    result.tfjs_webgl = await tfjsTrain('webgl');
    result.tfjs_webgpu = window.tf?.findBackendFactory?.('webgpu') ? await tfjsTrain('webgpu')
      : { skipped: '@tensorflow/tfjs-backend-webgpu is not installed' };
  } catch (e) {
    result.error = String(e && e.stack ? e.stack : e);
  }
  window.benchResult = result;
})();
