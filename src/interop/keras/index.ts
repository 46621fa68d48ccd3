// Keras and TensorFlow.js interop (Node.js entry): models in from Keras .h5 files and TensorFlow.js
// model.json files, as a KerasSequential of unfold modules or a CharModel, and out to the
// TensorFlow.js layers format.
//
//   const model = kerasToUnfold(await readKerasModelFile('model.h5'));   // runs as Keras does
//   const char = toCharModel(model);                                      // a char-rnn as a CharModel
//   await writeTfjsModel('out/', toTfjsArtifacts(char));                  // for tf.loadLayersModel

export { readKerasModelFile, writeTfjsModel } from './model_files.js';
export { readKerasH5, type ReadKerasH5Options } from './keras_h5.js';
export { parseTfjsModel, tfjsShardPaths } from './tfjs_format.js';
export { kerasToUnfold, IMPORTED_LAYERS } from './layer_import.js';
export { KerasSequential, type KerasStep, type KerasSequentialLayer } from './keras_sequential.js';
export { toCharModel } from './char_model_import.js';
export { kerasVocab } from './keras_vocab.js';
export { toTfjsArtifacts, type TfjsArtifacts } from './tfjs_export.js';
export { KerasLSTMCell, KerasGRUCell, KerasRNNCell, type KerasActivations } from './keras_cells.js';
export { kerasActivation, applyActivation, type Activation } from './activations.js';
export type { KerasModel, KerasLayer, KerasWeight } from './topology.js';
