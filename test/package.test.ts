// The package as a user gets it: `npm pack` (what the registry would serve), installed by its name
// into an empty folder, then used from Node (the library by import, the `unfold` bin through npx)
// and from a browser (the example page, served by its own script from the installed package's
// bundle, trains a character model inside a Web Worker while the page keeps drawing, then samples).
// Installing takes its dependencies from npm's cache (npm ci filled it), or the registry if absent.

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM, launchChromium, watchedPage } from './viz/browser.js';
import { tempDir, ROOT } from './helpers/files.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

function run(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 240_000, env: { ...process.env, npm_config_update_notifier: 'false' } });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} in ${cwd}: ${r.stderr || r.error}`);
  return r;
}

/** The packed tarball installed into a fresh folder: that folder. */
function installPacked(): string {
  const dir = tempDir();
  // Scripts are skipped: `npm test` has just built dist/ (the files prepare would build).
  const packed = JSON.parse(run(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT).stdout) as { filename: string; files: { path: string }[] }[];
  const files = packed[0].files.map((f) => f.path);
  for (const f of ['dist/src/index.js', 'dist/src/cli/main.js', 'dist/browser/unfold.js', 'examples/browser/index.html', 'README.md']) {
    assert.ok(files.includes(f), `the package holds ${f}`);
  }
  assert.ok(!files.some((f) => f.startsWith('test/') || f.startsWith('dist/test/')), 'the package holds no tests');
  const app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }));
  run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, packed[0].filename)], app);
  return app;
}

test('the packed package installs by its name and works from Node and from a page in Chromium', { skip: !existsSync(CHROMIUM) && 'needs Chromium', timeout: 300_000 }, async () => {
  const app = installPacked();
  const installed = join(app, 'node_modules', PKG.name);
  assert.ok(existsSync(join(installed, 'package.json')), `installed as node_modules/${PKG.name}`);

  // The library by its name: three Adam steps lower a tiny LSTM's loss.
  writeFileSync(join(app, 'use.mjs'), `
    import { nn, optim, randn, Rng } from '${PKG.name}';
    const rng = new Rng(3);
    const lstm = new nn.LSTM({ inputSize: 3, hiddenSize: 8 }, { rng });
    const opt = new optim.Adam(lstm.parameters(), { lr: 0.05 });
    const x = randn([6, 2, 3], { rng });
    const losses = [];
    for (let i = 0; i < 3; i++) { const l = lstm.forward(x)[0].square().mean(); losses.push(l.item()); l.backward(); opt.step(); opt.zeroGrad(); }
    console.log(JSON.stringify(losses));`);
  const losses = JSON.parse(run(process.execPath, ['use.mjs'], app).stdout) as number[];
  assert.ok(losses[2] < losses[0], `the loss goes down: ${losses.join(', ')}`);

  // The bin as the README uses it: train, then sample from the checkpoint.
  writeFileSync(join(app, 'corpus.txt'), 'the cat sat on the mat.\n'.repeat(200));
  run('npx', ['--no-install', 'unfold', 'train', 'corpus.txt', '--steps', '5', '--hidden', '16', '--embedding', '8', '--batch', '4', '--seq-len', '16', '--out', 'runs/c.safetensors'], app);
  const s = run('npx', ['--no-install', 'unfold', 'sample', '--checkpoint', 'runs/c.safetensors', '--length', '40', '--seed', '1'], app);
  assert.ok(s.stdout.trim().length > 0);
  // Five steps leave the unknown-symbol placeholder (U+FFFD) likely too; nothing else may appear.
  assert.ok([...s.stdout].every((c) => 'the cat sat on the mat.\n\uFFFD'.includes(c)), `samples only the corpus's characters: ${JSON.stringify(s.stdout)}`);

  // The example page, served by its own script from the installed bundle.
  const server = spawn(process.execPath, [join(installed, 'examples', 'browser', 'serve.mjs'), '0', join(installed, 'dist', 'browser', 'unfold.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ctx = await launchChromium();
  try {
    const url = await new Promise<string>((resolve, reject) => {
      server.stdout.on('data', (b: Buffer) => { const m = /http:\/\/\S+/.exec(String(b)); if (m) resolve(m[0]); });
      server.on('exit', (code) => reject(new Error(`the example server exited with ${code}`)));
    });
    const { page, errors } = await watchedPage(ctx);
    await page.goto(url);
    await page.fill('#steps', '60');
    await page.click('#train');
    type State = { frames: number; training: boolean; steps: number; error: string | null; result: { steps: number; firstLoss: number; loss: number; sample: string; backend: string } | null };
    const state = (): Promise<State> => page.evaluate(() => (window as unknown as { unfoldExample: State }).unfoldExample);
    await page.waitForFunction(() => (window as unknown as { unfoldExample: State }).unfoldExample.steps >= 1, undefined, { timeout: 60_000 });
    await page.waitForFunction(() => !(window as unknown as { unfoldExample: State }).unfoldExample.training, undefined, { timeout: 120_000 });
    const done = await state();
    assert.equal(done.error, null);
    assert.deepEqual(errors, []);
    const r = done.result!;
    assert.equal(r.steps, 60);
    assert.equal(r.backend, 'wasm');
    assert.ok(r.loss < r.firstLoss, `training lowers the loss: ${r.firstLoss} → ${r.loss}`);
    const text = await page.inputValue('#text');
    assert.ok(r.sample.length === 200 && [...r.sample].every((c) => text.includes(c) || c === '\uFFFD'), `a 200-character sample in the text's characters: ${JSON.stringify(r.sample)}`);
    // The page kept drawing while the worker trained.
    assert.ok(done.frames >= 5, `frames drawn during training: ${done.frames}`);
    assert.equal(await page.textContent('#sample'), r.sample);
  } finally {
    await ctx.close();
    server.kill();
  }
});
