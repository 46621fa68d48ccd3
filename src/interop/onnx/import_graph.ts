// Reading an ONNX graph into what it computes, in unfold's terms: one pass over the nodes in order,
// on abstract values (import_values.ts), that accepts a recurrent model — an optional embedding
// (Gather on a table), a chain of LSTM / GRU / RNN nodes, an optional linear head (MatMul + Add, or
// Gemm) on every step or on the last one, an optional Softmax — with the layout plumbing exporters
// put around them, and refuses everything else naming the node, what was expected and what came.

import { DataType, attributesOf, nodeLabel, type OnnxTypes } from './proto.js';
import { readTensorProto, transposeConst, type ConstTensor } from './tensor_proto.js';
import { LAYOUT_OPS, fail, gatherLayout, layoutOp, type OpContext } from './import_layout_ops.js';
import { readRecurrentNode, type ImportedRecurrentNode } from './import_recurrent.js';
import { Roles, describeAxes, describeValueKind, type Axis, type Source, type Value } from './import_values.js';

/** A graph read as a recurrent model. */
export interface GraphSummary {
  /** The recurrent nodes in order, each reading the previous one's outputs. */
  nodes: ImportedRecurrentNode[];
  /** The graph input the sequence comes from: token ids (with an embedding) or features. */
  input: string;
  /** Inputs and outputs are [B, T, ·]. */
  batchFirst: boolean;
  /** Embedding table [V, E], or null. */
  embedding: ConstTensor | null;
  /** The linear head: weight [F, O] (x·W) and bias [O], or null. */
  head: { weight: ConstTensor; bias: ConstTensor | null } | null;
  softmax: boolean;
  /** 'last': the head reads the last time step only. */
  readout: 'all' | 'last';
  /** The graph output that is the model's output. */
  output: string;
  /** Graph outputs holding final states. */
  stateOutputs: string[];
}

/** The operators an imported graph may hold. */
export const IMPORTED_OPS: readonly string[] = ['LSTM', 'GRU', 'RNN', 'Gather', 'MatMul', 'Gemm', 'Add', 'Softmax', ...LAYOUT_OPS];

/** Reads `model`'s graph; `file` names it in errors. */
export function readGraph(model: OnnxTypes.IModelProto, file: string): GraphSummary {
  const graph = model.graph;
  if (!graph) throw new Error(`${file}: expected a model with a graph, got none`);
  const opsetEntry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  const opset = Number(opsetEntry?.version ?? 0);
  if (!(opset >= 7)) throw new Error(`${file}: expected an opset of the default ONNX domain >= 7, got ${opsetEntry ? opset : 'none'}`);
  const values = new Map<string, Value>();
  for (const t of graph.initializer ?? []) values.set(t.name ?? '', { kind: 'const', t: readTensorProto(t, file) });
  for (const vi of graph.input ?? []) {
    const name = vi.name ?? '';
    if (values.has(name)) continue; // an initializer listed among the inputs (older exporters)
    const tt = vi.type?.tensorType;
    if (!tt?.shape) throw new Error(`${file}: expected graph input '${name}' to be a tensor of known rank, got ${tt ? 'no shape' : 'no tensor type'}`);
    const elem = tt.elemType ?? 0;
    const axes: Axis[] = (tt.shape.dim ?? []).map((d, i) => ({ role: `${name}#${i}`, size: Number(d.dimValue ?? 0) > 0 ? Number(d.dimValue) : null }));
    values.set(name, { kind: 'data', src: { what: 'input', name, integer: elem === DataType.INT64 || elem === DataType.INT32 }, axes });
  }
  const roles = new Roles();
  const nodes: ImportedRecurrentNode[] = [];
  let embedding: ConstTensor | null = null;
  let input = '';
  for (const node of graph.node ?? []) {
    const where = `${file}: node ${nodeLabel(node)}`;
    if (node.domain && node.domain !== 'ai.onnx') throw new Error(`${where}: expected an operator of the default ONNX domain, got domain '${node.domain}'`);
    const inputs = (node.input ?? []).map((n) => {
      if (n === '') return null;
      const v = values.get(n);
      if (v === undefined) throw new Error(`${where}: expected input '${n}' to be made by an earlier node, an initializer or a graph input, got none (are the nodes in order?)`);
      return v;
    });
    const c: OpContext = { op: node.opType ?? '', inputs, attrs: attributesOf(node), opset, roles, where };
    let outs: Value[];
    if (LAYOUT_OPS.includes(c.op)) {
      outs = layoutOp(c);
    } else if (c.op === 'LSTM' || c.op === 'GRU' || c.op === 'RNN') {
      const x = inputs[0];
      if (nodes.length === 0 && x?.kind === 'data') input = x.src.what === 'embedded' ? x.src.ids : x.src.what === 'input' ? x.src.name : '';
      const read = readRecurrentNode(c, nodes.length, nodes[nodes.length - 1] ?? null);
      nodes.push(read.node);
      outs = read.outputs;
    } else if (c.op === 'Gather') {
      const [data, indices] = [inputs[0], inputs[1]];
      if (!data || !indices) fail(c, 'data and indices', 'fewer inputs');
      if (indices.kind === 'data' && indices.src.what === 'input' && indices.src.integer && data.kind === 'const') {
        if (embedding) fail(c, 'one embedding', 'a second Gather of token ids');
        embedding = embeddingTable(c, data.t);
        outs = [{ kind: 'data', src: { what: 'embedded', table: data.t, ids: indices.src.name }, axes: [...indices.axes, { role: 'F', size: data.t.dims[1] }] }];
      } else {
        outs = [gatherLayout(c, data, indices) ?? lastStep(c, data, indices)];
      }
    } else if (c.op === 'MatMul' || c.op === 'Gemm') {
      outs = [linear(c)];
    } else if (c.op === 'Add') {
      outs = [addBias(c)];
    } else if (c.op === 'Softmax') {
      outs = [softmax(c)];
    } else {
      throw new Error(`${where}: expected one of the operators ${IMPORTED_OPS.join(', ')}, got ${c.op}`);
    }
    (node.output ?? []).forEach((n, i) => { if (n !== '' && outs[i] !== undefined) values.set(n, outs[i]); });
  }
  if (nodes.length === 0) throw new Error(`${file}: expected at least one LSTM, GRU or RNN node, got none`);
  return summarize(graph, values, { nodes, input, embedding }, roles, file);
}

