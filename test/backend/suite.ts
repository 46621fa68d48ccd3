// The one test suite over every backend (as jax-js runs its suite per device): `backends()` lists
// the reference and each build of the wasm module that loads here, and `onEveryBackend` runs a
// check on each, as the current backend. Storage helpers make operands whose values start either
// in the host array or, on a device, only in device memory, so that both paths into a kernel run.

import { getBackend, refBackend, setBackend, wasmBackend, type Backend } from '../../src/backend/backend.js';
import { Storage } from '../../src/backend/storage.js';
import { selectWasmVariant, wasmHeap, wasmModule, wasmVariant } from '../../src/backend/wasm/module.js';
import type { DType } from '../../src/backend/dtype.js';

export interface BackendCase {
  readonly name: string;
  readonly backend: Backend;
  /** Makes this case current (the backend, and for wasm the module build). */
  enter(): void;
}

/** The reference, then the wasm backend under each build of the module that loads here. */
export function backends(): BackendCase[] {
  const out: BackendCase[] = [{ name: 'ref', backend: refBackend, enter: () => setBackend(refBackend) }];
  if (wasmModule() === null) return out;
  const start = wasmVariant();
  for (const v of ['plain', 'relaxed'] as const) {
    if (!selectWasmVariant(v)) continue;
    out.push({ name: `wasm-${v}`, backend: wasmBackend, enter: () => { selectWasmVariant(v); setBackend(wasmBackend); } });
  }
  selectWasmVariant(start);
  return out;
}

/** Runs body(backend, name) with each backend current, then restores the backend and build in use. */
export function onEveryBackend(body: (be: Backend, name: string) => void): void {
  const before = getBackend(), build = wasmVariant();
  try {
    for (const c of backends()) { c.enter(); body(c.backend, c.name); }
  } finally {
    setBackend(before);
    if (wasmModule() !== null) selectWasmVariant(build);
  }
}

/** A storage holding `values` (float32 unless said), in host memory. */
export function st(values: ArrayLike<number>, dtype: DType = 'float32'): Storage {
  const s = new Storage(dtype, values.length);
  s.overwrite().set(values);
  return s;
}

/**
 * The same storage moved to where `be` computes, with its host copy stale: on the wasm backend its
 * values then exist only in linear memory (float32), so a kernel must read them there.
 */
export function resident(s: Storage, be: Backend): Storage {
  if (be.name === 'wasm' && s.dtype === 'float32') {
    const h = wasmHeap()!;
    h.writePtr(s); // copies the values in and marks the host copy stale
  }
  return s;
}

/** A storage of `values` on the backend's side (see resident). */
export function dst(values: ArrayLike<number>, be: Backend, dtype: DType = 'float32'): Storage {
  return resident(st(values, dtype), be);
}

/** The current values, as a fresh array. */
export function vals(s: Storage): Float32Array | Float64Array {
  return s.read().slice();
}

type ArrayArgs<F> = F extends (...args: infer A) => infer R ? (...args: { [K in keyof A]: A[K] extends Storage ? Float32Array | Float64Array : A[K] extends Storage | null ? Float32Array | Float64Array | null : A[K] }) => R : never;

/** The kernels of `be` on plain arrays: each array is adopted as a storage's host copy, and written back after the call. */
export function arrayBackend(be: Backend): { [K in Exclude<keyof Backend, 'name'>]: ArrayArgs<Backend[K]> } {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(be) as (keyof Backend)[]) {
    if (key === 'name') continue;
    const f = be[key] as (...args: unknown[]) => unknown;
    out[key] = (...args: unknown[]) => {
      const wrapped: Storage[] = [];
      const a = args.map((x) => {
        if (x instanceof Float32Array || x instanceof Float64Array) { const s = Storage.wrap(x); wrapped.push(s); return s; }
        return x;
      });
      const r = f(...a);
      for (const s of wrapped) s.read();
      return r;
    };
  }
  return out as { [K in Exclude<keyof Backend, 'name'>]: ArrayArgs<Backend[K]> };
}
