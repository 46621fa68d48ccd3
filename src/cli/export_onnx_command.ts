// `unfold export onnx`: a checkpoint as ONNX file(s) that ONNX Runtime runs with unfold's outputs
// (a seq2seq model as an encoder and a one-step decoder, for beam search outside unfold).

import { Command } from 'commander';
import { readRegularFileSync } from '../io/read_file.js';
import { exportOnnxFile } from '../interop/onnx/onnx_files.js';
import { graphSignature } from '../interop/onnx/graph_signature.js';

export function exportOnnxCommand(): Command {
  return new Command('onnx')
    .description('export a checkpoint (character model, RNN/LSTM/GRU stack, seq2seq model) to ONNX (opset 14)')
    .requiredOption('--checkpoint <path>', 'model checkpoint (.safetensors)')
    .requiredOption('--out <path>', 'ONNX file to write (a seq2seq model writes <out>.encoder.onnx and <out>.decoder.onnx)')
    .option('--no-state', 'leave the initial recurrent states out of the inputs (they start at zero)')
    .option('--lengths', 'take per-row sequence lengths as an int64 input `lengths` [batch]')
    .action(async (f: { checkpoint: string; out: string; state: boolean; lengths?: boolean }) => {
      const paths = await exportOnnxFile(f.checkpoint, f.out, { initialState: f.state, lengths: f.lengths ?? false });
      for (const [name, path] of Object.entries(paths)) {
        process.stdout.write(`wrote ${path} (${name}): ${graphSignature(readRegularFileSync(path, 'ONNX model'))}\n`);
      }
    });
}
