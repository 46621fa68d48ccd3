// The optimizer state dict: its format, and the checks a checkpoint passes before it is loaded.
//
//   tensors: { 'state.<i>.<buffer>': Tensor }      per-parameter buffers, shaped like parameter i
//   meta:    { optimizer: 'Adam',                   which class wrote it
//              paramGroups: [{ lr, betas, ..., params: [0, 1, 2] }],
//              state: { '<i>': { step } } }        plain JSON
//
// This is the layout of torch's optimizer.state_dict() (parameters numbered in group order), split so
// that the tensors go into a safetensors file and the rest into its JSON header. Loading validates
// everything first, so a bad checkpoint leaves the optimizer untouched and names what was wrong.

import type { Storage } from '../backend/storage.js';
import { Tensor } from '../tensor/tensor.js';
import { formatShape, sameShape } from '../tensor/shape.js';

/** A hyper-parameter value as JSON holds it. */
export type HyperValue = number | boolean | number[];

/** The JSON half of an optimizer state dict. */
export interface OptimizerMeta {
  optimizer: string;
  paramGroups: (Record<string, HyperValue> & { params: number[] })[];
  state: Record<string, { step: number }>;
}

/** What Optimizer.stateDict() returns: buffers as tensors, everything else as plain JSON. */
export interface OptimizerStateDict {
  tensors: Record<string, Tensor>;
  meta: OptimizerMeta;
}

/** What loadStateDict() accepts: meta is checked at run time (it usually comes from a file). */
export interface StateDictInput {
  tensors: Readonly<Record<string, Tensor>>;
  meta: unknown;
}

interface GroupLike { params: Tensor[] }
interface StateLike { step: number; buffers: Record<string, Storage> }

/** Builds the state dict; buffers are copied, so later steps do not change a saved snapshot. */
export function exportStateDict(kind: string, groups: readonly GroupLike[], state: ReadonlyMap<Tensor, StateLike>): OptimizerStateDict {
  const index = new Map<Tensor, number>();
  const paramGroups = groups.map((g) => {
    const out: Record<string, HyperValue> = {};
    for (const [k, v] of Object.entries(g)) {
      if (k !== 'params') out[k] = Array.isArray(v) ? [...v] : (v as HyperValue);
    }
    const params = g.params.map((p) => { const i = index.size; index.set(p, i); return i; });
    return { ...out, params };
  });
  const tensors: Record<string, Tensor> = {};
  const metaState: Record<string, { step: number }> = {};
  for (const [p, i] of index) {
    const st = state.get(p);
    if (st === undefined) continue;
    metaState[String(i)] = { step: st.step };
    for (const [name, buf] of Object.entries(st.buffers)) {
      tensors[`state.${i}.${name}`] = new Tensor(buf.read().slice(), p.shape);
    }
  }
  return { tensors, meta: { optimizer: kind, paramGroups, state: metaState } };
}

/** Checks that each hyper-parameter has the type (and, for arrays, the length) of its default. */
export function checkHyperParams(kind: string, defaults: object, hyper: Record<string, unknown>, where: string): void {
  for (const [key, def] of Object.entries(defaults)) {
    const v = hyper[key];
    let ok: boolean;
    let expected: string;
    if (Array.isArray(def)) {
      ok = Array.isArray(v) && v.length === def.length && v.every((x) => typeof x === 'number');
      expected = `an array of ${def.length} numbers`;
    } else {
      ok = typeof v === typeof def;
      expected = `a ${typeof def}`;
    }
    if (!ok) throw new Error(`${kind}: ${where}: expected hyper-parameter '${key}' to be ${expected}, got ${JSON.stringify(v)}`);
  }
}

