// The attention heatmap renderer: one shaded cell per (target, source) pair, weights kept exactly,
// tokens escaped, bad shapes refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attentionMapFrom, renderAttentionMap, renderAttentionSection } from '../../src/viz/attention_section.js';

test('renderAttentionMap draws a target × source grid with the given weights', () => {
  const map = { title: 'fr → en', source: ['le', 'chat', '<eos>'], target: ['the', 'cat'], weights: [[0.7, 0.2, 0.1], [0.05, 0.9, 0.05]] };
  const html = renderAttentionMap(map);
  const weights = [...html.matchAll(/data-weight="([^"]+)"/g)].map((m) => Number(m[1]));
  assert.deepEqual(weights, [0.7, 0.2, 0.1, 0.05, 0.9, 0.05]);
  // shading is relative to the largest weight (0.9): 0.9 → alpha 1, 0.7 → 0.778
  assert.match(html, /rgba\(37, 99, 235, 1\.000\)/);
  assert.match(html, /rgba\(37, 99, 235, 0\.778\)/);
  assert.ok(html.includes('&lt;eos&gt;') && !html.includes('<eos>'), 'tokens are escaped');
  assert.equal((html.match(/class="att-tgt"/g) ?? []).length, 2);
  assert.equal((html.match(/class="att-src"/g) ?? []).length, 3);
  assert.equal(renderAttentionSection([]), '');
  assert.match(renderAttentionSection([map]), /^<section id="attention">/);
});

test('renderAttentionMap refuses weights of the wrong shape or non-finite values', () => {
  assert.throws(() => renderAttentionMap({ source: ['a', 'b'], target: ['x'], weights: [[1]] }), /expected weights of shape \[1, 2\], got 1 columns in row 0/);
  assert.throws(() => renderAttentionMap({ source: ['a'], target: ['x', 'y'], weights: [[1]] }), /expected weights of shape \[2, 1\], got 1 rows/);
  assert.throws(() => renderAttentionMap({ source: ['a'], target: ['x'], weights: [[NaN]] }), /finite/);
  assert.throws(() => renderAttentionMap({ source: [], target: ['x'], weights: [[]] }), /non-empty/);
});

test('attentionMapFrom takes numbers as tokens and refuses other values, naming the entry and the field', () => {
  const m = attentionMapFrom({ title: 7, source: [1, 2.5, 'x'], target: [1999, 'y'], weights: [[0.2, 0.3, 0.5], [1, 0, 0]] }, 3);
  assert.deepEqual([m.title, m.source, m.target], ['7', ['1', '2.5', 'x'], ['1999', 'y']]);
  assert.match(renderAttentionMap(m), /<th class="att-tgt">1999<\/th>/);
  const bad: [unknown, RegExp][] = [
    [null, /attention map 3: expected an object \{title\?, source, target, weights\}, got null/],
    [{ source: [null], target: ['a'], weights: [[1]] }, /expected source token 0 to be a string or a number, got null/],
    [{ source: ['a'], target: [{}], weights: [[1]] }, /expected target token 0 to be a string or a number, got an object/],
    [{ source: ['a'], target: ['a', 'b'], weights: [[1], null] }, /expected row 1 of the weights to be a list of 1 numbers, got null/],
    [{ source: ['a'], target: ['a'], weights: [['0.5']] }, /expected finite weights, got string "0.5" at \(0, 0\)/],
    [{ source: ['a'], target: ['a'], weights: 5 }, /expected weights to be a list of 1 rows, got number 5/],
    [{ source: 'ab', target: ['a'], weights: [[1]] }, /expected source to be a list of tokens, got string "ab"/],
  ];
  for (const [v, re] of bad) assert.throws(() => attentionMapFrom(v, 3), re, JSON.stringify(v));
});
