// The recurrent time loops on the WebAssembly module (./assembly/{lstm,gru,rnn}.ts): each direction's
// whole sequence in one call, on the storages' blocks of linear memory, so the activations a forward
// leaves for its backward stay where they are. Per call, W_hh is packed once (not once per step; not at all for fewer than 4 rows, see packStepWeight);
// the packed copy, the sgemm workspace, the lengths and the padded rows' scratch are temporary blocks.
// The same contracts as the reference loops (../ref/recurrent.ts); float64 runs those.

import type { Backend, RnnActivation, TableRows } from '../backend.js';
import { refBackend } from '../ref/ref_backend.js';
import { wasmFor, wasmPool, type WasmExports } from './module.js';
import { partCount, ranges, type PoolFunction } from './pool.js';
import { FINE_PART_BYTES, PARALLEL_FLOPS, SEQ_PART_ROWS, SEQ_PARTS_PER_THREAD } from './wasm_backend_limits.js';
import type { WasmHeap } from './heap.js';
import { packedWeight } from './packed_weights.js';
import { indicesFit, putIndices } from './indices.js';

type Recurrent = Pick<Backend, 'lstmForward' | 'lstmBackward' | 'gruForward' | 'gruBackward' | 'rnnForward' | 'rnnBackward' | 'lstmCell'>;

// The kernels' code for each non-linearity (rnn.ts in ./assembly).
const ACT: Record<RnnActivation, number> = { tanh: 0, relu: 1, modrelu: 2 };

// Temporary blocks for one call, freed together.
class Temps {
  private readonly blocks: number[] = [];
  constructor(private readonly h: WasmHeap) {}
  take(bytes: number): number { const p = this.h.alloc(bytes); this.blocks.push(p); return p; }
  /** A block holding `values` (lengths, row ids), or 0 for null. */
  ints(values: Int32Array | null): number {
    if (values === null) return 0;
    const p = putIndices(this.h, values);
    this.blocks.push(p);
    return p;
  }
  free(): void { for (const p of this.blocks) this.h.free(p); }
}

// Whether the kernel may read TableRows' rows itself: n ids, all inside the table (the kernel reads
// table rows at them unchecked). Otherwise the reference path gathers them, as wasm gatherRows does.
function rowsFit(rows: TableRows | null | undefined, n: number, width: number): boolean {
  return !rows || (rows.ids.length === n && rows.table.length % width === 0 && indicesFit(rows.ids, n, rows.table.length / width));
}

// The table and row ids of TableRows in linear memory ([0, 0] for none).
function tableRows(h: WasmHeap, tmp: Temps, rows: TableRows | null | undefined): [number, number] {
  return rows ? [h.readPtr(rows.table), tmp.ints(rows.ids)] : [0, 0];
}

// The fewest rows sgemm packs (MIN_ROWS in ./assembly/sgemm.ts): a part with fewer rows reads W_hh in
// place instead of packing it (packStepWeight).
const TILE_ROWS = 4;

// The parts of the batch rows that threads take (./pool.ts), when the loop's products are worth
// cutting: parts of at least TILE_ROWS rows, so that every part computes exactly what one thread
// would, and with enough rows up to SEQ_PARTS_PER_THREAD per thread of at least SEQ_PART_ROWS while
// a part's packed copy of W_hh (`weightBytes`) is small (FINE_PART_BYTES).
function batchCut(B: number, flops: number, weightBytes: number): [number, number][] {
  const pool = flops >= PARALLEL_FLOPS ? wasmPool() : null;
  if (pool === null) return [[0, B]];
  const fine = weightBytes <= FINE_PART_BYTES ? SEQ_PARTS_PER_THREAD : 1;
  return ranges(B, partCount(B, pool.size, fine, SEQ_PART_ROWS), 1, TILE_ROWS);
}

// Per part, a block for W_hh packed as the loop packs it ([N, K] op(B) of its products), or 0 where
// the part has too few rows to pack it; a one-row part of a forward loop gets `oneRow`, the weight's
// kept packed-rows copy (./packed_weights.ts; 0 where there is none), which its steps read with
// gemvPacked (forwardStep in ./assembly/gemv.ts).
function packedWeights(tmp: Temps, e: WasmExports, cut: [number, number][], N: number, K: number, oneRow = 0): number[] {
  return cut.map(([b0, b1]) => (b1 - b0 >= TILE_ROWS ? tmp.take(e.packedBBytes(N, K)) : b1 - b0 === 1 ? oneRow : 0));
}

// Runs fn over the cut: the pool's threads take its parts (here when there is one part).
function runCut(cut: [number, number][], fn: PoolFunction, part: (b0: number, b1: number, i: number) => number[], here: (...a: never[]) => unknown): void {
  if (cut.length > 1) wasmPool()!.run(fn, cut.map(([b0, b1], i) => part(b0, b1, i)));
  else (here as (...a: number[]) => unknown)(...part(cut[0][0], cut[0][1], 0));
}

