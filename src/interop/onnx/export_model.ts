// exportOnnx: any model unfold can write as ONNX, to the bytes of its graph(s). The character model
// and a recurrent stack are one graph; a seq2seq model is two (an encoder and a decoder step). The
// model's unfold description and its vocabularies travel in the file's metadata_props, so a runtime
// user can map ids to characters and an import back can name the vocabulary.

import type { Module } from '../../nn/module.js';
import { serializeModule } from '../../nn/registry.js';
import { isSequenceModule } from '../../nn/wrappers/sequence_module.js';
import type { Vocab } from '../../data/vocab.js';
import { CharModel } from '../../train/char_model.js';
import { MODEL_KEY, VOCABS_KEY } from '../../train/checkpoint.js';
import { Seq2Seq } from '../../seq2seq/model.js';
import { RecurrentModel } from '../recurrent_model.js';
import { resolveExportOptions, type OnnxExportOptions } from './export_options.js';
import { decoderStepGraph, encoderGraph } from './export_seq2seq.js';
import { sequenceModelGraph, sequenceModelParts } from './export_sequence_model.js';
import { describeModule } from './recurrent_node.js';

/** What exportOnnx writes besides the options: the vocabularies to record in the metadata. */
export interface OnnxExportInput extends OnnxExportOptions {
  vocabs?: Readonly<Record<string, Vocab>>;
}

/**
 * The ONNX model(s) of `model`, by graph name: `model` for a character model (train.CharModel), a
 * recurrent stack (nn.RNN / LSTM / GRU, Recurrence, Bidirectional, StackedRNN of those) or an
 * imported RecurrentModel; `encoder` and `decoder` (one step) for a seq2seq.Seq2Seq. Each is the
 * bytes of an ONNX file (IR 7, opset 14) that ONNX Runtime runs with unfold's outputs; see
 * sequenceModelGraph, encoderGraph and decoderStepGraph for their inputs and outputs.
 * Throws naming the model when it is none of these.
 */
export function exportOnnx(model: Module, options: OnnxExportInput = {}): Record<string, Uint8Array> {
  const resolved = resolveExportOptions(options);
  const metadata: Record<string, string> = {
    [MODEL_KEY]: JSON.stringify(serializeModule(model)),
    [VOCABS_KEY]: JSON.stringify(Object.fromEntries(Object.entries(options.vocabs ?? {}).map(([n, v]) => [n, v.toJSON()]))),
  };
  if (model instanceof Seq2Seq) {
    return { encoder: encoderGraph(model).toBytes(metadata), decoder: decoderStepGraph(model).toBytes(metadata) };
  }
  if (!(model instanceof CharModel || model instanceof RecurrentModel || isSequenceModule(model))) {
    throw new Error(`ONNX export: expected a character model, a seq2seq model, a recurrent stack (nn.RNN, LSTM, GRU, Recurrence, Bidirectional, StackedRNN) or an imported RecurrentModel, got ${describeModule(model)}`);
  }
  return { model: sequenceModelGraph(sequenceModelParts(model), resolved).toBytes(metadata) };
}
