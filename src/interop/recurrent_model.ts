// RecurrentModel: the plain shape of recurrent models other libraries hand over (a PyTorch module
// of Embedding → LSTM → Linear, a Keras Sequential of Embedding → LSTM → Dense): optional embedding,
// a recurrent stack, an optional linear head on every step, an optional softmax. Imports map onto
// it when no more specific unfold model (a character model) fits, so that the result is a
// registered model: checkpoints save and reopen it, and ONNX export writes it back.

import { Tensor } from '../tensor/tensor.js';
import type { IndexTensor } from '../autograd/ops/gather.js';
import { softmax } from '../autograd/ops/softmax.js';
import { select } from '../autograd/ops/shape_ops.js';
import { describeValue } from '../tensor/describe_value.js';
import { Module } from '../nn/module.js';
import type { InitOptions } from '../nn/init.js';
import { Embedding, type EmbeddingConfig } from '../nn/layers/embedding.js';
import { Linear, type LinearConfig } from '../nn/layers/linear.js';
import type { Carry } from '../nn/cells/cell.js';
import type { SequenceOptions } from '../nn/layers/step_mask.js';
import { isSequenceModule, type SequenceModule } from '../nn/wrappers/sequence_module.js';
import { enterSequence, leaveSequence } from '../nn/wrappers/sequence_io.js';
import { childFromConfig, registerClass, serializeModule, type ModuleSpec } from '../nn/registry.js';

export interface RecurrentModelConfig {
  /** Token ids in, through this table (null: feature vectors in). */
  embedding: EmbeddingConfig | null;
  /** The recurrent stack (nn.RNN, LSTM, GRU, StackedRNN, …) as a spec; it runs time-major whatever its own batchFirst. */
  rnn: ModuleSpec;
  /** A linear map applied at every step (null: the stack's outputs are the model's). */
  head: LinearConfig | null;
  /** Softmax over the last axis of the outputs (default false). */
  softmax?: boolean;
  /** Inputs and outputs are [B, T, ·] (default false: [T, B, ·]). */
  batchFirst?: boolean;
  /** 'all': an output at every step (default); 'last': from the stack's output at the last step only (PyTorch's out[:, -1]). */
  readout?: 'all' | 'last';
}

/**
 * y = softmax?(head?(rnn(embedding?(x)))) at every step (readout 'all') or at the last one ('last').
 *
 * Inputs: ids [T, B] ([B, T] batchFirst) with an embedding, else x [T, B, I] ([B, T, I]); the
 *         stack's initial carry (null: zeros); options { lengths } or { mask }.
 * Outputs: [y [T, B, F] ([B, T, F] batchFirst; [B, F] for readout 'last'), the stack's final
 *          carry]; padded steps of the stack's output are 0 before the head.
 * Parameters: embedding.weight, rnn.…, head.weight, head.bias.
 */
export class RecurrentModel extends Module {
  readonly embedding: Embedding | null;
  readonly rnn: Module & SequenceModule;
  readonly head: Linear | null;
  readonly softmax: boolean;
  readonly batchFirst: boolean;
  readonly readout: 'all' | 'last';

  constructor(config: RecurrentModelConfig, init: InitOptions = {}) {
    super();
    this.embedding = config.embedding ? this.registerModule('embedding', new Embedding(config.embedding, init)) : null;
    this.rnn = this.registerModule('rnn', childFromConfig(config.rnn, init, 'a recurrent stack (a sequence module)', isSequenceModule));
    if (this.embedding && this.embedding.config.embeddingDim !== this.rnn.inputSize) {
      throw new Error(`RecurrentModel: expected an embedding of width ${this.rnn.inputSize} (the stack's input size), got ${this.embedding.config.embeddingDim}`);
    }
    this.head = config.head ? this.registerModule('head', new Linear(config.head, init)) : null;
    if (this.head && this.head.config.inFeatures !== this.rnn.outputSize) {
      throw new Error(`RecurrentModel: expected a head taking ${this.rnn.outputSize} features (the stack's output size), got ${this.head.config.inFeatures}`);
    }
    this.softmax = config.softmax ?? false;
    this.batchFirst = config.batchFirst ?? false;
    this.readout = config.readout ?? 'all';
    if (this.readout !== 'all' && this.readout !== 'last') throw new Error(`RecurrentModel: expected readout 'all' or 'last', got ${describeValue(this.readout)}`);
  }

  getConfig(): Required<RecurrentModelConfig> {
    return {
      embedding: this.embedding ? this.embedding.getConfig() : null, rnn: serializeModule(this.rnn),
      head: this.head ? this.head.getConfig() : null, softmax: this.softmax, batchFirst: this.batchFirst,
      readout: this.readout,
    };
  }

  /** Width of each output step. */
  get outputSize(): number { return this.head ? this.head.config.outFeatures : this.rnn.outputSize; }

  forward(input: Tensor | IndexTensor, initial?: Carry | null, options?: SequenceOptions): [Tensor, Carry] {
    let x: Tensor;
    if (this.embedding) {
      if (input instanceof Tensor) throw new Error('RecurrentModel: expected token ids (an index tensor { data: Int32Array, shape }) for a model with an embedding, got a float tensor');
      x = this.embedding.forward(input);
    } else {
      if (!(input instanceof Tensor)) throw new Error('RecurrentModel: expected a float tensor of features for a model without an embedding, got token ids');
      x = input;
    }
    const { seq, steps } = enterSequence('RecurrentModel', x, this.rnn.inputSize, this.batchFirst, options);
    const { output, carry } = this.rnn.runSequence(seq, initial ?? null, steps);
    let y = this.readout === 'last' ? select(output, 0, output.shape[0] - 1) : leaveSequence(output, this.batchFirst);
    if (this.head) y = this.head.forward(y);
    if (this.softmax) y = softmax(y, -1);
    return [y, carry];
  }
}

registerClass('interop.RecurrentModel', RecurrentModel, (config, init) => new RecurrentModel(config, init));
