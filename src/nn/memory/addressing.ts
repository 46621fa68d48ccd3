// The addressing, reading and writing of a neural Turing machine (Graves et al. 2014, §3; Goodfellow
// et al. §10.12): every operation is soft, a weighting over all N memory rows, so the whole machine
// is differentiable and trains by backpropagation. A head finds rows by content (cosine similarity
// to a key, sharpened by a key strength β), can instead keep its previous focus (interpolation gate
// g), move it by a few rows (circular shift s), and re-focus the blur the shift left (sharpening γ).
// B = batch, N = memory rows, M = row width, S = 2·maxShift + 1 shift positions.

import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { add, div, mul, pow, sqrt, sub } from '../../autograd/ops/elementwise.js';
import { matmul } from '../../autograd/ops/matmul.js';
import { sum } from '../../autograd/ops/reduce.js';
import { reshape } from '../../autograd/ops/shape_ops.js';
import { circularShift } from '../../autograd/ops/circular_shift.js';
import { softmax } from '../../autograd/ops/softmax.js';

/** What a head emits at one step to address memory (already squashed into their ranges). */
export interface AddressParams {
  /** k [B, M]: the content the head looks for. */
  key: Tensor;
  /** β [B, 1] ≥ 0: how sharply content addressing prefers the most similar rows. */
  beta: Tensor;
  /** g [B, 1] in (0, 1): 1 = the content weighting, 0 = the previous weighting. */
  gate: Tensor;
  /** s [B, S], a distribution over shifts −maxShift … maxShift (column j is shift j − maxShift). */
  shift: Tensor;
  /** γ [B, 1] ≥ 1: the sharpening exponent. */
  gamma: Tensor;
}

// Keeps norms away from 0, where the cosine's gradient is undefined (a blank memory row, a zero key).
const NORM_EPS = 1e-8;

/**
 * K[b, n] = M[b, n]·k[b] / (‖M[b, n]‖ ‖k[b]‖), with ‖v‖ = √(Σv² + 1e-8).
 *
 * Inputs: memory [B, N, M], key [B, M]. Output: [B, N].
 */
export function cosineSimilarity(memory: Tensor, key: Tensor): Tensor {
  const [B, N, M] = memory.shape;
  if (key.rank !== 2 || key.shape[0] !== B || key.shape[1] !== M) {
    throw new Error(`cosineSimilarity: expected a key of shape [${B}, ${M}] for memory ${formatShape(memory.shape)}, got ${formatShape(key.shape)}`);
  }
  const dot = reshape(matmul(memory, reshape(key, [B, M, 1])), [B, N]);
  const memNorm = sqrt(add(sum(mul(memory, memory), 2), NORM_EPS)); // [B, N]
  const keyNorm = sqrt(add(sum(mul(key, key), 1, true), NORM_EPS)); // [B, 1]
  return div(dot, mul(memNorm, keyNorm));
}

/**
 * w^c = softmax_n(β · K(M, k)): the content weighting [B, N].
 */
export function contentWeighting(memory: Tensor, key: Tensor, beta: Tensor): Tensor {
  return softmax(mul(beta, cosineSimilarity(memory, key)), 1);
}

/**
 * The full addressing of one head at one step:
 *   w^c = softmax(β K(M, k)),   w^g = g w^c + (1 − g) w_prev,   w̃ = w^g ⊛ s,   w = w̃^γ / Σ_n w̃^γ,
 * where (w ⊛ s)[i] = Σ_j w[(i − j) mod N] · s[j + maxShift], j = −maxShift … maxShift (the
 * circularShift op: the weighting moved by each shift, mixed by s).
 *
 * Inputs: memory [B, N, M], previous weighting [B, N], params. Output: w [B, N] (rows sum to 1).
 */
export function address(memory: Tensor, previous: Tensor, p: AddressParams): Tensor {
  const wc = contentWeighting(memory, p.key, p.beta);
  const wg = add(mul(p.gate, wc), mul(sub(1, p.gate), previous));
  const wt = pow(circularShift(wg, p.shift), p.gamma);
  return div(wt, sum(wt, 1, true));
}

/**
 * r[b] = Σ_n w[b, n] M[b, n]: the read vector.
 *
 * Inputs: memory [B, N, M], w [B, N]. Output: r [B, M].
 */
export function readMemory(memory: Tensor, w: Tensor): Tensor {
  const [B, N, M] = memory.shape;
  return reshape(matmul(reshape(w, [B, 1, N]), memory), [B, M]);
}

/**
 * M'[b, n] = M[b, n] ⊙ (1 − w[b, n] e[b]) + w[b, n] a[b]: erase, then add, where the head looks.
 *
 * Inputs: memory [B, N, M], w [B, N], erase e [B, M] in (0, 1), add a [B, M]. Output: [B, N, M].
 */
export function writeMemory(memory: Tensor, w: Tensor, erase: Tensor, addVec: Tensor): Tensor {
  const [B, N, M] = memory.shape;
  const wCol = reshape(w, [B, N, 1]);
  const erased = mul(memory, sub(1, matmul(wCol, reshape(erase, [B, 1, M]))));
  return add(erased, matmul(wCol, reshape(addVec, [B, 1, M])));
}
