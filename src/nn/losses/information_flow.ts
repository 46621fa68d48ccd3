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
// ∂Ω/∂W_hh = aᵀ diag(c) u with a_t = v̂_t ⊙ f′_t, u_t = a_t W_hh, c_t = 2(‖u_t‖ − 1)/(‖u_t‖·B), two
// products and no backward of Ω through the recorded net (informationFlowHeld, `heldStates` below).
// Either way v costs one more pass back through time, and Ω's products are as large as the
// recurrence's own: at H = 50, T = 100, batch 20 a step with the held form measured 3.4–3.9 plain ones.
// For a vanilla RNN h_t = f(x_t W_ihᵀ + h_{t−1} W_hhᵀ + b): v_t J_t = (v_t ⊙ f′_t) W_hh, with
// f′ = 1 − h² (tanh) or 1[h > 0] (relu). T = steps, B = batch, H = hidden.

import { rnnStateGradients } from '../../autograd/recurrent/rnn_state_gradients.js';
import { Tensor, tensor, zeros } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { backward } from '../../autograd/engine.js';
import { add, div, mul, sqrt, square, sub } from '../../autograd/ops/elementwise.js';
import { gt } from '../../autograd/ops/compare.js';
import { matmul } from '../../autograd/ops/matmul.js';
import { sum } from '../../autograd/ops/reduce.js';
import { reshape, slice, transpose } from '../../autograd/ops/shape_ops.js';
import { noGrad } from '../../autograd/grad_mode.js';
import { RNN } from '../layers/rnn.js';

// Inside the square root of ‖v̂_t J_t‖, so that its gradient stays finite where v̂_t J_t = 0.
const NORM_EPS = 1e-12;

/** v_t = ∂L/∂h_t of a one-layer vanilla RNN from its direct gradients (see rnnStateGradients). */
export const stateGradients = rnnStateGradients;

/**
 * Ω = (1/B) Σ_b Σ_{t=1}^{T−1} ( ‖(v_t ⊙ f′(h_t)) W_hh‖ / ‖v_t‖ − 1 )², the terms with v_t = 0 left
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

// v̂_t = v_t / ‖v_t‖ for t = 1 … T−1 ([T−1, B, H]) and which terms count (v_t ≠ 0: [T−1, B]), so
// that the ratio is ‖v̂_t J_t‖: the same number, with no underflow when the gradient reaching early
// steps is tiny (vanishing is what Ω measures); the norms are taken in float64 here.
function unitStateGradients(v: ArrayLike<number>, T: number, B: number, H: number, dtype: Tensor['dtype']): { on: Tensor; unit: Tensor } {
  const N = (T - 1) * B, on = new Float64Array(N), unit = new Float64Array(N * H);
  for (let r = 0; r < N; r++) {
    let s = 0;
    for (let i = 0; i < H; i++) s += v[(B + r) * H + i] ** 2;
    if (!(s > 0)) continue;
    const n = Math.sqrt(s);
    for (let i = 0; i < H; i++) unit[r * H + i] = v[(B + r) * H + i] / n;
    on[r] = 1;
  }
  return { on: tensor(on, [T - 1, B], { dtype }), unit: tensor(unit, [T - 1, B, H], { dtype }) };
}

// a_t = v̂_t ⊙ f′(h_t) for t = 1 … T−1, as [(T−1)·B, H].
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
  const [T, B, H] = states.shape, N = (T - 1) * B, dtype = states.dtype;
  return noGrad(() => {
    if (T < 2) return { penalty: 0, gradient: zeros([H, H], { dtype }) };
    const { on: onT, unit } = unitStateGradients(v, T, B, H, dtype);
    const at = flowInputs(states, unit, nonlinearity), on = onT.dataSync(); // a [N, H], zero where v_t = 0
    const u = matmul(at, weightHh).dataSync(); // [N, H]
    // on the host, in float64: Ω = Σ on·(‖u‖ − 1)² / B; rows of u scaled by c = on · 2(‖u‖ − 1) / (‖u‖·B)
    const cu = new Float64Array(N * H);
    let penalty = 0;
    for (let r = 0; r < N; r++) {
      if (!on[r]) continue;
      let s = NORM_EPS;
      for (let i = 0; i < H; i++) s += u[r * H + i] ** 2;
      const norm = Math.sqrt(s), excess = norm - 1;
      penalty += excess * excess;
      const c = (2 * excess) / (norm * B);
      for (let i = 0; i < H; i++) cu[r * H + i] = c * u[r * H + i];
    }
    return { penalty: penalty / B, gradient: matmul(transpose(at), tensor(cu, [N, H], { dtype })) };
  });
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
  backward(loss, { retainGraph: weight > 0 && !held });
  const value = loss.item();
  if (weight === 0) return { loss: value, penalty: 0 };
  const [T, B, H] = output.shape;
  // d_t: the loss's gradient at each output, and at h_n for the last step
  const direct = output.grad ? Float64Array.from(output.grad.dataSync()) : new Float64Array(T * B * H);
  if (final?.grad) {
    const g = final.grad.dataSync();
    for (let k = 0; k < B * H; k++) direct[(T - 1) * B * H + k] += g[k];
  }
  const cell = layer.cells[0][0];
  const v = rnnStateGradients(output, tensor(direct, output.shape, { dtype: output.dtype }), cell.weight_hh, layer.nonlinearity);
  if (held) {
    const { penalty, gradient } = informationFlowHeld(output, cell.weight_hh, v.dataSync(), layer.nonlinearity);
    const w = cell.weight_hh;
    w.grad = noGrad(() => (w.grad === null ? mul(gradient, weight) : add(w.grad, mul(gradient, weight))));
    return { loss: value, penalty };
  }
  const omega = informationFlowPenalty(output, cell.weight_hh, v.dataSync(), layer.nonlinearity);
  const penalty = omega.item();
  backward(mul(omega, weight));
  return { loss: value, penalty };
}
