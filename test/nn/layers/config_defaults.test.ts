// Layer options passed as undefined take their defaults (a caller forwarding optional settings).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LSTM } from '../../../src/nn/layers/lstm.js';

test('options given as undefined fall back to the defaults', () => {
  const layer = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: undefined, dropout: undefined, bidirectional: undefined });
  assert.equal(layer.config.numLayers, 1);
  assert.equal(layer.config.dropout, 0);
  assert.equal(layer.config.bidirectional, false);
  assert.deepEqual(Object.keys(layer.stateDict()).sort(), ['bias_hh_l0', 'bias_ih_l0', 'weight_hh_l0', 'weight_ih_l0']);
});
