// Activations a fused op's forward leaves in WebAssembly memory for its backward: one block
// (allocBlock) cut into parts, so that the backward reads them where the forward wrote them
// instead of both copying them out and back in. The backward's graph node gives the block back
// when the engine releases it; a graph dropped without a backward gives it back when collected.

import { allocBlock, freeBlock, type WasmExports } from '../../backend/wasm/module.js';

/** A block of e's memory and the byte address of each part, in the order the sizes were given. */
export interface KeptBlock {
  e: WasmExports;
  at: number;
  parts: number[];
}

/** Something that may hold a kept block (a fused op's workspace). */
export interface KeepsBlock { kept: KeptBlock | null }

/** A block holding float32 parts of the given element counts (64-byte aligned), or null when memory cannot grow. */
export function keepBlock(e: WasmExports, floats: readonly number[]): KeptBlock | null {
  const bytes = floats.map((n) => Math.ceil((4 * n) / 64) * 64);
  const at = allocBlock(e, bytes.reduce((s, b) => s + b, 0));
  if (at === 0) return null;
  let p = at;
  const parts = bytes.map((b) => { const q = p; p += b; return q; });
  return { e, at, parts };
}

/** Gives back the holder's block, if any. */
export function freeKept(holder: KeepsBlock): void {
  if (holder.kept) { freeBlock(holder.kept.e, holder.kept.at); holder.kept = null; }
}

const dropped = new FinalizationRegistry<KeepsBlock>((holder) => freeKept(holder));

/** After a forward: frees the holder's block if `node` is collected without running its backward. */
export function watchDropped(node: object, holder: KeepsBlock): void {
  if (holder.kept) dropped.register(node, holder, holder);
}

/** The release for a node whose holder may keep a block: unwatches it, frees the block, then runs `give`. */
export function keptRelease(holder: KeepsBlock, give: () => void): () => void {
  return () => { dropped.unregister(holder); freeKept(holder); give(); };
}