function embeddingTable(c: OpContext, t: ConstTensor): ConstTensor {
  if (!t.float || t.dims.length !== 2) fail(c, 'an embedding table of float weights [V, E]', `a constant of shape [${t.dims.join(', ')}]`);
  if (Number(c.attrs.get('axis') ?? 0) !== 0) fail(c, 'a Gather of table rows (axis 0)', `axis ${String(c.attrs.get('axis'))}`);
  return t;
}

// out[:, -1] (PyTorch's last-step readout): a Gather of index −1 along a sequence's time axis.
function lastStep(c: OpContext, data: Value, indices: Value): Value {
  const axis = Number(c.attrs.get('axis') ?? 0);
  if (data.kind === 'data' && data.src.what === 'sequence' && data.src.readout === 'all' && indices.kind === 'const'
    && indices.t.dims.length === 0 && indices.t.data[0] === -1) {
    const a = axis < 0 ? axis + data.axes.length : axis;
    if (data.axes[a] && c.roles.of(data.axes[a]) === 'T') {
      return { kind: 'data', src: { ...data.src, readout: 'last' }, axes: data.axes.filter((_, i) => i !== a) };
    }
  }
  return fail(c, 'a Gather of table rows by token ids, of dimensions, or of the last time step (index -1 along time)', `a Gather of ${describeValueKind(data)} by ${describeValueKind(indices)}`);
}

// The features of the last node's output: the last axis, directions already side by side.
function featuresOf(c: OpContext, v: Value | null): { src: Extract<Source, { what: 'sequence' }>; axes: readonly Axis[] } {
  if (v === null || v.kind !== 'data' || v.src.what !== 'sequence') return fail(c, 'a linear map of a recurrent node\'s outputs', v === null ? 'none' : describeValueKind(v));
  const last = v.axes[v.axes.length - 1];
  const role = c.roles.of(last);
  const rank = v.src.readout === 'all' ? 3 : 2;
  if (v.axes.length !== rank || !(role === 'F' || role === 'H') || v.axes.slice(0, -1).some((a) => !['T', 'B'].includes(c.roles.of(a)))) {
    fail(c, `the recurrent outputs with features last (${rank === 3 ? '[T, B, F] or [B, T, F]' : '[B, F]'})`, describeAxes(v.axes, c.roles));
  }
  return { src: v.src, axes: v.axes };
}

// MatMul(x, W [F, O]) or Gemm(x, B, C) with alpha = beta = 1: the head (bias, if any, from C or a later Add).
function linear(c: OpContext): Value {
  const [x, w, bias] = [c.inputs[0] ?? null, c.inputs[1] ?? null, c.inputs[2] ?? null];
  const { src, axes } = featuresOf(c, x);
  if (w === null || w.kind !== 'const' || !w.t.float || w.t.dims.length !== 2) fail(c, 'a weight initializer of rank 2', w === null ? 'none' : describeValueKind(w));
  let weight = w.t;
  let b: ConstTensor | null = null;
  if (c.op === 'Gemm') {
    for (const [name, want] of [['alpha', 1], ['beta', 1], ['transA', 0]] as const) {
      if (Number(c.attrs.get(name) ?? want) !== want) fail(c, `${name} = ${want}`, `${name} = ${String(c.attrs.get(name))}`);
    }
    if (axes.length !== 2) fail(c, 'a Gemm on [B, F]', describeAxes(axes, c.roles));
    if (Number(c.attrs.get('transB') ?? 0) === 1) weight = transposeConst(weight);
    if (bias !== null) b = biasOf(c, bias, weight.dims[1]);
  }
  const F = axes[axes.length - 1].size;
  if (F !== null && weight.dims[0] !== F) fail(c, `a weight of shape [${F}, O]`, `[${weight.dims.join(', ')}]`);
  return { kind: 'data', src: { what: 'linear', node: src.node, readout: src.readout, weight, bias: b }, axes: [...axes.slice(0, -1), { role: 'F', size: weight.dims[1] }] };
}

