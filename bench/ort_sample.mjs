#!/usr/bin/env node
// onnxruntime-node's side of the sampling-latency benchmark: the ONNX graph bench/ort_export.py
// writes (the same 2-layer LSTM character model, H = 512, one step per run), generating one
// character at a time at batch 1, the state fed back from step to step, each next id drawn from
// softmax(logits) as unfold's runner does. onnxruntime's Node API runs a graph asynchronously, so
// each character awaits its run; --threads sets its intra-op threads (the bench runs 1 and 2).
//
//   node bench/ort_sample.mjs --model FILE.onnx [--threads 1] [--warmup 2] [--time 10]
//
// Prints one JSON line: { runner: 'onnxruntime', threads, ..., chars, seconds, us_per_char }.

import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { timed } from './timed.mjs';
import { nn, Rng } from '../dist/src/index.js';

const { values: a } = parseArgs({
  options: {
    model: { type: 'string' }, threads: { type: 'string', default: '1' },
    hidden: { type: 'string', default: '512' }, layers: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '2' }, time: { type: 'string', default: '10' },
  },
});
if (!a.model) throw new Error('--model: expected the path of the ONNX file bench/ort_export.py wrote');
let ort;
try {
  ort = createRequire(import.meta.url)('onnxruntime-node');
} catch (err) {
  console.log(JSON.stringify({ skipped: `onnxruntime-node is not installed (${String(err.message).split('\n')[0]})` }));
  process.exit(0);
}
const H = Number(a.hidden), L = Number(a.layers), threads = Number(a.threads);
const session = await ort.InferenceSession.create(a.model, { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
const rng = new Rng(3);
const ids = new BigInt64Array(1);
let feeds = {
  ids: new ort.Tensor('int64', ids, [1, 1]),
  h0: new ort.Tensor('float32', new Float32Array(L * H), [L, 1, H]),
  c0: new ort.Tensor('float32', new Float32Array(L * H), [L, 1, H]),
};
async function next() {
  const r = await session.run(feeds);
  const id = nn.seq.chooseSymbol(r.logits.data, 0, r.logits.data.length, { choose: 'sample', rng });
  ids[0] = BigInt(id);
  feeds = { ids: feeds.ids, h0: r.hn, c0: r.cn };
}
const { units: chars, seconds } = await timed(async () => { for (let i = 0; i < 16; i++) await next(); return 16; }, Number(a.warmup), Number(a.time));
console.log(JSON.stringify({
  runner: 'onnxruntime', ort: ort.env?.versions?.common ?? 'unknown', threads, hidden: H, layers: L, batch: 1,
  chars, seconds: +seconds.toFixed(3), us_per_char: (seconds * 1e6) / chars,
}));
