// The total state gradients of a vanilla RNN, v_t = ∂L/∂h_t, from the direct ones d_t (what reaches
// h_t from the loss without passing through h_{t+1}): the backward recurrence of BPTT,
// v_{T−1} = d_{T−1}, v_t = d_t + (v_{t+1} ⊙ f′_{t+1}) W_hh. The information-flow regulariser
// (nn/losses/information_flow.ts) needs every v_t, which training's backward keeps only as
// dz_t = v_t ⊙ f′_t; so this takes that dz when the caller captured it from the fused kernel's
// backward (captureRnnGradients), or else runs the backend's RNN backward (the same kernel) for it,
// and then v_t = d_t + dz_{t+1} W_hh for every t in one product. The held form of Ω reads dz and those
// products too (rnnStateGradientParts), so it needs no product of its own for them.
// T = time, B = batch, H = hidden.

import { getBackend } from '../../backend/backend.js';
import { Storage } from '../../backend/storage.js';
import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { PackedLayout } from './packed_output.js';

/** What rnnStateGradientParts returns: v and the two pieces of the backward recurrence it is built from. */
export interface RnnStateGradientParts {
  /** v_t = ∂L/∂h_t, [T, B, H]. */
  v: Tensor;
  /** dz_t = v_t ⊙ f′_t, the gradient at step t's pre-activation, [T, B, H]. */
  dz: Tensor;
  /** r_t = dz_{t+1} W_hh for t = 0 … T−2, what step t + 1 passes back to h_t (v_t = d_t + r_t), [T−1, B, H]. */
  carried: Tensor;
}

/**
 * v [T, B, H] from states h [T, B, H], direct [T, B, H] and W_hh [H, H] (values; nothing is
 * recorded), in the states' dtype.
 */
export function rnnStateGradients(states: Tensor, direct: Tensor, weightHh: Tensor, nonlinearity: 'tanh' | 'relu'): Tensor {
  return rnnStateGradientParts(states, direct, weightHh, nonlinearity).v;
}

/**
 * v with dz and the carried parts r (see RnnStateGradientParts); inputs as rnnStateGradients, and
 * optionally `final`, the gradient reaching h_n [1, B, H] (added to the last step's direct one), and
 * `known`, dz [T, B, H] when the training backward's own is at hand (captureRnnGradients): then the
 * backward recurrence is not run again.
 */
export function rnnStateGradientParts(
  states: Tensor, direct: Tensor, weightHh: Tensor, nonlinearity: 'tanh' | 'relu', final: Tensor | null = null, known: Tensor | null = null,
): RnnStateGradientParts {
  const [T, B, H] = states.shape;
  if (states.rank !== 3 || direct.size !== states.size || weightHh.size !== H * H || (final !== null && final.size !== B * H) || (known !== null && known.size !== states.size)) {
    throw new Error(`rnnStateGradients: expected states [T, B, H], direct [T, B, H], W_hh [H, H], a final gradient [1, B, H] and dz [T, B, H], got ${formatShape(states.shape)}, ${formatShape(direct.shape)}, ${formatShape(weightHh.shape)}, ${final ? formatShape(final.shape) : 'none'} and ${known ? formatShape(known.shape) : 'none'}`);
  }
  const be = getBackend(), dtype = states.dtype, BH = B * H;
  const dz = known?.storage ?? backwardRecurrence(states, direct, weightHh, nonlinearity, final);
  // r_t = dz_{t+1} · W_hh for t = 0 … T−2 in one product, [(T−1)·B, H] · [H, H]; v = d + r
  const carried = new Storage(dtype, Math.max(0, T - 1) * BH), v = new Storage(dtype, T * BH);
  be.copy(direct.storage, 0, v, 0, T * BH);
  if (final) be.addInto(final.storage, 0, v, (T - 1) * BH, BH);
  if (T > 1) {
    be.gemm(false, false, (T - 1) * B, H, H, dz, BH, weightHh.storage, 0, carried, 0, false);
    be.addInto(carried, 0, v, 0, (T - 1) * BH);
  }
  return { v: new Tensor(v, [T, B, H]), dz: new Tensor(dz, [T, B, H]), carried: new Tensor(carried, [Math.max(0, T - 1), B, H]) };
}

// dz_t for every step by the backend's RNN backward over the recorded states: hs and g packed as the
// kernel reads them, an initial block (unused: h_init's gradient is not asked for), then the T steps.
function backwardRecurrence(states: Tensor, direct: Tensor, weightHh: Tensor, nonlinearity: 'tanh' | 'relu', final: Tensor | null): Storage {
  const [T, B, H] = states.shape, be = getBackend(), dtype = states.dtype, BH = B * H;
  const L = new PackedLayout(T, B, H, false);
  const hs = new Storage(dtype, L.size(0)), g = new Storage(dtype, L.size(0));
  for (const [dst, src] of [[hs, states], [g, direct]] as const) {
    be.fill(dst, 0, L.init * BH, BH);
    be.copy(src.storage, 0, dst, L.seq * BH, T * BH);
  }
  if (final) be.addInto(final.storage, 0, g, L.last * BH, BH);
  const dz = new Storage(dtype, T * BH), dh = new Storage(dtype, BH);
  be.rnnBackward(L, false, nonlinearity, hs, g, dz, dh, weightHh.storage, null);
  hs.drop(); g.drop(); dh.drop(); // spent: dropped now rather than copied out at the next collection
  return dz;
}

/**
 * Σ_r (p_r dz_r)ᵀ (q_r r_r) [H, H] over rows r = 0 … N−1 of dz (starting at row `dzRow`) and
 * carried [N, H], with row weights p and q (float64): the one product the held information-flow
 * gradient needs (nn/losses/information_flow.ts), each side scaled on its own so that neither
 * overflows. Values only; nothing is recorded.
 */
export function rowWeightedProduct(dz: Tensor, dzRow: number, p: Float64Array, carried: Tensor, q: Float64Array): Tensor {
  const N = q.length, H = carried.size / Math.max(N, 1), dtype = carried.dtype;
  if (!(Number.isInteger(H) && carried.size === N * H && p.length === N && dz.size >= (dzRow + N) * H && dz.dtype === dtype)) {
    throw new Error(`rowWeightedProduct: expected carried [${N}, H], ${N} weights a side and dz of at least ${dzRow + N} rows of H, got ${formatShape(carried.shape)}, ${p.length} and ${formatShape(dz.shape)}`);
  }
  const be = getBackend(), out = new Storage(dtype, H * H);
  // rows [off, off + N) of src, each times its weight: one pass, reading src in place through a view
  const scaled = (src: Storage, off: number, w: Float64Array): Storage => {
    const ws = new Storage(dtype, N), o = new Storage(dtype, N * H);
    ws.overwrite().set(w);
    be.binary('mul', Storage.view(src, off, N * H), [N, H], ws, [N, 1], o, [N, H]);
    ws.drop();
    return o;
  };
  const a = scaled(dz.storage, dzRow * H, p), b = scaled(carried.storage, 0, q);
  be.gemm(true, false, H, H, N, a, 0, b, 0, out, 0, false);
  a.drop(); b.drop();
  return new Tensor(out, [H, H]);
}
