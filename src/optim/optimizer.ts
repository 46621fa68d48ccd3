// The Optimizer base class, as in torch.optim: parameter groups with their own hyper-parameters,
// lazily created per-parameter state buffers, zeroGrad, and a state dict that resumes training
// exactly. A subclass supplies only its defaults, their checks and the per-parameter update rule.
//
// Updates work on the parameters' storages directly (the backend's adamUpdate / sgdUpdate kernels,
// or plain loops on the host copies), so they never record a graph, and allocate no buffers once a
// parameter's exist: the first step that sees a gradient creates them, later steps reuse them.

import { Storage } from '../backend/storage.js';
import { getBackend } from '../backend/backend.js';
import { enableGrad } from '../autograd/grad_mode.js';
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import {
  checkHyperParams, exportStateDict, parseStateDict,
  type OptimizerStateDict, type StateDictInput,
} from './state_dict.js';

/** The hyper-parameter every optimizer has; subclasses add theirs (all JSON-serialisable). */
export interface BaseHyperParams {
  lr: number;
}

/** A parameter group: its tensors and the hyper-parameters that apply to them. */
export type ParamGroup<H> = H & { params: Tensor[] };

/** A group as given to a constructor: any hyper-parameter left out takes the optimizer's default. */
export type ParamGroupInput<H> = Partial<H> & { params: Iterable<Tensor> };

/** What optimizers take: a list of tensors (one group) or a list of groups. */
export type ParamsInput<H> = Iterable<Tensor> | readonly ParamGroupInput<H>[];

/** Per-parameter state: how many updates it has had and its named buffers (shaped like it). */
export interface ParamState {
  step: number;
  buffers: Record<string, Storage>;
}

/**
 * Base of all optimizers. `paramGroups[k]` holds the tensors of group k and its hyper-parameters,
 * which may be changed between steps (schedulers set `lr`). Parameters are numbered in group
 * order, which is how the state dict names them (`state.3.exp_avg` is parameter 3's buffer).
 */
export abstract class Optimizer<H extends BaseHyperParams> {
  /** The groups; hyper-parameters here are read afresh at every step. */
  paramGroups: ParamGroup<H>[] = [];
  /** Values used for hyper-parameters a group leaves out. */
  readonly defaults: Readonly<H>;
  /** The class name written into state dicts, checked when loading. */
  readonly kind: string;
  protected state = new Map<Tensor, ParamState>();

  protected constructor(kind: string, params: ParamsInput<H>, defaults: H) {
    this.kind = kind;
    this.validate(defaults);
    this.defaults = Object.freeze({ ...defaults });
    const list = Array.from(params as Iterable<unknown>);
    if (list.length === 0) throw new Error(`${kind}: got an empty parameter list`);
    if (list.every((x) => x instanceof Tensor)) {
      this.addParamGroup({ params: list as Tensor[] } as unknown as ParamGroupInput<H>);
    } else {
      list.forEach((g, k) => {
        if (g === null || typeof g !== 'object' || g instanceof Tensor || !('params' in g)) {
          throw new Error(`${kind}: expected a list of tensors or of parameter groups { params, ... }, got a mix (entry ${k})`);
        }
        this.addParamGroup(g as ParamGroupInput<H>);
      });
    }
  }

