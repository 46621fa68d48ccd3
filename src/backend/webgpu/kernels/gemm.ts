// WGSL body of the tiled matrix product C[M, N] (+)= op(A)[M, K] · op(B)[K, N], every transpose case
// in one kernel: a workgroup of 16 × 16 threads computes a 64 × 64 tile of C, each thread 4 × 4
// values strided by 16 (so neighbouring threads touch neighbouring columns: coalesced loads and
// stores, conflict-free reads of the B tile). The K axis is walked in slabs of 16: the workgroup
// loads a 64 × 16 slab of op(A) and a 16 × 64 slab of op(B) into workgroup memory, transposing
// on the way in, then every thread accumulates from there. Edges are padded with zeros.
// Products with few rows (the recurrent step's h·W_hhᵀ at a small batch, sampling at batch 1) use
// tiles of 16 rows (each thread 1 × 4 values), so that more workgroups share the work.
// M = rows of C, N = columns, K = the summed axis.

/** Columns of C per workgroup. */
export const GEMM_TILE = 64;

/** Rows of C per workgroup for a product of M rows: 16 for few rows, else 64. */
export const gemmRows = (M: number): 16 | 64 => (M <= 32 ? 16 : 64);

/** Params: M, N, K, transA, transB, accumulate. Grid: [ceil(N/64), ceil(M/rows)]. */
export const gemmBody = (rows: 16 | 64): string => `
const TM = ${rows}u;      // rows of the tile
const RM = ${rows / 16}u; // rows per thread
var<workgroup> As: array<f32, ${rows * 16}>; // [TM rows][16 k]
var<workgroup> Bs: array<f32, 1024>; // [16 k][64 cols]

@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let M = p(0u); let N = p(1u); let K = p(2u);
  let tA = p(3u) != 0u; let tB = p(4u) != 0u; let acc = p(5u) != 0u;
  let row0 = wid.y * TM; let col0 = wid.x * 64u;
  let t = lid.y * 16u + lid.x;
  var s: array<f32, 16>;
  for (var k0 = 0u; k0 < K; k0 += 16u) {
    for (var e = 0u; e < 4u; e++) {
      let idx = t + e * 256u;
      if (e < RM) {
        let am = idx / 16u; let ak = idx % 16u;
        let gm = row0 + am; let gk = k0 + ak;
        var av = 0.0;
        if (gm < M && gk < K) { if (tA) { av = $a[gk * M + gm]; } else { av = $a[gm * K + gk]; } }
        As[idx] = av;
      }
      let bk = idx / 64u; let bn = idx % 64u;
      let hk = k0 + bk; let gn = col0 + bn;
      var bv = 0.0;
      if (hk < K && gn < N) { if (tB) { bv = $b[gn * K + hk]; } else { bv = $b[hk * N + gn]; } }
      Bs[idx] = bv;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk++) {
      var b4: array<f32, 4>;
      for (var j = 0u; j < 4u; j++) { b4[j] = Bs[kk * 64u + lid.x + 16u * j]; }
      for (var i = 0u; i < RM; i++) {
        let a = As[(lid.y + 16u * i) * 16u + kk];
        for (var j = 0u; j < 4u; j++) { s[i * 4u + j] += a * b4[j]; }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < RM; i++) {
    let m = row0 + lid.y + 16u * i;
    if (m >= M) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let n = col0 + lid.x + 16u * j;
      if (n >= N) { continue; }
      let at = m * N + n;
      if (acc) { $c[at] = $c[at] + s[i * 4u + j]; } else { $c[at] = s[i * 4u + j]; }
    }
  }
}`;
