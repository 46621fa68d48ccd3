#!/usr/bin/env node
// A/B of the char-model training step (as bench/unfold_train.mjs) with a switch flipped between
// alternating repetitions in one process, so both sides see the same machine load.
//   node bench/ab_train.mjs --switch fusedWasm --hidden 128 [--cell lstm] [--reps 6] [--steps 3]
// Switches: fusedWasm (wasm time loops of the fused ops vs TypeScript loops).

import { parseArgs } from 'node:util';
import { train, optim, nn, indices, Rng } from '../dist/src/index.js';
import { setFusedWasm } from '../dist/src/nn/fused/wasm_route.js';

const { values: a } = parseArgs({ options: {
  switch: { type: 'string', default: 'fusedWasm' }, cell: { type: 'string', default: 'lstm' },
  hidden: { type: 'string', default: '128' }, reps: { type: 'string', default: '6' }, steps: { type: 'string', default: '3' },
} });
const switches = { fusedWasm: setFusedWasm };
const flip = switches[a.switch];
if (!flip) throw new Error(`--switch: expected one of ${Object.keys(switches).join(', ')}, got ${a.switch}`);
const H = Number(a.hidden), B = 32, T = 64, V = 65;
const rng = new Rng(1);
const model = new train.CharModel({ vocabSize: V, cell: a.cell, hiddenSize: H, numLayers: 1, embeddingSize: 64, dropout: 0, forgetBias: 1 }, { rng: new Rng(2) });
model.train();
const opt = new optim.AdamW(model.parameters(), { lr: 3e-3, weightDecay: 0 });
const ids = new Int32Array(B * T), tg = new Int32Array(B * T);
for (let i = 0; i < ids.length; i++) { ids[i] = Math.floor(rng.random() * V); tg[i] = Math.floor(rng.random() * V); }
function step() {
  const [logits] = model.forward(indices(ids, [B, T]));
  const loss = nn.crossEntropy(logits, indices(tg, [B, T]));
  loss.backward();
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
