// The dashboard's state without a browser: steps and evaluations feed the served data, a failed
// analysis is reported on the page instead of stopping training, resumed runs keep their curves.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { CharModel } from '../../src/train/char_model.js';
import { Vocab } from '../../src/data/vocab.js';
import { Dashboard, dashboardCallbacks } from '../../src/viz/dashboard.js';
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
