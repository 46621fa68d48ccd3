// The browser entry bundles for the browser platform with esbuild, pulls in nothing from Node
// (no node: imports, no fs), and the bundle works: it trains a step of a tiny LSTM and round-trips
// a checkpoint through safetensors bytes, the browser's way of saving.

import test from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tempDir, ROOT as root } from './helpers/files.js';


test('browser bundle has no Node imports and runs', async () => {
  const result = await build({
    entryPoints: [join(root, 'src', 'browser.ts')], bundle: true, format: 'esm', platform: 'browser',
    write: false, logLevel: 'silent', metafile: true,
  });
  const code = result.outputFiles[0].text;
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(!inputs.some((p) => /node:|(^|\/)(fs|path|url)$/.test(p)), `node modules in bundle: ${inputs.filter((p) => p.startsWith('node:'))}`);
  assert.doesNotMatch(code, /from\s*["']node:/);
  const file = join(tempDir(), 'unfold.browser.mjs');
  writeFileSync(file, code);
  const u = await import(pathToFileURL(file).href) as typeof import('../src/browser.js');
  const lstm = new u.nn.LSTM({ inputSize: 3, hiddenSize: 4 });
  const opt = new u.optim.Adam(lstm.parameters(), { lr: 0.1 });
  const x = u.randn([5, 2, 3]);
  const loss0 = lstm.forward(x)[0].square().mean();
  loss0.backward();
  opt.step();
  const loss1 = lstm.forward(x)[0].square().mean();
  assert.ok(loss1.item() < loss0.item(), 'one Adam step lowers the loss');
  const bytes = u.io.serializeSafetensors(lstm.stateDict());
  const back = u.io.parseSafetensors(bytes).tensors;
  assert.deepEqual(Object.keys(back).sort(), Object.keys(lstm.stateDict()).sort());
  assert.deepEqual(Array.from(back.weight_hh_l0.data), Array.from(lstm.stateDict().weight_hh_l0.data));
});
