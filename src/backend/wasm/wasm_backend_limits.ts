// Sizes below which a wasm kernel stays on the calling thread: handing a part to a worker thread
// costs a few microseconds (a wake-up, or a spin when the worker is still awake from the last part).

/** Flops (2·M·N·K, or a time loop's recurrent products) from which work is cut between threads. */
export const PARALLEL_FLOPS = 1 << 22;
/** Elements from which an element-wise kernel is cut between threads. */
export const PARALLEL_ELEMENTS = 1 << 17;
/**
 * How many times an add's cost per element Adam's update takes (two f64 divisions and a square root
 * per element, about 2.5 ns here against 0.3), so that it is cut from PARALLEL_ELEMENTS / this many
 * elements. Measured 2026-12-05, AdamW's step over the README-style LSTM H = 128's parameters (112k
 * in 7 tensors, the largest 65k; median of 9 × 200 steps): 402 µs on one thread, 289 with this.
 */
export const ADAM_COST = 8;

// A product of many rows is cut into up to this many blocks per thread, taken by whichever thread is
// free (./pool.ts), so that a thread slowed by the host holds up one small block, not half the
// product: alternated in one process (GRU H = 128, the README-style loop, 12 rounds), the products'
// time per step fell from 7.10 to 6.75 ms and the threads' waits from 2.6 to 1.5 ms.
export const GEMM_PARTS_PER_THREAD = 4;
/** The fewest rows of C in one such block. */
export const GEMM_PART_ROWS = 128;

// A time loop's batch rows are cut into up to this many parts per thread (each part runs the whole
// sequence for its rows; a part's rows share each step's pass over W_hh, so fewer rows per part cost
// a little when the threads run at one speed). Alternated in one process at batch 32 (4 parts of 8
// rows against 2 of 16), per-round median ratios: GRU H=128 0.99 (12 rounds) and 1.03 (16), LSTM
// H=128 1.03 (16), GRU H=512 0.99 (8), and GRU H=128 with a busy loop on the second core 1.11 (10):
// level when the vCPUs are even, ahead when one is slowed, which is when the bench loses most.
export const SEQ_PARTS_PER_THREAD = 2;
/** The fewest batch rows in one such part (two 4-row micro-tiles). */
export const SEQ_PART_ROWS = 8;

// Finer parts only while a part's own buffers (a product block's workspace with its packed op(B), a
// time loop part's packed W_hh) stay under this: each part holds its own, so at H = 512 eight
// product blocks of 4 MiB each raised the LSTM run's peak RSS from 357 to 372 MiB (bench, 22:42),
// and the finer cuts were measured to pay at H = 128, not at H = 512.
export const FINE_PART_BYTES = 1 << 20;
