// A recurrent stack with what usually surrounds it, as one ONNX graph: an optional embedding (Gather
// on the table), the stack, an optional linear head at every step and an optional softmax. The
// character model (train.CharModel: embedding, layers, head, batch-first), a bare stack (nn.RNN /
// LSTM / GRU, Recurrence, Bidirectional, StackedRNN) and an imported RecurrentModel are all this.

import type { Tensor } from '../../tensor/tensor.js';
import type { Linear } from '../../nn/layers/linear.js';
import type { SequenceModule } from '../../nn/wrappers/sequence_module.js';
import { RecurrentLayer } from '../../nn/layers/recurrent_layer.js';
import { CharModel } from '../../train/char_model.js';
import { RecurrentModel } from '../recurrent_model.js';
import { attrInt, DataType } from './proto.js';
import { GraphBuilder, type Dim } from './graph_builder.js';
import { BATCH, TIME, carryEntries, emitSequence } from './export_sequence.js';
import { emitLinear, finalStateOutputs, initialStateInputs, lengthsInput } from './graph_io.js';
import type { OnnxExportOptions } from './export_options.js';

/** The parts of a sequence model, as the graph takes them. */
export interface SequenceModelParts {
  /** Embedding table [V, E] (null: float features in). */
  embedding: Tensor | null;
  rnn: SequenceModule;
  head: Linear | null;
  softmax: boolean;
  batchFirst: boolean;
  /** 'last': the head reads the last time step only. */
  readout: 'all' | 'last';
}

/** The parts of a character model, a RecurrentModel or a bare stack. */
export function sequenceModelParts(m: CharModel | RecurrentModel | SequenceModule): SequenceModelParts {
  if (m instanceof CharModel) return { embedding: m.embedding.weight, rnn: m.rnn, head: m.head, softmax: false, batchFirst: true, readout: 'all' };
  if (m instanceof RecurrentModel) return { embedding: m.embedding?.weight ?? null, rnn: m.rnn, head: m.head, softmax: m.softmax, batchFirst: m.batchFirst, readout: m.readout };
  const batchFirst = m instanceof RecurrentLayer ? m.config.batchFirst : (m as { batchFirst?: boolean }).batchFirst === true;
  return { embedding: null, rnn: m, head: null, softmax: false, batchFirst, readout: 'all' };
}

/**
 * Inputs: `ids` int64 [time, batch] with an embedding, else `input` float [time, batch, I]
 * (batch-first: batch before time); `lengths` int64 [batch] (options.lengths); the initial states
 * (options.initialState), named after their place in the stack (carryEntries): `h0` and `c0`
 * [L·D, batch, H] for an nn.LSTM.
 * Outputs: `logits` (with a head; `probabilities` with a softmax too) or `output`, [time, batch, F]
 * (batch-first: batch before time; [batch, F] for the last-step readout); the final states `h_n`, `c_n`, ….
 */
export function sequenceModelGraph(parts: SequenceModelParts, options: Required<OnnxExportOptions>): GraphBuilder {
  const { embedding, rnn, head, softmax, batchFirst, readout } = parts;
  const g = new GraphBuilder('unfold_sequence_model');
  const layout = (...feature: Dim[]): Dim[] => [...(batchFirst ? [BATCH, TIME] : [TIME, BATCH]), ...feature];
  const input = embedding ? g.input('ids', DataType.INT64, layout()) : g.input('input', DataType.FLOAT, layout(rnn.inputSize));
  const lengths = options.lengths ? lengthsInput(g) : null;
  const entries = carryEntries(rnn);
  const initial = options.initialState ? initialStateInputs(g, entries) : null;
  let x = embedding ? g.op('Gather', [g.weight('embedding.weight', Float32Array.from(embedding.dataSync()), embedding.shape), input]) : input;
  if (batchFirst) x = g.transpose(x, [1, 0, 2]);
  const { y: ys, carry } = emitSequence(g, rnn, x, initial, lengths, 'rnn');
  let y = readout === 'last' ? g.op('Gather', [ys, g.ints('last', [-1], [])]) : batchFirst ? g.transpose(ys, [1, 0, 2]) : ys;
  if (head) y = emitLinear(g, 'head', y, head.weight, head.bias);
  if (softmax) y = g.op('Softmax', [y], [attrInt('axis', -1)]);
  const name = !head ? 'output' : softmax ? 'probabilities' : 'logits';
  const F = head ? head.config.outFeatures : rnn.outputSize;
  g.output(name, y, DataType.FLOAT, readout === 'last' ? [BATCH, F] : layout(F));
  finalStateOutputs(g, entries, carry);
  return g;
}