  /**
   * Adds a group (like torch's add_param_group): missing hyper-parameters take the defaults.
   * A tensor may belong to only one group, and it must be a leaf (a tensor no operation produced).
   */
  addParamGroup(group: ParamGroupInput<H>): void {
    const params = group.params instanceof Tensor ? [group.params] : Array.from(group.params);
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new Error(`${this.kind}: parameter group entry ${i} is not a Tensor`);
      if (!p.isLeaf) throw new Error(`${this.kind}: can only optimize leaf tensors; entry ${i} (${p}) is the output of an operation`);
      if (seen.has(p)) throw new Error(`${this.kind}: a parameter appears more than once (entry ${i}, ${p})`);
      seen.add(p);
    });
    const hyper: Record<string, unknown> = { ...this.defaults };
    for (const [key, value] of Object.entries(group)) {
      if (key === 'params' || value === undefined) continue;
      if (!(key in this.defaults)) throw new Error(`${this.kind}: unknown hyper-parameter '${key}' in parameter group`);
      hyper[key] = value;
    }
    // Each group owns its arrays (betas), so changing one group never changes another or the defaults.
    for (const [key, value] of Object.entries(hyper)) if (Array.isArray(value)) hyper[key] = [...value];
    checkHyperParams(this.kind, this.defaults, hyper, `parameter group ${this.paramGroups.length}`);
    this.validate(hyper as unknown as H);
    this.paramGroups.push({ ...(hyper as unknown as H), params });
  }

  /** Every parameter, numbered as in the state dict. */
  get params(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** The learning rate of the first group. */
  get lr(): number {
    return this.paramGroups[0].lr;
  }

  /** Sets the learning rate of every group. */
  set lr(value: number) {
    if (!(value >= 0)) throw new Error(`${this.kind}: invalid learning rate ${value} (expected lr >= 0)`);
    for (const g of this.paramGroups) g.lr = value;
  }

  /**
   * One update of every parameter that has a gradient; parameters whose `grad` is null are skipped
   * (and their step count does not advance). `closure`, when given, re-evaluates the loss (with
   * gradient recording on) before the update, and its value is returned.
   */
  step(closure?: () => number): number | undefined {
    const loss = closure === undefined ? undefined : enableGrad(closure);
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = p.peekGrad();
        if (g === null) continue;
        if (g.size !== p.size) {
          throw new Error(`${this.kind}: expected a gradient of shape ${formatShape(p.shape)}, got ${formatShape(g.shape)}`);
        }
        let st = this.state.get(p);
        if (st === undefined) {
          st = { step: 0, buffers: {} };
          this.state.set(p, st);
        }
        st.step += 1;
        this.update(p.storage, g.storage, st, group);
      }
    }
    return loss;
  }

  /**
   * Clears the gradients before the next backward pass: sets them to null (the default, as torch
   * does since 2.0: no memory traffic, and null marks "no gradient") or fills them with zeros.
   */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = p.peekGrad();
        if (setToNone) p.setGrad(null);
        else if (g !== null) getBackend().fill(g.storage, 0, 0, g.size);
      }
    }
  }

  /** The state of one parameter (null before its first update). */
  stateOf(p: Tensor): Readonly<ParamState> | null {
    return this.state.get(p) ?? null;
  }

  /**
   * A snapshot of the optimizer for a checkpoint: `tensors` holds copies of every state buffer as
   * `state.<param index>.<buffer name>`, `meta` the hyper-parameters of each group and the step
   * count of each parameter, as plain JSON (safetensors' `__metadata__`, or JSON.stringify).
   */
  stateDict(): OptimizerStateDict {
    return exportStateDict(this.kind, this.paramGroups, this.state);
  }

  /**
   * Restores a snapshot taken by stateDict(), onto this optimizer's own parameters (matched by
   * position, as torch does). Everything is checked before anything changes: the optimizer kind,
   * the group sizes, every hyper-parameter, and each state tensor's name and shape. Hyper-parameters
   * (including a scheduled `lr`) come from the snapshot; buffers are copied in the parameter's dtype.
   */
  loadStateDict(dict: StateDictInput): void {
    const parsed = parseStateDict(dict, this.kind, this.paramGroups, this.defaults,
      (g) => this.validate(g as unknown as H), (g) => this.bufferNames(g as unknown as H));
    this.paramGroups = parsed.groups.map((hyper, k) => ({ ...(hyper as unknown as H), params: this.paramGroups[k].params }));
    this.state = new Map();
    for (const [p, entry] of parsed.state) {
      const buffers: Record<string, Storage> = {};
      for (const [name, t] of Object.entries(entry.buffers)) {
        buffers[name] = new Storage(p.dtype, p.size);
        buffers[name].overwrite().set(t.dataSync());
      }
      this.state.set(p, { step: entry.step, buffers });
    }
  }

  /** Throws a clear error when a group's hyper-parameters are out of range. */
  protected abstract validate(hyper: H): void;

  /** The buffers a parameter of this group has after its first update (checked when loading). */
  protected abstract bufferNames(hyper: H): string[];

  /** Updates one parameter in place. `p` and `g` are its values and gradient (same length). */
  protected abstract update(p: Storage, g: Storage, state: ParamState, group: H): void;

  /** The named buffer, created (shaped like `p`, filled with `fill`) the first time it is asked for. */
  protected buffer(state: ParamState, name: string, p: Storage, fill = 0): Storage {
    let b = state.buffers[name];
    if (b === undefined) {
      b = new Storage(p.dtype, p.length);
      if (fill !== 0) getBackend().fill(b, fill, 0, b.length);
      state.buffers[name] = b;
    }
    return b;
  }
}

/** Fills in the defaults for the options a caller left out (undefined counts as left out). */
export function withDefaults<H extends object>(defaults: H, options: Partial<H>): H {
  const out = { ...defaults } as Record<string, unknown>;
  for (const [k, v] of Object.entries(options)) if (v !== undefined) out[k] = v;
  for (const [k, v] of Object.entries(out)) if (Array.isArray(v)) out[k] = [...v];
  return out as H;
}

/** Range check used by the optimizers' validate(): `Adam: invalid eps -1 (expected eps >= 0)`. */
export function checkHyper(kind: string, name: string, value: number, ok: boolean, expected: string): void {
  if (!ok || Number.isNaN(value)) throw new Error(`${kind}: invalid ${name} ${value} (expected ${expected})`);
}