export const wasmRecurrent: Recurrent = {
  lstmForward(L, z, hs, c, tc, whh, lens, rows) {
    const m = wasmFor(z, hs, c, tc, whh, rows?.table ?? null);
    if (m === null || !rowsFit(rows, L.T * L.B, 4 * L.H)) { refBackend.lstmForward(L, z, hs, c, tc, whh, lens, rows); return; }
    const [e, h] = m;
    const { T, B, H } = L, G = 4 * H;
    const wp = h.readPtr(whh);
    const zp = rows ? h.overwritePtr(z) : h.writePtr(z), hp = h.writePtr(hs), cp = h.writePtr(c), tp = h.overwritePtr(tc);
    const tmp = new Temps(h), lp = tmp.ints(lens);
    const [tab, ids] = tableRows(h, tmp, rows);
    const cut = batchCut(B, 2 * T * B * G * H, 4 * G * H);
    const pw = packedWeights(tmp, e, cut, G, H, B === 1 ? packedWeight(e, h, whh, G, H) : 0), work = cut.map(([b0, b1]) => tmp.take(e.workspaceBytes(b1 - b0, G, H)));
    runCut(cut, 'lstmForwardSeq', (b0, b1, i) => [T, B, H, b0, b1, +L.reverse, L.prev, L.seq, zp, hp, cp, tp, wp, pw[i], work[i], lp, tab, ids], e.lstmForwardSeq);
    tmp.free();
  },

  lstmBackward(L, needH0, z, hs, c, tc, g, dz, dh, dc, whh, lens) {
    const m = wasmFor(z, hs, c, tc, g, dz, dh, dc, whh);
    if (m === null) { refBackend.lstmBackward(L, needH0, z, hs, c, tc, g, dz, dh, dc, whh, lens); return; }
    const [e, h] = m;
    const { T, B, H } = L, G = 4 * H;
    const zp = h.readPtr(z), hp = h.readPtr(hs), cp = h.readPtr(c), tp = h.readPtr(tc), gp = h.readPtr(g), wp = h.readPtr(whh);
    const dzp = h.overwritePtr(dz), dhp = h.overwritePtr(dh), dcp = h.overwritePtr(dc);
    const tmp = new Temps(h), lp = tmp.ints(lens);
    const cut = batchCut(B, 2 * T * B * G * H, 4 * G * H);
    const pw = packedWeights(tmp, e, cut, H, G), work = cut.map(([b0, b1]) => tmp.take(e.workspaceBytes(b1 - b0, H, G)));
    const keep = cut.map(([b0, b1]) => (lens ? tmp.take(8 * (b1 - b0) * H) : 0));
    runCut(cut, 'lstmBackwardSeq', (b0, b1, i) => [T, B, H, b0, b1, +L.reverse, L.prev, L.seq, +needH0, zp, hp, cp, tp, gp, dzp, dhp, dcp, wp, pw[i], work[i], lp, keep[i]],
      e.lstmBackwardSeq);
    tmp.free();
  },

  gruForward(L, zx, hn, hs, bhh, whh, lens, rows) {
    const m = wasmFor(zx, hn, hs, bhh, whh, rows?.table ?? null);
    if (m === null || !rowsFit(rows, L.T * L.B, 3 * L.H)) { refBackend.gruForward(L, zx, hn, hs, bhh, whh, lens, rows); return; }
    const [e, h] = m;
    const { T, B, H } = L, G = 3 * H;
    const bp = h.readPtr(bhh), wp = h.readPtr(whh);
    const zp = rows ? h.overwritePtr(zx) : h.writePtr(zx), np = h.overwritePtr(hn), hp = h.writePtr(hs);
    const tmp = new Temps(h), lp = tmp.ints(lens);
    const [tab, ids] = tableRows(h, tmp, rows);
    const cut = batchCut(B, 2 * T * B * G * H, 4 * G * H);
    const gh = cut.map(([b0, b1]) => tmp.take(4 * (b1 - b0) * G)), pw = packedWeights(tmp, e, cut, G, H, B === 1 ? packedWeight(e, h, whh, G, H) : 0);
    const work = cut.map(([b0, b1]) => tmp.take(e.workspaceBytes(b1 - b0, G, H)));
    runCut(cut, 'gruForwardSeq', (b0, b1, i) => [T, B, H, b0, b1, +L.reverse, L.prev, L.seq, zp, np, hp, gh[i], bp, wp, pw[i], work[i], lp, tab, ids], e.gruForwardSeq);
    tmp.free();
  },

  gruBackward(L, needH0, zx, hn, hs, g, dgx, dgh, dh, whh, lens) {
    const m = wasmFor(zx, hn, hs, g, dgx, dgh, dh, whh);
    if (m === null) { refBackend.gruBackward(L, needH0, zx, hn, hs, g, dgx, dgh, dh, whh, lens); return; }
    const [e, h] = m;
    const { T, B, H } = L, G = 3 * H;
    const zp = h.readPtr(zx), np = h.readPtr(hn), hp = h.readPtr(hs), gp = h.readPtr(g), wp = h.readPtr(whh);
    const xp = h.overwritePtr(dgx), yp = h.overwritePtr(dgh), dhp = h.overwritePtr(dh);
    const tmp = new Temps(h), lp = tmp.ints(lens);
    const cut = batchCut(B, 2 * T * B * G * H, 4 * G * H);
    const pw = packedWeights(tmp, e, cut, H, G), work = cut.map(([b0, b1]) => tmp.take(e.workspaceBytes(b1 - b0, H, G)));
    const keep = cut.map(([b0, b1]) => (lens ? tmp.take(4 * (b1 - b0) * H) : 0));
    runCut(cut, 'gruBackwardSeq', (b0, b1, i) => [T, B, H, b0, b1, +L.reverse, L.prev, L.seq, +needH0, zp, np, hp, gp, xp, yp, dhp, wp, pw[i], work[i], lp, keep[i]],
      e.gruBackwardSeq);
    tmp.free();
  },

  rnnForward(L, act, hs, whh, lens, modBias) {
    const m = wasmFor(hs, whh, ...(modBias ? [modBias] : []));
    if (m === null) { refBackend.rnnForward(L, act, hs, whh, lens, modBias); return; }
    const [e, h] = m;
    const { T, B, H } = L;
    if (act === 'modrelu' && !(modBias && modBias.length === H)) throw new Error(`rnnForward: expected a modReLU bias of ${H} values, got ${modBias ? modBias.length : 'none'}`);
    const bp = act === 'modrelu' ? h.readPtr(modBias!) : 0;
    const wp = h.readPtr(whh), hp = h.writePtr(hs);
    const tmp = new Temps(h), lp = tmp.ints(lens);
    const cut = batchCut(B, 2 * T * B * H * H, 4 * H * H);
    const pw = packedWeights(tmp, e, cut, H, H, B === 1 ? packedWeight(e, h, whh, H, H) : 0), work = cut.map(([b0, b1]) => tmp.take(e.workspaceBytes(b1 - b0, H, H)));
    runCut(cut, 'rnnForwardSeq', (b0, b1, i) => [T, B, H, b0, b1, +L.reverse, L.prev, L.seq, ACT[act], hp, wp, pw[i], work[i], lp, bp], e.rnnForwardSeq);
    tmp.free();
  },

  rnnBackward(L, needH0, act, hs, g, dz, dh, whh, lens) {
    const m = wasmFor(hs, g, dz, dh, whh);
    if (m === null) { refBackend.rnnBackward(L, needH0, act, hs, g, dz, dh, whh, lens); return; }
    const [e, h] = m;
    const { T, B, H } = L;
    const hp = h.readPtr(hs), gp = h.readPtr(g), wp = h.readPtr(whh);
    const zp = h.overwritePtr(dz), dhp = h.overwritePtr(dh);
    const tmp = new Temps(h), lp = tmp.ints(lens);
    const cut = batchCut(B, 2 * T * B * H * H, 4 * H * H);
    const pw = packedWeights(tmp, e, cut, H, H), work = cut.map(([b0, b1]) => tmp.take(e.workspaceBytes(b1 - b0, H, H)));
    const keep = cut.map(([b0, b1]) => (lens ? tmp.take(4 * (b1 - b0) * H) : 0));
    runCut(cut, 'rnnBackwardSeq', (b0, b1, i) => [T, B, H, b0, b1, +L.reverse, L.seq, +needH0, ACT[act], hp, gp, zp, dhp, wp, pw[i], work[i], lp, keep[i]], e.rnnBackwardSeq);
    tmp.free();
  },

  lstmCell(B, H, z, zOff, cPrev, cpOff, c, cOff, hh, hOff) {
    const m = wasmFor(z, cPrev, c, hh);
    if (m === null) { refBackend.lstmCell(B, H, z, zOff, cPrev, cpOff, c, cOff, hh, hOff); return; }
    const [e, h] = m;
    const cpp = h.readPtr(cPrev) + 4 * cpOff;
    const zp = h.writePtr(z) + 4 * zOff, cp = h.writePtr(c) + 4 * cOff, hp = h.writePtr(hh) + 4 * hOff;
    const tmp = new Temps(h);
    const tc = tmp.take(4 * B * H);
    e.lstmStep(B, H, zp, cpp, cp, hp, tc);
    tmp.free();
  },
};
