// The LSTM over a whole sequence as one differentiable op, the way cuDNN runs it. Forward projects
// the inputs of all steps in one matrix product, then the backend's time loop does one product
// h_{t−1}·W_hhᵀ and the gate math per step, keeping the activations in the workspace; backward runs
// the backend's reverse time loop for the gate gradients dz, then gets each weight gradient in one
// product over all steps. Gate order i | f | g | o, as PyTorch (and LSTMCell, the generic path it is
// checked against in test/nn/fused_layers.test.ts).
// T = time, B = batch, I = input, H = hidden, G = 4H.

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

export interface LstmSequenceInputs extends SequenceInputs {
  /** [B, H]; zeros when null. */
  c0: Tensor | null;
}

// What the forward keeps for the backward, and the backward's outputs; reused from call to call.
interface LstmWorkspace {
  z: Storage;  // [T·B, G] pre-activations, then σ(z_i) | σ(z_f) | tanh(z_g) | σ(z_o), time order
  c: Storage;  // [(T+1)·B, H] cell states, blocks laid out as the packed h (see PackedLayout)
  tc: Storage; // [T·B, H] tanh(c_t), time order
  dz: Storage; // [T·B, G] dL/d(pre-activations)
  dh: Storage; // [B, H] dL/dh_init
  dc: Storage; // [B, H] dL/dc_init
  packed?: Storage; // the packed outputs, when the caller keeps them internal (packedBuffer)
}

/**
 * Runs an LSTM direction over x [T, B, I] from (h0, c0). Returns the hidden sequence [T, B, H] (time
 * order also when `reverse`) and the final h and c [B, H]; gradients reach every input from all three.
 */
export function fusedLstm(a: LstmSequenceInputs, options: SequenceOptions = {}): { output: Tensor; h: Tensor; c: Tensor } {
  const d = checkInputs('fusedLstm', a, 4, a.c0);
  const { T, B, I, H } = d;
  const G = 4 * H, TB = T * B, BH = B * H;
  const lens = fullOrLengths('fusedLstm', options.lengths, T, B);
  const dtype = a.x.dtype;
  const be = getBackend();
  const L = new PackedLayout(T, B, H, options.reverse ?? false);
  const [ws, give] = lease<LstmWorkspace>(options.pool ?? null, workspaceKey('lstm', a.x, d), () => ({
    z: new Storage(dtype, TB * G), c: new Storage(dtype, (T + 1) * BH), tc: new Storage(dtype, TB * H),
    dz: new Storage(dtype, TB * G), dh: new Storage(dtype, BH), dc: new Storage(dtype, BH),
  }));
  const all = [a.x, a.h0, a.c0, a.weightIh, a.weightHh, a.biasIh, a.biasHh];
  const inputs = presentInputs(all);
  const packed = packedBuffer(ws, options.internal, inputs, dtype, L.size(1)); // [h blocks (T + 1) | c_final], see PackedLayout
  // z [T·B, 4H] = X [T·B, I] · W_ihᵀ + (b_ih + b_hh), or rows of a projected table the loop reads itself
  const rows = tableRowsOf(a, [a.biasIh, a.biasHh]);
  if (rows === null) projectInputs(a, TB, G, I, [a.biasIh, a.biasHh], ws.z);
  putBlock(a.h0, packed, L.init, BH);
  putBlock(a.c0, ws.c, L.init, BH);
  be.lstmForward(L, ws.z, packed, ws.c, ws.tc, a.weightHh.storage, lens, rows);
  be.copy(ws.c, L.last * BH, packed, L.cell * BH, BH);
  const node = recordPacked('fusedLstm', packed, [packed.length], inputs, (g) => {
    const needH0 = a.h0 !== null && a.h0.requiresGrad;
    be.lstmBackward(L, needH0, ws.z, packed, ws.c, ws.tc, g, ws.dz, ws.dh, ws.dc, a.weightHh.storage, lens);
    const grads: InputGrad[] = [
      inputGradWriter(a, ws.dz, TB, I, G),                           // dX [T·B, I] = dZ [T·B, 4H] · W_ih [4H, I]
      copyWriter(ws.dh),
      copyWriter(ws.dc),
      weightIhGradWriter(a, ws.dz, TB, I, G),                        // dW_ih [4H, I] = dZᵀ · X [T·B, I]
      gemmWriter(true, false, G, H, TB, ws.dz, 0, packed, L.prev * BH), // dW_hh [4H, H] = dZᵀ · H_prev [T·B, H]
      columnSumWriter(ws.dz, TB, G),                                 // db = Σ_{t,b} dz, for b_ih and b_hh alike
      columnSumWriter(ws.dz, TB, G),
    ];
    return presentGrads(all, grads);
  }, give);
  const { output, h, c } = unpack(node, L, true);
  return { output: lens ? mul(output, sequenceMask(lens, T, { trailingAxes: 1, dtype: a.x.dtype })) : output, h, c: c as Tensor };
}
