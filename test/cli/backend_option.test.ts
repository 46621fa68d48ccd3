// `--backend`: ref and wasm are installed as asked; webgpu without an adapter (UNFOLD_WEBGPU=0 makes
// any Node one: no package, no adapter) says why and trains on wasm instead of failing; where Node
// has an adapter (the optional `webgpu` package) `unfold train --backend webgpu` trains on it, to
// wasm's losses; an unknown name is refused naming the choices. initWebGPU answers false, with the
// reason, for an entry point without adapters.

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { getBackend, setBackend } from '../../src/backend/backend.js';
import { selectBackend } from '../../src/cli/backend_option.js';
import { initWebGPU, webgpuUnavailable } from '../../src/backend/webgpu/init.js';
import { generatedCorpus } from '../helpers/corpus.js';
import { tempDir, CLI } from '../helpers/files.js';

function unfold(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, UNFOLD_DEBUG: '', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('selectBackend installs ref and wasm, and falls back from webgpu to wasm with the reason', async () => {
  const before = getBackend();
  try {
    assert.equal(await selectBackend('ref'), '');
    assert.equal(getBackend().name, 'ref');
    assert.equal(await selectBackend('wasm'), '');
    assert.equal(getBackend().name, 'wasm');
    setBackend(before);
    process.env.UNFOLD_WEBGPU = '0';
    const note = await selectBackend('webgpu');
    assert.equal(note, '--backend webgpu: no WebGPU here (UNFOLD_WEBGPU=0 turns WebGPU off in Node); running on wasm');
    assert.equal(getBackend().name, 'wasm');
    process.env.UNFOLD_WEBGPU = 'yes';
    await assert.rejects(selectBackend('webgpu'), /UNFOLD_WEBGPU: expected '0' or '1', got 'yes'/);
  } finally {
    delete process.env.UNFOLD_WEBGPU;
    setBackend(before);
  }
});

test('initWebGPU answers false, saying why, when the entry point finds no adapter', async () => {
  const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
  assert.equal(await initWebGPU({ gpu: noAdapter }), false);
  assert.equal(webgpuUnavailable, 'navigator.gpu.requestAdapter() found no adapter');
});

test('unfold train --backend webgpu trains on wasm where there is no adapter; an unknown backend is refused', () => {
  const dir = tempDir();
  const corpus = join(dir, 'c.txt');
  writeFileSync(corpus, generatedCorpus());
  const tiny = ['--hidden', '16', '--embedding', '8', '--seq-len', '16', '--batch', '4', '--steps', '2', '--out', join(dir, 'c.safetensors')];
  const r = unfold(['train', corpus, ...tiny, '--backend', 'webgpu'], { UNFOLD_WEBGPU: '0' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /--backend webgpu: no WebGPU here \(UNFOLD_WEBGPU=0 turns WebGPU off in Node\); running on wasm/);
  assert.match(r.stdout, /done: 2 steps/);
  const bad = unfold(['train', corpus, ...tiny, '--backend', 'cuda']);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /expected one of ref, wasm, webgpu, got 'cuda'/);
});

test('unfold train --backend webgpu trains on the Node adapter (the `webgpu` package) to wasm\'s losses', async (t) => {
  if (!(await initWebGPU())) { t.skip(`no WebGPU in this Node: ${webgpuUnavailable}`); return; }
  const dir = tempDir();
  const corpus = join(dir, 'c.txt');
  writeFileSync(corpus, generatedCorpus());
  const run = (backend: string): { stdout: string; stderr: string } => {
    const r = unfold(['train', corpus, '--hidden', '16', '--embedding', '8', '--seq-len', '16', '--batch', '4', '--steps', '3', '--out', join(dir, `${backend}.safetensors`), '--backend', backend]);
    assert.equal(r.status, 0, r.stderr);
    return r;
  };
  const gpu = run('webgpu'), wasm = run('wasm');
  assert.match(gpu.stderr, /--backend webgpu: running on \S/);
  const loss = (out: string): number[] => [...out.matchAll(/validation loss ([\d.]+) nats\/char \(train ([\d.]+)\)/g)].flatMap((m) => [Number(m[1]), Number(m[2])]);
  const [g, w] = [loss(gpu.stdout), loss(wasm.stdout)];
  assert.equal(g.length, 2, gpu.stdout);
  g.forEach((v, i) => assert.ok(Math.abs(v - w[i]) <= 2e-4 * w[i], `loss ${i}: webgpu ${v}, wasm ${w[i]}`));
});
