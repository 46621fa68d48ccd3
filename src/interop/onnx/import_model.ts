// importOnnx: an ONNX recurrent model (read by import_graph.ts) built as an unfold model with its
// weights. The plainest unfold model that computes the graph is chosen: a bare nn.LSTM / GRU / RNN
// (or an nn.StackedRNN of them, when the nodes differ or take their initial states one input each)
// for a graph of recurrent nodes alone; a train.CharModel for embedding → unidirectional layers →
// head when the file names its vocabulary (an unfold export does); else an interop.RecurrentModel.

import { Tensor } from '../../tensor/tensor.js';
import type { Module } from '../../nn/module.js';
import { LSTM } from '../../nn/layers/lstm.js';
import { GRU } from '../../nn/layers/gru.js';
import { RNN } from '../../nn/layers/rnn.js';
import type { RecurrentLayer, RecurrentLayerConfig } from '../../nn/layers/recurrent_layer.js';
import { StackedRNN } from '../../nn/wrappers/stacked_rnn.js';
import { classNameOf, serializeModule } from '../../nn/registry.js';
import { Vocab } from '../../data/vocab.js';
import { CharModel } from '../../train/char_model.js';
import { VOCABS_KEY } from '../../train/checkpoint.js';
import { RecurrentModel } from '../recurrent_model.js';
import { onnx, type OnnxTypes } from './proto.js';
import { readGraph, type GraphSummary } from './import_graph.js';
import type { ImportedRecurrentNode, StateSource } from './import_recurrent.js';

/** An imported model: the unfold model with its weights, vocabularies the file named, and what the graph was read as. */
export interface ImportedOnnx {
  model: Module;
  vocabs: Record<string, Vocab>;
  graph: GraphSummary;
}

/**
 * Reads the bytes of an ONNX model made of LSTM / GRU / RNN nodes (with an optional Gather
 * embedding, MatMul + Add or Gemm head and Softmax, and the layout operators exporters put around
 * them) and builds the unfold model that computes it, with its weights: PyTorch's exports
 * (torch.onnx.export of nn.LSTM / GRU / RNN, with Embedding and Linear) and unfold's own load.
 * `file` names the model in errors, which say what was expected and what came.
 */
export function importOnnx(bytes: Uint8Array, file = 'ONNX model'): ImportedOnnx {
  let proto: OnnxTypes.ModelProto;
  try { proto = onnx.ModelProto.decode(bytes); } catch (e) {
    throw new Error(`${file} is not an ONNX model: ${(e as Error).message}`, { cause: e });
  }
  const graph = readGraph(proto, file);
  const vocabs = readVocabs(proto, file);
  const { nodes } = graph;
  const lengths = new Set(nodes.map((n) => n.lengths));
  if (lengths.size > 1) throw new Error(`${file}: expected every recurrent node to take the same sequence_lens, got ${[...lengths].map((l) => l ?? 'none').join(' and ')}`);
  const stateMode = statesOf(nodes, file);
  const alike = nodes.every((n) => sameForm(n, nodes[0]));
  if (stateMode === 'stacked' && !alike) throw new Error(`${file}: expected recurrent nodes of one kind and size when they slice one initial-state input, got ${nodes.map(describeNode).join(', ')}`);
  const single = alike && stateMode !== 'per-node';
  const bare = !graph.embedding && !graph.head && !graph.softmax && graph.readout === 'all';
  const stack = (batchFirst: boolean): Module & { runSequence: unknown } => (single
    ? layerFor(nodes[0], nodes[0].inputSize, nodes.length, batchFirst)
    : new StackedRNN(nodes.map((n) => layerFor(n, n.inputSize, 1, false)), { batchFirst }));
  const weights = stackWeights(nodes, single);
  let model: Module;
  let prefix = 'rnn.';
  const dict: Record<string, Tensor> = {};
  const charModel = charModelFor(graph, vocabs, single);
  if (bare) {
    model = stack(graph.batchFirst);
    prefix = '';
  } else if (charModel) {
    model = charModel;
  } else {
    const V = graph.embedding?.dims[0], E = graph.embedding?.dims[1];
    const rnn = stack(false);
    const head = graph.head ? { inFeatures: graph.head.weight.dims[0], outFeatures: graph.head.weight.dims[1], bias: graph.head.bias !== null } : null;
    model = new RecurrentModel({
      embedding: graph.embedding ? { numEmbeddings: V!, embeddingDim: E! } : null, rnn: serializeModule(rnn), head,
      softmax: graph.softmax, batchFirst: graph.batchFirst, readout: graph.readout,
    });
  }
  for (const [name, t] of Object.entries(weights)) dict[prefix + name] = t;
  if (graph.embedding) dict['embedding.weight'] = new Tensor(Float32Array.from(graph.embedding.data), graph.embedding.dims);
  if (graph.head) {
    const [F, O] = graph.head.weight.dims;
    const w = new Float32Array(O * F);
    for (let f = 0; f < F; f++) for (let o = 0; o < O; o++) w[o * F + f] = graph.head.weight.data[f * O + o];
    dict['head.weight'] = new Tensor(w, [O, F]);
    if (graph.head.bias) dict['head.bias'] = new Tensor(Float32Array.from(graph.head.bias.data), [O]);
    else if (model instanceof CharModel) dict['head.bias'] = new Tensor(new Float32Array(O), [O]);
  }
  try { model.loadStateDict(dict); } catch (e) { throw new Error(`${file}: the weights do not fit the ${classNameOf(model)} built for them: ${(e as Error).message}`, { cause: e }); }
  model.eval();
  return { model, vocabs: model instanceof CharModel ? { text: vocabs.text } : {}, graph };
}

