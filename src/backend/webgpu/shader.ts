// How a WGSL kernel is written once and bound to any operands, aliased or not. A kernel body names
// its operands `$name[i]` (float32 arrays) and its parameters p(k) (u32), pf(k) (f32) and pi(k)
// (i32); index lists (targets, lengths, gather rows) ride in the same parameter block. Before a
// pipeline is made, each distinct GPU buffer among the operands gets one read_write binding, and
// `$name[i]` becomes `bK[prm[j] + i]` with prm[j] the operand's element offset.
//
// Why: WebGPU refuses a buffer bound twice in one dispatch when either binding is writable, and
// tensor storages alias all the time (in-place ops; a fused op's outputs are views of one buffer,
// so the recurrent kernels read h_{t−1} and write h_t in the same buffer). Binding each buffer
// once and baking the aliasing into the shader text keeps one source per kernel; the pipeline cache
// is keyed by kernel and aliasing pattern, of which a program uses only a few.

/** Threads per workgroup of the one-dimensional kernels (element-wise, per-row). */
export const WG = 256;

/** The shader's declarations for `bindings` distinct buffers and `operands` offsets before the parameters. */
function preamble(bindings: number, operands: number): string {
  let s = '@group(0) @binding(0) var<storage, read> prm: array<u32>;\n';
  for (let b = 1; b <= bindings; b++) s += `@group(0) @binding(${b}) var<storage, read_write> b${b}: array<f32>;\n`;
  s += `const P = ${operands}u;
fn p(k: u32) -> u32 { return prm[P + k]; }
fn pf(k: u32) -> f32 { return bitcast<f32>(prm[P + k]); }
fn pi(k: u32) -> i32 { return bitcast<i32>(prm[P + k]); }
// The flat thread index of a 1-D kernel launched on a 2-D grid (dispatch limits are 65535 per axis).
fn flat(gid: vec3<u32>, nwg: vec3<u32>) -> u32 { return gid.x + gid.y * nwg.x * ${WG}u; }
// Infinity and NaN from a runtime load (as constants WGSL refuses them).
fn bitsf(b: u32) -> f32 { return bitcast<f32>(b | (prm[0] & 0u)); }
fn sigm(v: f32) -> f32 { if (v >= 0.0) { return 1.0 / (1.0 + exp(-v)); } let e = exp(v); return e / (1.0 + e); }
// tanh through exp(−2|v|) never overflows (some implementations' tanh gives NaN past |v| ≈ 44).
fn tanhs(v: f32) -> f32 { let e = exp(-2.0 * abs(v)); return sign(v) * (1.0 - e) / (1.0 + e); }
`;
  return s;
}

/**
 * The full WGSL of `body` with operand `names[j]` bound to buffer `binding[j]` (1-based); the j-th
 * operand's element offset is prm[j]. Throws when the body names an operand it was not given.
 */
export function bindShader(body: string, names: readonly string[], binding: readonly number[]): string {
  const distinct = binding.reduce((m, b) => Math.max(m, b), 0);
  const text = body.replace(/\$([A-Za-z_][A-Za-z0-9_]*)\[/g, (_m, name: string) => {
    const j = names.indexOf(name);
    if (j < 0) throw new Error(`WGSL kernel: expected an operand named '${name}' among [${names.join(', ')}], got none`);
    return `b${binding[j]}[prm[${j}u] + `;
  });
  return preamble(distinct, names.length) + text;
}

/** The bits of `x` as a float32, read as a u32 (to pass a float through the u32 parameter block). */
export function f32Bits(x: number): number {
  F32[0] = x;
  return U32[0];
}
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
