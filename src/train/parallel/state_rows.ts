// A character model's recurrent state on its way to and from a worker of the data-parallel step (the
// main thread cuts and joins its own rows with slice and concat). A state is a list of tensors
// [L, B, H] (h; h and c for an LSTM); a share's rows travel "packed": each tensor's rows [L, rows, H]
// one after another, which is how they sit in the shared memory of a worker (layout.ts).

import { Tensor } from '../../tensor/tensor.js';
import type { CharModelConfig, CharModelState } from '../char_model.js';

/** Tensors in the state of a model of this config: 2 (h, c) for an LSTM, else 1 (h). */
export function stateTensors(config: CharModelConfig): number {
  return config.cell === 'lstm' ? 2 : 1;
}

/** Floats of a packed state of `rows` sequences. */
export function packedStateFloats(config: CharModelConfig, rows: number): number {
  return stateTensors(config) * config.numLayers * rows * config.hiddenSize;
}

function checkState(config: CharModelConfig, state: CharModelState, B: number): void {
  const L = config.numLayers, H = config.hiddenSize, want = `[${L}, ${B}, ${H}]`;
  if (state.length !== stateTensors(config)) throw new Error(`expected ${stateTensors(config)} state tensors for a ${config.cell}, got ${state.length}`);
  for (const s of state) {
    if (s.shape.length !== 3 || s.shape[0] !== L || s.shape[1] !== B || s.shape[2] !== H) {
      throw new Error(`expected a state tensor of shape ${want}, got [${s.shape.join(', ')}]`);
    }
  }
}

/** Writes rows [b0, b0 + rows) of a state of batch B into `out`, packed. */
export function packRows(config: CharModelConfig, state: CharModelState, B: number, b0: number, rows: number, out: Float32Array): void {
  checkState(config, state, B);
  const L = config.numLayers, H = config.hiddenSize;
  let at = 0;
  for (const s of state) {
    for (let l = 0; l < L; l++) {
      const from = (l * B + b0) * H;
      out.set(s.data.subarray(from, from + rows * H), at);
      at += rows * H;
    }
  }
}

/** A state of `rows` sequences (fresh tensors, no graph) from packed floats. */
export function unpackState(config: CharModelConfig, packed: Float32Array, rows: number): CharModelState {
  const L = config.numLayers, H = config.hiddenSize, n = L * rows * H;
  return Array.from({ length: stateTensors(config) }, (_, k) => new Tensor(packed.slice(k * n, (k + 1) * n), [L, rows, H]));
}
