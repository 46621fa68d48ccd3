// Gate orders: unfold keeps PyTorch's row blocks (LSTM i|f|g|o, GRU r|z|n), ONNX has its own
// (LSTM i|o|f|c, GRU z|r|h). ONNX block j holds PyTorch block ONNX_FROM_TORCH[kind][j]; the same
// table read backwards converts ONNX weights to unfold's.

/** The recurrent operators unfold maps onto ONNX's LSTM, GRU and RNN. */
export type RecurrentKind = 'lstm' | 'gru' | 'rnn';

/** Gates (row blocks of H rows) per kind. */
export const GATES: Readonly<Record<RecurrentKind, number>> = { lstm: 4, gru: 3, rnn: 1 };

/** ONNX_FROM_TORCH[kind][j]: the PyTorch block that is ONNX block j. */
const ONNX_FROM_TORCH: Readonly<Record<RecurrentKind, readonly number[]>> = {
  lstm: [0, 3, 1, 2], // i, o, f, c(=g)
  gru: [1, 0, 2], // z, r, h(=n)
  rnn: [0],
};

// Blocks of blockSize values: block j of the result is block order[j] of src.
function permuteBlocks(src: ArrayLike<number>, order: readonly number[], blockSize: number): Float32Array {
  const out = new Float32Array(src.length);
  order.forEach((from, to) => {
    for (let i = 0; i < blockSize; i++) out[to * blockSize + i] = src[from * blockSize + i];
  });
  return out;
}

/** PyTorch-ordered rows [G·H, cols] (or a bias [G·H], cols = 1) → ONNX order. */
export function torchToOnnxGates(kind: RecurrentKind, values: ArrayLike<number>, hiddenSize: number, cols = 1): Float32Array {
  return permuteBlocks(values, ONNX_FROM_TORCH[kind], hiddenSize * cols);
}

/** ONNX-ordered rows [G·H, cols] (or a bias) → PyTorch order. */
export function onnxToTorchGates(kind: RecurrentKind, values: ArrayLike<number>, hiddenSize: number, cols = 1): Float32Array {
  const order = ONNX_FROM_TORCH[kind];
  const inverse = order.map((_, j) => order.indexOf(j));
  return permuteBlocks(values, inverse, hiddenSize * cols);
}
