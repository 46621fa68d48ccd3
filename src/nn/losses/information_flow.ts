// The information-flow regulariser of Pascanu et al. 2013 (eq. 9; Goodfellow et al. §10.11.2): it
// asks each step of a recurrent net to pass the gradient on backward with its norm unchanged,
//
//   Ω = Σ_t ( ‖v_t J_t‖ / ‖v_t‖ − 1 )²,   v_t = ∂L/∂h_t,   J_t = ∂h_t/∂h_{t−1} = diag(f′_t) W_hh,
//
// so that the error signal reaching early steps neither vanishes nor explodes (clipping handles the
// exploding side; this handles the vanishing one). As Pascanu et al. do, v_t is held constant when Ω
// is differentiated: it is computed once, by the backward pass of L, and enters Ω as data; Ω's
// gradient then flows through f′_t (the states h_t, hence every parameter and input) and W_hh.
// Pascanu et al.'s code holds the states constant too, so that Ω's gradient reaches W_hh alone:
// ∂Ω/∂W_hh = aᵀ diag(c) u with a_t = v̂_t ⊙ f′_t, u_t = a_t W_hh, c_t = 2(‖u_t‖ − 1)/(‖u_t‖·B), and
// no backward of Ω through the recorded net (informationFlowHeld, `heldStates` below).
// v comes from L's own backward: its dz_t = v_t ⊙ f′_t (captured from the fused kernel, else one
// more pass back through time) and r_t = dz_t W_hh, one product, give v_{t−1} = d_{t−1} + r_t and,
// in the held form, u_t = r_t / ‖v_t‖, so that form adds a single product more (aᵀ diag(c) u): at
// H = 50, T = 100, batch 20 a held step measured 1.8–1.9 plain ones (3.1 against 1.7 ms on one thread).
// For a vanilla RNN h_t = f(x_t W_ihᵀ + h_{t−1} W_hhᵀ + b): v_t J_t = (v_t ⊙ f′_t) W_hh, with
// f′ = 1 − h² (tanh) or 1[h > 0] (relu). T = steps, B = batch, H = hidden.

import { rnnStateGradientParts, rnnStateGradients, rowWeightedProduct } from '../../autograd/recurrent/rnn_state_gradients.js';
import { captureRnnGradients } from '../../autograd/recurrent/rnn_sequence.js';
import { Tensor, tensor, zeros } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { backward } from '../../autograd/engine.js';
import { add, div, mul, sqrt, square, sub } from '../../autograd/ops/elementwise.js';
import { gt } from '../../autograd/ops/compare.js';
import { matmul } from '../../autograd/ops/matmul.js';
import { sum } from '../../autograd/ops/reduce.js';
import { reshape, slice } from '../../autograd/ops/shape_ops.js';
import { noGrad } from '../../autograd/grad_mode.js';
import { RNN } from '../layers/rnn.js';

// Inside the square root of ‖v̂_t J_t‖, so that its gradient stays finite where v̂_t J_t = 0.
const NORM_EPS = 1e-12;
// Terms whose ‖v_t‖² is below this are left out: no usable gradient reaches that step (it is near the
// bottom of float32's range, where 1/‖v_t‖ would overflow; Pascanu et al.'s code leaves out ‖v_t‖² < 1e-20).
const MIN_SQUARED_NORM = 1e-60;

/** v_t = ∂L/∂h_t of a one-layer vanilla RNN from its direct gradients (see rnnStateGradients). */
export const stateGradients = rnnStateGradients;

/**
 * Ω = (1/B) Σ_b Σ_{t=1}^{T−1} ( ‖(v_t ⊙ f′(h_t)) W_hh‖ / ‖v_t‖ − 1 )², the terms with ‖v_t‖² < 1e−60 left
 * out (no gradient reaches that step), with v held constant (see the file's opening comment),
 * computed as ‖(v̂_t ⊙ f′(h_t)) W_hh‖ with v̂_t = v_t / ‖v_t‖ and ‖u‖ = √(Σu² + 1e-12).
 *
 * Inputs: states h [T, B, H] (as recorded: Ω is differentiated through them), weightHh [H, H],
 * v [T, B, H] (constant). Output: a scalar.
 */
export function informationFlowPenalty(states: Tensor, weightHh: Tensor, v: ArrayLike<number>, nonlinearity: 'tanh' | 'relu'): Tensor {
  if (states.rank !== 3 || weightHh.rank !== 2 || weightHh.shape[0] !== states.shape[2] || weightHh.shape[1] !== states.shape[2] || v.length !== states.size) {
    throw new Error(`informationFlowPenalty: expected states [T, B, H], W_hh [H, H] and ${states.size} state gradients, got ${formatShape(states.shape)}, ${formatShape(weightHh.shape)} and ${v.length}`);
  }
  const [T, B, H] = states.shape;
  if (T < 2) return mul(sum(states), 0);
  const { on, unit } = unitStateGradients(v, T, B, H, states.dtype);
  const u = matmul(flowInputs(states, unit, nonlinearity), weightHh); // [(T−1)·B, H]
  const ratio = reshape(sqrt(add(sum(square(u), 1), NORM_EPS)), [T - 1, B]);
  const terms = mul(square(sub(ratio, 1)), on);
  return div(sum(terms), B);
}