/** A validated state dict, mapped onto the optimizer's own parameters. */
export interface ParsedStateDict {
  groups: Record<string, unknown>[];
  state: Map<Tensor, { step: number; buffers: Record<string, Tensor> }>;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/**
 * Validates `dict` against the optimizer (its kind, groups and defaults) and returns the groups'
 * hyper-parameters and each parameter's step and buffers. `validate` range-checks a group;
 * `bufferNames` lists the buffers a parameter of that group must have.
 */
export function parseStateDict(
  dict: StateDictInput, kind: string, current: readonly GroupLike[], defaults: object,
  validate: (hyper: Record<string, unknown>) => void, bufferNames: (hyper: Record<string, unknown>) => string[],
): ParsedStateDict {
  const fail = (msg: string): never => { throw new Error(`${kind}.loadStateDict: ${msg}`); };
  if (!isObject(dict) || !isObject(dict.tensors)) fail('expected a state dict { tensors, meta }');
  const { tensors, meta } = dict;
  if (!isObject(meta)) return fail(`expected meta to be an object, got ${JSON.stringify(meta)}`);
  if (meta.optimizer !== kind) fail(`expected optimizer state for ${kind}, got ${JSON.stringify(meta.optimizer)}`);
  const metaGroups = meta.paramGroups;
  if (!Array.isArray(metaGroups)) return fail('expected meta.paramGroups to be an array');
  if (metaGroups.length !== current.length) {
    fail(`the state dict has ${metaGroups.length} parameter groups, the optimizer has ${current.length}`);
  }

  // Saved parameter index -> (this optimizer's tensor, its group's hyper-parameters), by position.
  const byId = new Map<number, { p: Tensor; hyper: Record<string, unknown> }>();
  const groups = metaGroups.map((g: unknown, k: number) => {
    if (!isObject(g)) return fail(`expected meta.paramGroups[${k}] to be an object`);
    const ids = g.params;
    if (!Array.isArray(ids) || !ids.every((i) => Number.isInteger(i) && i >= 0)) {
      return fail(`expected meta.paramGroups[${k}].params to be a list of parameter indices`);
    }
    if (ids.length !== current[k].params.length) {
      fail(`parameter group ${k} has ${ids.length} parameters in the state dict, ${current[k].params.length} in the optimizer`);
    }
    const hyper: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(g)) {
      if (key === 'params') continue;
      if (!(key in defaults)) fail(`parameter group ${k}: unknown hyper-parameter '${key}'`);
      hyper[key] = Array.isArray(v) ? [...v] : v;
    }
    checkHyperParams(kind, defaults, hyper, `loadStateDict: parameter group ${k}`);
    validate(hyper);
    ids.forEach((id: number, j: number) => {
      if (byId.has(id)) fail(`parameter index ${id} appears twice in meta.paramGroups`);
      byId.set(id, { p: current[k].params[j], hyper });
    });
    return hyper;
  });

  if (!isObject(meta.state)) return fail('expected meta.state to be an object');
  const state = new Map<Tensor, { step: number; buffers: Record<string, Tensor> }>();
  const used = new Set<string>();
  for (const [key, entry] of Object.entries(meta.state)) {
    const target = byId.get(Number(key));
    if (String(Number(key)) !== key || target === undefined) {
      fail(`meta.state has an entry for parameter ${key}, but the optimizer has ${byId.size} parameters`);
    }
    const { p, hyper } = target!;
    const step = isObject(entry) ? entry.step : undefined;
    if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) {
      fail(`expected meta.state.${key}.step to be a non-negative integer, got ${JSON.stringify(step)}`);
    }
    const buffers: Record<string, Tensor> = {};
    for (const name of bufferNames(hyper)) {
      const tname = `state.${key}.${name}`;
      const t = tensors[tname];
      if (t === undefined) fail(`missing state tensor ${tname}`);
      if (!(t instanceof Tensor)) fail(`expected state tensor ${tname} to be a Tensor`);
      if (!sameShape(t.shape, p.shape)) {
        fail(`expected state tensor ${tname} of shape ${formatShape(p.shape)}, got ${formatShape(t.shape)}`);
      }
      buffers[name] = t;
      used.add(tname);
    }
    state.set(p, { step: step as number, buffers });
  }
  for (const tname of Object.keys(tensors)) {
    if (!used.has(tname)) fail(`unexpected state tensor ${tname}`);
  }
  return { groups, state };
}
