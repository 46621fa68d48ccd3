#!/usr/bin/env node
// The kill probe: `unfold train` saving a checkpoint after every step, killed -9 --kills times, each
// run continuing the last with --resume until one ends by itself. A third of the kills come at a
// random moment of the run (start-up, a step, a save), a third as soon as a temporary file of a save
// appears (fs.watch), a third inside a chosen window of a save (test/helpers/slow_writes.js stops the
// n-th save there: new state in its temporary file, state switched but model not, new model in its
// temporary file, model switched but the previous state not yet removed). After every kill: the model
// file loads on its own (`unfold sample`) and a resume finds its state (the library's loadFitState,
// as --resume reads it); after every run that saved, no temporary file of an earlier one is left;
// each finished chain of runs ends with exactly the weights of a run never killed, with nothing
// temporary left. Last, SIGTERM: the run saves, says so and exits 143, and resumes to the same end.
//
//   node scripts/kill_probe.mjs [--kills 50] [--seed 1] [--steps 150] [--hidden 128]
//
// Needs the build (npx tsc -p tsconfig.json): dist/src/cli/main.js and dist/test/helpers/*.js.
// Prints one line per kill and a summary; exits 1 when any check failed.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(root, 'dist', 'src', 'cli', 'main.js');
const HOOK = join(root, 'dist', 'test', 'helpers', 'slow_writes.js');
if (!existsSync(CLI) || !existsSync(HOOK)) {
  console.error(`expected the build in ${join(root, 'dist')} (run npx tsc -p tsconfig.json), got none`);
  process.exit(1);
}
await import(join(root, 'dist', 'src', 'autograd', 'methods.js'));
const { loadCheckpoint } = await import(join(root, 'dist', 'src', 'train', 'checkpoint_file.js'));
const { loadFitState } = await import(join(root, 'dist', 'src', 'train', 'fit_state_file.js'));
const { loadSafetensorsSync } = await import(join(root, 'dist', 'src', 'io', 'checkpoint_file.js'));
const { Rng } = await import(join(root, 'dist', 'src', 'tensor', 'random.js'));

const { values: a } = parseArgs({
  options: {
    kills: { type: 'string', default: '50' }, seed: { type: 'string', default: '1' },
    steps: { type: 'string', default: '150' }, hidden: { type: 'string', default: '128' },
  },
});
const KILLS = Number(a.kills), rng = new Rng(Number(a.seed));
const args = (out) => ['train', '--hidden', a.hidden, '--embedding', '32', '--seq-len', '32', '--batch', '8', '--dropout', '0.1',
  '--steps', a.steps, '--checkpoint-every', '1', '--out', out];
const WINDOWS = ['state-temp', 'gap', 'model-temp', 'model'];
const env = { ...process.env, UNFOLD_DEBUG: '' };

const isTemp = (name) => /\.\d+\.[0-9a-f]{12}\.tmp$/.test(name);
const tempsOf = (dir) => readdirSync(dir).filter(isTemp);
const stepOf = (out) => { try { return loadCheckpoint(out).step; } catch { return null; } };
/** Where the weights at `path` differ from the reference run's: the first tensor and the largest gap. */
function difference(path) {
  const mine = loadSafetensorsSync(path).tensors, theirs = loadSafetensorsSync(reference).tensors;
  for (const [k, t] of Object.entries(mine)) {
    let gap = 0;
    t.data.forEach((v, i) => { gap = Math.max(gap, Math.abs(v - theirs[k].data[i])); });
    if (gap > 0) return `${k} by up to ${gap}, step ${stepOf(path)} against ${stepOf(reference)}`;
  }
  return 'in the order of tensors';
}
const weights = (path) => JSON.stringify(Object.entries(loadSafetensorsSync(path).tensors).map(([k, t]) => [k, Array.from(t.data)]));

/** Runs `unfold train` on `out` (resuming when it holds a checkpoint) and kills it as `mode` says. */
function runOnce(out, mode) {
  const dir = dirname(out);
  const resume = existsSync(out);
  const spec = mode === 'window' ? `${WINDOWS[rng.int(WINDOWS.length)]}:${1 + rng.int(4)}` : '';
  const node = mode === 'window' ? ['--import', HOOK] : [];
  const child = spawn(process.execPath, [...node, CLI, ...args(out), ...(resume ? ['--resume'] : [])], { env: { ...env, SLOW_WRITES: spec } });
  const t0 = performance.now();
  let stderr = '', timer = null, watcher = null;
  const kill = () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); };
  if (mode === 'random') timer = setTimeout(kill, rng.uniform(150, 2650));
  if (mode === 'temp') {
    // Not the first save: let a few steps go by, so that the kill can land in any save.
    const after = 2 + rng.int(15);
    let seen = 0;
    watcher = watch(dir, (_event, name) => { if (name && isTemp(name) && name.includes('.state.') && ++seen >= after) kill(); });
  }
  child.stderr.on('data', (d) => {
    stderr += d.toString();
    if (mode === 'window' && stderr.includes('slow-writes: ')) kill();
  });
  return new Promise((resolve) => {
    child.on('close', (status, signal) => {
      clearTimeout(timer); watcher?.close();
      resolve({ status, signal, stderr, resume, spec, ms: Math.round(performance.now() - t0) });
    });
  });
}

