// unfold's side of the WebGPU benchmark, shared by the browser page (bench/webgpu_page.js, in headless
// Chromium) and by Node (bench/webgpu_node.mjs, through the optional `webgpu` package): given the
// library `u` with the webgpu backend set, the char-model training step (embedding 64 → LSTM H →
// linear V, batch B, length T, AdamW, clipping at 5, the loss awaited once per step) in tokens/s, and
// batch-1 sampling (one LSTM step and a read of the logits per character) in µs/char.

import { timed } from './timed.mjs';

/** The command-line options of a WebGPU job (bench/webgpu_browser.mjs, bench/webgpu_node.mjs), for node:util's parseArgs. */
export const JOB_OPTIONS = {
  hidden: { type: 'string', default: '128' },
  batch: { type: 'string', default: '32' },
  'seq-len': { type: 'string', default: '64' },
  warmup: { type: 'string', default: '2' },
  time: { type: 'string', default: '8' },
};

/** Training tokens/s of the char model on the current backend. */
export async function unfoldTrain(u, { H, B, T, V, E, warmup, time }) {
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
  }, warmup, time);
  return { tokens_per_sec: (r.units * B * T) / r.seconds, steps: r.units, loss };
}

/** Batch-1 greedy sampling µs/char of the same model shape on the current backend. */
export async function unfoldSample(u, { H, V, E, warmup, time }) {
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
  }, warmup, time);
  return { us_per_char: (r.seconds * 1e6) / r.units, chars: r.units };
}
