// ONNX files on disk (node-only): a checkpoint exported to .onnx file(s) and an .onnx file imported
// into a checkpoint, through the one checkpoint reader and writer (train/checkpoint_file.ts) and
// atomic writes, with every error naming the file.

import { writeFileAtomic } from '../../io/atomic_write.js';
import { readRegularFileSync } from '../../io/read_file.js';
import { loadCheckpoint, saveCheckpoint } from '../../train/checkpoint_file.js';
import { exportOnnx } from './export_model.js';
import type { OnnxExportOptions } from './export_options.js';
import { importOnnx, type ImportedOnnx } from './import_model.js';

/** Where each graph of an export goes: `out` for a single graph, `out` with `.encoder.onnx` / `.decoder.onnx` for several. */
export function onnxPaths(out: string, graphs: readonly string[]): Record<string, string> {
  if (graphs.length === 1) return { [graphs[0]]: out };
  const stem = out.replace(/\.onnx$/, '');
  return Object.fromEntries(graphs.map((g) => [g, `${stem}.${g}.onnx`]));
}

/** Exports the model of the checkpoint at `checkpoint` (see exportOnnx) to `out`; returns the files written by graph name. */
export async function exportOnnxFile(checkpoint: string, out: string, options: OnnxExportOptions = {}): Promise<Record<string, string>> {
  const { model, vocabs } = loadCheckpoint(checkpoint);
  let graphs: Record<string, Uint8Array>;
  try { graphs = exportOnnx(model, { ...options, vocabs }); } catch (e) {
    throw new Error(`${checkpoint}: ${(e as Error).message}`, { cause: e });
  }
  const paths = onnxPaths(out, Object.keys(graphs));
  for (const [name, bytes] of Object.entries(graphs)) await writeFileAtomic(paths[name], bytes);
  return paths;
}

/** Imports the ONNX model at `input` (see importOnnx) and saves it as a checkpoint at `out`. */
export async function importOnnxFile(input: string, out: string): Promise<ImportedOnnx> {
  const imported = importOnnx(readRegularFileSync(input, 'ONNX model'), input);
  await saveCheckpoint(out, { model: imported.model, vocabs: imported.vocabs });
  return imported;
}
