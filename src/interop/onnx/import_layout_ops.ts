// The layout operators of an imported graph, on the importer's abstract values (import_values.ts):
// Shape and what is built from it (Gather, Unsqueeze, Concat, Slice on dimension lists), initial
// states made of zeros (ConstantOfShape, Expand), and the moves of data between the recurrent nodes
// (Transpose, Squeeze, Unsqueeze, Reshape, Slice, Cast, Identity). A move the importer cannot follow
// exactly is refused with what was expected and what came.

import { describeAxes, describeValueKind, type Axis, type Roles, type Value } from './import_values.js';
import type { ConstTensor } from './tensor_proto.js';
import { readTensorProto } from './tensor_proto.js';
import type { AttributeValue, OnnxTypes } from './proto.js';
import { appendAll } from '../../tensor/large_arrays.js';

/** What a layout operator sees: its inputs (null where left out), attributes, the opset, and names for errors. */
export interface OpContext {
  readonly op: string;
  readonly inputs: readonly (Value | null)[];
  readonly attrs: ReadonlyMap<string, AttributeValue>;
  readonly opset: number;
  readonly roles: Roles;
  /** 'file: node Op \'name\'' for messages. */
  readonly where: string;
}

/** The layout operators handled here. */
export const LAYOUT_OPS: readonly string[] = [
  'Identity', 'Dropout', 'Cast', 'Shape', 'Unsqueeze', 'Squeeze', 'Concat', 'Slice', 'Transpose', 'Reshape',
  'ConstantOfShape', 'Expand', 'Constant',
];

/** The outputs of a layout operator (Gather on dimensions and constants is gatherLayout). */
export function layoutOp(c: OpContext): Value[] {
  const x = c.inputs[0] ?? null;
  switch (c.op) {
    case 'Constant': return [constantNode(c)];
    case 'Identity': return [need(c, x, 0)];
    case 'Dropout': {
      // Inference is the identity, unless the graph asks for training mode (opset 12's third input).
      const mode = c.inputs[2] ?? null;
      if (mode !== null && !(mode.kind === 'const' && mode.t.data[0] === 0)) fail(c, 'a Dropout in inference mode', 'training_mode given');
      return [need(c, x, 0)];
    }
    case 'Cast': return [cast(c, need(c, x, 0))];
    case 'Shape': return [shapeOf(c, need(c, x, 0))];
    case 'Unsqueeze': return [unsqueeze(c, need(c, x, 0), axesOperand(c))];
    case 'Squeeze': return [squeeze(c, need(c, x, 0), c.inputs[1] || c.attrs.has('axes') ? axesOperand(c) : null)];
    case 'Concat': return [concat(c)];
    case 'Slice': return [slice(c, need(c, x, 0))];
    case 'Transpose': return [transpose(c, need(c, x, 0))];
    case 'Reshape': return [reshape(c, need(c, x, 0), ints(c, need(c, c.inputs[1] ?? null, 1), 'shape'))];
    case 'ConstantOfShape': {
      const value = c.attrs.get('value');
      if (value !== undefined && !isZeroTensor(readTensorProto(value as OnnxTypes.ITensorProto, c.where))) fail(c, 'a value of 0 (initial states of zeros)', 'another value');
      return [{ kind: 'zeros', rank: ints(c, need(c, x, 0), 'shape').length }];
    }
    case 'Expand': {
      const v = need(c, x, 0);
      if (!(v.kind === 'zeros' || (v.kind === 'const' && isZeroTensor(v.t)))) fail(c, 'zeros to expand (initial states of zeros)', describeValueKind(v));
      const rank = ints(c, need(c, c.inputs[1] ?? null, 1), 'shape').length;
      return [{ kind: 'zeros', rank: Math.max(rank, v.kind === 'zeros' ? v.rank : v.t.dims.length) }];
    }
    default: throw new Error(`${c.where}: not a layout operator`);
  }
}

/** Gather on a list of dimensions or a constant (data and embeddings are the importer's business). */
export function gatherLayout(c: OpContext, data: Value, indices: Value): Value | null {
  const axis = Number(c.attrs.get('axis') ?? 0);
  if (indices.kind !== 'const' || indices.t.float) return null;
  const idx = indices.t.data as number[];
  const scalar = indices.t.dims.length === 0;
  if (data.kind === 'dims') {
    const n = data.dims.length;
    return { kind: 'dims', dims: idx.map((i) => data.dims[i < 0 ? i + n : i]), scalar };
  }
  if (data.kind === 'const' && data.t.dims.length === 1 && axis === 0) {
    const n = data.t.dims[0];
    const values = idx.map((i) => data.t.data[i < 0 ? i + n : i]);
    return { kind: 'const', t: { dims: scalar ? [] : [values.length], float: data.t.float, data: data.t.float ? Float32Array.from(values) : values } };
  }
  return null;
}

