// How a Keras recurrent layer's weights sit in unfold's (PyTorch's) layout, both ways. Keras keeps
// kernel [in, G·H] and recurrent_kernel [H, G·H] (x·K: gates along columns) and one bias [G·H]
// (the GRU with reset_after: two, [2, 3H]); unfold keeps weight_ih [G·H, in], weight_hh [G·H, H]
// (W·x: gates along rows) and two biases b_ih, b_hh [G·H] that add. Gate blocks:
//   LSTM  Keras i | f | c | o  = unfold i | f | g | o    (the same order: c is PyTorch's g)
//   GRU   Keras z | r | h      → unfold r | z | n        (the first two swap)
//   RNN   one block.

/** The recurrent layer kinds, by their Keras class names. */
export type RecurrentKind = 'SimpleRNN' | 'LSTM' | 'GRU';

/** GATES[kind][k]: which Keras gate block unfold's block k is. */
export const GATES: Readonly<Record<RecurrentKind, readonly number[]>> = { SimpleRNN: [0], LSTM: [0, 1, 2, 3], GRU: [1, 0, 2] };

/** Keras kernel [rows, G·H] → unfold weight [G·H, rows] (transposed, gate blocks reordered). */
export function kernelToUnfold(kernel: Float32Array, rows: number, kind: RecurrentKind, H: number): Float32Array {
  const gates = GATES[kind], cols = gates.length * H, out = new Float32Array(cols * rows);
  gates.forEach((kb, k) => {
    for (let j = 0; j < H; j++) for (let i = 0; i < rows; i++) out[(k * H + j) * rows + i] = kernel[i * cols + kb * H + j];
  });
  return out;
}

/** unfold weight [G·H, rows] → Keras kernel [rows, G·H] (kernelToUnfold's inverse). */
export function kernelToKeras(weight: Float32Array, rows: number, kind: RecurrentKind, H: number): Float32Array {
  const gates = GATES[kind], cols = gates.length * H, out = new Float32Array(cols * rows);
  gates.forEach((kb, k) => {
    for (let j = 0; j < H; j++) for (let i = 0; i < rows; i++) out[i * cols + kb * H + j] = weight[(k * H + j) * rows + i];
  });
  return out;
}

/** A Keras bias vector [G·H] → unfold's gate order (and back with toKeras). */
export function biasToUnfold(bias: Float32Array, kind: RecurrentKind, H: number): Float32Array {
  return permuteBlocks(bias, kind, H, false);
}

/** An unfold bias vector [G·H] → Keras' gate order. */
export function biasToKeras(bias: Float32Array, kind: RecurrentKind, H: number): Float32Array {
  return permuteBlocks(bias, kind, H, true);
}

function permuteBlocks(v: Float32Array, kind: RecurrentKind, H: number, toKeras: boolean): Float32Array {
  const out = new Float32Array(v.length);
  GATES[kind].forEach((kb, k) => {
    const [from, to] = toKeras ? [k, kb] : [kb, k];
    out.set(v.subarray(from * H, (from + 1) * H), to * H);
  });
  return out;
}

/** Dense: Keras kernel [in, out] ↔ unfold Linear weight [out, in] (a plain transpose, its own inverse given the shape). */
export function transpose2d(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c];
  return out;
}
