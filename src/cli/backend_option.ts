// The --backend option: which kernels a command runs on, on every command that computes (program.ts
// adds it; the choice is installed by a hook before the command's action runs). webgpu needs an
// adapter (in Node, through the optional `webgpu` package); where there is none the command says so
// and runs on wasm, the default, rather than failing. `unfold train`, `eval` and `sample` compute
// on WebGPU (their reads are awaited: the loss of each step or chunk, each character's logits); the
// other commands read values as they compute (an activation, a task's metric), which WebGPU allows
// only asynchronously, so on them webgpu means wasm, and they say so.

import type { Command } from 'commander';
import { refBackend, setBackend, wasmBackend } from '../backend/backend.js';
import { initWasm } from '../backend/wasm/module.js';
import { webgpuBackend } from '../backend/webgpu/webgpu_backend.js';
import { initWebGPU, webgpuAdapter, webgpuUnavailable } from '../backend/webgpu/init.js';
import { choice } from './parse.js';

export type BackendChoice = 'ref' | 'wasm' | 'webgpu';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['ref', 'wasm', 'webgpu'];

/** The option's help text. */
export const BACKEND_HELP = 'kernels to run on: wasm (default), ref (the TypeScript reference), or webgpu (falls back to wasm without a WebGPU adapter)';

/**
 * Installs the chosen backend; returns a line to show: which adapter webgpu runs on, or why the
 * choice could not be honoured ('' for ref and wasm as asked). `hostOnly` names a command that reads
 * values as it computes: webgpu then runs it on wasm.
 */
export async function selectBackend(choice: BackendChoice, hostOnly?: string): Promise<string> {
  if (choice === 'ref') { setBackend(refBackend); return ''; }
  if (choice === 'webgpu') {
    if (hostOnly === undefined && await initWebGPU()) { setBackend(webgpuBackend); return `--backend webgpu: running on ${webgpuAdapter}`; }
    const wasm = await initWasm();
    setBackend(wasm ? wasmBackend : refBackend);
    const why = hostOnly !== undefined ? `${hostOnly} reads values as it computes, which WebGPU allows only asynchronously` : `no WebGPU here (${webgpuUnavailable})`;
    return `--backend webgpu: ${why}; running on ${wasm ? 'wasm' : 'ref'}`;
  }
  if (await initWasm()) { setBackend(wasmBackend); return ''; }
  setBackend(refBackend);
  return '--backend wasm: this engine has no WebAssembly SIMD; running on ref';
}

// `unfold tasks copy` for the copy task's command.
function commandPath(c: Command): string {
  const names: string[] = [];
  for (let at: Command | null = c; at !== null; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

/**
 * Adds --backend to `cmd`: the choice is installed before its action runs, its line (if any) on
 * stderr. `use` 'device' for a command that computes with awaited reads (train through `fit`, eval, sample),
 * 'host' for one that reads values as it computes.
 */
export function addBackendOption(cmd: Command, use: 'device' | 'host'): Command {
  cmd.option('--backend <name>', BACKEND_HELP, choice(...BACKEND_CHOICES));
  return cmd.hook('preAction', async (self) => {
    const picked = self.opts<{ backend?: BackendChoice }>().backend;
    if (picked === undefined) return;
    const note = await selectBackend(picked, use === 'host' ? commandPath(self) : undefined);
    if (note !== '') process.stderr.write(`${note}\n`);
  });
}
