// Shared pieces of the fused-path tests: a layer of each kind built twice with the same weights
// (fused and generic), and one forward/backward that collects everything to compare: the output,
// the final states and the gradients of the input, the initial states and every parameter, for a
// loss that reaches the layer through the output and through every final state.

import { GRU, LSTM, RNN } from '../../src/nn/index.js';
import * as ops from '../../src/autograd/index.js';
import { tensor, type Tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';
import type { DType } from '../../src/backend/dtype.js';

export type FusedKind = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';
export const fusedKinds: FusedKind[] = ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'];

export interface Sizes { T: number; B: number; I: number; H: number }
export interface Opts { numLayers: number; bidirectional: boolean; batchFirst: boolean; withInit: boolean }

export type Layer = RNN | LSTM | GRU;

export function build(kind: FusedKind, s: Sizes, o: Opts, fused: boolean, dtype: DType = 'float32', seed = 1): Layer {
  const cfg = { inputSize: s.I, hiddenSize: s.H, numLayers: o.numLayers, bidirectional: o.bidirectional, batchFirst: o.batchFirst, fused };
  const init = { dtype, rng: new Rng(seed) };
  return kind === 'lstm' ? new LSTM(cfg, init)
    : kind === 'gru' ? new GRU(cfg, init)
      : new RNN({ ...cfg, nonlinearity: kind === 'rnn_relu' ? 'relu' : 'tanh' }, init);
}

export function randT(shape: number[], rng: Rng, dtype: DType, grad = true): Tensor {
  const n = shape.reduce((a, d) => a * d, 1);
  return tensor(Array.from({ length: n }, () => rng.uniform(-1, 1)), shape, { dtype, requiresGrad: grad });
}

export interface Run {
  output: Tensor;
  finals: Tensor[];
  grads: Map<string, Float32Array | Float64Array>;
}

/** Forward, then backward of Σ output ⊙ R + Σ_j final_j ⊙ S_j, with fixed random R and S. */
export function forwardBackward(layer: Layer, kind: FusedKind, s: Sizes, o: Opts, seed = 7): Run {
  const dtype = layer.parameters()[0].dtype;
  const rng = new Rng(seed);
  const D = o.bidirectional ? 2 : 1, LD = o.numLayers * D;
  const x = randT(o.batchFirst ? [s.B, s.T, s.I] : [s.T, s.B, s.I], rng, dtype);
  const nCarry = kind === 'lstm' ? 2 : 1;
  const init = o.withInit ? Array.from({ length: nCarry }, () => randT([LD, s.B, s.H], rng, dtype)) : undefined;
  for (const p of layer.parameters()) p.grad = null;
  let output: Tensor, finals: Tensor[];
  if (layer instanceof LSTM) {
    const [out, [h, c]] = layer.forward(x, init ? [init[0], init[1]] : undefined);
    output = out; finals = [h, c];
  } else {
    const [out, h] = layer.forward(x, init ? init[0] : undefined);
    output = out; finals = [h];
  }
  let loss = ops.sum(ops.mul(output, randT([...output.shape], rng, dtype, false)));
  for (const f of finals) loss = ops.add(loss, ops.sum(ops.mul(f, randT([...f.shape], rng, dtype, false))));
  loss.backward();
  const grads = new Map<string, Float32Array | Float64Array>();
  grads.set('input', x.grad!.data);
  init?.forEach((t, j) => grads.set(`initial state ${j}`, t.grad!.data));
  for (const [name, p] of Object.entries(layer.stateDict())) grads.set(name, p.grad!.data);
  return { output, finals, grads };
}
