// KerasSequential: an imported Keras / TensorFlow.js Sequential model as one unfold module. Each
// Keras layer is an unfold module (nn.Embedding, nn.LSTM / GRU / RNN or a Recurrence over a cell
// with Keras' activations, nn.Bidirectional, nn.Linear) plus the few Keras options that change how
// it runs (return_sequences, go_backwards, mask_zero, the Dense activation); layers without weights
// (Dropout, Masking, Activation) are options alone. It runs as Keras does, masks included (see
// keras_masking.ts), and it is registered, so it saves and reopens through unfold's checkpoints and
// exports back to the TensorFlow.js layers format.

import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { describeValue } from '../../tensor/describe_value.js';
import { mul } from '../../autograd/ops/elementwise.js';
import { transpose } from '../../autograd/ops/shape_ops.js';
import type { IndexTensor } from '../../autograd/ops/gather.js';
import { Module } from '../../nn/module.js';
import type { InitOptions } from '../../nn/init.js';
import { Embedding } from '../../nn/layers/embedding.js';
import { Linear } from '../../nn/layers/linear.js';
import { dropout } from '../../nn/layers/dropout.js';
import { StepMask } from '../../nn/layers/step_mask.js';
import { Bidirectional, mergeOutputs } from '../../nn/wrappers/bidirectional.js';
import { flipSequences } from '../../nn/wrappers/flip_sequences.js';
import { isSequenceModule, type SequenceModule } from '../../nn/wrappers/sequence_module.js';
import { fromConfig, registerClass, serializeModule, type ModuleSpec } from '../../nn/registry.js';
import { applyActivation, isActivation, type Activation } from './activations.js';
import { lastOutput, runKerasDirection } from './keras_masking.js';
// Registers the cells with Keras' activations, which a saved KerasSequential's layers may hold.
import './keras_cells.js';

/** What a Keras layer keeps beside its unfold module: its kind, Keras name and run-time options. */
export type KerasStep =
  | { kind: 'embedding'; name: string; maskZero: boolean }
  | { kind: 'recurrent'; name: string; returnSequences: boolean; goBackwards: boolean }
  | { kind: 'bidirectional'; name: string; returnSequences: boolean; goBackwards: boolean }
  | { kind: 'dense'; name: string; activation: Activation; timeDistributed: boolean }
  | { kind: 'masking'; name: string; maskValue: number }
  | { kind: 'dropout'; name: string; rate: number }
  | { kind: 'activation'; name: string; activation: Activation };

/** A layer: its step and, for the kinds with weights, its module. */
export interface KerasSequentialLayer {
  step: KerasStep;
  module: Module | null;
}

// Which module class each kind with weights takes.
const MODULE_OF: Readonly<Partial<Record<KerasStep['kind'], (m: unknown) => boolean>>> = {
  embedding: (m) => m instanceof Embedding,
  recurrent: (m) => m instanceof Module && isSequenceModule(m),
  bidirectional: (m) => m instanceof Bidirectional,
  dense: (m) => m instanceof Linear,
};

/**
 * y = layer_n(… layer_1(x)), each layer as Keras runs it.
 *
 * Inputs: ids [B, T] (an IndexTensor, or a Tensor of integer ids) when the first layer is an
 *         Embedding, else features [B, T, F].
 * Outputs: the last layer's output, [B, T, F'] or [B, F'] (a recurrent layer without
 *          return_sequences); a softmax Dense gives probabilities, as in Keras.
 * Parameters: layer i's module under `layers.{i}.` (PyTorch names: `layers.1.weight_ih_l0`, …).
 */
export class KerasSequential extends Module {
  readonly layers: readonly KerasSequentialLayer[];

  constructor(layers: readonly KerasSequentialLayer[]) {
    super();
    if (layers.length === 0) throw new Error('KerasSequential: expected at least one layer, got none');
    layers.forEach(({ step, module }, i) => {
      const accepts = MODULE_OF[step.kind];
      if (accepts ? !accepts(module) : module !== null) {
        throw new Error(`KerasSequential: layer ${i} (${step.kind} '${step.name}') ${accepts ? 'needs a module of its kind' : 'takes no module'}, got ${module === null ? 'none' : module.constructor.name}`);
      }
      if (step.kind === 'embedding' && i > 0) throw new Error(`KerasSequential: an Embedding must be the first layer, got one at layer ${i} ('${step.name}')`);
      if (module) this.registerModule(`layers.${i}`, module);
    });
    this.layers = layers.map((l) => ({ step: { ...l.step }, module: l.module }));
  }

  /** Whether the model reads token ids (an Embedding first) rather than feature vectors. */
  get readsIds(): boolean { return this.layers[0].step.kind === 'embedding'; }

  getConfig(): { layers: (KerasStep & { module?: ModuleSpec })[] } {
    return { layers: this.layers.map(({ step, module }) => (module ? { ...step, module: serializeModule(module) } : { ...step })) };
  }

