// StackedRNN: recurrent layers (or cells) one on top of the other, each reading the previous one's
// output sequence, with dropout between layers and optional residual connections around layers
// (Wu et al. 2016, GNMT): a deep stack trains more easily when each layer learns a correction to
// its input rather than a new representation. Highway connections (Srivastava et al. 2015) learn
// instead how much of each unit to take from the layer and how much to carry from its input.

import { Tensor } from '../../tensor/tensor.js';
import { add, mul, sigmoid, sub } from '../../autograd/ops/elementwise.js';
import { where } from '../../autograd/ops/mask.js';
import { scalar } from '../../autograd/ops/broadcast_buffer.js';
import type { Rng } from '../../tensor/random.js';
import { Module } from '../module.js';
import type { InitOptions } from '../init.js';
import { Linear } from '../layers/linear.js';
import { describeValue } from '../../tensor/describe_value.js';
import type { Carry, RecurrentCell } from '../cells/cell.js';
import { dropout } from '../layers/dropout.js';
import type { SequenceOptions, StepMask } from '../layers/step_mask.js';
import type { SequenceModule, SequenceResult } from './sequence_module.js';
import { asSequenceModule } from './recurrence.js';
import { enterSequence, leaveSequence } from './sequence_io.js';
import { sequencePartFromConfig, serializePart } from './wrapper_parts.js';
import { registerClass, type ModuleSpec } from '../registry.js';

export interface StackedRNNConfig {
  /** Dropout probability on the output of every layer but the last, in training (default 0). */
  dropout?: number;
  /**
   * Residual connections: true adds every layer's input to its output, a list of layer indices
   * only those layers' (default false). Each such layer needs equal input and output sizes.
   */
  residual?: boolean | readonly number[];
  /**
   * Highway connections: true around every layer, a list of layer indices around only those
   * (default false). Each such layer needs equal input and output sizes and no residual connection.
   */
  highway?: boolean | readonly number[];
  /**
   * Initial bias of the highway gates T (default −1): negative, so that a deep stack starts close to
   * carrying its inputs through (Srivastava et al. 2015).
   */
  highwayBias?: number;
  /** Input and output are [B, T, F] (default false: [T, B, F]). */
  batchFirst?: boolean;
}

/**
 * y⁰_t = x_t;  for l = 1 … L:  u^l = layer_l(y^{l−1}),
 *   y^l_t = u^l_t + y^{l−1}_t                              (residual around layer l),
 *   y^l_t = T^l_t ⊙ u^l_t + (1 − T^l_t) ⊙ y^{l−1}_t,  T^l_t = σ(y^{l−1}_t W_lᵀ + b_l)   (highway),
 *   or y^l_t = u^l_t;  then dropout for l < L;  padded steps of y^l are 0.
 *
 * Inputs: x [T, B, I] ([B, T, I] batchFirst); initial carries, one list per layer (null entries:
 *         zeros); options { lengths } or { mask }.
 * Outputs: [y^L [T, B, F_L], the final carry of every layer].
 * Parameters: layer l's under `layers.{l}.`; a highway gate's W_l [F, F] and b_l [F] as
 *         `highway.{l}.weight` and `highway.{l}.bias` (F the layer's input size).
 */
export class StackedRNN extends Module implements SequenceModule {
  readonly layers: SequenceModule[];
  readonly dropout: number;
  readonly batchFirst: boolean;
  /** residualAt[l]: whether layer l has a residual connection. */
  readonly residualAt: boolean[];
  /** highwayGates[l]: the gate of layer l's highway connection, or null. */
  readonly highwayGates: (Linear | null)[];
  readonly highwayBias: number;
  /** Generator of the dropout masks between layers (default: the global one). */
  rng?: Rng;

