// `unfold import <format>`: a model made elsewhere, saved as an unfold checkpoint. Each format is a
// subcommand built in its own file; a new format is one more addCommand line here.

import { Command } from 'commander';
import { importOnnxCommand } from './import_onnx_command.js';
import { importKerasCommand } from './import_keras.js';

export function importCommand(): Command {
  return new Command('import')
    .description('save a model from another format as an unfold checkpoint (onnx, keras / tfjs)')
    .addCommand(importOnnxCommand())
    .addCommand(importKerasCommand());
}
