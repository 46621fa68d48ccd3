// An imported Keras model as unfold's character-level language model (train.CharModel), so that
// `unfold sample`, `eval` and `train --resume` take it: the shape every Keras char-rnn has,
//   [Embedding(V, E) | one-hot input of V features] → k recurrent layers of one kind and size,
//   each reading the one before (return_sequences on all but maybe the last) → Dense(V) [softmax],
// with Dropout anywhere. A one-hot input is an embedding whose table is the identity (x·W_ihᵀ for a
// one-hot x is row id of W_ihᵀ), so both give the same CharModel. Keras' softmax becomes the
// model's logits (sampling applies the softmax); a recurrent layer without return_sequences gives
// Keras' output at the last step, which the CharModel gives at every step.

import { Tensor, zeros } from '../../tensor/tensor.js';
import { Embedding } from '../../nn/layers/embedding.js';
import type { Linear } from '../../nn/layers/linear.js';
import { LSTM } from '../../nn/layers/lstm.js';
import { GRU } from '../../nn/layers/gru.js';
import { RNN } from '../../nn/layers/rnn.js';
import { CharModel, type CellType } from '../../train/char_model.js';
import type { KerasSequential, KerasSequentialLayer } from './keras_sequential.js';

/**
 * The CharModel equal to `model` (a char-rnn shaped import, see above); throws naming the first
 * layer that does not fit (`where` starts the message).
 */
export function toCharModel(model: KerasSequential, where = 'Keras model'): CharModel {
  const refuse = (why: string): never => { throw new Error(`${where}: not a character-level language model: ${why}`); };
  const layers = model.layers.filter((l) => l.step.kind !== 'dropout');
  let at = 0, table: Embedding | null = null;
  const first = layers[0].step;
  if (first.kind === 'embedding') {
    if (first.maskZero) refuse(`its Embedding '${first.name}' masks id 0 (mask_zero), and a CharModel reads every id`);
    table = layers[0].module as Embedding;
    at = 1;
  }
  const rnns: (LSTM | GRU | RNN)[] = [];
  let previous: KerasSequentialLayer | null = null;
  for (; at < layers.length && layers[at].step.kind === 'recurrent'; at++) {
    const { step, module } = layers[at];
    if (!(module instanceof LSTM || module instanceof GRU || module instanceof RNN)) {
      return refuse(`layer '${step.name}' has activations other than those of unfold's LSTM, GRU and RNN (tanh with sigmoid gates)`);
    }
    if (step.kind === 'recurrent' && step.goBackwards) refuse(`layer '${step.name}' runs backwards (go_backwards)`);
    if (previous?.step.kind === 'recurrent' && !previous.step.returnSequences) refuse(`layer '${previous.step.name}' gives the next layer only its last output`);
    if (module instanceof GRU && !module.resetAfter) refuse(`layer '${step.name}' is a reset_after=False GRU; CharModel's GRU is the reset-after form`);
    if (module instanceof RNN && module.nonlinearity !== 'tanh') refuse(`layer '${step.name}' is a relu SimpleRNN; CharModel's RNN is tanh`);
    if (rnns.length > 0 && (cellOf(module) !== cellOf(rnns[0]) || module.config.hiddenSize !== rnns[0].config.hiddenSize)) {
      refuse(`its recurrent layers differ ('${step.name}' is a ${cellOf(module)} of ${module.config.hiddenSize} units, the first a ${cellOf(rnns[0])} of ${rnns[0].config.hiddenSize})`);
    }
    rnns.push(module);
    previous = layers[at];
  }
  if (rnns.length === 0) return refuse(`expected recurrent layers after the input, got ${layers[at] ? `${layers[at].step.kind} '${layers[at].step.name}'` : 'nothing'}`);
  const head = layers[at];
  if (head?.step.kind !== 'dense' || !['softmax', 'linear'].includes(head.step.activation)) {
    return refuse(`expected a linear or softmax Dense layer after the recurrent layers, got ${head ? `${head.step.kind} '${head.step.name}'` : 'nothing'}`);
  }
  const after = layers.slice(at + 1);
  if (after.some((l) => !(l.step.kind === 'activation' && l.step.activation === 'softmax'))) {
    refuse(`expected nothing but a softmax after the Dense layer, got ${after.map((l) => `${l.step.kind} '${l.step.name}'`).join(', ')}`);
  }
  const linear = head.module as Linear;
  const H = rnns[0].config.hiddenSize, V = linear.config.outFeatures;
  const reads = table ? table.config.numEmbeddings : rnns[0].config.inputSize;
  if (reads !== V) refuse(`it reads ${reads} symbols and predicts ${V}`);
  const dropout = model.layers.find((l) => l.step.kind === 'dropout')?.step;
  const char = new CharModel({
    vocabSize: V, cell: cellOf(rnns[0]), hiddenSize: H, numLayers: rnns.length,
    embeddingSize: table ? table.config.embeddingDim : V, dropout: dropout?.kind === 'dropout' ? dropout.rate : 0,
  });
  const state: Record<string, Tensor> = { 'embedding.weight': table ? table.weight : identity(V) };
  rnns.forEach((r, l) => {
    const own = r.stateDict(), G = r.cells[0][0].weight_ih.shape[0];
    for (const p of ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']) state[`rnn.${p}_l${l}`] = own[`${p}_l0`] ?? zeros([G]);
  });
  state['head.weight'] = linear.weight;
  state['head.bias'] = linear.bias ?? zeros([V]);
  char.loadStateDict(state);
  return char;
}

function cellOf(m: LSTM | GRU | RNN): CellType {
  return m instanceof LSTM ? 'lstm' : m instanceof GRU ? 'gru' : 'rnn';
}

function identity(V: number): Tensor {
  const t = zeros([V, V]);
  for (let i = 0; i < V; i++) t.data[i * V + i] = 1;
  return t;
}