// v̂_t = v_t / ‖v_t‖ for t = 1 … T−1 ([T−1, B, H]) and which terms count (‖v_t‖² ≥ 1e−60: [T−1, B]), so
// that the ratio is ‖v̂_t J_t‖: the same number, with no underflow when the gradient reaching early
// steps is tiny (vanishing is what Ω measures); the norms are taken in float64 here.
function unitStateGradients(v: ArrayLike<number>, T: number, B: number, H: number, dtype: Tensor['dtype']): { on: Tensor; unit: Tensor } {
  const N = (T - 1) * B, on = new Float64Array(N), unit = new Float64Array(N * H);
  for (let r = 0; r < N; r++) {
    const s = squaredNorm(v, (B + r) * H, H);
    if (!(s >= MIN_SQUARED_NORM)) continue;
    const n = Math.sqrt(s);
    for (let i = 0; i < H; i++) unit[r * H + i] = v[(B + r) * H + i] / n;
    on[r] = 1;
  }
  return { on: tensor(on, [T - 1, B], { dtype }), unit: tensor(unit, [T - 1, B, H], { dtype }) };
}

// g_t ⊙ f′(h_t) for t = 1 … T−1, as [(T−1)·B, H]: a_t with g = v̂, dz_t with g = v.
function flowInputs(states: Tensor, unit: Tensor, nonlinearity: 'tanh' | 'relu'): Tensor {
  const [T, B, H] = states.shape;
  const h = slice(states, 0, 1, T); // [T−1, B, H]
  const fPrime = nonlinearity === 'tanh' ? sub(1, square(h)) : gt(h, 0);
  return reshape(mul(unit, fPrime), [(T - 1) * B, H]);
}

/**
 * Ω as informationFlowPenalty defines it and its gradient with respect to W_hh alone, the states
 * held constant as well as v (as Pascanu et al.'s code differentiates it):
 * ∂Ω/∂W_hh = aᵀ diag(c) u, a = v̂ ⊙ f′(h) [(T−1)·B, H], u = a W_hh, c = on · 2(‖u‖ − 1) / (‖u‖·B).
 * Nothing is recorded. Inputs: states h [T, B, H], weightHh [H, H], v [T, B, H]. Outputs: the
 * penalty and the gradient [H, H].
 */
export function informationFlowHeld(states: Tensor, weightHh: Tensor, v: ArrayLike<number>, nonlinearity: 'tanh' | 'relu'): { penalty: number; gradient: Tensor } {
  if (states.rank !== 3 || weightHh.rank !== 2 || weightHh.shape[0] !== states.shape[2] || weightHh.shape[1] !== states.shape[2] || v.length !== states.size) {
    throw new Error(`informationFlowHeld: expected states [T, B, H], W_hh [H, H] and ${states.size} state gradients, got ${formatShape(states.shape)}, ${formatShape(weightHh.shape)} and ${v.length}`);
  }
  const [T, B, H] = states.shape, dtype = states.dtype;
  return noGrad(() => {
    if (T < 2) return { penalty: 0, gradient: zeros([H, H], { dtype }) };
    // dz_t = v_t ⊙ f′(h_t) and r = dz_t W_hh for t = 1 … T−1, as the state-gradient pass has them
    const dz = flowInputs(states, slice(tensor(v, [T, B, H], { dtype }), 0, 1, T), nonlinearity);
    const r = matmul(dz, weightHh), held = heldFlow(v, dz, 0, r, B, H, 1);
    spend(dz, r);
    return held;
  });
}

// Held Ω and weight·∂Ω/∂W_hh from the backward recurrence's own pieces, so that no product is
// repeated: with n_t = ‖v_t‖, a_t = dz_t / n_t and u_t = a_t W_hh = r_t / n_t, where r_t = dz_t W_hh
// is what step t passed back to h_{t−1}; then ∂Ω/∂W_hh = Σ_t a_tᵀ c_t u_t, one product over the
// rows of dz scaled by 1/n and of r by c/n (each O(1); scaling r alone by c/n² overflows float32 where
// the gradient has nearly vanished). The row norms and c are taken in float64. Inputs: v [T, B, H]
// (values); dz, whose rows from `dzRow` on are dz_t for t = 1 … T−1; r [(T−1)·B, H]. Outputs: Ω
// (unweighted) and weight·∂Ω/∂W_hh [H, H].
function heldFlow(v: ArrayLike<number>, dz: Tensor, dzRow: number, carried: Tensor, B: number, H: number, weight: number): { penalty: number; gradient: Tensor } {
  const N = carried.size / H, r = carried.dataSync(), left = new Float64Array(N), right = new Float64Array(N);
  let penalty = 0;
  for (let row = 0; row < N; row++) {
    const n2 = squaredNorm(v, (B + row) * H, H);
    if (!(n2 >= MIN_SQUARED_NORM)) continue; // no usable gradient reaches this step: its term is left out
    const n = Math.sqrt(n2), norm = Math.sqrt(squaredNorm(r, row * H, H) / n2 + NORM_EPS), excess = norm - 1;
    penalty += excess * excess;
    left[row] = 1 / n;
    right[row] = (weight * 2 * excess) / (norm * B * n);
  }
  return { penalty: penalty / B, gradient: rowWeightedProduct(dz, dzRow, left, carried, right) };
}

