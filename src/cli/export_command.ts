// `unfold export <format>`: a checkpoint's model written in another format. Each format is a
// subcommand built in its own file; a new format is one more addCommand line here.

import { Command } from 'commander';
import { exportOnnxCommand } from './export_onnx_command.js';
import { exportTfjsCommand } from './export_tfjs.js';
import { exportPyTorchCommand } from './export_pytorch.js';

export function exportCommand(): Command {
  return new Command('export')
    .description('write a checkpoint\'s model in another format (onnx, tfjs, pytorch)')
    .addCommand(exportOnnxCommand())
    .addCommand(exportTfjsCommand())
    .addCommand(exportPyTorchCommand());
}
