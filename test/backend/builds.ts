// Shared by the wasm kernel tests: run a check on every build of the module (plain and relaxed SIMD).

import { selectWasmVariant, wasmVariant } from '../../src/backend/wasm/module.js';

/** Runs `body` on every build of the module that loads here, then restores the build in use. */
export function onEveryBuild(body: (build: string) => void): void {
  const start = wasmVariant();
  try {
    for (const v of ['plain', 'relaxed'] as const) if (selectWasmVariant(v)) body(v);
  } finally {
    selectWasmVariant(start);
  }
}
