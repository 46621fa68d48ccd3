// Row gather and scatter-add in WebAssembly (embedding lookups and their gradient), f32 at byte
// addresses, with the reference's contracts (src/backend/ref/layout.ts). Indices are i32 and must lie
// in the table (the TypeScript wrapper checks them before anything is copied in).
//   table [V, W]; index i32 [n]; rows (out / src) [n, W]

/** out[i, :] = table[index[i], :]. */
export function gatherRows(n: i32, W: i32, table: usize, index: usize, out: usize): void {
  const line = <usize>W << 2;
  for (let i = 0; i < n; i++) {
    memory.copy(out + <usize>i * line, table + <usize>load<i32>(index + (<usize>i << 2)) * line, line);
  }
}

/** table[index[i], :] += src[i, :], in order of i (repeated indices accumulate as the reference's loop). */
export function scatterAddRows(n: i32, W: i32, src: usize, index: usize, table: usize): void {
  const W4 = W & ~3;
  const line = <usize>W << 2;
  for (let i = 0; i < n; i++) {
    const s = src + <usize>i * line, d = table + <usize>load<i32>(index + (<usize>i << 2)) * line;
    let k = 0;
    for (; k < W4; k += 4) {
      const o = <usize>k << 2;
      v128.store(d + o, f32x4.add(v128.load(d + o), v128.load(s + o)));
    }
    for (; k < W; k++) {
      const o = <usize>k << 2;
      store<f32>(d + o, load<f32>(d + o) + load<f32>(s + o));
    }
  }
}
