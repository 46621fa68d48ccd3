// WGSL bodies of the reductions: sums onto a broadcast shape (the adjoint of broadcasting), column
// sums (bias gradients), the sum of squares into a device scalar, and row-wise softmax / log-softmax
// and softmax cross-entropy. One thread per output element or row, each summing its own inputs in a
// fixed order, so results do not depend on scheduling. Specification: ../../ref/reduce.ts and
// ../../ref/cross_entropy.ts.

const HEAD = `@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat(gid, nwg);`;

/**
 * out[j] = Σ of the x elements that broadcast from out[j]. Params: outLength, rank, reduced (the
 * number of x elements per output), then x's shape, x's strides, and out's strides laid inside x's
 * shape (0 along summed axes), rank each.
 */
export const sumToBody = `${HEAD}
  if (i >= p(0u)) { return; }
  let rank = p(1u); let R = p(2u);
  var base = 0u;
  for (var d = 0u; d < rank; d++) {
    let so = p(3u + 2u * rank + d);
    if (so != 0u) { base += ((i / so) % p(3u + d)) * p(3u + rank + d); }
  }
  var s = 0.0;
  for (var r = 0u; r < R; r++) {
    var rem = r; var at = base;
    for (var d = rank; d > 0u; d--) {
      if (p(2u + 2u * rank + d) == 0u) {
        let size = p(2u + d);
        at += (rem % size) * p(2u + rank + d);
        rem = rem / size;
      }
    }
    s += $x[at];
  }
  $out[i] = s;
}`;

/** out[j] (+)= Σ_r x[r, j]. Params: n, rows, accumulate. */
export const colSumsBody = `${HEAD}
  let n = p(0u);
  if (i >= n) { return; }
  var s = 0.0;
  if (p(2u) != 0u) { s = $out[i]; }
  let rows = p(1u);
  for (var r = 0u; r < rows; r++) { s += $x[r * n + i]; }
  $out[i] = s;
}`;

/** out[0] = Σ x[i]² (one workgroup: strided partial sums, then a tree in workgroup memory). Params: n. */
export const sumSquaresBody = `
var<workgroup> part: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
  let n = p(0u);
  var s = 0.0;
  for (var i = lid.x; i < n; i += 256u) { let v = $x[i]; s += v * v; }
  part[lid.x] = s;
  workgroupBarrier();
  for (var w = 128u; w > 0u; w = w / 2u) {
    if (lid.x < w) { part[lid.x] += part[lid.x + w]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { $out[0] = part[0]; }
}`;

/**
 * The maximum along the middle axis of x [outer, size, inner] and its first position (as a float;
 * a NaN wins, as in the reference). Params: outer·inner, size, inner.
 */
export const maxAxisBody = `${HEAD}
  if (i >= p(0u)) { return; }
  let size = p(1u); let inner = p(2u);
  let o = i / inner; let k = i % inner;
  var best = bitsf(0xff800000u); var at = 0u;
  for (var s = 0u; s < size; s++) {
    let v = $x[(o * size + s) * inner + k];
    if (v > best || v != v) { best = v; at = s; if (v != v) { break; } }
  }
  $out[i] = best;
  $pos[i] = f32(at);
}`;

/** gx[o, s, k] = g[o, k] where s is the position of the maximum, else 0. Params: outer·size·inner, size, inner. */
export const maxAxisBackwardBody = `${HEAD}
  if (i >= p(0u)) { return; }
  let size = p(1u); let inner = p(2u);
  let k = i % inner; let s = (i / inner) % size; let o = i / (inner * size);
  let j = o * inner + k;
  if (u32($pos[j]) == s) { $gx[i] = $g[j]; } else { $gx[i] = 0.0; }
}`;

// log Σ exp(x[o..o+n)) with the row's maximum taken out first.
const LOG_SUM_EXP = `
fn rowMax(o: u32, n: u32) -> f32 {
  var m = bitsf(0xff800000u);
  for (var k = 0u; k < n; k++) { let v = $x[o + k]; if (v > m) { m = v; } }
  return m;
}
fn rowSumExp(o: u32, n: u32, m: f32) -> f32 {
  var s = 0.0;
  for (var k = 0u; k < n; k++) { s += exp($x[o + k] - m); }
  return s;
}`;

/** out[r, :] = softmax(x[r, :]) (log: log-softmax). Params: rows, n, log. */
export const softmaxRowsBody = `${LOG_SUM_EXP}
${HEAD}
  let n = p(1u);
  if (i >= p(0u)) { return; }
  let o = i * n;
  let m = rowMax(o, n);
  let s = rowSumExp(o, n, m);
  if (p(2u) != 0u) {
    let ls = m + log(s);
    for (var k = 0u; k < n; k++) { $out[o + k] = $x[o + k] - ls; }
  } else {
    let inv = 1.0 / s;
    for (var k = 0u; k < n; k++) { $out[o + k] = exp($x[o + k] - m) * inv; }
  }
}`;

/** logp[i, :] = log softmax(x[i, :]); nll[i] = −logp[i, t_i], or 0 where t_i < 0. Params: N, C, then N targets (i32). */
export const crossEntropyForwardBody = `${LOG_SUM_EXP}
${HEAD}
  let C = p(1u);
  if (i >= p(0u)) { return; }
  let o = i * C;
  let ls = rowMax(o, C);
  let lse = ls + log(rowSumExp(o, C, ls));
  for (var k = 0u; k < C; k++) { $logp[o + k] = $x[o + k] - lse; }
  let t = pi(2u + i);
  if (t < 0) { $nll[i] = 0.0; } else { $nll[i] = -(($x[o + u32(t)]) - lse); }
}`;

/** gx[i, k] = exp(logp[i, k])·s_i − s_i·[k = t_i], zeros where t_i < 0. Params: N, C, N targets (i32), N scales (f32). */
export const crossEntropyBackwardBody = `${HEAD}
  let C = p(1u); let N = p(0u);
  if (i >= N * C) { return; }
  let r = i / C; let k = i % C;
  let t = pi(2u + r);
  if (t < 0) { $gx[i] = 0.0; return; }
  let s = pf(2u + N + r);
  var v = exp($logp[i]) * s;
  if (u32(t) == k) { v -= s; }
  $gx[i] = v;
}`;
