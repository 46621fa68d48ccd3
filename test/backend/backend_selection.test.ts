// Which backend a fresh process starts on: wasm where WebAssembly SIMD validates, the reference when
// UNFOLD_BACKEND=ref; and the embedded module matches a fresh compile of its AssemblyScript source.
// Each case runs in a child process because the choice is made once, when the backend module loads.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getBackend, setBackend, refBackend, wasmBackend } from '../../src/backend/backend.js';
import { simdSupported } from '../../src/backend/wasm/module.js';

const backendUrl = new URL('../../src/backend/backend.js', import.meta.url).href;
const root = fileURLToPath(new URL('../../../', import.meta.url));

// The name of the default backend in a child Node with UNFOLD_BACKEND set to `value` (or unset).
function childBackend(value: string | undefined): { status: number | null; out: string; err: string } {
  const env = { ...process.env };
  delete env.UNFOLD_BACKEND;
  if (value !== undefined) env.UNFOLD_BACKEND = value;
  const code = `const m = await import(${JSON.stringify(backendUrl)}); console.log(m.getBackend().name);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { env, encoding: 'utf8' });
  return { status: r.status, out: r.stdout.trim(), err: r.stderr };
}

test('the default backend is wasm when WebAssembly SIMD is available', () => {
  assert.equal(simdSupported(), true, 'this Node validates SIMD modules');
  const r = childBackend(undefined);
  assert.equal(r.status, 0, r.err);
  assert.equal(r.out, 'wasm');
  assert.equal(childBackend('wasm').out, 'wasm');
});

test('UNFOLD_BACKEND=ref forces the reference backend', () => {
  const r = childBackend('ref');
  assert.equal(r.status, 0, r.err);
  assert.equal(r.out, 'ref');
});

test('an unknown UNFOLD_BACKEND is a clear error naming what was expected', () => {
  const r = childBackend('cuda');
  assert.notEqual(r.status, 0);
  assert.match(r.err, /UNFOLD_BACKEND: expected 'ref' or 'wasm', got 'cuda'/);
});

test('setBackend switches between the reference and the wasm backend', () => {
  const before = getBackend();
  try {
    setBackend(refBackend);
    assert.equal(getBackend().name, 'ref');
    setBackend(wasmBackend);
    assert.equal(getBackend().name, 'wasm');
    assert.notEqual(wasmBackend.softmaxRows, refBackend.softmaxRows);
    assert.notEqual(wasmBackend.gemm, refBackend.gemm);
  } finally {
    setBackend(before);
  }
});

test('the embedded wasm bytes match a fresh compile of src/backend/wasm/assembly', (t) => {
  if (!existsSync(`${root}node_modules/assemblyscript/package.json`)) {
    t.skip('assemblyscript (a devDependency) is not installed');
    return;
  }
  // Throws (failing the test) with the script's message when the committed module is stale.
  const out = execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { cwd: root, encoding: 'utf8' });
  assert.match(out, /matches a fresh compile/);
});
