// WGSL bodies of the optimizer updates (torch.optim's Adam/AdamW and SGD), one thread per element,
// in place on the parameter and its state. Specification: ../../ref/optim.ts; the per-step
// constants are worked out on the host exactly as there, and the arithmetic here is float32.

const HEAD = `@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat(gid, nwg);
  if (i >= p(0u)) { return; }`;

/**
 * Adam/AdamW. Params: n, then f32: sign, l2, decay, decoupled (u32), beta1, 1 − beta1, beta2,
 * 1 − beta2, stepSize, √(1 − beta2^t), eps. Operands g (read), p, m, v and, with amsgrad, vMax.
 */
export const adamBody = (amsgrad: boolean): string => `${HEAD}
  var pv = $p[i];
  if (p(4u) != 0u) { pv *= pf(3u); }
  var g = pf(1u) * $g[i];
  if (pf(2u) != 0.0) { g += pf(2u) * pv; }
  let m = pf(5u) * $m[i] + pf(6u) * g;
  let v = pf(7u) * $v[i] + pf(8u) * g * g;
  $m[i] = m; $v[i] = v;
  var vi = v;
  ${amsgrad ? 'let vm = $vMax[i]; if (vi != vi || vm != vm) { vi = vi + vm; } else { vi = max(vm, vi); } $vMax[i] = vi;' : ''}
  $p[i] = pv - pf(9u) * (m / (sqrt(vi) / pf(10u) + pf(11u)));
}`;

/**
 * SGD. Params: n, then f32: lr, sign, weightDecay, momentum, 1 − dampening, then u32: nesterov, first.
 * Operands g (read), p and, with momentum, buf.
 */
export const sgdBody = (momentum: boolean): string => `${HEAD}
  let pv = $p[i];
  ${momentum ? `var d = pf(2u) * $g[i];
  if (pf(3u) != 0.0) { d += pf(3u) * pv; }
  var b = d;
  if (p(7u) == 0u) { b = pf(4u) * $buf[i] + pf(5u) * d; }
  $buf[i] = b;
  var step = b;
  if (p(6u) != 0u) { step = d + pf(4u) * b; }
  $p[i] = pv - pf(1u) * step;` : '$p[i] = pv - pf(1u) * (pf(2u) * $g[i] + pf(3u) * pv);'}
}`;
