// End to end in a real browser: `unfold train` a tiny model for a few steps, `unfold viz` it,
// open the HTML in headless Chromium, find every section, interact with the selectors, read no
// console errors, take a screenshot. Then the live dashboard, in process and from the CLI.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { launchChromium, watchedPage, pngSize } from './browser.js';
import { quotedCorpus } from './fixtures.js';
import { tempDir, CLI } from '../helpers/files.js';
import { Dashboard, dashboardCallbacks } from '../../src/viz/dashboard.js';
import '../../src/autograd/methods.js';
import { trainCharModel } from '../../src/train/trainer.js';
import type { ReportData } from '../../src/viz/report_data.js';

interface ChartGlobal { getChart(c: Element | null): { data: { datasets: { data: unknown[] }[] } } | undefined }

let ctx: BrowserContext;
before(async () => { ctx = await launchChromium(); });
after(async () => { await ctx?.close(); });

const run = (args: string[]): string => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `unfold ${args[0]} failed: ${r.stderr}`);
  return r.stdout;
};

test('unfold viz writes a self-contained report that draws every section without errors', async () => {
  const dir = tempDir();
  const corpus = join(dir, 'corpus.txt'), ckpt = join(dir, 'm.safetensors'), html = join(dir, 'report.html');
  writeFileSync(corpus, quotedCorpus());
  run(['train', corpus, '--cell', 'lstm', '--hidden', '16', '--embedding', '8', '--steps', '30', '--seq-len', '24', '--batch', '8', '--eval-every', '10', '--eval-chars', '200', '--out', ckpt]);
  const att = join(dir, 'att.json');
  writeFileSync(att, JSON.stringify([{ title: 'toy', source: ['a', 'b', '<c>'], target: ['x', 'y'], weights: [[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]] }]));
  run(['viz', '--checkpoint', ckpt, corpus, '--out', html, '--chars', '300', '--gradient-chars', '50', '--attention', att]);
  const source = readFileSync(html, 'utf8');
  assert.doesNotMatch(source, /<script[^>]+src=/, 'no external scripts');
  assert.doesNotMatch(source, /<link[^>]+href=/, 'no external style sheets');

  const { page, errors } = await watchedPage(ctx);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`file://${html}`);
  for (const id of ['summary', 'loss', 'cells', 'saturation', 'gradients', 'predictions', 'attention']) {
    assert.equal(await page.locator(`section#${id}`).count(), 1, `section #${id}`);
  }
  const points = (sel: string): Promise<number[]> => page.evaluate((s) => {
    const c = (globalThis as unknown as { Chart: ChartGlobal }).Chart.getChart(document.querySelector(s));
    return c ? c.data.datasets.map((d) => d.data.length) : [];
  }, sel);
  // 30 logged steps; evaluations at 10 and 20 plus the final one
  assert.deepEqual(await points('#loss-body canvas'), [30, 3]);
  assert.deepEqual(await points('#gradients-body canvas'), [50, 50]);
  assert.ok(await page.locator('#top-cells .cell-text').count() >= 1);
  assert.equal(await page.locator('#top-cells .cell-text').first().locator('span').count(), 300);
  assert.equal(await page.locator('#cell-select option').count(), 16);
  await page.selectOption('#cell-select', '0:7');
  assert.equal(await page.locator('#cell-view .cell-text').getAttribute('data-unit'), '7');
  assert.equal(await page.locator('#saturation .gate').count(), 5); // i, f, g, o, tanh(c)
  assert.equal(await page.locator('#saturation .gate canvas').count(), 5);
  await page.locator('#pred-text span[data-t="5"]').hover();
  assert.match(await page.locator('#pred-panel').innerText(), /position 5/);
  assert.equal(await page.locator('#pred-panel tr').count(), 5);
  await page.locator('#pred-text span[data-t="9"]').click();
  await page.locator('#pred-text span[data-t="12"]').hover();
  assert.match(await page.locator('#pred-panel').innerText(), /position 9/, 'a click pins the position');
  assert.equal(await page.locator('#attention table.att td').count(), 6);
  const shot = join(dir, 'report.png');
  await page.screenshot({ path: shot, fullPage: true });
  const png = pngSize(shot);
  assert.ok(png.width >= 1000 && png.height > 1500 && png.bytes > 20_000, `screenshot ${JSON.stringify(png)}`);
  assert.deepEqual(errors, []);
  assert.ok(requests.every((u) => u.startsWith('file:') || u.startsWith('data:')), `offline: ${requests.join(', ')}`);
  await page.close();
});

