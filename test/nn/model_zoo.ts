// One model of every registered class, built with options away from the defaults, and a forward
// pass over inputs drawn from a given generator: what the config round trip (registry.test.ts) and
// the checkpoint round trip (test/train/checkpoint.test.ts) compare before and after.

import '../../src/autograd/methods.js';
import { Rng } from '../../src/tensor/random.js';
import { Tensor, randn, tensor } from '../../src/tensor/tensor.js';
import { noGrad } from '../../src/autograd/grad_mode.js';
import { indices, type IndexTensor } from '../../src/autograd/ops/gather.js';
import type { Module } from '../../src/nn/module.js';
import * as nn from '../../src/nn/index.js';
import {
  AdditiveAttention, CaptionModel, Decoder, Encoder, ImageEncoder, MultiplicativeAttention, Seq2Seq, padBatch, targetBatch,
} from '../../src/seq2seq/index.js';
import { ChildSumTreeLSTM, NaryTreeLSTM, RecursiveNet, TreeBatch, TreeClassifier, TreeRegressor, leaf, node } from '../../src/tree/index.js';
import { TaskModel } from '../../src/tasks/task_model.js';
import { BitSequenceModel } from '../../src/tasks/ntm_tasks.js';
import { RegionClassifier } from '../../src/tasks/shapes_2d.js';
import { MDLSTMImageEncoder } from '../../src/seq2seq/mdlstm_image_encoder.js';
import { SequenceModel } from '../../src/tasks/tree_task_sequence_baseline.js';
import { CharModel } from '../../src/train/char_model.js';
import { DeepCharModel } from '../../src/tasks/deep_char_model.js';
import { ForecastLSTM } from '../../src/tasks/uncertainty.js';
import { ESN, timeSeries } from '../../src/esn/index.js';
import { GGNN, GraphBatch } from '../../src/graph/index.js';
import { EdgeListModel, edgeListBatch } from '../../src/tasks/graph_paths_baseline.js';
import { randomPathGraph } from '../../src/tasks/graph_paths_data.js';
import { Seq2Tree, TreeDecoder, decodeTrees, type TokenTree } from '../../src/seq2seq/index.js';

export interface ZooCase {
  className: string;
  /** Whether the case is a whole model of a family that checkpoints must round-trip. */
  model?: boolean;
  build(rng: Rng): Module;
  /** The outputs of a forward pass (evaluation mode) on inputs drawn from `rng`. */
  run(m: Module, rng: Rng): ArrayLike<number>[];
}

function zooCase<M extends Module>(className: string, build: (rng: Rng) => M, run: (m: M, rng: Rng) => (Tensor | Tensor[] | ArrayLike<number>)[], model = false): ZooCase {
  return {
    className, model, build,
    run: (m, rng) => {
      m.eval();
      return noGrad(() => run(m as M, rng)).flat().map((t) => (t instanceof Tensor ? t.data : t));
    },
  };
}

const x = (rng: Rng, ...shape: number[]): Tensor => randn(shape, { rng });
const ids = (rng: Rng, V: number, ...shape: number[]): IndexTensor => indices(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.int(V)), shape);

// Two small trees over words w0 … w5 (at most three children per node).
function trees(): TreeBatch {
  const w = (i: number) => leaf(`w${i}`);
  const t1 = node('a', [node('b', [w(0), w(1), w(2)]), w(3)]);
  const t2 = node('c', [w(4), node('d', [w(5)], 'w2')]);
  return new TreeBatch([t1, t2], { wordId: (s) => Number(s.slice(1)) });
}

function seq2seqRun(m: Seq2Seq, rng: Rng): Tensor[] {
  const src = padBatch([[4, 5, 6], [7, 4]]);
  const tgt = targetBatch([[4, 5], [6, 4 + rng.int(2), 5]]);
  const out = m.forward(src.ids, src.lengths, tgt.input);
  return out.weights ? [out.logits, out.weights] : [out.logits];
}

