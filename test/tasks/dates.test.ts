// The dates task: the generator writes each format as its hand-written examples say, the held-out
// set is distinct and kept out of training, and a short run learns: after a few dozen steps its
// per-character accuracy on held-out dates is far above the best guess that ignores the input.

import test from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { DATE_FORMATS, datePair, datePairs, datePairStream, weekday, daysInMonth, FIRST_YEAR, LAST_YEAR } from '../../src/tasks/dates.js';
import { runDates, DATE_SOURCE_CHARS } from '../../src/tasks/dates_experiment.js';

const EXPECTED_2001_03_02 = [
  '2 Mar 2001', 'Friday, March 2, 2001', '03/02/01', '02.03.2001', 'March 2, 2001', '2 March 2001', 'Mar 2, 2001',
  '02-Mar-2001', 'Fri, 2 Mar 2001', '20010302', '03-02-2001', 'the 2nd of March, 2001', '02/03/2001',
  'Friday 2 March 2001', 'MAR 2 2001', '2001/03/02', 'Fri Mar 2 2001', '2 mar 01', 'March 2nd, 2001', '2001-03-02',
];

test('at least 15 formats, each written as its examples say, all to the same ISO target', () => {
  assert.ok(DATE_FORMATS.length >= 15);
  const nov21 = { year: 2026, month: 11, day: 21 };
  DATE_FORMATS.forEach((f, i) => {
    assert.equal(datePair(nov21, i).source, f.example, `format ${i}`);
    assert.equal(datePair(nov21, i).target, '2026-11-21');
    assert.equal(datePair({ year: 2001, month: 3, day: 2 }, i).source, EXPECTED_2001_03_02[i], `format ${i} on 2001-03-02`);
  });
  assert.equal(new Set(DATE_FORMATS.map((f) => f.example)).size, DATE_FORMATS.length, 'formats are distinct');
  assert.equal(datePair({ year: 1999, month: 12, day: 13 }, 11).source, 'the 13th of December, 1999');
  assert.equal(datePair({ year: 1999, month: 12, day: 23 }, 18).source, 'December 23rd, 1999');
  assert.equal(weekday({ year: 2000, month: 1, day: 1 }), 6); // a Saturday
  assert.equal(daysInMonth(2000, 2), 29);
  assert.equal(daysInMonth(1900 + 100, 2), 29);
  assert.equal(daysInMonth(2049, 2), 28);
  assert.throws(() => datePair({ year: 2000, month: 1, day: 1 }, DATE_FORMATS.length), /expected a date format in \[0, 20\), got 20/);
});

test('held-out dates are distinct, valid, within the year window, and never in the training stream', () => {
  const held = datePairs(500, new Rng(1));
  const iso = new Set(held.map((p) => p.target));
  assert.equal(iso.size, 500);
  for (const p of held) {
    const [y, m, d] = p.target.split('-').map(Number);
    assert.ok(y >= FIRST_YEAR && y <= LAST_YEAR && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m), p.target);
    for (const c of p.source) assert.ok(DATE_SOURCE_CHARS.includes(c), `character ${JSON.stringify(c)} of ${p.source}`);
  }
  const stream = datePairStream(new Rng(2), iso);
  for (let i = 0; i < 3000; i++) assert.ok(!iso.has(stream.next().value!.target));
});

test('a short dates run learns: held-out character accuracy far above the best input-blind guess', async () => {
  const r = await runDates({ attention: 'general', steps: 100, hiddenSize: 32, embeddingSize: 16, batchSize: 32, testSize: 100, lr: 1e-2, seed: 3 });
  // The best guess that ignores the source: the most common character at each target position.
  const held = datePairs(100, new Rng(3 + 1000003));
  let blind = 0;
  for (let c = 0; c < 10; c++) {
    const counts = new Map<string, number>();
    for (const p of held) counts.set(p.target[c], (counts.get(p.target[c]) ?? 0) + 1);
    blind += Math.max(...counts.values());
  }
  blind /= held.length * 10;
  assert.ok(r.charAccuracy > blind + 0.15, `character accuracy ${r.charAccuracy} vs input-blind ${blind}`);
  assert.ok(r.loss < 0.5 * r.firstLoss, `loss ${r.loss} from ${r.firstLoss}`);
});