test('the dashboard serves the report live and redraws as training goes', async () => {
  const text = quotedCorpus(200);
  const dash = await Dashboard.start({ port: 0 });
  try {
    const { page, errors } = await watchedPage(ctx);
    await page.goto(dash.url);
    assert.equal(await page.getAttribute('body', 'data-version'), '0');
    assert.match(await page.locator('#summary-body').innerText(), /No model yet/);
    await page.evaluate(() => { (globalThis as unknown as { marker: number }).marker = 1; });
    const result = await trainCharModel({
      text, out: null, callbacks: dashboardCallbacks(dash, text, 200),
      options: { cell: 'gru', hiddenSize: 12, embeddingSize: 8, seqLen: 16, batchSize: 4, steps: 40, time: 0, evalEvery: 10, evalChars: 200 },
    });
    assert.equal(result.steps, 40);
    const served = (await (await fetch(new URL('/data.json', dash.url))).json()) as ReportData;
    assert.equal(served.curves.train.length, 40);
    assert.equal(served.curves.val.length, 4); // steps 10, 20, 30 and the final evaluation
    assert.equal(served.version, 4);
    assert.equal(served.model?.step, 40);
    // The open page catches up by polling, without a reload.
    await page.waitForFunction((v) => document.body.dataset.version === String(v), served.version, { timeout: 15_000 });
    await page.waitForFunction(() => {
      const c = (globalThis as unknown as { Chart: ChartGlobal }).Chart.getChart(document.querySelector('#loss-body canvas'));
      return c !== undefined && c.data.datasets[0].data.length === 40;
    }, null, { timeout: 15_000 });
    assert.equal(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker), 1, 'same page, not reloaded');
    assert.match(await page.locator('#summary-body').innerText(), /GRU, hidden 12/);
    assert.equal(await page.locator('#saturation .gate').count(), 2);
    assert.match(await page.locator('#live-status').innerText(), /live: updated/);
    assert.equal((await fetch(new URL('/nothing', dash.url))).status, 404);
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await dash.close();
  }
});

test('unfold train --dashboard prints the URL and serves the run', async () => {
  const dir = tempDir();
  const corpus = join(dir, 'corpus.txt');
  writeFileSync(corpus, quotedCorpus(200));
  const child = spawn(process.execPath, [CLI, 'train', corpus, '--dashboard', '--port', '0', '--cell', 'rnn', '--hidden', '8', '--embedding', '4',
    '--steps', '12', '--seq-len', '16', '--batch', '4', '--eval-every', '6', '--eval-chars', '100', '--out', join(dir, 'm.safetensors')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { out += b.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 30_000;
    while (!/dashboard still serving/.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) assert.fail(`no 'dashboard still serving' line; output:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const url = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1];
    assert.ok(url, `a dashboard URL in:\n${out}`);
    const page = await (await fetch(url)).text();
    assert.match(page, /<section id="gradients">/);
    const data = (await (await fetch(new URL('/data.json', url))).json()) as ReportData;
    assert.equal(data.curves.train.length, 12);
    assert.equal(data.model?.cell, 'rnn');
    assert.deepEqual(data.saturation.map((s) => s.gate), ['h']);
  } finally {
    child.kill('SIGINT');
  }
  assert.equal(await exited, 0);
});
