// Whether a fused op runs its time loops in the WebAssembly module: float32 operands, the wasm
// backend installed (setBackend(refBackend) or UNFOLD_BACKEND=ref keeps everything on the
// TypeScript reference, which is how the tests compare the two), the module available, and the
// switch on (setFusedWasm(false), or UNFOLD_FUSED_WASM=0 at start, keeps the fused ops' loops in
// TypeScript while gemm stays on wasm: the A/B the benchmarks measure).

import { getBackend } from '../../backend/backend.js';
import type { DType } from '../../backend/dtype.js';
import { wasmModule, type WasmExports } from '../../backend/wasm/module.js';

function fromEnv(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = env?.UNFOLD_FUSED_WASM ?? '';
  if (v !== '' && v !== '0' && v !== '1') throw new Error(`UNFOLD_FUSED_WASM: expected '0' or '1', got '${v}'`);
  return v !== '0';
}

let enabled = fromEnv();

/** Turns the wasm time loops of the fused ops on or off (default on where wasm is available). */
export function setFusedWasm(on: boolean): void { enabled = on; }

/** The module when the fused kernels of this dtype should use it, else null. */
export function fusedWasm(dtype: DType): WasmExports | null {
  if (!enabled || dtype !== 'float32' || getBackend().name !== 'wasm') return null;
  return wasmModule();
}