function addBias(c: OpContext): Value {
  const [a, b] = [c.inputs[0] ?? null, c.inputs[1] ?? null];
  const [lin, k] = a?.kind === 'data' ? [a, b] : [b, a];
  if (lin === null || lin.kind !== 'data' || lin.src.what !== 'linear' || lin.src.bias !== null || k === null) {
    return fail(c, 'an Add of a bias to a linear map', `an Add of ${a ? describeValueKind(a) : 'none'} and ${b ? describeValueKind(b) : 'none'}`);
  }
  return { kind: 'data', src: { ...lin.src, bias: biasOf(c, k, lin.src.weight.dims[1]) }, axes: lin.axes };
}

function biasOf(c: OpContext, v: Value, O: number): ConstTensor {
  if (v.kind !== 'const' || !v.t.float || v.t.data.length !== O || v.t.dims[v.t.dims.length - 1] !== O) {
    return fail(c, `a bias initializer of ${O} values`, describeValueKind(v));
  }
  return { dims: [O], float: true, data: v.t.data };
}

function softmax(c: OpContext): Value {
  const x = c.inputs[0] ?? null;
  if (x === null || x.kind !== 'data' || x.src.what !== 'linear') return fail(c, 'a Softmax of the linear head', x === null ? 'none' : describeValueKind(x));
  const rank = x.axes.length;
  const axis = Number(c.attrs.get('axis') ?? (c.opset >= 13 ? -1 : 1));
  if ((axis < 0 ? axis + rank : axis) !== rank - 1) fail(c, `a Softmax over the last axis (${rank - 1})`, `axis ${axis}`);
  return { kind: 'data', src: { what: 'softmax', of: x.src }, axes: x.axes };
}

// The graph's outputs: one is the model's output (from the last node), the others final states.
function summarize(graph: OnnxTypes.IGraphProto, values: Map<string, Value>, read: Pick<GraphSummary, 'nodes' | 'input' | 'embedding'>, roles: Roles, file: string): GraphSummary {
  const { nodes, input, embedding } = read;
  const last = nodes.length - 1;
  let main: { name: string; v: Extract<Value, { kind: 'data' }> } | null = null;
  const stateOutputs: string[] = [];
  for (const o of graph.output ?? []) {
    const name = o.name ?? '';
    const v = values.get(name);
    if (v?.kind === 'data' && v.src.what === 'states') { stateOutputs.push(name); continue; }
    const src = v?.kind === 'data' ? (v.src.what === 'softmax' ? v.src.of : v.src) : null;
    if (v?.kind === 'data' && src && (src.what === 'sequence' || src.what === 'linear') && src.node === last && !main) { main = { name, v }; continue; }
    throw new Error(`${file}: expected the graph outputs to be the output of the last recurrent node (${nodes[last].label}, through a head) and final states, got output '${name}' holding ${v ? describeValueKind(v) : 'nothing'}`);
  }
  if (!main) throw new Error(`${file}: expected a graph output computed from the last recurrent node (${nodes[last].label}), got none`);
  const src = main.v.src.what === 'softmax' ? main.v.src.of : main.v.src;
  if (src.what !== 'sequence' && src.what !== 'linear') throw new Error(`${file}: expected the output from a recurrent node`);
  const axes = main.v.axes.map((a) => roles.of(a));
  if (src.what === 'sequence') {
    const f = axes[axes.length - 1];
    const rank = src.readout === 'all' ? 3 : 2;
    if (axes.length !== rank || axes.slice(0, -1).some((r) => r !== 'T' && r !== 'B') || !(f === 'F' || (f === 'H' && nodes[last].directions === 1))) {
      throw new Error(`${file}: expected output '${main.name}' of axes ${rank === 3 ? '[T, B, F] or [B, T, F]' : '[B, F]'}, the directions side by side as features, got axes ${describeAxes(main.v.axes, roles)}`);
    }
  }
  const inputValue = values.get(input);
  const batchFirst = inputValue?.kind === 'data' && roles.of(inputValue.axes[0]) === 'B';
  if (src.readout === 'all' && batchFirst !== (axes[0] === 'B')) {
    throw new Error(`${file}: expected output '${main.name}' in the layout of input '${input}' (${batchFirst ? '[B, T, ·]' : '[T, B, ·]'}), got axes ${describeAxes(main.v.axes, roles)}`);
  }
  return {
    nodes, input, batchFirst, embedding,
    head: src.what === 'linear' ? { weight: src.weight, bias: src.bias } : null,
    softmax: main.v.src.what === 'softmax', readout: src.readout, output: main.name, stateOutputs,
  };
}
