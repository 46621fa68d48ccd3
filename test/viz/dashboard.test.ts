// The dashboard's state without a browser: steps and evaluations feed the served data, a failed
// analysis is reported on the page instead of stopping training, resumed runs keep their curves; it
// answers only requests addressed to this machine, and builds its page once per analysis.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { CharModel } from '../../src/train/char_model.js';
import { Vocab } from '../../src/data/vocab.js';
import { request } from 'node:http';
import { Dashboard, dashboardCallbacks, refusedHost } from '../../src/viz/dashboard.js';
import type { ReportData } from '../../src/viz/report_data.js';

test('dashboard callbacks feed /data.json; a failing analysis becomes a note', async () => {
  const dash = await Dashboard.start({ port: 0 });
  try {
    dash.loadCurves({ train: [{ step: 1, loss: 3 }], val: [{ step: 1, loss: 3.1 }] });
    const vocab = Vocab.fromText('ab(c)\n');
    const model = new CharModel({ vocabSize: vocab.size, cell: 'lstm', hiddenSize: 4, numLayers: 1, embeddingSize: 3, dropout: 0 }, { rng: new Rng(1) });
    const get = async (): Promise<ReportData> => (await (await fetch(new URL('/data.json', dash.url))).json()) as ReportData;
    // A one-character text cannot be analysed.
    const bad = dashboardCallbacks(dash, 'a');
    bad.onStart!({ model, vocab, trainChars: 10, valChars: 2, resumedAt: 1 });
    bad.onStep!({ step: 2, loss: 2.5, lr: 0.001, elapsed: 1, tokensPerSec: 100, progress: 0.5 });
    bad.onEval!({ step: 2, valLoss: 2.6, elapsed: 1, sample: '' });
    let d = await get();
    assert.deepEqual(d.curves.train.map((p) => p.step), [1, 2]);
    assert.deepEqual(d.curves.val.map((p) => p.loss), [3.1, 2.6]);
    assert.match(d.note ?? '', /analysis failed: expected a text of at least 2 characters/);
    assert.equal(d.version, 1);
    const good = dashboardCallbacks(dash, 'ab(c)\nab(c)\n');
    good.onStart!({ model, vocab, trainChars: 10, valChars: 2, resumedAt: 0 });
    good.onEval!({ step: 3, valLoss: 2.4, elapsed: 2, sample: '' });
    d = await get();
    assert.equal(d.version, 2);
    assert.equal(d.note, undefined);
    assert.equal(d.chars.join(''), 'ab(c)\nab(c)\n');
    assert.equal(d.model?.step, 3);
    assert.equal(d.saturation.length, 5);
  } finally {
    await dash.close();
  }
  await assert.rejects(async () => Dashboard.start({ port: 70000 }), /expected a port in \[0, 65535\], got 70000/);
});

/** GET `path` from the dashboard at 127.0.0.1:port with the given Host header: status and body. */
function getWithHost(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject).end();
  });
}

test('the dashboard answers only Host headers that name this machine at its port (no DNS rebinding)', async () => {
  const dash = await Dashboard.start({ port: 0 });
  try {
    const port = Number(new URL(dash.url).port);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      for (const path of ['/', '/data.json']) assert.equal((await getWithHost(port, path, host)).status, 200, `${host}${path}`);
    }
    // A rebinding page's own name, this machine under another port, and a bare name.
    for (const host of [`evil.example:${port}`, 'evil.example', `localhost:${port + 1}`, 'localhost', `127.0.0.1.evil.example:${port}`]) {
      for (const path of ['/', '/data.json']) {
        const r = await getWithHost(port, path, host);
        assert.equal(r.status, 403, `${host}${path}`);
        assert.match(r.body, new RegExp(`expected a Host header of localhost:${port}, 127\\.0\\.0\\.1:${port}, \\[::1\\]:${port}.*got '${host.replace(/[.[\]]/g, '\\$&')}'`));
        assert.doesNotMatch(r.body, /curves|<html/);
      }
    }
  } finally {
    await dash.close();
  }
  assert.equal(refusedHost(undefined, 80), "expected a Host header of localhost:80, 127.0.0.1:80, [::1]:80 (this dashboard answers only requests addressed to this machine), got none");
});

test('the dashboard builds its page once per analysis: concurrent requests get the same bytes', async () => {
  const dash = await Dashboard.start({ port: 0 });
  try {
    const vocab = Vocab.fromText('ab(c)\n');
    const model = new CharModel({ vocabSize: vocab.size, cell: 'gru', hiddenSize: 4, numLayers: 1, embeddingSize: 3, dropout: 0 }, { rng: new Rng(1) });
    const page = async (): Promise<string> => (await fetch(dash.url)).text();
    const crowd = async (): Promise<string[]> => Promise.all(Array.from({ length: 20 }, page));
    assert.equal(dash.pageBuilds, 0);
    let pages = await crowd();
    assert.equal(dash.pageBuilds, 1);
    assert.ok(pages.every((p) => p === pages[0]));
    // Steps between evaluations reach /data.json, not the page: it stays built.
    dash.addStep(1, 2.5);
    pages = await crowd();
    assert.equal(dash.pageBuilds, 1);
    const data = (await (await fetch(new URL('/data.json', dash.url))).json()) as ReportData;
    assert.deepEqual(data.curves.train, [{ step: 1, loss: 2.5 }]);
    // An analysis makes a new page, built once more for the next crowd.
    dash.analyse(model, vocab, 'ab(c)\nab(c)\n', { step: 1 });
    const after = await crowd();
    assert.equal(dash.pageBuilds, 2);
    assert.ok(after.every((p) => p === after[0]));
    assert.notEqual(after[0], pages[0]);
    assert.match(after[0], /data-version="1"/);
  } finally {
    await dash.close();
  }
});
