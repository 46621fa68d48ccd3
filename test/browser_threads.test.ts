// The engine in a real browser (Debian's headless Chromium through playwright-core): the browser
// bundle served from localhost loads the wasm module with initWasm(), and a page that is
// cross-origin isolated (COOP/COEP headers) gets shared memory and worker threads from Blob URLs,
// while a page that is not runs on one thread. Both train an LSTM for three Adam steps on the wasm
// backend, and the isolated page does it again on one thread: the parameters must be the same bits
// (the threads cut work, never change it) and equal to what Node computes from the same bundle.

import test from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { CHROMIUM, launchChromium, watchedPage } from './viz/browser.js';
import { tempDir, ROOT as root } from './helpers/files.js';


// What the page (and Node) runs: a deterministic LSTM, three Adam steps, the parameters' sum of
// squares and a few values, the thread count and the backend.
const PROGRAM = `
export async function run(u, threads) {
  const wasm = await u.initWasm();
  if (wasm) u.setBackend(u.wasmBackend);
  if (threads) u.setThreads(threads);
  const rng = new u.Rng(7);
  const lstm = new u.nn.LSTM({ inputSize: 16, hiddenSize: 64, batchFirst: true }, { rng });
  const head = new u.nn.Linear({ inFeatures: 64, outFeatures: 10 }, { rng });
  const params = [...lstm.parameters(), ...head.parameters()];
  const opt = new u.optim.Adam(params, { lr: 0.01 });
  const x = u.randn([24, 40, 16], { rng });
  const y = u.ops.indices(Array.from({ length: 24 * 40 }, (_, i) => (i * 7) % 10), [24 * 40]);
  for (let s = 0; s < 3; s++) {
    const [out] = lstm.forward(x);
    const loss = u.nn.crossEntropy(head.forward(out).reshape([24 * 40, 10]), y);
    loss.backward(); opt.step(); opt.zeroGrad();
  }
  const values = params.map((p) => Array.from(p.dataSync().slice(0, 4)));
  return { backend: u.getBackend().name, threads: u.threadCount(), isolated: globalThis.crossOriginIsolated ?? null, values };
}
`;

test('the engine runs in headless Chromium: threads where the page is isolated, one thread where not, the same bits', { skip: !existsSync(CHROMIUM) }, async () => {
  const bundle = await build({ entryPoints: [join(root, 'src', 'browser.ts')], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent' });
  const lib = bundle.outputFiles[0].text;
  const page = (isolated: boolean, threads: number): string => `<!doctype html><meta charset="utf-8"><title>unfold</title><script type="module">
    import * as u from './package/unfold.js';
    import { run } from './package/program.js';
    run(u, ${threads}).then((r) => { window.result = r; }, (e) => { window.result = { error: String(e && e.stack || e) }; });
  </script>`;
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    const isolated = url.startsWith('/isolated/');
    const name = url.split('/').pop();
    const headers: Record<string, string> = isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
    if (name === 'unfold.js' || name === 'program.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript', ...headers });
      res.end(name === 'unfold.js' ? lib : PROGRAM);
    } else if (name?.startsWith('index')) {
      res.writeHead(200, { 'Content-Type': 'text/html', ...headers });
      res.end(page(isolated, name === 'index1.html' ? 1 : 0));
    } else { res.writeHead(name === 'favicon.ico' ? 204 : 404); res.end(); }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const ctx = await launchChromium();
  type Result = { backend: string; threads: number; isolated: boolean | null; values: number[][]; error?: string };
  const visit = async (path: string): Promise<Result> => {
    const { page: p, errors } = await watchedPage(ctx);
    await p.goto(`http://127.0.0.1:${port}${path}`, { waitUntil: 'commit' });
    await p.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: 60_000 });
    const r = await p.evaluate(() => (window as unknown as { result: Result }).result);
    assert.equal(r.error, undefined, `${path}: ${r.error}`);
    assert.deepEqual(errors, [], `${path}: console errors`);
    await p.close();
    return r;
  };
  try {
    const threaded = await visit('/isolated/index.html');
    assert.equal(threaded.isolated, true);
    assert.equal(threaded.backend, 'wasm');
    assert.ok(threaded.threads >= 2, `an isolated page uses worker threads (got ${threaded.threads})`);
    const single = await visit('/isolated/index1.html');
    assert.equal(single.threads, 1);
    const plain = await visit('/plain/index.html');
    assert.equal(plain.isolated, false);
    assert.equal(plain.backend, 'wasm');
    assert.equal(plain.threads, 1, 'without isolation there is no shared memory: one thread');
    assert.deepEqual(threaded.values, single.values, 'threads change the cut, not the bits');
    assert.deepEqual(plain.values, single.values, 'unshared memory computes the same');
    // The same bundle in Node gives the same numbers.
    const dir = tempDir();
    writeFileSync(join(dir, 'unfold.mjs'), lib);
    writeFileSync(join(dir, 'program.mjs'), PROGRAM);
    const u = await import(pathToFileURL(join(dir, 'unfold.mjs')).href);
    const { run } = await import(pathToFileURL(join(dir, 'program.mjs')).href);
    const node = await run(u, 0) as Result;
    assert.deepEqual(node.values, single.values, 'Node and Chromium agree');
  } finally {
    await ctx.close();
    server.close();
  }
});
