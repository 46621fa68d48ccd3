// The --backend option: which kernels a command runs on. webgpu needs an adapter (in Node, through
// the optional `webgpu` package); where there is none the command says so and runs on wasm, the
// default, rather than failing.

import { refBackend, setBackend, wasmBackend } from '../backend/backend.js';
import { initWasm } from '../backend/wasm/module.js';
import { webgpuBackend } from '../backend/webgpu/webgpu_backend.js';
import { initWebGPU, webgpuAdapter, webgpuUnavailable } from '../backend/webgpu/init.js';

export type BackendChoice = 'ref' | 'wasm' | 'webgpu';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['ref', 'wasm', 'webgpu'];

/** The option's help text. */
export const BACKEND_HELP = 'kernels to run on: wasm (default), ref (the TypeScript reference), or webgpu (falls back to wasm without a WebGPU adapter)';

/** Installs the chosen backend; returns a line to show: which adapter webgpu runs on, or why the choice could not be honoured ('' for ref and wasm as asked). */
export async function selectBackend(choice: BackendChoice): Promise<string> {
  if (choice === 'ref') { setBackend(refBackend); return ''; }
  if (choice === 'webgpu') {
    if (await initWebGPU()) { setBackend(webgpuBackend); return `--backend webgpu: running on ${webgpuAdapter}`; }
    if (await initWasm()) setBackend(wasmBackend);
    return `--backend webgpu: no WebGPU here (${webgpuUnavailable}); running on ${(await initWasm()) ? 'wasm' : 'ref'}`;
  }
  if (await initWasm()) { setBackend(wasmBackend); return ''; }
  setBackend(refBackend);
  return '--backend wasm: this engine has no WebAssembly SIMD; running on ref';
}
