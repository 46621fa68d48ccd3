// Sizes below which a wasm kernel stays on the calling thread: handing a part to a worker thread
// costs a few microseconds (a wake-up, or a spin when the worker is still awake from the last part).

/** Flops (2·M·N·K, or a time loop's recurrent products) from which work is cut between threads. */
export const PARALLEL_FLOPS = 1 << 22;
/** Elements from which an element-wise kernel is cut between threads. */
export const PARALLEL_ELEMENTS = 1 << 17;