/** Whether every value of a constant is 0. */
export function isZeroTensor(t: ConstTensor): boolean {
  for (let i = 0; i < t.data.length; i++) if (t.data[i] !== 0) return false;
  return true;
}

/** The integers a value holds: a constant or a list of known dimensions. */
export function ints(c: OpContext, v: Value, what: string): number[] {
  if (v.kind === 'const' && !v.t.float) return [...(v.t.data as number[])];
  if (v.kind === 'dims') {
    // Dimensions whose size is not fixed stay symbolic; Reshape reads them as "this axis".
    return v.dims.map((d) => (typeof d === 'number' ? d : d.size ?? Number.NaN));
  }
  return fail(c, `constant integers for ${what}`, describeValueKind(v));
}

/** Throws `where: expected …, got …`. */
export function fail(c: Pick<OpContext, 'where'>, expected: string, got: string): never {
  throw new Error(`${c.where}: expected ${expected}, got ${got}`);
}

function need(c: OpContext, v: Value | null, i: number): Value {
  if (v === null) fail(c, `input ${i}`, 'none');
  return v;
}

function constantNode(c: OpContext): Value {
  const t = c.attrs.get('value');
  if (t !== undefined && typeof t === 'object' && !Array.isArray(t)) return { kind: 'const', t: readTensorProto(t, c.where) };
  const vi = c.attrs.get('value_int'), vis = c.attrs.get('value_ints'), vf = c.attrs.get('value_float');
  if (typeof vi === 'number') return { kind: 'const', t: { dims: [], float: false, data: [vi] } };
  if (Array.isArray(vis)) return { kind: 'const', t: { dims: [vis.length], float: false, data: vis as number[] } };
  if (typeof vf === 'number') return { kind: 'const', t: { dims: [], float: true, data: Float32Array.of(vf) } };
  return fail(c, 'a Constant with value, value_int, value_ints or value_float', `attributes [${[...c.attrs.keys()].join(', ')}]`);
}

// The axes of Unsqueeze / Squeeze: an input from opset 13, an attribute before.
function axesOperand(c: OpContext): number[] {
  if (c.opset >= 13) return ints(c, need(c, c.inputs[1] ?? null, 1), 'axes');
  const a = c.attrs.get('axes');
  if (!Array.isArray(a)) fail(c, 'an axes attribute', 'none');
  return a as number[];
}

function cast(c: OpContext, v: Value): Value {
  if (v.kind !== 'const') return v;
  const to = Number(c.attrs.get('to'));
  const float = to === 1 || to === 11;
  return { kind: 'const', t: { dims: v.t.dims, float, data: float ? Float32Array.from(v.t.data) : Array.from(v.t.data, Math.trunc) } };
}

function shapeOf(c: OpContext, v: Value): Value {
  if (c.attrs.has('start') || c.attrs.has('end')) fail(c, 'Shape without start or end', 'a partial Shape');
  if (v.kind === 'data') return { kind: 'dims', dims: v.axes.map((a) => a), scalar: false };
  if (v.kind === 'const') return { kind: 'const', t: { dims: [v.t.dims.length], float: false, data: [...v.t.dims] } };
  return fail(c, 'the shape of data or of a constant', describeValueKind(v));
}

function unsqueeze(c: OpContext, v: Value, axes: number[]): Value {
  if (v.kind === 'dims') {
    if (!v.scalar || axes.length !== 1) fail(c, 'a scalar dimension made a vector', 'another Unsqueeze of dimensions');
    return { kind: 'dims', dims: v.dims, scalar: false };
  }
  if (v.kind === 'zeros') return { kind: 'zeros', rank: v.rank + axes.length };
  if (v.kind === 'const') {
    const rank = v.t.dims.length + axes.length, dims = [...v.t.dims];
    for (const a of axes.map((a) => (a < 0 ? a + rank : a)).sort((p, q) => p - q)) dims.splice(a, 0, 1);
    return { kind: 'const', t: { ...v.t, dims } };
  }
  const rank = v.axes.length + axes.length, out = [...v.axes];
  for (const a of axes.map((a) => (a < 0 ? a + rank : a)).sort((p, q) => p - q)) out.splice(a, 0, { role: '1', size: 1 });
  return { kind: 'data', src: v.src, axes: out };
}

