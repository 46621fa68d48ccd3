// Benchmarks one training step's worth of a recurrent layer, forward + backward, on the fused
// whole-sequence ops against the generic per-step autograd path (layer option fused: false), in one
// run so both see the same machine load: LSTM and GRU, B = 32, T = 64, I = 64, H = 256 and 512,
// float32 on the default backend (wasm SIMD gemm where available). The two paths alternate, each
// repetition timing one forward + backward of Σ output ⊙ R; tokens/s counts B·T per step.
// Also reports inference (forward under noGrad), and the process's CPU time per step, which moves
// less than wall time when other jobs share the machine. Run after building:
//   node scripts/bench-lstm.mjs [repetitions (default 5)] [H list, default 256,512]

import { GRU, LSTM } from '../dist/src/nn/index.js';
import * as ops from '../dist/src/autograd/index.js';
import { getBackend } from '../dist/src/backend/backend.js';
import { tensor } from '../dist/src/tensor/tensor.js';
import { Rng } from '../dist/src/tensor/random.js';

const reps = Number(process.argv[2] ?? 5);
const sizes = (process.argv[3] ?? '256,512').split(',').map(Number);
const B = 32, T = 64, I = 64;

function rand(shape, rng) {
  const n = shape.reduce((a, d) => a * d, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.uniform(-1, 1);
  return tensor(v, shape);
}

// [wall ms, CPU ms] of one forward + backward
function step(layer, x, R) {
  layer.zeroGrad();
  const c0 = process.cpuUsage(), t0 = performance.now();
  const [out] = layer.forward(x);
  ops.sum(ops.mul(out, R)).backward();
  return [performance.now() - t0, process.cpuUsage(c0).user / 1000];
}

function infer(layer, x) {
  const t0 = performance.now();
  ops.noGrad(() => layer.forward(x));
  return performance.now() - t0;
}

const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
const fmt = (ms) => `${(B * T / (ms / 1000)).toFixed(0).padStart(7)} tok/s (${ms.toFixed(1).padStart(7)} ms)`;

console.log(`backend ${getBackend().name}; B=${B} T=${T} I=${I}; ${reps} repetitions, median (best in brackets)`);
console.log('layer  H    path     forward+backward: wall, median [best]                CPU time     forward only (noGrad)');
for (const H of sizes) {
  for (const [name, Make] of [['LSTM', LSTM], ['GRU', GRU]]) {
    const fused = new Make({ inputSize: I, hiddenSize: H }, { rng: new Rng(1) });
    const generic = new Make({ inputSize: I, hiddenSize: H, fused: false }, { rng: new Rng(1) });
    const rng = new Rng(2);
    const x = rand([T, B, I], rng), R = rand([T, B, H], rng);
    // warm-up: JIT tiers, wasm memory growth, workspaces
    for (const m of [fused, generic]) { step(m, x, R); infer(m, x); }
    const t = { fused: [], generic: [], fusedCpu: [], genericCpu: [], fusedInf: [], genericInf: [] };
    for (let r = 0; r < reps; r++) {
      for (const [path, m] of [['fused', fused], ['generic', generic]]) {
        const [wall, cpu] = step(m, x, R);
        t[path].push(wall);
        t[`${path}Cpu`].push(cpu);
      }
      t.fusedInf.push(infer(fused, x));
      t.genericInf.push(infer(generic, x));
    }
    for (const path of ['fused', 'generic']) {
      const tr = t[path], inf = t[`${path}Inf`];
      console.log(
        `${name.padEnd(5)} ${String(H).padStart(4)}  ${path.padEnd(8)} ${fmt(median(tr))} [${Math.min(...tr).toFixed(1).padStart(7)} ms]` +
        `   ${median(t[`${path}Cpu`]).toFixed(1).padStart(7)} ms   ${fmt(median(inf))}`,
      );
    }
    const ratio = (a, b) => (median(t[b]) / median(t[a])).toFixed(2);
    console.log(`${''.padEnd(11)}  speedup  ${ratio('fused', 'generic')}x train (CPU time ${ratio('fusedCpu', 'genericCpu')}x), ${ratio('fusedInf', 'genericInf')}x inference`);
  }
}
