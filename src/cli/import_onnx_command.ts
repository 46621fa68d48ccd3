// `unfold import onnx`: an ONNX recurrent model (LSTM / GRU / RNN nodes with an embedding, a linear
// head, a softmax; PyTorch's torch.onnx.export among others) saved as an unfold checkpoint.

import { Command } from 'commander';
import { classNameOf } from '../nn/registry.js';
import { importOnnxFile } from '../interop/onnx/onnx_files.js';
import { whereOpened } from './open_checkpoint.js';

export function importOnnxCommand(): Command {
  return new Command('onnx')
    .description('import an ONNX model of LSTM/GRU/RNN nodes (Gather, MatMul/Gemm, Add, Softmax around them) as a checkpoint')
    .requiredOption('--in <path>', 'ONNX model file')
    .requiredOption('--out <path>', 'checkpoint to write (.safetensors)')
    .action(async (f: { in: string; out: string }) => {
      const { model, vocabs, graph } = await importOnnxFile(f.in, f.out);
      const kinds = graph.nodes.map((n) => `${n.kind.toUpperCase()}${n.directions === 2 ? ' (bidirectional)' : ''}`).join(', ');
      process.stdout.write(`wrote ${f.out}: ${classNameOf(model)} from ${graph.nodes.length} recurrent node(s) [${kinds}] of ${f.in}\n`);
      process.stdout.write(`(${whereOpened({ model, vocabs, step: 0, metadata: {} })})\n`);
    });
}
