// What the importer knows about each value of an ONNX graph as it reads the nodes in order. It never
// computes the model: it tracks what a value *is* (a constant, a list of dimensions, zeros, or data
// flowing from a graph input) and, for data, what each axis indexes (time, batch, features,
// directions, hidden units, or an axis of a graph input whose role is not known yet). That is how the
// layout plumbing a PyTorch export puts around its LSTM nodes (Transpose, Squeeze, Reshape, Shape →
// ConstantOfShape initial states …) is seen through and checked, and what cannot be is refused.

import type { ConstTensor } from './tensor_proto.js';

/**
 * An axis of a data value. role: 'T' time, 'B' batch, 'D' directions, 'H' hidden units, 'F' features,
 * '1' an inserted axis of size 1, or `input#i` for axis i of a graph input until its role is known.
 * rows: for an axis sliced by Slice/Gather, the part of the original axis it holds.
 */
export interface Axis {
  readonly role: string;
  readonly size: number | null;
  readonly rows?: readonly [number, number];
}

/** Where the data in a value comes from. */
export type Source =
  /** A graph input, only moved around (transposed, sliced, cast). */
  | { readonly what: 'input'; readonly name: string; readonly integer: boolean }
  /** Rows of an embedding table picked by the ids of a graph input. */
  | { readonly what: 'embedded'; readonly table: ConstTensor; readonly ids: string }
  /** Output Y of recurrent node `node` (numbered in graph order). */
  | { readonly what: 'sequence'; readonly node: number; readonly readout: 'all' | 'last' }
  /** Final states Y_h / Y_c of the listed recurrent nodes, stacked along the first axis. */
  | { readonly what: 'states'; readonly which: 'h' | 'c'; readonly nodes: readonly number[] }
  /** A linear map of a sequence: x·W (+ b). weight [F, O]. */
  | { readonly what: 'linear'; readonly node: number; readonly readout: 'all' | 'last'; readonly weight: ConstTensor; readonly bias: ConstTensor | null }
  /** A softmax over the last axis of a linear map. */
  | { readonly what: 'softmax'; readonly of: Source };

/** An abstract value of the graph. */
export type Value =
  | { readonly kind: 'const'; readonly t: ConstTensor }
  /** An integer vector (or scalar, rank 0) of dimensions: Shape's output and what is built from it. */
  | { readonly kind: 'dims'; readonly dims: readonly (number | Axis)[]; readonly scalar: boolean }
  /** All zeros (ConstantOfShape, Expand of zeros, an all-zero constant), of rank `rank`. */
  | { readonly kind: 'zeros'; readonly rank: number }
  | { readonly kind: 'data'; readonly src: Source; readonly axes: readonly Axis[] };

/** Axis roles found so far: `input#i` → 'T' or 'B'. */
export class Roles {
  private readonly bound = new Map<string, string>();

  /** The role of an axis, after what has been learnt. */
  of(a: Axis): string {
    return this.bound.get(a.role) ?? a.role;
  }

  /** Learns that `a` is a `role` axis; false when it is already known as something else. */
  bind(a: Axis, role: string): boolean {
    const now = this.of(a);
    if (now === role) return true;
    if (!now.includes('#')) return false;
    this.bound.set(now, role);
    return true;
  }

  /** 'input#i' roles that were bound, as [name#i, role]. */
  entries(): [string, string][] {
    return [...this.bound.entries()];
  }
}

/** How messages show a value's axes: `[T, B, F=12]`. */
export function describeAxes(axes: readonly Axis[], roles: Roles): string {
  return `[${axes.map((a) => {
    const r = roles.of(a);
    const shown = r.includes('#') ? `?${r.slice(r.indexOf('#'))}` : r;
    return a.size === null ? shown : `${shown}=${a.size}`;
  }).join(', ')}]`;
}

/** How messages show what a value is. */
export function describeValueKind(v: Value): string {
  if (v.kind === 'const') return `a constant of shape [${v.t.dims.join(', ')}]`;
  if (v.kind === 'dims') return 'a list of dimensions';
  if (v.kind === 'zeros') return 'zeros';
  const s = v.src;
  switch (s.what) {
    case 'input': return `graph input '${s.name}'`;
    case 'embedded': return `the embedding of input '${s.ids}'`;
    case 'sequence': return `the output sequence of recurrent node ${s.node}`;
    case 'states': return `final states of recurrent node${s.nodes.length > 1 ? 's' : ''} ${s.nodes.join(', ')}`;
    case 'linear': return `a linear map of recurrent node ${s.node}'s outputs`;
    case 'softmax': return 'a softmax';
  }
}
