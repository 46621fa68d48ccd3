#!/usr/bin/env node
// A/B of the char-model training step (as bench/unfold_train.mjs) with a switch flipped between
// alternating repetitions in one process, so both sides see the same machine load.
//   node bench/ab_train.mjs --switch threads --hidden 128 [--cell lstm] [--reps 6] [--steps 3]
// Switches: backend (the wasm backend vs the TypeScript reference backend);
//           threads (the backend's threads: 2 vs 1; CPU time then counts both threads);
//           relaxed (the module built with relaxed SIMD, fused multiply-add in gemm, vs plain SIMD; 1 thread).

import { parseArgs } from 'node:util';
import { train, optim, Rng, setBackend, refBackend, wasmBackend } from '../dist/src/index.js';
import { forwardBackward } from '../dist/src/train/train_step.js';
import { selectWasmVariant, setThreads } from '../dist/src/backend/wasm/module.js';

const { values: a } = parseArgs({ options: {
  switch: { type: 'string', default: 'backend' }, cell: { type: 'string', default: 'lstm' },
  hidden: { type: 'string', default: '128' }, reps: { type: 'string', default: '6' }, steps: { type: 'string', default: '3' },
} });
const H = Number(a.hidden), B = 32, T = 64, V = 65;
const rng = new Rng(1);
const model = new train.CharModel({ vocabSize: V, cell: a.cell, hiddenSize: H, numLayers: 1, embeddingSize: 64, dropout: 0, forgetBias: 1 }, { rng: new Rng(2) });
model.train();
const switches = {
  backend: (on) => setBackend(on ? wasmBackend : refBackend),
  threads: (on) => setThreads(on ? 2 : 1),
  relaxed: (on) => { if (!selectWasmVariant(on ? 'relaxed' : 'plain')) throw new Error('relaxed SIMD is unavailable here'); },
};
const flip = switches[a.switch];
if (!flip) throw new Error(`--switch: expected one of ${Object.keys(switches).join(', ')}, got ${a.switch}`);
const opt = new optim.AdamW(model.parameters(), { lr: 3e-3, weightDecay: 0 });
const ids = new Int32Array(B * T), tg = new Int32Array(B * T);
for (let i = 0; i < ids.length; i++) { ids[i] = Math.floor(rng.random() * V); tg[i] = Math.floor(rng.random() * V); }
function step() {
  forwardBackward(model, ids, tg, B, T);
  optim.clipGradNorm(model.parameters(), 5);
  opt.step(); opt.zeroGrad();
}
const n = Number(a.steps), res = { on: [], off: [] }, cpu = { on: [], off: [] };
for (const s of [true, false]) { flip(s); step(); step(); }
for (let r = 0; r < Number(a.reps); r++) {
  for (const s of r % 2 ? [false, true] : [true, false]) {
    flip(s);
    const c0 = process.cpuUsage(), t0 = performance.now();
    for (let i = 0; i < n; i++) step();
    res[s ? 'on' : 'off'].push((B * T * n) / ((performance.now() - t0) / 1000));
    cpu[s ? 'on' : 'off'].push((B * T * n) / (process.cpuUsage(c0).user / 1e6));
  }
}
const med = (x) => [...x].sort((p, q) => p - q)[x.length >> 1];
console.log(`${a.switch} ${a.cell} H=${H}: per CPU second: on ${med(cpu.on).toFixed(0)}, off ${med(cpu.off).toFixed(0)}, ratio ${(med(cpu.on) / med(cpu.off)).toFixed(2)}x`);
console.log(`${a.switch} ${a.cell} H=${H}: wall: on ${med(res.on).toFixed(0)} tok/s, off ${med(res.off).toFixed(0)} tok/s, ratio ${(med(res.on) / med(res.off)).toFixed(2)}x  (on: ${res.on.map((v) => v.toFixed(0)).join(' ')}; off: ${res.off.map((v) => v.toFixed(0)).join(' ')})`);
