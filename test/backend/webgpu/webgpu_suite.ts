// The WebGPU suite, run in headless Chromium (./browser_suite.ts) and in Node through the `webgpu`
// package (./webgpu_node.test.ts): opens a device, runs the kernel-case table (../kernel_cases.ts)
// over the webgpu backend against the reference, checks the synchronous-read rule, trains against
// wasm and checks that GPU memory comes back, and returns a report that ./webgpu_suite_checks.ts
// asserts on.

import { initWebGPU, webgpuAdapter, webgpuUnavailable } from '../../../src/backend/webgpu/init.js';
import { sumSquaresTo, webgpuBackend } from '../../../src/backend/webgpu/webgpu_backend.js';
import { webgpuDevice } from '../../../src/backend/webgpu/encode.js';
import { Storage } from '../../../src/backend/storage.js';
import { kernelCases, runKernelCases } from '../kernel_cases.js';
import { setBackend, wasmBackend, type Backend } from '../../../src/backend/backend.js';
import { nn, optim, randn, Rng, indices } from '../../../src/core.js';
import { crossEntropy } from '../../../src/nn/losses/cross_entropy.js';
import { CharModel } from '../../../src/train/char_model.js';
import { fit } from '../../../src/train/fit.js';
import { evaluate } from '../../../src/train/evaluate.js';
import { RandomWindowSampler } from '../../../src/data/batches.js';

// Six steps of `fit` on a character LSTM (AdamW, gradient clipping at a norm low enough to act,
// an evaluation every other step): the step losses and validation losses.
async function fitLosses(be: Backend): Promise<{ losses: number[]; val: number[] }> {
  setBackend(be);
  const rng = new Rng(7);
  const ids = Int32Array.from({ length: 400 }, (_, i) => (i * i + 3 * i) % 11);
  const model = new CharModel({ vocabSize: 11, hiddenSize: 24, embeddingSize: 8 }, { rng });
  const opt = new optim.AdamW(model.parameters(), { lr: 0.02 });
  const windows = new RandomWindowSampler(ids, { batchSize: 4, seqLen: 12, rng });
  const losses: number[] = [], val: number[] = [];
  await fit({
    model, optimizer: opt, steps: 6, clip: 0.5, evalEvery: 2,
    data: () => windows.next(),
    loss: ({ inputs, targets }) => crossEntropy(model.forward(indices(inputs, [4, 12]))[0], indices(targets, [4, 12])),
    evaluate: () => ({ valLoss: evaluate(model, ids.subarray(0, 100)) }),
    callbacks: { onStep: (s) => { losses.push(s.loss); }, onEval: (e) => { val.push(e.metrics.valLoss); } },
  });
  return { losses, val };
}

// max along an axis (ties included) and its gradient on `be`: the values and x's gradient.
async function maxAndGrad(be: Backend): Promise<number[][]> {
  setBackend(be);
  const x = randn([3, 5, 4], { rng: new Rng(9) }).requiresGrad_();
  const xs = x.data;
  xs[4] = xs[8] = 9; // a tie along axis 1 at (0, ·, 0): the gradient goes to the first
  const y = x.max(1);
  y.mul(randn([3, 4], { rng: new Rng(10) })).sum().backward();
  await y.read();
  await x.grad!.read();
  return [Array.from(y.dataSync()), Array.from(x.grad!.dataSync())];
}

// Five Adam steps of an LSTM with a linear readout under softmax cross-entropy on `be`, reading
// each loss with the awaited read: the losses.
async function trainLosses(be: Backend): Promise<number[]> {
  setBackend(be);
  const rng = new Rng(5);
  const lstm = new nn.LSTM({ inputSize: 6, hiddenSize: 16 }, { rng });
  const head = new nn.Linear({ inFeatures: 16, outFeatures: 7 }, { rng });
  const opt = new optim.Adam([...lstm.parameters(), ...head.parameters()], { lr: 0.05 });
  const x = randn([9, 4, 6], { rng });
  const targets = indices(Array.from({ length: 36 }, (_, i) => (i * 5) % 7), [36]);
  const losses: number[] = [];
  for (let step = 0; step < 5; step++) {
    const [h] = lstm.forward(x);
    const loss = crossEntropy(head.forward(h).reshape([36, 7]), targets);
    await loss.read();
    losses.push(loss.item());
    loss.backward();
    opt.step();
    opt.zeroGrad();
  }
  return losses;
}

// A burst of large tensors freed to the pool, then small work: the pool's idle bytes after the burst
// and after the small work, and what its trimming destroyed meanwhile (./buffer_pool.ts's age rule).
async function poolAfterBurst(): Promise<WebGPUReport['pool']> {
  const dev = webgpuDevice()!;
  const n = 1 << 20; // 4 MiB each, a size class of its own
  const burst = Array.from({ length: 4 }, () => new Storage('float32', n));
  for (const s of burst) webgpuBackend.fill(s, 1, 0, n);
  const sums = new Storage('float32', 4);
  burst.forEach((s, i) => sumSquaresTo(s, sums, i));
  const sumsRead = Array.from(await sums.readAsync());
  for (const s of burst) dev.release(s);
  const afterBurst = dev.pool.idleBytes(), trimmed0 = dev.pool.trimmedBytes;
  const small = new Storage('float32', 16);
  const rounds = dev.pool.limits.maxIdleSubmissions + dev.pool.limits.sweepEvery;
  for (let i = 0; i < rounds; i++) webgpuBackend.affineScalar(small, 1, 1, small);
  const last = (await small.readAsync())[0];
  return { burstBytes: 4 * 4 * n, sums: sumsRead, afterBurst, afterWork: dev.pool.idleBytes(), trimmed: dev.pool.trimmedBytes - trimmed0, rounds, last };
}

