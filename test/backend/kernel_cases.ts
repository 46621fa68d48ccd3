// Every Backend kernel as a table of cases that read back asynchronously, so that one suite runs on
// every backend, the WebGPU one included (whose values come back from the GPU only through an
// awaited read, inside a browser: ./webgpu/browser_suite.ts). Each case makes its inputs from a
// seeded generator, runs kernels on the backend it is given and names the storages to compare; the
// runner runs it on the reference and on the backend under test and compares to float32 tolerance.
// Inputs go through the backend once first (an identity affine map), so that kernels also read
// operands that only the backend's memory holds.

import { refBackend, type Backend, type SequenceLayout, type UnaryOp, type BinaryOp } from '../../src/backend/backend.js';
import { Storage } from '../../src/backend/storage.js';
import { Rng } from '../../src/tensor/random.js';

export interface KernelCase {
  readonly name: string;
  /** Runs the case's kernels on `be` and returns the storages whose values must match the reference's. */
  run(be: Backend): Storage[];
}

function rand(rng: Rng, n: number, lo = -1, hi = 1): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(lo, hi));
}

/** A storage of `values` (host memory). */
function host(values: ArrayLike<number>): Storage {
  const s = new Storage('float32', values.length);
  s.overwrite().set(values);
  return s;
}

/** A storage of `values` that the backend has written last (1·x + 0: the same values). */
function dev(be: Backend, values: ArrayLike<number>): Storage {
  const s = host(values);
  be.affineScalar(s, 1, 0, s);
  return s;
}

const UNARY: UnaryOp[] = ['neg', 'exp', 'log', 'tanh', 'sigmoid', 'relu', 'sqrt', 'abs', 'square'];
const BINARY: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'];

function caseOf(name: string, seed: number, run: (be: Backend, rng: Rng) => Storage[]): KernelCase {
  return { name, run: (be) => run(be, new Rng(seed)) };
}

function gemmCases(): KernelCase[] {
  const out: KernelCase[] = [];
  for (const [M, N, K] of [[70, 33, 45], [1, 130, 64], [20, 70, 37], [65, 1, 17], [3, 5, 0]]) {
    for (const tA of [false, true]) for (const tB of [false, true]) for (const acc of [false, true]) {
      out.push(caseOf(`gemm ${M}x${N}x${K} tA=${tA} tB=${tB} acc=${acc}`, M + N + K, (be, rng) => {
        const a = dev(be, rand(rng, M * K + 3)), b = dev(be, rand(rng, K * N + 5));
        const c = dev(be, rand(rng, M * N + 7));
        be.gemm(tA, tB, M, N, K, a, 3, b, 5, c, 7, acc);
        return [c];
      }));
    }
  }
  return out;
}

function pointwiseCases(): KernelCase[] {
  const out: KernelCase[] = [];
  for (const op of UNARY) {
    out.push(caseOf(`unary ${op}`, 1, (be, rng) => {
      const positive = op === 'log' || op === 'sqrt';
      const x = dev(be, rand(rng, 1000, positive ? 0.1 : -4, 4)), o = new Storage('float32', 1000);
      be.unary(op, x, o);
      const g = dev(be, rand(rng, 1000)), gx = new Storage('float32', 1000);
      be.unaryBackward(op, x, o, g, gx);
      const inPlace = dev(be, rand(rng, 7, positive ? 0.1 : -4, 4));
      be.unary(op, inPlace, inPlace);
      return [o, gx, inPlace];
    }));
  }
  for (const op of BINARY) {
    out.push(caseOf(`binary ${op}`, 2, (be, rng) => {
      const pos = op === 'pow' ? 0.1 : -2;
      const a = dev(be, rand(rng, 60, pos, 2)), b = dev(be, rand(rng, 60, -2, 2));
      const same = new Storage('float32', 60), rows = new Storage('float32', 60), cols = new Storage('float32', 60), scalar = new Storage('float32', 60);
      be.binary(op, a, [60], b, [60], same, [60]);
      be.binary(op, a, [4, 3, 5], host(rand(rng, 5, 0.5, 2)), [5], rows, [4, 3, 5]);
      be.binary(op, host(rand(rng, 12, 0.5, 2)), [4, 3, 1], a, [4, 3, 5], cols, [4, 3, 5]);
      be.binary(op, a, [60], host([op === 'pow' ? 3 : 1.5]), [], scalar, [60]);
      be.binary(op, a, [60], b, [60], a, [60]); // in place
      return [same, rows, cols, scalar, a];
    }));
  }
  out.push(caseOf('powScalar and affineScalar', 3, (be, rng) => {
    const x = dev(be, rand(rng, 300, -3, 3)), sq = new Storage('float32', 300), cube = new Storage('float32', 300), af = new Storage('float32', 300);
    be.powScalar(x, 2, sq);
    be.powScalar(x, 3, cube);
    be.affineScalar(x, -1.7, 0.25, af);
    const pos = dev(be, rand(rng, 50, 0.1, 3)), half = new Storage('float32', 50);
    be.powScalar(pos, 0.5, half);
    return [sq, cube, af, half];
  }));
  out.push(caseOf('copy, addInto and fill on windows', 4, (be, rng) => {
    const a = dev(be, rand(rng, 100)), b = dev(be, rand(rng, 100));
    be.copy(a, 10, b, 20, 30);
    be.copy(a, 0, a, 5, 40); // overlapping, within one storage
    be.addInto(a, 50, b, 0, 25);
    be.fill(b, 2.5, 60, 11);
    const whole = new Storage('float32', 100);
    be.copy(b, 0, whole, 0, 100);
    const filled = new Storage('float32', 9);
    be.fill(filled, -3, 0, 9);
    return [a, b, whole, filled];
  }));
  out.push(caseOf('copy of row blocks (slices and concatenations along inner axes)', 4, (be, rng) => {
    const a = dev(be, rand(rng, 7 * 40)); // [7, 40]
    const cols = new Storage('float32', 7 * 12), wide = dev(be, rand(rng, 7 * 50)), whole = new Storage('float32', 7 * 40);
    be.copy(a, 5, cols, 0, 12, 7, 40, 12);   // columns 5..16 of every row
    be.copy(a, 3, wide, 30, 9, 6, 40, 50);   // into a window of another matrix, its other values kept
    be.copy(a, 0, whole, 0, 40, 7, 40, 40);  // rows laid end to end: the whole matrix
    const short = new Storage('float32', 4 * 3);
    be.copy(a, 37, short, 0, 3, 4, 80, 3);   // a stride of two rows
    return [cols, wide, whole, short];
  }));
  return out;
}

