// The reference backend: the array kernels of this folder applied to each Storage's host copy. It is
// the specification every other backend is checked against, and the one float64 runs on.

import type { Backend } from '../backend.js';
import type { Storage } from '../storage.js';
import { gemm } from './gemm.js';
import * as pointwise from './pointwise.js';
import * as reduce from './reduce.js';
import * as layout from './layout.js';
import * as ce from './cross_entropy.js';
import * as optim from './optim.js';
import * as rec from './recurrent.js';
import { gatherFirst } from '../table_rows.js';

// An output's host array: overwritten whole unless it is also an input (then read first).
function out(o: Storage, ...inputs: Storage[]): Float32Array | Float64Array {
  return inputs.includes(o) ? o.write() : o.overwrite();
}

export const refBackend: Backend = {
  name: 'ref',
  gemm: (tA, tB, M, N, K, A, aOff, B, bOff, C, cOff, acc) => gemm(tA, tB, M, N, K, A.read(), aOff, B.read(), bOff, C.write(), cOff, acc),
  unary: (op, x, o) => pointwise.unary(op, x.read(), out(o, x)),
  unaryBackward: (op, x, y, g, gx) => pointwise.unaryBackward(op, x.read(), y.read(), g.read(), out(gx, x, y, g)),
  powScalar: (x, p, o) => pointwise.powScalar(x.read(), p, out(o, x)),
  affineScalar: (x, a, b, o) => pointwise.affineScalar(x.read(), a, b, out(o, x)),
  binary: (op, a, aShape, b, bShape, o, oShape) => pointwise.binary(op, a.read(), aShape, b.read(), bShape, out(o, a, b), oShape),
  sumTo: (x, shape, o, oShape) => reduce.sumTo(x.read(), shape, out(o, x), oShape),
  colSums: (x, rows, n, o, acc) => reduce.colSums(x.read(), rows, n, acc ? o.write() : out(o, x), acc),
  sumSquares: (x) => reduce.sumSquares(x.read()),
  maxAxis: (x, outer, size, inner, o, arg) => reduce.maxAxis(x.read(), outer, size, inner, out(o, x), arg),
  softmaxRows: (x, rows, n, o, log) => reduce.softmaxRows(x.read(), rows, n, out(o, x), log),
  permute: (x, shape, perm, o) => layout.permute(x.read(), shape, perm, out(o, x)),
  copy: (src, srcOff, dst, dstOff, n, rows = 1, srcStride = n, dstStride = n) => {
    const s = src.read(), d = dst.write();
    if (rows === 1) d.set(s === d ? s.slice(srcOff, srcOff + n) : s.subarray(srcOff, srcOff + n), dstOff);
    else layout.copyRows(s, srcOff, srcStride, d, dstOff, dstStride, rows, n);
  },
  addInto: (src, srcOff, dst, dstOff, n) => {
    const s = src.read(), d = dst.write();
    for (let i = 0; i < n; i++) d[dstOff + i] += s[srcOff + i];
  },
  fill: (x, value, off, n) => { (off === 0 && n === x.length ? x.overwrite() : x.write()).fill(value, off, off + n); },
  gatherRows: (table, width, index, o) => layout.gatherRows(table.read(), width, index, out(o, table)),
  scatterAddRows: (src, width, index, table) => layout.scatterAddRows(src.read(), width, index, table.write()),
  crossEntropyForward: (x, N, C, targets, logp, nll) => ce.crossEntropyForward(x.read(), N, C, targets, out(logp, x), out(nll, x)),
  crossEntropyBackward: (logp, N, C, targets, scale, gx) => ce.crossEntropyBackward(logp.read(), N, C, targets, scale, out(gx, logp)),
  adamUpdate: (p, g, m, v, vMax, h) => optim.adamUpdate(p.write(), g.read(), m.write(), v.write(), vMax?.write() ?? null, h),
  sgdUpdate: (p, g, buf, h) => optim.sgdUpdate(p.write(), g.read(), buf?.write() ?? null, h),
  ...gatherFirst({
    lstmForward: (L, z, hs, c, tc, whh, lens) => rec.lstmForward(L, z.write(), hs.write(), c.write(), tc.overwrite(), whh.read(), lens),
    gruForward: (L, zx, hn, hs, bhh, whh, lens) => rec.gruForward(L, zx.write(), hn.overwrite(), hs.write(), bhh.read(), whh.read(), lens),
  }, () => refBackend),
  lstmBackward: (L, needH0, z, hs, c, tc, g, dz, dh, dc, whh, lens) =>
    rec.lstmBackward(L, needH0, z.read(), hs.read(), c.read(), tc.read(), g.read(), dz.overwrite(), dh.overwrite(), dc.overwrite(), whh.read(), lens),
  gruBackward: (L, needH0, zx, hn, hs, g, dgx, dgh, dh, whh, lens) =>
    rec.gruBackward(L, needH0, zx.read(), hn.read(), hs.read(), g.read(), dgx.overwrite(), dgh.overwrite(), dh.overwrite(), whh.read(), lens),
  rnnForward: (L, act, hs, whh, lens, modBias) => rec.rnnForward(L, act, hs.write(), whh.read(), lens, modBias?.read() ?? null),
  rnnBackward: (L, needH0, act, hs, g, dz, dh, whh, lens) => rec.rnnBackward(L, needH0, act, hs.read(), g.read(), dz.overwrite(), dh.overwrite(), whh.read(), lens),
  lstmCell: (B, H, z, zOff, cPrev, cpOff, c, cOff, h, hOff) => {
    const cp = cPrev.read(), zv = z.write(), cv = c === cPrev ? cPrev.write() : c.write(), hv = h.write();
    rec.lstmCell(B, H, zv, zOff, cp, cpOff, cv, cOff, hv, hOff);
  },
};