function squeeze(c: OpContext, v: Value, axes: number[] | null): Value {
  if (v.kind === 'zeros') return { kind: 'zeros', rank: v.rank - (axes?.length ?? 0) };
  if (v.kind === 'const') {
    const drop = new Set((axes ?? v.t.dims.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => (a < 0 ? a + v.t.dims.length : a)));
    return { kind: 'const', t: { ...v.t, dims: v.t.dims.filter((_, i) => !drop.has(i)) } };
  }
  if (v.kind !== 'data') return fail(c, 'data, zeros or a constant to squeeze', describeValueKind(v));
  const n = v.axes.length;
  const drop = new Set((axes ?? v.axes.flatMap((a, i) => (a.size === 1 ? [i] : []))).map((a) => (a < 0 ? a + n : a)));
  for (const i of drop) {
    if (v.axes[i]?.size !== 1) fail(c, `axis ${i} of size 1 to squeeze`, `${describeValueKind(v)} of axes ${describeAxes(v.axes, c.roles)}`);
  }
  return { kind: 'data', src: v.src, axes: v.axes.filter((_, i) => !drop.has(i)) };
}

function concat(c: OpContext): Value {
  const vs = c.inputs.map((v, i) => need(c, v, i));
  if (vs.every((v) => v.kind === 'dims' || (v.kind === 'const' && !v.t.float && v.t.dims.length === 1))) {
    return { kind: 'dims', dims: vs.flatMap((v) => (v.kind === 'dims' ? v.dims : (v as { t: ConstTensor }).t.data as number[])), scalar: false };
  }
  if (vs.every((v) => v.kind === 'zeros')) return vs[0];
  const axis = Number(c.attrs.get('axis'));
  // Final states of consecutive nodes stacked along the first axis, as PyTorch returns h_n.
  const first = vs[0];
  if (first.kind === 'data' && first.src.what === 'states' && axis === 0) {
    const which = first.src.which;
    const nodes: number[] = [];
    let rows = 0;
    for (const v of vs) {
      if (v.kind !== 'data' || v.src.what !== 'states' || v.src.which !== which) fail(c, `final states ${which} to stack`, describeValueKind(v));
      appendAll(nodes, v.src.nodes);
      rows += v.axes[0].size ?? Number.NaN;
    }
    if (nodes.some((n, i) => i > 0 && n !== nodes[i - 1] + 1)) fail(c, 'the final states of consecutive recurrent nodes in order', `nodes ${nodes.join(', ')}`);
    return { kind: 'data', src: { what: 'states', which, nodes }, axes: [{ role: 'D', size: rows }, ...first.axes.slice(1)] };
  }
  return fail(c, 'dimensions, zeros or final states to concatenate', vs.map(describeValueKind).join(' and '));
}

function slice(c: OpContext, v: Value): Value {
  let starts: number[], ends: number[], axes: number[] | null, steps: number[] | null;
  if (c.opset >= 10) {
    starts = ints(c, need(c, c.inputs[1] ?? null, 1), 'starts');
    ends = ints(c, need(c, c.inputs[2] ?? null, 2), 'ends');
    axes = c.inputs[3] ? ints(c, c.inputs[3], 'axes') : null;
    steps = c.inputs[4] ? ints(c, c.inputs[4], 'steps') : null;
  } else {
    starts = c.attrs.get('starts') as number[];
    ends = c.attrs.get('ends') as number[];
    axes = (c.attrs.get('axes') as number[] | undefined) ?? null;
    steps = null;
  }
  if (steps && steps.some((s) => s !== 1)) fail(c, 'Slice steps of 1', `[${steps.join(', ')}]`);
  if (v.kind === 'zeros') return v;
  const axisList = axes ?? starts.map((_, i) => i);
  const range = (size: number, i: number): [number, number] => {
    const clamp = (p: number): number => Math.min(Math.max(p < 0 ? p + size : p, 0), size);
    return [clamp(starts[i]), clamp(ends[i])];
  };
  if (v.kind === 'dims' || (v.kind === 'const' && v.t.dims.length === 1)) {
    if (axisList.length !== 1 || (axisList[0] !== 0 && axisList[0] !== -1)) fail(c, 'a slice of a vector along axis 0', `axes [${axisList.join(', ')}]`);
    const list: (number | Axis)[] = v.kind === 'dims' ? [...v.dims] : [...(v.t.data as number[])];
    const [s, e] = range(list.length, 0);
    const part = list.slice(s, e);
    return v.kind === 'dims' ? { kind: 'dims', dims: part, scalar: false }
      : { kind: 'const', t: { dims: [part.length], float: v.t.float, data: v.t.float ? Float32Array.from(part as number[]) : part as number[] } };
  }
  if (v.kind !== 'data') return fail(c, 'data, zeros or dimensions to slice', describeValueKind(v));
  const out = [...v.axes];
  axisList.forEach((ax, i) => {
    const a = ax < 0 ? ax + out.length : ax;
    const axis = out[a];
    if (axis === undefined) fail(c, `an axis below ${out.length}`, String(ax));
    if (axis.size === null) fail(c, `a slice along an axis of known size (the stacked states' first axis)`, `a slice along axis ${a} of ${describeAxes(v.axes, c.roles)}`);
    const [s, e] = range(axis.size, i);
    const base = axis.rows?.[0] ?? 0;
    out[a] = { role: axis.role, size: e - s, rows: [base + s, base + e] };
  });
  return { kind: 'data', src: v.src, axes: out };
}

