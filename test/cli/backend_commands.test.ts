// --backend on every command that runs a model (one option, added in src/cli/program.ts): the
// converters do not take it; sample, eval and a task on `--backend webgpu` without an adapter
// (UNFOLD_WEBGPU=0) fall back to wasm saying why and print wasm's output, and on ref print it to
// float32 tolerance; where Node has an adapter, eval and sample compute on it as on wasm.

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { initWebGPU, webgpuUnavailable } from '../../src/backend/webgpu/init.js';
import { everyCommand, unfoldProgram } from '../../src/cli/program.js';
import { generatedCorpus } from '../helpers/corpus.js';
import { tempDir, CLI } from '../helpers/files.js';

function unfold(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, UNFOLD_DEBUG: '', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// One small character model, trained once for the tests that need a checkpoint.
let fixture: { dir: string; corpus: string; ckpt: string } | null = null;
function trained(): { dir: string; corpus: string; ckpt: string } {
  if (fixture !== null) return fixture;
  const dir = tempDir();
  const corpus = join(dir, 'c.txt'), ckpt = join(dir, 'c.safetensors');
  writeFileSync(corpus, generatedCorpus());
  const r = unfold(['train', corpus, '--hidden', '16', '--embedding', '8', '--seq-len', '16', '--batch', '4', '--steps', '3', '--out', ckpt]);
  assert.equal(r.status, 0, r.stderr);
  return (fixture = { dir, corpus, ckpt });
}

test('every command that runs a model takes --backend, parsed by the one choice parser; the converters do not', () => {
  const withBackend: string[] = [], without: string[] = [];
  for (const c of everyCommand(unfoldProgram())) {
    if (c.commands.length > 0) continue;
    const o = c.options.find((x) => x.long === '--backend');
    let name = c.name();
    for (let p = c.parent; p !== null && p.parent !== null; p = p.parent) name = `${p.name()} ${name}`;
    (o === undefined ? without : withBackend).push(name);
    if (o !== undefined) assert.throws(() => (o.parseArg as (v: string, prev: unknown) => string)('cuda', undefined), /expected one of ref, wasm, webgpu, got 'cuda'/, name);
  }
  for (const name of ['train', 'sample', 'eval', 'esn', 'viz', 'seq2seq train', 'seq2seq translate', 'tasks adding', 'tasks expr-trees', 'tasks all']) assert.ok(withBackend.includes(name), `${name} has --backend`);
  assert.deepEqual(without.sort(), ['export onnx', 'export pytorch', 'export tfjs', 'import keras', 'import onnx', 'ngram'].sort());
});

test('sample, eval and a task: --backend webgpu falls back to wasm saying why, and ref gives wasm\'s output', () => {
  const { dir, corpus, ckpt } = trained();
  // eval and sample compute on WebGPU (here none: UNFOLD_WEBGPU=0); the tasks read as they compute.
  const noGpu = (name: string): RegExp => new RegExp(`^--backend webgpu: ${name !== 'unfold tasks adding'
    ? 'no WebGPU here \\(UNFOLD_WEBGPU=0 turns WebGPU off in Node\\)'
    : `${name} reads values as it computes, which WebGPU allows only asynchronously`}; running on wasm$`, 'm');
  const commands: [string, string[]][] = [
    ['unfold sample', ['sample', '--checkpoint', ckpt, '--length', '40', '--temperature', '0']],
    ['unfold eval', ['eval', corpus, '--checkpoint', ckpt]],
    ['unfold tasks adding', ['tasks', 'adding', '--steps', '1', '--length', '10', '--test', '50', '--out', join(dir, 'adding')]],
  ];
  for (const [name, args] of commands) {
    const out = (backend: string): string => {
      const r = unfold([...args, '--backend', backend], { UNFOLD_WEBGPU: '0' });
      assert.equal(r.status, 0, `${name} --backend ${backend}: ${r.stderr}`);
      if (backend === 'webgpu') assert.match(r.stderr, noGpu(name));
      else assert.doesNotMatch(r.stderr, /--backend/);
      return r.stdout.replace(/\(?[\d.]+ s\)?/g, ''); // wall times differ
    };
    const wasm = out('wasm');
    assert.equal(out('webgpu'), wasm, `${name} on webgpu (wasm) as on wasm`);
    assertSameFigures(out('ref'), wasm, `${name} on ref`);
  }
});

// Same text, and the printed figures (4 significant digits) to float32 tolerance.
function assertSameFigures(got: string, want: string, what: string): void {
  const numbers = (s: string): number[] => [...s.matchAll(/-?\d+\.\d+/g)].map((m) => Number(m[0]));
  assert.equal(got.replace(/-?\d+\.\d+/g, '#'), want.replace(/-?\d+\.\d+/g, '#'), `${what}: the words`);
  const w = numbers(want);
  numbers(got).forEach((v, i) => assert.ok(Math.abs(v - w[i]) <= 1e-3 * Math.abs(w[i]) + 1e-4, `${what}, figure ${i}: ${v}, expected ${w[i]}`));
}

test('unfold eval and sample --backend webgpu compute on the Node adapter (the `webgpu` package) as on wasm', async (t) => {
  if (!(await initWebGPU())) { t.skip(`no WebGPU in this Node: ${webgpuUnavailable}`); return; }
  const { corpus, ckpt } = trained();
  for (const args of [['eval', corpus, '--checkpoint', ckpt], ['sample', '--checkpoint', ckpt, '--length', '40', '--temperature', '0', '--prime', '(one']]) {
    const gpu = unfold([...args, '--backend', 'webgpu']), wasm = unfold(args);
    assert.equal(gpu.status, 0, gpu.stderr);
    assert.match(gpu.stderr, /^--backend webgpu: running on \S/m);
    // The greedy sample is the same text: the logits agree to float32 rounding, far inside their gaps.
    assertSameFigures(gpu.stdout, wasm.stdout, `${args[0]} on webgpu`);
  }
});
