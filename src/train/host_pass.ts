// Work that reads values synchronously (evaluation, sampling, checkpoint capture), run during training
// on a backend that reads back only asynchronously (WebGPU): the tensors it needs are first brought
// to the host with awaited reads, then the work runs on the wasm backend (the reference without
// SIMD), which takes them from their host copies; training resumes on the GPU afterwards, which
// takes them back the same way. One round trip of the parameters per evaluation or checkpoint, never
// per step. On other backends the work just runs.

import { getBackend, refBackend, setBackend, wasmBackend } from '../backend/backend.js';
import { wasmModule } from '../backend/wasm/module.js';
import type { Optimizer, BaseHyperParams } from '../optim/optimizer.js';
import type { Tensor } from '../tensor/tensor.js';

/** The tensors a model's (and optionally its optimizer's) state reads from: its parameters and the optimizer's buffers. */
export function stateStorages(params: readonly Tensor[], optimizer: Optimizer<BaseHyperParams> | null): { readAsync(): Promise<unknown> }[] {
  const out: { readAsync(): Promise<unknown> }[] = params.map((p) => p.storage);
  if (optimizer !== null) for (const p of params) for (const b of Object.values(optimizer.stateOf(p)?.buffers ?? {})) out.push(b);
  return out;
}

/**
 * Runs `fn` where synchronous reads work: directly, unless the current backend reads back
 * asynchronously; then after awaiting the host copies of `storages`, on the wasm backend.
 */
export async function onHostBackend<T>(storages: readonly { readAsync(): Promise<unknown> }[], fn: () => T | Promise<T>): Promise<T> {
  const be = getBackend();
  if (!be.asyncReadback) return fn();
  for (const s of storages) await s.readAsync();
  setBackend(wasmModule() !== null ? wasmBackend : refBackend);
  try {
    return await fn();
  } finally {
    setBackend(be);
  }
}
