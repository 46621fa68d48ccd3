// WGSL bodies of the element-wise kernels: unary maps and their derivatives, the constant power and
// affine maps, binary ops with NumPy broadcasting, addInto and fill. One thread per output element;
// each op's expression is spliced into the body, so a pipeline holds one op (the cache key names it).
// The expressions follow ../../ref/pointwise.ts, including its NaN behaviour (relu of NaN is 0,
// maximum(a, NaN) is NaN only from b's side).

import type { BinaryOp, UnaryOp } from '../../backend.js';

const UNARY: Record<UnaryOp, string> = {
  neg: '-v', exp: 'exp(v)', log: 'log(v)', tanh: 'tanhs(v)', sigmoid: 'sigm(v)',
  relu: 'select(0.0, v, v > 0.0)', sqrt: 'sqrt(v)', abs: 'abs(v)', square: 'v * v',
};

// gx from g and the input x or output y, as ../../ref/pointwise.ts unaryBackward.
const UNARY_GRAD: Record<UnaryOp, string> = {
  neg: '-g', exp: 'g * y', log: 'g / x', tanh: 'g * (1.0 - y * y)', sigmoid: 'g * y * (1.0 - y)',
  relu: 'select(0.0, g, x > 0.0)', sqrt: '(0.5 * g) / y', abs: 'select(select(0.0, -g, x < 0.0), g, x > 0.0)', square: '2.0 * x * g',
};

const BINARY: Record<BinaryOp, string> = {
  add: 'a + b', sub: 'a - b', mul: 'a * b', div: 'a / b', pow: 'powf(a, b)',
  maximum: 'select(b, a, a >= b)', minimum: 'select(b, a, a <= b)',
};

// Math.pow on float32: negative bases with integer exponents keep their sign; 0^y by hand (WGSL's
// pow is exp2(y·log2 x), undefined for x <= 0).
const POW = `
fn powf(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return 1.0; }
  if (x > 0.0) { return pow(x, y); }
  if (x == 0.0) { if (y > 0.0) { return 0.0; } return bitsf(0x7f800000u); }
  if (y == floor(y)) { let r = pow(-x, y); if (fract(y * 0.5) != 0.0) { return -r; } return r; }
  return bitsf(0x7fc00000u);
}
`;

const HEAD = `@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat(gid, nwg);
  if (i >= p(0u)) { return; }`;

/** out[i] = op(x[i]). Params: n. */
export const unaryBody = (op: UnaryOp): string => `${HEAD}
  let v = $x[i];
  $out[i] = ${UNARY[op]};
}`;

/** gx[i] = g[i] · op'(x[i]) from x and y = op(x). Params: n. */
export const unaryGradBody = (op: UnaryOp): string => `${HEAD}
  let x = $x[i]; let y = $y[i]; let g = $g[i];
  $gx[i] = ${UNARY_GRAD[op]};
}`;

/** out[i] = x[i] ** p. Params: n, p (f32). */
export const powScalarBody = `${POW}${HEAD}
  let v = $x[i];
  let e = pf(1u);
  if (e == 2.0) { $out[i] = v * v; } else { $out[i] = powf(v, e); }
}`;

/** out[i] = a·x[i] + b. Params: n, a, b (f32). */
export const affineBody = `${HEAD}
  $out[i] = pf(1u) * $x[i] + pf(2u);
}`;

/**
 * out = a ⊙ b with broadcasting. Params: n, rank, then out's shape, a's strides and b's strides
 * (rank each; stride 0 along broadcast axes).
 */
export const binaryBody = (op: BinaryOp): string => `${POW}${HEAD}
  let rank = p(1u);
  var rem = i; var ia = 0u; var ib = 0u;
  for (var d = rank; d > 0u; d--) {
    let size = p(1u + d);
    let c = rem % size;
    rem = rem / size;
    ia += c * p(1u + rank + d);
    ib += c * p(1u + 2u * rank + d);
  }
  let a = $a[ia]; let b = $b[ib];
  $out[i] = ${BINARY[op]};
}`;

/** dst[i] += src[i]. Params: n. */
export const addIntoBody = `${HEAD}
  $dst[i] = $dst[i] + $src[i];
}`;

/** x[i] = value. Params: n, value (f32). */
export const fillBody = `${HEAD}
  $x[i] = pf(1u);
}`;
