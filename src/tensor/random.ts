// Seeded pseudo-random numbers, so that every initialisation, dropout mask and batch order is
// reproducible from one seed and can be saved in a checkpoint and resumed exactly.
// xoshiro128** for uniforms; Box–Muller for normals.

export class Rng {
  private s0: number; private s1: number; private s2: number; private s3: number;
  private spare: number | null = null;

  constructor(seed = 0) {
    // splitmix32 expands the seed into the four state words.
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next(); this.s1 = next(); this.s2 = next(); this.s3 = next();
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0; this.s3 ^= this.s1; this.s1 ^= this.s2; this.s0 ^= this.s3;
    this.s2 ^= t; this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  random(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.random();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  /**
   * k distinct integers from [0, n), ascending, written into out[0..k) (Floyd's algorithm: k draws).
   * `mark` is scratch of at least n zeros and is left zeroed, so a caller drawing many rows passes one.
   */
  distinct(n: number, k: number, out: Int32Array, mark: Uint8Array = new Uint8Array(n)): void {
    if (!(k >= 0 && k <= n)) throw new Error(`distinct: expected 0 <= k <= n, got k = ${k}, n = ${n}`);
    let m = 0;
    for (let j = n - k; j < n; j++) {
      const t = this.int(j + 1);
      const c = mark[t] ? j : t;
      mark[c] = 1;
      out[m++] = c;
    }
    const row = out.subarray(0, k).sort();
    for (let i = 0; i < k; i++) mark[row[i]] = 0;
  }

  /** Standard normal. */
  normal(): number {
    if (this.spare !== null) { const s = this.spare; this.spare = null; return s; }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** The full state, for checkpoints. */
  getState(): number[] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0, this.spare ?? NaN];
  }

  setState(state: readonly number[]): void {
    if (state.length !== 5) throw new Error(`expected an RNG state of 5 numbers, got ${state.length}`);
    [this.s0, this.s1, this.s2, this.s3] = state.map((v) => v | 0);
    this.spare = Number.isNaN(state[4]) ? null : state[4];
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

let globalRng = new Rng(0x5eed);

/** The generator used when none is passed: initialisers, dropout, sampling. */
export function defaultRng(): Rng { return globalRng; }

/** Reseeds the default generator (like torch.manual_seed). */
export function manualSeed(seed: number): void { globalRng = new Rng(seed); }
