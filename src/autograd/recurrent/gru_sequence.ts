// The GRU over a whole sequence as one differentiable op (PyTorch's reset-after form: r scales
// h·W_hnᵀ + b_hn, so b_hh stays apart from the input side). Forward projects the inputs of all steps
// in one product, the backend's time loop does the recurrent product and gates per step; backward
// runs the reverse loop for the gate gradients of both sides (dgx for x, dgh for h, which differ in
// the n gate by r), then each weight gradient in one product over all steps. Gate order r | z | n.
// T = time, B = batch, I = input, H = hidden, G = 3H.

import { getBackend } from '../../backend/backend.js';
import { Storage } from '../../backend/storage.js';
import type { Tensor, InputGrad } from '../../tensor/tensor.js';
import { sequenceMask } from '../../tensor/sequence_mask.js';
import { mul } from '../ops/elementwise.js';
import {
  checkInputs, fullOrLengths, columnSumWriter, copyWriter, gemmWriter, inputGradWriter, presentGrads, presentInputs,
  projectInputs, putBlock, tableRowsOf, weightIhGradWriter, workspaceKey, type SequenceInputs, type SequenceOptions,
} from './sequence_inputs.js';
import { PackedLayout, packedBuffer, recordPacked, unpack } from './packed_output.js';
import { lease } from './workspace_pool.js';

interface GruWorkspace {
  zx: Storage;  // [T·B, G] x·W_ihᵀ + b_ih, then r | z | n, time order
  hn: Storage;  // [T·B, H] h_{t−1}·W_hnᵀ + b_hn, time order
  bhh: Storage; // [G] b_hh, or zeros
  dgx: Storage; // [T·B, G] dL/d(x_r | x_z | x_n)
  dgh: Storage; // [T·B, G] dL/d(h_r | h_z | h_n)
  dh: Storage;  // [B, H] dL/dh_init
  packed?: Storage; // the packed outputs, when the caller keeps them internal (packedBuffer)
}

/**
 * Runs a GRU direction over x [T, B, I] from h0. Returns the hidden sequence [T, B, H] (time order
 * also when `reverse`) and the final h [B, H].
 */
export function fusedGru(a: SequenceInputs, options: SequenceOptions = {}): { output: Tensor; h: Tensor } {
  const d = checkInputs('fusedGru', a, 3);
  const { T, B, I, H } = d;
  const G = 3 * H, TB = T * B, BH = B * H;
  const lens = fullOrLengths('fusedGru', options.lengths, T, B);
  const dtype = a.x.dtype;
  const be = getBackend();
  const L = new PackedLayout(T, B, H, options.reverse ?? false);
  const [ws, give] = lease<GruWorkspace>(options.pool ?? null, workspaceKey('gru', a.x, d), () => ({
    zx: new Storage(dtype, TB * G), hn: new Storage(dtype, TB * H), bhh: new Storage(dtype, G),
    dgx: new Storage(dtype, TB * G), dgh: new Storage(dtype, TB * G), dh: new Storage(dtype, BH),
  }));
  const all = [a.x, a.h0, a.weightIh, a.weightHh, a.biasIh, a.biasHh];
  const inputs = presentInputs(all);
  const packed = packedBuffer(ws, options.internal, inputs, dtype, L.size(0)); // h blocks (T + 1), see PackedLayout
  // zx [T·B, 3H] = X [T·B, I] · W_ihᵀ + b_ih; b_hh stays apart, since r scales h_n with its bias
  const rows = tableRowsOf(a, [a.biasIh]);
  if (rows === null) projectInputs(a, TB, G, I, [a.biasIh], ws.zx);
  const bhh = a.biasHh ? a.biasHh.storage : ws.bhh;
  putBlock(a.h0, packed, L.init, BH);
  be.gruForward(L, ws.zx, ws.hn, packed, bhh, a.weightHh.storage, lens, rows);
  const node = recordPacked('fusedGru', packed, [packed.length], inputs, (g) => {
    const needH0 = a.h0 !== null && a.h0.requiresGrad;
    be.gruBackward(L, needH0, ws.zx, ws.hn, packed, g, ws.dgx, ws.dgh, ws.dh, a.weightHh.storage, lens);
    const grads: InputGrad[] = [
      inputGradWriter(a, ws.dgx, TB, I, G),                            // dX [T·B, I] = dGx [T·B, 3H] · W_ih [3H, I]
      copyWriter(ws.dh),
      weightIhGradWriter(a, ws.dgx, TB, I, G),                         // dW_ih [3H, I] = dGxᵀ · X
      gemmWriter(true, false, G, H, TB, ws.dgh, 0, packed, L.prev * BH), // dW_hh [3H, H] = dGhᵀ · H_prev [T·B, H]
      columnSumWriter(ws.dgx, TB, G),
      columnSumWriter(ws.dgh, TB, G),
    ];
    return presentGrads(all, grads);
  }, give);
  const { output, h } = unpack(node, L, false);
  return { output: lens ? mul(output, sequenceMask(lens, T, { trailingAxes: 1, dtype: a.x.dtype })) : output, h };
}
