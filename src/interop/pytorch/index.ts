// PyTorch export: a checkpoint, the model in PyTorch and a torchrun training script (node-only).

export { exportPyTorch, PYTORCH_EXPORT_FILES } from './export_pytorch.js';
