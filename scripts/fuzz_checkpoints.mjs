#!/usr/bin/env node
// The long run of the checkpoint fuzzer (test/helpers/checkpoint_fuzz.ts; the test suite runs a
// fast slice of it): --cases damaged checkpoints of every model family read back in this process,
// each classified as accepted (a consistent, finite model), refused (an "expected … got …" error),
// silent (accepted though it should not be) or crash (anything else), with its time and memory
// growth. With --cli K, K of the cases also go through the command line (`unfold sample` and
// `unfold eval`): a refusal must exit non-zero with one line on stderr and no stack trace, a success
// must exit 0 without a NaN or Infinity in its output. Deterministic in --seed. Needs `npx tsc`.
//
//   node scripts/fuzz_checkpoints.mjs [--cases 50000] [--seed 1] [--cli 0] [--from 0]
//
// Prints progress to stderr and one JSON summary line to stdout; exits 1 when any case crashed, was
// silent, took over 10 s or grew memory by over 256 MB beyond its file.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fuzzSeeds, runCase, caseFile, summarize, REFUSAL, INTERNAL } from '../dist/test/helpers/checkpoint_fuzz.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: a } = parseArgs({
  options: {
    cases: { type: 'string', default: '50000' },
    seed: { type: 'string', default: '1' },
    cli: { type: 'string', default: '0' },
    from: { type: 'string', default: '0' },
  },
});
const cases = Number(a.cases), seedValue = Number(a.seed), cliCases = Number(a.cli), from = Number(a.from);
for (const [name, v] of [['cases', cases], ['seed', seedValue], ['cli', cliCases], ['from', from]]) {
  if (!Number.isSafeInteger(v) || v < 0) { console.error(`--${name}: expected an integer >= 0, got ${a[name]}`); process.exit(2); }
}

const seeds = fuzzSeeds();
const results = [];
const started = Date.now();
for (let i = from; i < from + cases; i++) {
  const r = runCase(seeds, seedValue, i);
  results.push({ ...r, detail: r.outcome === 'refused' ? '' : r.detail }); // keep memory flat: refusals' messages are not reported
  if (r.outcome === 'crash' || r.outcome === 'silent') console.error(`case ${i} ${r.outcome} [${r.seed}] ${r.label}: ${r.detail.slice(0, 300)}`);
  if ((i - from + 1) % 5000 === 0) console.error(`${i - from + 1} cases, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (globalThis.gc && i % 200 === 0) globalThis.gc();
}
const summary = summarize(results);
const slowest = [...results].sort((x, y) => y.ms - x.ms).slice(0, 3).map((r) => ({ index: r.index, ms: Math.round(r.ms), label: r.label }));

// The command line: sample and eval over a few of the same cases.
const cli = { cases: 0, refused: 0, ok: 0, bad: [] };
if (cliCases > 0) {
  const dir = mkdtempSync(join(tmpdir(), 'unfold-fuzz-'));
  const corpus = join(dir, 'corpus.txt');
  writeFileSync(corpus, 'abcdefabcdef\n'.repeat(20));
  const main = join(root, 'dist', 'src', 'cli', 'main.js');
  // Character models first: they are what sample and eval open, so most cases reach the model.
  const charSeeds = seeds.filter((s) => s.name.startsWith('train.CharModel'));
  for (let k = 0; k < cliCases; k++) {
    const { mutated } = caseFile(k % 4 === 3 ? seeds : charSeeds, seedValue + 1, k);
    const file = join(dir, 'c.safetensors');
    writeFileSync(file, mutated.bytes);
    const args = k % 2 === 0 ? ['sample', '--checkpoint', file, '--length', '20'] : ['eval', corpus, '--checkpoint', file, '--seq-len', '8', '--batch', '2'];
    const run = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 30_000 });
    cli.cases++;
    const err = run.stderr.trim();
    let why = null;
    if (run.status === null) why = `killed (${run.signal})`;
    else if (run.status !== 0) {
      cli.refused++;
      if (err.includes('\n')) why = 'more than one line on stderr';
      else if (/\n\s+at |^\s+at /.test(run.stderr)) why = 'a stack trace';
      else if (INTERNAL.test(err) || !REFUSAL.test(err)) why = 'not an "expected … got …" refusal';
    } else {
      cli.ok++;
      if (/NaN|Infinity/.test(run.stdout)) why = 'NaN or Infinity printed with exit 0';
      if (mutated.poison) why = 'accepted a known poison';
    }
    if (why !== null && cli.bad.length < 20) cli.bad.push({ case: k, command: args[0], label: mutated.label, why, stderr: err.slice(0, 300) });
    if (why !== null) console.error(`cli case ${k} (${args[0]}, ${mutated.label}): ${why}: ${err.slice(0, 200)}`);
  }
  rmSync(dir, { recursive: true, force: true });
}

const out = {
  cases: summary.cases, seed: seedValue, from, outcomes: summary.outcomes,
  max_ms: Math.round(summary.maxMs), max_rss_delta_mib: +(summary.maxRssDelta / 2 ** 20).toFixed(1),
  max_array_buffers_delta_mib: +(summary.maxArrayBuffersDelta / 2 ** 20).toFixed(1),
  over_10s: summary.slow, over_256mib: summary.hungry, peak_rss_mib: +(process.memoryUsage().rss / 2 ** 20).toFixed(0),
  seconds: Math.round((Date.now() - started) / 1000), slowest,
  failures: summary.failures.map((r) => ({ index: r.index, seed: r.seed, outcome: r.outcome, label: r.label, detail: r.detail.slice(0, 300) })),
  cli: cliCases > 0 ? { cases: cli.cases, refused: cli.refused, ok: cli.ok, bad: cli.bad.length, failures: cli.bad } : undefined,
};
console.log(JSON.stringify(out));
const failed = summary.outcomes.crash + summary.outcomes.silent + summary.slow + summary.hungry + cli.bad.length;
process.exit(failed > 0 ? 1 : 0);
