// The vanilla RNN (h_t = f(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh), f = tanh, relu or modReLU) over
// a whole sequence as one differentiable op: the input projection of all steps in one product, written into
// the packed hidden blocks; the backend's time loop adds the recurrent product and applies f in
// place; backward runs the reverse loop for dz, then each weight gradient in one product.
// T = time, B = batch, I = input, H = hidden.

import { getBackend, type Backend, type RnnActivation } from '../../backend/backend.js';
import { Storage } from '../../backend/storage.js';
import { Tensor, type InputGrad } from '../../tensor/tensor.js';
import { sequenceMask } from '../../tensor/sequence_mask.js';
import { mul } from '../ops/elementwise.js';
import {
  checkInputs, fullOrLengths, columnSumWriter, copyWriter, gemmWriter, inputGradWriter, presentGrads, presentInputs,
  projectInputs, putBlock, weightIhGradWriter, workspaceKey, type SequenceInputs, type SequenceOptions,
} from './sequence_inputs.js';
import { PackedLayout, packedBuffer, recordPacked, unpack } from './packed_output.js';
import { lease } from './workspace_pool.js';

// Who wants the dz of a fused RNN's backward (captureRnnGradients), by the W_hh it runs over.
const captures = new Map<Tensor, Storage[]>();

/**
 * Runs `fn` (a backward pass) and returns dz_t = ∂L/∂z_t [T, B, H] of the full-length, forward-direction
 * fused RNN over `weightHh` whose backward ran in it, copied out of its workspace; null when none ran,
 * or more than one did. The information-flow regulariser reads it instead of running the backward
 * recurrence a second time.
 */
export function captureRnnGradients(weightHh: Tensor, shape: readonly [number, number, number], fn: () => void): Tensor | null {
  const got: Storage[] = [];
  captures.set(weightHh, got);
  try { fn(); } finally { captures.delete(weightHh); }
  if (got.length !== 1 || got[0].length !== shape[0] * shape[1] * shape[2]) return null;
  return new Tensor(got[0], [...shape]);
}

interface RnnWorkspace {
  z: Storage;  // [T·B, H] the input projection, before it moves into the packed blocks
  dz: Storage; // [T·B, H] dL/d(pre-activations), time order
  dh: Storage; // [B, H] dL/dh_init
  packed?: Storage; // the packed outputs, when the caller keeps them internal (packedBuffer)
}

/**
 * Runs an RNN direction over x [T, B, I] from h0 with f = tanh, relu or modReLU(·, modBias) (the
 * orthogonal RNN's: sign(z)·max(|z| + b, 0), modBias b [H]). Returns the hidden sequence [T, B, H]
 * (time order also when `reverse`) and the final h [B, H].
 */
export function fusedRnn(
  a: SequenceInputs, nonlinearity: RnnActivation, options: SequenceOptions = {}, modBias: Tensor | null = null,
): { output: Tensor; h: Tensor } {
  const d = checkInputs('fusedRnn', a, 1);
  const { T, B, I, H } = d;
  const TB = T * B, BH = B * H;
  const lens = fullOrLengths('fusedRnn', options.lengths, T, B);
  const dtype = a.x.dtype;
  if ((nonlinearity === 'modrelu') !== (modBias !== null) || (modBias && (modBias.rank !== 1 || modBias.size !== H))) {
    throw new Error(`fusedRnn: expected a modReLU bias of shape [${H}] with 'modrelu' only, got ${modBias ? `[${modBias.shape.join(', ')}]` : 'none'} with '${nonlinearity}'`);
  }
  const be = getBackend();
  const L = new PackedLayout(T, B, H, options.reverse ?? false);
  const [ws, give] = lease<RnnWorkspace>(options.pool ?? null, workspaceKey('rnn', a.x, d), () => ({
    z: new Storage(dtype, TB * H), dz: new Storage(dtype, TB * H), dh: new Storage(dtype, BH),
  }));
  const all = [a.x, a.h0, a.weightIh, a.weightHh, a.biasIh, a.biasHh, modBias];
  const inputs = presentInputs(all);
  const packed = packedBuffer(ws, options.internal, inputs, dtype, L.size(0)); // h blocks (T + 1), see PackedLayout
  // the T sequence blocks of the packed buffer [T·B, H] = X [T·B, I] · W_ihᵀ + (b_ih + b_hh)
  projectInputs(a, TB, H, I, [a.biasIh, a.biasHh], ws.z);
  be.copy(ws.z, 0, packed, L.seq * BH, TB * H);
  putBlock(a.h0, packed, L.init, BH);
  be.rnnForward(L, nonlinearity, packed, a.weightHh.storage, lens, modBias?.storage ?? null);
  const node = recordPacked(`fusedRnn_${nonlinearity}`, packed, [packed.length], inputs, (g) => {
    const needH0 = a.h0 !== null && a.h0.requiresGrad;
    be.rnnBackward(L, needH0, nonlinearity, packed, g, ws.dz, ws.dh, a.weightHh.storage, lens);
    const wanted = captures.get(a.weightHh);
    if (wanted && !lens && !L.reverse) {
      const dz = new Storage(dtype, TB * H);
      be.copy(ws.dz, 0, dz, 0, TB * H);
      wanted.push(dz);
    }
    const grads: InputGrad[] = [
      inputGradWriter(a, ws.dz, TB, I, H),                             // dX [T·B, I] = dZ [T·B, H] · W_ih [H, I]
      copyWriter(ws.dh),
      weightIhGradWriter(a, ws.dz, TB, I, H),                          // dW_ih [H, I] = dZᵀ · X
      gemmWriter(true, false, H, H, TB, ws.dz, 0, packed, L.prev * BH), // dW_hh [H, H] = dZᵀ · H_prev [T·B, H]
      columnSumWriter(ws.dz, TB, H),
      columnSumWriter(ws.dz, TB, H),
      { write: (dst, accumulate) => modReluBiasGrad(be, ws.dz, packed, L.seq * BH, TB, H, dst, accumulate) },
    ];
    return presentGrads(all, grads);
  }, give);
  const { output, h } = unpack(node, L, false);
  return { output: lens ? mul(output, sequenceMask(lens, T, { trailingAxes: 1, dtype: a.x.dtype })) : output, h };
}

/**
 * modReLU's bias gradient, db [H] = Σ over rows of dZ ⊙ sign(h) (dZ [T·B, H] is already 0 where the
 * unit was off, h = 0). sign(h) is h / max(|h|, 1e-30) by the backend's element-wise kernels: an
 * active unit has |h| = |z| + b > 0, far above 1e-30 in float32 but for a measure-zero set.
 */
function modReluBiasGrad(be: Backend, dz: Storage, packed: Storage, off: number, rows: number, H: number, dst: Storage, accumulate: boolean): void {
  const n = rows * H, shape = [n];
  const h = new Storage(dz.dtype, n), mag = new Storage(dz.dtype, n), tiny = new Storage(dz.dtype, 1);
  be.fill(tiny, 1e-30, 0, 1);
  be.copy(packed, off, h, 0, n);
  be.unary('abs', h, mag);
  be.binary('maximum', mag, shape, tiny, [1], mag, shape);
  be.binary('div', h, shape, mag, shape, h, shape);
  be.binary('mul', h, shape, dz, shape, h, shape);
  be.colSums(h, rows, H, dst, accumulate);
}
