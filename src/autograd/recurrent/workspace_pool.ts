// Workspaces of the fused recurrent ops: the buffers a forward fills for its backward (gate
// activations, cell states) and the per-step temporaries, pooled by size. A forward leases one and
// gives it back when the engine releases its graph node after backward (or at once when no graph is
// recorded), so a training loop of fixed shapes allocates its workspaces on the first step only.
// A graph that is dropped without backward takes its workspace with it to the garbage collector.

/** Free workspaces keyed by op and size (`lstm:float32:T,B,I,H`); only the most recent keys stay. */
export class WorkspacePool {
  private readonly free = new Map<string, object[]>();
  /** How many workspaces this pool has made; a second call of the same sizes makes none. */
  created = 0;

  /** maxKeys bounds the memory kept for sizes no longer in use (e.g. a shorter last chunk). */
  constructor(readonly maxKeys = 4) {}

  /** A free workspace under `key`, or a new one from `make`. */
  acquire<W extends object>(key: string, make: () => W): W {
    const list = this.free.get(key);
    if (list !== undefined && list.length > 0) return list.pop() as W;
    this.created++;
    return make();
  }

  /** Hands a workspace back; the key becomes the most recently used one. */
  release(key: string, w: object): void {
    const list = this.free.get(key) ?? [];
    this.free.delete(key);
    list.push(w);
    this.free.set(key, list);
    while (this.free.size > this.maxKeys) this.free.delete(this.free.keys().next().value as string);
  }

  /** The workspaces now free, for tests and diagnostics. */
  idle(): object[] {
    return [...this.free.values()].flat();
  }
}

/** Leases from `pool`, or makes a one-off workspace when there is none. */
export function lease<W extends object>(pool: WorkspacePool | null, key: string, make: () => W): [W, () => void] {
  if (pool === null) return [make(), () => {}];
  const w = pool.acquire(key, make);
  return [w, () => pool.release(key, w)];
}
