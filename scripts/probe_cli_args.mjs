#!/usr/bin/env node
// Hostile arguments for every unfold command, as a careless or malicious user would type them. The
// command tree is read from the build (dist/src/cli/program.js), so a new command or option is
// probed without editing this file. Each leaf command runs from small, valid base arguments; then
// each of its options in turn gets hostile values (0, -1, 1e9, 1e308, NaN, empty, a 100 KB string,
// ...), file options and arguments get hostile files (missing, a directory, empty, binary, /dev/zero,
// a corpus of a million distinct code points generated here, attention maps with numeric tokens).
// Every case must end within --timeout seconds and --max-rss, with exit status 0, or 1 and exactly
// one "unfold: error: …" line, no stack trace, no V8 internals, and no NaN or Infinity printed on
// success. Budget options (--steps, --time, --epochs) with huge values run as long as asked: their
// timeouts are counted apart, not as failures.
//
//   npm run build && node scripts/probe_cli_args.mjs [--jobs 2] [--timeout 10] [--only train,esn] [--quick]
//
// --quick tries fewer values per option. Prints each failure, then one summary line per outcome.

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(root, 'dist', 'src', 'cli', 'main.js');
const { values: a } = parseArgs({
  options: {
    jobs: { type: 'string', default: '2' }, timeout: { type: 'string', default: '10' }, only: { type: 'string' },
    quick: { type: 'boolean', default: false }, 'max-rss': { type: 'string', default: '2048' },
  },
});
const JOBS = Number(a.jobs), TIMEOUT_MS = Number(a.timeout) * 1000, MAX_RSS_MIB = Number(a['max-rss']);
const { everyCommand, unfoldProgram } = await import(pathToFileURL(join(root, 'dist', 'src', 'cli', 'program.js')).href);

// ---- fixtures, generated here -------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'unfold-probe-'));
const file = (name, content) => { const p = join(dir, name); writeFileSync(p, content); return p; };
const lines = (n, f) => Array.from({ length: n }, (_, i) => f(i)).join('\n') + '\n';
const corpus = file('corpus.txt', lines(300, (i) => `(${i % 7} plus ${i % 5}) = ${(i % 7) + (i % 5)};`));
const pairs = file('pairs.tsv', lines(60, (i) => { const w = 'abcdef'.slice(i % 3, 3 + (i % 4)); return `${w}\t${[...w].reverse().join('')}`; }));
const series = file('series.csv', `x\n${lines(400, (i) => Math.sin(i / 9).toFixed(6))}`);
const empty = file('empty.txt', '');
const binary = file('binary.bin', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)));
// Every code point but the surrogates: a million distinct characters, about 4 MB of UTF-8.
const wide = (() => {
  const p = join(dir, 'wide.txt'), fd = openSync(p, 'w');
  let chunk = '';
  for (let c = 0x20; c <= 0x10ffff; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    chunk += String.fromCodePoint(c);
    if (chunk.length > 65536) { writeSync(fd, chunk); chunk = ''; }
  }
  writeSync(fd, chunk); closeSync(fd);
  return p;
})();
const wideTsv = file('wide.tsv', lines(2000, (i) => `${String.fromCodePoint(0x4e00 + i)}${String.fromCodePoint(0x10000 + 3 * i)}\t${String.fromCodePoint(0x20000 + 7 * i)}`));
const longLine = file('long_line.txt', 'ab'.repeat(500_000));
const numericMaps = file('numeric_maps.json', JSON.stringify([{ title: 3, source: [1, 2, 3], target: [4, 5], weights: [[0.2, 0.3, 0.5], [1, 0, 0]] }]));
const badMaps = file('bad_maps.json', JSON.stringify([{ source: [null], target: [[1]], weights: [[1, 2]] }]));
const deepJson = file('deep.json', '['.repeat(100_000) + ']'.repeat(100_000));
const subdir = join(dir, 'a-directory'); mkdirSync(subdir);
const run = (args) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`fixture: unfold ${args.join(' ')} failed: ${r.stderr}`);
};
const charCkpt = join(dir, 'char.safetensors'), s2sCkpt = join(dir, 's2s.safetensors');
run(['train', corpus, '--steps', '2', '--hidden', '8', '--embedding', '4', '--seq-len', '8', '--batch', '2', '--eval-chars', '200', '--out', charCkpt]);
run(['seq2seq', 'train', pairs, '--steps', '2', '--hidden', '8', '--embedding', '4', '--batch', '4', '--val', '5', '--out', s2sCkpt]);
const onnxFile = join(dir, 'char.onnx'), tfjsDir = join(dir, 'tfjs');
run(['export', 'onnx', '--checkpoint', charCkpt, '--out', onnxFile]);
run(['export', 'tfjs', '--checkpoint', charCkpt, '--out', tfjsDir]);

