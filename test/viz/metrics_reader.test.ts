// The metrics log reader against hand-written logs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMetrics, downsample } from '../../src/viz/metrics_reader.js';

test('parseMetrics splits steps and evaluations, skipping a cut-off last line', () => {
  const text = [
    '{"kind":"step","step":1,"loss":4.5,"lr":0.001}',
    '{"kind":"eval","step":1,"valLoss":4.4}',
    '{"kind":"step","step":2,"loss":4.1}',
    '{"kind":"step","st',
  ].join('\n');
  assert.deepEqual(parseMetrics(text), { train: [{ step: 1, loss: 4.5 }, { step: 2, loss: 4.1 }], val: [{ step: 1, loss: 4.4 }] });
  assert.throws(() => parseMetrics('{"kind":"step"\n{"kind":"eval","step":1,"valLoss":1}\n', 'm.jsonl'), /m\.jsonl: expected a JSON object on line 1/);
});

test('downsample averages runs of points', () => {
  const pts = [1, 2, 3, 4, 5, 6].map((s) => ({ step: s, loss: s * 10 }));
  assert.deepEqual(downsample(pts, 3), [{ step: 2, loss: 15 }, { step: 4, loss: 35 }, { step: 6, loss: 55 }]);
  assert.equal(downsample(pts, 10).length, 6);
});