  constructor(layers: readonly (SequenceModule | RecurrentCell)[], config: StackedRNNConfig = {}, rng?: Rng, init: InitOptions = {}) {
    super();
    if (layers.length === 0) throw new Error('StackedRNN: expected at least one layer, got none');
    this.layers = layers.map(asSequenceModule);
    this.dropout = config.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout < 1)) throw new Error(`StackedRNN: expected dropout in [0, 1), got ${this.dropout}`);
    this.batchFirst = config.batchFirst ?? false;
    this.rng = rng;
    this.residualAt = this.layerFlags('residual', config.residual ?? false);
    const highwayAt = this.layerFlags('highway', config.highway ?? false);
    this.highwayBias = config.highwayBias ?? -1;
    if (typeof this.highwayBias !== 'number' || !Number.isFinite(this.highwayBias)) {
      throw new Error(`StackedRNN: expected highwayBias to be a finite number, got ${typeof this.highwayBias === 'number' ? this.highwayBias : describeValue(this.highwayBias)}`);
    }
    this.layers.forEach((m, l) => {
      if (l > 0 && m.inputSize !== this.layers[l - 1].outputSize) {
        throw new Error(`StackedRNN: layer ${l} expects inputs of size ${m.inputSize}, but layer ${l - 1} outputs size ${this.layers[l - 1].outputSize}`);
      }
      if (this.residualAt[l] && m.inputSize !== m.outputSize) {
        throw new Error(`StackedRNN: a residual connection around layer ${l} needs equal input and output sizes, got ${m.inputSize} → ${m.outputSize} (give residual a list of layer indices to skip it)`);
      }
      if (highwayAt[l] && (m.inputSize !== m.outputSize || this.residualAt[l])) {
        throw new Error(`StackedRNN: a highway connection around layer ${l} needs equal input and output sizes and no residual connection there, got ${m.inputSize} → ${m.outputSize}${this.residualAt[l] ? ' and a residual connection' : ''}`);
      }
      if (m instanceof Module) this.registerModule(`layers.${l}`, m);
    });
    // After every layer, so that the state dict of a stack without highways is unchanged.
    const dtype = init.dtype ?? this.parameters()[0]?.dtype;
    this.highwayGates = highwayAt.map((on, l) => {
      if (!on) return null;
      const gate = this.registerModule(`highway.${l}`, new Linear({ inFeatures: this.layers[l].inputSize, outFeatures: this.layers[l].inputSize }, { ...init, dtype }));
      gate.bias!.data.fill(this.highwayBias);
      return gate;
    });
  }

  // Which layers an option of the form `true | [indices]` names.
  private layerFlags(name: string, r: boolean | readonly number[]): boolean[] {
    if (typeof r !== 'boolean') {
      for (const l of r) {
        if (!(Number.isInteger(l) && l >= 0 && l < this.layers.length)) {
          throw new Error(`StackedRNN: expected ${name} layer indices in [0, ${this.layers.length}), got ${l}`);
        }
      }
    }
    return this.layers.map((_, l) => (typeof r === 'boolean' ? r : r.includes(l)));
  }

  /** The config with every layer as its own spec and residual as the list of layers that have one. */
  getConfig(): Required<StackedRNNConfig> & { layers: ModuleSpec[]; residual: number[]; highway: number[] } {
    return {
      layers: this.layers.map((m, l) => serializePart('StackedRNN', `layer ${l}`, m)),
      dropout: this.dropout, residual: this.residualAt.flatMap((r, l) => (r ? [l] : [])), batchFirst: this.batchFirst,
      highway: this.highwayGates.flatMap((g, l) => (g ? [l] : [])), highwayBias: this.highwayBias,
    };
  }

  get inputSize(): number { return this.layers[0].inputSize; }
  get outputSize(): number { return this.layers[this.layers.length - 1].outputSize; }
  get carrySize(): number { return this.layers.reduce((s, m) => s + m.carrySize, 0); }

  /** The SequenceModule form: the per-layer carries laid end to end. */
  runSequence(x: Tensor, initial: Carry | null, steps: StepMask | null): SequenceResult {
    if (initial && initial.length !== this.carrySize) {
      throw new Error(`StackedRNN: expected ${this.carrySize} initial state tensor(s), got ${initial.length}`);
    }
    let at = 0;
    const perLayer = this.layers.map((m) => {
      const c = initial ? initial.slice(at, at + m.carrySize) : null;
      at += m.carrySize;
      return c;
    });
    const { output, carries } = this.runLayers(x, perLayer, steps);
    return { output, carry: carries.flat() };
  }

  forward(x: Tensor, initial?: readonly (Carry | null)[] | null, options?: SequenceOptions): [Tensor, Carry[]] {
    if (initial && initial.length !== this.layers.length) {
      throw new Error(`StackedRNN: expected one initial carry per layer (${this.layers.length}), got ${initial.length}`);
    }
    const { seq, steps } = enterSequence('StackedRNN', x, this.inputSize, this.batchFirst, options);
    const { output, carries } = this.runLayers(seq, initial ?? this.layers.map(() => null), steps);
    return [leaveSequence(output, this.batchFirst), carries];
  }

  private runLayers(x: Tensor, initial: readonly (Carry | null)[], steps: StepMask | null): { output: Tensor; carries: Carry[] } {
    // [T, B, 1] real-step mask: a residual sum must not bring padded inputs back into the output.
    const real = steps ? steps.steps(x.dtype) : null;
    const carries: Carry[] = [];
    let seq = x;
    this.layers.forEach((m, l) => {
      const res = m.runSequence(seq, initial[l] ?? null, steps);
      let y = res.output;
      const gate = this.highwayGates[l];
      if (this.residualAt[l] || gate) {
        // highway: T ⊙ u + (1 − T) ⊙ x = x + T ⊙ (u − x)
        y = gate ? add(seq, mul(sigmoid(gate.forward(seq)), sub(y, seq))) : add(y, seq);
        if (real) y = where(real, y, scalar(0, y.dtype));
      }
      if (l < this.layers.length - 1) y = dropout(y, this.dropout, this.training, this.rng);
      carries.push(res.carry);
      seq = y;
    });
    return { output: seq, carries };
  }
}

registerClass('nn.StackedRNN', StackedRNN, (config, init) => {
  if (!Array.isArray(config.layers)) throw new Error(`expected layers to be a list of module specs, got ${typeof config.layers}`);
  return new StackedRNN(config.layers.map((spec) => sequencePartFromConfig(spec, init)), config, undefined, init);
});
