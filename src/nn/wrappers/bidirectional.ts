// Bidirectional: two sequence modules (or cells) read the sequence in opposite directions and their
// outputs are merged step by step (flax's nn.Bidirectional, Keras' Bidirectional). The backward
// module runs forward in time over each row reversed within its own length, and its outputs are
// reversed back, so with lengths it starts at each row's own end.

import { Tensor } from '../../tensor/tensor.js';
import { add, mul } from '../../autograd/ops/elementwise.js';
import { concat } from '../../autograd/ops/shape_ops.js';
import { Module } from '../module.js';
import type { Carry, RecurrentCell } from '../cells/cell.js';
import type { SequenceOptions, StepMask } from '../layers/step_mask.js';
import type { SequenceModule, SequenceResult } from './sequence_module.js';
import { asSequenceModule } from './recurrence.js';
import { flipSequences } from './flip_sequences.js';
import { checkCarryCount, enterSequence, leaveSequence } from './sequence_io.js';
import { sequencePartFromConfig, serializePart } from './wrapper_parts.js';
import { registerClass, type ModuleSpec } from '../registry.js';

export type MergeMode = 'concat' | 'sum' | 'mean' | 'mul';
const MERGES: readonly MergeMode[] = ['concat', 'sum', 'mean', 'mul'];

export interface BidirectionalConfig {
  /** How the two outputs of a step combine (default 'concat'). */
  merge?: MergeMode;
  /** Input and output are [B, T, F] (default false: [T, B, F]). */
  batchFirst?: boolean;
}

/**
 * y→_t = forward module over x_0 … x_{T−1};  y←_t = backward module over x_{len−1} … x_0, at step t;
 *   concat: y_t = [y→_t, y←_t]   sum: y→_t + y←_t   mean: (y→_t + y←_t) / 2   mul: y→_t ⊙ y←_t
 *
 * Inputs: x [T, B, I] ([B, T, I] batchFirst); initial carry: the forward module's entries then the
 *         backward one's (zeros when omitted); options { lengths } or { mask }.
 * Outputs: [y [T, B, F] (F = H→ + H← for concat, else H), carry: forward's then backward's final
 *          carry (the backward one after reading back to each row's t = 0)].
 * Parameters: the two modules', under `forward_layer.` and `backward_layer.`.
 */
export class Bidirectional extends Module implements SequenceModule {
  readonly forwardLayer: SequenceModule;
  readonly backwardLayer: SequenceModule;
  readonly merge: MergeMode;
  readonly batchFirst: boolean;

  constructor(forwardLayer: SequenceModule | RecurrentCell, backwardLayer: SequenceModule | RecurrentCell, config: BidirectionalConfig = {}) {
    super();
    this.forwardLayer = asSequenceModule(forwardLayer);
    this.backwardLayer = asSequenceModule(backwardLayer);
    this.merge = config.merge ?? 'concat';
    this.batchFirst = config.batchFirst ?? false;
    if (!MERGES.includes(this.merge)) throw new Error(`Bidirectional: expected merge one of ${MERGES.join(', ')}, got '${String(this.merge)}'`);
    const f = this.forwardLayer, b = this.backwardLayer;
    if (f.inputSize !== b.inputSize) {
      throw new Error(`Bidirectional: expected both layers to take the same input size, got ${f.inputSize} (forward) and ${b.inputSize} (backward)`);
    }
    if (this.merge !== 'concat' && f.outputSize !== b.outputSize) {
      throw new Error(`Bidirectional: merge '${this.merge}' needs equal output sizes, got ${f.outputSize} (forward) and ${b.outputSize} (backward)`);
    }
    if (f instanceof Module) this.registerModule('forward_layer', f);
    if (b instanceof Module) this.registerModule('backward_layer', b);
  }

  /** The config with both layers as their own specs (a cell given to the constructor is its Recurrence). */
  getConfig(): Required<BidirectionalConfig> & { forwardLayer: ModuleSpec; backwardLayer: ModuleSpec } {
    return {
      forwardLayer: serializePart('Bidirectional', 'forward layer', this.forwardLayer),
      backwardLayer: serializePart('Bidirectional', 'backward layer', this.backwardLayer),
      merge: this.merge, batchFirst: this.batchFirst,
    };
  }

  get inputSize(): number { return this.forwardLayer.inputSize; }
  get outputSize(): number {
    return this.merge === 'concat' ? this.forwardLayer.outputSize + this.backwardLayer.outputSize : this.forwardLayer.outputSize;
  }
  get carrySize(): number { return this.forwardLayer.carrySize + this.backwardLayer.carrySize; }

  runSequence(x: Tensor, initial: Carry | null, steps: StepMask | null): SequenceResult {
    checkCarryCount('Bidirectional', initial, this.carrySize);
    const nf = this.forwardLayer.carrySize;
    const fwd = this.forwardLayer.runSequence(x, initial ? initial.slice(0, nf) : null, steps);
    const bwd = this.backwardLayer.runSequence(flipSequences(x, steps), initial ? initial.slice(nf) : null, steps);
    const yb = flipSequences(bwd.output, steps);
    return { output: mergeOutputs(this.merge, fwd.output, yb), carry: [...fwd.carry, ...bwd.carry] };
  }

  forward(x: Tensor, initial?: Carry | null, options?: SequenceOptions): [Tensor, Carry] {
    const { seq, steps } = enterSequence('Bidirectional', x, this.inputSize, this.batchFirst, options);
    const { output, carry } = this.runSequence(seq, initial ?? null, steps);
    return [leaveSequence(output, this.batchFirst), carry];
  }
}

/** Merges two [T, B, F] outputs step by step. */
export function mergeOutputs(mode: MergeMode, a: Tensor, b: Tensor): Tensor {
  switch (mode) {
    case 'concat': return concat([a, b], 2);
    case 'sum': return add(a, b);
    case 'mean': return mul(add(a, b), 0.5);
    case 'mul': return mul(a, b);
  }
}

registerClass('nn.Bidirectional', Bidirectional, (config, init) =>
  new Bidirectional(sequencePartFromConfig(config.forwardLayer, init), sequencePartFromConfig(config.backwardLayer, init), config));
