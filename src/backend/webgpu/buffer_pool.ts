// The idle GPU buffers a WebGPU device keeps for reuse, by size class, and when it lets them go.
// Creating a buffer costs a driver allocation, and a training step frees and re-takes the same sizes
// every step (its activations and gradients), so freed buffers wait here to be taken again.
//
// Trimming, so that the pool shrinks after a burst (a large evaluation batch, one long sequence, a
// model dropped) instead of holding the burst's memory for the rest of the process:
//  - Age: a buffer idle for `maxIdleSubmissions` submissions is destroyed. Age counts submissions, not
//    seconds, because reuse follows the program's own rhythm: what a training step frees comes back
//    within a step (tens of submissions) whatever the speed of the GPU, while a size no longer used
//    waits forever. The sweep runs every `sweepEvery` submissions (cheap: the oldest of each size
//    class is at the bottom of its stack).
//  - Cap: idle buffers never hold more than `maxIdleBytes` together; past it the oldest go first, so
//    a burst bigger than the cap is given back as soon as it is freed.

/** GPUBuffer as far as the pool needs it (a test can stand in for the device's buffers). */
export interface PooledBuffer { readonly size: number; destroy(): void }

/** Trimming settings (see the header). */
export interface PoolLimits {
  maxIdleSubmissions: number;
  maxIdleBytes: number;
  sweepEvery: number;
}

/** The defaults: 512 submissions (tens of training steps), 256 MiB of idle buffers, a sweep every 64 submissions. */
export const DEFAULT_POOL_LIMITS: Readonly<PoolLimits> = { maxIdleSubmissions: 512, maxIdleBytes: 256 << 20, sweepEvery: 64 };

interface Idle<B> { readonly buf: B; readonly since: number }

/** Idle buffers by size class, oldest at the bottom of each stack; reuse takes the newest. */
export class BufferPool<B extends PooledBuffer> {
  private readonly idle = new Map<number, Idle<B>[]>();
  private bytes = 0;
  private now = 0; // submissions seen
  /** Bytes destroyed by trimming so far (diagnostics). */
  trimmedBytes = 0;

  constructor(readonly limits: PoolLimits = { ...DEFAULT_POOL_LIMITS }) {}

  /** An idle buffer of exactly `size` bytes, or null. */
  take(size: number): B | null {
    const e = this.idle.get(size)?.pop();
    if (e === undefined) return null;
    this.bytes -= size;
    return e.buf;
  }

  /** Keeps a freed buffer for reuse (or destroys the oldest idle ones past the cap). */
  give(buf: B): void {
    let list = this.idle.get(buf.size);
    if (list === undefined) this.idle.set(buf.size, (list = []));
    list.push({ buf, since: this.now });
    this.bytes += buf.size;
    while (this.bytes > this.limits.maxIdleBytes) this.destroyOldest();
  }

  /** Counts one submission; every `sweepEvery`, destroys buffers idle for `maxIdleSubmissions` or more. */
  submitted(): void {
    this.now++;
    if (this.now % this.limits.sweepEvery !== 0) return;
    const cutoff = this.now - this.limits.maxIdleSubmissions;
    for (const [size, list] of this.idle) {
      let n = 0;
      while (n < list.length && list[n].since <= cutoff) this.destroy(list[n++].buf);
      if (n > 0) list.splice(0, n);
      if (list.length === 0) this.idle.delete(size);
    }
  }

  /** Destroys every idle buffer. */
  clear(): void {
    for (const list of this.idle.values()) for (const e of list) this.destroy(e.buf);
    this.idle.clear();
  }

  /** Bytes in idle buffers now. */
  idleBytes(): number { return this.bytes; }

  private destroyOldest(): void {
    let oldest: Idle<B>[] | null = null;
    for (const list of this.idle.values()) if (list.length > 0 && (oldest === null || list[0].since < oldest[0].since)) oldest = list;
    const e = oldest!.shift()!;
    if (oldest!.length === 0) this.idle.delete(e.buf.size);
    this.destroy(e.buf);
  }

  private destroy(b: B): void {
    b.destroy();
    this.bytes -= b.size;
    this.trimmedBytes += b.size;
  }
}