const fig = { kills: 0, byMode: {}, landedInSave: 0, unloadable: 0, unresumable: 0, failedRuns: 0, leftoverAfterSave: 0, chains: 0, chainsIdentical: 0, leftoverAtEnd: 0 };
const failures = [];
const reference = join(mkdtempSync(join(tmpdir(), 'unfold-kill-')), 'ref.safetensors');
console.error(`reference run (${a.steps} steps, never killed) ...`);
const ref = spawnSync(process.execPath, [CLI, ...args(reference)], { encoding: 'utf8', env });
if (ref.status !== 0) { console.error(ref.stderr); process.exit(1); }
const refWeights = weights(reference);

/** Checks a chain that ended by itself: the weights of the reference, nothing temporary left. */
function finishChain(out, label) {
  fig.chains++;
  const left = readdirSync(dirname(out)).filter((n) => isTemp(n) || n.endsWith('.prev'));
  if (left.length) { fig.leftoverAtEnd++; failures.push(`${label}: left ${left.join(', ')}`); }
  if (weights(out) === refWeights) fig.chainsIdentical++; else failures.push(`${label}: weights differ from the reference run's (${difference(out)})`);
}

let out = null;
while (fig.kills < KILLS) {
  if (out === null) out = join(mkdtempSync(join(tmpdir(), 'unfold-kill-')), 'char.safetensors');
  const dir = dirname(out);
  const mode = ['random', 'temp', 'window'][fig.kills % 3];
  const before = stepOf(out);
  const oldTemps = tempsOf(dir);
  const r = await runOnce(out, mode);
  const after = stepOf(out);
  // A run that saved (its model file moved on) has removed the temporary files of the runs before it.
  if (after !== null && after !== before && oldTemps.some((n) => tempsOf(dir).includes(n))) {
    fig.leftoverAfterSave++; failures.push(`run after kill ${fig.kills}: earlier temporary files left`);
  }
  if (r.signal !== 'SIGKILL') {
    if (r.status !== 0) { fig.failedRuns++; failures.push(`run ${r.resume ? '--resume' : 'fresh'} exited ${r.status}: ${r.stderr.trim().split('\n').pop()}`); out = null; continue; }
    finishChain(out, `chain ${fig.chains + 1}`);
    out = null;
    continue;
  }
  fig.kills++;
  fig.byMode[mode] = (fig.byMode[mode] ?? 0) + 1;
  const files = readdirSync(dir);
  const inSave = files.some((n) => isTemp(n) || n.endsWith('.prev'));
  if (inSave) fig.landedInSave++;
  let loads = 'no checkpoint yet', resumes = '';
  if (existsSync(out)) {
    const s = spawnSync(process.execPath, [CLI, 'sample', '--checkpoint', out, '--length', '20'], { encoding: 'utf8', env });
    loads = s.status === 0 ? `model of step ${after} loads` : 'MODEL DOES NOT LOAD';
    if (s.status !== 0) { fig.unloadable++; failures.push(`kill ${fig.kills}: ${s.stderr.trim()}`); }
    try { loadFitState(out, after); resumes = ', state found'; } catch (e) {
      fig.unresumable++; resumes = ', STATE NOT FOUND'; failures.push(`kill ${fig.kills}: ${e.message}`);
    }
  }
  console.log(`kill ${String(fig.kills).padStart(2)} ${mode.padEnd(6)} ${r.spec.padEnd(12)} at ${String(r.ms).padStart(5)} ms${inSave ? ', in a save' : ''}: ${loads}${resumes} [${files.filter((n) => n !== 'char.metrics.jsonl').join(' ')}]`);
}
if (out !== null) {
  const r = spawnSync(process.execPath, [CLI, ...args(out), ...(existsSync(out) ? ['--resume'] : [])], { encoding: 'utf8', env });
  if (r.status !== 0) { fig.failedRuns++; failures.push(`last run exited ${r.status}: ${r.stderr.trim().split('\n').pop()}`); } else finishChain(out, `chain ${fig.chains + 1}`);
}

// SIGTERM: sent once the run has reported steps; it must save, exit 143 and resume to the same end.
const termOut = join(mkdtempSync(join(tmpdir(), 'unfold-kill-')), 'char.safetensors');
const term = await new Promise((resolve) => {
  const child = spawn(process.execPath, [CLI, ...args(termOut)], { env });
  let stdout = '', stderr = '', sent = false;
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; if (!sent && /% step [1-9]\d* /.test(stderr)) { sent = true; child.kill('SIGTERM'); } });
  child.on('close', (status) => resolve({ status, stdout, stderr }));
});
const termStep = stepOf(termOut);
const termResume = spawnSync(process.execPath, [CLI, ...args(termOut), '--resume'], { encoding: 'utf8', env });
fig.sigterm = {
  status: term.status, saidStopped: /stopped early/.test(term.stdout), savedStep: termStep,
  resumed: termResume.status === 0 && weights(termOut) === refWeights,
};
if (term.status !== 143 || termStep === null || !fig.sigterm.resumed) failures.push(`SIGTERM: ${JSON.stringify(fig.sigterm)}`);

console.log(JSON.stringify(fig));
for (const f of failures) console.log(`FAILED: ${f}`);
process.exit(failures.length ? 1 : 0);