// Σ x_i² over x[o … o + n), in float64 with four partial sums (one sum's add latency bounds the loop otherwise).
function squaredNorm(x: ArrayLike<number>, o: number, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = 0;
  for (; i + 4 <= n; i += 4) {
    const a = x[o + i], b = x[o + i + 1], c = x[o + i + 2], d = x[o + i + 3];
    s0 += a * a; s1 += b * b; s2 += c * c; s3 += d * d;
  }
  for (; i < n; i++) s0 += x[o + i] * x[o + i];
  return (s0 + s1) + (s2 + s3);
}

// Frees temporaries made here that nothing else holds, now, instead of leaving the backend to copy
// them out of its memory at its next collection (what it does with every young block still held).
function spend(...ts: Tensor[]): void {
  for (const t of ts) t.storage.drop();
}

/** Options of backwardWithInformationFlow. */
export interface InformationFlowOptions {
  /**
   * Hold the states constant as well as v, so that Ω's gradient reaches W_hh alone (Pascanu et
   * al.'s code; informationFlowHeld): Ω is not backpropagated through the recorded net. Default false: Ω's
   * gradient also flows through the states to every parameter.
   */
  heldStates?: boolean;
}

/** What backwardWithInformationFlow reports. */
export interface InformationFlowStep {
  /** L's value. */
  loss: number;
  /** Ω's value (before weighting). */
  penalty: number;
}

/**
 * Backpropagates L + weight·Ω for a one-layer, one-direction vanilla RNN (tanh or relu) run over
 * full-length sequences: leaves ∇L + weight·∇Ω in the parameters' .grad (for fit's trainStep, before
 * clipping and the optimizer step). `output` [T, B, H] and `final` (h_n, [1, B, H], when the loss
 * reads it) are what layer.forward returned for this loss; they must not have been backpropagated.
 * Ω's v_t are L's state gradients, taken from this same backward pass.
 */
export function backwardWithInformationFlow(
  loss: Tensor, run: { layer: RNN; output: Tensor; final?: Tensor | null }, weight: number, options: InformationFlowOptions = {},
): InformationFlowStep {
  const held = options.heldStates ?? false;
  const { layer, output, final } = run;
  const c = layer.config;
  if (c.numLayers !== 1 || c.bidirectional || c.batchFirst) {
    throw new Error(`backwardWithInformationFlow: expected a one-layer, one-direction, time-major RNN, got numLayers ${c.numLayers}, bidirectional ${c.bidirectional}, batchFirst ${c.batchFirst}`);
  }
  if (!(weight >= 0 && Number.isFinite(weight))) throw new Error(`backwardWithInformationFlow: expected a weight >= 0, got ${weight}`);
  output.retainGrad();
  final?.retainGrad();
  const [T, B, H] = output.shape, dtype = output.dtype;
  const cell = layer.cells[0][0];
  if (weight === 0) {
    backward(loss);
    return { loss: loss.item(), penalty: 0 };
  }
  // L's backward, keeping its dz_t where the fused kernel ran (else the state pass runs its own)
  const known = captureRnnGradients(cell.weight_hh, [T, B, H], () => backward(loss, { retainGraph: !held }));
  const value = loss.item();
  // d_t: the loss's gradient at each output, and at h_n for the last step
  const { v, dz, carried } = rnnStateGradientParts(output, output.grad ?? zeros(output.shape, { dtype }), cell.weight_hh, layer.nonlinearity, final?.grad ?? null, known);
  const vs = v.dataSync();
  if (held) {
    if (T < 2) return { loss: value, penalty: 0 };
    const w = cell.weight_hh;
    const penalty = noGrad(() => {
      const { penalty: p, gradient } = heldFlow(vs, dz, B, carried, B, H, weight);
      if (w.grad === null) w.grad = gradient;
      else { w.grad = add(w.grad, gradient); spend(gradient); }
      return p;
    });
    spend(v, dz, carried);
    return { loss: value, penalty };
  }
  spend(dz, carried);
  const omega = informationFlowPenalty(output, cell.weight_hh, vs, layer.nonlinearity);
  spend(v);
  const penalty = omega.item();
  backward(mul(omega, weight));
  return { loss: value, penalty };
}