// ---- what each command starts from: small and valid ---------------------------------------------
const out = () => join(mkdtempSync(join(dir, 'out-')), 'run.safetensors');
const tiny = ['--hidden', '8', '--steps', '2'];
const BASE = {
  train: () => [corpus, '--steps', '2', '--hidden', '8', '--embedding', '4', '--seq-len', '8', '--batch', '2', '--eval-chars', '200', '--out', out()],
  sample: () => ['--checkpoint', charCkpt, '--length', '20'],
  eval: () => [corpus, '--checkpoint', charCkpt],
  esn: () => [series, '--units', '20', '--horizon', '5', '--washout', '20'],
  'tasks mackey-glass': () => ['--units', '20', '--runs', '1'],
  'tasks narma10': () => ['--units', '20', '--runs', '1'],
  'tasks sentiment-trees': () => ['--train', '20', '--test', '10', '--epochs', '1', '--hidden', '8', '--embedding', '4', '--time', '3'],
  'tasks expr-trees': () => ['--train', '20', '--test', '10', '--epochs', '1', '--hidden', '8', '--embedding', '4', '--time', '3'],
  'tasks all': () => ['--quick', '--only', 'adding', '--cells', 'rnn'],
  'tasks dates': () => [...tiny, '--batch', '4', '--test', '10', '--no-baseline'],
  'tasks captions': () => [...tiny, '--batch', '4', '--test', '5', '--no-baseline'],
  viz: () => ['--checkpoint', charCkpt, '--out', join(mkdtempSync(join(dir, 'out-')), 'r.html'), '--chars', '60', '--gradient-chars', '20'],
  'seq2seq train': () => [pairs, '--steps', '2', '--hidden', '8', '--embedding', '4', '--batch', '4', '--val', '5', '--out', out()],
  'seq2seq translate': () => ['--checkpoint', s2sCkpt, 'abc', 'fed'],
  'export onnx': () => ['--checkpoint', charCkpt, '--out', join(mkdtempSync(join(dir, 'out-')), 'm.onnx')],
  'export tfjs': () => ['--checkpoint', charCkpt, '--out', join(mkdtempSync(join(dir, 'out-')), 'tfjs')],
  'export pytorch': () => ['--checkpoint', charCkpt, '--out', join(mkdtempSync(join(dir, 'out-')), 'torch')],
  'import onnx': () => ['--in', onnxFile, '--out', out()],
  'import keras': () => ['--in', join(tfjsDir, 'model.json'), '--out', out()],
};
for (const t of ['adding', 'copy', 'reber', 'counting', 'parity', 'tagging', 'classification']) BASE[`tasks ${t}`] = () => [...tiny, '--batch', '4', '--test', '10'];

// ---- hostile values ------------------------------------------------------------------------------
const NUMBERS = a.quick
  ? ['0', '-1', '1e9', '1e308', 'NaN', '']
  : ['0', '-1', '1000000000', '1e9', '1e308', '-1e308', 'NaN', 'Infinity', '0x10', '1.5', '', ' ', 'x'.repeat(100_000)];
const FILES = {
  '--out': [subdir, join(dir, 'missing', 'deep', 'x'), '/proc/version', '', '.'],
  '--checkpoint': [join(dir, 'missing.safetensors'), subdir, empty, corpus, binary, '/dev/zero', s2sCkpt, charCkpt],
  '--attention': [numericMaps, badMaps, deepJson, empty, binary, join(dir, 'missing.json')],
  '--report': [subdir, join(dir, 'missing', 'deep', 'r.html')],
  '--collect': [empty, binary, corpus, join(dir, 'missing.jsonl')],
  '--in': [join(dir, 'missing.onnx'), subdir, empty, binary, corpus, '/dev/zero', charCkpt, deepJson, numericMaps],
  '--vocab': [join(dir, 'missing.json'), empty, binary, deepJson, numericMaps],
  '--architecture': [join(dir, 'missing.json'), empty, binary, deepJson, numericMaps],
};
const TEXT_FILES = [join(dir, 'missing.txt'), subdir, empty, binary, wide, longLine, '/dev/zero'];
const POSITIONAL = {
  train: TEXT_FILES, eval: TEXT_FILES, viz: [...TEXT_FILES, numericMaps],
  esn: [...TEXT_FILES, corpus], 'seq2seq train': [...TEXT_FILES, wideTsv, corpus],
};
const BUDGET = new Set(['--steps', '--time', '--epochs']);

// ---- the cases -------------------------------------------------------------------------------------
const cases = [];
for (const c of everyCommand(unfoldProgram())) {
  if (c.commands.length > 0) continue;
  const names = []; for (let p = c; p && p.parent; p = p.parent) names.unshift(p.name());
  const name = names.join(' ');
  if (!BASE[name] || (a.only && !a.only.split(',').includes(name.split(' ').at(-1)) && !a.only.split(',').includes(name))) continue;
  const base = BASE[name];
  cases.push({ name, args: () => [...names, ...base()], what: 'base' });
  for (const o of c.options) {
    if (!(o.required || o.optional)) continue;
    for (const v of FILES[o.long] ?? NUMBERS) {
      cases.push({
        name, budget: BUDGET.has(o.long), what: `${o.long} ${show(v)}`,
        args: () => {
          const b = base();
          const i = b.indexOf(o.long);
          if (i >= 0) b.splice(i, 2);
          return [...names, ...b, o.long, v];
        },
      });
    }
  }
  for (const f of POSITIONAL[name] ?? []) {
    cases.push({ name, what: `argument ${show(f)}`, args: () => { const b = base(); b[0] = f; return [...names, ...b]; } });
  }
}

