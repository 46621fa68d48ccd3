// 200 concurrent page requests to the live training dashboard after one analysis, as a crowded
// browser tab or a watching script makes them: the latency of each (p50, p95, max) and whether every
// request got the same page. Run after `npm run build`:
//   node bench/dashboard_load.mjs [dist root, default ./dist] [concurrent requests, default 200]
// (the dist root lets an older build be measured the same way). The requests come from a child
// process, so that reading 200 large bodies does not share the server's event loop.

import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execFile } from 'node:child_process';

if (process.argv[2] === '--client') {
  const [url, n] = [process.argv[3], Number(process.argv[4])];
  const { get, Agent } = await import('node:http');
  const { createHash } = await import('node:crypto');
  const agent = new Agent({ maxSockets: Infinity });
  // Raw bytes and their hash: decoding 200 large bodies as text would time the client, not the server.
  const one = () => new Promise((ok, fail) => {
    const t0 = performance.now();
    get(url, { agent }, (res) => {
      const hash = createHash('sha1');
      let length = 0;
      res.on('data', (c) => { hash.update(c); length += c.length; });
      res.on('end', () => ok({ ms: performance.now() - t0, body: { length, digest: hash.digest('hex') } }));
    }).on('error', fail);
  });
  await one(); // warm-up
  const t0 = performance.now();
  const got = await Promise.all(Array.from({ length: n }, one));
  const wall = performance.now() - t0;
  const ms = got.map((g) => g.ms).sort((a, b) => a - b);
  const q = (p) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))];
  const same = got.every((g) => g.body.digest === got[0].body.digest);
  console.log(`${n} concurrent GET /: page ${(got[0].body.length / 1024).toFixed(0)} KB, p50 ${q(0.5).toFixed(0)} ms, p95 ${q(0.95).toFixed(0)} ms, ` +
    `max ${ms[ms.length - 1].toFixed(0)} ms, all done in ${wall.toFixed(0)} ms; identical pages: ${same}`);
  process.exit(0);
}

const dist = resolve(process.argv[2] ?? 'dist');
const n = Number(process.argv[3] ?? 200);
const load = (p) => import(pathToFileURL(resolve(dist, p)).href);
const { Dashboard } = await load('src/viz/dashboard.js');
const { CharModel } = await load('src/train/char_model.js');
const { Vocab } = await load('src/data/vocab.js');
const { Rng } = await load('src/tensor/random.js');

const text = 'the quick brown fox jumps over the lazy dog; (a, b) = [c * d]\n'.repeat(8);
const vocab = Vocab.fromText(text);
const model = new CharModel({ vocabSize: vocab.size, cell: 'lstm', hiddenSize: 128, numLayers: 2, embeddingSize: 32, dropout: 0 }, { rng: new Rng(1) });
const dash = await Dashboard.start({ port: 0 });
try {
  for (let s = 1; s <= 2000; s++) dash.addStep(s, 3 - s / 1000);
  dash.analyse(model, vocab, text.slice(0, 400), { step: 2000, maxChars: 400 });
  const out = await new Promise((ok, fail) => execFile(process.execPath, [fileURLToPath(import.meta.url), '--client', dash.url, String(n)],
    { maxBuffer: 1 << 20 }, (e, stdout) => (e ? fail(e) : ok(stdout))));
  process.stdout.write(out);
} finally {
  await dash.close();
}