function transpose(c: OpContext, v: Value): Value {
  if (v.kind === 'zeros') return v;
  const rank = v.kind === 'data' ? v.axes.length : v.kind === 'const' ? v.t.dims.length : -1;
  if (rank < 0) return fail(c, 'data, zeros or a constant to transpose', describeValueKind(v));
  const perm = (c.attrs.get('perm') as number[] | undefined) ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) fail(c, `a permutation of ${rank} axes`, `[${perm.join(', ')}]`);
  if (v.kind === 'data') return { kind: 'data', src: v.src, axes: perm.map((p) => v.axes[p]) };
  const t = (v as { t: ConstTensor }).t;
  const dims = perm.map((p) => t.dims[p]);
  const strides = t.dims.map((_, i) => t.dims.slice(i + 1).reduce((a, d) => a * d, 1));
  const out: number[] = new Array(t.data.length);
  const idx = new Array(rank).fill(0);
  for (let k = 0; k < out.length; k++) {
    let from = 0;
    for (let i = 0; i < rank; i++) from += idx[i] * strides[perm[i]];
    out[k] = t.data[from];
    for (let i = rank - 1; i >= 0; i--) { if (++idx[i] < dims[i]) break; idx[i] = 0; }
  }
  return { kind: 'const', t: { dims, float: t.float, data: t.float ? Float32Array.from(out) : out } };
}

// Reshape of data: a prefix of axes kept (0, -1 alone, or the same size), the rest merged into one
// last axis. Merging directions then hidden units is the side-by-side features of a bidirectional
// layer; any other merge would mix what unfold keeps apart.
function reshape(c: OpContext, v: Value, shape: number[]): Value {
  if (v.kind === 'zeros') return { kind: 'zeros', rank: shape.length };
  if (v.kind === 'const') {
    const n = v.t.data.length;
    const dims = shape.map((d, i) => (d === 0 ? v.t.dims[i] : d));
    const known = dims.reduce((a, d) => (d === -1 ? a : a * d), 1);
    return { kind: 'const', t: { ...v.t, dims: dims.map((d) => (d === -1 ? n / known : d)) } };
  }
  if (v.kind !== 'data') return fail(c, 'data, zeros or a constant to reshape', describeValueKind(v));
  const out: Axis[] = [];
  let i = 0;
  for (; i < shape.length - 1; i++) {
    const a = v.axes[i];
    if (a === undefined || !(shape[i] === 0 || (a.size !== null && shape[i] === a.size) || Number.isNaN(shape[i]))) break;
    out.push(a);
  }
  const rest = v.axes.slice(i);
  if (out.length !== shape.length - 1 || rest.length === 0) {
    fail(c, 'a reshape that keeps leading axes and merges the last ones', `shape [${shape.join(', ')}] for axes ${describeAxes(v.axes, c.roles)}`);
  }
  const last = shape[shape.length - 1];
  const merged = rest.reduce<number | null>((p, a) => (p === null || a.size === null ? null : p * a.size), 1);
  if (last !== -1 && !Number.isNaN(last) && merged !== null && last !== merged) {
    fail(c, `a last dimension of ${merged} (the merged axes ${describeAxes(rest, c.roles)})`, String(last));
  }
  if (rest.length === 1) return { kind: 'data', src: v.src, axes: [...out, rest[0]] };
  const roles = rest.map((a) => c.roles.of(a));
  const sizes = rest.map((a) => a.size);
  if (roles.length !== 2 || roles[0] !== 'D' || roles[1] !== 'H' || sizes.includes(null)) {
    fail(c, 'a merge of the directions axis with the hidden axis, in that order', `a merge of ${describeAxes(rest, c.roles)}`);
  }
  return { kind: 'data', src: v.src, axes: [...out, { role: 'F', size: (sizes[0] ?? 0) * (sizes[1] ?? 0) }] };
}