export interface WebGPUReport {
  /** The pool's idle bytes after a burst of 4 × 4 MiB tensors was freed, then after `rounds` small submissions; bytes trimmed meanwhile. */
  pool: { burstBytes: number; sums: number[]; afterBurst: number; afterWork: number; trimmed: number; rounds: number; last: number } | { error: string };
  /** max(1) of a [3, 5, 4] tensor and its gradient, on webgpu and on wasm. */
  max: { webgpu: number[][]; wasm: number[][] } | { error: string };
  /** Milliseconds each part took (diagnostics, never asserted). */
  ms?: Record<string, number>;
  adapter: string | null;
  cases: number;
  failures: string[];
  /** What a synchronous read of GPU-only values threw. */
  syncReadError: string;
  /** Values read after `await readAsync()`, synchronously. */
  afterAwait: number[];
  sumSquares: number;
  deviceErrors: string[];
  submissions: number;
  /** The losses of five training steps on webgpu, and on wasm. */
  train: { webgpu: number[]; wasm: number[]; downloadedBytes: number } | { error: string };
  /** Bytes in GPU buffers that storages hold: after the training runs, then after a forced garbage collection. */
  liveBytes: { afterTraining: number; afterGc: number; steps15: number };
  /** fit on a character model (clipping and evaluations included), on webgpu and on wasm. */
  fit: { webgpu: { losses: number[]; val: number[] }; wasm: { losses: number[]; val: number[] } } | { error: string };
}

/** Runs the suite on the webgpu backend (opening its device); the report says what came out. */
export async function runWebGPUSuite(): Promise<WebGPUReport> {
  if (!(await initWebGPU())) return { adapter: null, cases: 0, failures: [webgpuUnavailable], syncReadError: '', afterAwait: [], sumSquares: 0, deviceErrors: [], submissions: 0, max: { error: 'no adapter' }, pool: { error: 'no adapter' }, train: { error: 'no adapter' }, fit: { error: 'no adapter' }, liveBytes: { afterTraining: 0, afterGc: 0, steps15: 0 } };
  const ms: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string): void => { const now = performance.now(); ms[name] = Math.round(now - t); t = now; };
  lap('init');
  const cases = kernelCases();
  const failures = await runKernelCases(webgpuBackend, cases);
  lap('cases');
  const x = new Storage('float32', 3);
  x.overwrite().set([1, 2, 3]);
  webgpuBackend.affineScalar(x, 2, 0, x);
  let syncReadError = '';
  try { x.read(); } catch (e) { syncReadError = (e as Error).message; }
  await x.readAsync();
  const afterAwait = Array.from(x.read());
  const ss = new Storage('float32', 1);
  sumSquaresTo(x, ss, 0);
  let maxes: WebGPUReport['max'];
  try { maxes = { webgpu: await maxAndGrad(webgpuBackend), wasm: await maxAndGrad(wasmBackend) }; } catch (e) { maxes = { error: String((e as Error).stack ?? e) }; }
  let train: WebGPUReport['train'];
  try {
    const before = webgpuDevice()!.traffic.downloaded;
    const webgpu = await trainLosses(webgpuBackend);
    train = { webgpu, downloadedBytes: webgpuDevice()!.traffic.downloaded - before, wasm: await trainLosses(wasmBackend) };
  } catch (e) { train = { error: String((e as Error).stack ?? e) }; }
  lap('train');
  // Memory without dispose(): 15 more steps, then a forced collection (the page has --expose-gc) and
  // a turn of the event loop for the finalizers.
  const live0 = webgpuDevice()!.liveBytes();
  for (let i = 0; i < 3; i++) await trainLosses(webgpuBackend);
  const steps15 = webgpuDevice()!.liveBytes();
  (globalThis as { gc?: () => void }).gc?.();
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 20));
  const liveBytes = { afterTraining: live0, steps15, afterGc: webgpuDevice()!.liveBytes() };
  lap('memory');
  let fitted: WebGPUReport['fit'];
  try { fitted = { webgpu: await fitLosses(webgpuBackend), wasm: await fitLosses(wasmBackend) }; } catch (e) { fitted = { error: String((e as Error).stack ?? e) }; }
  lap('fit');
  let pool: WebGPUReport['pool'];
  try { pool = await poolAfterBurst(); } catch (e) { pool = { error: String((e as Error).stack ?? e) }; }
  lap('pool');
  const dev = webgpuDevice()!;
  return { ms, pool, max: maxes, train, fit: fitted, liveBytes, adapter: webgpuAdapter, cases: cases.length, failures, syncReadError, afterAwait, sumSquares: (await ss.readAsync())[0], deviceErrors: dev.errors, submissions: dev.submissions };
}
