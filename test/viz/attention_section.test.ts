// The attention heatmap renderer: one shaded cell per (target, source) pair, weights kept exactly,
// tokens escaped, bad shapes refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderAttentionMap, renderAttentionSection } from '../../src/viz/attention_section.js';

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
