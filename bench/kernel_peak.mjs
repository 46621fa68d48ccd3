#!/usr/bin/env node
// How close the wasm gemm micro-kernel runs to what 128-bit WebAssembly SIMD allows on this core.
// The clock is read from a chain of dependent float64 multiplies (each waits for the last: one
// multiply latency per link: 4 cycles on Intel cores since Skylake, 3 on AMD's Zen cores, taken from
// the CPU's name unless --mul-latency says otherwise; with 4 on a Zen core the clock reads 4/3 too
// high and the kernel's share of the peak 3/4 too low), timed
// right before each gemm measurement, so that a core slowed by its clock and a core slowed by a
// neighbour on its execution ports (a busy hyperthread sibling on the host) tell apart: the first
// slows the chain too, the second only the gemm. The ceiling of a 4-lane kernel on a core with two
// FMA pipes is 2 FMAs × 4 lanes × 2 flops = 16 flops per cycle.
//
//   node bench/kernel_peak.mjs [--rounds 8] [--mul-latency 3|4]
//
// Shapes: the recurrent step of an LSTM with H = 512 on one thread's share of batch 32 (h·W_hhᵀ,
// W_hh packed once, M = 16, N = 2048, K = 512), the GRU's (N = 1536), and the LSTM's with W_hh
// small enough to stay in L2 (N = 512). Prints one line per round and a JSON summary (medians, and the best round: on a shared
// host the median says how much of the core the neighbours left, the best what the kernel can do).

import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { wasmModule } from '../dist/src/backend/wasm/module.js';
import { Scratch, put } from '../dist/src/backend/wasm/call_scratch.js';

const { values: a } = parseArgs({ options: { rounds: { type: 'string', default: '8' }, 'mul-latency': { type: 'string' } } });
const rounds = Number(a.rounds);
const latency = Number(a['mul-latency'] ?? (/\bAMD\b/i.test(cpus()[0]?.model ?? '') ? 3 : 4));
if (!(latency >= 1)) throw new Error(`--mul-latency: expected a positive number of cycles, got ${a['mul-latency']}`);
const e = wasmModule();
if (e === null) throw new Error('expected the WebAssembly module (SIMD) to load, got none');

// x·y^n, one multiply after another (the loop is kept this plain so that V8 keeps x in a register).
function chain(n, x, y) {
  for (let i = 0; i < n; i++) x = x * y;
  return x;
}

// Seconds per link of the chain.
function chainLink() {
  const n = 1e8;
  const t = performance.now();
  const x = chain(n, 1.0000001, 0.9999999);
  const s = (performance.now() - t) / 1e3 / n;
  if (!(x > 0)) throw new Error(`expected a positive product, got ${x}`);
  return s;
}

function shape(M, N, K) {
  const s = new Scratch();
  const aP = s.take(M * K), bP = s.take(K * N), cP = s.take(M * N), pb = s.takeBytes(e.packedBBytes(N, K)), w = s.takeBytes(e.workspaceBytes(M, N, K));
  if (!s.commit(e)) throw new Error('expected room in wasm memory for the operands');
  const fill = (n) => Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.5);
  put(fill(M * K), aP); put(fill(K * N), bP);
  e.packB(true, N, K, bP, pb);
  const reps = Math.max(1, Math.round(3e9 / (2 * M * N * K)));
  return { name: `M${M} N${N} K${K}`, flops: 2 * M * N * K * reps, run: () => { for (let i = 0; i < reps; i++) e.sgemmPackedB(false, M, N, K, aP, pb, cP, true, w); } };
}

// Both shapes share the scratch region, so each is laid out afresh before it runs.
const specs = [[16, 2048, 512], [16, 1536, 512], [16, 512, 512]];
const med = (xs) => { const s = [...xs].sort((p, q) => p - q); return s[s.length >> 1]; };
const out = specs.map(() => ({ ghz: [], gflops: [], perCycle: [] }));
for (let r = 0; r < rounds; r++) {
  const line = [];
  specs.forEach(([M, N, K], i) => {
    const sh = shape(M, N, K);
    sh.run(); // warm-up
    const ghz = latency / chainLink() / 1e9;
    const t = performance.now();
    sh.run();
    const gflops = sh.flops / ((performance.now() - t) / 1e3) / 1e9;
    out[i].ghz.push(ghz); out[i].gflops.push(gflops); out[i].perCycle.push(gflops / ghz);
    line.push(`${sh.name}: ${gflops.toFixed(1)} GFLOP/s at ${ghz.toFixed(2)} GHz = ${(gflops / ghz).toFixed(1)} flops/cycle`);
  });
  console.log(`round ${r + 1}: ${line.join('; ')}`);
}
console.log(JSON.stringify({
  runner: 'unfold', what: 'wasm gemm micro-kernel against the 16 flops/cycle of two 4-lane FMA pipes', mul_latency_cycles: latency,
  shapes: specs.map(([M, N, K], i) => ({
    M, N, K, ghz: +med(out[i].ghz).toFixed(2), gflops: +med(out[i].gflops).toFixed(1),
    flops_per_cycle: +med(out[i].perCycle).toFixed(2), of_peak: +(med(out[i].perCycle) / 16).toFixed(3),
    best_flops_per_cycle: +Math.max(...out[i].perCycle).toFixed(2),
  })),
}));