export const ZOO: readonly ZooCase[] = [
  zooCase('nn.RNNCell', (rng) => new nn.RNNCell({ inputSize: 3, hiddenSize: 4, nonlinearity: 'relu' }, { rng }), (m, r) => [m.forward(x(r, 2, 3), x(r, 2, 4))]),
  zooCase('nn.LSTMCell', (rng) => new nn.LSTMCell({ inputSize: 3, hiddenSize: 4, forgetBias: 0.5 }, { rng }), (m, r) => m.forward(x(r, 2, 3))),
  zooCase('nn.GRUCell', (rng) => new nn.GRUCell({ inputSize: 3, hiddenSize: 4, resetAfter: false, bias: false }, { rng }), (m, r) => [m.forward(x(r, 2, 3))]),
  zooCase('nn.LeakyRNNCell', (rng) => new nn.LeakyRNNCell({ inputSize: 3, hiddenSize: 4, maxTimescale: 7, nonlinearity: 'relu' }, { rng }),
    (m, r) => [m.forward(x(r, 2, 3), x(r, 2, 4))]),
  zooCase('nn.LeakyRNNCell', (rng) => new nn.LeakyRNNCell({ inputSize: 3, hiddenSize: 4, alpha: [0.1, 0.5, 0.9, 1 / 3], learnAlpha: true }, { rng }),
    (m, r) => [m.forward(x(r, 2, 3), x(r, 2, 4)), m.alpha()]),
  zooCase('nn.SkipRNNCell', (rng) => new nn.SkipRNNCell({ inputSize: 3, hiddenSize: 4, delays: [1, 3], bias: false }, { rng }),
    (m, r) => [m.forward(x(r, 2, 3), [x(r, 2, 4), x(r, 2, 4), x(r, 2, 4)])]),
  zooCase('nn.JordanCell', (rng) => new nn.JordanCell({ inputSize: 2, hiddenSize: 4, outputSize: 3, output: 'real', hiddenToHidden: true }, { rng }),
    (m, r) => m.step(x(r, 2, 2), [x(r, 2, 4), x(r, 2, 3)])),
  zooCase('nn.RNN', (rng) => new nn.RNN({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, batchFirst: true, dropout: 0.3, nonlinearity: 'relu' }, { rng }),
    (m, r) => m.forward(x(r, 2, 5, 3), null, { lengths: [5, 3] })),
  zooCase('nn.LSTM', (rng) => new nn.LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, forgetBias: 1, zoneoutHidden: 0.2, zoneoutCell: 0.1 }, { rng }),
    (m, r) => { const [o, [h, c]] = m.forward(x(r, 5, 2, 3)); return [o, h, c]; }),
  zooCase('nn.GRU', (rng) => new nn.GRU({ inputSize: 3, hiddenSize: 4, resetAfter: false, bias: false, fused: false }, { rng }),
    (m, r) => m.forward(x(r, 5, 2, 3))),
  zooCase('nn.LSTM', (rng) => new nn.LSTM({ inputSize: 3, hiddenSize: 4, bidirectional: true, learnInitialState: true, recurrentInit: 'orthogonal' }, { rng }),
    (m, r) => { for (const p of m.learned!.flat()) p.data.set(Array.from({ length: 4 }, () => r.normal())); const [o, [h, c]] = m.forward(x(r, 5, 2, 3)); return [o, h, c]; }),
  zooCase('nn.OrthogonalRNNCell', (rng) => new nn.OrthogonalRNNCell({ inputSize: 3, hiddenSize: 4 }, { rng }), (m, r) => m.step(x(r, 2, 3), [x(r, 2, 4)])),
  zooCase('nn.ClockworkRNNCell', (rng) => new nn.ClockworkRNNCell({ inputSize: 3, hiddenSize: 6, periods: [1, 2, 5], nonlinearity: 'relu' }, { rng }),
    (m, r) => m.step(x(r, 2, 3), [x(r, 2, 6), tensor([[0], [3]])])),
  zooCase('nn.NTMHead', (rng) => new nn.NTMHead({ inputSize: 4, memoryWidth: 3, mode: 'write', maxShift: 2 }, { rng }), (m, r) => {
    const p = m.forward(x(r, 2, 4));
    return [m.address(x(r, 2, 6, 3), x(r, 2, 6).softmax(1), p), p.erase!, p.add!];
  }),
  zooCase('nn.NTMCell', (rng) => new nn.NTMCell(new nn.GRUCell({ inputSize: 3 + 2 * 2, hiddenSize: 4 }, { rng }), { inputSize: 3, memorySize: 6, memoryWidth: 2, readHeads: 2, maxShift: 2 }, { rng }),
    (m, r) => { const [y, carry] = new nn.Recurrence(m).forward(x(r, 4, 2, 3)); return [y, ...carry]; }),
  zooCase('nn.Linear', (rng) => new nn.Linear({ inFeatures: 3, outFeatures: 5, bias: false }, { rng }), (m, r) => [m.forward(x(r, 2, 3))]),
  zooCase('nn.Embedding', (rng) => new nn.Embedding({ numEmbeddings: 7, embeddingDim: 3 }, { rng }), (m, r) => [m.forward(ids(r, 7, 2, 4))]),
  zooCase('nn.Dropout', () => new nn.Dropout(0.3), (m, r) => [m.forward(x(r, 2, 3)), [m.p]]),
  zooCase('nn.Conv2d', (rng) => new nn.Conv2d({ inChannels: 4, outChannels: 6, kernelSize: [3, 2], stride: [2, 1], padding: [1, 0], groups: 2 }, { rng }),
    (m, r) => [m.forward(x(r, 2, 4, 6, 5))]),
  zooCase('nn.TimeDelay', (rng) => new nn.TimeDelay({ inChannels: 3, outChannels: 4, kernelSize: 3, dilation: 2, padding: 'causal', bias: false }, { rng }),
    (m, r) => [m.forward(x(r, 2, 7, 3))]),
  zooCase('nn.MaxPool2d', () => new nn.MaxPool2d({ kernelSize: 3, stride: 2, padding: 1 }), (m, r) => [m.forward(x(r, 1, 2, 6, 5))]),
  zooCase('nn.AvgPool2d', () => new nn.AvgPool2d({ kernelSize: [3, 2], padding: [1, 1], countIncludePad: false }), (m, r) => [m.forward(x(r, 1, 2, 6, 5))]),
  zooCase('nn.GlobalAvgPool2d', () => new nn.GlobalAvgPool2d(), (m, r) => [m.forward(x(r, 2, 3, 4, 4))]),
  zooCase('nn.Flatten', () => new nn.Flatten(2), (m, r) => { const y = m.forward(x(r, 2, 3, 4, 5)); return [y, [...y.shape]]; }),
  zooCase('nn.seq.VectorConditioning', (rng) => new nn.seq.VectorConditioning({ vectorSize: 3, hiddenSize: 4, projectedSize: 8 }, { rng }),
    (m, r) => { const v = x(r, 2, 3); return [m.initialState(v)!, m.stepBias(v)!]; }),
  zooCase('nn.seq.HaltingUnit', (rng) => new nn.seq.HaltingUnit(4, { rng }), (m, r) => [m.forward(x(r, 5, 2, 4))]),
  zooCase('nn.Recurrence', (rng) => new nn.Recurrence(new nn.LSTMCell({ inputSize: 3, hiddenSize: 4 }, { rng }), { reverse: true, batchFirst: true, zoneoutCell: 0.2 }),
    (m, r) => m.forward(x(r, 2, 5, 3), null, { lengths: [4, 5] })),
  zooCase('nn.Bidirectional', (rng) => new nn.Bidirectional(new nn.GRU({ inputSize: 3, hiddenSize: 4 }, { rng }), new nn.RNNCell({ inputSize: 3, hiddenSize: 4 }, { rng }), { merge: 'mean' }),
    (m, r) => m.forward(x(r, 5, 2, 3))),
  zooCase('nn.StackedRNN', (rng) => new nn.StackedRNN([
    new nn.LSTM({ inputSize: 3, hiddenSize: 4 }, { rng }), new nn.GRUCell({ inputSize: 4, hiddenSize: 4 }, { rng }),
  ], { residual: [1], dropout: 0.2, batchFirst: true }), (m, r) => { const [o, cs] = m.forward(x(r, 2, 5, 3)); return [o, ...cs.flat()]; }),
  zooCase('seq2seq.AdditiveAttention', (rng) => new AdditiveAttention({ querySize: 3, keySize: 5, attentionSize: 6 }, { rng }),
    (m, r) => { const a = m.forward(x(r, 2, 4, 3), x(r, 2, 6, 5)); return [a.context, a.weights]; }),
  zooCase('seq2seq.MultiplicativeAttention', (rng) => new MultiplicativeAttention({ querySize: 3, keySize: 5 }, { rng }),
    (m, r) => { const a = m.forward(x(r, 2, 3), x(r, 2, 6, 5)); return [a.context, a.weights]; }),
  zooCase('seq2seq.MultiplicativeAttention', () => new MultiplicativeAttention({ querySize: 5, keySize: 5, form: 'dot' }),
    (m, r) => { const a = m.forward(x(r, 2, 5), x(r, 2, 6, 5)); return [a.context, a.weights]; }),
  zooCase('seq2seq.Encoder', (rng) => new Encoder({ vocabSize: 9, embeddingSize: 3, hiddenSize: 4, numLayers: 2, cell: 'gru', bidirectional: true }, { rng }),
    (m) => { const b = padBatch([[4, 5, 6], [7, 4]]); const e = m.forward(b.ids, b.lengths); return [e.memory, e.summary]; }),
  zooCase('seq2seq.Decoder', (rng) => new Decoder({
    vocabSize: 7, embeddingSize: 3, hiddenSize: 4, numLayers: 2, cell: 'lstm', contextSize: 5, memorySize: 6, attention: 'additive', attentionSize: 3, context: 'both', forgetBias: 1,
  }, { rng }), (m, r) => {
    const src = m.source(x(r, 2, 5), x(r, 2, 3, 6), [3, 2]);
    const s = m.step(Int32Array.of(1, 4), m.initialState(src), src);
    return [s.logits, s.weights!, ...s.state.carries.flat()];
  }),
  zooCase('seq2seq.Seq2Seq', (rng) => new Seq2Seq({
    srcVocabSize: 9, tgtVocabSize: 7, embeddingSize: 3, hiddenSize: 4, cell: 'lstm', bidirectional: true, attention: 'additive', attentionSize: 5, context: 'input', forgetBias: 1,
  }, { rng }), seq2seqRun, true),
  zooCase('seq2seq.Seq2Seq', (rng) => new Seq2Seq({
    srcVocabSize: 9, tgtVocabSize: 7, embeddingSize: 3, hiddenSize: 4, numLayers: 2, cell: 'gru', attention: 'general', context: 'both',
  }, { rng }), seq2seqRun, true),
  zooCase('seq2seq.ImageEncoder', (rng) => new ImageEncoder({ inChannels: 2, channels: [3, 5], kernelSize: 3, pool: 2, coordinates: false, summary: 'max' }, { rng }),
    (m, r) => { const e = m.forward(x(r, 2, 2, 8, 8)); return [e.pooled, e.grid]; }),
  zooCase('seq2seq.CaptionModel', (rng) => new CaptionModel({
    vocabSize: 8, embeddingSize: 3, hiddenSize: 4, cell: 'gru', attention: 'additive', context: 'both', encoder: { inChannels: 3, channels: [4, 5], pool: 2 },
  }, { rng }), (m, r) => { const out = m.forward(x(r, 2, 3, 8, 8), targetBatch([[3, 4], [5, 6, 7]]).input); return [out.logits, out.weights!]; }, true),
  zooCase('tree.RecursiveNet', (rng) => new RecursiveNet({ vocabSize: 6, inputSize: 3, hiddenSize: 4, childWeights: 'shared', arity: 3 }, { rng }),
    (m) => [m.forward(trees()).h], true),
  zooCase('tree.RecursiveNet', (rng) => new RecursiveNet({ vocabSize: 6, inputSize: 3, hiddenSize: 4, arity: 3 }, { rng }), (m) => [m.forward(trees()).h]),
  zooCase('tree.ChildSumTreeLSTM', (rng) => new ChildSumTreeLSTM({ vocabSize: 6, inputSize: 3, hiddenSize: 4, forgetBias: 1 }, { rng }),
    (m) => { const s = m.forward(trees()); return [s.h, s.c!]; }),
  zooCase('tree.NaryTreeLSTM', (rng) => new NaryTreeLSTM({ vocabSize: 6, inputSize: 3, hiddenSize: 4, arity: 3, forgetBias: 0.5 }, { rng }),
    (m) => { const s = m.forward(trees()); return [s.h, s.c!]; }),
  zooCase('tree.TreeClassifier', (rng) => new TreeClassifier(new NaryTreeLSTM({ vocabSize: 6, inputSize: 3, hiddenSize: 4, arity: 3 }, { rng }), 5, { dropout: 0.2 }, { rng }),
    (m) => [m.forward(trees())], true),
  zooCase('tree.TreeClassifier', (rng) => new TreeClassifier(new ChildSumTreeLSTM({ vocabSize: 6, inputSize: 3, hiddenSize: 4 }, { rng }), 3, {}, { rng }),
    (m) => [m.forward(trees())], true),
  zooCase('tree.TreeRegressor', (rng) => new TreeRegressor(new ChildSumTreeLSTM({ vocabSize: 6, inputSize: 3, hiddenSize: 4 }, { rng }), { rng }),
    (m) => [m.forward(trees())], true),
  zooCase('tasks.TaskModel', (rng) => new TaskModel({ cell: 'gru', inputSize: 3, hiddenSize: 4, outputSize: 2, readout: 'last', bidirectional: true, chrono: 10 }, rng.int(1000)),
    (m, r) => [m.forward(x(r, 5, 2, 3))], true),
  zooCase('tasks.TaskModel', (rng) => new TaskModel({ cell: 'lstm', inputSize: 3, hiddenSize: 4, outputSize: 2, readout: 'all', forgetBias: 2 }, rng.int(1000)),
    (m, r) => [m.forward(x(r, 5, 2, 3))], true),
  zooCase('tasks.TaskModel', (rng) => new TaskModel({ cell: 'orth', inputSize: 3, hiddenSize: 4, outputSize: 2, readout: 'last', bidirectional: true }, rng.int(1000)),
    (m, r) => [m.forward(x(r, 5, 2, 3))], true),
  zooCase('tasks.TaskModel', (rng) => new TaskModel({ cell: 'clockwork', inputSize: 3, hiddenSize: 8, outputSize: 2, readout: 'all' }, rng.int(1000)),
    (m, r) => [m.forward(x(r, 5, 2, 3))], true),
  zooCase('tasks.BitSequenceModel', (rng) => new BitSequenceModel({ model: 'ntm', inputSize: 3, outputSize: 2, hiddenSize: 4, memorySize: 5, memoryWidth: 2 }, rng.int(1000)),
    (m, r) => [m.forward(x(r, 4, 2, 3))], true),
  zooCase('tasks.SequenceModel', (rng) => new SequenceModel({ vocabSize: 6, inputSize: 3, hiddenSize: 4, outputs: 2, bidirectional: true }, { rng }),
    (m, r) => [m.forward(ids(r, 6, 4, 2))], true),
  zooCase('train.CharModel', (rng) => new CharModel({ vocabSize: 7, cell: 'gru', hiddenSize: 4, numLayers: 2, embeddingSize: 3, dropout: 0.25 }, { rng }),
    (m, r) => m.forward(ids(r, 7, 2, 5)).flat(), true),
  zooCase('esn.ESN', (rng) => {
    const net = new ESN({ units: 20, inputSize: 1, outputSize: 1, spectralRadius: 0.8, leakRate: 0.5, feedback: true, inputScaling: [0.7], seed: rng.int(100) });
    const u = Array.from({ length: 60 }, (_, t) => Math.sin(t / 4));
    net.fit(timeSeries(u.slice(0, 59)), timeSeries(u.slice(1)), { washout: 10 });
    return net;
  }, (m, r) => [m.run(timeSeries(Array.from({ length: 8 }, () => r.uniform(-1, 1)))).data, m.generate(5).data], true),
  zooCase('graph.GGNN', (rng) => new GGNN({ annotationSize: 2, hiddenSize: 3, edgeTypes: 2, steps: 3, nodeOutputSize: 2, graphOutputSize: 2, resetAfter: true }, { rng }),
    (m, r) => {
      const graph = (n: number) => ({ numNodes: n, edges: [[0, n - 1, 1], [n - 1, 0], [1, 1]], annotations: Array.from({ length: n }, () => [r.uniform(-1, 1), r.uniform(-1, 1)]) });
      const o = m.forward(new GraphBatch([graph(4), graph(2)], { annotationSize: 2, edgeTypes: 2 }));
      return [o.states, o.nodes!, o.graphs!];
    }, true),
  zooCase('tasks.EdgeListModel', (rng) => new EdgeListModel({ nodeSymbols: 6, embeddingSize: 3, hiddenSize: 4, classes: 5 }, { rng }),
    (m, r) => [m.forward(edgeListBatch([randomPathGraph(r, 5), randomPathGraph(r, 3)], 6, r))], true),
  zooCase('nn.DeepTransitionCell', (rng) => new nn.DeepTransitionCell({ inputSize: 3, hiddenSize: 4, depth: 3, shortcut: true, nonlinearity: 'relu' }, { rng }),
    (m, r) => [m.forward(x(r, 2, 3), x(r, 2, 4))]),
  zooCase('nn.RecurrentHighwayCell', (rng) => new nn.RecurrentHighwayCell({ inputSize: 3, hiddenSize: 4, depth: 3, coupled: false, transformBias: -1 }, { rng }),
    (m, r) => [m.forward(x(r, 2, 3), x(r, 2, 4))]),
  zooCase('nn.DeepOutput', (rng) => new nn.DeepOutput({ inputSize: 4, hiddenSizes: [5, 3], outputSize: 2, nonlinearity: 'relu' }, { rng }),
    (m, r) => [m.forward(x(r, 2, 3, 4))]),
  zooCase('nn.StackedRNN', (rng) => new nn.StackedRNN([
    new nn.LSTM({ inputSize: 3, hiddenSize: 4, weightDrop: 0.3 }, { rng }), new nn.Recurrence(new nn.RecurrentHighwayCell({ inputSize: 4, hiddenSize: 4 }, { rng }), { weightDrop: 0.2 }),
    new nn.DeepTransitionCell({ inputSize: 4, hiddenSize: 4 }, { rng }),
  ], { highway: [1, 2], highwayBias: -2, residual: [] }, undefined, { rng }), (m, r) => { const [o, cs] = m.forward(x(r, 5, 2, 3)); return [o, ...cs.flat()]; }),
  zooCase('tasks.DeepCharModel', (rng) => new DeepCharModel({ vocabSize: 7, embeddingSize: 3, kind: 'highway', hiddenSize: 4, layers: 3, depth: 2, dropout: 0.1 }, { rng }),
    (m, r) => m.forward(ids(r, 7, 2, 5)).flat(), true),
  zooCase('tasks.DeepCharModel', (rng) => new DeepCharModel({ vocabSize: 7, embeddingSize: 3, kind: 'rhn', hiddenSize: 4, layers: 1, depth: 3, dropout: 0 }, { rng }),
    (m, r) => m.forward(ids(r, 7, 2, 5)).flat(), true),
  zooCase('tasks.DeepCharModel', (rng) => new DeepCharModel({ vocabSize: 7, embeddingSize: 3, kind: 'dt', hiddenSize: 4, layers: 1, depth: 2, dropout: 0 }, { rng }),
    (m, r) => m.forward(ids(r, 7, 2, 5)).flat(), true),
  zooCase('tasks.DeepCharModel', (rng) => new DeepCharModel({ vocabSize: 7, embeddingSize: 3, kind: 'do', hiddenSize: 4, layers: 1, depth: 2, dropout: 0 }, { rng }),
    (m, r) => m.forward(ids(r, 7, 2, 5)).flat(), true),
  zooCase('tasks.ForecastLSTM', (rng) => new ForecastLSTM({ hiddenSize: 4, numLayers: 2, dropout: 0.2 }, { rng }), (m, r) => [m.forward(x(r, 6, 3, 1))], true),
  zooCase('nn.MDLSTM', (rng) => new nn.MDLSTM({ inputSize: 2, hiddenSize: 3, merge: 'sum', forgetBias: 0.5 }, { rng }), (m, r) => [m.forward(x(r, 2, 2, 3, 4))]),
  zooCase('nn.RowLSTM', (rng) => new nn.RowLSTM({ inputSize: 2, hiddenSize: 3, mask: 'B', inputKernel: 2, stateKernel: 5 }, { rng }), (m, r) => [m.forward(x(r, 2, 2, 3, 4))]),
  zooCase('nn.MaskedConv2d', (rng) => new nn.MaskedConv2d({ inChannels: 2, outChannels: 3, kernelSize: 5, mask: 'B' }, { rng }), (m, r) => [m.forward(x(r, 2, 2, 4, 4))]),
  zooCase('nn.PixelRNN', (rng) => new nn.PixelRNN({ levels: 3, hiddenSize: 3, numLayers: 2, convKernel: 5, inputKernel: 2 }, { rng }),
    (m, r) => [m.forward(ids(r, 3, 2, 4, 5)), m.sample(2, 3, 4, r).pixels], true),
  zooCase('seq2seq.MDLSTMImageEncoder', (rng) => new MDLSTMImageEncoder({ kind: 'mdlstm', inChannels: 2, patch: 2, hiddenSize: 3, summary: 'max' }, { rng }),
    (m, r) => { const e = m.forward(x(r, 2, 2, 4, 6)); return [e.pooled, e.grid]; }),
  zooCase('seq2seq.CaptionModel', (rng) => new CaptionModel({
    vocabSize: 8, embeddingSize: 3, hiddenSize: 4, cell: 'lstm', attention: 'general', encoder: { kind: 'mdlstm', inChannels: 3, patch: 4, hiddenSize: 2 },
  }, { rng }), (m, r) => { const out = m.forward(x(r, 2, 3, 8, 8), targetBatch([[3, 4], [5, 6, 7]]).input); return [out.logits, out.weights!]; }, true),
  zooCase('tasks.RegionClassifier', (rng) => new RegionClassifier({ encoder: { kind: 'mdlstm', patch: 4, hiddenSize: 2 }, regions: 4, classes: 3 }, { rng }),
    (m, r) => [m.forward(x(r, 2, 3, 8, 8))], true),
  zooCase('tasks.RegionClassifier', (rng) => new RegionClassifier({ encoder: { channels: [3, 4] }, regions: 4, classes: 3 }, { rng }),
    (m, r) => [m.forward(x(r, 2, 3, 8, 8))], true),
  zooCase('seq2seq.TreeDecoder', (rng) => new TreeDecoder({
    vocabSize: 8, nonTerminal: 7, embeddingSize: 3, hiddenSize: 4, numLayers: 2, cell: 'gru', contextSize: 5, memorySize: 6, attention: 'general',
  }, { rng }), (m, r) => { const s = m.source(x(r, 2, 5), x(r, 2, 3, 6), [3, 2]); return [m.decoder.step(Int32Array.of(1, 1), m.rootState(s), s.ctx).logits]; }),
  zooCase('seq2seq.Seq2Tree', (rng) => new Seq2Tree({
    srcVocabSize: 9, tgtVocabSize: 8, nonTerminal: 7, embeddingSize: 3, hiddenSize: 4, cell: 'lstm', bidirectional: true, attention: 'additive', attentionSize: 3, forgetBias: 1,
  }, { rng }), (m, r) => {
    const src = padBatch([[4, 5, 6], [7, 4 + r.int(4)]]);
    const trees: TokenTree[] = [{ tokens: [4, 7, 5], children: [{ tokens: [6, 6], children: [] }] }, { tokens: [5], children: [] }];
    return [...m.forward(src.ids, src.lengths, trees).logits, decodeTrees(m, src.ids, src.lengths, { beamWidth: 2, maxNodes: 4, maxNodeLength: 3 }).map((h) => h.logProb)];
  }, true),
  zooCase('seq2seq.MDLSTMImageEncoder', (rng) => new MDLSTMImageEncoder({ kind: 'mdlstm', inChannels: 2, patch: 2, hiddenSize: 3, summary: 'last', embedding: 4 }, { rng }),
    (m, r) => { const e = m.forward(x(r, 2, 2, 4, 6)); return [e.pooled, e.grid]; }),
];