  forward(x: Tensor | IndexTensor): Tensor {
    let { seq, steps } = this.enter(x); // seq time-major [T, B, F] (or [B, F] after a last-step layer)
    for (const { step, module } of this.layers) {
      if (seq.rank !== 3 && step.kind !== 'dense' && step.kind !== 'dropout' && step.kind !== 'activation') {
        throw new Error(`KerasSequential: layer '${step.name}' (${step.kind}) needs a sequence, got ${formatShape(seq.shape)} from a recurrent layer without return_sequences`);
      }
      switch (step.kind) {
        case 'embedding':
          break; // done by enter()
        case 'masking':
          steps = maskOf(seq, step.maskValue);
          seq = mul(seq, steps.steps(seq.dtype));
          break;
        case 'recurrent': {
          const y = runKerasDirection(module as unknown as SequenceModule, seq, steps, step.goBackwards);
          seq = step.returnSequences ? y : lastOutput(y);
          if (!step.returnSequences) steps = null;
          break;
        }
        case 'bidirectional': {
          const b = module as Bidirectional;
          const yf = runKerasDirection(b.forwardLayer, seq, steps, step.goBackwards);
          const yb = runKerasDirection(b.backwardLayer, seq, steps, !step.goBackwards);
          seq = step.returnSequences ? mergeOutputs(b.merge, yf, flipSequences(yb, null)) : mergeOutputs(b.merge, lastOutput(yf), lastOutput(yb));
          if (!step.returnSequences) steps = null;
          break;
        }
        case 'dense':
          seq = applyActivation(step.activation, (module as Linear).forward(seq));
          break;
        case 'dropout':
          seq = dropout(seq, step.rate, this.training);
          break;
        case 'activation':
          seq = applyActivation(step.activation, seq);
          break;
      }
    }
    return seq.rank === 3 ? transpose(seq, 0, 1) : seq;
  }

  // The input as a time-major sequence (looked up in the embedding when there is one) and its mask.
  private enter(x: Tensor | IndexTensor): { seq: Tensor; steps: StepMask | null } {
    const first = this.layers[0];
    if (first.step.kind !== 'embedding') {
      if (!(x instanceof Tensor) || x.rank !== 3) {
        throw new Error(`KerasSequential: expected input features of shape [B, T, F], got ${x instanceof Tensor ? formatShape(x.shape) : 'token ids'}`);
      }
      return { seq: transpose(x, 0, 1), steps: null };
    }
    const ids = x instanceof Tensor ? x.dataSync() : x.data;
    if (x.shape.length !== 2) throw new Error(`KerasSequential: expected token ids of shape [B, T], got ${formatShape(x.shape)}`);
    const [B, T] = x.shape;
    const tm = new Int32Array(T * B), on = new Uint8Array(T * B);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const v = ids[b * T + t];
        if (!Number.isInteger(v)) throw new Error(`KerasSequential: expected integer token ids, got ${v} at [${b}, ${t}]`);
        tm[t * B + b] = v;
        on[t * B + b] = v !== 0 ? 1 : 0;
      }
    }
    const seq = (first.module as Embedding).forward({ data: tm, shape: [T, B] });
    const maskZero = first.step.maskZero;
    return { seq, steps: maskZero ? StepMask.fromMask(on, T, B, false) : null };
  }
}

// Keras' Masking: a step is real where any feature differs from maskValue.
function maskOf(seq: Tensor, maskValue: number): StepMask {
  const [T, B, F] = seq.shape, v = seq.dataSync(), on = new Uint8Array(T * B);
  for (let r = 0; r < T * B; r++) {
    for (let f = 0; f < F; f++) if (v[r * F + f] !== maskValue) { on[r] = 1; break; }
  }
  return StepMask.fromMask(on, T, B, false);
}

function layerFromConfig(raw: unknown, init: InitOptions, i: number): KerasSequentialLayer {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`expected layer ${i} to be an object, got ${describeValue(raw)}`);
  const { module, ...step } = raw as KerasStep & { module?: unknown };
  if (!['embedding', 'recurrent', 'bidirectional', 'dense', 'masking', 'dropout', 'activation'].includes(step.kind)) {
    throw new Error(`expected layer ${i}'s kind to be one of embedding, recurrent, bidirectional, dense, masking, dropout, activation, got ${describeValue(step.kind)}`);
  }
  if ('activation' in step && !isActivation(step.activation)) throw new Error(`expected layer ${i}'s activation to be an activation name, got ${describeValue(step.activation)}`);
  return { step, module: module === undefined ? null : fromConfig(module, init) };
}

registerClass('interop.KerasSequential', KerasSequential, (config, init) => {
  if (!Array.isArray(config.layers)) throw new Error(`expected layers to be a list, got ${describeValue(config.layers)}`);
  return new KerasSequential(config.layers.map((l, i) => layerFromConfig(l, init, i)));
});
