// ONNX out and in: unfold's recurrent models as ONNX graphs that ONNX Runtime runs with the same
// outputs, and ONNX recurrent models (PyTorch's exports among them) as unfold models.

export { exportOnnx, type OnnxExportInput } from './export_model.js';
export { resolveExportOptions, type OnnxExportOptions } from './export_options.js';
export { importOnnx, type ImportedOnnx } from './import_model.js';
export type { GraphSummary } from './import_graph.js';
export { exportOnnxFile, importOnnxFile, onnxPaths } from './onnx_files.js';
export { graphSignature } from './graph_signature.js';
export { RecurrentModel, type RecurrentModelConfig } from '../recurrent_model.js';
