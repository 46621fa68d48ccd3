// The gate orders written out by hand: PyTorch's LSTM rows i|f|g|o are ONNX's i|o|f|c, its GRU rows
// r|z|n are ONNX's z|r|h, and converting back gives PyTorch's order again.

import test from 'node:test';
import assert from 'node:assert/strict';
import { onnxToTorchGates, torchToOnnxGates } from '../../src/interop/onnx/gate_order.js';

// Rows of one gate hold the gate's letter code, two rows of two columns per gate (H = 2, cols = 2).
const rows = (gates: string): number[] => [...gates].flatMap((g) => Array(4).fill(g.charCodeAt(0)) as number[]);

test('gate order: LSTM i|f|g|o → ONNX i|o|f|c (g is ONNX\'s c), GRU r|z|n → z|r|h, RNN unchanged, and back', () => {
  assert.deepEqual([...torchToOnnxGates('lstm', rows('ifgo'), 2, 2)], rows('iofg'));
  assert.deepEqual([...torchToOnnxGates('gru', rows('rzn'), 2, 2)], rows('zrn'));
  assert.deepEqual([...torchToOnnxGates('rnn', rows('h'), 2, 2)], rows('h'));
  assert.deepEqual([...onnxToTorchGates('lstm', rows('iofg'), 2, 2)], rows('ifgo'));
  assert.deepEqual([...onnxToTorchGates('gru', rows('zrn'), 2, 2)], rows('rzn'));
  // Biases: one value per row, cols = 1.
  assert.deepEqual([...torchToOnnxGates('lstm', [1, 2, 3, 4], 1)], [1, 4, 2, 3]);
  assert.deepEqual([...onnxToTorchGates('lstm', [1, 4, 2, 3], 1)], [1, 2, 3, 4]);
});
