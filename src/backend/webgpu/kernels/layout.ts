// WGSL bodies of the data-movement kernels: axis permutation and row gather / scatter-add (embedding
// lookups and their gradient). Specification: ../../ref/layout.ts. The scatter is race-free without
// atomics (WGSL has no float atomics): the host groups the source rows by destination row, and one
// thread per (destination row, column) adds its group in the reference's order.

const HEAD = `@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat(gid, nwg);`;

/** out = x with axes permuted. Params: n, rank, out's shape, x's strides along out's axes (rank each). */
export const permuteBody = `${HEAD}
  if (i >= p(0u)) { return; }
  let rank = p(1u);
  var rem = i; var at = 0u;
  for (var d = rank; d > 0u; d--) {
    let size = p(1u + d);
    at += (rem % size) * p(1u + rank + d);
    rem = rem / size;
  }
  $out[i] = $x[at];
}`;

/** dst[r·dstStride + k] = src[r·srcStride + k] for r < rows, k < n (the operands' offsets hold srcOff and dstOff). Params: rows, n, srcStride, dstStride. */
export const copyRowsBody = `${HEAD}
  let n = p(1u);
  if (i >= p(0u) * n) { return; }
  let r = i / n;
  $dst[r * p(3u) + i % n] = $src[r * p(2u) + i % n];
}`;

/** out[r, :] = table[index[r], :]. Params: rows, width, then rows indices. */
export const gatherRowsBody = `${HEAD}
  let w = p(1u);
  if (i >= p(0u) * w) { return; }
  let r = i / w;
  $out[i] = $table[p(2u + r) * w + (i % w)];
}`;

/**
 * table[row_u, :] += Σ src[j, :] over the group of u. Params: groups U, width, then per group its
 * destination row, first position and count (3U), then the source rows of every group in order.
 */
export const scatterAddRowsBody = `${HEAD}
  let U = p(0u); let w = p(1u);
  if (i >= U * w) { return; }
  let u = i / w; let k = i % w;
  let dst = p(2u + 3u * u) * w + k;
  let first = p(3u + 3u * u); let count = p(4u + 3u * u);
  var s = $table[dst];
  for (var j = 0u; j < count; j++) { s += $src[p(2u + 3u * U + first + j) * w + k]; }
  $table[dst] = s;
}`;

/**
 * The parameter block of scatterAddRowsBody for `index`: source rows grouped by destination row, each
 * group in ascending order (the reference adds them in that order).
 */
export function scatterGroups(width: number, index: Int32Array): Uint32Array {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < index.length; i++) {
    const r = index[i];
    let g = groups.get(r);
    if (g === undefined) groups.set(r, (g = []));
    g.push(i);
  }
  const U = groups.size;
  const out = new Uint32Array(2 + 3 * U + index.length);
  out[0] = U; out[1] = width;
  let u = 0, at = 0;
  for (const [row, list] of groups) {
    out[2 + 3 * u] = row; out[3 + 3 * u] = at; out[4 + 3 * u] = list.length;
    for (const j of list) out[2 + 3 * U + at++] = j;
    u++;
  }
  return out;
}