function reduceCases(): KernelCase[] {
  const out: KernelCase[] = [];
  for (const to of [[3, 1], [1], [5], [4, 1, 5], [4, 3, 5]]) {
    out.push(caseOf(`sumTo [4,3,5] → [${to.join(',')}]`, 5, (be, rng) => {
      const x = dev(be, rand(rng, 60)), o = dev(be, rand(rng, to.reduce((p, v) => p * v, 1)));
      be.sumTo(x, [4, 3, 5], o, to);
      return [o];
    }));
  }
  out.push(caseOf('colSums, fresh and accumulated', 6, (be, rng) => {
    const x = dev(be, rand(rng, 37 * 19)), o = new Storage('float32', 19), acc = dev(be, rand(rng, 19));
    be.colSums(x, 37, 19, o, false);
    be.colSums(x, 37, 19, acc, true);
    return [o, acc];
  }));
  out.push(caseOf('softmaxRows and log-softmax', 7, (be, rng) => {
    const x = dev(be, rand(rng, 13 * 65, -8, 8)), s = new Storage('float32', 13 * 65), l = new Storage('float32', 13 * 65);
    be.softmaxRows(x, 13, 65, s, false);
    be.softmaxRows(x, 13, 65, l, true);
    return [s, l];
  }));
  out.push(caseOf('permute', 8, (be, rng) => {
    const x = dev(be, rand(rng, 2 * 3 * 4 * 5));
    const outs: Storage[] = [];
    for (const perm of [[3, 0, 2, 1], [1, 0, 2, 3], [0, 1, 3, 2]]) {
      const o = new Storage('float32', 120);
      be.permute(x, [2, 3, 4, 5], perm, o);
      outs.push(o);
    }
    return outs;
  }));
  return out;
}

function rowCases(): KernelCase[] {
  return [
    caseOf('gatherRows and scatterAddRows with repeated rows', 9, (be, rng) => {
      const table = dev(be, rand(rng, 11 * 6)), index = Int32Array.from([3, 0, 3, 10, 7, 3, 0]);
      const o = new Storage('float32', 7 * 6);
      be.gatherRows(table, 6, index, o);
      const src = dev(be, rand(rng, 7 * 6)), grad = dev(be, rand(rng, 11 * 6));
      be.scatterAddRows(src, 6, index, grad);
      return [o, grad];
    }),
    caseOf('cross-entropy forward and backward with a dropped row', 10, (be, rng) => {
      const N = 9, C = 65;
      const x = dev(be, rand(rng, N * C, -6, 6)), targets = Int32Array.from({ length: N }, (_, i) => (i === 4 ? -1 : (i * 7) % C));
      const logp = new Storage('float32', N * C), nll = new Storage('float32', N), gx = new Storage('float32', N * C);
      be.crossEntropyForward(x, N, C, targets, logp, nll);
      be.crossEntropyBackward(logp, N, C, targets, Float64Array.from({ length: N }, (_, i) => 0.1 + i / 10), gx);
      return [logp, nll, gx];
    }),
  ];
}