function show(v) {
  const s = v.startsWith(dir) ? `<${v.slice(dir.length + 1)}>` : v;
  return JSON.stringify(s.length > 24 ? `${s.slice(0, 12)}…(${s.length} chars)` : s);
}

// ---- running and judging one case ----------------------------------------------------------------
const V8 = /Maximum call stack|Invalid typed array length|Invalid array length|Array buffer allocation failed|is not a function|is not iterable|Cannot read propert|Cannot convert|JavaScript heap|out of memory|RangeError|TypeError|ReferenceError|undefined is not|\[object Object\]/;

function rssMiB(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(s);
    return m ? Number(m[1]) / 1024 : 0;
  } catch { return 0; }
}

function runCase(c) {
  return new Promise((resolve) => {
    const args = c.args();
    const t0 = performance.now();
    // In the fixtures' folder, so that a relative path (an --out of '.') writes nothing into the repository.
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, UNFOLD_DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', peak = 0, killed = null;
    child.stdout.on('data', (d) => { if (stdout.length < 1e6) stdout += d; });
    child.stderr.on('data', (d) => { if (stderr.length < 1e6) stderr += d; });
    const poll = setInterval(() => {
      peak = Math.max(peak, rssMiB(child.pid));
      if (peak > MAX_RSS_MIB * 1.25 && !killed) { killed = 'memory'; child.kill('SIGKILL'); }
    }, 50);
    const timer = setTimeout(() => { killed ??= 'time'; child.kill('SIGKILL'); }, TIMEOUT_MS);
    child.on('close', (status) => {
      clearInterval(poll); clearTimeout(timer);
      resolve({ ...c, args, status, stdout, stderr, seconds: (performance.now() - t0) / 1000, peak, killed });
    });
  });
}

function judge(r) {
  const errLines = r.stderr.split('\n').filter((l) => l.startsWith('unfold: error: '));
  const problems = [];
  if (r.killed === 'time') problems.push(r.budget ? 'budget' : `over ${TIMEOUT_MS / 1000} s`);
  else if (r.killed === 'memory' || r.peak > MAX_RSS_MIB) problems.push(`over ${MAX_RSS_MIB} MiB (${r.peak.toFixed(0)} MiB)`);
  else if (r.status !== 0 && r.status !== 1) problems.push(`exit status ${r.status}`);
  else if (r.status === 1 && errLines.length !== 1) problems.push(`${errLines.length} error lines`);
  if (/^\s+at .*(\(|:\d+:\d+)/m.test(r.stderr)) problems.push('stack trace');
  if (V8.test(errLines.join('\n'))) problems.push('V8 internals');
  if (r.status === 0 && /\b(NaN|-?Infinity)\b/.test(r.stdout + r.stderr)) problems.push('NaN or Infinity printed');
  return problems;
}

const results = [];
let next = 0;
async function worker() {
  while (next < cases.length) {
    const c = cases[next++];
    const r = await runCase(c);
    r.problems = judge(r);
    results.push(r);
    if (r.problems.length > 0 && !(r.problems.length === 1 && r.problems[0] === 'budget')) {
      const last = (r.stderr.trim().split('\n').filter((l) => l.trim()).at(-1) ?? '').slice(0, 240);
      process.stdout.write(`FAIL [${r.problems.join(', ')}] unfold ${r.name} ${r.what} (${r.seconds.toFixed(1)} s, ${r.peak.toFixed(0)} MiB, exit ${r.status}): ${last}\n`);
    }
  }
}
const t0 = performance.now();
await Promise.all(Array.from({ length: JOBS }, worker));
const count = (f) => results.filter(f).length;
const failed = results.filter((r) => r.problems.some((p) => p !== 'budget'));
const byProblem = {};
for (const r of failed) for (const p of r.problems) { const k = p.replace(/ \(\d+ MiB\)/, ''); byProblem[k] = (byProblem[k] ?? 0) + 1; }
const slowest = results.reduce((m, r) => (r.killed ? m : Math.max(m, r.seconds)), 0);
const biggest = results.reduce((m, r) => Math.max(m, r.peak), 0);
console.log(`\n${results.length} cases over ${new Set(results.map((r) => r.name)).size} commands in ${((performance.now() - t0) / 1000).toFixed(0)} s (${JOBS} at a time)`);
console.log(`exit 0: ${count((r) => r.status === 0 && r.problems.length === 0)}; refused with one error line: ${count((r) => r.status === 1 && r.problems.length === 0)}; ` +
  `budget runs stopped at the timeout: ${count((r) => r.problems.length === 1 && r.problems[0] === 'budget')}; failures: ${failed.length} ${JSON.stringify(byProblem)}`);
console.log(`slowest finished case ${slowest.toFixed(1)} s; largest peak RSS ${biggest.toFixed(0)} MiB`);
process.exitCode = failed.length > 0 ? 1 : 0;
