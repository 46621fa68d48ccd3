// importOnnx: an ONNX recurrent model (read by import_graph.ts) built as an unfold model with its
// weights. The plainest unfold model that computes the graph is chosen: a bare nn.LSTM / GRU / RNN
// (or an nn.StackedRNN of them, when the nodes differ, or group by their initial-state inputs) for
// a graph of recurrent nodes alone; a train.CharModel for embedding → unidirectional layers → head
// when the file names its vocabulary (an unfold export does); else an interop.RecurrentModel.

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
import { transposeConst } from './tensor_proto.js';
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
    // protobufjs decodes nested messages and groups by recursion: bytes that open thousands of
    // them (any large non-ONNX file can) exhaust the stack before they fail to parse.
    const why = e instanceof RangeError ? 'expected a protobuf ModelProto, got fields nested deeper than any ONNX model' : (e as Error).message;
    throw new Error(`${file} is not an ONNX model: ${why}`, { cause: e });
  }
  const graph = readGraph(proto, file);
  const vocabs = readVocabs(proto, file);
  const { nodes } = graph;
  const lengths = new Set(nodes.map((n) => n.lengths));
  if (lengths.size > 1) throw new Error(`${file}: expected every recurrent node to take the same sequence_lens, got ${[...lengths].map((l) => l ?? 'none').join(' and ')}`);
  const groups = layerGroups(nodes, file);
  const layer = (g: readonly number[], batchFirst: boolean): RecurrentLayer => layerFor(nodes[g[0]], nodes[g[0]].inputSize, g.length, batchFirst);
  const stack = (batchFirst: boolean): Module => (groups.length === 1
    ? layer(groups[0], batchFirst)
    : new StackedRNN(groups.map((g) => layer(g, false)), { batchFirst }));
  const bare = !graph.embedding && !graph.head && !graph.softmax && graph.readout === 'all';
  const model = bare ? stack(graph.batchFirst) : charModelFor(graph, vocabs, groups.length === 1) ?? recurrentModelFor(graph, stack(false));
  const dict: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(stackWeights(nodes, groups))) dict[(bare ? '' : 'rnn.') + name] = t;
  if (graph.embedding) dict['embedding.weight'] = new Tensor(Float32Array.from(graph.embedding.data), graph.embedding.dims);
  if (graph.head) {
    const w = transposeConst(graph.head.weight); // Linear's [O, F] from the graph's x·W, W [F, O]
    const O = w.dims[0];
    dict['head.weight'] = new Tensor(w.data, w.dims);
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

// The nodes grouped into unfold layers (each group one nn.LSTM / GRU / RNN of as many layers as
// nodes): by their initial states when they take them from graph inputs (rows of one input in node
// order, PyTorch's h0 [layers·D, B, H], make one group; an LSTM's c0 must group alike), else runs of
// alike nodes.
function layerGroups(nodes: readonly ImportedRecurrentNode[], file: string): number[][] {
  const hs = nodes.map((n) => n.initialH);
  const show = (xs: readonly (StateSource | null)[]): string => xs.map((x) => (x ? `${x.input}[${x.rows[0]}:${x.rows[1]}]` : 'none')).join(', ');
  let groups: number[][];
  if (hs.every((h) => h === null)) {
    if (nodes.some((n) => n.initialC !== null)) throw new Error(`${file}: expected initial_c only with initial_h (unfold's LSTM takes both or neither), got initial_c alone`);
    groups = [];
    nodes.forEach((n, k) => {
      const g = groups[groups.length - 1];
      if (g && sameForm(nodes[g[0]], n)) g.push(k); else groups.push([k]);
    });
    return groups;
  }
  if (hs.some((h) => h === null)) throw new Error(`${file}: expected initial_h of every recurrent node from graph inputs, or of none, got ${show(hs)}`);
  groups = [];
  (hs as StateSource[]).forEach((h, k) => {
    const g = groups[groups.length - 1];
    const last = g ? hs[g[g.length - 1]] : null;
    if (last && last.input === h.input && h.rows[0] === last.rows[1]) g.push(k);
    else if (h.rows[0] === 0 && !groups.some((x) => hs[x[0]]?.input === h.input)) groups.push([k]);
    else throw new Error(`${file}: expected initial_h of the nodes as rows of graph inputs in node order, got ${show(hs)}`);
  });
  for (const g of groups) {
    if (!g.every((k) => sameForm(nodes[k], nodes[g[0]]))) {
      throw new Error(`${file}: expected recurrent nodes of one kind and size where they share an initial-state input, got ${g.map((k) => describeNode(nodes[k])).join(', ')}`);
    }
    // An LSTM group takes c0 as it takes h0: the same rows of one input of its own.
    if (nodes[g[0]].kind !== 'lstm') continue;
    const cs = g.map((k) => nodes[k].initialC);
    const c0 = cs[0];
    if (!c0 || cs.some((c, i) => !c || c.input !== c0.input || c.rows[0] !== hs[g[i]]!.rows[0] || c.rows[1] !== hs[g[i]]!.rows[1])) {
      throw new Error(`${file}: expected initial_c of the nodes as the rows of one input that initial_h takes (${show(g.map((k) => hs[k]))}), got ${show(cs)}`);
    }
  }
  return groups;
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

// The stack's state dict: one layer's weight_ih_l{k}[_reverse] …, or a StackedRNN's layers.{j}.….
function stackWeights(nodes: readonly ImportedRecurrentNode[], groups: readonly number[][]): Record<string, Tensor> {
  const dict: Record<string, Tensor> = {};
  groups.forEach((group, j) => group.forEach((k, l) => {
    const n = nodes[k], GH = n.weights[0].biasIh.length;
    const pre = groups.length === 1 ? '' : `layers.${j}.`;
    n.weights.forEach((w, d) => {
      const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
      dict[`${pre}weight_ih${sfx}`] = new Tensor(w.weightIh, [GH, n.inputSize]);
      dict[`${pre}weight_hh${sfx}`] = new Tensor(w.weightHh, [GH, n.hiddenSize]);
      if (n.bias) {
        dict[`${pre}bias_ih${sfx}`] = new Tensor(w.biasIh, [GH]);
        dict[`${pre}bias_hh${sfx}`] = new Tensor(w.biasHh, [GH]);
      }
    });
  }));
  return dict;
}

function recurrentModelFor(graph: GraphSummary, rnn: Module): RecurrentModel {
  const { embedding, head } = graph;
  return new RecurrentModel({
    embedding: embedding ? { numEmbeddings: embedding.dims[0], embeddingDim: embedding.dims[1] } : null,
    rnn: serializeModule(rnn),
    head: head ? { inFeatures: head.weight.dims[0], outFeatures: head.weight.dims[1], bias: head.bias !== null } : null,
    softmax: graph.softmax, batchFirst: graph.batchFirst, readout: graph.readout,
  });
}

// A character model when the graph is one (ids [B, T] → embedding → alike unidirectional layers
// with biases → head over the vocabulary, no softmax) and the file names the vocabulary.
function charModelFor(graph: GraphSummary, vocabs: Record<string, Vocab>, oneLayer: boolean): CharModel | null {
  const { embedding, head, nodes } = graph;
  const n = nodes[0];
  if (!embedding || !head || graph.softmax || graph.readout !== 'all' || !graph.batchFirst || !oneLayer || n.directions !== 1 || !n.bias) return null;
  if (n.kind === 'gru' && !n.resetAfter) return null;
  if (n.kind === 'rnn' && n.nonlinearity !== 'tanh') return null;
  const [V, E] = embedding.dims;
  if (vocabs.text?.size !== V || head.weight.dims[1] !== V || n.inputSize !== E) return null;
  return new CharModel({ vocabSize: V, cell: n.kind, hiddenSize: n.hiddenSize, numLayers: nodes.length, embeddingSize: E, dropout: 0 });
}
