// Sequence-to-sequence models: encoder-decoder over any recurrent cell, additive and multiplicative
// attention with padding masks, greedy / sampled decoding and beam search, teacher forcing and
// scheduled sampling, batching of variable-length pairs, and checkpoints as safetensors bytes
// (browser-safe; the file helpers are in ./checkpoint_file.ts).

export { padBatch, targetBatch, type PaddedBatch, type TargetBatch } from './batch.js';
export { maskedSoftmax } from './mask.js';
export { Attention, type AttentionKind, type AttentionResult, type PreparedKeys } from './attention.js';
export { AdditiveAttention, type AdditiveAttentionConfig } from './additive_attention.js';
export { MultiplicativeAttention, type MultiplicativeAttentionConfig } from './multiplicative_attention.js';
export { Encoder, type EncoderConfig, type EncoderOutput, type CellType } from './encoder.js';
export {
  Decoder, selectSource, selectState,
  type DecoderConfig, type ResolvedDecoderConfig, type ContextMode, type SourceContext, type DecoderState, type DecoderStep,
} from './decoder.js';
export { Seq2Seq, Seq2SeqSession, checkSeq2SeqConfig, type Seq2SeqConfig, type ForwardOptions, type Seq2SeqOutput } from './model.js';
export {
  seq2seqParameterCount, seq2seqTrainingMemory, decoderParameterCount, captionModelParameterCount, captionTrainingMemory, type DecoderSize,
} from './seq2seq_memory.js';
export { logSoftmaxRow, type StepDecoder } from './step_decoder.js';
export { DecoderSession } from './decoder_session.js';
export { decodeTargets } from './teacher_forcing.js';
export { decode, greedyDecode, type DecodeOptions, type Hypothesis } from './decoding.js';
export { beamSearch, MAX_BEAM_WIDTH, type BeamSearchOptions, type BeamResult } from './beam_search.js';
export { vocabsFor, encodePair, makeBatch, randomBatch, type TextPair, type EncodedPair, type Seq2SeqBatch } from './pairs.js';
export { parsePairs, PairsFormatError, MAX_PAIR_CHARS } from './tsv.js';
export { translate, exactMatch, type TranslateOptions } from './translate.js';
export { parseSamplingSchedule } from './schedule_spec.js';
export { ImageEncoder, resolveImageEncoderConfig, type ImageEncoderConfig, type ResolvedImageEncoderConfig, type ImageEncoding } from './image_encoder.js';
export {
  CaptionModel, CaptionSession, captionImages, checkCaptionModelConfig, type CaptionModelConfig, type CaptionOptions,
} from './caption_model.js';
export { MDLSTMImageEncoder, resolveMDLSTMImageEncoderConfig, isMDLSTMEncoderConfig, type MDLSTMImageEncoderConfig, type ResolvedMDLSTMImageEncoderConfig } from './mdlstm_image_encoder.js';
export { imageEncoderFor } from './caption_model.js';
export { mdlstmEncoderSize, mdlstmEncoderActivations } from './seq2seq_memory.js';
export type { ImageEncoderModule } from './image_encoder.js';
export { tokenTreeOf, treeOfTokens, breadthFirst, tokenStream, tokenTreeFromStream, type TokenTree } from './token_tree.js';
export { TreeDecoder, type TreeDecoderConfig, type ResolvedTreeDecoderConfig, type TreeSource } from './tree_decoder.js';
export { treeLevels, treeTeacherForcing, type TreeLevel, type TreeForward } from './tree_teacher_forcing.js';
export { TreeSession, type TreeSessionOptions } from './tree_session.js';
export { Seq2Tree, decodeTrees, type Seq2TreeConfig, type TreeDecodeOptions, type TreeHypothesis } from './seq2tree.js';