// The vocabularies an unfold export wrote into metadata_props (none for other files).
function readVocabs(proto: OnnxTypes.IModelProto, file: string): Record<string, Vocab> {
  const raw = (proto.metadataProps ?? []).find((p) => p.key === VOCABS_KEY)?.value;
  if (!raw) return {};
  try {
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).map(([name, v]) => [name, Vocab.fromJSON(v)]));
  } catch (e) {
    throw new Error(`${file}: bad vocabularies in metadata '${VOCABS_KEY}': ${(e as Error).message}`, { cause: e });
  }
}

// How the nodes take their initial states: none; rows of one input per state, in node order
// (PyTorch's h0 [layers·D, B, H]); or one whole input per node and state.
function statesOf(nodes: readonly ImportedRecurrentNode[], file: string): 'none' | 'stacked' | 'per-node' {
  const modes = new Set<string>();
  for (const which of ['initialH', 'initialC'] as const) {
    const lstm = nodes[0].kind === 'lstm';
    if (which === 'initialC' && !lstm) continue;
    const sources = nodes.map((n) => n[which]);
    if (sources.every((s) => s === null)) { modes.add('none'); continue; }
    const what = which === 'initialH' ? 'initial_h' : 'initial_c';
    if (sources.some((s) => s === null)) throw new Error(`${file}: expected ${what} of every recurrent node from graph inputs, or of none, got ${sources.map((s) => s?.input ?? 'none').join(', ')}`);
    const given = sources as StateSource[];
    const inputs = new Set(given.map((s) => s.input));
    let at = 0;
    if (inputs.size === 1 && given.every((s, k) => { const ok = s.rows[0] === at; at += nodes[k].directions; return ok; })) modes.add('stacked');
    else if (inputs.size === nodes.length && given.every((s, k) => s.rows[0] === 0 && s.rows[1] === nodes[k].directions)) modes.add(nodes.length === 1 ? 'stacked' : 'per-node');
    else throw new Error(`${file}: expected ${what} as rows of one input in node order or one input per node, got ${given.map((s) => `${s.input}[${s.rows[0]}:${s.rows[1]}]`).join(', ')}`);
  }
  if (modes.size > 1) throw new Error(`${file}: expected initial_h and initial_c given alike (both from inputs, or neither), got ${[...modes].join(' and ')}`);
  return [...modes][0] as 'none' | 'stacked' | 'per-node';
}

function sameForm(a: ImportedRecurrentNode, b: ImportedRecurrentNode): boolean {
  return a.kind === b.kind && a.hiddenSize === b.hiddenSize && a.directions === b.directions && a.bias === b.bias
    && a.nonlinearity === b.nonlinearity && a.resetAfter === b.resetAfter;
}

function describeNode(n: ImportedRecurrentNode): string {
  return `${n.kind.toUpperCase()} ${n.inputSize}→${n.hiddenSize}${n.directions === 2 ? ' bidirectional' : ''}`;
}

// The nn layer of a node's form.
function layerFor(n: ImportedRecurrentNode, inputSize: number, numLayers: number, batchFirst: boolean): RecurrentLayer {
  const c: RecurrentLayerConfig = { inputSize, hiddenSize: n.hiddenSize, numLayers, bias: n.bias, bidirectional: n.directions === 2, batchFirst };
  if (n.kind === 'lstm') return new LSTM(c);
  if (n.kind === 'gru') return new GRU({ ...c, resetAfter: n.resetAfter });
  return new RNN({ ...c, nonlinearity: n.nonlinearity });
}

// The stack's state dict: one layer's weight_ih_l{k}[_reverse] …, or a StackedRNN's layers.{k}.….
function stackWeights(nodes: readonly ImportedRecurrentNode[], single: boolean): Record<string, Tensor> {
  const dict: Record<string, Tensor> = {};
  nodes.forEach((n, k) => {
    const GH = n.weights[0].biasIh.length, H = n.hiddenSize;
    n.weights.forEach((w, d) => {
      const sfx = `${single ? `_l${k}` : '_l0'}${d === 1 ? '_reverse' : ''}`;
      const pre = single ? '' : `layers.${k}.`;
      dict[`${pre}weight_ih${sfx}`] = new Tensor(w.weightIh, [GH, n.inputSize]);
      dict[`${pre}weight_hh${sfx}`] = new Tensor(w.weightHh, [GH, H]);
      if (n.bias) {
        dict[`${pre}bias_ih${sfx}`] = new Tensor(w.biasIh, [GH]);
        dict[`${pre}bias_hh${sfx}`] = new Tensor(w.biasHh, [GH]);
      }
    });
  });
  return dict;
}

// A character model when the graph is one (ids [B, T] → embedding → alike unidirectional layers
// with biases → head over the vocabulary, no softmax) and the file names the vocabulary.
function charModelFor(graph: GraphSummary, vocabs: Record<string, Vocab>, single: boolean): CharModel | null {
  const { embedding, head, nodes } = graph;
  const n = nodes[0];
  if (!embedding || !head || graph.softmax || graph.readout !== 'all' || !graph.batchFirst || !single || n.directions !== 1 || !n.bias) return null;
  if (n.kind === 'gru' && !n.resetAfter) return null;
  if (n.kind === 'rnn' && n.nonlinearity !== 'tanh') return null;
  const [V, E] = embedding.dims;
  if (vocabs.text?.size !== V || head.weight.dims[1] !== V || n.inputSize !== E) return null;
  return new CharModel({ vocabSize: V, cell: n.kind, hiddenSize: n.hiddenSize, numLayers: nodes.length, embeddingSize: E, dropout: 0 });
}
