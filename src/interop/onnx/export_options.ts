// What an ONNX export can be asked for, with every default in one place.

/** Options of exportOnnx. */
export interface OnnxExportOptions {
  /**
   * Take the initial recurrent states as graph inputs (h0, c0, …; default true): what stepping a
   * model outside unfold (sampling, streaming) needs. Without them the states start at zero.
   */
  initialState?: boolean;
  /**
   * Take per-row lengths as an int64 input `lengths` [batch] (default false), given to the recurrent
   * nodes as ONNX's sequence_lens: padded steps output 0 and leave the state as it was, as in unfold.
   */
  lengths?: boolean;
}

/** The options with their defaults filled in. */
export function resolveExportOptions(options: OnnxExportOptions = {}): Required<OnnxExportOptions> {
  return { initialState: options.initialState ?? true, lengths: options.lengths ?? false };
}
