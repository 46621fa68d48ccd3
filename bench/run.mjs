#!/usr/bin/env node
// `npm run bench`: unfold side by side with its peers, in one run on this machine.
//
//   training tokens/s  embedding 64 → 1-layer LSTM or GRU (H = 128, 512) → linear, V = 65,
//                      batch 32, length 64, forward + backward + optimizer step, random tokens; unfold
//                      twice: the library API as the README writes it (bench/unfold_library.mjs) and
//                      `unfold train`'s own step (bench/unfold_train.mjs);
//   sampling µs/char   2-layer LSTM, H = 512, batch 1, state carried, no graph recorded;
//   peak RSS           of every run (each run is its own process);
//   GFLOP/s            unfold's gemm and the model FLOPs its training reaches, against numpy's
//                      OpenBLAS sgemm on the same machine (the ceiling).
//
// WebGPU (bench/webgpu_browser.mjs): unfold's webgpu backend beside TensorFlow.js's webgl (and webgpu,
// when installed) in one headless Chromium, LSTM training at H = 128, 512 × batch 32, 128 and batch-1
// sampling; on a software adapter (SwiftShader, no GPU) those figures only show that it runs. In Node
// (webgpu-node): unfold and TensorFlow.js's webgpu backend on the same Dawn adapter, and PyTorch CUDA
// where there is one. On a machine with a GPU but no npm registry, bench/gpu_pack.sh and gpu_run.sh
// run the same Node rows from one folder (BENCHMARKS.md, "On a GPU").
//
// Peers: PyTorch CPU (Debian's python3-torch; 1 thread, 1 thread with OpenBLAS on 2, and 2 threads, the best one marked), TensorFlow.js
// cpu and wasm backends (one-hot input), brain.js (batch 1), and for sampling onnxruntime-node (CPU;
// the model exported by Debian's torch.onnx.export; 1 and 2 intra-op threads). One runner per peer under bench/, each a
// separate process printing one JSON line; this script runs them one after the other (never two at
// once), measures each one's peak resident memory, and prints Markdown tables with ratios unfold/peer.
//
//   node bench/run.mjs [--write] [--time 8] [--warmup 2] [--rounds 3] [--timeout 240]
//                      [--only unfold,torch,...] [--full] [--json FILE]
//
//   --write    replace the section between <!-- bench:start --> and <!-- bench:end --> in BENCHMARKS.md
//   --time     seconds each run is timed for, after its warm-up (a run always times at least one step)
//   --warmup   seconds of warm-up per run (at least one step)
//   --rounds   times each unfold, PyTorch and onnxruntime run is repeated, the rounds alternating
//              (every configuration's runs, then again), so that a change in the machine's speed
//              (a busy neighbour on the host's other vCPU moves figures by tens of percent here) falls
//              on every side alike; figures are medians over rounds, and each ratio unfold ÷ peer is
//              the median of the rounds' ratios, each taken within one round. The slower peers
//              (TensorFlow.js, brain.js, 26× and more behind) run once.
//   --timeout  seconds after which a run is killed and reported as timed out
//   --only     peers to run: unfold, torch, ort, tfjs-wasm, tfjs-cpu, brain, numpy, webgpu, webgpu-node (default: all)
//   --full     run tfjs-cpu at H = 512 with length 64 too (by default length 16: its pure-JavaScript
//              matmul takes about two minutes per length-64 step there, and tokens/s of a recurrent
//              net does not depend on the length, as the same per-step matmuls just repeat)
//   --json     also write every run's raw result to FILE
//   --gpu-sizes the WebGPU rows' H×batch pairs, e.g. 128x32,512x128 (default: H 128, 512, 1024 × batch 32, 128;
//              on a software adapter H = 512 and up take minutes per step)
//
// Needs the built library (npm run build) and, for the peers, `npm install` (tfjs, brain.js) and
// /usr/bin/python3 with python3-torch and python3-numpy. A peer that is missing is reported as such.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, statSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir, cpus, totalmem, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, 'bench');
const { values: opt } = parseArgs({
  options: {
    write: { type: 'boolean', default: false },
    time: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    timeout: { type: 'string', default: '240' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
    full: { type: 'boolean', default: false },
    json: { type: 'string' },
    'gpu-sizes': { type: 'string' },
  },
});
const PEERS = ['unfold', 'torch', 'ort', 'tfjs-wasm', 'tfjs-cpu', 'brain', 'numpy', 'webgpu', 'webgpu-node'];
const only = opt.only ? opt.only.split(',').map((s) => s.trim()) : PEERS;
for (const p of only) if (!PEERS.includes(p)) throw new Error(`--only: expected some of ${PEERS.join(', ')}, got '${p}'`);
const timing = ['--warmup', opt.warmup, '--time', opt.time];
const timeoutS = Number(opt.timeout);
const rounds = Number(opt.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds: expected a whole number ≥ 1, got '${opt.rounds}'`);
// Rows measured in every round; the others once, in the first.
const REPEATED = new Set(['unfold', 'unfold-cli', 'torch1', 'torch1b2', 'torch2', 'ort1', 'ort2']);
const PY = '/usr/bin/python3';
const B = 32, T = 64, V = 65, E = 64;

// ---- preflight ------------------------------------------------------------------------------------

const dist = join(root, 'dist', 'src', 'index.js');
if (only.includes('unfold') && !existsSync(dist)) {
  console.error('dist/src/index.js not found: build the library first (npm run build)');
  process.exit(1);
}
// A stale build measures old code: warn when a compiled file is older than its TypeScript source.
function staleFiles(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) staleFiles(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
      const js = join(root, 'dist', p.slice(root.length + 1)).replace(/\.ts$/, '.js');
      if (existsSync(js) && statSync(js).mtimeMs < statSync(p).mtimeMs) out.push(p.slice(root.length + 1));
    }
  }
  return out;
}
const stale = existsSync(dist) && only.includes('unfold') ? staleFiles(join(root, 'src')) : [];
if (stale.length) {
  console.error(`warning: dist/ is older than ${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ` and ${stale.length - 3} more` : ''}; the figures are of the last build (npm run build)`);
}

// Peak RSS: GNU time's %M (kilobytes) when /usr/bin/time is there and is GNU time, else VmHWM polled
// from /proc/<pid>/status (a run's memory peak is long-lived, so 50 ms polling catches it).
const gnuTime = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0;
const scratch = mkdtempSync(join(tmpdir(), 'unfold-bench-'));

function readHwmKiB(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Runs one benchmark process; resolves to its JSON line plus seconds and peak RSS (MiB). */
function runOne(job) {
  return new Promise((resolve) => {
    const timeFile = join(scratch, `${job.id}.time`);
    const [cmd, args] = gnuTime ? ['/usr/bin/time', ['-f', '%M', '-o', timeFile, job.cmd, ...job.args]] : [job.cmd, job.args];
    const started = performance.now();
    // Own process group, so that a timeout ends the runner and not only /usr/bin/time.
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...job.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '', stderr = '', hwm = 0, timedOut = false;
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const poll = gnuTime ? null : setInterval(() => { hwm = Math.max(hwm, readHwmKiB(child.pid)); }, 50);
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }, timeoutS * 1000);
    child.on('error', (err) => { stderr += String(err); });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      const seconds = (performance.now() - started) / 1000;
      if (gnuTime && existsSync(timeFile)) {
        const kib = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop());
        if (Number.isFinite(kib)) hwm = kib;
      }
      const line = stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
      let result = null;
      try { result = line ? JSON.parse(line) : null; } catch { /* reported below */ }
      const rssMiB = hwm > 0 ? hwm / 1024 : null;
      if (timedOut) resolve({ ...job, error: `timed out after ${timeoutS} s`, seconds, rssMiB: null });
      else if (code !== 0 || !result) {
        const why = (stderr.trim().split('\n').filter((l) => !/^\s*(Command exited|at |npm warn)/.test(l)).pop() ?? '') || `exit ${code}`;
        resolve({ ...job, error: why.slice(0, 160), seconds, rssMiB });
      } else if (result.skipped) resolve({ ...job, error: result.skipped, seconds, rssMiB: null });
      else resolve({ ...job, result, seconds, rssMiB });
    });
  });
}

// ---- the runs -------------------------------------------------------------------------------------

const node = process.execPath;
const bench = (f) => join(benchDir, f);
const TRAIN = [
  { key: 'lstm128', cell: 'lstm', hidden: 128, label: 'LSTM H=128' },
  { key: 'gru128', cell: 'gru', hidden: 128, label: 'GRU H=128' },
  { key: 'lstm512', cell: 'lstm', hidden: 512, label: 'LSTM H=512' },
  { key: 'gru512', cell: 'gru', hidden: 512, label: 'GRU H=512' },
];
// Rows of the tables, in order; `peer` is what --only selects. The ratios are unfold's library row
// (what a user's own loop gets) over each peer.
const ROWS = [
  { row: 'unfold', peer: 'unfold', name: 'unfold, library API' },
  { row: 'unfold-cli', peer: 'unfold', name: 'unfold, `unfold train` step' },
  { row: 'torch1', peer: 'torch', name: 'PyTorch, 1 thread' },
  { row: 'torch1b2', peer: 'torch', name: 'PyTorch, 1 thread, OpenBLAS 2' },
  { row: 'torch2', peer: 'torch', name: 'PyTorch, 2 threads' },
  { row: 'ort1', peer: 'ort', name: 'onnxruntime, 1 thread', sampleOnly: true },
  { row: 'ort2', peer: 'ort', name: 'onnxruntime, 2 threads', sampleOnly: true },
  { row: 'tfjs-wasm', peer: 'tfjs-wasm', name: 'TensorFlow.js wasm' },
  { row: 'tfjs-cpu', peer: 'tfjs-cpu', name: 'TensorFlow.js cpu' },
  { row: 'brain', peer: 'brain', name: 'brain.js' },
];

function trainJob(row, c) {
  const common = ['--cell', c.cell, '--hidden', String(c.hidden), ...timing];
  switch (row) {
    case 'unfold': return { cmd: node, args: [bench('unfold_library.mjs'), ...common] };
    case 'unfold-cli': return { cmd: node, args: [bench('unfold_train.mjs'), ...common] };
    case 'torch1': return { cmd: PY, args: [bench('torch_train.py'), ...common, '--threads', '1'] };
    case 'torch1b2': return { cmd: PY, args: [bench('torch_train.py'), ...common, '--threads', '1', '--blas-threads', '2'] };
    case 'torch2': return { cmd: PY, args: [bench('torch_train.py'), ...common, '--threads', '2'] };
    case 'tfjs-wasm': return { cmd: node, args: [bench('tfjs_train.mjs'), '--backend', 'wasm', ...common] };
    case 'tfjs-cpu': {
      const short = c.hidden >= 512 && !opt.full;
      return { cmd: node, args: [bench('tfjs_train.mjs'), '--backend', 'cpu', ...common, ...(short ? ['--seq-len', '16'] : [])] };
    }
    case 'brain': return { cmd: node, args: [bench('brain_train.mjs'), ...common] };
  }
  throw new Error(row);
}
const onnxFile = join(scratch, 'lstm2.onnx');
function sampleJob(row) {
  switch (row) {
    // Two threads (each layer's hidden units split between the main thread and a worker): faster than
    // one on an idle 2-core machine, but slower when another process holds a core.
    case 'unfold': return { cmd: node, args: [bench('unfold_sample.mjs'), ...timing, '--threads', '2'] };
    case 'unfold-cli': return null; // the same charStepper: one row
    case 'ort1': return { cmd: node, args: [bench('ort_sample.mjs'), '--model', onnxFile, ...timing, '--threads', '1'] };
    case 'ort2': return { cmd: node, args: [bench('ort_sample.mjs'), '--model', onnxFile, ...timing, '--threads', '2'] };
    case 'torch1': return { cmd: PY, args: [bench('torch_sample.py'), ...timing, '--threads', '1'] };
    case 'torch1b2': return { cmd: PY, args: [bench('torch_sample.py'), ...timing, '--threads', '1', '--blas-threads', '2'] };
    case 'torch2': return { cmd: PY, args: [bench('torch_sample.py'), ...timing, '--threads', '2'] };
    case 'tfjs-wasm': return { cmd: node, args: [bench('tfjs_sample.mjs'), '--backend', 'wasm', ...timing] };
    case 'tfjs-cpu': return { cmd: node, args: [bench('tfjs_sample.mjs'), '--backend', 'cpu', ...timing] };
    case 'brain': return { cmd: node, args: [bench('brain_sample.mjs'), ...timing] };
  }
  throw new Error(row);
}

const jobs = [];
if (only.includes('numpy')) {
  jobs.push({ id: 'gemm-numpy', kind: 'gemm', row: 'numpy', cmd: PY, args: [bench('gemm_ceiling.py')] });
  jobs.push({ id: 'gemm-numpy1', kind: 'gemm', row: 'numpy1', cmd: PY, args: [bench('gemm_ceiling.py'), '--threads', '1'] });
}
if (only.includes('unfold')) jobs.push({ id: 'gemm-unfold', kind: 'gemm', row: 'unfold', cmd: node, args: [bench('unfold_gemm.mjs')] });
// Peers interleaved within each configuration, so that a change in the machine's load mid-run
// touches every peer's figure for that configuration alike.
if (only.includes('ort')) jobs.push({ id: 'ort-export', kind: 'export', row: 'ort', cmd: PY, args: [bench('ort_export.py'), onnxFile] });
for (let round = 1; round <= rounds; round++) {
  const inRound = (r) => only.includes(r.peer) && (round === 1 || REPEATED.has(r.row));
  const tag = rounds > 1 ? `-r${round}` : '';
  for (const c of TRAIN) {
    for (const r of ROWS) if (inRound(r) && !r.sampleOnly) jobs.push({ id: `train-${c.key}-${r.row}${tag}`, kind: 'train', config: c.key, row: r.row, round, ...trainJob(r.row, c) });
  }
  for (const r of ROWS) {
    const job = inRound(r) ? sampleJob(r.row) : null;
    if (job) jobs.push({ id: `sample-${r.row}${tag}`, kind: 'sample', row: r.row, round, ...job });
  }
}
// WebGPU in a browser: one run per (H, batch), each measuring unfold and TensorFlow.js in one page;
// and in Node through the optional `webgpu` package: unfold, TensorFlow.js's webgpu backend on the same
// Dawn (bench/tfjs_node_webgpu.mjs), and PyTorch on CUDA where the machine has it (else skipped).
const WEBGPU = opt['gpu-sizes'] === undefined ? [[128, 32], [128, 128], [512, 32], [512, 128], [1024, 32], [1024, 128]]
  : opt['gpu-sizes'].split(',').map((pair) => {
    const m = /^(\d+)x(\d+)$/.exec(pair.trim());
    if (!m) throw new Error(`--gpu-sizes: expected pairs like 128x32, got '${pair}'`);
    return [Number(m[1]), Number(m[2])];
  });
for (const [h, b] of WEBGPU) {
  if (only.includes('webgpu')) {
    jobs.push({ id: `webgpu-${h}-${b}`, kind: 'webgpu', row: 'webgpu', config: `${h}x${b}`, cmd: node,
      args: [bench('webgpu_browser.mjs'), '--hidden', String(h), '--batch', String(b), ...timing, '--timeout', String(Math.max(30, timeoutS - 10))] });
  }
  if (only.includes('webgpu-node')) {
    jobs.push({ id: `webgpu-node-${h}-${b}`, kind: 'webgpu', row: 'webgpu-node', config: `${h}x${b}`, cmd: node,
      args: [bench('webgpu_node.mjs'), '--hidden', String(h), '--batch', String(b), ...timing] });
    jobs.push({ id: `tfjs-webgpu-node-${h}-${b}`, kind: 'webgpu', row: 'tfjs-webgpu-node', config: `${h}x${b}`, cmd: node,
      args: [bench('tfjs_train.mjs'), '--backend', 'webgpu', '--hidden', String(h), '--batch', String(b), ...timing] });
    jobs.push({ id: `torch-cuda-${h}-${b}`, kind: 'webgpu', row: 'torch-cuda', config: `${h}x${b}`, cmd: PY,
      args: [bench('torch_train.py'), '--device', 'cuda', '--hidden', String(h), '--batch', String(b), ...timing] });
  }
}
// Memory over 10,000 steps of plain library code (no dispose): the README's training loop, and a
// stateful LSTM's forward calls.
if (only.includes('unfold')) {
  for (const mode of ['train', 'stateful']) jobs.push({ id: `memory-${mode}`, kind: 'memory', row: mode, cmd: node, args: [bench('unfold_memory.mjs'), '--mode', mode] });
}
// The ceiling is a property of the machine, so it is measured again at the end and the better of the
// two is taken: other work on a shared machine can only pull a measurement down.
if (only.includes('numpy')) jobs.push({ id: 'gemm-numpy-end', kind: 'gemm', row: 'numpy-end', cmd: PY, args: [bench('gemm_ceiling.py')] });

const loadBefore = loadavg();
const t0 = performance.now();
const results = [];
for (const [i, job] of jobs.entries()) {
  process.stderr.write(`[${i + 1}/${jobs.length}] ${job.id} ... `);
  const r = await runOne(job);
  results.push(r);
  const r0 = r.result;
  const fig = r0?.skipped ? `skipped: ${r0.skipped}` : r0?.runner === 'webgpu-node' ? `unfold ${fmt(r0.unfold?.tokens_per_sec)} tokens/s`
    : r0?.runner === 'webgpu' ? `unfold ${fmt(r0.unfold?.tokens_per_sec)} tokens/s, tfjs webgl ${fmt(r0.tfjs_webgl?.tokens_per_sec)} tokens/s`
    : r0?.tokens_per_sec !== undefined ? `${fmt(r0.tokens_per_sec)} tokens/s`
    : r0?.us_per_char !== undefined ? `${fmt(r0.us_per_char)} µs/char`
      : r0?.gflops !== undefined ? `${r0.gflops.toFixed(1)} GFLOP/s` : r0?.exported ? `${r0.bytes} bytes`
        : r0?.drift !== undefined ? `RSS ${r0.warm_mib} → ${r0.last_mib} MiB, drift ${(100 * r0.drift).toFixed(1)}%` : r.error;
  process.stderr.write(`${fig}${r.rssMiB ? `, ${Math.round(r.rssMiB)} MiB` : ''} (${r.seconds.toFixed(0)} s)\n`);
}
const totalS = (performance.now() - t0) / 1000;
const loadAfter = loadavg();

// ---- tables ---------------------------------------------------------------------------------------

function fmt(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  if (x >= 10) return x.toFixed(1);
  return x.toPrecision(3);
}
const ratio = (x) => (Number.isFinite(x) ? `${x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toPrecision(2)}×` : '–');
const median = (xs) => {
  const s = [...xs].sort((p, q) => p - q);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const runsOf = (kind, row, config) => results.filter((r) => r.kind === kind && r.row === row && (config === undefined || r.config === config));
// The figure of a metric: the median over the rounds that gave one.
const metricOf = (kind) => (kind === 'sample' ? 'us_per_char' : 'tokens_per_sec');
// One entry per (kind, row, config): a repeated run's rounds folded into their median (its peak RSS the
// largest of them; an error only when no round gave a figure).
function get(kind, row, config) {
  const all = runsOf(kind, row, config);
  const ok = all.filter((r) => r.result);
  if (ok.length <= 1 || !(kind === 'train' || kind === 'sample')) return ok[0] ?? all[0];
  const m = metricOf(kind);
  const rss = ok.map((r) => r.rssMiB).filter((x) => x !== null && x !== undefined);
  return { ...ok[0], result: { ...ok[0].result, [m]: median(ok.map((r) => r.result[m])) }, rssMiB: rss.length ? Math.max(...rss) : null, rounds: ok.length };
}
// unfold's speed ÷ a peer's, the median of the rounds' ratios (each within one round, so that both
// sides of a ratio saw the same machine); with one round, the plain ratio.
function speedRatio(kind, row, peer, config) {
  const m = metricOf(kind);
  const per = [];
  for (const a of runsOf(kind, row, config)) {
    const b = runsOf(kind, peer, config).find((x) => x.round === a.round);
    if (!a.result || !b?.result) continue;
    per.push(kind === 'sample' ? b.result[m] / a.result[m] : a.result[m] / b.result[m]);
  }
  return per.length ? median(per) : NaN;
}

// Model FLOPs per training token: forward matmuls 2·G·H·(E+H) (G gates) + 2·H·V (head); backward
// about twice the forward (gradients of inputs and of weights).
const flopsPerToken = (c) => 3 * (2 * (c.cell === 'lstm' ? 4 : 3) * c.hidden * (E + c.hidden) + 2 * c.hidden * V);

const tps = (row, c) => get('train', row, c.key)?.result?.tokens_per_sec;
const us = (row) => get('sample', row)?.result?.us_per_char;
// PyTorch's best thread setting, per configuration: torch's own pool and OpenBLAS's (where Debian's
// torch does its matrix products) are sized apart, so 1 thread, 1 thread with OpenBLAS on 2, and
// 2 threads all run (the issue asks for the better of 1 and 2 threads) and the best one counts.
const TORCH_ROWS = ['torch1', 'torch1b2', 'torch2'];
const isTorch = (row) => TORCH_ROWS.includes(row);
const bestOf = (score) => TORCH_ROWS.reduce((best, row) => (score(row) > score(best) ? row : best));
const torchBest = (c) => bestOf((row) => tps(row, c) ?? 0);
const torchBestSample = () => bestOf((row) => -(us(row) ?? Infinity));
const ortBestSample = () => ((us('ort1') ?? Infinity) <= (us('ort2') ?? Infinity) ? 'ort1' : 'ort2');
const torchRuns = (value) => TORCH_ROWS.filter((row) => value(row) !== undefined).length;
const torchSetting = (row) => ROWS.find((r) => r.row === row).name.replace(/^PyTorch, /, '');

function cellTrain(row, c) {
  const r = get('train', row, c.key);
  if (!r) return ['not run', ''];
  if (r.error) return [`– (${r.error.replace(/\|/g, '/')})`, ''];
  let v = fmt(r.result.tokens_per_sec);
  if (isTorch(row) && torchBest(c) === row && torchRuns((r) => tps(r, c)) > 1) v = `**${v}**`;
  if (r.result.seq_len !== T) v += ` (T=${r.result.seq_len})`;
  return [v, row === 'unfold' ? '1' : ratio(speedRatio('train', 'unfold', row, c.key))];
}

const lines = [];
const out = (s = '') => lines.push(s);
const activeRows = ROWS.filter((r) => only.includes(r.peer));

// The headline: each unfold path against the best of each peer, as ratios.
if (only.includes('unfold') && (only.includes('torch') || only.includes('ort'))) {
  out('**Headline.** unfold ÷ the peer\'s best setting (above 1: unfold is faster), this run.');
  out();
  out(`| unfold path | ${TRAIN.map((c) => `train ${c.label}`).join(' | ')} | sampling µs/char | peak RSS, LSTM H=512 |`);
  out(`| --- | ${TRAIN.map(() => '---:').join(' | ')} | ---: | ---: |`);
  const pair = (x, y, q) => (Number.isFinite(x) && Number.isFinite(y) ? `${fmt(x)} (${ratio(q)})` : '–');
  const rssOf = (kind, row, config) => get(kind, row, config)?.rssMiB;
  for (const [row, name] of [['unfold', 'library API, as the README writes it'], ['unfold-cli', '`unfold train` step']]) {
    const cells = TRAIN.map((c) => pair(tps(row, c), tps(torchBest(c), c), speedRatio('train', row, torchBest(c), c.key)));
    const sampleCell = row === 'unfold' && us('unfold') ? `${fmt(us('unfold'))}` : '–';
    const rss = rssOf('train', row, 'lstm512');
    out(`| ${name} | ${cells.join(' | ')} | ${sampleCell} | ${rss ? `${Math.round(rss)} MiB` : '–'} |`);
  }
  if (only.includes('torch')) {
    const cells = TRAIN.map((c) => (tps(torchBest(c), c) ? `${fmt(tps(torchBest(c), c))} (${torchSetting(torchBest(c))})` : '–'));
    const sb = torchBestSample();
    const sCell = us(sb) ? `${fmt(us(sb))} (${ratio(speedRatio('sample', 'unfold', sb))})` : '–';
    const rss = rssOf('train', torchBest(TRAIN.find((c) => c.key === 'lstm512')), 'lstm512');
    out(`| PyTorch, best setting | ${cells.join(' | ')} | ${sCell} | ${rss ? `${Math.round(rss)} MiB` : '–'} |`);
  }
  if (only.includes('ort')) {
    const ob = ortBestSample();
    out(`| onnxruntime, best setting (${ROWS.find((r) => r.row === ob).name.replace(/^onnxruntime, /, '')}) | ${TRAIN.map(() => '').join(' | ')} | ${us(ob) ? `${fmt(us(ob))} (${ratio(speedRatio('sample', 'unfold', ob))})` : '–'} | |`);
  }
  out();
  out('Training cells: unfold\'s tokens/s (unfold ÷ PyTorch\'s best). Sampling cells: µs per character (the peer ÷ unfold, so above 1 unfold is faster).');
  out();
}

out('Training throughput, tokens/s (higher is better); × is unfold ÷ peer (above 1: unfold is faster).');
out('Peak RSS is of the whole process in the LSTM H=512 run. PyTorch\'s best thread setting in bold.');
out();
out(`| run | ${TRAIN.map((c) => `${c.label} | ×`).join(' | ')} | peak RSS, LSTM H=512 |`);
out(`| --- | ${TRAIN.map(() => '---: | ---:').join(' | ')} | ---: |`);
for (const r of activeRows.filter((x) => !x.sampleOnly)) {
  const cells = TRAIN.flatMap((c) => cellTrain(r.row, c));
  const rss = get('train', r.row, 'lstm512')?.rssMiB;
  out(`| ${r.name} | ${cells.join(' | ')} | ${rss ? `${Math.round(rss)} MiB` : '–'} |`);
}
out();
out('Sampling, 2-layer LSTM H=512, batch 1, µs per character (lower is better); × is unfold\'s speed ÷ the');
out('peer\'s (peer µs ÷ unfold µs; above 1: unfold is faster).');
out();
out('| run | µs/char | × | peak RSS |');
out('| --- | ---: | ---: | ---: |');
for (const r of activeRows) {
  const s = get('sample', r.row);
  if (!s) continue;
  if (s.error) { out(`| ${r.name} | – (${s.error.replace(/\|/g, '/')}) | | |`); continue; }
  let v = fmt(s.result.us_per_char);
  if (isTorch(r.row) && torchBestSample() === r.row && torchRuns(us) > 1) v = `**${v}**`;
  out(`| ${r.name} | ${v} | ${r.row === 'unfold' ? '1' : ratio(speedRatio('sample', 'unfold', r.row))} | ${s.rssMiB ? `${Math.round(s.rssMiB)} MiB` : '–'} |`);
}
out();

const memory = ['train', 'stateful'].map((row) => get('memory', row)).filter(Boolean);
if (memory.length) {
  out('Memory over long runs of plain library code, no dispose() anywhere: resident set size after the warm-up');
  out('(the first 20% of the steps) and its spread, (max − min) / min, over the rest.');
  out();
  out('| run | steps | RSS after warm-up | RSS at the end | max | spread |');
  out('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const m of memory) {
    const name = m.row === 'train' ? 'training loop as the README writes it (LSTM H=64, batch 8 × 32)' : 'stateful 2-layer LSTM forward calls under noGrad (H=64, batch 8 × 32)';
    if (m.error || !m.result) { out(`| ${name} | – (${m.error}) | | | | |`); continue; }
    const r = m.result;
    out(`| ${name} | ${fmt(r.steps)} | ${r.warm_mib} MiB | ${r.last_mib} MiB | ${r.max_mib} MiB | ${(100 * r.drift).toFixed(1)}% |`);
  }
  out();
}

const gpuRuns = results.filter((r) => r.kind === 'webgpu');
if (gpuRuns.length) {
  const adapter = gpuRuns.find((r) => r.result?.adapter)?.result;
  out(`WebGPU (adapter: ${adapter ? adapter.adapter : 'none'}), in headless Chromium and in Node (the \`webgpu\` package): LSTM training tokens/s (embedding 64 → LSTM → linear, V = 65,`);
  out('length 64; unfold AdamW with clip 5, awaiting its loss once per step; TensorFlow.js Adam, one-hot input, in the same page) and unfold\'s batch-1 sampling.');
  if (adapter?.software) out('**Software adapter (SwiftShader, the CPU emulating a GPU): these figures only show that the path runs; they say nothing of GPU speed.**');
  out();
  out('| H × batch | unfold webgpu, Chromium | unfold webgpu, Node | TensorFlow.js webgl | TensorFlow.js webgpu | TensorFlow.js webgpu, Node | PyTorch CUDA | unfold (Chromium) / best tfjs | unfold sampling, µs/char (Chromium / Node) |');
  out('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const cell = (x) => (x === undefined ? '–' : x.skipped ? `– (${x.skipped})` : fmt(x.tokens_per_sec));
  const why = (r) => (r === undefined ? '–' : r.error || !r.result ? `– (${(r.error ?? 'no result').replace(/\|/g, '/')})` : undefined);
  for (const config of [...new Set(gpuRuns.map((r) => r.config))]) {
    const page = gpuRuns.find((r) => r.config === config && r.row === 'webgpu');
    const nodeRun = gpuRuns.find((r) => r.config === config && r.row === 'webgpu-node');
    const tfNode = gpuRuns.find((r) => r.config === config && r.row === 'tfjs-webgpu-node');
    const cuda = gpuRuns.find((r) => r.config === config && r.row === 'torch-cuda');
    const x = page?.result ?? {}, y = nodeRun?.result ?? {};
    const best = Math.max(x.tfjs_webgl?.tokens_per_sec ?? 0, x.tfjs_webgpu?.tokens_per_sec ?? 0);
    const sampling = `${x.unfold_sample ? fmt(x.unfold_sample.us_per_char) : '–'} / ${y.unfold_sample ? fmt(y.unfold_sample.us_per_char) : '–'}`;
    out(`| ${config.replace('x', ' × ')} | ${why(page) ?? cell(x.unfold)} | ${why(nodeRun) ?? (y.skipped ? `– (${y.skipped})` : cell(y.unfold))} | ${cell(x.tfjs_webgl)} | ${cell(x.tfjs_webgpu)} | ${tfNode === undefined ? '–' : why(tfNode) ?? cell(tfNode.result)} | ${cuda === undefined ? '–' : why(cuda) ?? cell(cuda.result)} | ${best > 0 && x.unfold?.tokens_per_sec ? ratio(x.unfold.tokens_per_sec / best) : '–'} | ${sampling} |`);
  }
  out();
}

const ceilings = ['numpy', 'numpy-end'].map((row) => get('gemm', row)?.result).filter(Boolean);
const ceiling = ceilings.length ? ceilings.reduce((x, y) => (y.gflops > x.gflops ? y : x)) : undefined;
const pct = (g) => (ceiling && Number.isFinite(g) ? `${((100 * g) / ceiling.gflops).toFixed(g / ceiling.gflops < 0.1 ? 1 : 0)}%` : '–');
out('GFLOP/s against the machine\'s ceiling (numpy float32 matmul 2048³ on its BLAS, all cores). Training');
out('rows count the model\'s matmul FLOPs (3 × forward: 6·(G·H·(E+H) + H·V) per token) at the measured');
out('tokens/s, the same count for every runner: unfold folds the E·G input product into the embedding');
out('table (forwardEmbedded), so it executes fewer FLOPs than its row says, by G·H·E·6 per token.');
out();
out('| what | GFLOP/s | of ceiling |');
out('| --- | ---: | ---: |');
const g = (row) => get('gemm', row);
if (ceiling) {
  const both = ceilings.length > 1 ? `, better of ${ceilings.map((c) => fmt(c.gflops)).join(' (start) and ')} (end)` : '';
  out(`| numpy sgemm 2048, ${ceiling.threads} threads: the ceiling${both} | ${fmt(ceiling.gflops)} | 100% |`);
} else if (g('numpy')) out(`| numpy sgemm 2048 (ceiling) | – (${g('numpy').error}) | – |`);
if (g('numpy1')) out(`| numpy sgemm 2048, 1 thread | ${g('numpy1').result ? fmt(g('numpy1').result.gflops) : `– (${g('numpy1').error})`} | ${pct(g('numpy1').result?.gflops)} |`);
if (g('unfold')) out(`| unfold gemm 2048 (${g('unfold').result?.backend ?? '?'}, ${g('unfold').result?.threads ?? '?'} threads) | ${g('unfold').result ? fmt(g('unfold').result.gflops) : `– (${g('unfold').error})`} | ${pct(g('unfold').result?.gflops)} |`);
for (const c of TRAIN) {
  const u = tps('unfold', c);
  if (u) out(`| unfold training, ${c.label} | ${fmt((u * flopsPerToken(c)) / 1e9)} | ${pct((u * flopsPerToken(c)) / 1e9)} |`);
  const tb = torchBest(c), t = tps(tb, c);
  if (t) out(`| PyTorch training (${torchSetting(tb)}), ${c.label} | ${fmt((t * flopsPerToken(c)) / 1e9)} | ${pct((t * flopsPerToken(c)) / 1e9)} |`);
}

// ---- context --------------------------------------------------------------------------------------

const cpuModel = (() => {
  try { return /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim(); } catch { return undefined; }
})() ?? cpus()[0]?.model ?? 'unknown CPU';
const flags = (() => {
  try {
    const f = /flags\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.split(' ') ?? [];
    return ['avx2', 'avx512f', 'fma'].filter((x) => f.includes(x)).join(', ');
  } catch { return ''; }
})();
const firstResult = (pred) => results.find((r) => r.result && pred(r.result))?.result;
const torchV = firstResult((r) => r.torch)?.torch;
const tfjsV = firstResult((r) => r.tfjs)?.tfjs;
const brainV = firstResult((r) => r.brain)?.brain;
const np = ceiling;
const unfoldV = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const unfoldBackend = firstResult((r) => r.runner === 'unfold' && r.backend)?.backend;
const unfoldThreads = firstResult((r) => r.runner === 'unfold' && r.threads && r.steps)?.threads;
const unfoldSampleThreads = firstResult((r) => r.runner === 'unfold' && r.threads && r.us_per_char)?.threads;
const extra = process.argv.slice(2);
const command = process.env.npm_lifecycle_event === 'bench'
  ? `npm run bench${extra.length ? ` -- ${extra.join(' ')}` : ''}` : `node bench/run.mjs${extra.length ? ` ${extra.join(' ')}` : ''}`;
const date = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

const ran = (peer) => only.includes(peer);
const header = [
  `Measured ${date} with \`${command}\` (${Math.round(totalS)} s in all; each run ${opt.warmup} s warm-up, then ${opt.time} s timed, at least one step of each${rounds > 1 ? `; unfold, PyTorch and onnxruntime in ${rounds} alternating rounds: figures are medians over the rounds, ratios the median of each round's own ratio` : ''}).`,
  `Machine: ${cpuModel}${flags ? ` (${flags})` : ''}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; load average ${loadBefore[0].toFixed(2)} before, ${loadAfter[0].toFixed(2)} after.`,
  `Software: unfold ${unfoldV}${unfoldBackend ? ` (${unfoldBackend} backend; kernels on ${unfoldThreads ?? 1} thread${unfoldThreads > 1 ? 's' : ''}; sampling on ${unfoldSampleThreads ?? 1})` : ''}, Node.js ${process.version}` +
    `${torchV ? `, PyTorch ${torchV} (Debian python3-torch)` : ''}` +
    `${np ? `, numpy ${np.numpy} on ${np.blas.map((p) => p.split('/').pop()).join(' + ') || 'its BLAS'}` : ''}` +
    `${tfjsV ? `, TensorFlow.js ${tfjsV}${ran('tfjs-wasm') ? ' (wasm backend: one thread, SIMD)' : ''}` : ''}${brainV ? `, brain.js ${brainV}` : ''}.`,
];
const notes = [
  'Same model everywhere: embedding 64' +
    `${[ran('brain') ? 'brain.js: its own input matrix, V+1 × 64' : '', ran('tfjs-wasm') || ran('tfjs-cpu') ? 'TensorFlow.js: one-hot input, as its wasm backend has no embedding gradient' : ''].filter(Boolean).map((x, i, all) => `${i === 0 ? ' (' : ''}${x}${i === all.length - 1 ? ')' : '; '}`).join('')}` +
    ' → 1 recurrent layer → linear/softmax over V = 65; batch 32 × length 64; random tokens.' +
    `${ran('brain') ? ' brain.js trains one 64-character sequence at a time (batch 1, its only mode), so its tokens/s is characters trained per second.' : ''}`,
  'Optimizers: unfold and PyTorch AdamW (weight decay 0) with global-norm clip 5' +
    `${ran('tfjs-wasm') || ran('tfjs-cpu') ? '; TensorFlow.js Adam, no clip (tf.train has none)' : ''}` +
    `${ran('brain') ? '; brain.js its own clipped RMSProp-style update after every sequence' : ''}.`,
  ...(ran('tfjs-cpu') && !opt.full ? ['TensorFlow.js cpu at H = 512 runs length 16 (T=16): one length-64 step takes about two minutes there, and tokens/s of a recurrent net does not depend on the length (`--full` runs 64).'] : []),
  `Sampling: each character is one forward step at batch 1 plus a draw from the softmax${ran('unfold') ? '; unfold under noGrad' : ''}${ran('torch') ? '; PyTorch under no_grad in eval mode' : ''}${ran('tfjs-wasm') || ran('tfjs-cpu') ? '; TensorFlow.js stateful layers with model.predict' : ''}${ran('brain') ? '; brain.js its net.run()' : ''}.`,
  `Each run is a separate process, one at a time; peak RSS is that process's maximum resident set (${gnuTime ? 'GNU time %M' : '/proc VmHWM'}), runtime included.`,
  'Other work on a shared machine moves these figures (see the load averages); ratios from one run are more stable than the absolute numbers.',
];

rmSync(scratch, { recursive: true, force: true });
const report = [...header, '', ...lines, '', ...notes.map((n) => `- ${n}`)].join('\n');
console.log(report);

if (opt.json) writeFileSync(opt.json, JSON.stringify({ date, command, cpuModel, cores: cpus().length, node: process.version, totalS, loadBefore, loadAfter, results }, null, 2) + '\n');

if (opt.write) {
  const file = join(root, 'BENCHMARKS.md');
  const START = '<!-- bench:start -->', END = '<!-- bench:end -->';
  const md = readFileSync(file, 'utf8');
  const section = `${START}\n<!-- written by \`npm run bench -- --write\` (bench/run.mjs); edits between the markers are overwritten -->\n\n${report}\n\n${END}`;
  const i = md.indexOf(START), j = md.indexOf(END);
  let next;
  if (i >= 0 && j > i) next = md.slice(0, i) + section + md.slice(j + END.length);
  else next = `${md.replace(/\s*$/, '')}\n\n## Side by side: training, sampling, GFLOP/s\n\n${section}\n`;
  writeFileSync(file, next);
  console.error(`wrote the bench section of ${file}`);
}