function optimCases(): KernelCase[] {
  const out: KernelCase[] = [];
  for (const [decoupled, amsgrad, maximize] of [[false, false, false], [true, true, false], [false, true, true]]) {
    out.push(caseOf(`adam decoupled=${decoupled} amsgrad=${amsgrad} maximize=${maximize}`, 11, (be, rng) => {
      const n = 333;
      const p = dev(be, rand(rng, n)), m = dev(be, rand(rng, n, -0.1, 0.1)), v = dev(be, rand(rng, n, 0, 0.1)), vMax = amsgrad ? dev(be, rand(rng, n, 0, 0.1)) : null;
      for (let step = 1; step <= 3; step++) {
        be.adamUpdate(p, dev(be, rand(rng, n)), m, v, vMax, { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled, maximize, step });
      }
      return vMax === null ? [p, m, v] : [p, m, v, vMax];
    }));
  }
  for (const [momentum, nesterov] of [[0, false], [0.9, false], [0.9, true]] as const) {
    out.push(caseOf(`sgd momentum=${momentum} nesterov=${nesterov}`, 12, (be, rng) => {
      const n = 257;
      const p = dev(be, rand(rng, n)), buf = momentum > 0 ? new Storage('float32', n) : null;
      for (let step = 0; step < 3; step++) {
        be.sgdUpdate(p, dev(be, rand(rng, n)), buf, { lr: 0.1, momentum, dampening: 0.1, weightDecay: 0.01, nesterov, maximize: false, first: step === 0 });
      }
      return buf === null ? [p] : [p, buf];
    }));
  }
  return out;
}

// A direction's layout over T steps (see SequenceLayout).
function layout(T: number, B: number, H: number, reverse: boolean): SequenceLayout {
  return { T, B, H, reverse, prev: reverse ? 1 : 0, seq: reverse ? 0 : 1 };
}

