#!/usr/bin/env node
// The WebGPU row of `npm run bench` in Node: unfold's webgpu backend through the optional `webgpu`
// package (Dawn), the same char-model training step and batch-1 sampling as the browser row
// (bench/webgpu_work.js). Without a GPU the adapter is SwiftShader, a CPU emulation: the figures then
// only show that the path runs, not what a GPU does.
//
//   node bench/webgpu_node.mjs --hidden 128 --batch 32 [--seq-len 64] [--warmup 2] [--time 8]
//
// Prints one JSON line: { runner: 'webgpu-node', adapter, software, hidden, batch, seq_len,
// unfold: { tokens_per_sec }, unfold_sample: { us_per_char } }, or { runner, skipped } without an adapter.
// Imports the built library (dist/): run `npm run build` first.

import { parseArgs } from 'node:util';
import * as u from '../dist/src/index.js';
import { JOB_OPTIONS, unfoldSample, unfoldTrain } from './webgpu_work.js';

const { values: a } = parseArgs({ options: JOB_OPTIONS });
const job = { H: Number(a.hidden), B: Number(a.batch), T: Number(a['seq-len']), V: 65, E: 64, warmup: Number(a.warmup), time: Number(a.time) };
if (!(await u.initWebGPU({ powerPreference: 'high-performance' }))) {
  console.log(JSON.stringify({ runner: 'webgpu-node', skipped: `no WebGPU adapter (${u.webgpuUnavailable})` }));
  process.exit(0);
}
u.setBackend(u.webgpuBackend);
const adapter = u.webgpuAdapter;
const unfold = await unfoldTrain(u, job);
const unfoldSampleResult = await unfoldSample(u, job);
console.log(JSON.stringify({
  runner: 'webgpu-node', adapter, software: /swiftshader|software/i.test(adapter), hidden: job.H, batch: job.B, seq_len: job.T,
  unfold, unfold_sample: unfoldSampleResult,
}));
process.exit(0);
