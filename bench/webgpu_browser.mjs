#!/usr/bin/env node
// The WebGPU row of `npm run bench`: unfold's webgpu backend and TensorFlow.js's webgl and webgpu
// (@tensorflow/tfjs-backend-webgpu, a dev dependency) backends, side by side in one headless
// Chromium, on the same char-model training step and unfold's batch-1 sampling (bench/webgpu_page.js
// does the measuring). Without a GPU, Chromium's adapter is SwiftShader, a CPU emulation: the figures
// then only show that the path runs, not what a GPU does.
//
//   node bench/webgpu_browser.mjs --hidden 128 --batch 32 [--seq-len 64] [--warmup 2] [--time 8]
//
// Prints one JSON line: { runner: 'webgpu', adapter, hidden, batch, seq_len, unfold: { tokens_per_sec },
// unfold_sample: { us_per_char }, tfjs_webgl: { tokens_per_sec }, tfjs_webgpu: {...} } (or skipped).
// Serves the built browser bundle (npm run build) and tfjs from node_modules on 127.0.0.1 only.

import { parseArgs } from 'node:util';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { JOB_OPTIONS } from './webgpu_work.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: a } = parseArgs({ options: { ...JOB_OPTIONS, timeout: { type: 'string', default: '600' } } });
const CHROMIUM = '/usr/bin/chromium';
const skip = (why) => { console.log(JSON.stringify({ runner: 'webgpu', skipped: why })); process.exit(0); };
if (!existsSync(CHROMIUM)) skip(`needs Chromium at ${CHROMIUM}`);
const bundle = join(root, 'dist', 'browser', 'unfold.js');
if (!existsSync(bundle)) skip('needs the browser bundle: run npm run build');
let chromium;
try { ({ chromium } = await import('playwright-core')); } catch { skip('needs playwright-core: run npm install'); }

const files = {
  '/unfold.js': bundle,
  '/page.js': join(root, 'bench', 'webgpu_page.js'),
  '/work.js': join(root, 'bench', 'webgpu_work.js'),
  '/timed.mjs': join(root, 'bench', 'timed.mjs'),
  '/tf.min.js': join(root, 'node_modules', '@tensorflow', 'tfjs', 'dist', 'tf.min.js'),
  // A dev dependency: missing only where dev dependencies were not installed.
  '/tf-webgpu.js': join(root, 'node_modules', '@tensorflow', 'tfjs-backend-webgpu', 'dist', 'tf-backend-webgpu.min.js'),
};
const tfWebgpu = existsSync(files['/tf-webgpu.js']) ? '<script src="/tf-webgpu.js"></script>' : '';
const server = createServer((req, res) => {
  const path = files[new URL(req.url, 'http://x').pathname];
  if (path && existsSync(path)) { res.setHeader('content-type', 'text/javascript'); res.end(readFileSync(path)); return; }
  if (path) { res.statusCode = 404; res.end(); return; }
  res.setHeader('content-type', 'text/html');
  res.end(`<!doctype html><script src="/tf.min.js"></script>${tfWebgpu}<script type="module" src="/page.js"></script>`);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'unfold-bench-')), {
  executablePath: CHROMIUM, headless: true,
  args: ['--headless', '--no-sandbox', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--disable-gpu-sandbox', '--disable-quic',
    '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await ctx.newPage();
  const query = new URLSearchParams({ hidden: a.hidden, batch: a.batch, seqLen: a['seq-len'], warmup: a.warmup, time: a.time });
  await page.goto(`http://127.0.0.1:${server.address().port}/?${query}`);
  try {
    await page.waitForFunction(() => window.benchResult !== undefined, undefined, { timeout: Number(a.timeout) * 1000 });
  } catch {
    skip(`the page did not finish within ${a.timeout} s`);
  }
  const r = await page.evaluate(() => window.benchResult);
  console.log(JSON.stringify({ runner: 'webgpu', software: /swiftshader/i.test(r.adapter ?? ''), ...r }));
} finally {
  await ctx.close();
  server.close();
}