function recurrentCases(): KernelCase[] {
  const out: KernelCase[] = [];
  // B = 3: fewer rows than the product's 4-row micro-tile (the products read W_hh in place, as in
  // batch-1 sampling); B = 5: W_hh packed once per sequence, one full tile and a ragged one.
  const runs = [
    [3, false, null], [3, true, null], [3, false, [5, 2, 4]], [3, true, [1, 5, 3]],
    [5, false, null], [5, true, [2, 5, 1, 4, 3]],
  ] as const;
  for (const [B, reverse, lengths] of runs) {
    const lens = lengths === null ? null : Int32Array.from(lengths);
    const T = 5, H = 7, BH = B * H, tag = `B=${B} reverse=${reverse} lens=${lens === null ? 'none' : Array.from(lens).join(',')}`;
    out.push(caseOf(`lstm forward and backward, ${tag}`, 13, (be, rng) => {
      const L = layout(T, B, H, reverse);
      const z = dev(be, rand(rng, T * B * 4 * H, -2, 2)), hs = dev(be, rand(rng, (T + 1) * BH)), c = dev(be, rand(rng, (T + 1) * BH));
      const tc = new Storage('float32', T * BH), whh = dev(be, rand(rng, 4 * H * H, -0.4, 0.4));
      be.lstmForward(L, z, hs, c, tc, whh, lens);
      const g = dev(be, rand(rng, (T + 2) * BH)), dz = new Storage('float32', T * B * 4 * H), dh = new Storage('float32', BH), dc = new Storage('float32', BH);
      be.lstmBackward(L, true, z, hs, c, tc, g, dz, dh, dc, whh, lens);
      return [z, hs, c, tc, dz, dh, dc];
    }));
    out.push(caseOf(`gru forward and backward, ${tag}`, 14, (be, rng) => {
      const L = layout(T, B, H, reverse);
      const zx = dev(be, rand(rng, T * B * 3 * H, -2, 2)), hs = dev(be, rand(rng, (T + 1) * BH)), hn = new Storage('float32', T * BH);
      const bhh = dev(be, rand(rng, 3 * H)), whh = dev(be, rand(rng, 3 * H * H, -0.4, 0.4));
      be.gruForward(L, zx, hn, hs, bhh, whh, lens);
      const g = dev(be, rand(rng, (T + 1) * BH)), dgx = new Storage('float32', T * B * 3 * H), dgh = new Storage('float32', T * B * 3 * H), dh = new Storage('float32', BH);
      be.gruBackward(L, true, zx, hn, hs, g, dgx, dgh, dh, whh, lens);
      return [zx, hn, hs, dgx, dgh, dh];
    }));
    // The x-side rows read from a table by id (an embedding folded into the input projection): z
    // starts as garbage, which the loop must not read; ids repeat and skip rows of the table.
    out.push(caseOf(`lstm and gru forward reading rows of a table by id, ${tag}`, 17, (be, rng) => {
      const L = layout(T, B, H, reverse), V = 6;
      const ids = Int32Array.from({ length: T * B }, () => rng.int(V - 1));
      const table4 = dev(be, rand(rng, V * 4 * H, -2, 2)), table3 = dev(be, rand(rng, V * 3 * H, -2, 2));
      const z = dev(be, rand(rng, T * B * 4 * H, 50, 60)), hs = dev(be, rand(rng, (T + 1) * BH)), c = dev(be, rand(rng, (T + 1) * BH));
      const tc = new Storage('float32', T * BH), whh = dev(be, rand(rng, 4 * H * H, -0.4, 0.4));
      be.lstmForward(L, z, hs, c, tc, whh, lens, { table: table4, ids });
      const zx = dev(be, rand(rng, T * B * 3 * H, 50, 60)), gs = dev(be, rand(rng, (T + 1) * BH)), hn = new Storage('float32', T * BH);
      const bhh = dev(be, rand(rng, 3 * H)), wg = dev(be, rand(rng, 3 * H * H, -0.4, 0.4));
      be.gruForward(L, zx, hn, gs, bhh, wg, lens, { table: table3, ids });
      return [z, hs, c, tc, zx, hn, gs];
    }));
    for (const act of ['tanh', 'relu', 'modrelu'] as const) {
      out.push(caseOf(`rnn (${act}) forward and backward, ${tag}`, 15, (be, rng) => {
        const L = layout(T, B, H, reverse);
        const hs = dev(be, rand(rng, (T + 1) * BH)), whh = dev(be, rand(rng, H * H, -0.4, 0.4));
        // modReLU's bias from −0.5 to 0.5: some units switch off, so both sides of f' are met
        const modBias = act === 'modrelu' ? dev(be, rand(rng, H, -0.5, 0.5)) : null;
        be.rnnForward(L, act, hs, whh, lens, modBias);
        const g = dev(be, rand(rng, (T + 1) * BH)), dz = new Storage('float32', T * BH), dh = new Storage('float32', BH);
        be.rnnBackward(L, true, act, hs, g, dz, dh, whh, lens);
        return [hs, dz, dh];
      }));
    }
  }
  out.push(caseOf('lstmCell, c in place', 16, (be, rng) => {
    const B = 2, H = 9;
    const z = dev(be, rand(rng, 3 + B * 4 * H, -2, 2)), c = dev(be, rand(rng, B * H)), h = dev(be, rand(rng, 5 + B * H));
    be.lstmCell(B, H, z, 3, c, 0, c, 0, h, 5);
    return [z, c, h];
  }));
  return out;
}

/** Every case. */
export function kernelCases(): KernelCase[] {
  return [...gemmCases(), ...pointwiseCases(), ...reduceCases(), ...rowCases(), ...optimCases(), ...recurrentCases()];
}

/** Where got and want differ by more than float32 tolerance (relative 2e-4 of the larger magnitude, absolute 2e-5), or '' . */
export function mismatch(got: ArrayLike<number>, want: ArrayLike<number>): string {
  if (got.length !== want.length) return `expected ${want.length} values, got ${got.length}`;
  for (let i = 0; i < want.length; i++) {
    const a = got[i], b = want[i];
    if (Number.isNaN(b) ? Number.isNaN(a) : a === b || Math.abs(a - b) <= 2e-5 + 2e-4 * Math.max(Math.abs(a), Math.abs(b))) continue;
    return `at ${i}: expected ${b}, got ${a}`;
  }
  return '';
}

/**
 * Runs every case on the reference and on `be`, reading `be`'s outputs back with readAsync; the
 * failures, as `case: output k at i: expected …, got …` lines (empty when all match).
 */
export async function runKernelCases(be: Backend, cases: readonly KernelCase[] = kernelCases()): Promise<string[]> {
  const failures: string[] = [];
  for (const c of cases) {
    try {
      const want = c.run(refBackend).map((s) => s.read().slice());
      const got = await Promise.all(c.run(be).map((s) => s.readAsync())); // one wait for all of them
      for (let k = 0; k < want.length; k++) {
        const m = mismatch(got[k], want[k]);
        if (m !== '') failures.push(`${c.name}: output ${k} ${m}`);
      }
    } catch (e) {
      failures.push(`${c.name}: threw ${(e as Error).message}`);
    }
  }
  return failures;
}
